/*
 * What is mounted where: finding the topmost mount on a directory in the
 * text of /proc/self/mountinfo, so that ipcfs can refuse to stack itself
 * on a live ipcfs mount.  Pure C, unit-tested and fuzzed.
 */
#ifndef IPCFS_MOUNTPT_H
#define IPCFS_MOUNTPT_H

#include <stddef.h>

/*
 * The file system type ("fuse.ipcfs", "tmpfs", ...) of the last (topmost)
 * mount whose mount point is @path (an absolute, canonical path), written
 * into @fstype.  0, -ENOENT when nothing is mounted there, or -EINVAL for
 * a line that cannot be read.
 */
int mountinfo_top(const char *text, const char *path, char *fstype,
		  size_t size);

#endif
