/*
 * Parsing the kernel's /proc/<pid>/stat and /proc/<pid>/status text into
 * what the process files show.  Pure C, unit-tested and fuzzed.
 */
#ifndef IPCFS_PROCSTAT_H
#define IPCFS_PROCSTAT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_status {
	char state[24]; /* one word: running, sleeping, disk-sleep, ... */
	uint64_t sig_pnd, shd_pnd, sig_blk, sig_ign, sig_cgt;
	uid_t ruid, euid, suid;
	gid_t rgid;
};

struct proc_stat {
	char state; /* R, S, D, Z, T, ... */
	unsigned long flags; /* the kernel's PF_* bits of the task */
	int session;
	unsigned long long starttime; /* clock ticks after boot */
	int exit_code; /* wait status; -1 when not given */
};

/*
 * The value of "Key:" at the start of a line of /proc status text (what
 * follows the colon), or NULL.
 */
const char *procstat_field(const char *text, const char *key);

/* Returns 0 or -EINVAL. */
int procstat_parse_status(const char *text, struct proc_status *st);
int procstat_parse_stat(const char *text, struct proc_stat *st);

/* PF_EXITING, from the kernel's sched.h (proc(5): the bits may change) */
#define PROCSTAT_PF_EXITING 0x4

/*
 * The task is exiting because a signal killed it: what it closes now,
 * it did not choose to.  PF_EXITING, and an exit code (field 52, set
 * before the task closes its files) holding a signal.  Not PF_SIGNALED:
 * when one thread calls exit_group(2), the kernel ends the others with
 * SIGKILL and marks them so, though the process ended normally; they get
 * the group's exit code.  Without ptrace access the kernel shows 0 there:
 * not killed, as far as we can tell.
 */
static inline bool procstat_killed(const struct proc_stat *st)
{
	return (st->flags & PROCSTAT_PF_EXITING) && st->exit_code > 0 &&
	       (st->exit_code & 0x7f) != 0;
}

#endif
