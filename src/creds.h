/*
 * Who is asking: the credentials of the process behind a request, and
 * acting as that process.  Permission decisions are made with the
 * caller's credentials, never with the server's (which is usually root).
 * The parsing of /proc status text is pure and unit-tested.
 */
#ifndef IPCFS_CREDS_H
#define IPCFS_CREDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CREDS_MAX_GROUPS 64

struct creds {
	pid_t tgid;
	uid_t ruid, euid, suid, fsuid;
	gid_t rgid, egid, sgid, fsgid;
	uint64_t cap_eff;
	int ngroups;
	gid_t groups[CREDS_MAX_GROUPS];
};

/* Parses the text of /proc/<pid>/status. Returns 0 or -EINVAL. */
int creds_parse_status(const char *text, struct creds *c);

/* Reads the credentials of thread @tid.  Returns 0 or -errno. */
int creds_of_task(pid_t tid, struct creds *c);

/*
 * kill(2)'s rule: the sender's real or effective uid equals the target's
 * real or saved uid, or the sender has CAP_KILL.
 */
bool creds_may_kill(const struct creds *sender, uid_t target_ruid,
		    uid_t target_suid);

/*
 * Acting as the caller: switch this thread's uids, gids and groups (raw
 * per-thread syscalls, so the notifier thread is unaffected) and the
 * process's RLIMIT_MSGQUEUE to the caller's.  The saved uid stays 0, so
 * caller_leave() can switch back.  Needs root; a server that is not root
 * can act only for its own uid (-EPERM otherwise).
 */
struct caller_ctx {
	bool switched;
	gid_t rgid, egid, sgid;
	int ngroups;
	gid_t groups[CREDS_MAX_GROUPS];
	bool rlimit_set;
	unsigned long long saved_msgqueue_cur, saved_msgqueue_max;
};

int caller_enter(struct caller_ctx *cc, const struct creds *c, pid_t tgid);
void caller_leave(struct caller_ctx *cc);

#endif
