/*
 * The message queue family's inside, shared by the tree (mqfs.c: names,
 * directories, create/remove, attributes), the view of the mqueue file
 * system (mqview.c), the queue objects and their wake-ups (mqobj.c: the
 * mq_notify discipline) and the traffic (mqio.c: sending, receiving,
 * parked requests).  Loop thread only.
 *
 * One struct queue per kernel queue the server uses, holding the ONE
 * descriptor the server ever opens on it: closing any other descriptor of
 * a queue would silently drop this process's mq_notify registration.
 * A queue object is found by its mqueue inode number, so a queue removed
 * and made again under the same name is a new object.  Three hash tables
 * find it in O(1) however many queues there are: by inode (for every
 * LOOKUP), by the id its mq_notify signal carries (every wake-up) and,
 * while it is not gone, by name (every inotify event, rmdir, and LOOKUP
 * without the view).
 */
#ifndef IPCFS_MQUEUE_H
#define IPCFS_MQUEUE_H

#include "family.h"
#include "htab.h"
#include "mqattr.h"

#include <mqueue.h>

/* Real-time signal offset (from SIGRTMIN) used for mq_notify. */
#define MQ_NOTIFY_SIGNAL_OFFSET 1

struct queue {
	struct list_head link; /* on mq_family.queues */
	struct htab_node by_ino; /* in mq_family.by_ino, even when gone */
	struct htab_node by_id; /* in mq_family.by_id */
	struct htab_node by_name; /* in mq_family.by_name while not gone */
	unsigned int refs; /* nodes, open files, pending messages */
	int id; /* sival_int of our mq_notify signal */
	ino_t ino; /* mqueue inode number: the identity */
	mqd_t mqd; /* O_NONBLOCK, the only one; -1 if none */
	long maxmsg, msgsize;
	bool gone; /* unlinked, or its name is another queue now */
	bool notify_held; /* we hold the queue's mq_notify registration */
	bool pending; /* a ref is held for returns / deferred sends */
	uint32_t events; /* what the watch on mqd waits for */
	struct watch watch;
	struct list_head readers; /* parked reads of next, arrival order */
	struct list_head senders; /* parked writes, arrival order */
	struct list_head returns; /* taken, undelivered, queue was full */
	struct list_head pollers_in; /* next handles waiting in poll(2) */
	struct list_head pollers_out; /* priority-file handles in poll(2) */
	unsigned int deferred; /* empty messages from close, waiting */
	unsigned int reserved; /* O_TRUNC opens that may defer one */
	unsigned int parked_bg; /* parked requests of O_DIRECT files */
	char name[];
};

/*
 * What one user makes the family hold: parked requests and deferred
 * empty messages, capped per user (see mqio.c for the numbers and why).
 * An entry lives while any count is non-zero.
 */

struct mq_user {
	struct list_head link; /* on mq_family.users */
	uid_t uid;
	unsigned int parked; /* parked reads of next and writes */
	size_t parked_bytes; /* the bytes of those writes */
	unsigned int parked_bg; /* of those, on O_DIRECT files */
	unsigned int deferred; /* deferred sends and O_TRUNC reservations */
};

struct mq_family {
	struct node *dir; /* mq/ */
	int mntfd; /* the private detached mqueue mount, or -1 */
	int dirfd; /* its root (or /dev/mqueue's), a directory fd, or -1 */
	int inofd; /* inotify on dirfd, or -1 */
	off_t list_at; /* where dirfd stands for listings, -1: unknown */
	bool started; /* inotify is in the loop's epoll set */
	struct watch ino_watch;
	struct list_head queues; /* every live queue object */
	struct htab by_ino, by_id; /* the same objects, by ino and by id */
	struct htab by_name; /* those not gone, by a hash of the name */
	int next_id;
	char *scratch; /* mq_receive buffer, >= every msgsize */
	size_t scratch_size;
	struct list_head users; /* struct mq_user, the few that hold any */
	unsigned int parked_bg; /* parked requests of O_DIRECT files, all */
	unsigned int bg_room; /* the kernel's max_background for us */
	/* serves a queue that woke (mqio.c's queue_serve, set at init) */
	void (*serve)(struct ipcfs *fs, struct queue *q);
};

static inline struct mq_family *mq_of(struct ipcfs *fs)
{
	return family_state(fs, MQ_INUM_TAG);
}

/* ---- the view of the mqueue file system (mqview.c) ---- */

/* Opens the view at start, saying on stderr what is missing. */
void mqview_open(struct mq_family *mf);
/* Puts the inotify watch in the loop (the family's start). */
int mqview_start(struct ipcfs *fs);
void mqview_close(struct ipcfs *fs);
/* Lists the queues after offset @off (>= 2) into @b: 0 or -errno. */
int mqview_list(struct ipcfs *fs, struct dirbuf *b, off_t off);
/* Is @q still what its name stands for?  If not, queue_gone(). */
void queue_recheck(struct ipcfs *fs, struct queue *q);
/*
 * Does the name the kernel walked still lead to @q?  0, -ENOENT (no
 * queue of that name now) or -ESTALE (another queue: walk again).
 */
int queue_check(struct ipcfs *fs, struct queue *q);
/* The name now means something else: forget the name's node. */
void queue_gone(struct ipcfs *fs, struct queue *q);
/* Drops the kernel's cached attributes of a queue and its files. */
void queue_notify_attrs(struct ipcfs *fs, struct queue *q);

/* ---- queue objects and wake-ups (mqobj.c) ---- */

/*
 * Finds the live object of the queue with inode number @ino, or makes
 * one for queue @name with descriptor @mqd (taken over; -1: opened here
 * as the server).  Returns a new reference.
 */
int queue_get_or_open(struct ipcfs *fs, const char *name, ino_t ino, mqd_t mqd,
		      struct queue **out);
struct queue *queue_find_ino(struct ipcfs *fs, ino_t ino);
/* The queue whose mq_notify signal carries @id, or NULL. */
struct queue *queue_find_id(struct ipcfs *fs, int id);
/*
 * The oldest object not gone whose name is @name, or NULL.  Several may
 * have one name (the kernel's queue changed before we heard of it):
 * queue_next_name gives the next one after @q, oldest first.  Whoever
 * walks them and may mark @q gone takes the next one first.
 */
struct queue *queue_find_name(struct ipcfs *fs, const char *name);
struct queue *queue_next_name(struct queue *q);
/* The name no longer leads to @q: gone, and out of the name table. */
void queue_set_gone(struct ipcfs *fs, struct queue *q);
void queue_get(struct queue *q);
void queue_put(struct ipcfs *fs, struct queue *q);
/* Messages in the queue now (mq_getattr), 0 on error. */
long queue_curmsgs(struct queue *q);
/*
 * Holds the mq_notify registration while anything waits for a message
 * and gives it up when nothing does, so other programs can register;
 * polls the descriptor when another program holds it, or for room.
 * Returns true when a registration was just made: a message that came
 * before it gave no notification, so the caller must look again.
 */
bool queue_arm(struct ipcfs *fs, struct queue *q);

/* ---- traffic (mqio.c) ---- */

/* The max_background the kernel grants this server (see fs.h). */
unsigned int mqio_background_room(void);
/* Puts back what the server still holds and frees every object. */
void queues_fini(struct ipcfs *fs);
/* Our mq_notify signal arrived (the loop's signalfd): serve its queue. */
void mq_on_signal(struct ipcfs *fs, const struct signalfd_siginfo *si);
/* Serves parked requests and pollers, then arms or disarms wake-ups. */
void queue_serve(struct ipcfs *fs, struct queue *q);
int mqio_open(struct ipcfs *fs, struct node *n, struct queue *q,
	      struct fuse_file_info *fi, uid_t uid);
void mqio_read(struct ipcfs *fs, fuse_req_t req, struct handle *h, size_t size,
	       off_t off);
void mqio_write(struct ipcfs *fs, fuse_req_t req, struct handle *h,
		const char *buf, size_t size, off_t off);
void mqio_poll(struct ipcfs *fs, fuse_req_t req, struct handle *h,
	       struct fuse_pollhandle *ph);
int mqio_flush(struct ipcfs *fs, fuse_req_t req, struct handle *h);
void mqio_release(struct ipcfs *fs, struct handle *h);
/* ftruncate or futimens came on the open file: no empty message at close. */
void mqio_used(struct handle *h);

#endif
