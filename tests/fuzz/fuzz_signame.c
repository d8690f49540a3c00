/*
 * Fuzz target for the signal names of signame.h: sig_parse() on a single
 * token, sig_parse_write() on the text a user writes to proc/PID/signal,
 * and the round trips sig_name() -> sig_parse() and sig_format_set() ->
 * sig_parse() that the process files rely on (what ipcfs prints can be
 * written back).  Both parsers are checked against a reference written
 * from the header's words, not from the code: glibc's sigabbrev_np()
 * names, kill(1)'s aliases, RTMIN+n / RTMAX-n, canonical decimals.
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "signame.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#define LINES_MAX 16

/* Every spelling the header promises for @sig, without "SIG", upper case. */
static int spellings(int sig, char out[][SIG_NAME_MAX + 8])
{
	static const struct {
		const char *name;
		int sig;
	} aliases[] = {
		/* kill(1)'s other names; glibc's own name for 29 is POLL */
		{ "IOT", SIGABRT },
		{ "CLD", SIGCHLD },
		{ "POLL", SIGIO },
		{ "IO", SIGIO },
	};
	int n = 0;

	if (sig >= 1 && sig <= 31 && sigabbrev_np(sig))
		snprintf(out[n++], SIG_NAME_MAX + 8, "%s", sigabbrev_np(sig));
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (aliases[i].sig == sig)
			snprintf(out[n++], SIG_NAME_MAX + 8, "%s",
				 aliases[i].name);
	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		snprintf(out[n++], SIG_NAME_MAX + 8, "RTMIN+%d",
			 sig - SIGRTMIN);
		snprintf(out[n++], SIG_NAME_MAX + 8, "RTMAX-%d",
			 SIGRTMAX - sig);
		if (sig == SIGRTMIN)
			snprintf(out[n++], SIG_NAME_MAX + 8, "RTMIN");
		if (sig == SIGRTMAX)
			snprintf(out[n++], SIG_NAME_MAX + 8, "RTMAX");
	}
	return n;
}

/* The reference sig_parse(): the signal @s names, or -1. */
static int ref_sig(const char *s, size_t len)
{
	char up[SIG_NAME_MAX + 8], names[8][SIG_NAME_MAX + 8];
	long v = 0;

	if (len == 0)
		return -1;
	if (isdigit((unsigned char)s[0])) {
		/* canonical decimal: digits only, no leading zero */
		if (s[0] == '0')
			return len == 1 ? 0 : -1;
		for (size_t i = 0; i < len; i++) {
			if (!isdigit((unsigned char)s[i]) || v > 1000)
				return -1;
			v = v * 10 + (s[i] - '0');
		}
		return sig_valid((int)v) ? (int)v : -1;
	}
	if (len > 3 && strncasecmp(s, "SIG", 3) == 0) {
		s += 3;
		len -= 3;
	}
	if (len >= sizeof(up))
		return -1;
	for (size_t i = 0; i < len; i++)
		up[i] = (char)toupper((unsigned char)s[i]);
	up[len] = '\0';
	if (memchr(s, '\0', len))
		return -1;
	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		int n = spellings(sig, names);

		for (int i = 0; i < n; i++)
			if (strcmp(up, names[i]) == 0)
				return sig;
	}
	return -1;
}

/* sig_name() must give a short name that parses back to @sig. */
static void check_name(int sig)
{
	char name[SIG_NAME_MAX];
	int back = -1;

	memset(name, 'x', sizeof(name));
	sig_name(sig, name, sizeof(name));
	CHECK(memchr(name, '\0', sizeof(name)) != NULL);
	CHECK(sig_parse(name, strlen(name), &back) == 0 && back == sig);
	CHECK(ref_sig(name, strlen(name)) == sig);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* "[+-]digits" fitting an int, at most 11 digits (the parser's bound). */
static bool ref_value(const char *s, size_t len, int *value)
{
	size_t i = len && (s[0] == '-' || s[0] == '+');
	long long v = 0;

	if (i == len || len - i > 11)
		return false;
	for (size_t j = i; j < len; j++) {
		if (!isdigit((unsigned char)s[j]))
			return false;
		v = v * 10 + (s[j] - '0');
	}
	if (s[0] == '-')
		v = -v;
	if (v < INT_MIN || v > INT_MAX)
		return false;
	*value = (int)v;
	return true;
}

/*
 * The reference sig_parse_write(): the error it must return, and the
 * lines it must fill when it succeeds.
 */
static int ref_write(const char *buf, size_t len, struct sig_line *lines,
		     size_t max, size_t *count)
{
	size_t n = 0;

	if (len > SIG_WRITE_MAX)
		return -EMSGSIZE;
	if (memchr(buf, '\0', len))
		return -EINVAL;
	for (size_t start = 0; start < len;) {
		const char *nl = memchr(buf + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - buf) : len;
		const char *f[3];
		size_t flen[3], nf = 0;

		for (size_t i = start; i < end;) {
			if (is_blank(buf[i])) {
				i++;
				continue;
			}
			if (nf == 3)
				return -EINVAL;
			f[nf] = buf + i;
			while (i < end && !is_blank(buf[i]))
				i++;
			flen[nf] = (size_t)(buf + i - f[nf]);
			nf++;
		}
		start = end + 1;
		if (nf == 0)
			continue;
		if (nf == 3 || n == max)
			return -EINVAL;
		lines[n].sig = ref_sig(f[0], flen[0]);
		if (lines[n].sig < 0)
			return -EINVAL;
		lines[n].has_value = nf == 2;
		lines[n].value = 0;
		if (nf == 2 && !ref_value(f[1], flen[1], &lines[n].value))
			return -EINVAL;
		n++;
	}
	if (n == 0)
		return -EINVAL;
	*count = n;
	return 0;
}

static void check_token(const char *s, size_t len)
{
	int sig = -7, rc = sig_parse(s, len, &sig);
	int want = ref_sig(s, len);

	CHECK(rc == 0 || rc == -EINVAL);
	CHECK((rc == 0) == (want >= 0));
	if (rc == 0) {
		CHECK(sig == want);
		CHECK(sig == 0 || sig_valid(sig));
		check_name(sig);
	} else {
		CHECK(sig == -7); /* untouched on error */
	}
}

static void check_write(const char *buf, size_t len)
{
	struct sig_line got[LINES_MAX], want[LINES_MAX];
	size_t count = 12345, want_count = 0;
	int rc = sig_parse_write(buf, len, got, LINES_MAX, &count);
	int want_rc = ref_write(buf, len, want, LINES_MAX, &want_count);

	CHECK(rc == want_rc);
	if (rc) {
		CHECK(count == 12345); /* nothing is accepted */
		return;
	}
	CHECK(count == want_count && count >= 1 && count <= LINES_MAX);
	for (size_t i = 0; i < count; i++) {
		CHECK(got[i].sig == want[i].sig);
		CHECK(got[i].sig == 0 || sig_valid(got[i].sig));
		CHECK(got[i].has_value == want[i].has_value);
		CHECK(got[i].value == want[i].value);
	}
	/* All or nothing: one line fewer allowed means the write is refused. */
	count = 12345;
	CHECK(sig_parse_write(buf, len, got, want_count - 1, &count) ==
	      -EINVAL);
	CHECK(count == 12345);
}

/* Every name in a formatted set parses back to a signal of the mask. */
static void check_set(uint64_t mask, size_t size)
{
	char full[64 * SIG_NAME_MAX + 2], *buf = malloc(size ? size : 1);
	int len = sig_format_set(mask, full, sizeof(full)), rc;
	uint64_t back = 0;

	CHECK(buf != NULL);
	CHECK(len >= 1 && (size_t)len == strlen(full) && full[len - 1] == '\n');
	for (char *w = strtok(full, " \n"); w; w = strtok(NULL, " \n")) {
		int sig;

		if (sig_parse(w, strlen(w), &sig) != 0) {
			/* only unnamed, unsendable signals print as numbers */
			sig = atoi(w);
			CHECK(sig >= 1 && sig <= 64 && !sig_valid(sig));
		}
		CHECK(sig >= 1 && sig <= 64 &&
		      !(back & UINT64_C(1) << (sig - 1)));
		back |= UINT64_C(1) << (sig - 1);
	}
	CHECK(back == mask);
	/* A short buffer is refused, never overrun (ASan watches its end). */
	rc = sig_format_set(mask, buf, size);
	if (size < (size_t)len + 1)
		CHECK(rc == -ENOSPC);
	else
		CHECK(rc == len && buf[len] == '\0');
	free(buf);
}

/* A child's fate names the signal that killed it. */
static void check_fate(int status)
{
	char line[64], name[SIG_NAME_MAX];
	int n = sig_format_fate(status, line, sizeof(line));

	CHECK(n > 0 && (size_t)n < sizeof(line) && line[n - 1] == '\n');
	if (WIFEXITED(status))
		return;
	sig_name(WTERMSIG(status), name, sizeof(name));
	CHECK(strncmp(line, "killed ", 7) == 0);
	CHECK(strncmp(line + 7, name, strlen(name)) == 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Every sendable signal's name round-trips, before any input. */
	for (int sig = 0; sig <= SIGRTMAX; sig++)
		if (sig == 0 || sig_valid(sig))
			check_name(sig);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_bytes(data, size);
	const uint8_t *p = data;
	size_t left = size;
	uint64_t mask;

	check_token(buf, size);
	check_write(buf, size);
	/* The same bytes as numbers: a signal set, a buffer size, a status. */
	mask = fuzz_take(&p, &left, 8);
	check_set(mask, (size_t)fuzz_take(&p, &left, 2) % 1200);
	check_fate((int)fuzz_take(&p, &left, 2));
	free(buf);
	return 0;
}
