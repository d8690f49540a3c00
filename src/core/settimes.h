/*
 * The times of a SETATTR, as futimens() and utimensat() take them: the
 * families that keep their objects in a kernel file system (mq/, shm/)
 * apply touch(1)'s request the same way.  Pure apart from libfuse's
 * FUSE_SET_ATTR_* bits; any thread.
 */
#ifndef IPCFS_SETTIMES_H
#define IPCFS_SETTIMES_H

#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>

/*
 * Fills @ts (atime, mtime) from @to_set and @attr: UTIME_NOW for a
 * *_NOW bit, the given time for a plain bit, UTIME_OMIT for neither (as
 * libfuse's passthrough examples do).  Returns false when both are
 * UTIME_OMIT: then there is nothing to call.
 */
bool settimes_of(int to_set, const struct stat *attr, struct timespec ts[2]);

#endif
