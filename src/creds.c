/*
 * Caller credentials from /proc/<tid>/status, kill(2)'s permission rule,
 * and switching the loop thread to the caller's identity for operations
 * that the kernel must check and account as the caller (creating queues
 * and shm objects, chmod, chown, unlink).  The switch uses raw syscalls:
 * glibc's setresuid() would change every thread of the process.
 */
#define _GNU_SOURCE
#include "creds.h"
#include "procstat.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CAP_KILL_BIT 5

static int parse_ids(const char *text, const char *key, unsigned int ids[4])
{
	const char *p = procstat_field(text, key);

	if (!p || sscanf(p, "%u %u %u %u", &ids[0], &ids[1], &ids[2],
			 &ids[3]) != 4)
		return -EINVAL;
	return 0;
}

int creds_parse_status(const char *text, struct creds *c)
{
	unsigned int u[4], g[4];
	unsigned long long cap;
	const char *p;
	char *end;

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
	while (p && c->ngroups < CREDS_MAX_GROUPS) {
		unsigned long v;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			break;
		v = strtoul(p, &end, 10);
		c->groups[c->ngroups++] = (gid_t)v;
		p = end;
	}
	return 0;
}

int creds_of_task(pid_t tid, struct creds *c)
{
	char path[64], text[4096];
	ssize_t n;
	int fd;

	if (tid <= 0)
		return -ESRCH;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	text[n] = '\0';
	return creds_parse_status(text, c);
}

bool creds_may_kill(const struct creds *s, uid_t t_ruid, uid_t t_suid)
{
	return s->euid == t_suid || s->euid == t_ruid || s->ruid == t_suid ||
	       s->ruid == t_ruid || (s->cap_eff >> CAP_KILL_BIT & 1);
}

int caller_enter(struct caller_ctx *cc, const struct creds *c, pid_t tgid)
{
	struct rlimit rl;

	memset(cc, 0, sizeof(*cc));
	if (geteuid() != 0) {
		/* Not root: we can only be ourselves. */
		return c->fsuid == geteuid() ? 0 : -EPERM;
	}
	if (c->fsuid == 0)
		return 0; /* root acting for root: nothing to switch */
	if (getresgid(&cc->rgid, &cc->egid, &cc->sgid))
		return -errno;
	cc->ngroups = getgroups(CREDS_MAX_GROUPS, cc->groups);
	if (cc->ngroups < 0)
		cc->ngroups = 0;

	if (syscall(SYS_setgroups, c->ngroups, c->groups) ||
	    syscall(SYS_setresgid, c->fsgid, c->fsgid, -1) ||
	    syscall(SYS_setresuid, c->fsuid, c->fsuid, 0)) {
		int err = -errno;

		cc->switched = true;
		caller_leave(cc);
		return err;
	}
	cc->switched = true;

	/*
	 * RLIMIT_MSGQUEUE is per process, so the caller's limit is set on
	 * the whole server for the duration: only the loop thread creates
	 * queues, so nothing else sees it.  Read after the switch: without
	 * CAP_SYS_RESOURCE, prlimit() may only look at a process with our
	 * ids.  Only the soft limit counts (the kernel checks rlim_cur), and
	 * only it is changed: a lowered hard limit could not be raised back
	 * without CAP_SYS_RESOURCE.
	 */
	if (tgid > 0 && prlimit(tgid, RLIMIT_MSGQUEUE, NULL, &rl) == 0) {
		struct rlimit old;

		if (getrlimit(RLIMIT_MSGQUEUE, &old) == 0) {
			if (rl.rlim_cur > old.rlim_max)
				rl.rlim_cur = old.rlim_max;
			rl.rlim_max = old.rlim_max;
			if (setrlimit(RLIMIT_MSGQUEUE, &rl) == 0) {
				cc->saved_msgqueue_cur = old.rlim_cur;
				cc->saved_msgqueue_max = old.rlim_max;
				cc->rlimit_set = true;
			}
		}
	}
	return 0;
}

void caller_leave(struct caller_ctx *cc)
{
	if (cc->switched) {
		/* uid first: back to euid 0 restores the right to the rest */
		if (syscall(SYS_setresuid, 0, 0, 0) ||
		    syscall(SYS_setresgid, cc->rgid, cc->egid, cc->sgid) ||
		    syscall(SYS_setgroups, cc->ngroups, cc->groups))
			abort(); /* running on as the wrong user is worse */
		cc->switched = false;
	}
	if (cc->rlimit_set) {
		struct rlimit rl = { cc->saved_msgqueue_cur,
				     cc->saved_msgqueue_max };

		/* the same hard limit: raising the soft one back is allowed */
		setrlimit(RLIMIT_MSGQUEUE, &rl);
		cc->rlimit_set = false;
	}
}
