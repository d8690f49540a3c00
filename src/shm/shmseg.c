/*
 * The shared memory family, directory side: shm/ lists the POSIX shared
 * memory objects of /dev/shm (not the `sem.*` named semaphores that live
 * there too), each a regular file with the real size, owner, mode and
 * times.  An object is known by name and tmpfs inode together, so a name
 * that was removed and made again is a new node.  An inotify watch on
 * /dev/shm, in the loop's epoll set, tells the kernel at once (through the
 * notifier thread) when another program removes, renames or changes an
 * object the kernel has cached.  Open files, reads, writes and attribute
 * changes are in shmfile.c.  Loop thread only.
 */
#define _GNU_SOURCE
#include "inotify_drain.h"
#include "log.h"
#include "route.h"
#include "shmseg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h> /* renameat2 */
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define SHM_WATCH_MASK                                                  \
	(IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM | \
	 IN_MOVED_TO | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)

/* ---- objects and nodes ---------------------------------------------- */

int shm_stat_name(struct shm_family *sf, const char *name, struct stat *st)
{
	int err = route_ipc_name(name);

	if (err)
		return err;
	if (sf->dirfd < 0 || route_is_semaphore(name))
		return -ENOENT;
	if (fstatat(sf->dirfd, name, st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	return S_ISREG(st->st_mode) ? 0 : -ENOENT;
}

int shm_obj_fd(struct shm_obj *o)
{
	if (list_empty(&o->handles))
		return -1;
	return list_first_entry(&o->handles, struct shm_handle, obj_link)->fd;
}

void shm_note_own_change(struct shm_obj *o, const struct stat *st)
{
	o->ctime = st->st_ctim;
}

/* The object's name no longer leads to it: find it by inode from now. */
static void obj_moved(struct ipcfs *fs, struct shm_obj *o)
{
	if (o->node->hashed)
		node_unhash(fs, o->node);
	list_del(&o->link);
	list_add(&o->link, &fs->shm->moved);
}

static int obj_rename(struct shm_obj *o, const char *name)
{
	char *copy;

	if (strcmp(o->name, name) == 0)
		return 0;
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	free(o->name);
	o->name = copy;
	return 0;
}

/*
 * A moved object that turned up again as @ino (renamed), or NULL.  tmpfs
 * numbers inodes from a counter, so a number met again is the same
 * object; one we removed ourselves can never come back.
 */
static struct shm_obj *find_moved(struct shm_family *sf, ino_t ino)
{
	struct list_head *pos;

	list_for_each(pos, &sf->moved) {
		struct shm_obj *o = list_entry(pos, struct shm_obj, link);

		if (o->ino == ino && !o->removed)
			return o;
	}
	return NULL;
}

int shm_node_for(struct ipcfs *fs, struct node *dir, const char *name,
		 const struct stat *st, struct node **out)
{
	struct shm_family *sf = fs->shm;
	struct node *n = node_find(fs, dir, name);
	struct shm_obj *o;

	if (n) {
		o = shm_obj_of(n);
		if (o->ino == st->st_ino) {
			*out = n;
			return 0;
		}
		obj_moved(fs, o); /* the name means another object now */
	}
	o = find_moved(sf, st->st_ino);
	if (o) {
		*out = o->node;
		return obj_rename(o, name);
	}
	o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->name = strdup(name);
	if (!o->name) {
		free(o);
		return -ENOMEM;
	}
	o->ino = st->st_ino;
	o->ctime = st->st_ctim;
	list_init(&o->handles);
	list_init(&o->link);
	n = node_new(fs, dir, name, NODE_SHM_FILE, 0, o);
	if (!n)
		return -ENOMEM; /* node_new released @o */
	o->node = n;
	list_add(&o->link, &sf->hashed);
	*out = n;
	return 0;
}

static void shm_release_obj(struct ipcfs *fs, struct node *n)
{
	struct shm_obj *o = n->obj;

	(void)fs;
	if (n->type != NODE_SHM_FILE || !o)
		return;
	list_del(&o->link);
	free(o->name);
	free(o);
}

/* ---- watching /dev/shm ----------------------------------------------- */

/*
 * Compares @o with what /dev/shm holds now and tells the kernel what
 * changed: a name gone or meaning another object drops the kernel's
 * entry; a new ctime that we did not cause drops the cached attributes
 * and pages (also unmapping them from live mappings through the tree).
 */
static void recheck(struct ipcfs *fs, struct shm_obj *o)
{
	struct stat st;
	int fd = shm_obj_fd(o);
	bool here = shm_stat_name(fs->shm, o->name, &st) == 0 &&
		    st.st_ino == o->ino;

	if (!here) {
		if (o->node->hashed) {
			notify_entry(&fs->notifier, INO_SHM, o->name);
			obj_moved(fs, o);
		}
		/* Gone from its name: its open files may still change it. */
		if (fd < 0 || fstat(fd, &st))
			return;
	}
	if (st.st_ctim.tv_sec == o->ctime.tv_sec &&
	    st.st_ctim.tv_nsec == o->ctime.tv_nsec)
		return; /* our own change, already known to the kernel */
	o->ctime = st.st_ctim;
	notify_inode(&fs->notifier, o->node->id);
}

static void recheck_name(struct ipcfs *fs, const char *name)
{
	struct node *dir = node_get(fs, INO_SHM);
	struct node *n = node_find(fs, dir, name);
	struct list_head *pos, *next;

	if (n)
		recheck(fs, shm_obj_of(n));
	/* An object we renamed is known by inode, under its new name. */
	list_for_each_safe(pos, next, &fs->shm->moved) {
		struct shm_obj *o = list_entry(pos, struct shm_obj, link);

		if (strcmp(o->name, name) == 0)
			recheck(fs, o);
	}
}

/* Events were lost: look at every object the kernel may have cached. */
static void recheck_all(struct ipcfs *fs)
{
	struct list_head *pos, *next;

	list_for_each_safe(pos, next, &fs->shm->hashed)
		recheck(fs, list_entry(pos, struct shm_obj, link));
	list_for_each_safe(pos, next, &fs->shm->moved)
		recheck(fs, list_entry(pos, struct shm_obj, link));
}

static void on_event(const struct inotify_event *ev, void *arg)
{
	struct ipcfs *fs = arg;

	if (ev->mask & IN_Q_OVERFLOW)
		recheck_all(fs);
	else if (ev->mask & (IN_IGNORED | IN_UNMOUNT))
		log_warn("%s went away; shm/ no longer follows "
			 "changes made elsewhere",
			 SHM_DIR_PATH);
	else if (ev->len && ev->name[0])
		recheck_name(fs, ev->name);
}

/* Reads and handles every queued event; returns when none is left. */
static void drain_events(struct ipcfs *fs)
{
	if (fs->shm->inotify_fd >= 0)
		inotify_drain(fs->shm->inotify_fd, on_event, fs);
}

static void on_inotify(struct ipcfs *fs, struct watch *w, uint32_t events)
{
	(void)w;
	(void)events;
	drain_events(fs);
}

void shm_watch_start(struct ipcfs *fs)
{
	struct shm_family *sf = fs->shm;

	/*
	 * Lazily: the loop's epoll set does not exist yet in shm_init(), and
	 * nothing needs telling before the kernel has seen a node.
	 */
	if (sf->inotify_fd < 0 || sf->watch.active || fs->epfd < 0)
		return;
	if (loop_add(fs, &sf->watch, sf->inotify_fd, EPOLLIN, on_inotify))
		log_warn("cannot watch %s: %s", SHM_DIR_PATH, strerror(errno));
}

void shm_watch_poll(struct ipcfs *fs)
{
	drain_events(fs);
}

/* ---- the directory ----------------------------------------------------- */

static int shm_lookup(struct ipcfs *fs, fuse_req_t req, struct node *dir,
		      const char *name, struct node **out)
{
	struct stat st;
	int err;

	(void)req;
	if (dir->type != NODE_SHM_DIR)
		return -ENOTDIR;
	shm_watch_start(fs);
	err = shm_stat_name(fs->shm, name, &st);
	if (err)
		return err == -EINVAL ? -ENOENT : err;
	return shm_node_for(fs, dir, name, &st, out);
}

static int dir_getattr(struct ipcfs *fs, struct node *n, struct stat *st)
{
	struct stat real;

	attr_init(fs, st, n->id, S_IFDIR | 01777);
	if (fs->shm->dirfd < 0 || fstat(fs->shm->dirfd, &real))
		return 0;
	st->st_mode = S_IFDIR | (real.st_mode & 07777);
	st->st_nlink = real.st_nlink;
	st->st_size = real.st_size;
	st->st_uid = real.st_uid;
	st->st_gid = real.st_gid;
	st->st_atim = real.st_atim;
	st->st_mtim = real.st_mtim;
	st->st_ctim = real.st_ctim;
	return 0;
}

static int shm_getattr(struct ipcfs *fs, struct node *n, struct stat *st)
{
	struct shm_obj *o = shm_obj_of(n);
	int fd, err;

	if (n->type == NODE_SHM_DIR)
		return dir_getattr(fs, n, st);
	/* An open file knows its object even after the name is gone. */
	fd = shm_obj_fd(o);
	if (fd >= 0) {
		if (fstat(fd, st))
			return -errno;
	} else {
		err = shm_stat_name(fs->shm, o->name, st);
		if (err)
			return err == -EINVAL ? -ENOENT : err;
		if (st->st_ino != o->ino) {
			/* The kernel walks the path again on ESTALE. */
			obj_moved(fs, o);
			return -ESTALE;
		}
	}
	st->st_ino = SHM_INO(st->st_ino);
	return 0;
}

static void shm_timeouts(struct ipcfs *fs, struct node *n, double *entry,
			 double *attr)
{
	(void)fs;
	/*
	 * Objects change under other programs' hands: names and attributes
	 * are asked for each time, so sizes, owners and modes are never
	 * stale and a recreated name is never the old object.
	 */
	if (n->type == NODE_SHM_FILE)
		*entry = *attr = 0;
	else
		*entry = *attr = STABLE_TIMEOUT;
}

/* No state per open directory: shm_readdir() reads the family's one fd. */
static int shm_opendir(struct ipcfs *fs, fuse_req_t req, struct dir_handle *dh)
{
	(void)req;
	(void)dh;
	shm_watch_start(fs);
	return 0;
}

static bool listed(const struct dir_entry *e)
{
	if (e->type != DT_REG && e->type != DT_UNKNOWN)
		return false;
	return route_ipc_name(e->name) == 0 && !route_is_semaphore(e->name);
}

static bool emit_shm(struct dirbuf *b, const struct dir_entry *e, void *arg)
{
	(void)arg;
	if (strcmp(e->name, ".") == 0)
		return dirbuf_add(b, ".", INO_SHM, S_IFDIR, e->next);
	if (strcmp(e->name, "..") == 0)
		return dirbuf_add(b, "..", INO_ROOT, S_IFDIR, e->next);
	if (!listed(e))
		return true;
	return dirbuf_add(b, e->name, SHM_INO(e->ino), S_IFREG, e->next);
}

/*
 * Offsets are /dev/shm's own (tmpfs keeps them stable while entries come
 * and go, and finds the one sought in its offset tree), so a listing
 * resumes where it stopped, from any offset, without a rescan; its "."
 * and ".." are ours.
 */
static int shm_readdir(struct ipcfs *fs, struct dir_handle *dh,
		       struct dirbuf *b, off_t off)
{
	struct shm_family *sf = fs->shm;

	(void)dh;
	if (sf->dirfd < 0) {
		dirbuf_add_dots(b, INO_SHM, INO_ROOT, off);
		return 0;
	}
	return dir_scan(sf->dirfd, &sf->list_at, off, b, emit_shm, NULL);
}

/* ---- names: unlink, rmdir, rename ------------------------------------ */

static int shm_unlink(struct ipcfs *fs, fuse_req_t req, struct node *dir,
		      const char *name)
{
	struct caller_ctx cc;
	struct node *n;
	struct stat st;
	int err;

	err = shm_stat_name(fs->shm, name, &st);
	if (err)
		return err == -EINVAL ? -ENOENT : err;
	err = shm_caller_enter(req, &cc);
	if (err)
		return err;
	if (unlinkat(fs->shm->dirfd, name, 0))
		err = -errno;
	caller_leave(&cc);
	if (err)
		return err;
	n = node_find(fs, dir, name);
	if (n && shm_obj_of(n)->ino == st.st_ino) {
		obj_moved(fs, shm_obj_of(n));
		shm_obj_of(n)->removed = true;
	}
	return 0;
}

static int shm_rmdir(struct ipcfs *fs, fuse_req_t req, struct node *dir,
		     const char *name)
{
	struct stat st;
	int err = shm_stat_name(fs->shm, name, &st);

	(void)req;
	(void)dir;
	if (err)
		return err == -EINVAL ? -ENOENT : err;
	return -ENOTDIR;
}

/* The node standing for the object @ino under @name, if any. */
static struct shm_obj *known_obj(struct ipcfs *fs, struct node *dir,
				 const char *name, ino_t ino)
{
	struct node *n = node_find(fs, dir, name);

	if (n && shm_obj_of(n)->ino == ino)
		return shm_obj_of(n);
	return find_moved(fs->shm, ino);
}

/* After a rename: each object is found by inode under its new name. */
static int renamed(struct ipcfs *fs, struct node *dir, const char *name,
		   const struct stat *from, const char *newname,
		   const struct stat *to, unsigned int flags)
{
	struct shm_obj *a = known_obj(fs, dir, name, from->st_ino);
	struct shm_obj *b = to ? known_obj(fs, dir, newname, to->st_ino)
			       : NULL;
	int err = 0;

	if (b) {
		obj_moved(fs, b);
		if (flags & RENAME_EXCHANGE)
			err = obj_rename(b, name);
	}
	if (a) {
		obj_moved(fs, a);
		if (!err)
			err = obj_rename(a, newname);
	}
	return err;
}

static int shm_rename(struct ipcfs *fs, fuse_req_t req, struct node *dir,
		      const char *name, struct node *newdir,
		      const char *newname, unsigned int flags)
{
	struct stat from, to;
	struct caller_ctx cc;
	bool replaces;
	int err;

	if (flags & ~(unsigned int)(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if (newdir->type != NODE_SHM_DIR)
		return -EXDEV;
	/* Semaphores are not shm objects: no name may become one. */
	err = route_ipc_name(newname);
	if (err || route_is_semaphore(newname) || route_is_semaphore(name))
		return err ? err : -EINVAL;
	err = shm_stat_name(fs->shm, name, &from);
	if (err)
		return err == -EINVAL ? -ENOENT : err;
	err = shm_stat_name(fs->shm, newname, &to);
	if (err && err != -ENOENT)
		return err;
	replaces = err == 0;
	if ((flags & RENAME_EXCHANGE) && !replaces)
		return -ENOENT;
	err = shm_caller_enter(req, &cc);
	if (err)
		return err;
	if (renameat2(fs->shm->dirfd, name, fs->shm->dirfd, newname, flags))
		err = -errno;
	caller_leave(&cc);
	if (err)
		return err;
	return renamed(fs, dir, name, &from, newname, replaces ? &to : NULL,
		       flags);
}

/* /dev/shm's own figures: its size, its use, its inodes. */
static int shm_statfs(struct ipcfs *fs, struct node *n, struct statvfs *st)
{
	(void)n;
	memset(st, 0, sizeof(*st));
	if (fs->shm->dirfd < 0) {
		st->f_bsize = st->f_frsize = 4096;
		st->f_namemax = NAME_MAX;
		return 0;
	}
	return fstatvfs(fs->shm->dirfd, st) ? -errno : 0;
}

const struct family_ops shm_family_ops = {
	.lookup = shm_lookup,
	.getattr = shm_getattr,
	.timeouts = shm_timeouts,
	.opendir = shm_opendir,
	.readdir = shm_readdir,
	.open = shm_open_file,
	.read = shm_read,
	.write = shm_write,
	.release = shm_release,
	.fsync = shm_fsync,
	.fallocate = shm_fallocate,
	.setattr = shm_setattr,
	.create = shm_create,
	.unlink = shm_unlink,
	.rmdir = shm_rmdir,
	.rename = shm_rename,
	.statfs = shm_statfs,
	.release_obj = shm_release_obj,
};

int shm_init(struct ipcfs *fs)
{
	struct shm_family *sf = calloc(1, sizeof(*sf));

	if (!sf)
		return -ENOMEM;
	list_init(&sf->hashed);
	list_init(&sf->moved);
	sf->inotify_fd = -1;
	sf->list_at = -1;
	fs->shm = sf;
	/*
	 * The server's own writes must fail with EFBIG past its file size
	 * limit, not kill it; callers' limits are applied by their kernel.
	 */
	signal(SIGXFSZ, SIG_IGN);
	sf->dirfd = open(SHM_DIR_PATH, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sf->dirfd < 0) {
		log_warn("%s: %s; shm/ stays empty", SHM_DIR_PATH,
			 strerror(errno));
		return 0;
	}
	sf->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (sf->inotify_fd >= 0 &&
	    inotify_add_watch(sf->inotify_fd, SHM_DIR_PATH, SHM_WATCH_MASK) < 0) {
		close(sf->inotify_fd);
		sf->inotify_fd = -1;
	}
	if (sf->inotify_fd < 0)
		log_warn("cannot watch %s (%s): changes made elsewhere show "
			 "on the next lookup only",
			 SHM_DIR_PATH, strerror(errno));
	return 0;
}

void shm_fini(struct ipcfs *fs)
{
	struct shm_family *sf = fs->shm;

	if (!sf)
		return;
	if (fs->epfd >= 0)
		loop_remove(fs, &sf->watch);
	if (sf->inotify_fd >= 0)
		close(sf->inotify_fd);
	if (sf->dirfd >= 0)
		close(sf->dirfd);
	free(sf->read_buf);
	free(sf);
	fs->shm = NULL;
}
