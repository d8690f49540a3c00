/*
 * The server's shared types: the one struct that holds all state (passed
 * to every handler, never global), the node table that gives the tree's
 * objects their FUSE node ids, open-file handles, parked requests and the
 * event loop's watches.  Threading rule: everything here belongs to the
 * loop thread; the only other threads are the notifier (notify.c) and the
 * bulk worker (bulk.c), which touch nothing but their own queues.
 */
#ifndef IPCFS_IPCFS_H
#define IPCFS_IPCFS_H

#define FUSE_USE_VERSION 34
#include <fuse_lowlevel.h>

#include <stdbool.h>
#include <stdint.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "bulk.h"
#include "creds.h"
#include "inum.h"
#include "list.h"
#include "notify.h"
#include "passthru.h"
#include "usage.h"

struct ipcfs;

/* ---- event loop (loop.c) ---------------------------------------------- */

/* An fd in the loop's epoll set and what to call when it is ready. */
struct watch {
	int fd;
	void (*ready)(struct ipcfs *fs, struct watch *w, uint32_t events);
	bool active;
};

/*
 * A signal the loop reads from its signalfd for a family, with what to
 * call for each one that arrives.  Register in a family's init: the
 * signal is blocked then in the calling thread, before any other thread
 * exists, so only the loop's signalfd ever sees it.
 */
struct loop_signal {
	int signo;
	void (*on)(struct ipcfs *fs, const struct signalfd_siginfo *si);
};

#define LOOP_SIGNALS_MAX 8

/* 0, or -ENOSPC past LOOP_SIGNALS_MAX, -EINVAL for a bad number. */
int loop_add_signal(struct ipcfs *fs, int signo,
		    void (*on)(struct ipcfs *fs,
			       const struct signalfd_siginfo *si));

int loop_init(struct ipcfs *fs);
void loop_fini(struct ipcfs *fs);
int loop_add(struct ipcfs *fs, struct watch *w, int fd, uint32_t events,
	     void (*ready)(struct ipcfs *, struct watch *, uint32_t));
int loop_modify(struct ipcfs *fs, struct watch *w, uint32_t events);
void loop_remove(struct ipcfs *fs, struct watch *w);
int loop_run(struct ipcfs *fs);

/* ---- parked requests (loop.c) ----------------------------------------- */

/*
 * A request that cannot be answered yet: its fuse_req_t is kept on the
 * waited-for object's list and answered later from the loop.  If the
 * caller is interrupted the loop calls unlink() and answers EINTR.
 */
struct parked {
	struct list_head link; /* on the object's list of waiters */
	struct list_head all_link; /* on fs->parked, for shutdown */
	struct list_head cancel_link; /* on fs->interrupted once interrupted */
	fuse_req_t req;
	struct ipcfs *fs;
	struct handle *h; /* the open file the request came on */
	size_t size; /* read or write size */
	off_t off;
	void (*unlink)(struct ipcfs *fs, struct parked *p);
};

/*
 * Parks @p (already on its owner's list) and arms interrupts.  @p must be
 * malloc'ed with struct parked first: the loop frees it after answering.
 */
void park(struct ipcfs *fs, struct parked *p, fuse_req_t req);
/* Takes @p off every list before its request is answered. */
void unpark(struct parked *p);
/* Answers every parked request with @err (the server is stopping). */
void unpark_all(struct ipcfs *fs, int err);
/*
 * A read of @h that cannot be answered yet: EAGAIN under O_NONBLOCK,
 * else parked (a plain struct parked) at the end of @waiters.  Returns
 * true when it was parked, false when it was answered (EAGAIN, ENOMEM).
 */
bool park_read(struct ipcfs *fs, fuse_req_t req, struct handle *h, size_t size,
	       off_t off, struct list_head *waiters,
	       void (*unlink)(struct ipcfs *fs, struct parked *p));

/* ---- nodes (node.c) ---------------------------------------------------- */

struct node_ops; /* family.h */

/*
 * One object of the tree as the kernel knows it.  A node lives while the
 * kernel holds lookups on it (nlookup) or anything in the server holds it
 * (pins: children, open files).  Nodes are found again by (parent, name)
 * while they are hashed; a node whose object is gone is unhashed, so the
 * next lookup of that name makes a new node.
 */
struct node {
	fuse_ino_t id;
	uint64_t generation;
	uint64_t nlookup;
	unsigned int pins;
	const struct node_ops *ops; /* what it does (family.h) */
	int sub; /* the family's number for it (file number) */
	struct node *parent; /* pinned by the child */
	struct node *hnext; /* hash chain */
	bool hashed;
	void *obj; /* the family's object, released through ops->release_obj */
	char name[];
};

/*
 * The root's node id; the families' top entries follow it (2, 3, ...,
 * in the registry's order) and keep their ids while mounted.
 */
#define INO_ROOT FUSE_ROOT_ID

struct node_table {
	struct node **by_id; /* index: node id */
	size_t cap;
	fuse_ino_t *free_ids; /* recycled ids */
	size_t nfree, free_cap;
	fuse_ino_t next_id;
	struct node **hash; /* (parent id, name) -> node */
	size_t hash_size;
	size_t count;
	uint64_t generation;
};

int nodes_init(struct ipcfs *fs, const struct node_ops *root_ops);
/* A top entry: a child of the root that is never freed (nodes_init). */
struct node *node_new_top(struct ipcfs *fs, const char *name,
			  const struct node_ops *ops);
void nodes_fini(struct ipcfs *fs);
struct node *node_get(struct ipcfs *fs, fuse_ino_t id);
/* Finds a hashed child of @parent by name, or NULL. */
struct node *node_find(struct ipcfs *fs, struct node *parent, const char *name);
/*
 * Makes a node for @name under @parent and hashes it (a hashed node of
 * the same name is unhashed first).  @obj is taken over: it is released
 * with the node.  Returns NULL on ENOMEM (then @obj is released too).
 */
struct node *node_new(struct ipcfs *fs, struct node *parent, const char *name,
		      const struct node_ops *ops, int sub, void *obj);
void node_unhash(struct ipcfs *fs, struct node *n);
void node_pin(struct node *n);
void node_unpin(struct ipcfs *fs, struct node *n);
/* Drops @count kernel lookups; frees the node when nothing holds it. */
void node_forget(struct ipcfs *fs, struct node *n, uint64_t count);

/* ---- open files ------------------------------------------------------- */

/*
 * What fi->fh points to.  Families embed this at the start of their own
 * handle structs; release() frees through the family.
 */
struct handle {
	struct list_head link; /* on fs->handles, so shutdown can free it */
	struct node *node; /* pinned while the file is open */
	bool is_dir;
	int flags; /* open(2) flags */
	uid_t uid; /* opener (fuse_req_ctx at open) */
	gid_t gid;
	pid_t pid;
	size_t charged_fds; /* what this open counts for its opener */
	size_t charged_bytes; /* (usage.h), given back at release */
	int32_t backing_id; /* kernel passthrough to this backing file, or 0 */
	struct fuse_pollhandle *ph; /* last poll handle, if the file polls */
};

/* What every open file or directory counts against its opener's bytes. */
#define HANDLE_BYTES 1024

/* Takes the opener of @req as the owner of @h (uid, gid, pid). */
void handle_set_owner(struct handle *h, fuse_req_t req);
/*
 * Counts @fds server descriptors and @bytes bytes more for the owner of
 * @h: 0, or -EMFILE / -ENOMEM past a cap (usage.h), and then nothing is
 * counted.  Whatever is still counted is given back when @h is closed.
 */
int handle_charge(struct ipcfs *fs, struct handle *h, size_t fds, size_t bytes);
void handle_uncharge(struct ipcfs *fs, struct handle *h, size_t fds,
		     size_t bytes);

/* Stores the kernel's poll handle, replacing (and freeing) the older one. */
void handle_set_poll(struct handle *h, struct fuse_pollhandle *ph);
/* Tells a poller that the file is ready, once. */
void handle_notify_poll(struct handle *h);

/* ---- the whole server --------------------------------------------------- */

struct ipcfs_opts {
	bool foreground;
	bool debug;
	bool allow_other;
	bool nopassthrough; /* shm files through the server, not the kernel */
	bool overmount; /* stack on a live ipcfs mount all the same */
	long mq_maxmsg; /* 0: the system default */
	long mq_msgsize; /* 0: the system default */
	long max_user_fds; /* 0: derived from RLIMIT_NOFILE (usage.h) */
	long max_user_bytes; /* 0: USAGE_USER_BYTES */
	bool default_permissions; /* given, or brought by allow_other */
	char *mountpoint; /* malloc'ed by opts_parse() */
};

struct family; /* family.h */

/* A family of the registry and the state its init made. */
struct family_slot {
	const struct family *f;
	void *state;
	bool inited;
};

#define IPCFS_FAMILIES_MAX 8

struct ipcfs {
	struct fuse_session *se;
	struct ipcfs_opts opts;
	int epfd;
	struct watch fuse_watch;
	struct watch signal_watch;
	struct watch notifier_watch;
	int sigfd;
	struct fuse_buf fbuf;
	struct list_head interrupted; /* parked requests to answer EINTR */
	struct list_head parked; /* every parked request */
	struct list_head handles; /* every open file and directory */
	struct node_table nodes;
	struct notifier notifier;
	struct bulk bulk; /* big shm reads of nopassthrough mounts */
	struct passthru pt; /* shm files' kernel passthrough */
	struct usage usage; /* what each user makes us hold */
	struct family_slot families[IPCFS_FAMILIES_MAX];
	size_t nfamilies;
	void *state_by_tag[INUM_NTAGS]; /* family_state(): by family tag */
	struct loop_signal signals[LOOP_SIGNALS_MAX]; /* the families' */
	size_t nsignals;
	struct creds_env creds_env; /* the server's namespaces */
	uid_t server_uid;
	gid_t server_gid; /* getgid() at start: attr_init runs per entry */
	/* directory reads served, entries they read from the kernel, and
	 * the most one read: what a listing costs, in counts (SIGUSR1) */
	unsigned long dir_reads, dir_scanned, dir_scanned_max;
	time_t start_time;
	int exit_status;
	unsigned long long notify_sent;
	/* what one WRITE request carries at most (fs.c's init): wpiece.h */
	unsigned int write_pages;
	size_t write_bytes;
};

static inline struct ipcfs *fs_of_req(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* Timeouts (seconds) for names and attributes that are stable. */
#define STABLE_TIMEOUT 1.0

/*
 * Fills the attributes common to every object: times, links, and @ino as
 * st_ino (from inum.h; a node id is no inode number).
 */
void attr_init(struct ipcfs *fs, struct stat *st, uint64_t ino, mode_t mode);

#endif
