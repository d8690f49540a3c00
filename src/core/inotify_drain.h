/*
 * Draining an inotify fd: every family that follows a kernel directory
 * (mq/ follows the mqueue mount, shm/ follows /dev/shm) reads its events
 * the same way.  No FUSE types; called by the thread that owns the fd
 * (the loop thread, for the families' watches).
 */
#ifndef IPCFS_INOTIFY_DRAIN_H
#define IPCFS_INOTIFY_DRAIN_H

#include <stddef.h>
#include <sys/inotify.h>

/* One read of the fd: many events, each at most one name long. */
#define INOTIFY_DRAIN_BUF 16384

typedef void inotify_event_fn(const struct inotify_event *ev, void *arg);

/*
 * Reads @fd (non-blocking) until nothing is left and calls @fn for each
 * event, in the kernel's order.  Returns how many events there were.
 */
size_t inotify_drain(int fd, inotify_event_fn *fn, void *arg);

#endif
