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

struct node_ops; /* family.h */

/*
 * A fixed name: one row per file whose name, mode and ops never change
 * (the entries of the root, the files of a process directory), as the
 * kernel's tgid_base_stuff[].  @sub is the family's own number for it
 * (node->sub).  @mode holds the type bits and the permissions; @access
 * is the one open(2) access mode a file may be opened with (O_RDONLY,
 * O_WRONLY), checked by the family's open.
 */
struct fixed_name {
	const char *name;
	mode_t mode;
	const struct node_ops *ops;
	int sub;
	int access;
	/* the root only: this directory's statfs answers for the root */
	bool statfs_root;
};

/*
 * The row of @table (of @count) named exactly @name (a whole component:
 * never a prefix): its index, or -ENOENT.
 */
int fixed_find(const struct fixed_name *table, size_t count, const char *name);

/*
 * A process directory name: a canonical positive decimal pid ("1234";
 * never "0", "-1", "01", "1x", "+5" or beyond ROUTE_PID_MAX).
 * Returns 0 and sets *pid, or -ENOENT.
 */
int route_pid(const char *name, pid_t *pid);

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
