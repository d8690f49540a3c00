/*
 * The process family: proc/, proc/self and proc/<pid>/{signal, wait,
 * state, caught, blocked, ignored, pending}.  See proc.c.
 */
#ifndef IPCFS_PROC_H
#define IPCFS_PROC_H

#include "inum.h"

#include <stdint.h>
#include <sys/types.h>

/* Files of a process directory, in listing order (proc.c's pid_files). */
enum pid_file {
	PF_SIGNAL,
	PF_WAIT,
	PF_STATE,
	PF_CAUGHT,
	PF_BLOCKED,
	PF_IGNORED,
	PF_PENDING,
	PF_NFILES,
};

/* The inode-number tag the process family claims (see inum.h). */
#define PROC_INUM_TAG INUM_TAG_FAMILY(0)

/*
 * Reported inode number of a process directory (slot 0) or its files
 * (1 + enum pid_file); proc/self is pid 0's slot 1 (no process is 0).
 */
#define PROC_INO(pid, slot) inum_make(PROC_INUM_TAG, (uint64_t)(pid), (slot))

/*
 * PIDFD_GET_INFO (Linux 6.15+).  Debian 12's headers predate it, so the
 * first 64 bytes of the kernel's struct are declared here; the kernel
 * accepts any size from 64 up and fills what it knows.
 */
struct ipcfs_pidfd_info {
	uint64_t mask;
	uint64_t cgroupid;
	uint32_t pid, tgid, ppid;
	uint32_t ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
};

#define IPCFS_PIDFD_INFO_CREDS (1UL << 1)
#define IPCFS_PIDFD_INFO_EXIT (1UL << 3)
#define IPCFS_PIDFD_GET_INFO _IOWR(0xFF, 11, struct ipcfs_pidfd_info)
/* The user namespace of the process's credentials (Linux 6.11+). */
#define IPCFS_PIDFD_GET_USER_NAMESPACE _IO(0xFF, 9)

#endif
