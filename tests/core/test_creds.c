/*
 * Unit tests of who is asking: status parsing with any number of groups,
 * kill(2)'s uid rule, the user-namespace walk that decides whether a
 * capability counts, and the limits parser.  No mount, no privileges.
 */
#define _GNU_SOURCE
#include "../tap.h"
#include "creds.h"
#include "status_sample.h"

#include <errno.h>
#include <stdlib.h>

static void parse(void)
{
	struct creds c;

	is_int(creds_parse_status(status_text, &c), 0, "creds parse");
	is_int(c.tgid, 42, "tgid");
	is_int(c.euid, 1001, "euid");
	is_int(c.fsgid, 103, "fsgid");
	is_int(c.ngroups, 3, "three groups");
	is_int(c.groups[2], 27, "third group");
	is_int((long long)c.cap_eff, 0x20, "CapEff");
	creds_release(&c);
	is_int(creds_parse_status("Uid:\t1 1 1 1\n", &c), -EINVAL,
	       "a status without Gid is refused");
}

/* A process in NGROUPS_MAX groups: every one of them is read. */
static void many_groups(void)
{
	size_t size = 64 * 1024 * 12;
	char *text = malloc(size), *p = text;
	struct creds c;
	bool all = true;

	p += sprintf(p, "Tgid:\t7\nUid:\t5 5 5 5\nGid:\t6 6 6 6\nGroups:\t");
	for (int i = 0; i < CREDS_NGROUPS_MAX; i++)
		p += sprintf(p, "%d ", 100000 + i);
	sprintf(p, "\nCapEff:\t0000000000000000\n");
	is_int(creds_parse_status(text, &c), 0, "status with 65536 groups");
	is_int(c.ngroups, CREDS_NGROUPS_MAX, "all 65536 groups read");
	for (int i = 0; i < c.ngroups; i++)
		all = all && c.groups[i] == (gid_t)(100000 + i);
	ok(all, "each group in order");
	creds_release(&c);
	free(text);
}

static void uid_rule(void)
{
	struct creds user = { .ruid = 1000, .euid = 1000 };
	struct creds setuid = { .ruid = 1000, .euid = 0 };
	struct creds root = { .ruid = 0, .euid = 0 };

	ok(creds_uid_may_kill(&user, 1000, 1000), "same user may kill");
	ok(creds_uid_may_kill(&user, 0, 1000), "target's saved uid counts");
	ok(!creds_uid_may_kill(&user, 0, 0), "user may not kill root");
	ok(creds_uid_may_kill(&setuid, 0, 0), "euid 0 matches root's uid");
	ok(!creds_uid_may_kill(&root, 1234, 1234),
	   "uid 0 alone does not match another user");
	ok(!creds_uid_may_kill(&user, 1001, 1002), "another user");
}

static void ns_walk(void)
{
	/* init (ino 1) <- A (ino 2, made by uid 1000) <- B (ino 3, by 0) */
	struct userns_chain in_init = { 1, { 1 }, { 0 } };
	struct userns_chain in_a = { 2, { 2, 1 }, { 1000, 0 } };
	struct userns_chain in_b = { 3, { 3, 2, 1 }, { 0, 1000, 0 } };
	uint64_t kill = 1 << CREDS_CAP_KILL, none = 0;

	ok(creds_ns_capable(&in_init, 1, 0, kill, CREDS_CAP_KILL),
	   "CAP_KILL in init counts for a target in init");
	ok(!creds_ns_capable(&in_init, 1, 0, none, CREDS_CAP_KILL),
	   "uid 0 without CAP_KILL: nothing");
	ok(!creds_ns_capable(&in_init, 2, 0, ~0ULL, CREDS_CAP_KILL),
	   "a full set in a child namespace means nothing in init");
	ok(creds_ns_capable(&in_a, 1, 0, kill, CREDS_CAP_KILL),
	   "CAP_KILL in init counts in every child");
	ok(creds_ns_capable(&in_a, 2, 5, kill, CREDS_CAP_KILL),
	   "CAP_KILL in A counts for a target in A");
	ok(creds_ns_capable(&in_a, 1, 1000, none, CREDS_CAP_KILL),
	   "A's owner, living in init, has every capability in A");
	ok(!creds_ns_capable(&in_a, 1, 1001, none, CREDS_CAP_KILL),
	   "another user of init does not");
	ok(creds_ns_capable(&in_b, 2, 0, kill, CREDS_CAP_KILL),
	   "CAP_KILL in A counts in its child B");
	ok(creds_ns_capable(&in_b, 2, 0, none, CREDS_CAP_KILL),
	   "B's owner (uid 0 of A) has it all in B");
	ok(creds_ns_capable(&in_b, 1, 1000, none, CREDS_CAP_KILL),
	   "A's owner has it all in A's descendants too");
	ok(!creds_ns_capable(&in_b, 1, 0, none, CREDS_CAP_KILL),
	   "owning B counts only for a caller living in B's parent");
	ok(!creds_ns_capable(&in_a, 3, 0, ~0ULL, CREDS_CAP_KILL),
	   "a grandchild's capabilities mean nothing in A");
	ok(!creds_ns_capable(&in_a, 0, 0, ~0ULL, CREDS_CAP_KILL),
	   "an unknown namespace counts for nothing");
}

static void caps_here(void)
{
	struct creds_env env = { .userns = 10, .pidns = 20 };
	struct creds here = { .cap_eff = 0x3f, .userns = 10 };
	struct creds away = { .cap_eff = ~0ULL, .userns = 11 };
	struct creds unknown = { .cap_eff = ~0ULL, .userns = 0 };

	is_int((long long)creds_caps_here(&env, &here), 0x3f,
	       "the server's namespace: the effective set");
	is_int((long long)creds_caps_here(&env, &away), 0,
	       "another namespace: none");
	is_int((long long)creds_caps_here(&env, &unknown), 0,
	       "unknown namespace: none");
}

static void limits(void)
{
	static const char text[] =
		"Limit                     Soft Limit           Hard Limit           Units     \n"
		"Max cpu time              unlimited            unlimited            seconds   \n"
		"Max msgqueue size         819200               1638400              bytes     \n"
		"Max nice priority         0                    0                    \n";
	uint64_t soft = 0, hard = 0;

	is_int(creds_parse_limit(text, "Max msgqueue size", &soft, &hard), 0,
	       "msgqueue limit found");
	is_int((long long)soft, 819200, "soft");
	is_int((long long)hard, 1638400, "hard");
	is_int(creds_parse_limit(text, "Max cpu time", &soft, &hard), 0,
	       "unlimited parses");
	ok(soft == UINT64_MAX && hard == UINT64_MAX, "as UINT64_MAX");
	is_int(creds_parse_limit(text, "Max msgqueue", &soft, &hard), -EINVAL,
	       "a prefix of a name is not the name");
	is_int(creds_parse_limit("Max msgqueue size         x y\n",
				 "Max msgqueue size", &soft, &hard),
	       -EINVAL, "garbage values refused");
	is_int(creds_parse_limit("", "Max msgqueue size", &soft, &hard),
	       -EINVAL, "missing line refused");
}

int main(void)
{
	parse();
	many_groups();
	uid_rule();
	ns_walk();
	caps_here();
	limits();
	return done_testing();
}
