/*
 * The FUSE glue: the low-level operations table.  Each handler finds the
 * node, calls the node's ops (family.h), and replies exactly once; a
 * NULL op gets the one default family.h lists.  The root directory is
 * answered here, from the registry's top entries; everything else
 * belongs to a family.  Runs only on the loop thread.
 */
#define _GNU_SOURCE
#include "family.h"
#include "procfile.h"
#include "log.h"
#include "fs.h"
#include "inum.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void attr_init(struct ipcfs *fs, struct stat *st, uint64_t ino, mode_t mode)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	st->st_mode = mode;
	st->st_nlink = S_ISDIR(mode) ? 2 : 1;
	st->st_uid = fs->server_uid;
	st->st_gid = fs->server_gid;
	st->st_blksize = 4096;
	st->st_atime = st->st_mtime = st->st_ctime = fs->start_time;
}

static int entry_of(struct ipcfs *fs, struct node *n,
		    struct fuse_entry_param *e);

static bool is_dot_or_dotdot(const char *name)
{
	return name[0] == '.' &&
	       (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

/*
 * The kernel links every entry of a readdirplus reply that has a node id
 * to its dentry and counts a lookup for it, except "." and "..": so each
 * such node gains one here, exactly as a LOOKUP's reply gives it.
 */
static bool dirbuf_add_plus(struct dirbuf *b, const char *name, ino_t ino,
			    mode_t mode, off_t next)
{
	struct fuse_entry_param e;
	size_t need = fuse_add_direntry_plus(b->req, NULL, 0, name, NULL, 0);
	const struct node_ops *ops = b->dir->ops;
	struct node *n = NULL;
	bool linked = false;

	if (b->used + need > b->size || b->ngiven == DIRBUF_PLUS_MAX)
		return false;
	if (!b->bare && !is_dot_or_dotdot(name) && ops->lookup &&
	    ops->lookup(b->fs, b->req, b->dir, name, &n) == 0) {
		linked = entry_of(b->fs, n, &e) == 0;
		if (!linked && n->nlookup == 0 && n->pins == 0)
			node_forget(b->fs, n, 0);
	}
	if (linked) {
		n->nlookup++;
		b->given[b->ngiven++] = n;
	} else {
		memset(&e, 0, sizeof(e));
		e.attr.st_ino = ino;
		e.attr.st_mode = mode;
	}
	fuse_add_direntry_plus(b->req, b->buf + b->used, b->size - b->used,
			       name, &e, next);
	b->used += need;
	return true;
}

bool dirbuf_add(struct dirbuf *b, const char *name, ino_t ino, mode_t mode,
		off_t next)
{
	struct stat st = { .st_ino = ino, .st_mode = mode };
	size_t need;

	if (b->plus)
		return dirbuf_add_plus(b, name, ino, mode, next);
	need = fuse_add_direntry(b->req, NULL, 0, name, NULL, 0);

	if (b->used + need > b->size)
		return false;
	fuse_add_direntry(b->req, b->buf + b->used, b->size - b->used, name,
			  &st, next);
	b->used += need;
	return true;
}

bool dirbuf_add_dots(struct dirbuf *b, ino_t self, ino_t parent, off_t off)
{
	if (off < 1 && !dirbuf_add(b, ".", self, S_IFDIR, 1))
		return false;
	return off >= 2 || dirbuf_add(b, "..", parent, S_IFDIR, 2);
}

/* getdents64 buffer of one dir_scan() round: about one FUSE reply's worth. */
#define DIR_SCAN_BUF 4096
/* The most a readdir reply holds (see ipc_readdir). */
#define READDIR_REPLY_MAX 4096

int dir_scan(int dirfd, off_t *at, off_t pos, struct dirbuf *b,
	     bool (*emit)(struct dirbuf *b, const struct dir_entry *e,
			  void *arg),
	     void *arg)
{
	char buf[DIR_SCAN_BUF] __attribute__((aligned(8)));
	ssize_t n;
	int err;

	if (*at != pos) {
		*at = -1;
		if (lseek(dirfd, pos, SEEK_SET) < 0)
			return -errno;
		*at = pos;
	}
	while ((n = getdents64(dirfd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n;) {
			struct dirent64 *de = (struct dirent64 *)(buf + i);
			struct dir_entry e = {
				.name = de->d_name,
				.ino = de->d_ino,
				.type = de->d_type,
				.next = de->d_off,
			};

			i += de->d_reclen;
			b->scanned++;
			/* where the fd stands once the whole batch is taken */
			*at = de->d_off;
			if (!emit(b, &e, arg)) {
				/* the rest of the batch is not sent: seek next time */
				if (i < n)
					*at = -1;
				return 0;
			}
		}
	}
	if (n < 0) {
		err = -errno;
		*at = -1;
		return b->used ? 0 : err;
	}
	return 0;
}

void reply_text(fuse_req_t req, const char *text, size_t len, size_t size,
		off_t off)
{
	if (off < 0 || (size_t)off >= len)
		fuse_reply_buf(req, NULL, 0);
	else
		fuse_reply_buf(req, text + off,
			       len - (size_t)off < size ? len - (size_t)off :
							  size);
}

int req_creds(fuse_req_t req, struct creds *c)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	int err = creds_of_task(ctx->pid, c);

	if (err)
		return err;
	/* the ids the kernel sent with the request are the ones that count */
	c->fsuid = ctx->uid;
	c->fsgid = ctx->gid;
	return 0;
}

/*
 * SIGUSR1: one line of what the server holds, for an administrator
 * (and the tests) to see that it is bounded: nodes the kernel knows or
 * something open holds, open files and directories, parked requests,
 * how many big reads the bulk worker took, and what listings cost (a
 * directory read must never scan far more than it replies).
 */
void fs_log_state(struct ipcfs *fs, const struct signalfd_siginfo *si)
{
	size_t handles = 0, parked = 0;
	unsigned long served, inline_reads;
	struct list_head *l;

	(void)si;
	for (l = fs->handles.next; l != &fs->handles; l = l->next)
		handles++;
	for (l = fs->parked.next; l != &fs->parked; l = l->next)
		parked++;
	bulk_counts(&fs->bulk, &served, &inline_reads);
	log_notice("state: %zu nodes, %zu open files and directories, "
		   "%zu parked requests; %lu bulk reads by the worker, %lu "
		   "on the loop; %lu directory reads, %lu entries scanned, "
		   "at most %lu by one",
		   fs->nodes.count, handles, parked, served, inline_reads,
		   fs->dir_reads, fs->dir_scanned, fs->dir_scanned_max);
}

/* ---- the registry -------------------------------------------------- */

/* The @i-th entry of the root, in listing order, or NULL past the end. */
static const struct fixed_name *top_entry(struct ipcfs *fs, size_t i)
{
	for (size_t k = 0; k < fs->nfamilies; k++) {
		const struct family *f = fs->families[k].f;

		if (i < f->ntop)
			return &f->top[i];
		i -= f->ntop;
	}
	return NULL;
}

int fs_check_families(struct ipcfs *fs)
{
	for (size_t i = 0; i < fs->nfamilies; i++) {
		const struct family *f = fs->families[i].f;

		if (f->inum_tag < INUM_TAG_FAMILY(0) ||
		    f->inum_tag >= INUM_NTAGS) {
			log_err("family %s: inode-number tag %u is not a "
				"family's",
				f->name, f->inum_tag);
			return -EINVAL;
		}
		for (size_t k = 0; k < i; k++) {
			const struct family *g = fs->families[k].f;

			if (g->inum_tag == f->inum_tag ||
			    strcmp(g->name, f->name) == 0) {
				log_err("families %s and %s share a name or an "
					"inode-number tag",
					g->name, f->name);
				return -EINVAL;
			}
		}
	}
	return 0;
}

int fs_make_top(struct ipcfs *fs)
{
	const struct fixed_name *e;

	for (size_t i = 0; (e = top_entry(fs, i)); i++)
		if (!node_new_top(fs, e->name, e->ops))
			return -ENOMEM;
	return 0;
}

/* ---- the root ------------------------------------------------------- */

/* The top entries are hashed under the root, their names only. */
static int root_lookup(struct ipcfs *fs, fuse_req_t req, struct node *dir,
		       const char *name, struct node **out)
{
	(void)req;
	*out = node_find(fs, dir, name);
	return *out ? 0 : -ENOENT;
}

static int root_getattr(struct ipcfs *fs, struct node *n, struct stat *st)
{
	const struct fixed_name *e;

	attr_init(fs, st, inum_top(n->id), S_IFDIR | 0555);
	for (size_t i = 0; (e = top_entry(fs, i)); i++)
		if (S_ISDIR(e->mode))
			st->st_nlink++;
	return 0;
}

/* Offsets: 1 ".", 2 "..", then each top entry (3, 4, ...). */
static int root_readdir(struct ipcfs *fs, struct dir_handle *dh,
			struct dirbuf *b, off_t off)
{
	const struct fixed_name *e;

	(void)dh;
	if (!dirbuf_add_dots(b, inum_top(INO_ROOT), inum_top(INO_ROOT), off))
		return 0;
	for (size_t i = 0; (e = top_entry(fs, i)); i++) {
		off_t next = (off_t)i + 3;

		if (off >= next)
			continue;
		if (!dirbuf_add(b, e->name, inum_top(node_top(fs, e->name)->id),
				e->mode & S_IFMT, next))
			break;
	}
	return 0;
}

/*
 * The root holds nothing: it reports the storage of the top entry that
 * says so (shm/, the only storage the tree can fill), so that
 * `df MOUNTPOINT` says something true; and so does every directory that
 * has no figures of its own.
 */
static int root_statfs(struct ipcfs *fs, struct node *n, struct statvfs *st)
{
	const struct fixed_name *e;

	(void)n;
	for (size_t i = 0; (e = top_entry(fs, i)); i++) {
		struct node *top = node_top(fs, e->name);

		if (e->statfs_root && top->ops->statfs)
			return top->ops->statfs(fs, top, st);
	}
	return statvfs("/", st) ? -errno : 0;
}

const struct node_ops fs_root_ops = {
	.lookup = root_lookup,
	.getattr = root_getattr,
	.readdir = root_readdir,
	.statfs = root_statfs,
};

/* ---- helpers ---------------------------------------------------------- */

static int node_attr(struct ipcfs *fs, struct node *n, struct stat *st)
{
	return n->ops->getattr(fs, n, st);
}

static void node_timeouts(struct ipcfs *fs, struct node *n, double *entry,
			  double *attr)
{
	if (n->ops->timeouts)
		n->ops->timeouts(fs, n, entry, attr);
	else
		*entry = *attr = STABLE_TIMEOUT;
}

/* Replies with @n as the entry for a lookup, mkdir or create. */
static int entry_of(struct ipcfs *fs, struct node *n,
		    struct fuse_entry_param *e)
{
	int err;

	memset(e, 0, sizeof(*e));
	err = node_attr(fs, n, &e->attr);
	if (err)
		return err;
	e->ino = n->id;
	e->generation = n->generation;
	node_timeouts(fs, n, &e->entry_timeout, &e->attr_timeout);
	return 0;
}

/* A node handed to the kernel gains a lookup, even when it fails to
 * arrive: an undelivered reply is undone with a forget of our own. */
static void reply_entry(struct ipcfs *fs, fuse_req_t req, struct node *n)
{
	struct fuse_entry_param e;
	int err = entry_of(fs, n, &e);

	if (err) {
		if (n->nlookup == 0 && n->pins == 0)
			node_forget(fs, n, 0);
		fuse_reply_err(req, -err);
		return;
	}
	n->nlookup++;
	if (fuse_reply_entry(req, &e))
		node_forget(fs, n, 1);
}

static struct node *dir_node(struct ipcfs *fs, fuse_req_t req, fuse_ino_t ino)
{
	struct node *n = node_get(fs, ino);

	if (!n)
		fuse_reply_err(req, ESTALE);
	return n;
}

static struct handle *handle_of(struct fuse_file_info *fi)
{
	return (struct handle *)(uintptr_t)fi->fh;
}

/* Closes an open file or directory: the family's part, then our pin. */
static void release_file(struct ipcfs *fs, struct handle *h)
{
	struct node *n = h->node;

	list_del(&h->link);
	handle_set_poll(h, NULL);
	usage_uncharge(&fs->usage, h->uid, h->charged_fds, h->charged_bytes);
	if (h->is_dir) {
		struct dir_handle *dh = (struct dir_handle *)h;

		if (dh->free_state)
			dh->free_state(dh->state);
		free(dh);
	} else {
		n->ops->release(fs, h);
	}
	node_unpin(fs, n);
	/*
	 * Many small frees (held messages, handles) leave the heap's pages
	 * with glibc; after enough of them, give the free ones back.
	 */
	if (usage_should_trim(&fs->usage))
		malloc_trim(0);
}

void handle_set_owner(struct handle *h, fuse_req_t req)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);

	h->uid = ctx->uid;
	h->gid = ctx->gid;
	h->pid = ctx->pid;
}

int handle_charge(struct ipcfs *fs, struct handle *h, size_t fds, size_t bytes)
{
	int err = usage_charge(&fs->usage, h->uid, fds, bytes);

	if (err)
		return err;
	h->charged_fds += fds;
	h->charged_bytes += bytes;
	return 0;
}

void handle_uncharge(struct ipcfs *fs, struct handle *h, size_t fds,
		     size_t bytes)
{
	fds = fds < h->charged_fds ? fds : h->charged_fds;
	bytes = bytes < h->charged_bytes ? bytes : h->charged_bytes;
	usage_uncharge(&fs->usage, h->uid, fds, bytes);
	h->charged_fds -= fds;
	h->charged_bytes -= bytes;
}

/*
 * The handle's own memory counts before the family makes it: an open
 * past its opener's cap fails before anything is done (an open of a
 * queue's priority file that failed later would still send at close).
 */
static int charge_open(struct ipcfs *fs, fuse_req_t req)
{
	return usage_charge(&fs->usage, fuse_req_ctx(req)->uid, 0,
			    HANDLE_BYTES);
}

static void uncharge_open(struct ipcfs *fs, fuse_req_t req)
{
	usage_uncharge(&fs->usage, fuse_req_ctx(req)->uid, 0, HANDLE_BYTES);
}

/* The opened handle takes over the charge of charge_open(). */
static void own_open(struct handle *h, fuse_req_t req)
{
	handle_set_owner(h, req);
	h->charged_bytes += HANDLE_BYTES;
}

void handle_set_poll(struct handle *h, struct fuse_pollhandle *ph)
{
	if (h->ph)
		fuse_pollhandle_destroy(h->ph);
	h->ph = ph;
}

void handle_notify_poll(struct handle *h)
{
	if (!h->ph)
		return;
	fuse_lowlevel_notify_poll(h->ph);
	fuse_pollhandle_destroy(h->ph);
	h->ph = NULL;
}

/* ---- operations ---------------------------------------------------------- */

/*
 * Pages one WRITE may carry: what libfuse 3.14 asks for (max_write in
 * pages), capped by the kernel's fs.fuse.max_pages_limit.
 */
static unsigned int write_pages(size_t max_write)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned int pages;
	unsigned long limit;

	if (page <= 0)
		page = 4096;
	pages = (unsigned int)((max_write - 1) / (size_t)page + 1);
	if (procfile_read_ulong("/proc/sys/fs/fuse/max_pages_limit", UINT_MAX,
				&limit) == 0 &&
	    limit && limit < pages)
		pages = (unsigned int)limit;
	return pages;
}

static void ipc_init(void *userdata, struct fuse_conn_info *conn)
{
	struct ipcfs *fs = userdata;

	/* `>` opens with O_TRUNC: take it in open, not as a SETATTR. */
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	/* Large shm reads and writes in one request each. */
	conn->max_write = FS_MAX_IO;
	conn->max_read = FS_MAX_IO;
	conn->max_readahead = FS_MAX_IO;
	/*
	 * Room for background requests: parked requests of O_DIRECT files
	 * count against it (mqio.c keeps them well below, per user), and
	 * RELEASE of every file and shm readahead need the rest.
	 */
	conn->max_background = FS_MAX_BACKGROUND;
	conn->congestion_threshold = FS_CONGESTION_THRESHOLD;
	fs->write_bytes = conn->max_write;
	fs->write_pages = write_pages(conn->max_write);
	if (conn->capable & FUSE_CAP_AUTO_INVAL_DATA)
		conn->want |= FUSE_CAP_AUTO_INVAL_DATA;
	/*
	 * Passthrough of shm files (passthru.h) is asked for in the reply
	 * libfuse writes after this; say once why it will not be.
	 */
	if (fs->opts.nopassthrough)
		return;
	if (!fs->pt.offered)
		log_notice(
			"shm files go through the server: the "
			"kernel offers no passthrough (needs Linux 6.9+ with "
			"CONFIG_FUSE_PASSTHROUGH)");
	else if (!fs->pt.wanted)
		log_notice("shm files go through the server: "
			   "passthrough needs CAP_SYS_ADMIN");
	else if (fs->opts.debug)
		log_info("shm files use kernel passthrough");
}

static void ipc_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct ipcfs *fs = fs_of_req(req);
	struct node *dir = dir_node(fs, req, parent), *n = NULL;
	int err;

	if (!dir)
		return;
	err = dir->ops->lookup ? dir->ops->lookup(fs, req, dir, name, &n) :
				 -ENOTDIR;
	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	reply_entry(fs, req, n);
}

static void ipc_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct ipcfs *fs = fs_of_req(req);
	struct node *n = node_get(fs, ino);

	if (n)
		node_forget(fs, n, nlookup);
	fuse_reply_none(req);
}

static void ipc_forget_multi(fuse_req_t req, size_t count,
			     struct fuse_forget_data *forgets)
{
	struct ipcfs *fs = fs_of_req(req);

	for (size_t i = 0; i < count; i++) {
		struct node *n = node_get(fs, forgets[i].ino);

		if (n)
			node_forget(fs, n, forgets[i].nlookup);
	}
	fuse_reply_none(req);
}

static void ipc_getattr(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	struct ipcfs *fs = fs_of_req(req);
	struct node *n = dir_node(fs, req, ino);
	struct stat st;
	double entry, attr;
	int err;

	(void)fi;
	if (!n)
		return;
	err = node_attr(fs, n, &st);
	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	node_timeouts(fs, n, &entry, &attr);
	fuse_reply_attr(req, &st, attr);
}

static void ipc_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			int to_set, struct fuse_file_info *fi)
{
	struct ipcfs *fs = fs_of_req(req);
	struct node *n = dir_node(fs, req, ino);
	const struct node_ops *ops;
	struct stat st;
	double entry, timeout;
	int err;

	if (!n)
		return;
	ops = n->ops;
	err = ops->setattr ? ops->setattr(fs, req, n, attr, to_set,
					  fi ? handle_of(fi) : NULL) :
			     -EPERM;
	if (!err)
		err = node_attr(fs, n, &st);
	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	node_timeouts(fs, n, &entry, &timeout);
	fuse_reply_attr(req, &st, timeout);
}

static void ipc_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct ipcfs *fs = fs_of_req(req);
	struct node *n = dir_node(fs, req, ino);
	const struct node_ops *ops;
	char buf[64];
	int err;

	if (!n)
		return;
	ops = n->ops;
	err = ops->readlink ? ops->readlink(fs, req, n, buf, sizeof(buf)) :
			      -EINVAL;
	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_readlink(req, buf);
}

static void ipc_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode)
{
	struct ipcfs *fs = fs_of_req(req);
	struct node *dir = dir_node(fs, req, parent), *n = NULL;
	const struct node_ops *ops;
	int err;

	if (!dir)
		return;
	ops = dir->ops;
	err = ops->mkdir ? ops->mkdir(fs, req, dir, name, mode, &n) : -EPERM;
	if (err)
		fuse_reply_err(req, -err);
	else
		reply_entry(fs, req, n);
}

static void ipc_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct ipcfs *fs = fs_of_req(req);
	struct node *dir = dir_node(fs, req, parent);
	const struct node_ops *ops;

	if (!dir)
		return;
	ops = dir->ops;
	fuse_reply_err(req,
		       ops->rmdir ? -ops->rmdir(fs, req, dir, name) : EPERM);
}

static void ipc_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct ipcfs *fs = fs_of_req(req);
	struct node *dir = dir_node(fs, req, parent);
	const struct node_ops *ops;

	if (!dir)
		return;
	ops = dir->ops;
	fuse_reply_err(req,
		       ops->unlink ? -ops->unlink(fs, req, dir, name) : EPERM);
}

static void ipc_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		       fuse_ino_t newparent, const char *newname,
		       unsigned int flags)
{
	struct ipcfs *fs = fs_of_req(req);
	struct node *dir = dir_node(fs, req, parent), *newdir;
	const struct node_ops *ops;

	if (!dir)
		return;
	newdir = node_get(fs, newparent);
	if (!newdir) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	ops = dir->ops;
	if (newdir->ops != ops || !ops->rename) {
		fuse_reply_err(req, ops->rename ? EXDEV : EPERM);
		return;
	}
	fuse_reply_err(
		req, -ops->rename(fs, req, dir, name, newdir, newname, flags));
}

static void ipc_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		       mode_t mode, struct fuse_file_info *fi)
{
	struct ipcfs *fs = fs_of_req(req);
	struct node *dir = dir_node(fs, req, parent), *n = NULL;
	const struct node_ops *ops;
	struct fuse_entry_param e;
	int err;

	if (!dir)
		return;
	ops = dir->ops;
	/* As in /proc: creating where nothing can be created is EACCES. */
	err = ops->create ? charge_open(fs, req) : -EACCES;
	if (!err) {
		err = ops->create(fs, req, dir, name, mode, fi, &n);
		if (err)
			uncharge_open(fs, req);
	}
	if (!err) {
		/* the open file's pin and link, as in ipc_open */
		own_open(handle_of(fi), req);
		node_pin(n);
		list_add(&handle_of(fi)->link, &fs->handles);
		err = entry_of(fs, n, &e);
		if (err)
			release_file(fs, handle_of(fi));
	}
	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	n->nlookup++;
	fs->pt.reply_id = handle_of(fi)->backing_id;
	err = fuse_reply_create(req, &e, fi);
	fs->pt.reply_id = 0;
	if (err) {
		/* The caller is gone: no release will come for this file. */
		release_file(fs, handle_of(fi));
		node_forget(fs, n, 1);
	}
}

static void ipc_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct ipcfs *fs = fs_of_req(req);
	struct node *n = dir_node(fs, req, ino);
	const struct node_ops *ops;
	int err;

	if (!n)
		return;
	ops = n->ops;
	err = ops->open ? charge_open(fs, req) : -EISDIR;
	if (!err) {
		err = ops->open(fs, req, n, fi);
		if (err)
			uncharge_open(fs, req);
	}
	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	own_open(handle_of(fi), req);
	node_pin(n);
	list_add(&handle_of(fi)->link, &fs->handles);
	/* the reply names the backing file, if any (see passthru.h) */
	fs->pt.reply_id = handle_of(fi)->backing_id;
	err = fuse_reply_open(req, fi);
	fs->pt.reply_id = 0;
	if (err)
		release_file(fs, handle_of(fi));
}

/*
 * A read or write carries the file's flags now: O_NONBLOCK may have been
 * set or cleared with fcntl() since the open.
 */
static void take_nonblock(struct handle *h, const struct fuse_file_info *fi)
{
	/* O_DIRECT too: only its aio requests are background (mqio.c) */
	const int live = O_NONBLOCK | O_DIRECT;

	h->flags = (h->flags & ~live) | (fi->flags & live);
}

static void ipc_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct handle *h = handle_of(fi);
	const struct node_ops *ops = h->node->ops;

	(void)ino;
	take_nonblock(h, fi);
	if (ops->read)
		ops->read(fs_of_req(req), req, h, size, off);
	else
		fuse_reply_err(req, EBADF);
}

static void ipc_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		      size_t size, off_t off, struct fuse_file_info *fi)
{
	struct handle *h = handle_of(fi);
	const struct node_ops *ops = h->node->ops;

	(void)ino;
	take_nonblock(h, fi);
	if (ops->write)
		ops->write(fs_of_req(req), req, h, buf, size, off);
	else
		fuse_reply_err(req, EBADF);
}

static void ipc_release(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	(void)ino;
	release_file(fs_of_req(req), handle_of(fi));
	fuse_reply_err(req, 0);
}

/*
 * Never ENOSYS: the kernel would stop sending FLUSH for the whole mount,
 * and a family that needs to see closes would no longer see them.
 */
static void ipc_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct handle *h = handle_of(fi);
	const struct node_ops *ops = h->node->ops;

	(void)ino;
	fuse_reply_err(req,
		       ops->flush ? -ops->flush(fs_of_req(req), req, h) : 0);
}

static void ipc_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		      struct fuse_file_info *fi)
{
	struct handle *h = handle_of(fi);
	const struct node_ops *ops = h->node->ops;

	(void)ino;
	fuse_reply_err(
		req, ops->fsync ? -ops->fsync(fs_of_req(req), h, datasync) : 0);
}

/*
 * Only files with storage behind them (shm files) have a fallocate op.
 * Every other file is refused with ENODEV: glibc's posix_fallocate falls back to writing a byte per block
 * on EOPNOTSUPP, which on a priority file would send NUL messages, while
 * it passes any other errno on.  ENOSYS must never be answered: the
 * kernel would then refuse fallocate for the whole mount itself.
 */
static void ipc_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off,
			  off_t len, struct fuse_file_info *fi)
{
	struct handle *h = handle_of(fi);
	const struct node_ops *ops = h->node->ops;
	int err;

	(void)ino;
	if (ops->fallocate)
		err = -ops->fallocate(fs_of_req(req), h, mode, off, len);
	else
		err = ENODEV;
	fuse_reply_err(req, err);
}

static void ipc_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
		     struct fuse_pollhandle *ph)
{
	struct handle *h = handle_of(fi);
	const struct node_ops *ops = h->node->ops;

	(void)ino;
	if (ops->poll) {
		ops->poll(fs_of_req(req), req, h, ph);
	} else {
		/* Plain files are always ready, as on any disk file. */
		if (ph)
			fuse_pollhandle_destroy(ph);
		fuse_reply_poll(req,
				POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
	}
}

static void ipc_opendir(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	struct ipcfs *fs = fs_of_req(req);
	struct node *n = dir_node(fs, req, ino);
	const struct node_ops *ops;
	struct dir_handle *dh;
	int err = 0;

	if (!n)
		return;
	ops = n->ops;
	if (!ops->readdir) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	dh = calloc(1, sizeof(*dh));
	if (!dh) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	dh->h.node = n;
	handle_set_owner(&dh->h, req);
	err = handle_charge(fs, &dh->h, 0, HANDLE_BYTES);
	if (!err && ops->opendir)
		err = ops->opendir(fs, req, dh);
	if (err) {
		usage_uncharge(&fs->usage, dh->h.uid, dh->h.charged_fds,
			       dh->h.charged_bytes);
		if (dh->free_state)
			dh->free_state(dh->state);
		free(dh);
		fuse_reply_err(req, -err);
		return;
	}
	node_pin(n);
	dh->h.is_dir = true;
	list_add(&dh->h.link, &fs->handles);
	fi->fh = (uintptr_t)dh;
	if (fuse_reply_open(req, fi))
		release_file(fs, &dh->h);
}

/*
 * READDIR and READDIRPLUS.  The kernel asks for plus (FUSE's
 * READDIRPLUS_AUTO) on a directory's first batch and then only while
 * its entries are being looked up as well, as by `ls -l`: then one
 * request carries a batch of names with their attributes, where a plain
 * readdir would be followed by one LOOKUP per name.
 */
static void do_readdir(fuse_req_t req, size_t size, off_t off,
		       struct fuse_file_info *fi, bool plus)
{
	struct ipcfs *fs = fs_of_req(req);
	struct dir_handle *dh = (struct dir_handle *)handle_of(fi);
	struct dirbuf b = {
		.req = req,
		.size = size,
		.plus = plus,
		.fs = fs,
		.dir = dh->h.node,
	};
	int err;

	/*
	 * One request must not hold the loop for long: a reply of the
	 * kernel's 32 KiB holds ~800 names, ~0.8 ms of getdents64 for a
	 * big shm/ or proc/, and every signal and message waited behind it.
	 * A short reply makes the kernel ask again, between other requests.
	 */
	if (size > READDIR_REPLY_MAX)
		b.size = size = READDIR_REPLY_MAX;
	b.buf = malloc(size);
	if (!b.buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	err = dh->h.node->ops->readdir(fs, dh, &b, off);
	fs->dir_reads++;
	fs->dir_scanned += b.scanned;
	if (b.scanned > fs->dir_scanned_max)
		fs->dir_scanned_max = b.scanned;
	if (fs->opts.debug && b.scanned)
		log_msg(LOG_DEBUG,
			"readdir of %llu at %lld: %lu entries "
			"scanned, %zu bytes replied",
			(unsigned long long)dh->h.node->id, (long long)off,
			b.scanned, b.used);
	if (err) {
		/* a plus batch is sent whole or not at all: undo its lookups */
		while (b.ngiven)
			node_forget(fs, b.given[--b.ngiven], 1);
		fuse_reply_err(req, -err);
	} else if (fuse_reply_buf(req, b.buf, b.used)) {
		while (b.ngiven)
			node_forget(fs, b.given[--b.ngiven], 1);
	}
	free(b.buf);
}

static void ipc_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			struct fuse_file_info *fi)
{
	(void)ino;
	do_readdir(req, size, off, fi, false);
}

static void ipc_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size,
			    off_t off, struct fuse_file_info *fi)
{
	(void)ino;
	do_readdir(req, size, off, fi, true);
}

/*
 * df(1): each directory reports the storage behind it (its statfs op);
 * a directory without one answers as the root does (root_statfs).
 */
static void ipc_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct ipcfs *fs = fs_of_req(req);
	struct node *n = node_get(fs, ino);
	struct statvfs st;
	int err;

	if (!n || !n->ops->statfs)
		n = node_get(fs, INO_ROOT);
	err = n->ops->statfs(fs, n, &st);
	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_statfs(req, &st);
}

static void ipc_releasedir(fuse_req_t req, fuse_ino_t ino,
			   struct fuse_file_info *fi)
{
	(void)ino;
	release_file(fs_of_req(req), handle_of(fi));
	fuse_reply_err(req, 0);
}

void fs_shutdown(struct ipcfs *fs)
{
	unpark_all(fs, ENOTCONN);
	while (!list_empty(&fs->handles))
		release_file(fs, list_first_entry(&fs->handles, struct handle,
						  link));
}

/* No object in the tree is a link or a device: refuse as /proc does. */
static void ipc_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
			const char *name)
{
	(void)link;
	(void)parent;
	(void)name;
	fuse_reply_err(req, EPERM);
}

static void ipc_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		     const char *newname)
{
	(void)ino;
	(void)newparent;
	(void)newname;
	fuse_reply_err(req, EPERM);
}

static void ipc_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, dev_t rdev)
{
	(void)parent;
	(void)name;
	(void)mode;
	(void)rdev;
	fuse_reply_err(req, EPERM);
}

const struct fuse_lowlevel_ops ipcfs_ops = {
	.symlink = ipc_symlink,
	.link = ipc_link,
	.mknod = ipc_mknod,
	.init = ipc_init,
	.lookup = ipc_lookup,
	.forget = ipc_forget,
	.forget_multi = ipc_forget_multi,
	.getattr = ipc_getattr,
	.setattr = ipc_setattr,
	.readlink = ipc_readlink,
	.mkdir = ipc_mkdir,
	.rmdir = ipc_rmdir,
	.unlink = ipc_unlink,
	.rename = ipc_rename,
	.create = ipc_create,
	.open = ipc_open,
	.read = ipc_read,
	.write = ipc_write,
	.flush = ipc_flush,
	.release = ipc_release,
	.fsync = ipc_fsync,
	.poll = ipc_poll,
	.fallocate = ipc_fallocate,
	.opendir = ipc_opendir,
	.readdir = ipc_readdir,
	.readdirplus = ipc_readdirplus,
	.releasedir = ipc_releasedir,
	.statfs = ipc_statfs,
};
