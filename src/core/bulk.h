/*
 * The bulk worker: a thread that answers big data reads (shm files of a
 * -o nopassthrough mount, 1 MiB each) so that the loop never copies a
 * MiB while a signal or a message waits behind it.  See bulk.c.
 */
#ifndef IPCFS_BULK_H
#define IPCFS_BULK_H

#define FUSE_USE_VERSION 34
#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

/* Reads smaller than this are answered on the loop: a hand-off costs more. */
#define BULK_MIN_READ (64 * 1024)
/* Reads queued at most, in all and per user; past them the loop reads. */
#define BULK_QUEUE_MAX 64
#define BULK_PER_USER_MAX 16

struct bulk_job {
	struct bulk_job *next;
	fuse_req_t req;
	int fd;
	size_t size;
	off_t off;
	uid_t uid;
};

struct bulk_user {
	uid_t uid;
	unsigned int queued;
};

struct bulk {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool running, stop;
	struct bulk_job jobs[BULK_QUEUE_MAX]; /* free ones on @free */
	struct bulk_job *free, *head, **tail;
	/* users with reads queued: at most one per queued job */
	struct bulk_user users[BULK_QUEUE_MAX];
	unsigned int nusers;
	unsigned long served; /* reads the worker answered */
	unsigned long inline_reads; /* refused a slot: read on the loop */
	char *buf;
	size_t buf_size;
};

/* Starts the thread (after fuse_daemonize: threads do not survive a fork). */
int bulk_start(struct bulk *b, size_t max_read);
/* Answers what is queued, then joins the thread; a no-op if not running. */
void bulk_stop(struct bulk *b);
/*
 * Queues a pread of @size bytes at @off of @fd, answered from the worker
 * as a reply to @req.  False when the read must be done by the caller:
 * too small, no worker, or the queue (or @uid's share of it) full.  @fd
 * must stay open until the reply: the kernel sends no RELEASE of a file
 * while a READ of it is in flight, and the server stops the worker
 * before it closes the files still open.
 */
bool bulk_read(struct bulk *b, fuse_req_t req, uid_t uid, int fd, size_t size,
	       off_t off);
/*
 * True in the worker thread: /dev/fuse's writev hook leaves its replies
 * (READ data) alone, since only the loop's INIT and open replies are
 * patched for passthrough (passthru.c), from state the loop owns.
 */
bool bulk_on_worker(void);
/* Reads the worker answered, and big ones it left to the loop. */
void bulk_counts(struct bulk *b, unsigned long *served,
		 unsigned long *inline_reads);

#endif
