/*
 * Per-user accounting of what clients make the server hold: server file
 * descriptors (shm files opened as the caller) and bytes (open-file
 * handles, messages held for a reader of `next`).  A table keyed by uid,
 * owned by struct ipcfs and used by the loop thread only.  Pure logic: no
 * FUSE type, unit-tested without a mount (tests/unit/test_usage.c).
 *
 * Two limits apply to every charge: each uid, root included, holds at most
 * user_fds / user_bytes; and all uids other than root together hold at
 * most pool_fds / pool_bytes.  Root is outside the pool, so its own share
 * is a reserve that other users can never take: `ls proc` as root works
 * while every other user is at its cap.  What the pools leave of the fd
 * limit is the loop's own headroom (pidfds, queue descriptors, epoll).
 */
#ifndef IPCFS_USAGE_H
#define IPCFS_USAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct usage_entry;

struct usage_limits {
	size_t user_fds, user_bytes; /* each uid, root included */
	size_t pool_fds, pool_bytes; /* all uids but root together */
};

struct usage {
	struct usage_limits lim;
	struct usage_entry **buckets;
	size_t nbuckets, nusers;
	size_t pool_fds, pool_bytes; /* held now by uids other than root */
	size_t freed_since_trim; /* bytes given back since the last trim */
};

/* Default byte caps: 64 MiB per user, 256 MiB for all but root together. */
#define USAGE_USER_BYTES (64UL << 20)
#define USAGE_POOL_BYTES (4 * USAGE_USER_BYTES)

/* Given back bytes after which a malloc_trim() is worth its walk. */
#define USAGE_TRIM_BYTES (8UL << 20)

/*
 * The defaults for a server that may hold @nofile descriptors (its
 * RLIMIT_NOFILE): one eighth (at least 64) stays with the loop; of the
 * rest, each user may hold a fifth and all but root four fifths, so four
 * users at their caps still leave root its share.  @user_fds and
 * @user_bytes, when not 0, replace the per-user caps (mount options).
 */
void usage_default_limits(struct usage_limits *lim, size_t nofile,
			  size_t user_fds, size_t user_bytes);

int usage_init(struct usage *u, const struct usage_limits *lim);
void usage_fini(struct usage *u);

/*
 * Counts @fds descriptors and @bytes bytes more for @uid: 0, or -EMFILE
 * (fds past a cap) / -ENOMEM (bytes past a cap, or no memory for the
 * table), and then nothing is counted.
 */
int usage_charge(struct usage *u, uid_t uid, size_t fds, size_t bytes);
/* Gives back what usage_charge() counted (never more). */
void usage_uncharge(struct usage *u, uid_t uid, size_t fds, size_t bytes);

/* What @uid holds now. */
void usage_of(const struct usage *u, uid_t uid, size_t *fds, size_t *bytes);

/*
 * True once enough memory was given back since the last call that said
 * true: the caller then returns free heap pages to the system.
 */
bool usage_should_trim(struct usage *u);

#endif
