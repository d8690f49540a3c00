/*
 * The message queue family: mq/ lists every POSIX message queue of the
 * system, mq/<q>/ is one queue (next, 0..31 and any priority by name,
 * maxmsg, msgsize, curmsgs).  mkdir creates a queue and rmdir removes it,
 * both as the caller; chmod and chown act on the queue.  This file is the
 * tree: names, attributes, directories, create and remove.  The view of
 * the mqueue file system is in mqview.c, queue objects and wake-ups in
 * mqobj.c, the traffic in mqio.c.  Loop thread only.
 */
#define _GNU_SOURCE
#include "mqfs.h"
#include "procfile.h"
#include "route.h"
#include "settimes.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct node_ops queue_dir_ops, queue_file_ops;

/* A queue directory holds its queue; its files find it there. */
static struct queue *queue_of_file(struct node *n)
{
	return n->parent->obj;
}

/* ---- names ---- */

/* The live object for the queue now called @name; a new reference. */
static int queue_by_name(struct ipcfs *fs, const char *name, struct queue **out)
{
	struct mq_family *mf = mq_of(fs);
	struct queue *q;
	struct stat st;

	if (mf->dirfd >= 0) {
		if (fstatat(mf->dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
			return -errno;
		return queue_get_or_open(fs, name, st.st_ino, (mqd_t)-1, out);
	}
	/* no view: a name stays with its object until it is removed here */
	q = queue_find_name(fs, name);
	if (q) {
		queue_get(q);
		*out = q;
		return 0;
	}
	return queue_get_or_open(fs, name, 0, (mqd_t)-1, out);
}

/*
 * A mkdir spec ("q,maxmsg=10") that is no queue's own name stands for
 * queue q, with timeouts 0: `mkdir -m` chmods the new directory by the
 * name it gave, and a spec for an existing queue is EEXIST.
 */
static int queue_by_spec(struct ipcfs *fs, const char *spec, struct queue **out)
{
	char name[ROUTE_NAME_MAX + 1];
	long maxmsg, msgsize;

	if (!strchr(spec, ',') ||
	    route_mkdir_queue(spec, name, &maxmsg, &msgsize))
		return -ENOENT;
	return queue_by_name(fs, name, out);
}

static int lookup_queue(struct ipcfs *fs, struct node *dir, const char *name,
			struct node **out)
{
	struct node *n = node_find(fs, dir, name);
	struct queue *q;
	int err = route_ipc_name(name);

	if (err)
		return err;
	err = queue_by_name(fs, name, &q);
	if (err == -ENOENT)
		err = queue_by_spec(fs, name, &q);
	if (err) {
		if (n && err == -ENOENT) {
			queue_gone(fs, n->obj);
			node_unhash(fs, n);
		}
		return err;
	}
	if (n && n->obj == q) {
		queue_put(fs, q);
		*out = n;
		return 0;
	}
	if (n && strcmp(((struct queue *)n->obj)->name, name) == 0)
		queue_gone(fs, n->obj); /* the name is another queue now */
	n = node_new(fs, dir, name, &queue_dir_ops, 0, q);
	*out = n;
	return n ? 0 : -ENOMEM;
}

static int mq_dir_lookup(struct ipcfs *fs, fuse_req_t req, struct node *dir,
			 const char *name, struct node **out)
{
	(void)req;
	return lookup_queue(fs, dir, name, out);
}

static int queue_dir_lookup(struct ipcfs *fs, fuse_req_t req, struct node *dir,
			    const char *name, struct node **out)
{
	struct queue *q = dir->obj;
	struct node *n;
	int f, err;

	(void)req;
	err = queue_check(fs, q); /* the kernel may have walked a stale name */
	if (err)
		return err;
	if (q->gone)
		return -ENOENT; /* like a removed directory */
	f = queue_file_find(name);
	if (f < 0)
		return f;
	n = node_find(fs, dir, name);
	if (!n)
		n = node_new(fs, dir, name, &queue_file_ops, f, NULL);
	*out = n;
	return n ? 0 : -ENOMEM;
}

/* ---- attributes ---- */

static int queue_stat(struct ipcfs *fs, struct queue *q, struct stat *st)
{
	if (q->mqd != (mqd_t)-1)
		return fstat(q->mqd, st) ? -errno : 0;
	if (mq_of(fs)->dirfd >= 0 &&
	    fstatat(mq_of(fs)->dirfd, q->name, st, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	return -ENOENT;
}

/* Bytes of all messages in the queue (the mqueue file's QSIZE). */
static off_t queue_bytes(struct queue *q)
{
	unsigned long long qsize;
	char text[160];
	long pid;
	ssize_t n;

	if (q->mqd == (mqd_t)-1)
		return 0;
	n = pread(q->mqd, text, sizeof(text) - 1, 0);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	return mq_parse_status(text, &qsize, &pid) ? 0 : (off_t)qsize;
}

static int mq_dir_getattr(struct ipcfs *fs, struct node *n, struct stat *st)
{
	struct stat real;

	attr_init(fs, st, inum_top(n->id), S_IFDIR | 01777);
	st->st_uid = 0;
	st->st_gid = 0;
	if (mq_of(fs)->dirfd >= 0 && fstat(mq_of(fs)->dirfd, &real) == 0) {
		st->st_uid = real.st_uid;
		st->st_gid = real.st_gid;
		st->st_atim = real.st_atim;
		st->st_mtim = real.st_mtim;
		st->st_ctim = real.st_ctim;
	}
	return 0;
}

/* A queue's directory (@file MQ_FILE_DIR) or one of its files. */
static int queue_attr(struct ipcfs *fs, struct queue *q, int file,
		      struct stat *st)
{
	struct stat real;
	char text[24];
	int err;

	err = queue_stat(fs, q, &real);
	if (err)
		return err;
	attr_init(fs, st, (fuse_ino_t)mq_ino(q->ino, file),
		  file == MQ_FILE_DIR ? mq_dir_mode(real.st_mode) :
					mq_file_mode(real.st_mode, file));
	st->st_uid = real.st_uid;
	st->st_gid = real.st_gid;
	st->st_atim = real.st_atim;
	st->st_mtim = real.st_mtim;
	st->st_ctim = real.st_ctim;
	if (file == MQ_FILE_DIR) {
		st->st_size = queue_bytes(q);
	} else if (mq_file_is_priority(file)) {
		/* stdio sizes its buffer by this: a whole message per write */
		if (q->msgsize > st->st_blksize)
			st->st_blksize = q->msgsize;
	} else if (file != QF_NEXT) {
		long v = file == QF_MAXMSG  ? q->maxmsg :
			 file == QF_MSGSIZE ? q->msgsize :
					      queue_curmsgs(q);

		st->st_size = (off_t)mq_format_number(v, text, sizeof(text));
	}
	return 0;
}

/*
 * A getattr comes for a name the kernel walked (stat) or for an open
 * file (fstat), and the two look the same: the name is checked, except
 * for a file that is open, whose queue stays its own (an fstat on it
 * must answer; a stat through a stale name while it is open may show the
 * old queue until the invalidation lands).
 */
static int queue_dir_getattr(struct ipcfs *fs, struct node *n, struct stat *st)
{
	int err = queue_check(fs, n->obj);

	return err ? err : queue_attr(fs, n->obj, MQ_FILE_DIR, st);
}

static int queue_file_getattr(struct ipcfs *fs, struct node *n, struct stat *st)
{
	int err = queue_check(fs, queue_of_file(n));

	if (err && n->pins == 0)
		return err; /* a file's pins are its open files */
	return queue_attr(fs, queue_of_file(n), n->sub, st);
}

/*
 * Other programs remove and make queues behind our back.  The kernel
 * keeps a queue's name for a second all the same: the inotify watch
 * (mqview.c) has it forgotten microseconds after such a change, and
 * until then every request that reaches a queue through the name (open,
 * stat, opendir, chmod, a lookup below it) is checked by queue_check(),
 * so a stale name never leads to the old queue.  The directory's
 * attributes are not kept: its size is the queue's bytes, which change
 * with every message, and a stat of a queue another program has just
 * removed must say ENOENT at once.  Without the watch nothing would
 * make the kernel forget a name, so none is kept.
 */
static void queue_dir_timeouts(struct ipcfs *fs, struct node *n, double *entry,
			       double *attr)
{
	struct queue *q = n->obj;

	*entry = STABLE_TIMEOUT;
	*attr = 0;
	if (q->gone || strcmp(n->name, q->name) != 0 || !mq_of(fs)->started)
		*entry = 0; /* removed, a mkdir spec name, or not watched */
}

/*
 * A queue file's attributes are its queue's: kept by the kernel, they
 * would show the old queue to a stat that comes before the invalidation
 * of a name another program made again.  With default_permissions the
 * kernel asks for the directory's attributes (never kept) on every walk
 * through it, and that getattr is checked (queue_check), so the files'
 * may be kept: an open then costs no GETATTR for its permission check.
 * Without it, an open, a read or a write needs no attributes at all and
 * only a stat asks: they are not kept, so every stat is checked too.
 * curmsgs' size changes with every message, whoever sends it.
 */
static void queue_file_timeouts(struct ipcfs *fs, struct node *n, double *entry,
				double *attr)
{
	*entry = *attr = STABLE_TIMEOUT;
	if (queue_of_file(n)->gone)
		*entry = *attr = 0; /* a removed queue */
	else if (n->sub == QF_CURMSGS || !fs->opts.default_permissions)
		*attr = 0;
}

static void queue_dir_release_obj(struct ipcfs *fs, void *obj)
{
	queue_put(fs, obj);
}

/* ---- directories ---- */

/*
 * No state per open directory: mqview_list() reads the view's one fd.
 * Offsets: 1 ".", 2 "..", then the mqueue file system's own (3, 4, ...).
 */
static int mq_dir_readdir(struct ipcfs *fs, struct dir_handle *dh,
			  struct dirbuf *b, off_t off)
{
	(void)dh;
	/*
	 * A queue's node holds a descriptor of it (mqobj.c), so plus
	 * entries, which the kernel asks for in every first batch, would
	 * make a mere `ls mq/` hold one descriptor per queue listed for as
	 * long as the kernel caches the names.  Entries go without nodes.
	 */
	b->bare = true;
	if (!dirbuf_add_dots(b, inum_top(mq_of(fs)->dir->id),
			     inum_top(INO_ROOT), off))
		return 0;
	return mqview_list(fs, b, off);
}

static int queue_dir_opendir(struct ipcfs *fs, fuse_req_t req,
			     struct dir_handle *dh)
{
	(void)req;
	return queue_check(fs, dh->h.node->obj);
}

static int queue_dir_readdir(struct ipcfs *fs, struct dir_handle *dh,
			     struct dirbuf *b, off_t off)
{
	struct queue *q = dh->h.node->obj;
	char name[16];
	off_t next;

	if (!dirbuf_add_dots(b, mq_ino(q->ino, MQ_FILE_DIR),
			     inum_top(mq_of(fs)->dir->id), off))
		return 0;
	/* next, 0..31, maxmsg, msgsize, curmsgs */
	for (int i = 0; i < 1 + QUEUE_PRIO_LISTED + QF_END - QF_MAXMSG; i++) {
		int file = i == 0 ? QF_NEXT :
			   i <= QUEUE_PRIO_LISTED ?
				    i - 1 :
				    QF_MAXMSG + i - 1 - QUEUE_PRIO_LISTED;

		next = i + 3;
		if (off >= next)
			continue;
		if (!dirbuf_add(b, queue_file_name(file, name, sizeof(name)),
				mq_ino(q->ino, file), S_IFREG, next))
			break;
	}
	return 0;
}

/* ---- create, remove, chmod, chown ---- */

static long sysctl_value(const char *file, long fallback)
{
	char path[64], text[32];
	long v;

	snprintf(path, sizeof(path), "/proc/sys/fs/mqueue/%s", file);
	if (procfile_read_small(AT_FDCWD, path, text, sizeof(text)) < 0)
		return fallback;
	return mq_parse_sysctl(text, &v) ? fallback : v;
}

/*
 * Attributes of a new queue: the mkdir spec, else the mount's defaults,
 * else the system's (what mq_open with no attributes gives: the default
 * capped by the maximum).  NULL when nothing was asked for at all.
 */
static struct mq_attr *new_attr(struct ipcfs *fs, long maxmsg, long msgsize,
				struct mq_attr *attr)
{
	if (!maxmsg)
		maxmsg = fs->opts.mq_maxmsg;
	if (!msgsize)
		msgsize = fs->opts.mq_msgsize;
	if (!maxmsg && !msgsize)
		return NULL;
	if (!maxmsg) {
		maxmsg = sysctl_value("msg_default", 10);
		if (maxmsg > sysctl_value("msg_max", maxmsg))
			maxmsg = sysctl_value("msg_max", maxmsg);
	}
	if (!msgsize) {
		msgsize = sysctl_value("msgsize_default", 8192);
		if (msgsize > sysctl_value("msgsize_max", msgsize))
			msgsize = sysctl_value("msgsize_max", msgsize);
	}
	memset(attr, 0, sizeof(*attr));
	attr->mq_maxmsg = maxmsg;
	attr->mq_msgsize = msgsize;
	return attr;
}

/*
 * Runs @op as the caller: its uids, gids, groups and RLIMIT_MSGQUEUE, so
 * the kernel checks and accounts the caller, never the server.
 */
static int as_caller(fuse_req_t req, int (*op)(void *arg), void *arg)
{
	struct caller_ctx cc;
	struct creds c;
	mode_t old_umask;
	int err;

	err = req_creds(req, &c);
	if (err)
		return err;
	err = caller_enter(&cc, &fs_of_req(req)->creds_env, &c,
			   fuse_req_ctx(req)->pid);
	creds_release(&c);
	if (err)
		return err;
	old_umask = umask(0); /* the caller's umask was applied by the kernel */
	err = op(arg);
	umask(old_umask);
	caller_leave(&cc);
	return err;
}

struct create_args {
	const char *name;
	mode_t mode;
	struct mq_attr *attr;
	mqd_t mqd;
};

static int do_create(void *arg)
{
	struct create_args *a = arg;
	char path[ROUTE_NAME_MAX + 2];

	snprintf(path, sizeof(path), "/%s", a->name);
	a->mqd = mq_open(path, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK, a->mode,
			 a->attr);
	return a->mqd == (mqd_t)-1 ? -errno : 0;
}

static int mq_dir_mkdir(struct ipcfs *fs, fuse_req_t req, struct node *dir,
			const char *spec, mode_t mode, struct node **out)
{
	char name[ROUTE_NAME_MAX + 1];
	struct create_args a = { .name = name, .mode = mq_queue_mode(mode) };
	struct mq_attr attr;
	struct stat st;
	struct queue *q;
	long maxmsg, msgsize;
	struct node *n;
	int err;

	err = route_mkdir_queue(spec, name, &maxmsg, &msgsize);
	if (err)
		return err;
	a.attr = new_attr(fs, maxmsg, msgsize, &attr);
	err = as_caller(req, do_create, &a);
	if (err)
		return err;
	if (fstat(a.mqd, &st)) {
		err = -errno;
		close(a.mqd);
		return err;
	}
	err = queue_get_or_open(fs, name, st.st_ino, a.mqd, &q);
	if (err)
		return err;
	/* a spec name gets its own node, with timeouts 0 (see above) */
	n = node_new(fs, dir, spec, &queue_dir_ops, 0, q);
	*out = n;
	return n ? 0 : -ENOMEM;
}

static int do_unlink(void *arg)
{
	char path[ROUTE_NAME_MAX + 2];

	snprintf(path, sizeof(path), "/%s", (const char *)arg);
	return mq_unlink(path) ? -errno : 0;
}

static int mq_dir_rmdir(struct ipcfs *fs, fuse_req_t req, struct node *dir,
			const char *name)
{
	struct queue *q, *next;
	int err;

	(void)dir;
	err = route_ipc_name(name);
	if (err)
		return err;
	/* mq_unlink as the caller: the sticky rule (only the owner) holds */
	err = as_caller(req, do_unlink, (void *)name);
	if (err)
		return err;
	for (q = queue_find_name(fs, name); q; q = next) {
		next = queue_next_name(q); /* q may be gone after the recheck */
		queue_recheck(fs, q);
	}
	return 0;
}

struct setattr_args {
	struct queue *q;
	struct stat *attr;
	int to_set;
};

static int do_setattr(void *arg)
{
	struct setattr_args *a = arg;
	int fd = a->q->mqd;
	struct timespec ts[2];

	if ((a->to_set & FUSE_SET_ATTR_MODE) &&
	    fchmod(fd, mq_queue_mode(a->attr->st_mode)))
		return -errno;
	if ((a->to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) &&
	    fchown(fd,
		   a->to_set & FUSE_SET_ATTR_UID ? a->attr->st_uid : (uid_t)-1,
		   a->to_set & FUSE_SET_ATTR_GID ? a->attr->st_gid : (gid_t)-1))
		return -errno;
	if (settimes_of(a->to_set, a->attr, ts) && futimens(fd, ts))
		return -errno;
	return 0;
}

static int queue_file_setattr(struct ipcfs *fs, fuse_req_t req, struct node *n,
			      struct stat *attr, int to_set, struct handle *h)
{
	const int times = FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME |
			  FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW |
			  FUSE_SET_ATTR_CTIME;
	int err;

	(void)req;
	if (h) {
		mqio_used(h);
	} else {
		err = queue_check(fs, queue_of_file(n)); /* by a walked name */
		if (err)
			return err;
	}
	/*
	 * `>` and sshfs truncate before writing, touch sets times: on a
	 * priority file these mean nothing and are accepted.
	 */
	if (mq_file_is_priority(n->sub) &&
	    !(to_set & ~(times | FUSE_SET_ATTR_SIZE)) &&
	    (!(to_set & FUSE_SET_ATTR_SIZE) || attr->st_size == 0))
		return 0;
	return -EPERM;
}

static int queue_dir_setattr(struct ipcfs *fs, fuse_req_t req, struct node *n,
			     struct stat *attr, int to_set, struct handle *h)
{
	struct setattr_args a = { .attr = attr, .to_set = to_set };
	int err;

	(void)h;
	if (to_set & FUSE_SET_ATTR_SIZE)
		return -EISDIR;
	a.q = n->obj;
	err = queue_check(fs, a.q); /* chmod of the old queue by its name */
	if (err)
		return err;
	if (a.q->mqd == (mqd_t)-1)
		return -EACCES;
	err = as_caller(req, do_setattr, &a);
	if (!err)
		queue_notify_attrs(
			fs, a.q); /* the files' modes follow the queue's */
	return err;
}

/* ---- files ---- */

static int queue_file_open(struct ipcfs *fs, fuse_req_t req, struct node *n,
			   struct fuse_file_info *fi)
{
	int err = queue_check(fs, queue_of_file(n));

	if (err)
		return err;
	return mqio_open(fs, n, queue_of_file(n), fi, fuse_req_ctx(req)->uid);
}

/*
 * The mqueue file system itself reports nothing; what bounds the caller is
 * the number of queues (fs.mqueue.queues_max, which root may pass), so
 * that is what df -i shows: files used and free.  Blocks stay 0, as on
 * mqueue: memory for messages is charged per user (RLIMIT_MSGQUEUE).
 */
static int mq_dir_statfs(struct ipcfs *fs, struct node *n, struct statvfs *st)
{
	long max = sysctl_value("queues_max", 256);
	unsigned long count = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	(void)n;
	memset(st, 0, sizeof(*st));
	st->f_bsize = st->f_frsize = 4096;
	st->f_namemax = NAME_MAX;
	fd = mq_of(fs)->dirfd < 0 ? -1 :
				    openat(mq_of(fs)->dirfd, ".",
					   O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (d) {
		while ((de = readdir(d)))
			count += strcmp(de->d_name, ".") &&
				 strcmp(de->d_name, "..");
		closedir(d);
	} else if (fd >= 0) {
		close(fd);
	}
	st->f_files = (fsfilcnt_t)max > count ? (fsfilcnt_t)max : count;
	st->f_ffree = st->f_favail = st->f_files - count;
	return 0;
}

/* ---- the tables ---- */

static const struct node_ops mq_dir_ops = {
	.lookup = mq_dir_lookup,
	.getattr = mq_dir_getattr,
	.readdir = mq_dir_readdir,
	.mkdir = mq_dir_mkdir,
	.rmdir = mq_dir_rmdir,
	.statfs = mq_dir_statfs,
};

static const struct node_ops queue_dir_ops = {
	.lookup = queue_dir_lookup,
	.getattr = queue_dir_getattr,
	.timeouts = queue_dir_timeouts,
	.opendir = queue_dir_opendir,
	.readdir = queue_dir_readdir,
	.setattr = queue_dir_setattr,
	.release_obj = queue_dir_release_obj,
};

/* next and the priority files (mqio.c), maxmsg, msgsize, curmsgs */
static const struct node_ops queue_file_ops = {
	.getattr = queue_file_getattr,
	.timeouts = queue_file_timeouts,
	.open = queue_file_open,
	.read = mqio_read,
	.write = mqio_write,
	.poll = mqio_poll,
	.flush = mqio_flush,
	.release = mqio_release,
	.setattr = queue_file_setattr,
};

static const struct fixed_name mq_top[] = {
	{ "mq", S_IFDIR | 01777, &mq_dir_ops, 0, 0, false },
};

/* ---- the family ---- */

static int mq_init(struct ipcfs *fs, void **state)
{
	struct mq_family *mf = calloc(1, sizeof(*mf));

	if (!mf)
		return -ENOMEM;
	*state = mf;
	mf->dir = node_top(fs, "mq");
	mf->mntfd = mf->dirfd = mf->inofd = -1;
	mf->next_id = 1;
	list_init(&mf->queues);
	htab_init(&mf->by_ino);
	htab_init(&mf->by_id);
	htab_init(&mf->by_name);
	list_init(&mf->users);
	mf->bg_room = mqio_background_room();
	mf->serve = queue_serve;
	mqview_open(mf);
	return loop_add_signal(fs, SIGRTMIN + MQ_NOTIFY_SIGNAL_OFFSET,
			       mq_on_signal);
}

static int mq_start(struct ipcfs *fs, void *state)
{
	(void)state;
	return mqview_start(fs);
}

static void mq_fini(struct ipcfs *fs, void *state)
{
	struct mq_family *mf = state;

	if (!mf)
		return;
	queues_fini(fs);
	htab_fini(&mf->by_ino);
	htab_fini(&mf->by_id);
	htab_fini(&mf->by_name);
	mqview_close(fs);
	free(mf->scratch);
	free(mf);
}

const struct family mq_family = {
	.name = "mq",
	.inum_tag = MQ_INUM_TAG,
	.top = mq_top,
	.ntop = sizeof(mq_top) / sizeof(mq_top[0]),
	.init = mq_init,
	.start = mq_start,
	.fini = mq_fini,
};
