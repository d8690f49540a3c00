/*
 * The traffic of POSIX message queues through the tree: writes to
 * priority files as mq_send, reads of `next` as mq_receive, and the
 * requests that must wait, parked on the queue object (no thread, no fd
 * each; mqobj.c wakes them).
 *
 * Delivery rule: a message is taken from the kernel only for a read at
 * offset 0, and counts as delivered once a reply carrying its first byte
 * (or, for an empty message, the EOF reply) was accepted by the kernel;
 * the reader's open file then keeps what it has not read yet.  A reply
 * that fails puts the message back (mq_send at its priority, or, if the
 * queue is full, the `returns` list that the next reader gets first).
 * Loop thread only.
 */
#define _GNU_SOURCE
#include "fs.h"
#include "procfile.h"
#include "procstat.h"
#include "log.h"
#include "mqfs.h"
#include "route.h"
#include "wpiece.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * Caps on what one user makes the server hold (SPEC, Security).
 *
 * Parked requests: a blocking read of `next` or a write to a full queue
 * costs a record here (a write also its bytes, up to msgsize) and a
 * thread of the caller blocked in the kernel: MQ_PARKED_USER_MAX of them
 * and MQ_PARKED_BYTES_USER_MAX of written bytes per user (10,000 parked
 * readers are a benchmark here, so the count is generous).
 *
 * Background requests: an aio read or write (io_submit, io_uring) of a
 * file opened O_DIRECT reaches us as a background request, and the
 * kernel keeps at most max_background of those in flight per mount,
 * shared with every user's RELEASE and shm readahead; a dozen parked
 * ones would stop every close on the mount.  Nothing in a request says
 * "background", but only O_DIRECT files make them and each READ and
 * WRITE carries the file's flags.  So requests of O_DIRECT files park
 * only while those of all users together hold at most half of
 * max_background and one user, or one queue, at most an eighth of it
 * (at least one); past that they are answered EAGAIN at once.  The other
 * half stays free for everything else, whoever parks.
 *
 * Deferred sends: `: > mq/q/5` on a full queue leaves an empty message
 * here until room comes: MQ_DEFERRED_MAX per queue and per user.  They
 * count from the O_TRUNC open on a queue without room (a reservation:
 * the kernel's RELEASE comes late and asynchronously, and an error can
 * only be given at the open); the open past the cap gets EAGAIN and
 * nothing is deferred.  A file opened while there was room and closed
 * when there is none still defers its message: that is bounded by the
 * caller's open files.
 */
#define MQ_PARKED_USER_MAX 16384
#define MQ_PARKED_BYTES_USER_MAX (16 << 20)
#define MQ_DEFERRED_MAX 200

/* What a parked request or deferred send counts against (see above). */
struct mq_acct {
	struct mq_user *u;
	size_t bytes; /* of a parked write */
	bool bg; /* a request of an O_DIRECT file */
	bool deferred; /* a deferred send, not a request */
};

/* An open file of a queue directory: fi->fh. */
struct mq_handle {
	struct handle h;
	struct queue *q;
	struct mq_user *u; /* the opener's entry while reserved */
	bool reserved; /* counts as a deferred send (O_TRUNC) */
	int file; /* priority, or QF_* */
	struct list_head poll_link; /* on q->pollers_in / pollers_out */
	bool wrote; /* a write or ftruncate reached us */
	bool killed; /* last closed by a task a signal killed */
	bool taken; /* next: this open's message, delivered */
	size_t len; /* its length */
	char *held; /* its bytes while not all read, or NULL */
	size_t text_len; /* maxmsg, msgsize, curmsgs: the snapshot */
	char text[24];
};

/* A parked read of next: the loop frees it (struct parked first). */
struct parked_read {
	struct parked pk;
	struct mq_acct acct;
};

/* A parked write: the loop frees it (struct parked first). */
struct parked_write {
	struct parked pk; /* pk.req is NULL for a deferred send */
	struct mq_acct acct;
	unsigned int prio;
	size_t len;
	char data[];
};

/* A taken message whose reply failed while the queue was full. */
struct returned_msg {
	struct list_head link;
	unsigned int prio;
	size_t len;
	char data[];
};

/* A message being delivered: in the scratch buffer or a returned_msg. */
struct taken_msg {
	const char *data;
	size_t len;
	unsigned int prio;
	struct returned_msg *rm;
};

/* ---- who holds what ---- */

static struct mq_user *user_get(struct mq_family *mf, uid_t uid)
{
	struct list_head *pos;
	struct mq_user *u;

	list_for_each (pos, &mf->users) {
		u = list_entry(pos, struct mq_user, link);
		if (u->uid == uid)
			return u;
	}
	u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	u->uid = uid;
	list_add(&u->link, &mf->users);
	return u;
}

/* Frees @u once it holds nothing. */
static void user_settle(struct mq_user *u)
{
	if (!u->parked && !u->deferred) {
		list_del(&u->link);
		free(u);
	}
}

static unsigned int bg_share(struct mq_family *mf, unsigned int div)
{
	unsigned int n = mf->bg_room / div;

	return n ? n : 1;
}

/* Counts a request about to park: 0, or -EAGAIN past a cap. */
static int acct_park(struct mq_family *mf, struct queue *q, uid_t uid, bool bg,
		     size_t bytes, struct mq_acct *a)
{
	struct mq_user *u = user_get(mf, uid);

	if (!u)
		return -ENOMEM;
	if (u->parked >= MQ_PARKED_USER_MAX ||
	    bytes > MQ_PARKED_BYTES_USER_MAX - u->parked_bytes ||
	    (bg && (mf->parked_bg >= bg_share(mf, 2) ||
		    u->parked_bg >= bg_share(mf, 8) ||
		    q->parked_bg >= bg_share(mf, 8)))) {
		user_settle(u);
		return -EAGAIN;
	}
	u->parked++;
	u->parked_bytes += bytes;
	if (bg) {
		u->parked_bg++;
		q->parked_bg++;
		mf->parked_bg++;
	}
	a->u = u;
	a->bytes = bytes;
	a->bg = bg;
	a->deferred = false;
	return 0;
}

/* The parked request or deferred send of @a is done. */
static void acct_done(struct mq_family *mf, struct queue *q, struct mq_acct *a)
{
	struct mq_user *u = a->u;

	if (!u)
		return;
	if (a->deferred) {
		u->deferred--;
		q->deferred--;
	} else {
		u->parked--;
		u->parked_bytes -= a->bytes;
		if (a->bg) {
			u->parked_bg--;
			q->parked_bg--;
			mf->parked_bg--;
		}
	}
	a->u = NULL;
	user_settle(u);
}

/* An O_TRUNC open of a queue without room: may it defer at close? */
static int reserve_deferred(struct mq_family *mf, struct queue *q,
			    struct mq_handle *mh, uid_t uid)
{
	struct mq_user *u;

	if (q->deferred + q->reserved >= MQ_DEFERRED_MAX)
		return -EAGAIN;
	u = user_get(mf, uid);
	if (!u)
		return -ENOMEM;
	if (u->deferred >= MQ_DEFERRED_MAX) {
		user_settle(u);
		return -EAGAIN;
	}
	u->deferred++;
	q->reserved++;
	mh->u = u;
	mh->reserved = true;
	return 0;
}

static void unreserve(struct mq_handle *mh)
{
	if (!mh->reserved)
		return;
	mh->reserved = false;
	mh->u->deferred--;
	mh->q->reserved--;
	user_settle(mh->u);
	mh->u = NULL;
}

/* ---- taking and putting back ---- */

static int scratch_reserve(struct mq_family *mf, size_t size)
{
	char *s;

	if (mf->scratch_size >= size)
		return 0;
	s = realloc(mf->scratch, size);
	if (!s)
		return -ENOMEM;
	mf->scratch = s;
	mf->scratch_size = size;
	return 0;
}

/* Takes the next message: 1 taken, 0 none there, or -errno. */
static int take_message(struct ipcfs *fs, struct queue *q, struct taken_msg *m)
{
	struct mq_family *mf = mq_of(fs);
	ssize_t n;
	int err;

	if (!list_empty(&q->returns)) {
		struct returned_msg *rm = list_first_entry(
			&q->returns, struct returned_msg, link);

		list_del(&rm->link);
		m->data = rm->data;
		m->len = rm->len;
		m->prio = rm->prio;
		m->rm = rm;
		return 1;
	}
	err = scratch_reserve(mf, (size_t)q->msgsize);
	if (err)
		return err;
	n = mq_receive(q->mqd, mf->scratch, mf->scratch_size, &m->prio);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	m->data = mf->scratch;
	m->len = (size_t)n;
	m->rm = NULL;
	return 1;
}

static void lost(struct queue *q, size_t len, int err)
{
	log_warn("mq/%s: a message of %zu bytes could not be "
		 "put back and is lost: %s",
		 q->name, len, strerror(err));
}

/*
 * A taken message did not reach its reader: back into the queue at its
 * priority (behind the messages of that priority already there), or, if
 * the queue is full, first in line for the next reader.
 */
static void put_back(struct queue *q, struct taken_msg *m)
{
	struct returned_msg *rm = m->rm;

	if (list_empty(&q->returns) &&
	    mq_send(q->mqd, m->data, m->len, m->prio) == 0) {
		free(rm);
		return;
	}
	if (errno != EAGAIN && list_empty(&q->returns)) {
		lost(q, m->len, errno);
		free(rm);
		return;
	}
	if (!rm) {
		rm = malloc(sizeof(*rm) + m->len);
		if (!rm) {
			lost(q, m->len, ENOMEM);
			return;
		}
		memcpy(rm->data, m->data, m->len);
		rm->len = m->len;
		rm->prio = m->prio;
		list_add_tail(&rm->link, &q->returns);
	} else {
		list_add(&rm->link,
			 &q->returns); /* it was first: stays first */
	}
}

/*
 * Replies to a read of @size at offset 0 with the start of @m.  Returns
 * true when the reader got it; otherwise the message was put back.
 */
static bool deliver(struct queue *q, fuse_req_t req, struct mq_handle *mh,
		    size_t size, struct taken_msg *m)
{
	struct ipcfs *fs = fs_of_req(req);
	size_t first = m->len < size ? m->len : size;
	char *rest = NULL;
	int err;

	if (first < m->len) {
		/*
		 * before the reply: afterwards a failure could lose bytes.
		 * What the open file holds counts for its opener (usage.h).
		 */
		err = handle_charge(fs, &mh->h, 0, m->len);
		rest = err ? NULL : malloc(m->len);
		if (!rest) {
			if (!err)
				handle_uncharge(fs, &mh->h, 0, m->len);
			put_back(q, m);
			fuse_reply_err(req, err ? -err : ENOMEM);
			return false;
		}
		memcpy(rest, m->data, m->len);
	}
	if (fuse_reply_buf(req, m->data, first)) {
		if (rest)
			handle_uncharge(fs, &mh->h, 0, m->len);
		free(rest);
		put_back(q, m);
		return false;
	}
	mh->taken = true;
	mh->len = m->len;
	mh->held = rest;
	free(m->rm);
	return true;
}

/* A read on an open file that already has its message (or never will). */
static void serve_taken(fuse_req_t req, struct mq_handle *mh, size_t size,
			off_t off)
{
	struct ipcfs *fs = fs_of_req(req); /* req is gone once answered */

	if (!mh->held || off < 0 || (size_t)off >= mh->len) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	reply_text(req, mh->held, mh->len, size, off);
	if ((size_t)off + size >= mh->len) {
		/*
		 * All read: the message is delivered.  Later reads, from any
		 * offset (the file is seekable for sshfs's sake), are EOF.
		 */
		handle_uncharge(fs, &mh->h, 0, mh->len);
		free(mh->held);
		mh->held = NULL;
	}
}

/* ---- serving the parked ---- */

static void serve_readers(struct ipcfs *fs, struct queue *q)
{
	while (!list_empty(&q->readers)) {
		struct parked *pk =
			list_first_entry(&q->readers, struct parked, link);
		struct mq_handle *mh = (struct mq_handle *)pk->h;
		struct taken_msg m;
		int r = 0;

		if (!mh->taken) {
			r = take_message(fs, q, &m);
			if (r == 0)
				break;
		}
		unpark(pk);
		acct_done(mq_of(fs), q, &((struct parked_read *)pk)->acct);
		if (mh->taken)
			serve_taken(pk->req, mh, pk->size, pk->off);
		else if (r < 0)
			fuse_reply_err(pk->req, -r);
		else
			deliver(q, pk->req, mh, pk->size, &m);
		free(pk);
	}
}

static void serve_senders(struct ipcfs *fs, struct queue *q)
{
	while (!list_empty(&q->returns)) {
		struct returned_msg *rm = list_first_entry(
			&q->returns, struct returned_msg, link);

		if (mq_send(q->mqd, rm->data, rm->len, rm->prio)) {
			if (errno == EAGAIN)
				return;
			lost(q, rm->len, errno);
		}
		list_del(&rm->link);
		free(rm);
	}
	while (!list_empty(&q->senders)) {
		struct parked_write *pw = list_first_entry(
			&q->senders, struct parked_write, pk.link);
		int err = 0;

		if (mq_send(q->mqd, pw->data, pw->len, pw->prio)) {
			if (errno == EAGAIN)
				return;
			err = errno;
		}
		unpark(&pw->pk);
		acct_done(mq_of(fs), q, &pw->acct);
		if (pw->pk.req) {
			if (err)
				fuse_reply_err(pw->pk.req, err);
			else
				fuse_reply_write(pw->pk.req, pw->len);
		} else if (err) {
			lost(q, pw->len, err);
		}
		free(pw);
	}
}

static void wake_pollers(struct queue *q)
{
	long cur = -1;

	if (!list_empty(&q->pollers_in)) {
		cur = queue_curmsgs(q);
		if (cur > 0 || !list_empty(&q->returns)) {
			while (!list_empty(&q->pollers_in)) {
				struct mq_handle *mh = list_first_entry(
					&q->pollers_in, struct mq_handle,
					poll_link);

				list_del(&mh->poll_link);
				handle_notify_poll(&mh->h);
			}
		}
	}
	if (!list_empty(&q->pollers_out)) {
		if (cur < 0)
			cur = queue_curmsgs(q);
		if (cur < q->maxmsg && list_empty(&q->senders) &&
		    list_empty(&q->returns)) {
			while (!list_empty(&q->pollers_out)) {
				struct mq_handle *mh = list_first_entry(
					&q->pollers_out, struct mq_handle,
					poll_link);

				list_del(&mh->poll_link);
				handle_notify_poll(&mh->h);
			}
		}
	}
}

/* Keeps the queue object alive while it holds messages for the queue. */
static void update_pending(struct ipcfs *fs, struct queue *q)
{
	bool pending = !list_empty(&q->returns) || q->deferred;

	if (pending && !q->pending) {
		q->pending = true;
		queue_get(q);
	} else if (!pending && q->pending) {
		q->pending = false;
		queue_put(fs, q);
	}
}

void mq_on_signal(struct ipcfs *fs, const struct signalfd_siginfo *si)
{
	struct queue *q = queue_find_id(fs, si->ssi_int);

	if (!q)
		return; /* the queue object is gone: nothing waits */
	q->notify_held = false; /* notifications are one-shot */
	queue_serve(fs, q);
}

void queue_serve(struct ipcfs *fs, struct queue *q)
{
	if (q->mqd == (mqd_t)-1)
		return;
	queue_get(q);
	/* a fresh registration needs a second look; a few rounds at most */
	for (int round = 0; round < 4; round++) {
		serve_senders(fs, q);
		serve_readers(fs, q);
		wake_pollers(q);
		if (!queue_arm(fs, q))
			break;
	}
	update_pending(fs, q);
	queue_put(fs, q);
}

/* ---- open files ---- */

/* Can a message go into @q now, before anything already waiting? */
static bool queue_has_room(struct queue *q)
{
	return list_empty(&q->senders) && list_empty(&q->returns) &&
	       queue_curmsgs(q) < q->maxmsg;
}

int mqio_open(struct ipcfs *fs, struct node *n, struct queue *q,
	      struct fuse_file_info *fi, uid_t uid)
{
	int acc = fi->flags & O_ACCMODE, file = n->sub, err;
	struct mq_handle *mh;

	if (q->mqd == (mqd_t)-1)
		return -EACCES; /* the server itself may not use it */
	if (mq_file_is_priority(file) ? acc != O_WRONLY : acc != O_RDONLY)
		return -EACCES;
	mh = calloc(1, sizeof(*mh));
	if (!mh)
		return -ENOMEM;
	mh->h.node = n;
	mh->h.flags = fi->flags;
	mh->h.uid = uid;
	mh->q = q;
	mh->file = file;
	list_init(&mh->poll_link);
	if (mq_file_is_priority(file) && (fi->flags & O_TRUNC) &&
	    !queue_has_room(q)) {
		err = reserve_deferred(mq_of(fs), q, mh, uid);
		if (err) {
			free(mh);
			return err;
		}
	}
	if (file == QF_MAXMSG || file == QF_MSGSIZE || file == QF_CURMSGS) {
		long v = file == QF_MAXMSG  ? q->maxmsg :
			 file == QF_MSGSIZE ? q->msgsize :
					      queue_curmsgs(q);

		mh->text_len = mq_format_number(v, mh->text, sizeof(mh->text));
	}
	/*
	 * No page cache, nothing to flush: a FLUSH round trip per close(2)
	 * only where a close may send the empty message (mqio_flush).  Not
	 * nonseekable: sftp-server lseeks before every read and write, so
	 * sshfs could not use the file; offsets are honoured instead.
	 */
	fi->noflush = !mq_file_is_priority(file) || !(fi->flags & O_TRUNC);
	fi->direct_io = 1;
	queue_get(q);
	fi->fh = (uintptr_t)mh;
	return 0;
}

/*
 * Something stopped waiting on @q (an interrupt, a close): recompute the
 * wake-ups.  A registration taken back from another program needs the
 * second look queue_serve gives; when the server stops, only give the
 * registration up.
 */
static void queue_settle(struct ipcfs *fs, struct queue *q)
{
	if (fuse_session_exited(fs->se))
		queue_arm(fs, q);
	else
		queue_serve(fs, q);
}

static void reader_unlinked(struct ipcfs *fs, struct parked *pk)
{
	struct queue *q = ((struct mq_handle *)pk->h)->q;

	acct_done(mq_of(fs), q, &((struct parked_read *)pk)->acct);
	queue_settle(fs, q);
}

/*
 * A read of next that must wait: EAGAIN under O_NONBLOCK or past a cap,
 * else parked at the end of q->readers.  True when it was parked.
 */
static bool park_next(struct ipcfs *fs, fuse_req_t req, struct mq_handle *mh,
		      size_t size, off_t off)
{
	struct queue *q = mh->q;
	struct parked_read *pr;
	int err;

	if (mh->h.flags & O_NONBLOCK) {
		fuse_reply_err(req, EAGAIN);
		return false;
	}
	pr = calloc(1, sizeof(*pr));
	if (!pr) {
		fuse_reply_err(req, ENOMEM);
		return false;
	}
	err = acct_park(mq_of(fs), q, fuse_req_ctx(req)->uid,
			mh->h.flags & O_DIRECT, 0, &pr->acct);
	if (err) {
		free(pr);
		fuse_reply_err(req, -err);
		return false;
	}
	pr->pk.h = &mh->h;
	pr->pk.size = size;
	pr->pk.off = off;
	pr->pk.unlink = reader_unlinked;
	list_add_tail(&pr->pk.link, &q->readers);
	park(fs, &pr->pk, req);
	return true;
}

static void read_next(struct ipcfs *fs, fuse_req_t req, struct mq_handle *mh,
		      size_t size, off_t off)
{
	struct queue *q = mh->q;
	struct taken_msg m;
	int r;

	if (mh->taken || off != 0 || size == 0) {
		serve_taken(req, mh, size, off);
		return;
	}
	if (!list_empty(&q->readers))
		queue_serve(fs, q); /* who came first is served first */
	if (list_empty(&q->readers)) {
		r = take_message(fs, q, &m);
		if (r < 0) {
			fuse_reply_err(req, -r);
			return;
		}
		if (r > 0) {
			/* a failed reply put it back; a good one made room */
			if (!deliver(q, req, mh, size, &m) ||
			    !list_empty(&q->senders))
				queue_serve(fs, q);
			return;
		}
	}
	if (park_next(fs, req, mh, size, off))
		queue_serve(fs, q); /* registers, and looks again */
}

void mqio_read(struct ipcfs *fs, fuse_req_t req, struct handle *h, size_t size,
	       off_t off)
{
	struct mq_handle *mh = (struct mq_handle *)h;

	if (mh->file == QF_NEXT)
		read_next(fs, req, mh, size, off);
	else if (mq_file_is_priority(mh->file))
		fuse_reply_err(req, EBADF);
	else
		reply_text(req, mh->text, mh->text_len, size, off);
}

static void sender_unlinked(struct ipcfs *fs, struct parked *pk)
{
	struct queue *q = ((struct mq_handle *)pk->h)->q;

	acct_done(mq_of(fs), q, &((struct parked_write *)pk)->acct);
	queue_settle(fs, q);
}

/*
 * Queues a send that must wait for room; @req NULL: nobody to answer, a
 * deferred send of @uid.  Past a cap: -EAGAIN, nothing queued.
 */
static int park_send(struct ipcfs *fs, struct queue *q, fuse_req_t req,
		     struct mq_handle *mh, const char *buf, size_t size,
		     uid_t uid)
{
	struct parked_write *pw = calloc(1, sizeof(*pw) + size);
	int err;

	if (!pw)
		return -ENOMEM;
	if (req) {
		err = acct_park(mq_of(fs), q, uid, mh->h.flags & O_DIRECT, size,
				&pw->acct);
	} else {
		/* its open's reservation was just given back: count it now */
		pw->acct.u = user_get(mq_of(fs), uid);
		pw->acct.deferred = true;
		err = pw->acct.u ? 0 : -ENOMEM;
		if (!err)
			pw->acct.u->deferred++;
	}
	if (err) {
		free(pw);
		return err;
	}
	memcpy(pw->data, buf, size);
	pw->len = size;
	pw->prio = (unsigned int)mh->file;
	pw->pk.h = &mh->h;
	pw->pk.unlink = sender_unlinked;
	list_init(&pw->pk.all_link);
	list_init(&pw->pk.cancel_link);
	list_add_tail(&pw->pk.link, &q->senders);
	if (req) {
		park(fs, &pw->pk, req);
	} else {
		pw->pk.h = NULL; /* the open file is going away */
		q->deferred++;
	}
	queue_serve(fs, q);
	return 0;
}

/* One mq_send now, unless earlier sends wait: 0, -EAGAIN or -errno. */
static int send_now(struct ipcfs *fs, struct queue *q, struct mq_handle *mh,
		    const char *buf, size_t size)
{
	if (!list_empty(&q->senders) || !list_empty(&q->returns))
		return -EAGAIN;
	if (mq_send(q->mqd, buf, size, (unsigned int)mh->file))
		return -errno;
	if (!list_empty(&q->readers) || !list_empty(&q->pollers_in))
		queue_serve(fs, q); /* do not wait for our own notification */
	return 0;
}

void mqio_write(struct ipcfs *fs, fuse_req_t req, struct handle *h,
		const char *buf, size_t size, off_t off)
{
	struct mq_handle *mh = (struct mq_handle *)h;
	struct queue *q = mh->q;
	int err;

	(void)off;
	if (!mq_file_is_priority(mh->file)) {
		fuse_reply_err(req, EBADF);
		return;
	}
	mqio_used(h);
	if (size > (size_t)q->msgsize) {
		fuse_reply_err(req, EMSGSIZE);
		return;
	}
	/*
	 * One write(2), one message: a write the kernel may have cut into
	 * pieces is refused whole at its first piece, so no piece is ever
	 * sent alone (wpiece.h).  What cannot be seen (aio, io_uring, a
	 * writer /proc does not show us) is sent as it comes.
	 */
	switch (wpiece_of(fuse_req_ctx(req)->pid, size, fs->write_pages,
			  fs->write_bytes)) {
	case WPIECE_SPLIT:
		fuse_reply_err(req, EINVAL);
		return;
	case WPIECE_LONG:
		fuse_reply_err(req, EMSGSIZE);
		return;
	default:
		break;
	}
	err = send_now(fs, q, mh, buf, size);
	if (err == -EAGAIN && !(h->flags & O_NONBLOCK))
		err = park_send(fs, q, req, mh, buf, size,
				fuse_req_ctx(req)->uid);
	else if (!err)
		fuse_reply_write(req, size);
	if (err)
		fuse_reply_err(req, -err);
}

void mqio_poll(struct ipcfs *fs, fuse_req_t req, struct handle *h,
	       struct fuse_pollhandle *ph)
{
	struct mq_handle *mh = (struct mq_handle *)h;
	struct queue *q = mh->q;
	struct list_head *pollers = NULL;
	unsigned int revents = 0;

	if (mh->file == QF_NEXT) {
		if (mh->taken || !list_empty(&q->returns) ||
		    queue_curmsgs(q) > 0)
			revents = POLLIN | POLLRDNORM;
		pollers = &q->pollers_in;
	} else if (mq_file_is_priority(mh->file)) {
		if (list_empty(&q->senders) && list_empty(&q->returns) &&
		    queue_curmsgs(q) < q->maxmsg)
			revents = POLLOUT | POLLWRNORM;
		pollers = &q->pollers_out;
	} else {
		revents = POLLIN | POLLRDNORM;
	}
	if (revents || !ph) {
		if (ph)
			fuse_pollhandle_destroy(ph);
		fuse_reply_poll(req, revents);
		return;
	}
	handle_set_poll(h, ph);
	if (list_unlinked(&mh->poll_link))
		list_add_tail(&mh->poll_link, pollers);
	fuse_reply_poll(req, 0);
	queue_serve(fs, q); /* arms the wake-up; tells at once if it came */
}

/*
 * A write(2) of 0 bytes never reaches a FUSE server, so the empty message
 * is sent when a priority file opened with O_TRUNC, as `>` opens, is
 * closed without any write (or ftruncate, futimens) having come: the file
 * was written with empty content.  `printf '' > mq/q/5` sends one; an
 * O_WRONLY open that polls and gives up, touch(1), truncate(1) send none.
 */
static void send_empty(struct ipcfs *fs, struct queue *q, struct mq_handle *mh)
{
	int err = send_now(fs, q, mh, "", 0);

	if (err == -EAGAIN)
		err = park_send(fs, q, NULL, mh, "", 0, mh->h.uid);
	if (err)
		lost(q, 0, -err);
}

void mqio_used(struct handle *h)
{
	struct mq_handle *mh = (struct mq_handle *)h;

	mh->wrote = true;
	unreserve(mh); /* no empty message at close now */
}

/*
 * An O_TRUNC priority file no write (or ftruncate, futimens) reached yet:
 * its close is the empty message, as `printf '' >` means.
 */
static bool empty_at_close(const struct mq_handle *mh)
{
	return mq_file_is_priority(mh->file) && (mh->h.flags & O_TRUNC) &&
	       !mh->wrote;
}

/*
 * Who closes an O_TRUNC priority file no write reached: a writer killed
 * while its write still waited in the kernel's queue (a full queue, a
 * busy server) had that write dropped by the kernel unseen, and then
 * closes the file as it dies.  That is no `printf '' >`, and must send
 * no empty message; the last close(2) before the release decides.  A
 * closer outside our pid namespace (pid 0), or one /proc does not show
 * us: the file was written empty.  (The dying closer waits for this
 * answer: FLUSH is sent even then, and must be answered.)
 */
int mqio_flush(struct ipcfs *fs, fuse_req_t req, struct handle *h)
{
	struct mq_handle *mh = (struct mq_handle *)h;
	pid_t tid = fuse_req_ctx(req)->pid;
	struct proc_stat st;
	char path[48], line[1024];

	(void)fs;
	if (!empty_at_close(mh))
		return 0;
	mh->killed = false;
	if (tid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	if (procfile_read_small(AT_FDCWD, path, line, sizeof(line)) > 0 &&
	    !procstat_parse_stat(line, &st))
		mh->killed = procstat_killed(&st);
	return 0;
}

void mqio_release(struct ipcfs *fs, struct handle *h)
{
	struct mq_handle *mh = (struct mq_handle *)h;
	struct queue *q = mh->q;

	list_del(&mh->poll_link);
	unreserve(mh); /* send_empty counts its deferral itself */
	/* a server that stops closes files nobody closed: no message then */
	if (empty_at_close(mh) && !mh->killed && !fuse_session_exited(fs->se))
		send_empty(fs, q, mh);
	free(mh->held);
	free(mh);
	queue_settle(fs, q); /* this may have been the last poller */
	queue_put(fs, q);
}

/* ---- shutdown ---- */

/* Does the server hold CAP_SYS_ADMIN (the kernel's test at INIT)? */
static bool cap_sys_admin(void)
{
	unsigned long long eff = 0;
	bool found;
	char *text;
	const char *p;

	if (procfile_read(AT_FDCWD, "/proc/self/status", &text, NULL))
		return geteuid() == 0;
	p = procstat_field(text, "CapEff");
	found = p && sscanf(p, "%llx", &eff) == 1;
	free(text);
	return found ? (eff >> 21) & 1 : geteuid() == 0;
}

unsigned int mqio_background_room(void)
{
	unsigned int room = FS_MAX_BACKGROUND;
	unsigned long limit;
	int err;

	if (cap_sys_admin())
		return room;
	/* the kernel caps what an unprivileged server may ask for */
	err = procfile_read_ulong("/sys/module/fuse/parameters/max_user_bgreq",
				  UINT_MAX, &limit);
	if (err && err != -EINVAL)
		return 12; /* the kernel's default, if we cannot tell */
	if (!err && limit < room)
		room = (unsigned int)limit;
	return room ? room : 1;
}

/* What could not be put back at exit, for one line at the end. */
struct exit_loss {
	unsigned long messages;
	unsigned long long bytes;
	unsigned int queues;
	int err; /* the last reason */
};

static void exit_lost(struct exit_loss *xl, size_t len, int err, bool *counted)
{
	xl->messages++;
	xl->bytes += len;
	xl->err = err;
	if (!*counted) {
		xl->queues++;
		*counted = true;
	}
}

/*
 * The server stops while it still holds messages for a full queue: wait
 * for room (other programs may be receiving) until @deadline, one for
 * all queues, so that stopping takes a bounded time however many queues
 * hold messages.  Past it each message gets one last try.  Nothing is
 * ever removed from the queues themselves.
 */
static void flush_at_exit(struct ipcfs *fs, struct queue *q,
			  const struct timespec *deadline, struct exit_loss *xl)
{
	struct mq_attr blocking = { .mq_flags = 0 };
	bool counted = false;

	mq_setattr(q->mqd, &blocking, NULL);
	while (!list_empty(&q->returns)) {
		struct returned_msg *rm = list_first_entry(
			&q->returns, struct returned_msg, link);

		if (mq_timedsend(q->mqd, rm->data, rm->len, rm->prio, deadline))
			exit_lost(xl, rm->len, errno, &counted);
		list_del(&rm->link);
		free(rm);
	}
	while (!list_empty(&q->senders)) {
		struct parked_write *pw = list_first_entry(
			&q->senders, struct parked_write, pk.link);

		/* only deferred sends are left: requests were answered */
		if (mq_timedsend(q->mqd, pw->data, pw->len, pw->prio, deadline))
			exit_lost(xl, pw->len, errno, &counted);
		list_del(&pw->pk.link);
		acct_done(mq_of(fs), q, &pw->acct);
		free(pw);
	}
	update_pending(fs, q);
}

void queues_fini(struct ipcfs *fs)
{
	struct exit_loss xl = { 0 };
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 1;
	while (!list_empty(&mq_of(fs)->queues)) {
		struct queue *q = list_first_entry(&mq_of(fs)->queues,
						   struct queue, link);

		queue_get(q);
		if (q->mqd != (mqd_t)-1)
			flush_at_exit(fs, q, &deadline, &xl);
		/* nothing else may hold it now: the tree is gone */
		q->refs = 1;
		queue_put(fs, q);
	}
	if (xl.messages)
		log_warn("at exit, %lu message%s (%llu bytes) "
			 "for %u queue%s found no room within 1 s and %s lost "
			 "(last reason: %s)",
			 xl.messages, xl.messages == 1 ? "" : "s", xl.bytes,
			 xl.queues, xl.queues == 1 ? "" : "s",
			 xl.messages == 1 ? "is" : "are", strerror(xl.err));
	while (!list_empty(&mq_of(fs)->users)) {
		struct mq_user *u = list_first_entry(&mq_of(fs)->users,
						     struct mq_user, link);

		list_del(&u->link);
		free(u);
	}
}
