/*
 * Message queue objects: one per kernel queue the server uses, found by
 * the queue's mqueue inode number (a hash table, mq_family.by_ino; the
 * wake-ups by id, by_id; inotify events and rmdir by name, by_name),
 * holding the ONE descriptor the server opens on it (O_NONBLOCK).  Never
 * a second one: closing any descriptor of a queue drops this process's
 * mq_notify registration.  Also how a queue wakes
 * the loop: its mq_notify registration (a real-time signal that the
 * loop's signalfd hands to mq_on_signal, mqio.c) while anything waits
 * for a message, the descriptor in the epoll set when another program
 * holds the registration or when something waits for room.  A wake-up
 * is passed up to the traffic (mqio.c) through mq_family.serve, which
 * mqio.c sets: this file is below it and calls nothing of it.  Loop
 * thread only.
 */
#define _GNU_SOURCE
#include "mqfs.h"
#include "log.h"
#include "route.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

void queue_get(struct queue *q)
{
	q->refs++;
}

static void queue_free(struct ipcfs *fs, struct queue *q)
{
	list_del(&q->link);
	htab_remove(&mq_of(fs)->by_ino, &q->by_ino);
	htab_remove(&mq_of(fs)->by_id, &q->by_id);
	if (!q->gone)
		htab_remove(&mq_of(fs)->by_name, &q->by_name);
	loop_remove(fs, &q->watch);
	if (q->mqd != (mqd_t)-1) {
		if (q->notify_held)
			mq_notify(q->mqd, NULL);
		close(q->mqd);
	}
	free(q);
}

void queue_put(struct ipcfs *fs, struct queue *q)
{
	if (--q->refs == 0)
		queue_free(fs, q);
}

/*
 * A queue gone (unlinked, or its name reused) stays in the table until it
 * is freed, for its id; it is skipped here, as a new lookup must not find
 * it.  Its inode number may already be a new queue's: that one follows.
 */
struct queue *queue_find_ino(struct ipcfs *fs, ino_t ino)
{
	struct htab_node *n = htab_find(&mq_of(fs)->by_ino, (uint64_t)ino);

	for (; n; n = htab_next(n)) {
		struct queue *q = htab_entry(n, struct queue, by_ino);

		if (!q->gone)
			return q;
	}
	return NULL;
}

/* Ids wrap after 2^31 queues: the oldest object with @id, as ever. */
struct queue *queue_find_id(struct ipcfs *fs, int id)
{
	struct htab_node *n =
		htab_find(&mq_of(fs)->by_id, (uint64_t)(unsigned int)id);

	return n ? htab_entry(n, struct queue, by_id) : NULL;
}

/* FNV-1a, 64 bits: names that differ in one byte differ everywhere. */
static uint64_t name_key(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 0x100000001b3ULL;
	return h;
}

/* From @n on, the first object not gone named @name (keys may collide). */
static struct queue *named_from(struct htab_node *n, const char *name)
{
	for (; n; n = htab_next(n)) {
		struct queue *q = htab_entry(n, struct queue, by_name);

		if (strcmp(q->name, name) == 0)
			return q;
	}
	return NULL;
}

struct queue *queue_find_name(struct ipcfs *fs, const char *name)
{
	return named_from(htab_find(&mq_of(fs)->by_name, name_key(name)), name);
}

struct queue *queue_next_name(struct queue *q)
{
	return named_from(htab_next(&q->by_name), q->name);
}

/* Only objects not gone are in by_name: gone is never undone. */
void queue_set_gone(struct ipcfs *fs, struct queue *q)
{
	if (q->gone)
		return;
	q->gone = true;
	htab_remove(&mq_of(fs)->by_name, &q->by_name);
}

/* Opens queue @name as the server: read-write if we may, else less. */
static mqd_t open_queue(const char *name)
{
	static const int modes[] = { O_RDWR, O_RDONLY, O_WRONLY };
	char path[ROUTE_NAME_MAX + 2];
	mqd_t mqd = (mqd_t)-1;

	snprintf(path, sizeof(path), "/%s", name);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		mqd = mq_open(path, modes[i] | O_NONBLOCK);
		if (mqd != (mqd_t)-1 || errno != EACCES)
			break;
	}
	return mqd;
}

static int queue_new(struct ipcfs *fs, const char *name, mqd_t mqd,
		     const struct stat *st, const struct mq_attr *attr,
		     struct queue **out)
{
	struct mq_family *mf = mq_of(fs);
	struct queue *q = calloc(1, sizeof(*q) + strlen(name) + 1);

	if (!q)
		return -ENOMEM;
	strcpy(q->name, name);
	q->refs = 1;
	q->id = mq_of(fs)->next_id++;
	if (mq_of(fs)->next_id <= 0)
		mq_of(fs)->next_id = 1;
	q->ino = st->st_ino;
	q->mqd = mqd;
	q->maxmsg = attr->mq_maxmsg;
	q->msgsize = attr->mq_msgsize;
	list_init(&q->readers);
	list_init(&q->senders);
	list_init(&q->returns);
	list_init(&q->pollers_in);
	list_init(&q->pollers_out);
	if (htab_insert(&mf->by_ino, &q->by_ino, (uint64_t)q->ino)) {
		free(q);
		return -ENOMEM;
	}
	if (htab_insert(&mf->by_id, &q->by_id, (uint64_t)(unsigned int)q->id)) {
		htab_remove(&mf->by_ino, &q->by_ino);
		free(q);
		return -ENOMEM;
	}
	if (htab_insert(&mf->by_name, &q->by_name, name_key(name))) {
		htab_remove(&mf->by_id, &q->by_id);
		htab_remove(&mf->by_ino, &q->by_ino);
		free(q);
		return -ENOMEM;
	}
	list_add_tail(&q->link, &mf->queues);
	*out = q;
	return 0;
}

int queue_get_or_open(struct ipcfs *fs, const char *name, ino_t ino, mqd_t mqd,
		      struct queue **out)
{
	struct queue *q = ino ? queue_find_ino(fs, ino) : NULL;
	struct mq_attr attr;
	struct stat st;
	int err;

	if (q && mqd == (mqd_t)-1) {
		queue_get(q);
		*out = q;
		return 0;
	}
	if (mqd == (mqd_t)-1)
		mqd = open_queue(name);
	if (mqd == (mqd_t)-1)
		return -errno;
	if (fstat(mqd, &st) || mq_getattr(mqd, &attr)) {
		err = -errno;
		goto out_close;
	}
	q = queue_find_ino(fs, st.st_ino);
	if (q) {
		/*
		 * The name was made again between our stat and open, and we
		 * already had that queue: keep the one descriptor.  Closing
		 * this one drops our registration, so take it again.
		 */
		close(mqd);
		q->notify_held = false;
		queue_get(q);
		mq_of(fs)->serve(fs, q);
		*out = q;
		return 0;
	}
	err = queue_new(fs, name, mqd, &st, &attr, out);
	if (err)
		goto out_close;
	return 0;

out_close:
	close(mqd);
	return err;
}

long queue_curmsgs(struct queue *q)
{
	struct mq_attr attr;

	if (q->mqd == (mqd_t)-1 || mq_getattr(q->mqd, &attr))
		return 0;
	return attr.mq_curmsgs;
}

/* The process holding the queue's mq_notify registration, or 0. */
static long notify_owner(struct queue *q)
{
	unsigned long long qsize;
	char text[160];
	long pid;
	ssize_t n = pread(q->mqd, text, sizeof(text) - 1, 0);

	if (n <= 0)
		return 0;
	text[n] = '\0';
	return mq_parse_status(text, &qsize, &pid) ? 0 : pid;
}

/* ---- wake-ups ---- */

/* The traffic's serve (mqio.c), called up through the family. */
static void queue_ready(struct ipcfs *fs, struct watch *w, uint32_t events)
{
	(void)events;
	mq_of(fs)->serve(fs, container_of(w, struct queue, watch));
}

static void set_events(struct ipcfs *fs, struct queue *q, uint32_t events)
{
	int err = 0;

	if (events == q->events)
		return;
	if (!events)
		loop_remove(fs, &q->watch);
	else if (!q->watch.active)
		err = loop_add(fs, &q->watch, q->mqd, events, queue_ready);
	else
		err = loop_modify(fs, &q->watch, events);
	if (err) {
		log_warn("mq/%s: cannot wait for the queue: %s", q->name,
			 strerror(-err));
		events = 0;
	}
	q->events = events;
}

/*
 * Holds the mq_notify registration while anything waits for a message
 * and gives it up when nothing does, so other programs can register; polls
 * the descriptor when another program holds it, or for room.  Returns
 * true when a registration was just made: a message that came before it
 * gave no notification, so the caller must look again.
 */
bool queue_arm(struct ipcfs *fs, struct queue *q)
{
	bool want_in = !list_empty(&q->readers) || !list_empty(&q->pollers_in);
	bool want_out = !list_empty(&q->senders) || !list_empty(&q->returns) ||
			!list_empty(&q->pollers_out);
	bool newly = false;
	uint32_t events = 0;

	if (q->mqd == (mqd_t)-1)
		return false;
	if (want_in && !q->notify_held) {
		struct sigevent sev;

		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = SIGEV_SIGNAL;
		sev.sigev_signo = SIGRTMIN + MQ_NOTIFY_SIGNAL_OFFSET;
		sev.sigev_value.sival_int = q->id;
		if (mq_notify(q->mqd, &sev) == 0 ||
		    (errno == EBUSY && notify_owner(q) == getpid()))
			q->notify_held = newly = true;
	} else if (!want_in && q->notify_held) {
		mq_notify(q->mqd, NULL);
		q->notify_held = false;
	}
	if (want_in && !q->notify_held)
		events |= EPOLLIN; /* another program holds the registration */
	if (want_out)
		events |= EPOLLOUT;
	set_events(fs, q, events);
	return newly;
}
