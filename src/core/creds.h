/*
 * Who is asking: the credentials of the process behind a request, the
 * namespaces they count in, and acting as that process.  Permission
 * decisions are made with the caller's credentials, never with the
 * server's (which is usually root), and a capability counts only where the
 * kernel would count it: in the user namespace that holds it.  The parsers
 * of /proc text and the namespace walk are pure and unit-tested; the rest
 * reads /proc and nsfs.  Loop thread only.
 */
#ifndef IPCFS_CREDS_H
#define IPCFS_CREDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The kernel's NGROUPS_MAX: a caller may be in this many groups. */
#define CREDS_NGROUPS_MAX 65536

/* Capability bits that the tree decides on itself. */
#define CREDS_CAP_KILL 5

struct creds {
	pid_t tgid;
	uid_t ruid, euid, suid, fsuid;
	gid_t rgid, egid, sgid, fsgid;
	uint64_t cap_eff; /* relative to @userns, not to the server's */
	ino_t userns; /* nsfs inode of the caller's user namespace, or 0 */
	int ngroups;
	gid_t *groups; /* malloc'ed; creds_release() frees it */
};

/*
 * Parses the text of /proc/<pid>/status (every group, however many).
 * Returns 0, -EINVAL or -ENOMEM; on success release with creds_release().
 */
int creds_parse_status(const char *text, struct creds *c);
void creds_release(struct creds *c);

/*
 * The facts about the server that decisions are measured against: its own
 * user and pid namespaces (nsfs inode numbers).
 */
struct creds_env {
	ino_t userns;
	ino_t pidns;
};

int creds_env_init(struct creds_env *env);

/*
 * Reads the credentials of thread @tid (ids, groups, effective
 * capabilities and user namespace).  0 or -errno (-ESRCH: gone).
 */
int creds_of_task(pid_t tid, struct creds *c);

/*
 * The capabilities @c has in the server's user namespace: its effective
 * set when it lives there, none when it lives in another one (a fresh
 * `unshare -Ur` shows a full CapEff that means nothing outside it).
 */
uint64_t creds_caps_here(const struct creds_env *env, const struct creds *c);

/* kill(2)'s uid rule: sender's real or effective uid is the target's real
 * or saved uid. */
bool creds_uid_may_kill(const struct creds *sender, uid_t target_ruid,
			uid_t target_suid);

/*
 * A user namespace and its ancestors as far as the server can see them:
 * [0] is the namespace itself, each next entry its parent.
 */
#define USERNS_DEPTH_MAX 40
struct userns_chain {
	int depth;
	ino_t ino[USERNS_DEPTH_MAX];
	uid_t owner[USERNS_DEPTH_MAX]; /* who created it (server's view) */
};

/*
 * The kernel's cap_capable() walk: does a caller living in @caller_ns with
 * effective uid @euid and effective set @caps hold capability @cap in the
 * namespace @target (chain from it up)?  It does if it lives in one of
 * them and has @cap there, or if it owns one whose parent it lives in.
 */
bool creds_ns_capable(const struct userns_chain *target, ino_t caller_ns,
		      uid_t euid, uint64_t caps, int cap);

/* Fills @ch from an nsfs fd of a user namespace (NS_GET_PARENT walk). */
int userns_chain_of(int nsfd, struct userns_chain *ch);

/*
 * What the caller's pid namespace lets it name.  A caller in the server's
 * own namespace sees every process; one in another (a sandbox, a
 * container) sees only the processes of its namespace and those below,
 * as kill(2) and its own /proc would.
 */
struct pidns_view {
	int fd; /* nsfs fd of the caller's pid namespace, or -1: the server's */
	ino_t ino;
};

int pidns_view_open(const struct creds_env *env, pid_t tid,
		    struct pidns_view *v);
/* Whether @pid (a number in the server's namespace) is visible in @v. */
bool pidns_view_sees(const struct pidns_view *v, pid_t pid);
void pidns_view_close(struct pidns_view *v);

/*
 * One limit of /proc/<pid>/limits text ("Max msgqueue size" ...);
 * "unlimited" is UINT64_MAX.  0 or -EINVAL.
 */
int creds_parse_limit(const char *text, const char *name, uint64_t *soft,
		      uint64_t *hard);

/*
 * Acting as the caller: switch this thread's uids, gids, groups and
 * effective capabilities (raw per-thread syscalls, so the notifier thread
 * is unaffected) and, for @tgid > 0, the process's RLIMIT_MSGQUEUE to the
 * caller's.  Every caller is switched, root included: uid 0 without
 * capabilities acts without them, and objects get the caller's gid.  The
 * saved uid stays 0, so caller_leave() can switch back.  A server that is
 * not root can act only for its own uid (-EPERM otherwise).
 */
struct caller_ctx {
	bool switched;
	bool caps_set;
	bool groups_set;
	gid_t rgid, egid, sgid;
	int ngroups;
	gid_t *groups;
	uint32_t saved_caps[2][3]; /* effective, permitted, inheritable */
	bool rlimit_set;
	unsigned long long saved_msgqueue_cur, saved_msgqueue_max;
};

int caller_enter(struct caller_ctx *cc, const struct creds_env *env,
		 const struct creds *c, pid_t tgid);
void caller_leave(struct caller_ctx *cc);

#endif
