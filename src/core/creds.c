/*
 * Caller credentials from /proc/<tid>/status, the namespaces they count
 * in, kill(2)'s permission rule, and switching the loop thread to the
 * caller's identity for operations that the kernel must check and account
 * as the caller (creating queues and shm objects, chmod, chown, unlink).
 * The switch uses raw syscalls: glibc's setresuid() would change every
 * thread of the process.
 *
 * Trust rule: CapEff in /proc is relative to the caller's own user
 * namespace, so it counts only where the kernel would count it.  For
 * CAP_KILL that is the kernel's own walk up from the target's namespace
 * (creds_ns_capable); for everything done as the caller, the caller's
 * effective set is put on the thread only if the caller lives in the
 * server's user namespace, and none otherwise.
 */
#define _GNU_SOURCE
#include "creds.h"
#include "procfile.h"
#include "procstat.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* nsfs ioctls (linux/nsfs.h; the pid translation is Linux 6.11+). */
#define IPCFS_NSIO 0xb7
#define IPCFS_NS_GET_PARENT _IO(IPCFS_NSIO, 0x2)
#define IPCFS_NS_GET_OWNER_UID _IO(IPCFS_NSIO, 0x4)
#define IPCFS_NS_GET_TGID_IN_PIDNS _IOR(IPCFS_NSIO, 0x9, int)

/* Deepest pid namespace nesting the kernel allows (MAX_PID_NS_LEVEL). */
#define PIDNS_DEPTH_MAX 32

static int parse_ids(const char *text, const char *key, unsigned int ids[4])
{
	const char *p = procstat_field(text, key);

	if (!p ||
	    sscanf(p, "%u %u %u %u", &ids[0], &ids[1], &ids[2], &ids[3]) != 4)
		return -EINVAL;
	return 0;
}

/* The numbers of a "Groups:" line, each a decimal; @out may be NULL. */
static int parse_groups(const char *p, gid_t *out, int max)
{
	int n = 0;

	while (p) {
		unsigned long v;
		char *end;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			break;
		v = strtoul(p, &end, 10);
		if (n >= max)
			break;
		if (out)
			out[n] = (gid_t)v;
		n++;
		p = end;
	}
	return n;
}

int creds_parse_status(const char *text, struct creds *c)
{
	unsigned int u[4], g[4];
	unsigned long long cap;
	const char *p;
	int n;

	memset(c, 0, sizeof(*c));
	if (parse_ids(text, "Uid", u) || parse_ids(text, "Gid", g))
		return -EINVAL;
	p = procstat_field(text, "Tgid");
	if (!p || sscanf(p, "%d", &c->tgid) != 1)
		return -EINVAL;
	p = procstat_field(text, "CapEff");
	if (!p || sscanf(p, "%llx", &cap) != 1)
		return -EINVAL;
	c->cap_eff = cap;
	c->ruid = u[0], c->euid = u[1], c->suid = u[2], c->fsuid = u[3];
	c->rgid = g[0], c->egid = g[1], c->sgid = g[2], c->fsgid = g[3];
	p = procstat_field(text, "Groups");
	n = parse_groups(p, NULL, CREDS_NGROUPS_MAX);
	if (n == 0)
		return 0;
	c->groups = malloc((size_t)n * sizeof(gid_t));
	if (!c->groups)
		return -ENOMEM;
	c->ngroups = parse_groups(p, c->groups, n);
	return 0;
}

void creds_release(struct creds *c)
{
	free(c->groups);
	c->groups = NULL;
	c->ngroups = 0;
}

static int ns_ino(const char *path, ino_t *ino)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	*ino = st.st_ino;
	return 0;
}

int creds_env_init(struct creds_env *env)
{
	int err = ns_ino("/proc/self/ns/user", &env->userns);

	return err ? err : ns_ino("/proc/self/ns/pid", &env->pidns);
}

int creds_of_task(pid_t tid, struct creds *c)
{
	char path[64], *text;
	int err;

	if (tid <= 0)
		return -ESRCH;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	err = procfile_read(AT_FDCWD, path, &text, NULL);
	if (err)
		return err == -ENOENT ? -ESRCH : err;
	err = creds_parse_status(text, c);
	free(text);
	if (err)
		return err;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)tid);
	if (ns_ino(path, &c->userns))
		c->userns = 0; /* unknown: no capability will count */
	return 0;
}

uint64_t creds_caps_here(const struct creds_env *env, const struct creds *c)
{
	return c->userns && c->userns == env->userns ? c->cap_eff : 0;
}

bool creds_uid_may_kill(const struct creds *s, uid_t t_ruid, uid_t t_suid)
{
	return s->euid == t_suid || s->euid == t_ruid || s->ruid == t_suid ||
	       s->ruid == t_ruid;
}

bool creds_ns_capable(const struct userns_chain *t, ino_t caller_ns, uid_t euid,
		      uint64_t caps, int cap)
{
	if (!caller_ns)
		return false;
	for (int i = 0; i < t->depth; i++) {
		if (t->ino[i] == caller_ns)
			return caps >> cap & 1;
		/* the owner of a child of the caller's namespace has it all */
		if (i + 1 < t->depth && t->ino[i + 1] == caller_ns &&
		    t->owner[i] == euid)
			return true;
	}
	return false;
}

int userns_chain_of(int nsfd, struct userns_chain *ch)
{
	int fd = nsfd, err = 0;

	ch->depth = 0;
	while (ch->depth < USERNS_DEPTH_MAX) {
		struct stat st;
		uid_t owner;
		int parent;

		if (fstat(fd, &st) ||
		    ioctl(fd, IPCFS_NS_GET_OWNER_UID, &owner)) {
			err = -errno;
			break;
		}
		ch->ino[ch->depth] = st.st_ino;
		ch->owner[ch->depth] = owner;
		ch->depth++;
		/* EPERM at the top: the initial namespace, or our own */
		parent = ioctl(fd, IPCFS_NS_GET_PARENT);
		if (fd != nsfd)
			close(fd);
		fd = nsfd;
		if (parent < 0)
			break;
		fd = parent;
	}
	if (fd != nsfd)
		close(fd);
	return ch->depth ? 0 : err;
}

int pidns_view_open(const struct creds_env *env, pid_t tid,
		    struct pidns_view *v)
{
	char path[64];
	int err;

	v->fd = -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)tid);
	err = ns_ino(path, &v->ino);
	if (err)
		return err == -ENOENT ? -ESRCH : err;
	if (v->ino == env->pidns)
		return 0;
	v->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (v->fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	return 0;
}

/* Before Linux 6.11: walk up from @pid's namespace to the view's. */
static bool sees_by_walk(const struct pidns_view *v, pid_t pid)
{
	char path[64];
	bool seen = false;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	for (int level = 0; fd >= 0 && level <= PIDNS_DEPTH_MAX; level++) {
		struct stat st;
		int parent;

		if (fstat(fd, &st))
			break;
		if (st.st_ino == v->ino) {
			seen = true;
			break;
		}
		parent = ioctl(fd, IPCFS_NS_GET_PARENT);
		close(fd);
		fd = parent;
	}
	if (fd >= 0)
		close(fd);
	return seen;
}

bool pidns_view_sees(const struct pidns_view *v, pid_t pid)
{
	int r;

	if (v->fd < 0)
		return true;
	r = ioctl(v->fd, IPCFS_NS_GET_TGID_IN_PIDNS, pid);
	if (r > 0)
		return true;
	if (r < 0 && (errno == ENOTTY || errno == EINVAL))
		return sees_by_walk(v, pid);
	return false;
}

void pidns_view_close(struct pidns_view *v)
{
	if (v->fd >= 0)
		close(v->fd);
	v->fd = -1;
}

static int parse_limit_value(const char *p, uint64_t *v, const char **end)
{
	char *e;

	while (*p == ' ')
		p++;
	if (strncmp(p, "unlimited", 9) == 0) {
		*v = UINT64_MAX;
		*end = p + 9;
		return 0;
	}
	if (*p < '0' || *p > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoull(p, &e, 10);
	if (errno)
		return -EINVAL;
	*end = e;
	return 0;
}

int creds_parse_limit(const char *text, const char *name, uint64_t *soft,
		      uint64_t *hard)
{
	size_t nlen = strlen(name);
	const char *p = text;

	while (p && *p) {
		if (strncmp(p, name, nlen) == 0 && p[nlen] == ' ') {
			const char *q = p + nlen;

			if (parse_limit_value(q, soft, &q) || *q != ' ' ||
			    parse_limit_value(q, hard, &q) || *q != ' ')
				return -EINVAL;
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -EINVAL;
}

/* The caller's RLIMIT_MSGQUEUE, read as root (its ids may differ). */
static int caller_msgqueue_limit(pid_t tgid, struct rlimit *rl)
{
	uint64_t soft, hard;
	char path[64], *text;
	int err;

	snprintf(path, sizeof(path), "/proc/%d/limits", (int)tgid);
	err = procfile_read(AT_FDCWD, path, &text, NULL);
	if (err)
		return err == -ENOENT ? -ESRCH : err;
	err = creds_parse_limit(text, "Max msgqueue size", &soft, &hard);
	free(text);
	if (err)
		return err;
	rl->rlim_cur = soft == UINT64_MAX ? RLIM_INFINITY : (rlim_t)soft;
	rl->rlim_max = hard == UINT64_MAX ? RLIM_INFINITY : (rlim_t)hard;
	return 0;
}

static int caps_get(uint32_t caps[2][3])
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
						0 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	for (int i = 0; i < 2; i++) {
		caps[i][0] = data[i].effective;
		caps[i][1] = data[i].permitted;
		caps[i][2] = data[i].inheritable;
	}
	return 0;
}

static int caps_set(uint32_t caps[2][3])
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
						0 };
	struct __user_cap_data_struct data[2];

	for (int i = 0; i < 2; i++) {
		data[i].effective = caps[i][0];
		data[i].permitted = caps[i][1];
		data[i].inheritable = caps[i][2];
	}
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

/* The thread's effective set becomes @want, within what it may have. */
static int caps_narrow(struct caller_ctx *cc, uint64_t want)
{
	uint32_t caps[2][3];

	memcpy(caps, cc->saved_caps, sizeof(caps));
	for (int i = 0; i < 2; i++)
		caps[i][0] = (uint32_t)(want >> (32 * i)) & caps[i][1];
	return caps_set(caps);
}

/*
 * RLIMIT_MSGQUEUE is per process, so the caller's limit is set on the
 * whole server for the duration: only the loop thread creates queues, so
 * nothing else sees it.  Read from /proc as root, before the switch: a
 * setuid caller's ids may not let us prlimit() it, and a limit silently
 * not applied would be the server's.  Only the soft limit counts (the
 * kernel checks rlim_cur), and only it is changed: a lowered hard limit
 * could not be raised back.
 */
static int set_msgqueue_limit(struct caller_ctx *cc, pid_t tgid)
{
	struct rlimit rl, old;
	int err = caller_msgqueue_limit(tgid, &rl);

	if (err)
		return err;
	if (getrlimit(RLIMIT_MSGQUEUE, &old))
		return -errno;
	if (rl.rlim_cur > old.rlim_max)
		rl.rlim_cur = old.rlim_max;
	rl.rlim_max = old.rlim_max;
	if (setrlimit(RLIMIT_MSGQUEUE, &rl))
		return -errno;
	cc->saved_msgqueue_cur = old.rlim_cur;
	cc->saved_msgqueue_max = old.rlim_max;
	cc->rlimit_set = true;
	return 0;
}

static int save_groups(struct caller_ctx *cc)
{
	int n = getgroups(0, NULL);

	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	cc->groups = malloc((size_t)n * sizeof(gid_t));
	if (!cc->groups)
		return -ENOMEM;
	n = getgroups(n, cc->groups);
	if (n < 0)
		return -errno;
	cc->ngroups = n;
	return 0;
}

static bool same_groups(const struct caller_ctx *cc, const struct creds *c)
{
	return cc->ngroups == c->ngroups &&
	       (c->ngroups == 0 ||
		memcmp(cc->groups, c->groups,
		       (size_t)c->ngroups * sizeof(gid_t)) == 0);
}

int caller_enter(struct caller_ctx *cc, const struct creds_env *env,
		 const struct creds *c, pid_t tgid)
{
	int err;

	memset(cc, 0, sizeof(*cc));
	if (geteuid() != 0) {
		/* Not root: we can only be ourselves. */
		return c->fsuid == geteuid() ? 0 : -EPERM;
	}
	err = caps_get(cc->saved_caps);
	if (err)
		return err;
	err = save_groups(cc);
	if (!err && getresgid(&cc->rgid, &cc->egid, &cc->sgid))
		err = -errno;
	if (!err && tgid > 0)
		err = set_msgqueue_limit(cc, tgid);
	if (err)
		goto out_leave;

	/*
	 * The same groups are not set again: a server in a user namespace
	 * may be denied setgroups() altogether.
	 */
	if (!same_groups(cc, c)) {
		if (syscall(SYS_setgroups, c->ngroups, c->groups)) {
			err = -errno;
			goto out_leave;
		}
		cc->groups_set = true;
	}
	cc->switched = true;
	if (syscall(SYS_setresgid, c->fsgid, c->fsgid, -1) ||
	    syscall(SYS_setresuid, c->fsuid, c->fsuid, 0)) {
		err = -errno;
		goto out_leave;
	}
	/*
	 * A uid change cleared the effective set; for uid 0 it is still the
	 * server's.  Either way the caller gets exactly the capabilities
	 * that count for it here.
	 */
	cc->caps_set = true;
	err = caps_narrow(cc, creds_caps_here(env, c));
	if (err)
		goto out_leave;
	return 0;

out_leave:
	caller_leave(cc);
	return err;
}

void caller_leave(struct caller_ctx *cc)
{
	/*
	 * uid first: back to euid 0 restores the right to the rest; running
	 * on as the wrong user is worse than stopping.
	 */
	if (cc->switched &&
	    (syscall(SYS_setresuid, 0, 0, 0) ||
	     (cc->caps_set && caps_set(cc->saved_caps)) ||
	     syscall(SYS_setresgid, cc->rgid, cc->egid, cc->sgid)))
		abort();
	if (cc->groups_set && syscall(SYS_setgroups, cc->ngroups, cc->groups))
		abort();
	cc->switched = cc->caps_set = cc->groups_set = false;
	if (cc->rlimit_set) {
		struct rlimit rl = { cc->saved_msgqueue_cur,
				     cc->saved_msgqueue_max };

		/* the same hard limit: raising the soft one back is allowed */
		setrlimit(RLIMIT_MSGQUEUE, &rl);
		cc->rlimit_set = false;
	}
	free(cc->groups);
	cc->groups = NULL;
	cc->ngroups = 0;
}
