/* Unit tests of signal names, write parsing and the text formats. */
#define _GNU_SOURCE
#include "../tap.h"
#include "signame.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

static int parse(const char *s)
{
	int sig = -1;

	return sig_parse(s, strlen(s), &sig) ? -1 : sig;
}

static int parse_write(const char *s, struct sig_line *lines, size_t *n)
{
	return sig_parse_write(s, strlen(s), lines, 16, n);
}

static void names_in_any_case_with_or_without_sig(void)
{
	is_int(parse("INT"), SIGINT, "INT");
	is_int(parse("int"), SIGINT, "int");
	is_int(parse("SIGINT"), SIGINT, "SIGINT");
	is_int(parse("sigint"), SIGINT, "sigint");
	is_int(parse("SiGuSr1"), SIGUSR1, "SiGuSr1");
	is_int(parse("term"), SIGTERM, "term");
	is_int(parse("KILL"), SIGKILL, "KILL");
	is_int(parse("IOT"), SIGABRT, "IOT alias");
	is_int(parse("CLD"), SIGCHLD, "CLD alias");
	is_int(parse("POLL"), SIGIO, "POLL alias");
}

static void numbers_are_canonical_and_known(void)
{
	is_int(parse("0"), 0, "0 is the existence check");
	is_int(parse("2"), 2, "2");
	is_int(parse("9"), 9, "9");
	is_int(parse("31"), 31, "31");
	is_int(parse("99"), -1, "99 rejected");
	is_int(parse("32"), -1, "32 (glibc-private) rejected");
	is_int(parse("-1"), -1, "-1 rejected");
	is_int(parse("02"), -1, "02 rejected");
	is_int(parse("+2"), -1, "+2 rejected");
	is_int(parse("2x"), -1, "2x rejected");
	is_int(parse(""), -1, "empty rejected");
	is_int(parse("99999999999999"), -1, "huge rejected");
}

static void realtime_names(void)
{
	is_int(parse("RTMIN"), SIGRTMIN, "RTMIN");
	is_int(parse("rtmin+3"), SIGRTMIN + 3, "rtmin+3");
	is_int(parse("SIGRTMIN+1"), SIGRTMIN + 1, "SIGRTMIN+1");
	is_int(parse("RTMAX"), SIGRTMAX, "RTMAX");
	is_int(parse("RTMAX-2"), SIGRTMAX - 2, "RTMAX-2");
	is_int(parse("RTMIN+99"), -1, "RTMIN+99 rejected");
	is_int(parse("RTMIN-1"), -1, "RTMIN-1 rejected");
	is_int(parse("RTMAX+1"), -1, "RTMAX+1 rejected");
	is_int(parse("RTMIN+"), -1, "RTMIN+ rejected");
	is_int(parse("RTMIN+01"), -1, "RTMIN+01 rejected");
	is_int(parse("RTMINX"), -1, "RTMINX rejected");
}

static void bad_names(void)
{
	is_int(parse("FOO"), -1, "FOO rejected");
	is_int(parse("SIG"), -1, "SIG rejected");
	is_int(parse("SIGSIGINT"), -1, "SIGSIGINT rejected");
	is_int(parse("INT "), -1, "trailing blank inside a token rejected");
}

static void writes_parse_whole_or_not_at_all(void)
{
	struct sig_line l[16];
	size_t n = 0;

	is_int(parse_write("INT\n", l, &n), 0, "echo INT");
	is_int((long long)n, 1, "one line");
	is_int(l[0].sig, SIGINT, "its signal");
	ok(!l[0].has_value, "no value");

	is_int(parse_write("USR1 42\nTERM\n\n  HUP  \r\n", l, &n), 0,
	       "several lines, blanks and CR tolerated");
	is_int((long long)n, 3, "three signals");
	ok(l[0].has_value && l[0].value == 42, "USR1 carries 42");
	is_int(l[2].sig, SIGHUP, "HUP third");

	is_int(parse_write("RTMIN+2 -7", l, &n), 0, "negative value");
	is_int(l[0].value, -7, "value -7");
	is_int(parse_write("INT 2147483647", l, &n), 0, "INT_MAX value");
	is_int(parse_write("INT 2147483648", l, &n), -EINVAL,
	       "value beyond int rejected");
	is_int(parse_write("2 x", l, &n), -EINVAL, "'2 x' rejected");
	is_int(parse_write("INT 1 2", l, &n), -EINVAL, "three fields rejected");
	is_int(parse_write("INT\nFOO\n", l, &n), -EINVAL,
	       "one bad line rejects the write");
	is_int(parse_write("", l, &n), -EINVAL, "empty write rejected");
	is_int(parse_write("\n\n", l, &n), -EINVAL, "blank write rejected");
	is_int(sig_parse_write("INT\0\n", 5, l, 16, &n), -EINVAL,
	       "NUL byte rejected");
}

static void oversized_writes(void)
{
	struct sig_line l[16];
	size_t n;
	char *big = malloc(SIG_WRITE_MAX + 1);

	memset(big, '\n', SIG_WRITE_MAX + 1);
	memcpy(big, "INT", 3);
	is_int(sig_parse_write(big, SIG_WRITE_MAX + 1, l, 16, &n), -EMSGSIZE,
	       "write over the limit is EMSGSIZE");
	is_int(sig_parse_write(big, SIG_WRITE_MAX, l, 16, &n), 0,
	       "write at the limit parses");
	free(big);
	is_int(parse_write(
		       "1\n1\n1\n1\n1\n1\n1\n1\n1\n1\n1\n1\n1\n1\n1\n1\n1\n", l,
		       &n),
	       -EINVAL, "more lines than the caller allows rejected");
}

static void names_round_trip(void)
{
	char name[SIG_NAME_MAX];

	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		if (!sig_valid(sig))
			continue;
		sig_name(sig, name, sizeof(name));
		if (parse(name) != sig) {
			ok(0, "name of %d (%s) parses back", sig, name);
			return;
		}
	}
	ok(1, "every valid signal's name parses back to it");
	sig_name(SIGRTMIN + 15, name, sizeof(name));
	is_str(name, "RTMIN+15", "RTMIN+15 named as bash does");
	sig_name(SIGRTMAX - 14, name, sizeof(name));
	is_str(name, "RTMAX-14", "RTMAX-14 named as bash does");
	sig_name(32, name, sizeof(name));
	is_str(name, "32", "an unnamed signal is its number");
}

static void sets_and_fates(void)
{
	char buf[1024];
	uint64_t mask = (1ULL << (SIGINT - 1)) | (1ULL << (SIGSEGV - 1));

	sig_format_set(mask, buf, sizeof(buf));
	is_str(buf, "INT SEGV\n", "caught set");
	sig_format_set(0, buf, sizeof(buf));
	is_str(buf, "\n", "empty set is an empty line");
	is_int(sig_format_set(~0ULL, buf, 8), -ENOSPC, "small buffer refused");

	sig_format_fate(3 << 8, buf, sizeof(buf));
	is_str(buf, "exited 3\n", "exited 3");
	sig_format_fate(SIGINT, buf, sizeof(buf));
	is_str(buf, "killed INT\n", "killed INT");
	sig_format_fate(SIGQUIT | 0x80, buf, sizeof(buf));
	is_str(buf, "killed QUIT core\n", "killed QUIT core");
}

static void signal_table(void)
{
	size_t len;
	char *t = sig_table_text(&len);

	ok(t != NULL, "table built");
	ok(strncmp(t, "1 HUP Hangup\n2 INT Interrupt\n", 29) == 0,
	   "starts with HUP and INT");
	ok(strstr(t, "\n9 KILL Killed\n") != NULL, "KILL row");
	ok(strstr(t, "RTMAX Real-time signal") != NULL, "RTMAX row");
	ok(strstr(t, "\n32 ") == NULL, "no glibc-private 32");
	is_int((long long)strlen(t), (long long)len, "length matches");
	free(t);
}

int main(void)
{
	names_in_any_case_with_or_without_sig();
	numbers_are_canonical_and_known();
	realtime_names();
	bad_names();
	writes_parse_whole_or_not_at_all();
	oversized_writes();
	names_round_trip();
	sets_and_fates();
	signal_table();
	return done_testing();
}
