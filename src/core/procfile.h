/*
 * Reading a whole /proc text file, however long the kernel makes it (a
 * status file of a process in 65,536 groups is over 700 KB).  No FUSE
 * types; any thread.
 */
#ifndef IPCFS_PROCFILE_H
#define IPCFS_PROCFILE_H

#include <stddef.h>

/* Longest /proc text read: far above any status or limits file. */
#define PROCFILE_MAX (4u << 20)

/*
 * Reads @path (relative to @dirfd, or absolute) whole into a malloc'ed,
 * NUL-terminated buffer.  0, -ENOENT/-ESRCH and the like from open, or
 * -ENOMEM, -EFBIG past PROCFILE_MAX.
 */
int procfile_read(int dirfd, const char *path, char **text, size_t *len);

#endif
