/*
 * Unit test of parking and interrupts (src/core/loop.c), linked without
 * libfuse and without a mount: the libfuse calls the loop makes are
 * defined here.  A request is a struct fuse_req of the test's own (the
 * type is opaque to the server) that records its replies and the
 * interrupt callback armed on it; the session is a pipe whose bytes are
 * "requests", each processed by a scripted step.  So the real loop_run()
 * reads requests, the script delivers libfuse's interrupt callback in
 * the middle of one, and the test sees when the loop answers EINTR.
 * Also covers park_read, unpark, unpark_all and loop_add_signal.  The
 * test's one thread is the loop thread.
 */
#define _GNU_SOURCE
#define FUSE_USE_VERSION 34
#include "../tap.h"
#include "ipcfs.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

/* What the server sees as fuse_req_t: here, a record of its replies. */
struct fuse_req {
	int replies;
	int err; /* of the last reply */
	fuse_interrupt_func_t on_interrupt;
	void *data;
	int armed; /* calls of fuse_req_interrupt_func */
};

/* The FUSE channel: a pipe, one byte per request. */
struct fuse_session {
	int rfd, wfd;
	bool exited;
	int exits; /* calls of fuse_session_exit */
	int processed; /* requests processed */
	void (*step)(struct fuse_session *se, int nth); /* per request */
};

/* What the unlink callbacks saw, and the state the script checks. */
static struct {
	struct parked *unlinked[16];
	int nunlinked;
	struct ipcfs *fs;
	struct fuse_req *victim; /* the request the script interrupts */
	int victim_replies_inside; /* its replies inside the callback */
	int victim_replies_next; /* its replies when the next one came */
	size_t interrupted_inside; /* fs->interrupted's length then */
	int signals_seen;
	int last_signo;
} fake;

int fuse_reply_err(fuse_req_t req, int err)
{
	req->replies++;
	req->err = err;
	return 0;
}

void fuse_req_interrupt_func(fuse_req_t req, fuse_interrupt_func_t func,
			     void *data)
{
	req->on_interrupt = func;
	req->data = data;
	req->armed++;
}

int fuse_session_fd(struct fuse_session *se)
{
	return se->rfd;
}

int fuse_session_exited(struct fuse_session *se)
{
	return se->exited;
}

void fuse_session_exit(struct fuse_session *se)
{
	se->exits++;
	se->exited = true;
}

/* One byte is one request; an empty pipe ends the run. */
int fuse_session_receive_buf(struct fuse_session *se, struct fuse_buf *buf)
{
	char c;

	(void)buf;
	if (read(se->rfd, &c, 1) == 1)
		return 1;
	se->exited = true; /* the test's run is over: loop_run returns */
	return -EAGAIN;
}

void fuse_session_process_buf(struct fuse_session *se,
			      const struct fuse_buf *buf)
{
	(void)buf;
	if (se->step)
		se->step(se, se->processed);
	se->processed++;
}

/*
 * Walks stop after LIST_WALK_MAX steps: a corrupt list (an element added
 * twice links to itself) fails the test instead of hanging it.
 */
#define LIST_WALK_MAX 64

static size_t list_length(const struct list_head *h)
{
	const struct list_head *pos = h->next;
	size_t n = 0;

	for (; pos != h && n < LIST_WALK_MAX; pos = pos->next)
		n++;
	return n;
}

static bool on_list(const struct list_head *e, const struct list_head *h)
{
	const struct list_head *pos = h->next;

	for (size_t n = 0; pos != h && n < LIST_WALK_MAX; pos = pos->next, n++)
		if (pos == e)
			return true;
	return false;
}

static void record_unlink(struct ipcfs *fs, struct parked *p)
{
	if (fs == fake.fs && fake.nunlinked < 16)
		fake.unlinked[fake.nunlinked] = p;
	fake.nunlinked++;
}

static int unlinks_of(const struct parked *p)
{
	int n = 0;

	for (int i = 0; i < fake.nunlinked && i < 16; i++)
		n += fake.unlinked[i] == p;
	return n;
}

static void setup(struct ipcfs *fs)
{
	memset(fs, 0, sizeof(*fs));
	memset(&fake, 0, sizeof(fake));
	fake.fs = fs;
	fs->epfd = fs->sigfd = -1;
	list_init(&fs->interrupted);
	list_init(&fs->parked);
	list_init(&fs->handles);
}

/* The waiter parked last (park_read adds at the end). */
static struct parked *last_waiter(struct list_head *waiters)
{
	return list_entry(waiters->prev, struct parked, link);
}

static void nonblocking_read_is_eagain(struct ipcfs *fs)
{
	struct fuse_req req = { 0 };
	struct handle h = { .flags = O_RDONLY | O_NONBLOCK };
	struct list_head waiters;

	setup(fs);
	list_init(&waiters);
	ok(!park_read(fs, &req, &h, 100, 0, &waiters, record_unlink),
	   "nonblock: park_read does not park");
	ok(req.replies == 1 && req.err == EAGAIN,
	   "nonblock: answered EAGAIN, once");
	ok(list_empty(&waiters) && list_empty(&fs->parked),
	   "nonblock: on no list");
	is_int(req.armed, 0, "nonblock: no interrupt armed");
}

static void blocking_read_parks(struct ipcfs *fs)
{
	struct fuse_req req = { 0 };
	struct handle h = { .flags = O_RDWR };
	struct list_head waiters, before;
	struct parked *p;

	setup(fs);
	list_init(&waiters);
	list_add_tail(&before, &waiters); /* a waiter already there */
	ok(park_read(fs, &req, &h, 4096, 77, &waiters, record_unlink),
	   "park: park_read parks");
	is_int(req.replies, 0, "park: not answered");
	is_int(list_length(&waiters), 2, "park: on the waiters");
	p = last_waiter(&waiters);
	ok(waiters.next == &before, "park: at the end of the list");
	ok(p->h == &h && p->size == 4096 && p->off == 77 &&
		   p->unlink == record_unlink && p->req == &req && p->fs == fs,
	   "park: size, offset, handle, unlink, request and fs stored");
	ok(on_list(&p->all_link, &fs->parked) && list_length(&fs->parked) == 1,
	   "park: on fs->parked");
	ok(list_unlinked(&p->cancel_link) && list_empty(&fs->interrupted),
	   "park: not interrupted");
	ok(req.armed == 1 && req.on_interrupt && req.data == p,
	   "park: the interrupt callback armed with the parked request");

	unpark(p);
	ok(list_length(&waiters) == 1 && waiters.next == &before,
	   "unpark: off the waiters, the other one stays");
	ok(list_empty(&fs->parked) && list_unlinked(&p->link) &&
		   list_unlinked(&p->all_link),
	   "unpark: off fs->parked");
	is_int(req.replies, 0, "unpark: it answers nothing itself");
	is_int(fake.nunlinked, 0, "unpark: it calls no unlink");
	free(p);
}

/* Parks a blocking read of @req on @waiters. */
static struct parked *park_one(struct ipcfs *fs, struct fuse_req *req,
			       struct handle *h, struct list_head *waiters)
{
	if (!park_read(fs, req, h, 10, 0, waiters, record_unlink))
		return NULL;
	return last_waiter(waiters);
}

static void interrupt_marks_once(struct ipcfs *fs)
{
	struct fuse_req a = { 0 }, b = { 0 };
	struct handle h = { .flags = O_RDONLY };
	struct list_head waiters;
	struct parked *pa, *pb;

	setup(fs);
	list_init(&waiters);
	pa = park_one(fs, &a, &h, &waiters);
	pb = park_one(fs, &b, &h, &waiters);
	if (!ok(pa && pb && a.on_interrupt, "interrupt: two requests parked"))
		return;
	a.on_interrupt(&a, a.data);
	ok(on_list(&pa->cancel_link, &fs->interrupted),
	   "interrupt: the request is marked");
	a.on_interrupt(&a, a.data);
	is_int(list_length(&fs->interrupted), 1,
	       "interrupt: twice, it is marked once");
	ok(a.replies == 0 && fake.nunlinked == 0,
	   "interrupt: the callback answers nothing and unlinks nothing");
	ok(on_list(&pa->link, &waiters) && on_list(&pa->all_link, &fs->parked),
	   "interrupt: it stays parked until the loop answers");

	/* answered by its family before the loop got to it: no EINTR then */
	unpark(pa);
	free(pa);
	ok(list_empty(&fs->interrupted),
	   "interrupt: unpark takes it off fs->interrupted too");
	unpark_all(fs, ENOTCONN);
	ok(a.replies == 0 && b.replies == 1 && b.err == ENOTCONN,
	   "interrupt: the unparked one is never answered by the loop");
}

/*
 * The script of loop_runs_interrupt: request 0 brings the interrupt (as
 * libfuse's INTERRUPT does, through the callback), request 1 looks
 * whether the victim was answered in between.
 */
static void interrupt_step(struct fuse_session *se, int nth)
{
	struct fuse_req *v = fake.victim;

	(void)se;
	if (nth == 0) {
		v->on_interrupt(v, v->data);
		v->on_interrupt(v, v->data);
		fake.victim_replies_inside = v->replies;
		fake.interrupted_inside = list_length(&fake.fs->interrupted);
	} else if (nth == 1) {
		fake.victim_replies_next = v->replies;
	}
}

static int session_open(struct fuse_session *se)
{
	int p[2];

	memset(se, 0, sizeof(*se));
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	se->rfd = p[0];
	se->wfd = p[1];
	return 0;
}

static void session_close(struct fuse_session *se)
{
	close(se->rfd);
	close(se->wfd);
}

/* Queues @n requests on the channel; true if all were written. */
static bool send_requests(struct fuse_session *se, int n)
{
	for (int i = 0; i < n; i++)
		if (write(se->wfd, "r", 1) != 1)
			return false;
	return true;
}

static void loop_answers_interrupted(struct ipcfs *fs)
{
	struct fuse_session se;
	struct fuse_req a = { 0 }, b = { 0 };
	struct handle h = { .flags = O_RDONLY };
	struct list_head waiters;
	struct parked *pa, *pb;

	setup(fs);
	list_init(&waiters);
	if (session_open(&se)) {
		ok(0, "loop: a pipe for the channel");
		return;
	}
	fs->se = &se;
	is_int(loop_init(fs), 0, "loop: loop_init");
	pa = park_one(fs, &a, &h, &waiters);
	pb = park_one(fs, &b, &h, &waiters);
	if (!pa || !pb)
		goto out;
	fake.victim = &a;
	se.step = interrupt_step;
	ok(send_requests(&se, 2), "loop: two requests queued");
	is_int(loop_run(fs), 0, "loop: loop_run ends with the channel");
	is_int(se.processed, 2, "loop: both requests processed");
	is_int(fake.victim_replies_inside, 0,
	       "loop: not answered inside the interrupt callback");
	is_int(fake.interrupted_inside, 1,
	       "loop: marked once on fs->interrupted");
	is_int(fake.victim_replies_next, 1,
	       "loop: answered after that request, before the next one");
	ok(a.replies == 1 && a.err == EINTR, "loop: answered EINTR, once");
	is_int(unlinks_of(pa), 1, "loop: its unlink called once");
	ok(list_empty(&fs->interrupted) && list_length(&fs->parked) == 1 &&
		   list_length(&waiters) == 1,
	   "loop: it is off every list (freed: ASan would see a leak)");
	is_int(b.replies, 0, "loop: the other request stays parked");

	unpark_all(fs, ENODEV);
	ok(b.replies == 1 && b.err == ENODEV, "loop: unpark_all answers it");
	is_int(a.replies, 1, "loop: the interrupted one is not answered again");
out:
	loop_fini(fs);
	session_close(&se);
}

static void unpark_all_answers_every(struct ipcfs *fs)
{
	struct fuse_req r[5] = { 0 };
	struct handle h = { .flags = O_RDONLY };
	struct list_head w1, w2;
	struct parked *p[5] = { 0 }, *plain;
	int answered = 0, unlinked = 0;

	setup(fs);
	list_init(&w1);
	list_init(&w2);
	for (int i = 0; i < 4; i++)
		p[i] = park_one(fs, &r[i], &h, i % 2 ? &w2 : &w1);
	/* one parked by hand, without an unlink */
	plain = calloc(1, sizeof(*plain));
	if (plain) {
		list_add_tail(&plain->link, &w1);
		park(fs, plain, &r[4]);
	}
	is_int(list_length(&fs->parked), 5, "unpark_all: five parked");
	if (p[0] && r[0].on_interrupt)
		r[0].on_interrupt(&r[0], r[0].data); /* one interrupted too */
	unpark_all(fs, ESHUTDOWN);
	for (int i = 0; i < 5; i++)
		answered += r[i].replies == 1 && r[i].err == ESHUTDOWN;
	for (int i = 0; i < 4; i++)
		unlinked += p[i] && unlinks_of(p[i]) == 1;
	is_int(answered, 5, "unpark_all: each answered with the errno, once");
	is_int(unlinked, 4, "unpark_all: each unlink called once");
	is_int(fake.nunlinked, 4, "unpark_all: none without an unlink");
	ok(list_empty(&fs->parked) && list_empty(&fs->interrupted) &&
		   list_empty(&w1) && list_empty(&w2),
	   "unpark_all: every list is empty");
	unpark_all(fs, EIO);
	answered = 0;
	for (int i = 0; i < 5; i++)
		answered += r[i].replies;
	is_int(answered, 5, "unpark_all: a second call answers nothing");
}

static void on_sig(struct ipcfs *fs, const struct signalfd_siginfo *si)
{
	(void)fs;
	fake.signals_seen++;
	fake.last_signo = (int)si->ssi_signo;
	fs->se->exited = true;
}

static void on_other(struct ipcfs *fs, const struct signalfd_siginfo *si)
{
	(void)fs;
	(void)si;
}

static void add_signal_checks(struct ipcfs *fs)
{
	int bad = 0;

	setup(fs);
	is_int(loop_add_signal(fs, 0, on_sig), -EINVAL, "signal: 0 refused");
	is_int(loop_add_signal(fs, -1, on_sig), -EINVAL,
	       "signal: negative refused");
	is_int(loop_add_signal(fs, SIGRTMAX + 1, on_sig), -EINVAL,
	       "signal: past SIGRTMAX refused");
	is_int(loop_add_signal(fs, SIGTERM, on_sig), -EINVAL,
	       "signal: SIGTERM is the loop's own");
	is_int(loop_add_signal(fs, SIGINT, on_sig), -EINVAL,
	       "signal: SIGINT is the loop's own");
	is_int(loop_add_signal(fs, SIGHUP, on_sig), -EINVAL,
	       "signal: SIGHUP is the loop's own");
	is_int(fs->nsignals, 0, "signal: none refused is registered");
	for (int i = 0; i < LOOP_SIGNALS_MAX; i++)
		bad += loop_add_signal(fs, SIGRTMIN + i,
				       i ? on_other : on_sig) != 0;
	is_int(bad, 0, "signal: %d signals registered", LOOP_SIGNALS_MAX);
	is_int(loop_add_signal(fs, SIGUSR1, on_sig), -ENOSPC,
	       "signal: one more is ENOSPC");
	is_int(fs->nsignals, LOOP_SIGNALS_MAX, "signal: %d kept",
	       LOOP_SIGNALS_MAX);
	bad = 0;
	for (int i = 0; i < LOOP_SIGNALS_MAX; i++)
		bad += fs->signals[i].signo != SIGRTMIN + i ||
		       fs->signals[i].on != (i ? on_other : on_sig);
	is_int(bad, 0, "signal: in fs->signals in the order registered");
}

/* A registered signal reaches its callback through the loop's signalfd. */
static void signal_reaches_callback(struct ipcfs *fs)
{
	struct fuse_session se;
	sigset_t stop;

	setup(fs);
	if (session_open(&se)) {
		ok(0, "signal: a pipe for the channel");
		return;
	}
	fs->se = &se;
	/* main() blocks the stop signals before the loop exists; so here */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	is_int(loop_add_signal(fs, SIGUSR2, on_sig), 0,
	       "signal: SIGUSR2 registered");
	is_int(loop_init(fs), 0, "signal: loop_init");
	raise(SIGUSR2);
	is_int(loop_run(fs), 0, "signal: loop_run returns");
	ok(fake.signals_seen == 1 && fake.last_signo == SIGUSR2,
	   "signal: its callback ran once, with its siginfo");
	is_int(se.exits, 0, "signal: a family's signal does not stop");
	se.exited = false;
	raise(SIGTERM);
	is_int(loop_run(fs), 0, "signal: SIGTERM stops the loop");
	is_int(se.exits, 1, "signal: through fuse_session_exit");
	is_int(fake.signals_seen, 1, "signal: not given to the family");
	loop_fini(fs);
	session_close(&se);
}

int main(void)
{
	struct ipcfs *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return 1;
	nonblocking_read_is_eagain(fs);
	blocking_read_parks(fs);
	interrupt_marks_once(fs);
	loop_answers_interrupted(fs);
	unpark_all_answers_every(fs);
	add_signal_checks(fs);
	signal_reaches_callback(fs);
	free(fs);
	return done_testing();
}
