/* Unit tests of path routing and name validation. */
#define _GNU_SOURCE
#include "../tap.h"
#include "route.h"

#include <errno.h>

static long pid_of(const char *s)
{
	pid_t pid = 0;

	return route_pid(s, &pid) ? -1 : pid;
}

static void pids_only_canonical_positive(void)
{
	is_int(pid_of("1"), 1, "1");
	is_int(pid_of("1234"), 1234, "1234");
	is_int(pid_of("4194304"), 4194304, "PID_MAX_LIMIT");
	is_int(pid_of("0"), -1, "0 never resolves (kill(0) is the group)");
	is_int(pid_of("-1"), -1, "-1 never resolves (kill(-1) is everyone)");
	is_int(pid_of("01"), -1, "01 is not canonical");
	is_int(pid_of("1x"), -1, "1x");
	is_int(pid_of("+5"), -1, "+5");
	is_int(pid_of(" 5"), -1, "leading blank");
	is_int(pid_of("99999999"), -1, "beyond PID_MAX_LIMIT");
	is_int(pid_of("4194305"), -1, "just beyond PID_MAX_LIMIT");
	is_int(pid_of("99999999999"), -1, "overflowing");
	is_int(pid_of(""), -1, "empty");
	is_int(pid_of("self"), -1, "self is not a pid");
}

/* Tables of fixed names (a process directory's, the root's) match whole
 * components only. */
static void whole_components(void)
{
	static const struct fixed_name pid_like[] = {
		{ .name = "signal" },  { .name = "wait" },
		{ .name = "state" },   { .name = "caught" },
		{ .name = "blocked" }, { .name = "ignored" },
		{ .name = "pending" },
	};
	static const struct fixed_name root_like[] = {
		{ .name = "signals" },
		{ .name = "proc" },
		{ .name = "mq" },
		{ .name = "shm" },
	};
	const size_t np = sizeof(pid_like) / sizeof(pid_like[0]);
	const size_t nr = sizeof(root_like) / sizeof(root_like[0]);

	is_int(fixed_find(pid_like, np, "signal"), 0, "signal");
	is_int(fixed_find(pid_like, np, "wait"), 1, "wait");
	is_int(fixed_find(pid_like, np, "pending"), 6, "pending");
	is_int(fixed_find(pid_like, np, "signals"), -ENOENT, "no prefix match");
	is_int(fixed_find(pid_like, np, "sig"), -ENOENT, "no partial match");
	is_int(fixed_find(root_like, nr, "proc"), 1, "proc");
	is_int(fixed_find(root_like, nr, "procx"), -ENOENT, "procx");
	is_int(fixed_find(root_like, nr, "pro"), -ENOENT, "pro");
}

static void ipc_names(void)
{
	char longname[300];

	memset(longname, 'a', sizeof(longname));
	longname[255] = '\0';
	is_int(route_ipc_name("queue"), 0, "plain name");
	is_int(route_ipc_name(longname), 0, "255 bytes");
	longname[255] = 'a';
	longname[256] = '\0';
	is_int(route_ipc_name(longname), -ENAMETOOLONG, "256 bytes");
	is_int(route_ipc_name(""), -EINVAL, "empty");
	is_int(route_ipc_name("."), -EINVAL, ".");
	is_int(route_ipc_name(".."), -EINVAL, "..");
	is_int(route_ipc_name("a/b"), -EINVAL, "slash");
	ok(route_is_semaphore("sem.x"), "sem.x is a semaphore");
	ok(!route_is_semaphore("semx"), "semx is not");
}

static void mkdir_syntax(void)
{
	char name[ROUTE_NAME_MAX + 1];
	long mx, ms;

	is_int(route_mkdir_queue("q", name, &mx, &ms), 0, "plain");
	ok(strcmp(name, "q") == 0 && mx == 0 && ms == 0, "no attributes");
	is_int(route_mkdir_queue("q,maxmsg=10,msgsize=2048", name, &mx, &ms), 0,
	       "both attributes");
	ok(strcmp(name, "q") == 0 && mx == 10 && ms == 2048, "values");
	is_int(route_mkdir_queue("q,msgsize=64", name, &mx, &ms), 0,
	       "one attribute");
	ok(mx == 0 && ms == 64, "only msgsize");
	is_int(route_mkdir_queue("q,maxmsg=0", name, &mx, &ms), -EINVAL,
	       "zero");
	is_int(route_mkdir_queue("q,maxmsg=010", name, &mx, &ms), -EINVAL,
	       "leading zero");
	is_int(route_mkdir_queue("q,maxmsg=1,maxmsg=2", name, &mx, &ms),
	       -EINVAL, "repeated key");
	is_int(route_mkdir_queue("q,size=1", name, &mx, &ms), -EINVAL,
	       "unknown key");
	is_int(route_mkdir_queue("q,maxmsg", name, &mx, &ms), -EINVAL,
	       "no value");
	is_int(route_mkdir_queue("q,maxmsg=", name, &mx, &ms), -EINVAL,
	       "empty value");
	is_int(route_mkdir_queue("q,", name, &mx, &ms), -EINVAL,
	       "trailing comma");
	is_int(route_mkdir_queue(",maxmsg=1", name, &mx, &ms), -EINVAL,
	       "empty name");
	is_int(route_mkdir_queue("..,maxmsg=1", name, &mx, &ms), -EINVAL,
	       "dot-dot name");
	is_int(route_mkdir_queue("q,maxmsg=99999999999", name, &mx, &ms),
	       -EINVAL, "overflowing value");
}

int main(void)
{
	pids_only_canonical_positive();
	whole_components();
	ipc_names();
	mkdir_syntax();
	return done_testing();
}
