/*
 * The FUSE operations table and the sizes the mount negotiates.
 */
#ifndef IPCFS_FS_H
#define IPCFS_FS_H

#include "ipcfs.h"
#include <sys/signalfd.h>

/* Largest read, write and readdir the kernel sends in one request. */
#define FS_MAX_IO_BYTES 1048576
#define FS_MAX_IO FS_MAX_IO_BYTES

/*
 * Background requests the kernel keeps in flight (async direct I/O,
 * RELEASE, readahead); past congestion_threshold it slows new ones.  The
 * default is 12, which a dozen parked aio writes would use up.  The
 * kernel caps an unprivileged server at max_user_bgreq.
 */
#define FS_MAX_BACKGROUND 64
#define FS_CONGESTION_THRESHOLD (FS_MAX_BACKGROUND * 3 / 4)

#define IPCFS_XSTR(x) #x
#define IPCFS_STR(x) IPCFS_XSTR(x)

extern const struct fuse_lowlevel_ops ipcfs_ops;

/* The root directory's ops (for nodes_init). */
extern const struct node_ops fs_root_ops;

/*
 * The registry is sound: names and inode-number tags are each a
 * family's own, tags in the families' range (inum.h), at most
 * IPCFS_FAMILIES_MAX.  0 or -EINVAL (said in the log).
 */
int fs_check_families(struct ipcfs *fs);

/* Makes the nodes of the registry's top entries, after nodes_init. */
int fs_make_top(struct ipcfs *fs);
/* Logs one line of what the server holds (SIGUSR1's handler). */
void fs_log_state(struct ipcfs *fs, const struct signalfd_siginfo *si);

/* Answers parked requests and closes every open file (server stopping). */
void fs_shutdown(struct ipcfs *fs);

#endif
