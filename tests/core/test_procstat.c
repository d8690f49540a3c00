/* Unit tests of the /proc stat and status parsers. */
#define _GNU_SOURCE
#include "../tap.h"
#include "procstat.h"
#include "status_sample.h"

#include <errno.h>

static void status(void)
{
	struct proc_status st;

	is_int(procstat_parse_status(status_text, &st), 0, "status parses");
	is_str(st.state, "disk-sleep", "state is one word");
	is_int((long long)st.shd_pnd, 0x100, "shared pending");
	is_int((long long)st.sig_cgt, 0x180000002LL, "caught");
	is_int(st.ruid, 1000, "real uid");
	is_int(st.suid, 1002, "saved uid");
	is_int(st.rgid, 100, "real gid");
	is_int(procstat_parse_status("State:\tS (sleeping)\n", &st), -EINVAL,
	       "truncated status rejected");
	is_int(procstat_parse_status("", &st), -EINVAL, "empty rejected");
}

static void stat_line(void)
{
	struct proc_stat ps;
	/* A command name with spaces and parentheses. */
	const char *t =
		"123 (a) b (c)) Z 1 123 77 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 "
		"1 0 5555 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 "
		"17 1 0 0 0 0 0 0 0 0 0 0 0 0 768\n";

	is_int(procstat_parse_stat(t, &ps), 0, "stat parses");
	is_int(ps.state, 'Z', "state after a tricky comm");
	is_int(ps.session, 77, "session");
	is_int((long long)ps.flags, 4194560, "flags");
	is_int((long long)ps.starttime, 5555, "start time");
	is_int(ps.exit_code, 768, "exit code");
	is_int(procstat_killed(&ps), 0, "not exiting: not killed");
	ps.flags |= 0x4;
	is_int(procstat_killed(&ps), 0, "exiting with status 3: not killed");
	ps.exit_code = 15;
	is_int(procstat_killed(&ps), 1, "exiting of SIGTERM: killed");
	ps.exit_code = 0x80 | 6;
	is_int(procstat_killed(&ps), 1, "of SIGABRT with a core: killed");
	ps.exit_code = 0;
	ps.flags |= 0x400;
	is_int(procstat_killed(&ps), 0,
	       "PF_SIGNALED by a sibling's exit_group(0): not killed");
	ps.exit_code = -1;
	is_int(procstat_killed(&ps), 0, "no exit code shown: not killed");
	ps.flags = 0;
	ps.exit_code = 9;
	is_int(procstat_killed(&ps), 0, "not exiting (yet): not killed");
	is_int(procstat_parse_stat("123 (x) S 1 2", &ps), -EINVAL,
	       "short stat rejected");
	is_int(procstat_parse_stat("no paren", &ps), -EINVAL,
	       "garbage rejected");
}

int main(void)
{
	status();
	stat_line();
	return done_testing();
}
