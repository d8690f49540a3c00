/*
 * Unit test of the notifier's ring (src/core/notify.c), without a mount
 * and without libfuse: the two sends the notifier thread makes are
 * defined here, record each notice, and can hold the thread inside a
 * send so that the test fills the ring behind it.  Covers fill, repeats
 * coalesced, overflow dropped and counted, delivery order, drain, wrap
 * around, and a stop dropping what is queued.  The test's main thread
 * plays the loop; the notifier thread runs the real notifier_main().
 */
#define _GNU_SOURCE
#define FUSE_USE_VERSION 34
#include "../tap.h"
#include "notify.h"

#include <errno.h>
#include <fuse_lowlevel.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#define SENT_MAX (2 * NOTIFY_QUEUE_MAX + 64)
/* How long a state may take to come on a busy machine. */
#define WAIT_SECONDS 60

/* What the fake sends saw, and the gate that holds the notifier thread. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct notice sent[SENT_MAX];
	size_t nsent;
	bool hold; /* the next send waits until hold is cleared */
	bool holding; /* a send is waiting at the gate */
} fake = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

static int fake_send(const struct notice *n)
{
	pthread_mutex_lock(&fake.lock);
	if (fake.nsent < SENT_MAX)
		fake.sent[fake.nsent] = *n;
	fake.nsent++;
	while (fake.hold) {
		fake.holding = true;
		pthread_cond_broadcast(&fake.cond);
		pthread_cond_wait(&fake.cond, &fake.lock);
	}
	fake.holding = false;
	pthread_cond_broadcast(&fake.cond);
	pthread_mutex_unlock(&fake.lock);
	return 0;
}

int fuse_lowlevel_notify_inval_entry(struct fuse_session *se, fuse_ino_t parent,
				     const char *name, size_t namelen)
{
	struct notice n = { .parent = parent, .is_entry = true };

	(void)se;
	if (namelen > NOTIFY_NAME_MAX || strlen(name) != namelen)
		return -EINVAL;
	memcpy(n.name, name, namelen);
	return fake_send(&n);
}

int fuse_lowlevel_notify_inval_inode(struct fuse_session *se, fuse_ino_t ino,
				     off_t off, off_t len)
{
	struct notice n = { .ino = ino };

	(void)se;
	if (off || len)
		return -EINVAL; /* the notifier drops the whole inode */
	return fake_send(&n);
}

/* Waits (WAIT_SECONDS at most) until @cond holds; true if it did. */
static bool wait_fake(bool (*cond)(size_t arg), size_t arg)
{
	struct timespec until;
	bool met;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WAIT_SECONDS;
	pthread_mutex_lock(&fake.lock);
	while (!(met = cond(arg)))
		if (pthread_cond_timedwait(&fake.cond, &fake.lock, &until))
			break;
	met = cond(arg);
	pthread_mutex_unlock(&fake.lock);
	return met;
}

static bool is_holding(size_t arg)
{
	(void)arg;
	return fake.holding;
}

static bool sent_at_least(size_t n)
{
	return fake.nsent >= n;
}

static void set_hold(bool hold)
{
	pthread_mutex_lock(&fake.lock);
	fake.hold = hold;
	pthread_cond_broadcast(&fake.cond);
	pthread_mutex_unlock(&fake.lock);
}

static size_t sent_count(void)
{
	size_t n;

	pthread_mutex_lock(&fake.lock);
	n = fake.nsent;
	pthread_mutex_unlock(&fake.lock);
	return n;
}

static size_t queued(struct notifier *nt)
{
	size_t n;

	pthread_mutex_lock(&nt->lock);
	n = nt->count;
	pthread_mutex_unlock(&nt->lock);
	return n;
}

/* Notice @i of the fill: entries and inodes alternate. */
static void queue_nth(struct notifier *nt, size_t i)
{
	char name[32];

	if (i % 2) {
		notify_inode(nt, 1000 + i);
	} else {
		snprintf(name, sizeof(name), "e%zu", i);
		notify_entry(nt, 7, name);
	}
}

static bool is_nth(const struct notice *n, size_t i)
{
	char name[32];

	if (i % 2)
		return !n->is_entry && n->ino == 1000 + i;
	snprintf(name, sizeof(name), "e%zu", i);
	return n->is_entry && n->parent == 7 && strcmp(n->name, name) == 0;
}

/* The thread is held inside the send of one first notice: the ring is empty. */
static bool hold_the_thread(struct notifier *nt, uint64_t ino)
{
	set_hold(true);
	notify_inode(nt, ino);
	return wait_fake(is_holding, 0) && queued(nt) == 0;
}

static void fill_overflow_order_drain(struct notifier *nt)
{
	size_t base, bad = 0;

	ok(hold_the_thread(nt, 1), "the thread is held in its first send");
	base = sent_count();
	queue_nth(nt, 0);
	queue_nth(nt, 0);
	queue_nth(nt, 1);
	queue_nth(nt, 1);
	is_int((long long)queued(nt), 2,
	       "repeats of a queued entry and inode notice coalesce");
	for (size_t i = 2; i < NOTIFY_QUEUE_MAX; i++)
		queue_nth(nt, i);
	is_int((long long)queued(nt), NOTIFY_QUEUE_MAX,
	       "the ring holds NOTIFY_QUEUE_MAX notices");
	is_int((long long)nt->dropped, 0, "none dropped while it fits");
	queue_nth(nt, 0);
	queue_nth(nt, NOTIFY_QUEUE_MAX - 1);
	is_int((long long)queued(nt), NOTIFY_QUEUE_MAX,
	       "a notice already queued is not queued again");
	is_int((long long)nt->dropped, 0, "and is no drop");
	notify_entry(nt, 7, "one too many");
	notify_inode(nt, 999999);
	is_int((long long)queued(nt), NOTIFY_QUEUE_MAX,
	       "a full ring takes no more");
	is_int((long long)nt->dropped, 2, "the two that did not fit count");

	set_hold(false);
	ok(wait_fake(sent_at_least, base + NOTIFY_QUEUE_MAX),
	   "released, the thread sends all that was queued");
	for (size_t i = 0; i < NOTIFY_QUEUE_MAX; i++)
		bad += !is_nth(&fake.sent[base + i], i);
	is_int((long long)bad, 0, "in the order queued, each once");
	is_int((long long)queued(nt), 0, "the ring is drained");
	/* nothing more comes: a notice sent later than this one shows it */
	notify_inode(nt, 424242);
	ok(wait_fake(sent_at_least, base + NOTIFY_QUEUE_MAX + 1),
	   "the next notice is sent");
	ok(sent_count() == base + NOTIFY_QUEUE_MAX + 1 &&
		   !fake.sent[base + NOTIFY_QUEUE_MAX].is_entry &&
		   fake.sent[base + NOTIFY_QUEUE_MAX].ino == 424242,
	   "and it is the only one after them: the dropped ones never came");
}

static void wraps_around(struct notifier *nt)
{
	size_t base, half = NOTIFY_QUEUE_MAX / 2 + 3, bad = 0;

	/* head is now mid-ring (after 1 + MAX + 1 notices) */
	ok(hold_the_thread(nt, 2), "held again");
	base = sent_count();
	for (size_t i = 0; i < NOTIFY_QUEUE_MAX; i++)
		queue_nth(nt, i + half);
	is_int((long long)queued(nt), NOTIFY_QUEUE_MAX,
	       "full again, past the ring's end");
	set_hold(false);
	ok(wait_fake(sent_at_least, base + NOTIFY_QUEUE_MAX),
	   "all sent across the wrap");
	for (size_t i = 0; i < NOTIFY_QUEUE_MAX; i++)
		bad += !is_nth(&fake.sent[base + i], i + half);
	is_int((long long)bad, 0, "in order across the wrap");
	is_int((long long)nt->dropped, 2, "no new drop");
}

static void stop_drops_the_queue(struct notifier *nt)
{
	struct pollfd p;
	size_t sent;
	int fd;

	ok(hold_the_thread(nt, 3), "held before the stop");
	for (size_t i = 0; i < 10; i++)
		queue_nth(nt, i);
	sent = sent_count();
	fd = notifier_stop_begin(nt);
	ok(fd >= 0, "stop_begin gives the done fd");
	is_int((long long)queued(nt), 0, "the stop drops what is queued");
	ok(!notifier_done(nt), "not done while the thread is in a send");
	set_hold(false);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	is_int(poll(&p, 1, WAIT_SECONDS * 1000), 1,
	       "the done fd becomes readable");
	ok(notifier_done(nt), "done");
	is_int((long long)sent_count(), (long long)sent,
	       "nothing queued before the stop was sent");
	notifier_stop_finish(nt);
	ok(!nt->running && !nt->ring, "stop_finish joins and frees");
	notify_inode(nt, 5);
	is_int((long long)sent_count(), (long long)sent,
	       "a stopped notifier queues nothing");
}

int main(void)
{
	struct notifier nt;

	is_int(notifier_start(&nt, NULL), 0, "the notifier starts");
	fill_overflow_order_drain(&nt);
	wraps_around(&nt);
	stop_drops_the_queue(&nt);
	return done_testing();
}
