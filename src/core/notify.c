/*
 * The notifier thread: sends fuse_lowlevel_notify_inval_entry/_inode for
 * notices queued by the loop.  Owns only its ring; see notify.h for why it
 * exists at all.
 */
#define _GNU_SOURCE
#define FUSE_USE_VERSION 34
#include "notify.h"

#include <errno.h>
#include <poll.h>
#include <fuse_lowlevel.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

static void *notifier_main(void *arg)
{
	struct notifier *nt = arg;
	struct notice n;

	pthread_mutex_lock(&nt->lock);
	for (;;) {
		while (!nt->count && !nt->stop)
			pthread_cond_wait(&nt->cond, &nt->lock);
		if (!nt->count)
			break;
		n = nt->ring[nt->head];
		nt->head = (nt->head + 1) % NOTIFY_QUEUE_MAX;
		nt->count--;
		pthread_mutex_unlock(&nt->lock);
		/* ENOENT: the kernel had already forgotten it; fine. */
		if (n.is_entry)
			fuse_lowlevel_notify_inval_entry(
				nt->se, n.parent, n.name, strlen(n.name));
		else
			fuse_lowlevel_notify_inval_inode(nt->se, n.ino, 0, 0);
		pthread_mutex_lock(&nt->lock);
	}
	pthread_mutex_unlock(&nt->lock);
	if (eventfd_write(nt->done_fd, 1))
		abort(); /* the loop would wait for us forever */
	return NULL;
}

int notifier_start(struct notifier *nt, struct fuse_session *se)
{
	int err;

	memset(nt, 0, sizeof(*nt));
	nt->se = se;
	nt->done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (nt->done_fd < 0)
		return -errno;
	nt->ring = calloc(NOTIFY_QUEUE_MAX, sizeof(*nt->ring));
	if (!nt->ring) {
		close(nt->done_fd);
		return -ENOMEM;
	}
	pthread_mutex_init(&nt->lock, NULL);
	pthread_cond_init(&nt->cond, NULL);
	err = pthread_create(&nt->thread, NULL, notifier_main, nt);
	if (err) {
		free(nt->ring);
		nt->ring = NULL;
		close(nt->done_fd);
		return -err;
	}
	nt->running = true;
	return 0;
}

int notifier_stop_begin(struct notifier *nt)
{
	if (!nt->running)
		return -1;
	pthread_mutex_lock(&nt->lock);
	nt->stop = true;
	nt->count = 0; /* the mount is going away: nothing left to tell */
	pthread_cond_signal(&nt->cond);
	pthread_mutex_unlock(&nt->lock);
	return nt->done_fd;
}

bool notifier_done(struct notifier *nt)
{
	struct pollfd p = { .fd = nt->done_fd, .events = POLLIN };

	return !nt->running || poll(&p, 1, 0) == 1;
}

void notifier_stop_finish(struct notifier *nt)
{
	if (!nt->running)
		return;
	pthread_join(nt->thread, NULL);
	pthread_mutex_destroy(&nt->lock);
	pthread_cond_destroy(&nt->cond);
	free(nt->ring);
	nt->ring = NULL;
	close(nt->done_fd);
	nt->running = false;
}

/* Caller holds the lock.  A notice already queued is not queued twice. */
static bool already_queued(struct notifier *nt, const struct notice *n)
{
	for (size_t i = 0; i < nt->count; i++) {
		const struct notice *q =
			&nt->ring[(nt->head + i) % NOTIFY_QUEUE_MAX];

		if (q->is_entry != n->is_entry)
			continue;
		if (n->is_entry ? q->parent == n->parent &&
					  strcmp(q->name, n->name) == 0 :
				  q->ino == n->ino)
			return true;
	}
	return false;
}

static void enqueue(struct notifier *nt, const struct notice *n)
{
	if (!nt->running)
		return;
	pthread_mutex_lock(&nt->lock);
	if (already_queued(nt, n)) {
		pthread_mutex_unlock(&nt->lock);
		return;
	}
	if (nt->count == NOTIFY_QUEUE_MAX) {
		nt->dropped++;
	} else {
		nt->ring[(nt->head + nt->count) % NOTIFY_QUEUE_MAX] = *n;
		nt->count++;
		pthread_cond_signal(&nt->cond);
	}
	pthread_mutex_unlock(&nt->lock);
}

void notify_entry(struct notifier *nt, uint64_t parent, const char *name)
{
	struct notice n = { .parent = parent, .is_entry = true };

	if (strlen(name) > NOTIFY_NAME_MAX)
		return;
	strcpy(n.name, name);
	enqueue(nt, &n);
}

void notify_inode(struct notifier *nt, uint64_t ino)
{
	struct notice n = { .ino = ino, .is_entry = false };

	enqueue(nt, &n);
}
