/*
 * The shared memory family, directory side, and the family itself: shm/
 * lists the POSIX shared memory objects of /dev/shm (not the `sem.*`
 * named semaphores that live there too), each a regular file with the
 * real size, owner, mode and times; unlink, rename and statfs act on
 * /dev/shm.  The objects and the watch on /dev/shm are in shmobj.c; open
 * files, reads, writes and attribute changes in shmfile.c.  Loop thread
 * only.
 */
#define _GNU_SOURCE
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

/* ---- the directory ----------------------------------------------------- */

static int shm_dir_lookup(struct ipcfs *fs, fuse_req_t req, struct node *dir,
			  const char *name, struct node **out)
{
	struct stat st;
	int err;

	(void)req;
	err = shm_stat_name(shm_of(fs), name, &st);
	if (err)
		return err == -EINVAL ? -ENOENT : err;
	return shm_node_for(fs, dir, name, &st, &shm_file_ops, out);
}

static int shm_dir_getattr(struct ipcfs *fs, struct node *n, struct stat *st)
{
	struct stat real;

	attr_init(fs, st, inum_top(n->id), S_IFDIR | 01777);
	if (shm_of(fs)->dirfd < 0 || fstat(shm_of(fs)->dirfd, &real))
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

static bool listed(const struct dir_entry *e)
{
	if (e->type != DT_REG && e->type != DT_UNKNOWN)
		return false;
	return route_ipc_name(e->name) == 0 && !route_is_semaphore(e->name);
}

/* @arg: the family */
static bool emit_shm(struct dirbuf *b, const struct dir_entry *e, void *arg)
{
	if (strcmp(e->name, ".") == 0)
		return dirbuf_add(b, ".",
				  inum_top(((struct shm_family *)arg)->dir->id),
				  S_IFDIR, e->next);
	if (strcmp(e->name, "..") == 0)
		return dirbuf_add(b, "..", inum_top(INO_ROOT), S_IFDIR,
				  e->next);
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
static int shm_dir_readdir(struct ipcfs *fs, struct dir_handle *dh,
			   struct dirbuf *b, off_t off)
{
	struct shm_family *sf = shm_of(fs);

	(void)dh;
	/*
	 * Objects' names and attributes are never cached (timeouts 0,
	 * shm_file_timeouts): a readdirplus entry would be asked for again
	 * at once, so entries go without nodes, one lookup each, as before.
	 */
	b->bare = true;
	if (sf->dirfd < 0) {
		dirbuf_add_dots(b, inum_top(sf->dir->id), inum_top(INO_ROOT),
				off);
		return 0;
	}
	/* no state per open directory: the family's one fd serves all */
	return dir_scan(sf->dirfd, &sf->list_at, off, b, emit_shm, sf);
}

/* ---- names: unlink, rmdir, rename ------------------------------------ */

static int shm_dir_unlink(struct ipcfs *fs, fuse_req_t req, struct node *dir,
			  const char *name)
{
	struct caller_ctx cc;
	struct node *n;
	struct stat st;
	int err;

	err = shm_stat_name(shm_of(fs), name, &st);
	if (err)
		return err == -EINVAL ? -ENOENT : err;
	err = shm_caller_enter(req, &cc);
	if (err)
		return err;
	if (unlinkat(shm_of(fs)->dirfd, name, 0))
		err = -errno;
	caller_leave(&cc);
	if (err)
		return err;
	n = node_find(fs, dir, name);
	if (n && shm_obj_of(n)->ino == st.st_ino) {
		shm_obj_moved(fs, shm_obj_of(n));
		shm_obj_of(n)->removed = true;
	}
	return 0;
}

static int shm_dir_rmdir(struct ipcfs *fs, fuse_req_t req, struct node *dir,
			 const char *name)
{
	struct stat st;
	int err = shm_stat_name(shm_of(fs), name, &st);

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
	return shm_find_moved(shm_of(fs), ino);
}

/* After a rename: each object is found by inode under its new name. */
static int renamed(struct ipcfs *fs, struct node *dir, const char *name,
		   const struct stat *from, const char *newname,
		   const struct stat *to, unsigned int flags)
{
	struct shm_obj *a = known_obj(fs, dir, name, from->st_ino);
	struct shm_obj *b = to ? known_obj(fs, dir, newname, to->st_ino) : NULL;
	int err = 0;

	if (b) {
		shm_obj_moved(fs, b);
		if (flags & RENAME_EXCHANGE)
			err = shm_obj_rename(b, name);
	}
	if (a) {
		shm_obj_moved(fs, a);
		if (!err)
			err = shm_obj_rename(a, newname);
	}
	return err;
}

static int shm_dir_rename(struct ipcfs *fs, fuse_req_t req, struct node *dir,
			  const char *name, struct node *newdir,
			  const char *newname, unsigned int flags)
{
	struct stat from, to;
	struct caller_ctx cc;
	bool replaces;
	int err;

	if (flags & ~(unsigned int)(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	(void)newdir; /* shm/ itself: fs.c refuses other kinds with EXDEV */
	/* Semaphores are not shm objects: no name may become one. */
	err = route_ipc_name(newname);
	if (err || route_is_semaphore(newname) || route_is_semaphore(name))
		return err ? err : -EINVAL;
	err = shm_stat_name(shm_of(fs), name, &from);
	if (err)
		return err == -EINVAL ? -ENOENT : err;
	err = shm_stat_name(shm_of(fs), newname, &to);
	if (err && err != -ENOENT)
		return err;
	replaces = err == 0;
	if ((flags & RENAME_EXCHANGE) && !replaces)
		return -ENOENT;
	err = shm_caller_enter(req, &cc);
	if (err)
		return err;
	if (renameat2(shm_of(fs)->dirfd, name, shm_of(fs)->dirfd, newname,
		      flags))
		err = -errno;
	caller_leave(&cc);
	if (err)
		return err;
	return renamed(fs, dir, name, &from, newname, replaces ? &to : NULL,
		       flags);
}

/* /dev/shm's own figures: its size, its use, its inodes. */
static int shm_dir_statfs(struct ipcfs *fs, struct node *n, struct statvfs *st)
{
	(void)n;
	memset(st, 0, sizeof(*st));
	if (shm_of(fs)->dirfd < 0) {
		st->f_bsize = st->f_frsize = 4096;
		st->f_namemax = NAME_MAX;
		return 0;
	}
	return fstatvfs(shm_of(fs)->dirfd, st) ? -errno : 0;
}

/* ---- the tables ------------------------------------------------------ */

static const struct node_ops shm_dir_ops = {
	.lookup = shm_dir_lookup,
	.getattr = shm_dir_getattr,
	.readdir = shm_dir_readdir,
	.create = shm_dir_create,
	.unlink = shm_dir_unlink,
	.rmdir = shm_dir_rmdir,
	.rename = shm_dir_rename,
	.statfs = shm_dir_statfs,
};

/* shm/ holds the tree's only storage: df of the root reports it */
static const struct fixed_name shm_top[] = {
	{ "shm", S_IFDIR | 01777, &shm_dir_ops, 0, 0, true },
};

/* ---- the family -------------------------------------------------------- */

static int shm_init(struct ipcfs *fs, void **state)
{
	struct shm_family *sf = calloc(1, sizeof(*sf));

	if (!sf)
		return -ENOMEM;
	*state = sf;
	sf->dir = node_top(fs, "shm");
	sf->dirfd = -1;
	list_init(&sf->hashed);
	list_init(&sf->moved);
	sf->inotify_fd = -1;
	sf->list_at = -1;
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
	shm_watch_open(sf);
	return 0;
}

static int shm_start(struct ipcfs *fs, void *state)
{
	(void)state;
	return shm_watch_start(fs);
}

static void shm_fini(struct ipcfs *fs, void *state)
{
	struct shm_family *sf = state;

	if (!sf)
		return;
	loop_remove(fs, &sf->watch);
	if (sf->inotify_fd >= 0)
		close(sf->inotify_fd);
	if (sf->dirfd >= 0)
		close(sf->dirfd);
	free(sf->read_buf);
	free(sf);
}

const struct family shm_family = {
	.name = "shm",
	.inum_tag = SHM_INUM_TAG,
	.top = shm_top,
	.ntop = sizeof(shm_top) / sizeof(shm_top[0]),
	.init = shm_init,
	.start = shm_start,
	.fini = shm_fini,
};
