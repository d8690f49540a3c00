/*
 * Per-user accounting (see usage.h): a chained hash table of the uids
 * that hold something now.  An entry goes away when its uid holds nothing
 * more, so the table is as large as the set of current holders, not of
 * every uid ever seen.  Loop thread only.
 */
#include "usage.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

struct usage_entry {
	struct usage_entry *next;
	uid_t uid;
	size_t fds, bytes;
};

#define USAGE_MIN_BUCKETS 64

void usage_default_limits(struct usage_limits *lim, size_t nofile,
			  size_t user_fds, size_t user_bytes)
{
	size_t headroom = nofile / 8 > 64 ? nofile / 8 : 64;
	size_t rest = nofile > 2 * headroom ? nofile - headroom : nofile / 2;

	lim->user_fds = rest / 5 ? rest / 5 : 1;
	lim->pool_fds = rest / 5 > 0 ? rest / 5 * 4 : 1;
	lim->user_bytes = USAGE_USER_BYTES;
	lim->pool_bytes = USAGE_POOL_BYTES;
	if (user_fds)
		lim->user_fds = user_fds;
	if (user_bytes)
		lim->user_bytes = user_bytes;
}

int usage_init(struct usage *u, const struct usage_limits *lim)
{
	u->lim = *lim;
	u->nbuckets = USAGE_MIN_BUCKETS;
	u->nusers = 0;
	u->pool_fds = u->pool_bytes = 0;
	u->freed_since_trim = 0;
	u->buckets = calloc(u->nbuckets, sizeof(*u->buckets));
	return u->buckets ? 0 : -ENOMEM;
}

void usage_fini(struct usage *u)
{
	for (size_t i = 0; u->buckets && i < u->nbuckets; i++) {
		while (u->buckets[i]) {
			struct usage_entry *e = u->buckets[i];

			u->buckets[i] = e->next;
			free(e);
		}
	}
	free(u->buckets);
	u->buckets = NULL;
	u->nusers = 0;
}

static size_t bucket_of(size_t nbuckets, uid_t uid)
{
	/* Fibonacci hashing: consecutive uids spread over the table. */
	return (size_t)(((uint64_t)uid * UINT64_C(0x9e3779b97f4a7c15)) >> 32) &
	       (nbuckets - 1);
}

static struct usage_entry **find(const struct usage *u, uid_t uid)
{
	struct usage_entry **pp = &u->buckets[bucket_of(u->nbuckets, uid)];

	while (*pp && (*pp)->uid != uid)
		pp = &(*pp)->next;
	return pp;
}

/* Doubles the table when chains get long; a failure only costs speed. */
static void grow(struct usage *u)
{
	size_t n = u->nbuckets * 2;
	struct usage_entry **b;

	if (u->nusers <= u->nbuckets * 2)
		return;
	b = calloc(n, sizeof(*b));
	if (!b)
		return;
	for (size_t i = 0; i < u->nbuckets; i++) {
		while (u->buckets[i]) {
			struct usage_entry *e = u->buckets[i];
			size_t j = bucket_of(n, e->uid);

			u->buckets[i] = e->next;
			e->next = b[j];
			b[j] = e;
		}
	}
	free(u->buckets);
	u->buckets = b;
	u->nbuckets = n;
}

/* Would @have + @more pass @cap? (Without overflowing.) */
static bool past(size_t have, size_t more, size_t cap)
{
	return more > cap || have > cap - more;
}

int usage_charge(struct usage *u, uid_t uid, size_t fds, size_t bytes)
{
	struct usage_entry **pp = find(u, uid), *e = *pp;
	size_t have_fds = e ? e->fds : 0, have_bytes = e ? e->bytes : 0;

	if (past(have_fds, fds, u->lim.user_fds) ||
	    (uid != 0 && past(u->pool_fds, fds, u->lim.pool_fds)))
		return -EMFILE;
	if (past(have_bytes, bytes, u->lim.user_bytes) ||
	    (uid != 0 && past(u->pool_bytes, bytes, u->lim.pool_bytes)))
		return -ENOMEM;
	if (!fds && !bytes)
		return 0;
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e)
			return -ENOMEM;
		e->uid = uid;
		*pp = e;
		u->nusers++;
		grow(u);
	}
	e->fds += fds;
	e->bytes += bytes;
	if (uid != 0) {
		u->pool_fds += fds;
		u->pool_bytes += bytes;
	}
	return 0;
}

void usage_uncharge(struct usage *u, uid_t uid, size_t fds, size_t bytes)
{
	struct usage_entry **pp = find(u, uid), *e = *pp;

	if (!e)
		return;
	fds = fds < e->fds ? fds : e->fds;
	bytes = bytes < e->bytes ? bytes : e->bytes;
	e->fds -= fds;
	e->bytes -= bytes;
	if (uid != 0) {
		u->pool_fds -= fds;
		u->pool_bytes -= bytes;
	}
	u->freed_since_trim += bytes;
	if (!e->fds && !e->bytes) {
		*pp = e->next;
		free(e);
		u->nusers--;
	}
}

void usage_of(const struct usage *u, uid_t uid, size_t *fds, size_t *bytes)
{
	const struct usage_entry *e = *find(u, uid);

	*fds = e ? e->fds : 0;
	*bytes = e ? e->bytes : 0;
}

bool usage_should_trim(struct usage *u)
{
	if (u->freed_since_trim < USAGE_TRIM_BYTES)
		return false;
	u->freed_since_trim = 0;
	return true;
}
