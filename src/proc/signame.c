/*
 * Signal names and the text formats of the process files.  The names are
 * those of kill -l without the SIG prefix; real-time signals are named
 * RTMIN+n for the lower half of the range and RTMAX-n for the upper half,
 * as bash and procps do, so what ipcfs prints can be fed back to it and to
 * kill(1).  Everything here is pure and bounded by its arguments.
 */
#define _GNU_SOURCE
#include "signame.h"
#include "decimal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const char *const sig_names[32] = {
	[SIGHUP] = "HUP",	[SIGINT] = "INT",	[SIGQUIT] = "QUIT",
	[SIGILL] = "ILL",	[SIGTRAP] = "TRAP",	[SIGABRT] = "ABRT",
	[SIGBUS] = "BUS",	[SIGFPE] = "FPE",	[SIGKILL] = "KILL",
	[SIGUSR1] = "USR1",	[SIGSEGV] = "SEGV",	[SIGUSR2] = "USR2",
	[SIGPIPE] = "PIPE",	[SIGALRM] = "ALRM",	[SIGTERM] = "TERM",
	[SIGSTKFLT] = "STKFLT", [SIGCHLD] = "CHLD",	[SIGCONT] = "CONT",
	[SIGSTOP] = "STOP",	[SIGTSTP] = "TSTP",	[SIGTTIN] = "TTIN",
	[SIGTTOU] = "TTOU",	[SIGURG] = "URG",	[SIGXCPU] = "XCPU",
	[SIGXFSZ] = "XFSZ",	[SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF",
	[SIGWINCH] = "WINCH",	[SIGIO] = "IO",		[SIGPWR] = "PWR",
	[SIGSYS] = "SYS",
};

/* Other names kill(1) accepts for the same signals. */
static const struct {
	const char *name;
	int sig;
} sig_aliases[] = {
	{ "IOT", SIGABRT },
	{ "CLD", SIGCHLD },
	{ "POLL", SIGIO },
};

bool sig_valid(int sig)
{
	return (sig >= 1 && sig <= 31) || (sig >= SIGRTMIN && sig <= SIGRTMAX);
}

static bool name_eq(const char *s, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(s, name, len) == 0;
}

/* "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n" (case already ignored). */
static int parse_rt(const char *s, size_t len, int *sig)
{
	int base, dir;
	unsigned long long n = 0;

	if (len < 5)
		return -EINVAL;
	if (strncasecmp(s, "RTMIN", 5) == 0) {
		base = SIGRTMIN;
		dir = 1;
	} else if (strncasecmp(s, "RTMAX", 5) == 0) {
		base = SIGRTMAX;
		dir = -1;
	} else {
		return -EINVAL;
	}
	if (len > 5) {
		if (s[5] != (dir > 0 ? '+' : '-'))
			return -EINVAL;
		if (dec_parse(s + 6, len - 6, 0, 0, SIGRTMAX - SIGRTMIN, &n))
			return -EINVAL;
	}
	*sig = base + dir * (int)n;
	return 0;
}

int sig_parse(const char *s, size_t len, int *sig)
{
	unsigned long long n;

	if (len == 0)
		return -EINVAL;
	if (s[0] >= '0' && s[0] <= '9') {
		/* above SIGRTMAX no number is a signal */
		if (dec_parse(s, len, 0, 0, SIGRTMAX, &n))
			return -EINVAL;
		if (n != 0 && !sig_valid((int)n))
			return -EINVAL;
		*sig = (int)n;
		return 0;
	}
	if (len > 3 && strncasecmp(s, "SIG", 3) == 0) {
		s += 3;
		len -= 3;
	}
	for (int i = 1; i < 32; i++) {
		if (sig_names[i] && name_eq(s, len, sig_names[i])) {
			*sig = i;
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(sig_aliases) / sizeof(sig_aliases[0]);
	     i++) {
		if (name_eq(s, len, sig_aliases[i].name)) {
			*sig = sig_aliases[i].sig;
			return 0;
		}
	}
	return parse_rt(s, len, sig);
}

/* A signed decimal that fits in an int: the sigqueue value. */
static int parse_value(const char *s, size_t len, int *value)
{
	long long v;

	if (dec_parse_signed(s, len, DEC_ZEROS | DEC_MAX_DIGITS(11), INT_MIN,
			     INT_MAX, &v))
		return -EINVAL;
	*value = (int)v;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Splits one line into at most two fields and parses them. */
static int parse_line(const char *s, size_t len, struct sig_line *line,
		      bool *empty)
{
	const char *field[3];
	size_t flen[3], nfields = 0, i = 0;

	while (i < len) {
		while (i < len && is_blank(s[i]))
			i++;
		if (i == len)
			break;
		if (nfields == 3)
			return -EINVAL;
		field[nfields] = s + i;
		while (i < len && !is_blank(s[i]))
			i++;
		flen[nfields] = (size_t)(s + i - field[nfields]);
		nfields++;
	}
	*empty = nfields == 0;
	if (nfields == 0)
		return 0;
	if (nfields > 2)
		return -EINVAL;
	if (sig_parse(field[0], flen[0], &line->sig))
		return -EINVAL;
	line->has_value = nfields == 2;
	line->value = 0;
	if (line->has_value && parse_value(field[1], flen[1], &line->value))
		return -EINVAL;
	return 0;
}

int sig_parse_write(const char *buf, size_t len, struct sig_line *lines,
		    size_t max, size_t *count)
{
	size_t n = 0, start = 0;

	if (len > SIG_WRITE_MAX)
		return -EMSGSIZE;
	if (memchr(buf, '\0', len))
		return -EINVAL;
	while (start < len) {
		const char *nl = memchr(buf + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - buf) : len;
		struct sig_line line;
		bool empty;

		if (parse_line(buf + start, end - start, &line, &empty))
			return -EINVAL;
		if (!empty) {
			if (n == max)
				return -EINVAL;
			lines[n++] = line;
		}
		start = end + 1;
	}
	if (n == 0)
		return -EINVAL;
	*count = n;
	return 0;
}

void sig_name(int sig, char *buf, size_t size)
{
	int rtmin = SIGRTMIN, rtmax = SIGRTMAX;

	if (sig >= 1 && sig < 32 && sig_names[sig])
		snprintf(buf, size, "%s", sig_names[sig]);
	else if (sig == rtmin)
		snprintf(buf, size, "RTMIN");
	else if (sig == rtmax)
		snprintf(buf, size, "RTMAX");
	else if (sig > rtmin && sig - rtmin <= (rtmax - rtmin) / 2)
		snprintf(buf, size, "RTMIN+%d", sig - rtmin);
	else if (sig > rtmin && sig < rtmax)
		snprintf(buf, size, "RTMAX-%d", rtmax - sig);
	else
		snprintf(buf, size, "%d", sig);
}

int sig_format_set(uint64_t mask, char *buf, size_t size)
{
	size_t used = 0;

	for (int sig = 1; sig <= 64; sig++) {
		char name[SIG_NAME_MAX];
		size_t need;

		if (!(mask & (UINT64_C(1) << (sig - 1))))
			continue;
		sig_name(sig, name, sizeof(name));
		need = strlen(name) + (used ? 1 : 0);
		if (used + need + 2 > size)
			return -ENOSPC;
		if (used)
			buf[used++] = ' ';
		memcpy(buf + used, name, strlen(name));
		used += strlen(name);
	}
	if (used + 2 > size)
		return -ENOSPC;
	buf[used++] = '\n';
	buf[used] = '\0';
	return (int)used;
}

static int append_row(char **text, size_t *len, size_t *cap, int sig)
{
	char name[SIG_NAME_MAX], desc[64], row[128];
	const char *d = sig < 32 ? sigdescr_np(sig) : NULL;
	int n;

	sig_name(sig, name, sizeof(name));
	if (d)
		snprintf(desc, sizeof(desc), "%s", d);
	else
		snprintf(desc, sizeof(desc), "Real-time signal %d",
			 sig - SIGRTMIN);
	n = snprintf(row, sizeof(row), "%d %s %s\n", sig, name, desc);
	if (*len + (size_t)n + 1 > *cap) {
		size_t ncap = (*cap ? *cap * 2 : 2048) + (size_t)n;
		char *t = realloc(*text, ncap);

		if (!t)
			return -ENOMEM;
		*text = t;
		*cap = ncap;
	}
	memcpy(*text + *len, row, (size_t)n + 1);
	*len += (size_t)n;
	return 0;
}

char *sig_table_text(size_t *len)
{
	char *text = NULL;
	size_t cap = 0;

	*len = 0;
	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		if (!sig_valid(sig))
			continue;
		if (append_row(&text, len, &cap, sig)) {
			free(text);
			return NULL;
		}
	}
	return text;
}

int sig_format_fate(int status, char *buf, size_t size)
{
	char name[SIG_NAME_MAX];

	if (WIFEXITED(status))
		return snprintf(buf, size, "exited %d\n", WEXITSTATUS(status));
	sig_name(WTERMSIG(status), name, sizeof(name));
	return snprintf(buf, size, "killed %s%s\n", name,
			WCOREDUMP(status) ? " core" : "");
}
