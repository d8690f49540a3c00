/*
 * Reading a whole /proc text file, however long the kernel makes it (a
 * status file of a process in 65,536 groups is over 700 KB).  No FUSE
 * types; any thread.
 */
#ifndef IPCFS_PROCFILE_H
#define IPCFS_PROCFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Longest /proc text read: far above any status or limits file. */
#define PROCFILE_MAX (4u << 20)

/*
 * Reads @path (relative to @dirfd, or absolute) whole into a malloc'ed,
 * NUL-terminated buffer.  0, -ENOENT/-ESRCH and the like from open, or
 * -ENOMEM, -EFBIG past PROCFILE_MAX.
 */
int procfile_read(int dirfd, const char *path, char **text, size_t *len);

/*
 * Reads a small file (a /proc/PID/stat, a sysctl, a /sys parameter) into
 * @buf with one read of at most @size - 1 bytes, NUL-terminated: as much
 * as the kernel generates at the first read.  The length (> 0), -errno
 * from open, or -ENODATA if the read failed or gave nothing.
 */
ssize_t procfile_read_small(int dirfd, const char *path, char *buf,
			    size_t size);

/*
 * The unsigned decimal a small file starts with, as the kernel writes a
 * number ("4096\n"; what follows the digits is not looked at), up to
 * @max.  0, -errno from open, or -EINVAL if the file holds no such number.
 */
int procfile_read_ulong(const char *path, unsigned long max,
			unsigned long *out);

#endif
