/* Unit tests of the per-user accounting: caps, the pool, root's reserve. */
#define _GNU_SOURCE
#include "../tap.h"
#include "usage.h"

#include <errno.h>

static struct usage_limits small(void)
{
	struct usage_limits lim = {
		.user_fds = 3,
		.user_bytes = 100,
		.pool_fds = 5,
		.pool_bytes = 150,
	};

	return lim;
}

static void defaults_leave_headroom(void)
{
	struct usage_limits lim;

	usage_default_limits(&lim, 1024, 0, 0);
	is_int(lim.user_fds, 179,
	       "1024 fds: 896 after the loop's 128, a fifth each");
	is_int(lim.pool_fds, 716, "four fifths for all but root");
	ok(lim.pool_fds + lim.user_fds + 64 <= 1024,
	   "pool + root's share + headroom fit in the limit");
	is_int(lim.user_bytes, USAGE_USER_BYTES, "64 MiB per user");
	usage_default_limits(&lim, 20000, 0, 0);
	is_int(lim.user_fds, 3500, "20000 fds: 3500 per user");
	is_int(lim.pool_fds, 14000, "14000 for all but root");
	usage_default_limits(&lim, 16, 0, 0);
	ok(lim.user_fds >= 1 && lim.pool_fds >= 1 && lim.pool_fds < 16,
	   "a tiny limit still gives each user something");
	usage_default_limits(&lim, 1024, 7, 4096);
	is_int(lim.user_fds, 7, "max_user_fds replaces the per-user fd cap");
	is_int(lim.user_bytes, 4096, "max_user_bytes replaces the byte cap");
	is_int(lim.pool_fds, 716, "the pool stays");
}

static void per_user_caps(void)
{
	struct usage_limits lim = small();
	struct usage u;
	size_t fds, bytes;

	ok(usage_init(&u, &lim) == 0, "init");
	is_int(usage_charge(&u, 1000, 3, 0), 0, "3 fds: at the cap");
	is_int(usage_charge(&u, 1000, 1, 0), -EMFILE, "a 4th fd: EMFILE");
	is_int(usage_charge(&u, 1000, 0, 100), 0, "100 bytes: at the cap");
	is_int(usage_charge(&u, 1000, 0, 1), -ENOMEM, "one byte more: ENOMEM");
	usage_of(&u, 1000, &fds, &bytes);
	ok(fds == 3 && bytes == 100, "a refused charge counts nothing");
	is_int(usage_charge(&u, 1001, 2, 50), 0, "another user still works");
	usage_uncharge(&u, 1000, 1, 10);
	is_int(usage_charge(&u, 1000, 1, 10), 0, "given back: usable again");
	is_int(usage_charge(&u, 1000, 0, (size_t)-1), -ENOMEM,
	       "a huge charge does not wrap around");
	usage_uncharge(&u, 1000, 99, 9999);
	usage_of(&u, 1000, &fds, &bytes);
	ok(fds == 0 && bytes == 0, "uncharging more than held stops at 0");
	is_int(u.nusers, 1, "a uid that holds nothing leaves the table");
	is_int(u.pool_fds, 2, "the pool counts what is held");
	usage_fini(&u);
}

static void pool_and_root(void)
{
	struct usage_limits lim = small();
	struct usage u;

	usage_init(&u, &lim);
	is_int(usage_charge(&u, 1, 3, 0), 0, "user 1: 3 fds");
	is_int(usage_charge(&u, 2, 2, 0), 0, "user 2: 2 fds, the pool is full");
	is_int(usage_charge(&u, 3, 1, 0), -EMFILE, "user 3: the pool is full");
	is_int(usage_charge(&u, 0, 3, 0), 0,
	       "root: its own share, outside the pool");
	is_int(usage_charge(&u, 0, 1, 0), -EMFILE, "root is capped too");
	usage_uncharge(&u, 1, 1, 0);
	is_int(usage_charge(&u, 3, 1, 0), 0,
	       "room in the pool: user 3 gets it");
	is_int(usage_charge(&u, 1, 0, 100), 0, "bytes: user 1 at its cap");
	is_int(usage_charge(&u, 2, 0, 60), -ENOMEM, "bytes: the pool is 150");
	is_int(usage_charge(&u, 0, 0, 100), 0,
	       "root's bytes are outside the pool");
	usage_fini(&u);
}

static void many_users(void)
{
	struct usage_limits lim = {
		.user_fds = 10,
		.user_bytes = 10,
		.pool_fds = 100000,
		.pool_bytes = 100000,
	};
	struct usage u;
	size_t fds, bytes;
	int bad = 0;

	usage_init(&u, &lim);
	for (uid_t uid = 1; uid <= 5000; uid++)
		bad += usage_charge(&u, uid, 1, 2) != 0;
	is_int(bad, 0, "5000 users charged");
	ok(u.nbuckets >= 2048, "the table grew (%zu buckets)", u.nbuckets);
	for (uid_t uid = 1; uid <= 5000; uid++) {
		usage_of(&u, uid, &fds, &bytes);
		bad += fds != 1 || bytes != 2;
	}
	is_int(bad, 0, "each is found again after the growth");
	for (uid_t uid = 1; uid <= 5000; uid++)
		usage_uncharge(&u, uid, 1, 2);
	ok(u.nusers == 0 && u.pool_fds == 0 && u.pool_bytes == 0,
	   "all given back");
	usage_fini(&u);
}

static void trim_after_large_frees(void)
{
	struct usage_limits lim = {
		.user_fds = 1,
		.user_bytes = 64UL << 20,
		.pool_fds = 1,
		.pool_bytes = 64UL << 20,
	};
	struct usage u;

	usage_init(&u, &lim);
	usage_charge(&u, 5, 0, 32UL << 20);
	usage_uncharge(&u, 5, 0, 1024);
	ok(!usage_should_trim(&u), "a small free: no trim");
	usage_uncharge(&u, 5, 0, USAGE_TRIM_BYTES);
	ok(usage_should_trim(&u), "8 MiB freed: trim");
	ok(!usage_should_trim(&u), "and not again until more is freed");
	usage_fini(&u);
}

int main(void)
{
	defaults_leave_headroom();
	per_user_caps();
	pool_and_root();
	many_users();
	trim_after_large_frees();
	return done_testing();
}
