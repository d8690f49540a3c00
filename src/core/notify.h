/*
 * The notifier: a small thread that sends the kernel cache invalidations
 * (an object disappeared, a file's data changed).  They must not be sent
 * from the loop thread: the kernel may hold a directory lock while it
 * waits for a LOOKUP that only the loop would answer.  The loop only
 * queues; this thread only sends.  The queue is bounded and coalesces
 * repeats; when it is full a notice is dropped and the entry simply
 * expires with its timeout.
 */
#ifndef IPCFS_NOTIFY_H
#define IPCFS_NOTIFY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NOTIFY_QUEUE_MAX 4096
#define NOTIFY_NAME_MAX 255

struct fuse_session;

struct notice {
	uint64_t parent; /* entry notices: the directory */
	uint64_t ino; /* inode notices: the file */
	bool is_entry;
	char name[NOTIFY_NAME_MAX + 1];
};

struct notifier {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct notice *ring;
	size_t head, count;
	bool stop, running;
	int done_fd; /* eventfd, readable once the thread has returned */
	struct fuse_session *se;
	uint64_t dropped;
};

int notifier_start(struct notifier *nt, struct fuse_session *se);
/*
 * Stopping takes two steps: stop_begin drops what is queued and returns an
 * fd that becomes readable when the thread is out.  The thread may be in
 * the kernel, waiting for a directory lock that a pending LOOKUP holds, so
 * the caller must keep answering requests until then; stop_finish joins.
 */
int notifier_stop_begin(struct notifier *nt);
bool notifier_done(struct notifier *nt);
void notifier_stop_finish(struct notifier *nt);
/* Forget the dentry @name of directory @parent. */
void notify_entry(struct notifier *nt, uint64_t parent, const char *name);
/* Drop the cached attributes and data of @ino. */
void notify_inode(struct notifier *nt, uint64_t ino);

#endif
