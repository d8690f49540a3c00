/*
 * A process pinned for as long as we hold it: whatever happens to its pid
 * number, a pin acts on that process or fails with ESRCH.  A pin is a
 * pidfd where the kernel has them (Linux 5.3+); /proc files are then read
 * by path and trusted only if the process was not reaped meanwhile.
 * Without pidfds (older kernels, valgrind) a pin is a /proc/<pid>
 * directory fd, and the end of the process is noticed by polling.  No FUSE
 * types: used by proc.c, tested through the mount.
 */
#ifndef IPCFS_PIDPIN_H
#define IPCFS_PIDPIN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct pidpin {
	pid_t pid;
	int pidfd; /* -1 without pidfd support */
	int procfd; /* /proc/<pid>, O_PATH, only without pidfds */
};

/* Out of fds or memory: worth telling the caller as is, not as ENOENT. */
bool pidpin_resource_error(int err);

/* -ENOENT: no such process (or a thread, not a process). */
int pidpin_open(struct pidpin *pp, pid_t pid);
void pidpin_close(struct pidpin *pp);
/* Not reaped yet (alive or a zombie). */
bool pidpin_present(const struct pidpin *pp);
/* Ended: a zombie, or reaped. */
bool pidpin_ended(const struct pidpin *pp);
/*
 * Reads /proc/<pid>/<file> of the pinned process; -ESRCH once reaped,
 * -EMFILE and the like when the server is short of resources.
 */
int pidpin_read(const struct pidpin *pp, const char *file, char *buf,
		size_t size);
/* The same for a file of any length (status): malloc'ed into *@text. */
int pidpin_read_all(const struct pidpin *pp, const char *file, char **text);
/* An nsfs fd of the user namespace that owns the process's credentials. */
int pidpin_userns_fd(const struct pidpin *pp);
/* pidfd_send_signal, or kill/rt_sigqueueinfo after a presence check. */
int pidpin_signal(const struct pidpin *pp, int sig, siginfo_t *info);
/* The wait(2) status of an ended process: -EAGAIN if unknown. */
int pidpin_exit_status(const struct pidpin *pp, int *status);
/* Real uid, saved uid and real gid; -ESRCH once reaped. */
int pidpin_creds(const struct pidpin *pp, uid_t *ruid, uid_t *suid,
		 gid_t *rgid);
/*
 * The real uid and gid of process @pid, pinned only for the call
 * (pidfd_open, PIDFD_GET_INFO, close: no text to format or parse, unlike
 * /proc/<pid>/status).  -ENOENT: no such process, or a thread's id;
 * -EOPNOTSUPP: the kernel lacks pidfds or PIDFD_GET_INFO (read status
 * then); -EMFILE and the like when the server is short of resources.
 */
int pidpin_peek_creds(pid_t pid, uid_t *ruid, gid_t *rgid);
/* An fd that polls readable when the process ends, or -1 (poll instead). */
int pidpin_event_fd(const struct pidpin *pp);

#endif
