/*
 * Path routing: which object a path component names.  The tree is routed
 * one whole component at a time (never by string prefix, so "12" never
 * matches "123"), and every name a user can type is checked here before any
 * system call sees it.  Pure C, unit-tested and fuzzed without a mount.
 */
#ifndef IPCFS_ROUTE_H
#define IPCFS_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The largest pid Linux can ever hand out (PID_MAX_LIMIT on 64-bit). */
#define ROUTE_PID_MAX 4194304

/* Longest queue or shm name, as NAME_MAX of /dev/mqueue and /dev/shm. */
#define ROUTE_NAME_MAX 255

/* Priorities a queue file may be opened by (MQ_PRIO_MAX on Linux). */
#define ROUTE_PRIO_MAX 32768
/* Priorities listed in a queue directory: 0..31, the POSIX minimum. */
#define ROUTE_PRIO_LISTED 32

/* Entries of the root directory. */
enum root_entry {
	ROOT_SIGNALS,
	ROOT_PROC,
	ROOT_MQ,
	ROOT_SHM,
	ROOT_NENTRIES,
};

/* Files of a process directory, in listing order. */
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

/* Non-priority files of a queue directory, in listing order. */
enum queue_file {
	QF_NEXT = ROUTE_PRIO_MAX, /* priorities are 0..ROUTE_PRIO_MAX-1 */
	QF_MAXMSG,
	QF_MSGSIZE,
	QF_CURMSGS,
	QF_END,
};

const char *root_entry_name(enum root_entry e);
int route_root(const char *name);                 /* enum root_entry or -ENOENT */

const char *pid_file_name(enum pid_file f);
int route_pid_file(const char *name);             /* enum pid_file or -ENOENT */

/*
 * A process directory name: a canonical positive decimal pid ("1234";
 * never "0", "-1", "01", "1x", "+5" or beyond ROUTE_PID_MAX).
 * Returns 0 and sets *pid, or -ENOENT.
 */
int route_pid(const char *name, pid_t *pid);

/*
 * A file of a queue directory: a canonical priority 0..32767 ("5", never
 * "05", "-1", "32768"), or next/maxmsg/msgsize/curmsgs (QF_*).
 * Returns the file number or -ENOENT.
 */
int route_queue_file(const char *name);
/* Name of a queue file number; for priorities writes into @buf. */
const char *queue_file_name(int file, char *buf, size_t size);

/*
 * A queue or shm object name as it appears in mq/ and shm/: 1..255 bytes,
 * no '/', not "." or "..".  Returns 0 or -EINVAL (-ENAMETOOLONG if long).
 */
int route_ipc_name(const char *name);

/* True for named semaphores in /dev/shm ("sem.*"), hidden from shm/. */
bool route_is_semaphore(const char *name);

/*
 * The mkdir syntax that creates a queue with its own attributes:
 * "NAME,maxmsg=N,msgsize=N" (either key or both, any order).  A name with
 * no comma is plain.  Sets *maxmsg / *msgsize to the values given, or 0
 * when absent.  Returns 0, or -EINVAL (unknown key, repeated key, bad or
 * zero number) / -ENAMETOOLONG.  @name must hold ROUTE_NAME_MAX+1 bytes.
 */
int route_mkdir_queue(const char *spec, char *name, long *maxmsg,
		      long *msgsize);

#endif
