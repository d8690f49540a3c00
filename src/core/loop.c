/*
 * The event loop: one epoll set over the FUSE channel, a signalfd (the
 * server's stop signals and those the families registered) and whatever
 * the families watch (pidfds, queue descriptors, inotify).  Each
 * FUSE request is read and handled here; a request that has to wait is
 * parked on its object and answered later from here, so waiting costs no
 * thread.  Interrupts only mark a parked request: it is answered EINTR
 * after the current request is done, never from inside libfuse's
 * interrupt callback (which may run while libfuse holds the request).
 */
#define _GNU_SOURCE
#include "ipcfs.h"

#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

/* Requests handled per wake-up before other fds get a turn. */
#define FUSE_BATCH 32

static void on_interrupt(fuse_req_t req, void *data)
{
	struct parked *p = data;

	(void)req;
	if (list_unlinked(&p->cancel_link))
		list_add_tail(&p->cancel_link, &p->fs->interrupted);
}

void park(struct ipcfs *fs, struct parked *p, fuse_req_t req)
{
	p->fs = fs;
	p->req = req;
	list_init(&p->cancel_link);
	list_add_tail(&p->all_link, &fs->parked);
	fuse_req_interrupt_func(req, on_interrupt, p);
}

void unpark(struct parked *p)
{
	list_del(&p->link);
	list_del(&p->cancel_link);
	list_del(&p->all_link);
}

bool park_read(struct ipcfs *fs, fuse_req_t req, struct handle *h, size_t size,
	       off_t off, struct list_head *waiters,
	       void (*unlink)(struct ipcfs *fs, struct parked *p))
{
	struct parked *p;

	if (h->flags & O_NONBLOCK) {
		fuse_reply_err(req, EAGAIN);
		return false;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		fuse_reply_err(req, ENOMEM);
		return false;
	}
	p->h = h;
	p->size = size;
	p->off = off;
	p->unlink = unlink;
	list_add_tail(&p->link, waiters);
	park(fs, p, req);
	return true;
}

void unpark_all(struct ipcfs *fs, int err)
{
	while (!list_empty(&fs->parked)) {
		struct parked *p =
			list_first_entry(&fs->parked, struct parked, all_link);

		unpark(p);
		if (p->unlink)
			p->unlink(fs, p);
		fuse_reply_err(p->req, err);
		free(p);
	}
}

/* Answers EINTR to every request interrupted while it was parked. */
static void answer_interrupted(struct ipcfs *fs)
{
	while (!list_empty(&fs->interrupted)) {
		struct parked *p = list_first_entry(&fs->interrupted,
						    struct parked, cancel_link);

		unpark(p);
		if (p->unlink)
			p->unlink(fs, p);
		fuse_reply_err(p->req, EINTR);
		free(p);
	}
}

int loop_add(struct ipcfs *fs, struct watch *w, int fd, uint32_t events,
	     void (*ready)(struct ipcfs *, struct watch *, uint32_t))
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	w->fd = fd;
	w->ready = ready;
	if (epoll_ctl(fs->epfd, EPOLL_CTL_ADD, fd, &ev))
		return -errno;
	w->active = true;
	return 0;
}

int loop_modify(struct ipcfs *fs, struct watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (epoll_ctl(fs->epfd, EPOLL_CTL_MOD, w->fd, &ev))
		return -errno;
	return 0;
}

void loop_remove(struct ipcfs *fs, struct watch *w)
{
	if (!w->active)
		return;
	epoll_ctl(fs->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	w->active = false;
}

static void on_fuse(struct ipcfs *fs, struct watch *w, uint32_t events)
{
	(void)w;
	(void)events;
	for (int i = 0; i < FUSE_BATCH && !fuse_session_exited(fs->se); i++) {
		int res = fuse_session_receive_buf(fs->se, &fs->fbuf);

		if (res == -EINTR || res == -EAGAIN)
			break;
		if (res <= 0) {
			if (res < 0)
				fs->exit_status = 1;
			fuse_session_exit(fs->se);
			break;
		}
		fuse_session_process_buf(fs->se, &fs->fbuf);
		answer_interrupted(fs);
	}
}

int loop_add_signal(struct ipcfs *fs, int signo,
		    void (*on)(struct ipcfs *fs,
			       const struct signalfd_siginfo *si))
{
	sigset_t set;

	if (signo <= 0 || signo > SIGRTMAX || signo == SIGTERM ||
	    signo == SIGINT || signo == SIGHUP)
		return -EINVAL;
	if (fs->nsignals == LOOP_SIGNALS_MAX)
		return -ENOSPC;
	sigemptyset(&set);
	sigaddset(&set, signo);
	/* it must never interrupt a system call of ours: blocked for good */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	fs->signals[fs->nsignals++] = (struct loop_signal){ signo, on };
	return 0;
}

static void on_signal(struct ipcfs *fs, struct watch *w, uint32_t events)
{
	struct signalfd_siginfo si;

	(void)events;
	while (read(w->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int sig = (int)si.ssi_signo;

		if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) {
			fuse_session_exit(fs->se);
			continue;
		}
		for (size_t i = 0; i < fs->nsignals; i++)
			if (fs->signals[i].signo == sig)
				fs->signals[i].on(fs, &si);
	}
}

int loop_init(struct ipcfs *fs)
{
	sigset_t set;
	int fd, err;

	fs->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (fs->epfd < 0)
		return -errno;

	/*
	 * The mask was blocked in main() before any thread existed, so only
	 * this fd ever sees these signals.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	for (size_t i = 0; i < fs->nsignals; i++)
		sigaddset(&set, fs->signals[i].signo);
	fs->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fs->sigfd < 0)
		return -errno;
	err = loop_add(fs, &fs->signal_watch, fs->sigfd, EPOLLIN, on_signal);
	if (err)
		return err;

	/*
	 * Non-blocking, so that a request the kernel withdrew between
	 * epoll_wait and read (libfuse retries on ENOENT) cannot stall us.
	 */
	fd = fuse_session_fd(fs->se);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK))
		return -errno;
	return loop_add(fs, &fs->fuse_watch, fd, EPOLLIN, on_fuse);
}

void loop_fini(struct ipcfs *fs)
{
	free(fs->fbuf.mem);
	fs->fbuf.mem = NULL;
	if (fs->sigfd >= 0)
		close(fs->sigfd);
	if (fs->epfd >= 0)
		close(fs->epfd);
	fs->sigfd = fs->epfd = -1;
}

/*
 * One event per epoll_wait: a handler may free another watch, and with a
 * batch of events that watch's pointer could still be waiting in the
 * array.  epoll_wait is cheap next to a FUSE round trip.
 */
int loop_run(struct ipcfs *fs)
{
	struct epoll_event ev;

	while (!fuse_session_exited(fs->se)) {
		int n = epoll_wait(fs->epfd, &ev, 1, -1);
		struct watch *w;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			continue;
		w = ev.data.ptr;
		w->ready(fs, w, ev.events);
		answer_interrupted(fs);
	}
	return 0;
}
