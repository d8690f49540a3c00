/*
 * Pinned processes: pidfd_open/pidfd_send_signal/PIDFD_GET_INFO where the
 * kernel has them, else a /proc/<pid> directory fd.  One fd per pin; a
 * process is pinned only while files under its directory are open
 * (proc.c).  See pidpin.h.
 */
#define _GNU_SOURCE
#include "pidpin.h"
#include "proc.h"
#include "procfile.h"
#include "procstat.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

bool pidpin_resource_error(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOMEM;
}

/* Once the kernel said ENOSYS, stop asking. */
static bool no_pidfd;

static int sys_pidfd_open(pid_t pid)
{
	int fd;

	if (no_pidfd)
		return -ENOSYS;
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0)
		return fd;
	if (errno == ENOSYS)
		no_pidfd = true;
	return -errno;
}

bool pidpin_present(const struct pidpin *pp)
{
	/*
	 * Signal 0 checks presence, then permission: EPERM still means the
	 * process is there (a server run by a user sees everyone's, as
	 * /proc does).
	 */
	if (pp->pidfd >= 0)
		return syscall(SYS_pidfd_send_signal, pp->pidfd, 0, NULL, 0) ==
			       0 ||
		       errno == EPERM;
	/* Lookups in the directory of a reaped process fail. */
	return faccessat(pp->procfd, "stat", F_OK, 0) == 0;
}

int pidpin_read(const struct pidpin *pp, const char *file, char *buf,
		size_t size)
{
	char path[64];
	ssize_t n;

	if (pp->procfd >= 0) {
		n = procfile_read_small(pp->procfd, file, buf, size);
	} else {
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pp->pid, file);
		n = procfile_read_small(AT_FDCWD, path, buf, size);
	}
	if (n < 0 && n != -ENODATA && pidpin_resource_error((int)-n))
		return (int)n;
	/*
	 * By path, the text is this process's only if it was not reaped
	 * meanwhile (then the pid could not have been reused).
	 */
	if (n < 0 || (pp->procfd < 0 && !pidpin_present(pp)))
		return -ESRCH;
	return 0;
}

int pidpin_read_all(const struct pidpin *pp, const char *file, char **text)
{
	char path[64];
	int err;

	if (pp->procfd >= 0) {
		err = procfile_read(pp->procfd, file, text, NULL);
	} else {
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pp->pid, file);
		err = procfile_read(AT_FDCWD, path, text, NULL);
	}
	if (err)
		return pidpin_resource_error(-err) ? err : -ESRCH;
	/* as in pidpin_read: by path, only if not reaped meanwhile */
	if (pp->procfd < 0 && !pidpin_present(pp)) {
		free(*text);
		*text = NULL;
		return -ESRCH;
	}
	return 0;
}

int pidpin_userns_fd(const struct pidpin *pp)
{
	char path[64];
	int fd;

	if (pp->pidfd >= 0) {
		fd = ioctl(pp->pidfd, IPCFS_PIDFD_GET_USER_NAMESPACE, 0);
		if (fd >= 0)
			return fd;
		if (errno != ENOTTY && errno != EINVAL)
			return pidpin_resource_error(errno) ? -errno : -ESRCH;
	}
	if (pp->procfd >= 0) {
		fd = openat(pp->procfd, "ns/user", O_RDONLY | O_CLOEXEC);
	} else {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pp->pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return pidpin_resource_error(errno) ? -errno : -ESRCH;
	if (pp->procfd < 0 && !pidpin_present(pp)) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

bool pidpin_ended(const struct pidpin *pp)
{
	struct pollfd pfd = { .fd = pp->pidfd, .events = POLLIN };
	struct proc_stat ps;
	char text[1024];

	if (pp->pidfd >= 0)
		return poll(&pfd, 1, 0) == 1;
	if (pidpin_read(pp, "stat", text, sizeof(text)) ||
	    procstat_parse_stat(text, &ps))
		return true;
	return ps.state == 'Z' || ps.state == 'X';
}

int pidpin_open(struct pidpin *pp, pid_t pid)
{
	char path[32], *text = NULL, *t;
	int err;

	pp->pid = pid;
	pp->procfd = -1;
	pp->pidfd = sys_pidfd_open(pid);
	if (pp->pidfd >= 0)
		return 0;
	err = pp->pidfd;
	pp->pidfd = -1;
	if (err != -ENOSYS) {
		/* ESRCH: no such pid; EINVAL/ENOENT: a thread's id */
		return pidpin_resource_error(-err) ? err : -ENOENT;
	}
	/*
	 * No pidfds: the /proc/<pid> directory pins the process, and only a
	 * thread-group leader has a Tgid equal to its pid.
	 */
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	pp->procfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pp->procfd < 0)
		return pidpin_resource_error(errno) ? -errno : -ENOENT;
	err = pidpin_read_all(pp, "status", &text);
	t = err ? NULL : strstr(text, "\nTgid:");
	if (!t || atoi(t + 6) != pid) {
		free(text);
		pidpin_close(pp);
		return -ENOENT;
	}
	free(text);
	return 0;
}

void pidpin_close(struct pidpin *pp)
{
	if (pp->pidfd >= 0)
		close(pp->pidfd);
	if (pp->procfd >= 0)
		close(pp->procfd);
	pp->pidfd = pp->procfd = -1;
}

int pidpin_signal(const struct pidpin *pp, int sig, siginfo_t *info)
{
	long r;

	if (pp->pidfd >= 0) {
		r = syscall(SYS_pidfd_send_signal, pp->pidfd, sig, info, 0);
	} else {
		/*
		 * Without a pidfd the pid could, in theory, be reaped and
		 * reused between this check and the kill: it would take a
		 * full wrap of the pid space in that instant.
		 */
		if (!pidpin_present(pp))
			return -ESRCH;
		if (info)
			r = syscall(SYS_rt_sigqueueinfo, pp->pid, sig, info);
		else
			r = kill(pp->pid, sig);
	}
	return r ? -errno : 0;
}

/*
 * The kernel shows a zombie's exit code in stat only to a reader with
 * ptrace read access: root, or the same user.  A server run by a user
 * learns how another user's process ended from PIDFD_GET_INFO once it is
 * reaped.
 */
static bool may_read_exit_code(const struct pidpin *pp)
{
	uid_t ruid, suid;
	gid_t rgid;

	return geteuid() == 0 || (pidpin_creds(pp, &ruid, &suid, &rgid) == 0 &&
				  ruid == geteuid() && suid == geteuid());
}

int pidpin_exit_status(const struct pidpin *pp, int *status)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		struct ipcfs_pidfd_info info = {
			.mask = IPCFS_PIDFD_INFO_EXIT
		};
		struct proc_stat ps;
		char text[1024];

		/* Reaped (by anyone): the kernel kept the status for us. */
		if (pp->pidfd >= 0 &&
		    ioctl(pp->pidfd, IPCFS_PIDFD_GET_INFO, &info) == 0 &&
		    (info.mask & IPCFS_PIDFD_INFO_EXIT)) {
			*status = info.exit_code;
			return 0;
		}
		/*
		 * A zombie: its stat still says how it ended, to a reader
		 * that may ptrace it (others read 0 there).
		 */
		if (may_read_exit_code(pp) &&
		    pidpin_read(pp, "stat", text, sizeof(text)) == 0 &&
		    procstat_parse_stat(text, &ps) == 0 && ps.state == 'Z' &&
		    ps.exit_code >= 0) {
			*status = ps.exit_code;
			return 0;
		}
	}
	return -EAGAIN;
}

int pidpin_creds(const struct pidpin *pp, uid_t *ruid, uid_t *suid, gid_t *rgid)
{
	struct ipcfs_pidfd_info info = { .mask = IPCFS_PIDFD_INFO_CREDS };
	struct proc_status st;
	char *text;
	int err;

	if (pp->pidfd >= 0 &&
	    ioctl(pp->pidfd, IPCFS_PIDFD_GET_INFO, &info) == 0) {
		if (!(info.mask & IPCFS_PIDFD_INFO_CREDS))
			return -ESRCH; /* reaped */
		*ruid = info.ruid;
		*suid = info.suid;
		*rgid = info.rgid;
		return 0;
	}
	if (pidpin_read_all(pp, "status", &text))
		return -ESRCH;
	err = procstat_parse_status(text, &st);
	free(text);
	if (err)
		return -ESRCH;
	*ruid = st.ruid;
	*suid = st.suid;
	*rgid = st.rgid;
	return 0;
}

/* Once PIDFD_GET_INFO was unknown (before Linux 6.15), stop asking. */
static bool no_pidfd_info;

int pidpin_peek_creds(pid_t pid, uid_t *ruid, gid_t *rgid)
{
	struct ipcfs_pidfd_info info = { .mask = IPCFS_PIDFD_INFO_CREDS };
	int fd, err = 0;

	if (no_pidfd_info)
		return -EOPNOTSUPP;
	fd = sys_pidfd_open(pid);
	if (fd == -ENOSYS)
		return -EOPNOTSUPP;
	if (fd < 0) /* ESRCH: no such pid; EINVAL: a thread's id */
		return pidpin_resource_error(-fd) ? fd : -ENOENT;
	if (ioctl(fd, IPCFS_PIDFD_GET_INFO, &info)) {
		err = errno == ESRCH ? -ENOENT : -EOPNOTSUPP;
		if (errno == ENOTTY || errno == EINVAL)
			no_pidfd_info = true;
	} else if (!(info.mask & IPCFS_PIDFD_INFO_CREDS)) {
		err = -ENOENT; /* reaped meanwhile */
	} else {
		*ruid = info.ruid;
		*rgid = info.rgid;
	}
	close(fd);
	return err;
}

int pidpin_event_fd(const struct pidpin *pp)
{
	return pp->pidfd;
}
