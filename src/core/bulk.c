/*
 * The bulk worker thread.  The loop answers requests one at a time; a
 * 1 MiB read of an shm file through the page cache (-o nopassthrough)
 * costs it two copies of a MiB, and the kernel queues many of them
 * (readahead) ahead of a signal write or a message.  So the loop only
 * hands such a read here (a few hundred nanoseconds) and goes on: this
 * thread does the pread and the reply, in order, while the loop answers
 * everything else.  libfuse's replies are safe from any thread.  The
 * thread owns the queue (under its lock) and its buffer; it touches no
 * other state of the server, so nothing else needs a lock.  A full queue
 * (or one user's full share of it) makes the loop read itself, as it
 * did before: the worker holds a bounded number of requests, and no user
 * can take all of them.
 */
#define _GNU_SOURCE
#include "bulk.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Set in the worker thread only: its replies are data, never patched. */
static __thread bool on_worker;

bool bulk_on_worker(void)
{
	return on_worker;
}

static struct bulk_user *user_of(struct bulk *b, uid_t uid)
{
	for (unsigned int i = 0; i < b->nusers; i++)
		if (b->users[i].uid == uid)
			return &b->users[i];
	return NULL;
}

static void user_done(struct bulk *b, uid_t uid)
{
	struct bulk_user *u = user_of(b, uid);

	if (u && --u->queued == 0)
		*u = b->users[--b->nusers];
}

static void answer(struct bulk *b, const struct bulk_job *j)
{
	size_t size = j->size < b->buf_size ? j->size : b->buf_size;
	ssize_t n;

	do
		n = pread(j->fd, b->buf, size, j->off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		fuse_reply_err(j->req, errno);
	else
		fuse_reply_buf(j->req, b->buf, (size_t)n);
}

static void *bulk_main(void *arg)
{
	struct bulk *b = arg;

	on_worker = true;
	pthread_mutex_lock(&b->lock);
	for (;;) {
		struct bulk_job *j;

		while (!b->head && !b->stop)
			pthread_cond_wait(&b->cond, &b->lock);
		j = b->head;
		if (!j)
			break; /* stopping, and nothing is left */
		b->head = j->next;
		if (!b->head)
			b->tail = &b->head;
		pthread_mutex_unlock(&b->lock);
		answer(b, j);
		pthread_mutex_lock(&b->lock);
		user_done(b, j->uid);
		b->served++;
		j->next = b->free;
		b->free = j;
	}
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

int bulk_start(struct bulk *b, size_t max_read)
{
	sigset_t all, old;
	int err;

	memset(b, 0, sizeof(*b));
	b->buf = malloc(max_read);
	if (!b->buf)
		return -ENOMEM;
	b->buf_size = max_read;
	b->tail = &b->head;
	for (size_t i = 0; i < BULK_QUEUE_MAX; i++) {
		b->jobs[i].next = b->free;
		b->free = &b->jobs[i];
	}
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
	/* every signal stays the loop's (its signalfd) */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = -pthread_create(&b->thread, NULL, bulk_main, b);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		pthread_cond_destroy(&b->cond);
		pthread_mutex_destroy(&b->lock);
		free(b->buf);
		b->buf = NULL;
		return err;
	}
	b->running = true;
	return 0;
}

void bulk_stop(struct bulk *b)
{
	if (!b->running)
		return;
	pthread_mutex_lock(&b->lock);
	b->stop = true;
	pthread_cond_signal(&b->cond);
	pthread_mutex_unlock(&b->lock);
	pthread_join(b->thread, NULL);
	pthread_cond_destroy(&b->cond);
	pthread_mutex_destroy(&b->lock);
	free(b->buf);
	b->buf = NULL;
	b->running = false;
}

bool bulk_read(struct bulk *b, fuse_req_t req, uid_t uid, int fd, size_t size,
	       off_t off)
{
	struct bulk_user *u;
	struct bulk_job *j;

	if (!b->running || size < BULK_MIN_READ)
		return false;
	pthread_mutex_lock(&b->lock);
	u = user_of(b, uid);
	if (!b->free || b->stop || (u && u->queued >= BULK_PER_USER_MAX)) {
		b->inline_reads++;
		pthread_mutex_unlock(&b->lock);
		return false;
	}
	if (!u) { /* a free job means a free user slot: one per job at most */
		u = &b->users[b->nusers++];
		u->uid = uid;
		u->queued = 0;
	}
	u->queued++;
	j = b->free;
	b->free = j->next;
	*j = (struct bulk_job){
		.req = req, .fd = fd, .size = size, .off = off, .uid = uid
	};
	*b->tail = j;
	b->tail = &j->next;
	pthread_cond_signal(&b->cond);
	pthread_mutex_unlock(&b->lock);
	return true;
}

void bulk_counts(struct bulk *b, unsigned long *served,
		 unsigned long *inline_reads)
{
	*served = *inline_reads = 0;
	if (!b->running)
		return;
	pthread_mutex_lock(&b->lock);
	*served = b->served;
	*inline_reads = b->inline_reads;
	pthread_mutex_unlock(&b->lock);
}
