/*
 * Parsing the kernel's /proc/<pid>/stat and /proc/<pid>/status text into
 * what the process files show.  Pure C, unit-tested and fuzzed.
 */
#ifndef IPCFS_PROCSTAT_H
#define IPCFS_PROCSTAT_H

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

#endif
