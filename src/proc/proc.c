/*
 * The process family.  proc/<pid> names one process from its lookup on:
 * the lookup records the process's identity, its pid and start time, and
 * holds no file descriptor, so listing and looking up processes costs the
 * server none.  A pin (pidpin.c: a pidfd) is taken when a file under
 * proc/<pid>, or the directory itself, is opened, checked against the
 * recorded start time, and dropped when the last open goes: every open
 * file acts on the process looked up or fails with ESRCH, even if the pid
 * number is reused.  While pinned, the pidfd sits in the loop's epoll set
 * (without pidfds, a 50 ms timer polls the processes that someone waits
 * for); when the process ends, parked `wait` reads are answered, pollers
 * are told, and the kernel is asked to forget the name so the next lookup
 * sees the zombie (timeouts 0) or nothing.  Signals go out after kill(2)'s
 * permission rule was checked for the opener.  Runs on the loop thread
 * only.
 */
#define _GNU_SOURCE
#include "family.h"
#include "procfile.h"
#include "pidpin.h"
#include "proc.h"
#include "procstat.h"
#include "route.h"
#include "signame.h"
#include "wpiece.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Lines one signal write may hold (each at least "1\n"). */
#define SIG_LINES_MAX (SIG_WRITE_MAX / 2)

/*
 * A looked-up process: its identity (pid and start time) for as long as
 * the kernel knows the name, and a pin only while something is open.
 */
struct pidobj {
	pid_t pid;
	unsigned long long starttime; /* ticks after boot: the identity */
	bool identified; /* starttime is set (0 is a valid start time) */
	struct pidpin pin; /* fds -1 while unpinned */
	unsigned int refs; /* the node and each pin */
	unsigned int pins; /* open files and directories, and the cache */
	bool cached; /* its last open went; the pin is kept (pin cache) */
	struct list_head cache_link; /* on proc_family.cache */
	/* Unpinned: the owner and state the last probe read (pidobj_probe). */
	bool fresh; /* a probe of this request, for the getattr after it */
	bool seen_ended; /* the last probe found a zombie */
	uint64_t probed_ms; /* when that probe ran (now_ms) */
	uid_t ruid;
	gid_t rgid;
	bool exited;
	bool have_status;
	bool awaiting_reap; /* ended, exit code known only at the reap */
	int status; /* wait(2) status, or -1 when it could not be learnt */
	struct watch watch;
	struct list_head waiters; /* parked reads of `wait` */
	struct list_head pollers; /* handles holding a poll handle */
	struct list_head polled_link; /* on proc_family.polled (no pidfd) */
};

/* Room for a read-only file's text: a fate or a signal set. */
#define PID_TEXT_MAX 1024

/*
 * An open file.  Only the read-only files (wait and the snapshots) have
 * text: a signal handle is allocated without it, small enough for
 * malloc's fast path on every `echo USR1 > signal`.
 */
struct pid_handle {
	struct handle h;
	struct pidobj *p;
	struct list_head poll_link;
	bool cont_only; /* kill(2)'s same-session exception: SIGCONT only */
	bool ready; /* text holds the file's content */
	size_t len;
	char text[]; /* PID_TEXT_MAX bytes, except for signal: none */
};

struct proc_family {
	long ticks;
	time_t boot_time;
	/* Without pidfds: processes someone waits for, checked by a timer. */
	struct list_head polled;
	struct watch tick;
	int timerfd;
	int listfd; /* /proc, read by every listing of proc/; or -1 */
	struct node *dir; /* proc/ */
	char *signals_text; /* /signals: the signal table (signame.h) */
	size_t signals_len;
	off_t list_at; /* where listfd stands, -1: unknown (dir_scan) */
	/* Pins kept after their last close, most recent first (PIN_CACHE). */
	struct list_head cache;
	unsigned int ncached;
	/*
	 * While a readdirplus of proc/ runs (listing_req), its reader's view,
	 * which its lookups use rather than opening it once per entry.
	 */
	fuse_req_t listing_req;
	struct pidns_view *listing_view;
};

/*
 * Pins kept open after the last close of a process's files, so that a
 * script's `echo SIG > proc/PID/signal` in a loop pins once, not at
 * every open (pidfd_open, the start time check and two epoll_ctl calls
 * each time).  Bounded: the server's fds stay at most this many above
 * its open files.
 */
#define PIN_CACHE 8

static struct proc_family *proc_of(struct ipcfs *fs)
{
	return family_state(fs, PROC_INUM_TAG);
}

static const struct node_ops self_ops, pid_dir_ops;
static const struct fixed_name pid_files[PF_NFILES];

/* How often the end of a process is checked for without pidfds. */
#define POLL_INTERVAL_NS (50 * 1000 * 1000)

/*
 * /proc's own offsets (fs/proc/base.c, proc_pid_readdir): process tgid
 * is listed at FIRST_PROCESS_ENTRY (256) + 2 + tgid, and a listing sought
 * there starts with the first process whose tgid is at least tgid.  So
 * proc/ resumes after pid P by seeking /proc to P + 1 + PROC_TGID_POS, in
 * O(1), whatever offset a client presents.  PID_MAX_LIMIT bounds pids.
 */
#define PROC_TGID_POS 258
#define PROC_PID_MAX 4194304

/* ---- the pinned process ------------------------------------------------ */

static void fetch_status(struct pidobj *p)
{
	p->have_status = pidpin_exit_status(&p->pin, &p->status) == 0;
	if (!p->have_status)
		p->status = -1;
}

static void fill_fate(struct pid_handle *ph)
{
	struct pidobj *p = ph->p;

	if (p->status < 0)
		ph->len = (size_t)snprintf(ph->text, PID_TEXT_MAX, "unknown\n");
	else
		ph->len = (size_t)sig_format_fate(p->status, ph->text,
						  PID_TEXT_MAX);
	ph->ready = true;
}

static void pin_uncache(struct proc_family *pf, struct pidobj *p);
static void pidobj_unpin_now(struct ipcfs *fs, struct pidobj *p);

static void pidobj_ended(struct ipcfs *fs, struct pidobj *p)
{
	char name[16];

	if (p->exited)
		return;
	fetch_status(p);
	/*
	 * A zombie whose exit code we may not read (a server run by a
	 * user): its reap tells, as the pidfd hangs up then.  Wait for that
	 * (EPOLLHUP is reported whatever the events asked for).
	 */
	if (!p->have_status && p->watch.active) {
		if (pidpin_present(&p->pin) &&
		    (p->awaiting_reap || loop_modify(fs, &p->watch, 0) == 0)) {
			p->awaiting_reap = true;
			return;
		}
		/* reaped since the first look: the kernel knows now */
		fetch_status(p);
	}
	p->exited = true;
	loop_remove(fs, &p->watch);
	list_del(&p->polled_link);
	while (!list_empty(&p->waiters)) {
		struct parked *pk =
			list_first_entry(&p->waiters, struct parked, link);
		struct pid_handle *ph = (struct pid_handle *)pk->h;

		unpark(pk);
		fill_fate(ph);
		reply_text(pk->req, ph->text, ph->len, pk->size, pk->off);
		free(pk);
	}
	while (!list_empty(&p->pollers)) {
		struct pid_handle *ph = list_first_entry(
			&p->pollers, struct pid_handle, poll_link);

		list_del(&ph->poll_link);
		handle_notify_poll(&ph->h);
	}
	snprintf(name, sizeof(name), "%d", (int)p->pid);
	notify_entry(&fs->notifier, proc_of(fs)->dir->id, name);
	/* a kept pin of an ended process is of no more use (may free @p) */
	if (p->cached) {
		pin_uncache(proc_of(fs), p);
		pidobj_unpin_now(fs, p);
	}
}

static void pidobj_ready(struct ipcfs *fs, struct watch *w, uint32_t events)
{
	(void)events;
	pidobj_ended(fs, container_of(w, struct pidobj, watch));
}

/* The owner and the thread-group check from /proc/<pid>/status. */
static int probe_status(pid_t pid, uid_t *ruid, gid_t *rgid, bool *tgid_ok)
{
	struct proc_status st;
	char path[64], *text = NULL;
	const char *tgid;
	int err;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	err = procfile_read(AT_FDCWD, path, &text, NULL);
	if (err)
		return pidpin_resource_error(-err) ? err : -ENOENT;
	err = procstat_parse_status(text, &st) ? -ENOENT : 0;
	tgid = procstat_field(text, "Tgid");
	if (tgid_ok)
		*tgid_ok = tgid && atoi(tgid) == pid;
	free(text);
	*ruid = st.ruid;
	*rgid = st.rgid;
	return err;
}

/* Milliseconds of a clock that only goes forward (coarse: a vDSO read). */
static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/*
 * The process as /proc shows it now, without a pin: 0 if the pid still
 * names the process looked up (same start time), with its owner and state
 * in @p; -ENOENT once it was reaped (missing, or a new process with the
 * number).  The owner comes from PIDFD_GET_INFO, with a pidfd held for
 * the call only (a third of the cost of /proc/<pid>/status, formatted by
 * the kernel and parsed here, which is the fallback), the start time and
 * state from /proc/<pid>/stat.  The owner is trusted because the stat
 * read after it still shows the same start time: a pid is only reused
 * after a reap, so the process held the number throughout.  This is the
 * whole cost of a listed process (`ls -l proc/`), hence the lean reads.
 *
 * Why the start time identifies a process: the kernel gives a pid to a
 * new process only once the last holder was reaped, and start times are
 * in clock ticks (10 ms at USER_HZ 100).  Two processes with one pid and
 * one start time would need the first to be born, die and be reaped, and
 * the pid allocator to wrap all of pid_max (up to 4,194,304 pids, handed
 * out cyclically) within one tick: no machine forks that fast.  Only a
 * caller with CAP_SYS_ADMIN over the server's pid namespace can choose
 * the number (ns_last_pid, clone3's set_tid) and so reuse it sooner; even
 * then an open checks kill(2)'s rules against the process it pinned, so
 * a confusion grants nobody more than they could do with kill(2).
 */
static int pidobj_probe(struct pidobj *p, bool *tgid_ok)
{
	struct proc_stat ps;
	char path[64], stat_text[1024];
	uid_t ruid = 0;
	gid_t rgid = 0;
	int err;

	err = pidpin_peek_creds(p->pid, &ruid, &rgid);
	if (err == -EOPNOTSUPP)
		err = probe_status(p->pid, &ruid, &rgid, tgid_ok);
	else if (!err && tgid_ok)
		*tgid_ok = true; /* pidfd_open takes only a group leader */
	if (err)
		return err;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)p->pid);
	err = (int)procfile_read_small(AT_FDCWD, path, stat_text,
				       sizeof(stat_text));
	if (err < 0 && err != -ENODATA && pidpin_resource_error(-err))
		return err;
	if (err < 0 || procstat_parse_stat(stat_text, &ps))
		return -ENOENT;
	if (p->identified && ps.starttime != p->starttime)
		return -ENOENT;
	p->starttime = ps.starttime;
	p->identified = true;
	p->ruid = ruid;
	p->rgid = rgid;
	p->seen_ended = ps.state == 'Z' || ps.state == 'X';
	p->probed_ms = now_ms();
	return 0;
}

/* True once the process has ended (a zombie or reaped). */
static bool pidobj_exited(struct ipcfs *fs, struct pidobj *p)
{
	if (p->exited)
		return true;
	if (!p->pins)
		return pidobj_probe(p, NULL) || p->seen_ended;
	if (pidpin_ended(&p->pin))
		pidobj_ended(fs, p);
	return p->exited;
}

/*
 * The signal path's check, with no system call while the loop watches the
 * pidfd: the pidfd polls readable once the process has ended, the loop
 * then runs pidobj_ended(), which sets p->exited and stops the watch.  So
 * an active watch means no end seen yet.  A request served before the
 * loop reached that event (it arrived in the same batch) finds the
 * process as it was a moment earlier: a signal to a zombie is discarded
 * by the kernel, exactly as one sent just before the exit, and one to a
 * reaped process fails with ESRCH in pidfd_send_signal itself.  Without
 * a watch (no pidfds, or the end is already known) ask as before.
 */
static bool pidobj_signal_gone(struct ipcfs *fs, struct pidobj *p)
{
	if (p->watch.active)
		return false;
	return pidobj_exited(fs, p);
}

/* Not reaped yet (alive or a zombie). */
static bool pidobj_present(struct pidobj *p)
{
	if (!p->pins)
		return pidobj_probe(p, NULL) == 0;
	return pidpin_present(&p->pin);
}

static void pidobj_put(struct ipcfs *fs, struct pidobj *p)
{
	if (--p->refs)
		return;
	loop_remove(fs, &p->watch);
	list_del(&p->polled_link);
	pidpin_close(&p->pin);
	free(p);
}

static void on_tick(struct ipcfs *fs, struct watch *w, uint32_t events)
{
	struct proc_family *pf = proc_of(fs);
	struct list_head *pos, *n;
	uint64_t ticks;

	(void)events;
	if (read(w->fd, &ticks, sizeof(ticks)) < 0)
		return;
	list_for_each_safe (pos, n, &pf->polled) {
		struct pidobj *p =
			container_of(pos, struct pidobj, polled_link);

		if (list_empty(&p->waiters) && list_empty(&p->pollers))
			list_del(&p->polled_link);
		else
			pidobj_exited(fs, p);
	}
	if (list_empty(&pf->polled)) {
		struct itimerspec off = { 0 };

		timerfd_settime(pf->timerfd, 0, &off, NULL);
	}
}

/*
 * Someone now waits for @p's end.  With a pidfd the loop already watches
 * it; without, the process joins the timer's list.
 */
static void pidobj_watch_end(struct ipcfs *fs, struct pidobj *p)
{
	struct proc_family *pf = proc_of(fs);
	struct itimerspec every = {
		.it_interval.tv_nsec = POLL_INTERVAL_NS,
		.it_value.tv_nsec = POLL_INTERVAL_NS,
	};

	if (pidpin_event_fd(&p->pin) >= 0 || !list_unlinked(&p->polled_link))
		return;
	if (pf->timerfd < 0) {
		pf->timerfd = timerfd_create(CLOCK_MONOTONIC,
					     TFD_NONBLOCK | TFD_CLOEXEC);
		if (pf->timerfd < 0 ||
		    loop_add(fs, &pf->tick, pf->timerfd, EPOLLIN, on_tick))
			return;
	}
	if (list_empty(&pf->polled))
		timerfd_settime(pf->timerfd, 0, &every, NULL);
	list_add_tail(&p->polled_link, &pf->polled);
}

/*
 * A process looked up: its identity and owner, no fd.  Only a
 * thread-group leader has a Tgid equal to its pid (a thread's id is no
 * name here).
 */
static int pidobj_new(pid_t pid, struct pidobj **out)
{
	struct pidobj *p;
	bool leader = false;
	int err;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->pid = pid;
	p->refs = 1;
	p->pin.pid = pid;
	p->pin.pidfd = p->pin.procfd = -1;
	list_init(&p->waiters);
	list_init(&p->pollers);
	list_init(&p->polled_link);
	err = pidobj_probe(p, &leader);
	if (!err && !leader)
		err = -ENOENT;
	if (err) {
		free(p);
		return err;
	}
	p->fresh = true;
	*out = p;
	return 0;
}

/*
 * Something under proc/<pid> is opened: pin the process the name was
 * looked up for, or -ESRCH if it is gone.  The start time read after
 * pidfd_open tells whether the pidfd is of that process or of a later one
 * with the number; once the pidfd is held the number cannot change hands.
 */
static int pidobj_pin(struct ipcfs *fs, struct pidobj *p)
{
	struct proc_stat ps;
	char path[32], text[1024];
	ssize_t n;
	int err;

	if (p->cached) {
		/* the cache's pin and reference become this open's */
		pin_uncache(proc_of(fs), p);
		return 0;
	}
	if (p->pins) {
		p->pins++;
		p->refs++;
		return 0;
	}
	err = pidpin_open(&p->pin, p->pid);
	if (err)
		return pidpin_resource_error(-err) ? err : -ESRCH;
	/*
	 * With a pidfd, stat by path and no presence check after it (as
	 * pidpin_read would make): the pidfd is of the pid's holder when it
	 * was opened, and a stat read after that with the recorded start time
	 * shows the process looked up, which held the pid since before: the
	 * two are one process.
	 */
	if (p->pin.procfd >= 0) {
		n = pidpin_read(&p->pin, "stat", text, sizeof(text));
	} else {
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)p->pid);
		n = procfile_read_small(AT_FDCWD, path, text, sizeof(text));
		if (n == -ENODATA || (n < 0 && !pidpin_resource_error((int)-n)))
			n = -ESRCH;
	}
	err = n < 0 ? (int)n : 0;
	if (err || procstat_parse_stat(text, &ps) ||
	    ps.starttime != p->starttime) {
		if (!pidpin_resource_error(-err))
			err = -ESRCH;
		goto out_close;
	}
	p->pins = 1;
	p->refs++;
	/* the stat just read says whether it has ended: no poll for that */
	if (!p->exited && (ps.state == 'Z' || ps.state == 'X'))
		pidobj_ended(fs, p);
	if (!p->exited && pidpin_event_fd(&p->pin) >= 0) {
		err = loop_add(fs, &p->watch, pidpin_event_fd(&p->pin), EPOLLIN,
			       pidobj_ready);
		if (err) {
			p->pins = 0;
			p->refs--;
			goto out_close;
		}
	}
	return 0;

out_close:
	pidpin_close(&p->pin);
	if (err == -ESRCH) {
		char name[16];

		/* gone since its lookup: let the next lookup say so */
		snprintf(name, sizeof(name), "%d", (int)p->pid);
		notify_entry(&fs->notifier, proc_of(fs)->dir->id, name);
	}
	return err;
}

/* The pin itself goes: no fd is held for the process any more. */
static void pidobj_unpin_now(struct ipcfs *fs, struct pidobj *p)
{
	if (--p->pins == 0) {
		loop_remove(fs, &p->watch);
		list_del(&p->polled_link);
		pidpin_close(&p->pin);
		p->awaiting_reap = false;
	}
	pidobj_put(fs, p);
}

/* Takes @p out of the pin cache; its pin (and reference) is the caller's. */
static void pin_uncache(struct proc_family *pf, struct pidobj *p)
{
	list_del(&p->cache_link);
	p->cached = false;
	pf->ncached--;
}

/*
 * The last open under proc/<pid> went: the pin is kept in the cache
 * while the process lives (the oldest kept one goes past PIN_CACHE), or
 * dropped.
 */
static void pidobj_unpin(struct ipcfs *fs, struct pidobj *p)
{
	struct proc_family *pf = proc_of(fs);
	struct pidobj *old;

	if (p->pins > 1 || p->exited || !p->watch.active) {
		pidobj_unpin_now(fs, p);
		return;
	}
	/* the open's pin and reference become the cache's */
	p->cached = true;
	list_add(&p->cache_link, &pf->cache);
	if (++pf->ncached > PIN_CACHE) {
		old = list_entry(pf->cache.prev, struct pidobj, cache_link);
		pin_uncache(pf, old);
		pidobj_unpin_now(fs, old);
	}
}

/* Drops every kept pin (the server stops). */
static void pin_cache_drain(struct ipcfs *fs, struct proc_family *pf)
{
	while (!list_empty(&pf->cache)) {
		struct pidobj *p =
			list_entry(pf->cache.next, struct pidobj, cache_link);

		pin_uncache(pf, p);
		pidobj_unpin_now(fs, p);
	}
}

/* ---- nodes -------------------------------------------------------------- */

/*
 * A caller in another pid namespace names only the processes of its own
 * namespace and those below it (under the server's numbers): anything
 * else does not exist for it, as in its own /proc.
 */
static int caller_sees(struct ipcfs *fs, fuse_req_t req, pid_t pid)
{
	struct proc_family *pf = proc_of(fs);
	struct pidns_view v;
	int err;

	if (pf->listing_req == req)
		return pidns_view_sees(pf->listing_view, pid) ? 0 : -ENOENT;
	err = pidns_view_open(&fs->creds_env, fuse_req_ctx(req)->pid, &v);
	if (err)
		return pidpin_resource_error(-err) ? err : -ENOENT;
	err = pidns_view_sees(&v, pid) ? 0 : -ENOENT;
	pidns_view_close(&v);
	return err;
}

/* A process directory holds its pidobj; its files find it there. */
static struct pidobj *pidobj_of_file(struct node *n)
{
	return n->parent->obj;
}

static int pid_dir_lookup(struct ipcfs *fs, fuse_req_t req, struct node *dir,
			  const char *name, struct node **out)
{
	struct node *n = node_find(fs, dir, name);
	int f = fixed_find(pid_files, PF_NFILES, name);

	(void)req;
	if (f < 0)
		return f;
	if (!n)
		n = node_new(fs, dir, name, pid_files[f].ops, f, NULL);
	*out = n;
	return n ? 0 : -ENOMEM;
}

/* Seconds since the last probe of an unpinned process. */
static double probe_age(const struct pidobj *p)
{
	return (double)(now_ms() - p->probed_ms) / 1000;
}

/*
 * A lookup of a name the kernel saw less than its timeout ago (`ls -l
 * proc/` again: each readdirplus batch looks its names up) answers from
 * that probe, with what is left of the timeout: the kernel could have
 * kept the entry that long anyway, so nothing it shows gets older.  A
 * zombie is probed every time (its timeouts are 0).
 */
static int probe_unless_recent(struct pidobj *p)
{
	if (p->identified && !p->seen_ended && probe_age(p) < STABLE_TIMEOUT)
		return 0;
	return pidobj_probe(p, NULL);
}

static int proc_dir_lookup(struct ipcfs *fs, fuse_req_t req, struct node *dir,
			   const char *name, struct node **out)
{
	struct node *n = node_find(fs, dir, name);
	struct pidobj *p;
	pid_t pid;
	int err;

	if (strcmp(name, "self") == 0) {
		if (!n)
			n = node_new(fs, dir, name, &self_ops, 0, NULL);
		*out = n;
		return n ? 0 : -ENOMEM;
	}
	if (route_pid(name, &pid))
		return -ENOENT;
	err = caller_sees(fs, req, pid);
	if (err)
		return err;
	if (n) {
		p = n->obj;
		if (p->pins ? !pidobj_exited(fs, p) || pidobj_present(p) :
			      (err = probe_unless_recent(p)) == 0) {
			p->fresh = !p->pins;
			*out = n;
			return 0;
		}
		if (pidpin_resource_error(-err))
			return err;
		node_unhash(fs, n); /* reaped: the number may be reused */
	}
	err = pidobj_new(pid, &p);
	if (err)
		return err;
	n = node_new(fs, dir, name, &pid_dir_ops, 0, p);
	*out = n;
	return n ? 0 : -ENOMEM;
}

static int proc_dir_getattr(struct ipcfs *fs, struct node *n, struct stat *st)
{
	attr_init(fs, st, inum_top(n->id), S_IFDIR | 0555);
	st->st_uid = 0;
	st->st_gid = 0;
	return 0;
}

static int self_getattr(struct ipcfs *fs, struct node *n, struct stat *st)
{
	(void)n;
	attr_init(fs, st, PROC_INO(0, 1), S_IFLNK | 0777);
	st->st_uid = 0;
	st->st_gid = 0;
	return 0;
}

/*
 * A process's directory and files: its owner, its start time.  The start
 * time cannot change; the owner is fetched every time, since setuid(2)
 * changes the real uid and /proc too reports the current owner: one
 * PIDFD_GET_INFO while pinned, else the probe (status and stat, whose
 * start time tells a reaped process from one that reused the number).  A
 * lookup's own probe serves the getattr that answers it.  The 1 s attr
 * timeout already keeps getattr off the path of a repeated `echo USR1 >
 * signal`.
 */
static int pid_attr(struct ipcfs *fs, struct pidobj *p, uint64_t ino,
		    mode_t mode, struct stat *st)
{
	struct proc_family *pf = proc_of(fs);
	uid_t ruid, suid;
	gid_t rgid;
	int err;

	if (p->pins) {
		if (pidpin_creds(&p->pin, &ruid, &suid, &rgid))
			return -ENOENT;
	} else {
		err = p->fresh ? 0 : pidobj_probe(p, NULL);
		p->fresh = false;
		if (err)
			return pidpin_resource_error(-err) ? err : -ENOENT;
		ruid = p->ruid;
		rgid = p->rgid;
	}
	attr_init(fs, st, ino, mode);
	st->st_uid = ruid;
	st->st_gid = rgid;
	st->st_atime = st->st_mtime = st->st_ctime =
		pf->boot_time +
		(time_t)(p->starttime / (unsigned long long)pf->ticks);
	return 0;
}

static int pid_dir_getattr(struct ipcfs *fs, struct node *n, struct stat *st)
{
	struct pidobj *p = n->obj;

	return pid_attr(fs, p, PROC_INO(p->pid, 0), S_IFDIR | 0555, st);
}

/*
 * signal is writable by all (its row's mode): the kernel's mode check
 * cannot express kill(2)'s rules (saved uids, SIGCONT within a session),
 * so the server applies them at open.
 */
static int pid_file_getattr(struct ipcfs *fs, struct node *n, struct stat *st)
{
	struct pidobj *p = pidobj_of_file(n);

	return pid_attr(fs, p, PROC_INO(p->pid, n->sub + 1),
			pid_files[n->sub].mode, st);
}

static void self_timeouts(struct ipcfs *fs, struct node *n, double *entry,
			  double *attr)
{
	(void)fs;
	(void)n;
	*entry = *attr = 0; /* a different process each time */
}

static void pid_timeouts(struct ipcfs *fs, struct pidobj *p, double *entry,
			 double *attr)
{
	bool ended;

	/* unpinned: what the getattr answering the same request just read */
	ended = p->pins ? pidobj_exited(fs, p) : p->exited || p->seen_ended;
	*entry = *attr = STABLE_TIMEOUT;
	if (!p->pins) /* no older than its probe plus one timeout */
		*entry = *attr = probe_age(p) < STABLE_TIMEOUT ?
					 STABLE_TIMEOUT - probe_age(p) :
					 0;
	if (ended)
		*entry = *attr = 0; /* a zombie: notice the reap at once */
}

static void pid_dir_timeouts(struct ipcfs *fs, struct node *n, double *entry,
			     double *attr)
{
	pid_timeouts(fs, n->obj, entry, attr);
}

static void pid_file_timeouts(struct ipcfs *fs, struct node *n, double *entry,
			      double *attr)
{
	pid_timeouts(fs, pidobj_of_file(n), entry, attr);
}

static int self_readlink(struct ipcfs *fs, fuse_req_t req, struct node *n,
			 char *buf, size_t size)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct creds c;

	(void)fs;
	(void)n;
	/* The caller's thread id is known; its process is the tgid. */
	if (creds_of_task(ctx->pid, &c))
		return -ENOENT;
	snprintf(buf, size, "%d", (int)c.tgid);
	return 0;
}

static void pid_dir_release_obj(struct ipcfs *fs, void *obj)
{
	pidobj_put(fs, obj);
}

/* ---- directories ---------------------------------------------------------- */

/*
 * No state per open directory: the listing of proc/ reads the server's
 * one /proc fd from the offset each request gives (dir_scan).
 */
static int proc_dir_opendir(struct ipcfs *fs, fuse_req_t req,
			    struct dir_handle *dh)
{
	struct proc_family *pf = proc_of(fs);

	(void)req;
	(void)dh;
	if (pf->listfd >= 0)
		return 0;
	pf->listfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pf->listfd < 0)
		return -errno;
	pf->list_at = 0;
	return 0;
}

/* @arg: the reader's pidns_view; what it cannot see is skipped. */
static bool emit_pid(struct dirbuf *b, const struct dir_entry *e, void *arg)
{
	pid_t pid;

	if (route_pid(e->name, &pid))
		return true; /* not a process: /proc lists only those here */
	if (!pidns_view_sees(arg, pid))
		return true;
	return dirbuf_add(b, e->name, PROC_INO(pid, 0), S_IFDIR, pid + 3);
}

/* Offsets: 1 ".", 2 "..", 3 "self", then pid + 3, in /proc's pid order. */
static int readdir_procs(struct ipcfs *fs, struct dirbuf *b, off_t off,
			 struct pidns_view *v)
{
	struct proc_family *pf = proc_of(fs);

	if (!dirbuf_add_dots(b, inum_top(pf->dir->id), inum_top(INO_ROOT), off))
		return 0;
	if (off < 3 && !dirbuf_add(b, "self", PROC_INO(0, 1), S_IFLNK, 3))
		return 0;
	if (off >= PROC_PID_MAX + 3 || pf->listfd < 0)
		return 0;
	/* after pid off - 3: the first tgid from off - 2 on */
	return dir_scan(pf->listfd, &pf->list_at,
			(off < 3 ? 1 : off - 2) + PROC_TGID_POS, b, emit_pid,
			v);
}

static int proc_dir_readdir(struct ipcfs *fs, struct dir_handle *dh,
			    struct dirbuf *b, off_t off)
{
	struct pidns_view v;
	int err;

	(void)dh;
	/* only what the reader's pid namespace holds (see caller_sees) */
	err = pidns_view_open(&fs->creds_env, fuse_req_ctx(b->req)->pid, &v);
	if (err)
		return pidpin_resource_error(-err) ? err : -ENOENT;
	proc_of(fs)->listing_req = b->req;
	proc_of(fs)->listing_view = &v;
	err = readdir_procs(fs, b, off, &v);
	proc_of(fs)->listing_req = NULL;
	proc_of(fs)->listing_view = NULL;
	pidns_view_close(&v);
	return err;
}

/* An open proc/<pid>: holds its pin, dropped at releasedir. */
struct pid_dir_pin {
	struct ipcfs *fs;
	struct pidobj *p;
};

static void pid_dir_unpin(void *state)
{
	struct pid_dir_pin *dp = state;

	pidobj_unpin(dp->fs, dp->p);
	free(dp);
}

static int pid_dir_opendir(struct ipcfs *fs, fuse_req_t req,
			   struct dir_handle *dh)
{
	struct pidobj *p = dh->h.node->obj;
	struct pid_dir_pin *dp;
	int err;

	err = caller_sees(fs, req, p->pid);
	if (err)
		return err;
	dp = malloc(sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	err = pidobj_pin(fs, p);
	if (err) {
		free(dp);
		/* as readdir would say of a reaped process */
		return err == -ESRCH ? -ENOENT : err;
	}
	dp->fs = fs;
	dp->p = p;
	dh->state = dp;
	dh->free_state = pid_dir_unpin;
	return 0;
}

static int pid_dir_readdir(struct ipcfs *fs, struct dir_handle *dh,
			   struct dirbuf *b, off_t off)
{
	struct pidobj *p = dh->h.node->obj;
	int err;

	err = caller_sees(fs, b->req, p->pid);
	if (err)
		return err;
	if (pidobj_exited(fs, p) && !pidobj_present(p))
		return -ENOENT;
	if (!dirbuf_add_dots(b, PROC_INO(p->pid, 0),
			     inum_top(proc_of(fs)->dir->id), off))
		return 0;
	for (int f = 0; f < PF_NFILES; f++) {
		if (off >= f + 3)
			continue;
		if (!dirbuf_add(b, pid_files[f].name, PROC_INO(p->pid, f + 1),
				S_IFREG, f + 3))
			break;
	}
	return 0;
}

/* ---- files ----------------------------------------------------------------- */

static bool same_session(pid_t a, struct pidobj *p)
{
	struct proc_stat sa, sb;
	char text[1024];
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)a);
	if (procfile_read_small(AT_FDCWD, path, text, sizeof(text)) < 0 ||
	    procstat_parse_stat(text, &sa))
		return false;
	if (pidpin_read(&p->pin, "stat", text, sizeof(text)) ||
	    procstat_parse_stat(text, &sb))
		return false;
	return sa.session > 0 && sa.session == sb.session;
}

/* CAP_KILL in the user namespace that owns the target, as kill(2) asks. */
static bool may_kill_by_cap(const struct creds *c, struct pidobj *p)
{
	struct userns_chain ch;
	bool may;
	int fd = pidpin_userns_fd(&p->pin);

	if (fd < 0)
		return false;
	may = userns_chain_of(fd, &ch) == 0 &&
	      creds_ns_capable(&ch, c->userns, c->euid, c->cap_eff,
			       CREDS_CAP_KILL);
	close(fd);
	return may;
}

/*
 * kill(2)'s rule for the opener.  The fast path compares the request's
 * uid (the caller's fsuid, which it can only have set to one of its own
 * uids, so kill(2) after a seteuid() would allow the same) with the
 * target's real and saved uid.  Otherwise the caller's full credentials
 * are read from /proc, and its capabilities count only in the target's
 * user namespace or above it (uid 0 alone is nothing).
 */
static int signal_permission(fuse_req_t req, struct pid_handle *ph)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	uid_t ruid, suid;
	gid_t rgid;
	struct creds c;
	bool may;
	int err;

	err = pidpin_creds(&ph->p->pin, &ruid, &suid, &rgid);
	if (err)
		return err;
	if (ctx->uid == ruid || ctx->uid == suid)
		return 0;
	if (creds_of_task(ctx->pid, &c))
		return -EPERM;
	may = creds_uid_may_kill(&c, ruid, suid) || may_kill_by_cap(&c, ph->p);
	creds_release(&c);
	if (may)
		return 0;
	if (same_session(ctx->pid, ph->p)) {
		ph->cont_only = true;
		return 0;
	}
	return -EPERM;
}

/* Snapshot of state/caught/blocked/ignored/pending, taken at open. */
static int snapshot(struct pid_handle *ph, int file)
{
	struct proc_status st;
	uint64_t mask;
	char *text;
	int n;

	n = pidpin_read_all(&ph->p->pin, "status", &text);
	if (n)
		return pidpin_resource_error(-n) ? n : -ESRCH;
	n = procstat_parse_status(text, &st);
	free(text);
	if (n)
		return -ESRCH;
	switch (file) {
	case PF_STATE:
		n = snprintf(ph->text, PID_TEXT_MAX, "%s\n", st.state);
		ph->len = (size_t)n;
		ph->ready = true;
		return 0;
	case PF_CAUGHT:
		mask = st.sig_cgt;
		break;
	case PF_BLOCKED:
		mask = st.sig_blk;
		break;
	case PF_IGNORED:
		mask = st.sig_ign;
		break;
	default:
		mask = st.sig_pnd | st.shd_pnd;
		break;
	}
	n = sig_format_set(mask, ph->text, PID_TEXT_MAX);
	if (n < 0)
		return n;
	ph->len = (size_t)n;
	ph->ready = true;
	return 0;
}

static int pid_file_open(struct ipcfs *fs, fuse_req_t req, struct node *n,
			 struct fuse_file_info *fi)
{
	struct pid_handle *ph;
	int err = 0;

	if ((fi->flags & O_ACCMODE) != pid_files[n->sub].access)
		return -EACCES;
	/* the name may be in the kernel's cache from another caller */
	err = caller_sees(fs, req, pidobj_of_file(n)->pid);
	if (err)
		return err;
	ph = calloc(1, sizeof(*ph) + (n->sub == PF_SIGNAL ? 0 : PID_TEXT_MAX));
	if (!ph)
		return -ENOMEM;
	ph->h.node = n;
	ph->h.flags = fi->flags;
	ph->p = pidobj_of_file(n);
	list_init(&ph->poll_link);
	err = pidobj_pin(fs, ph->p);
	if (err) {
		free(ph);
		return err;
	}
	if (n->sub == PF_SIGNAL) {
		err = pidobj_signal_gone(fs, ph->p) ?
			      -ESRCH :
			      signal_permission(req, ph);
	} else if (n->sub != PF_WAIT) {
		err = snapshot(ph, n->sub);
	}
	if (err) {
		pidobj_unpin(fs, ph->p);
		free(ph);
		return err;
	}
	/*
	 * Live content: never from the page cache; nothing to flush.  Not
	 * nonseekable, though the files are streams in spirit: sftp-server
	 * lseeks before every read and write (sshfs), and every read here
	 * is served by its offset anyway.
	 */
	fi->direct_io = 1;
	fi->noflush = 1;
	fi->fh = (uintptr_t)ph;
	return 0;
}

static void pid_file_read(struct ipcfs *fs, fuse_req_t req, struct handle *h,
			  size_t size, off_t off)
{
	struct pid_handle *ph = (struct pid_handle *)h;

	if (ph->ready) {
		reply_text(req, ph->text, ph->len, size, off);
		return;
	}
	/* Only `wait` is not ready at open. */
	if (pidobj_exited(fs, ph->p)) {
		fill_fate(ph);
		reply_text(req, ph->text, ph->len, size, off);
		return;
	}
	if (park_read(fs, req, h, size, off, &ph->p->waiters, NULL))
		pidobj_watch_end(fs, ph->p);
}

static int send_line(struct pidobj *p, const struct sig_line *l, pid_t pid,
		     uid_t uid)
{
	siginfo_t si;

	if (!l->has_value)
		return pidpin_signal(&p->pin, l->sig, NULL);
	/* sigqueue(3) semantics: SI_QUEUE, the value, the writer as sender */
	memset(&si, 0, sizeof(si));
	si.si_signo = l->sig;
	si.si_code = SI_QUEUE;
	si.si_pid = pid;
	si.si_uid = uid;
	si.si_value.sival_int = l->value;
	return pidpin_signal(&p->pin, l->sig, &si);
}

static void pid_signal_write(struct ipcfs *fs, fuse_req_t req, struct handle *h,
			     const char *buf, size_t size, off_t off)
{
	struct pid_handle *ph = (struct pid_handle *)h;
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct sig_line lines[SIG_LINES_MAX];
	size_t count;
	int err;

	(void)off;
	/*
	 * A write is parsed whole: one the kernel may have cut into pieces
	 * (a writev of many segments, wpiece.h) is refused at its first
	 * piece, before any signal, so no later piece is ever parsed alone.
	 * If the writer cannot be seen, a request that could be a piece is
	 * refused too: signal writes that long are rare.
	 */
	switch (wpiece_of(ctx->pid, size, fs->write_pages, fs->write_bytes)) {
	case WPIECE_WHOLE:
		break;
	case WPIECE_LONG:
		err = -EMSGSIZE;
		goto out_err;
	default:
		err = -EINVAL;
		goto out_err;
	}
	err = sig_parse_write(buf, size, lines, SIG_LINES_MAX, &count);
	if (err)
		goto out_err;
	if (ph->cont_only) {
		for (size_t i = 0; i < count; i++) {
			if (lines[i].sig != SIGCONT) {
				err = -EPERM;
				goto out_err;
			}
		}
	}
	if (pidobj_signal_gone(fs, ph->p)) {
		err = -ESRCH;
		goto out_err;
	}
	for (size_t i = 0; i < count; i++) {
		err = send_line(ph->p, &lines[i], ctx->pid, ctx->uid);
		if (err)
			goto out_err;
	}
	fuse_reply_write(req, size);
	return;

out_err:
	fuse_reply_err(req, -err);
}

static void pid_file_poll(struct ipcfs *fs, fuse_req_t req, struct handle *h,
			  struct fuse_pollhandle *pollh)
{
	struct pid_handle *ph = (struct pid_handle *)h;
	unsigned int revents = 0;

	if (h->node->sub == PF_SIGNAL)
		revents = POLLOUT | POLLWRNORM;
	else if (h->node->sub != PF_WAIT || pidobj_exited(fs, ph->p))
		revents = POLLIN | POLLRDNORM;
	if (!revents && pollh) {
		handle_set_poll(h, pollh);
		if (list_unlinked(&ph->poll_link))
			list_add_tail(&ph->poll_link, &ph->p->pollers);
		pidobj_watch_end(fs, ph->p);
	} else if (pollh) {
		fuse_pollhandle_destroy(pollh);
	}
	fuse_reply_poll(req, revents);
}

static void pid_file_release(struct ipcfs *fs, struct handle *h)
{
	struct pid_handle *ph = (struct pid_handle *)h;

	list_del(&ph->poll_link);
	pidobj_unpin(fs, ph->p);
	free(ph);
}

static int pid_signal_setattr(struct ipcfs *fs, fuse_req_t req, struct node *n,
			      struct stat *attr, int to_set, struct handle *h)
{
	(void)fs;
	(void)req;
	(void)n;
	(void)h;
	/*
	 * `>` truncates before it writes; on the write-only signal file
	 * truncation to 0 means nothing and is accepted.
	 */
	if ((to_set & ~(FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME |
			FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW |
			FUSE_SET_ATTR_CTIME)) == FUSE_SET_ATTR_SIZE &&
	    attr->st_size == 0)
		return 0;
	return -EPERM;
}

/* ---- /signals ---------------------------------------------------------- */

static int signals_getattr(struct ipcfs *fs, struct node *n, struct stat *st)
{
	attr_init(fs, st, inum_top(n->id), S_IFREG | 0444);
	st->st_size = (off_t)proc_of(fs)->signals_len;
	return 0;
}

static int signals_open(struct ipcfs *fs, fuse_req_t req, struct node *n,
			struct fuse_file_info *fi)
{
	struct handle *h;

	(void)fs;
	(void)req;
	if ((fi->flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->node = n;
	fi->fh = (uintptr_t)h;
	fi->keep_cache = 1; /* the table never changes while mounted */
	fi->noflush = 1; /* read-only: a close has nothing to say */
	return 0;
}

static void signals_read(struct ipcfs *fs, fuse_req_t req, struct handle *h,
			 size_t size, off_t off)
{
	struct proc_family *pf = proc_of(fs);

	(void)h;
	reply_text(req, pf->signals_text, pf->signals_len, size, off);
}

static void signals_release(struct ipcfs *fs, struct handle *h)
{
	(void)fs;
	free(h);
}

/* ---- the tables --------------------------------------------------------- */

static const struct node_ops signals_ops = {
	.getattr = signals_getattr,
	.open = signals_open,
	.read = signals_read,
	.release = signals_release,
};

static const struct node_ops proc_dir_ops = {
	.lookup = proc_dir_lookup,
	.getattr = proc_dir_getattr,
	.opendir = proc_dir_opendir,
	.readdir = proc_dir_readdir,
};

static const struct node_ops self_ops = {
	.getattr = self_getattr,
	.timeouts = self_timeouts,
	.readlink = self_readlink,
};

static const struct node_ops pid_dir_ops = {
	.lookup = pid_dir_lookup,
	.getattr = pid_dir_getattr,
	.timeouts = pid_dir_timeouts,
	.opendir = pid_dir_opendir,
	.readdir = pid_dir_readdir,
	.release_obj = pid_dir_release_obj,
};

/* signal: the one writable file */
static const struct node_ops pid_signal_ops = {
	.getattr = pid_file_getattr,
	.timeouts = pid_file_timeouts,
	.open = pid_file_open,
	.write = pid_signal_write,
	.poll = pid_file_poll,
	.release = pid_file_release,
	.setattr = pid_signal_setattr,
};

/* wait and the snapshots (state, caught, ...): read-only */
static const struct node_ops pid_read_ops = {
	.getattr = pid_file_getattr,
	.timeouts = pid_file_timeouts,
	.open = pid_file_open,
	.read = pid_file_read,
	.poll = pid_file_poll,
	.release = pid_file_release,
};

/* The files of a process directory, in listing order. */
static const struct fixed_name pid_files[PF_NFILES] = {
	{ "signal", S_IFREG | 0222, &pid_signal_ops, PF_SIGNAL, O_WRONLY,
	  false },
	{ "wait", S_IFREG | 0444, &pid_read_ops, PF_WAIT, O_RDONLY, false },
	{ "state", S_IFREG | 0444, &pid_read_ops, PF_STATE, O_RDONLY, false },
	{ "caught", S_IFREG | 0444, &pid_read_ops, PF_CAUGHT, O_RDONLY, false },
	{ "blocked", S_IFREG | 0444, &pid_read_ops, PF_BLOCKED, O_RDONLY,
	  false },
	{ "ignored", S_IFREG | 0444, &pid_read_ops, PF_IGNORED, O_RDONLY,
	  false },
	{ "pending", S_IFREG | 0444, &pid_read_ops, PF_PENDING, O_RDONLY,
	  false },
};

/* Its entries of the root: /signals and proc/. */
static const struct fixed_name proc_top[] = {
	{ "signals", S_IFREG | 0444, &signals_ops, 0, O_RDONLY, false },
	{ "proc", S_IFDIR | 0555, &proc_dir_ops, 0, 0, false },
};

/* ---- the family ----------------------------------------------------------- */

static int proc_init(struct ipcfs *fs, void **state)
{
	struct proc_family *pf = calloc(1, sizeof(*pf));
	struct timespec now, up;

	if (!pf)
		return -ENOMEM;
	*state = pf;
	pf->timerfd = -1;
	pf->listfd = -1;
	pf->dir = node_top(fs, "proc");
	pf->signals_text = sig_table_text(&pf->signals_len);
	if (!pf->signals_text)
		return -ENOMEM;
	pf->ticks = sysconf(_SC_CLK_TCK);
	if (pf->ticks <= 0)
		pf->ticks = 100;
	/* Process start times are given in ticks since boot. */
	clock_gettime(CLOCK_REALTIME, &now);
	clock_gettime(CLOCK_BOOTTIME, &up);
	pf->boot_time = now.tv_sec - up.tv_sec;
	list_init(&pf->cache);
	list_init(&pf->polled);
	return 0;
}

static void proc_fini(struct ipcfs *fs, void *state)
{
	struct proc_family *pf = state;

	if (!pf)
		return;
	if (pf->timerfd >= 0) {
		loop_remove(fs, &pf->tick);
		close(pf->timerfd);
	}
	pin_cache_drain(fs, pf);
	if (pf->listfd >= 0)
		close(pf->listfd);
	free(pf->signals_text);
	free(pf);
}

const struct family proc_family = {
	.name = "proc",
	.inum_tag = PROC_INUM_TAG,
	.top = proc_top,
	.ntop = sizeof(proc_top) / sizeof(proc_top[0]),
	.init = proc_init,
	.fini = proc_fini,
};
