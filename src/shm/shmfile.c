/*
 * The shared memory family, open-file side: create, open, read, write,
 * fsync, fallocate, truncate and the other attribute changes of
 * shm/<name>.  Each
 * open opens the real object in /dev/shm as the caller (so permission is
 * the kernel's own check with the caller's uid, gid and groups) and keeps
 * that fd.  Where the kernel allows it, that fd becomes the backing file
 * of the node (passthru.h) and the kernel reads, writes and maps the
 * object itself.  Otherwise reads and writes come here and go to the fd,
 * so they reach the very object that shm_open+mmap users see, and the
 * kernel keeps shm files in its page cache (needed for mmap with libfuse
 * 3.14) but drops it at every open, when the size or mtime changes, and
 * when the inotify watch in shmseg.c reports another program's change;
 * docs/shm.md says what each mode makes coherent.  Loop thread only.
 */
#define _GNU_SOURCE
#include "fs.h"
#include "log.h"
#include "route.h"
#include "settimes.h"
#include "shmseg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The opener's flags that mean something on the real object.  O_APPEND is
 * left out on purpose: the kernel already turns appends into writes at
 * the end it knows, and the mmap write-back of another opener may come
 * through this fd at any offset.  O_NONBLOCK: never hang on a fifo that
 * took the name meanwhile.
 */
static int object_flags(int flags)
{
	return (flags & (O_ACCMODE | O_TRUNC | O_SYNC | O_DSYNC)) | O_CLOEXEC |
	       O_NOFOLLOW | O_NONBLOCK;
}

int shm_caller_enter(fuse_req_t req, struct caller_ctx *cc)
{
	struct creds c;
	int err = req_creds(req, &c);

	if (err)
		return err;
	/* tgid 0: shm needs none of the caller's per-process limits set */
	err = caller_enter(cc, &fs_of_req(req)->creds_env, &c, 0);
	creds_release(&c);
	return err;
}

/* openat() in /dev/shm as the caller; the fd or -errno. */
static int open_as_caller(struct ipcfs *fs, fuse_req_t req, const char *name,
			  int flags, mode_t mode)
{
	struct caller_ctx cc;
	int fd, err = shm_caller_enter(req, &cc);

	if (err)
		return err;
	fd = openat(shm_of(fs)->dirfd, name, flags, mode);
	if (fd < 0)
		fd = -errno;
	caller_leave(&cc);
	return fd;
}

/*
 * Passthrough when the kernel agreed to it: reads, writes and mmap of the
 * file then go straight to the object, so mappings through the tree and
 * mappings of /dev/shm share the very same pages.  The backing file is
 * registered once per object (the kernel wants one per inode) and dropped
 * with its last open file.  An object with files open through the page
 * cache stays in that mode until they are closed: mixing both on one
 * inode makes the kernel fail the open.
 */
static void choose_io(struct ipcfs *fs, struct shm_obj *o,
		      struct shm_handle *sh)
{
	int id;

	if (!fs->pt.on || fs->pt.refused || o->cached_users)
		goto cached;
	if (!o->backing_id) {
		id = passthru_backing_open(fuse_session_fd(fs->se), sh->fd);
		if (id < 0) {
			/* not allowed (no CAP_SYS_ADMIN): never again */
			if (id == -EPERM) {
				fs->pt.refused = true;
				log_warn("shm files go through the server: "
					 "passthrough refused (%s)",
					 strerror(-id));
			}
			goto cached;
		}
		o->backing_id = id;
	}
	o->pt_users++;
	sh->h.backing_id = o->backing_id;
	return;
cached:
	o->cached_users++;
	sh->h.backing_id = 0;
}

/*
 * The fd an open file holds counts for its opener (usage.h), before it
 * is opened: past the cap the open fails with EMFILE and nothing is done.
 */
static int charge_fd(struct ipcfs *fs, fuse_req_t req)
{
	return usage_charge(&fs->usage, fuse_req_ctx(req)->uid, 1, 0);
}

static void uncharge_fd(struct ipcfs *fs, fuse_req_t req)
{
	usage_uncharge(&fs->usage, fuse_req_ctx(req)->uid, 1, 0);
}

/* Makes the open file of @fd; it takes over charge_fd()'s count. */
static int new_handle(struct ipcfs *fs, fuse_req_t req, struct node *n, int fd,
		      struct fuse_file_info *fi)
{
	struct shm_handle *sh = calloc(1, sizeof(*sh));

	if (!sh)
		return -ENOMEM;
	sh->h.node = n;
	sh->h.flags = fi->flags;
	handle_set_owner(&sh->h, req);
	sh->h.charged_fds = 1;
	sh->fd = fd;
	list_add_tail(&sh->obj_link, &shm_obj_of(n)->handles);
	choose_io(fs, shm_obj_of(n), sh);
	/*
	 * Without passthrough: page cache, so that mmap works; dropped at
	 * each open so that an open always sees what others wrote, even
	 * through their mappings.
	 */
	fi->keep_cache = 0;
	fi->direct_io = 0;
	fi->fh = (uintptr_t)sh;
	return 0;
}

static int shm_open_file(struct ipcfs *fs, fuse_req_t req, struct node *n,
			 struct fuse_file_info *fi)
{
	struct shm_obj *o;
	struct stat st;
	int fd, err;

	o = shm_obj_of(n);
	shm_watch_poll(fs);
	err = charge_fd(fs, req);
	if (err)
		return err;
	fd = open_as_caller(fs, req, o->name, object_flags(fi->flags), 0);
	if (fd < 0) {
		uncharge_fd(fs, req);
		return fd;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode) || st.st_ino != o->ino) {
		/* The name means another object now: the kernel will walk
		 * the path again (ESTALE) and meet its new node. */
		err = -ESTALE;
		goto out_close;
	}
	/* The open drops the kernel's cache: it now knows this state. */
	shm_note_own_change(o, &st);
	err = new_handle(fs, req, n, fd, fi);
	if (err)
		goto out_close;
	return 0;

out_close:
	close(fd);
	uncharge_fd(fs, req);
	return err;
}

/*
 * Creates (or, without O_EXCL, opens) @name as the caller.  The mode is
 * set again after the create: the server's own umask must not narrow
 * the one the caller asked for.  Returns the fd or -errno.
 */
static int create_object(struct ipcfs *fs, fuse_req_t req, const char *name,
			 mode_t mode, int flags)
{
	mode_t want = mode & 07777 & ~fuse_req_ctx(req)->umask;
	int oflags = object_flags(flags) | O_CREAT;
	struct caller_ctx cc;
	int fd, err = shm_caller_enter(req, &cc);

	if (err)
		return err;
	fd = openat(shm_of(fs)->dirfd, name, oflags | O_EXCL, want);
	if (fd >= 0) {
		if (fchmod(fd, want))
			err = -errno;
	} else if (errno == EEXIST && !(flags & O_EXCL)) {
		fd = openat(shm_of(fs)->dirfd, name, oflags, want);
		if (fd < 0)
			err = -errno;
	} else {
		err = -errno;
	}
	caller_leave(&cc);
	if (err && fd >= 0)
		close(fd);
	return err ? err : fd;
}

int shm_dir_create(struct ipcfs *fs, fuse_req_t req, struct node *dir,
		   const char *name, mode_t mode, struct fuse_file_info *fi,
		   struct node **out)
{
	struct stat st;
	struct node *n;
	int fd, err;

	err = route_ipc_name(name);
	if (err)
		return err;
	if (route_is_semaphore(name))
		return -EINVAL; /* sem_open's namespace, not an shm object */
	if (shm_of(fs)->dirfd < 0)
		return -ENOENT; /* as shm_open without /dev/shm */
	shm_watch_poll(fs);
	err = charge_fd(fs, req);
	if (err)
		return err;
	fd = create_object(fs, req, name, mode, fi->flags);
	if (fd < 0) {
		uncharge_fd(fs, req);
		return fd;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -EEXIST; /* a fifo or such took the name */
		goto out_close;
	}
	err = shm_node_for(fs, dir, name, &st, &shm_file_ops, &n);
	if (err)
		goto out_close;
	shm_note_own_change(shm_obj_of(n), &st);
	err = new_handle(fs, req, n, fd, fi);
	if (err)
		goto out_close;
	*out = n;
	return 0;

out_close:
	close(fd);
	uncharge_fd(fs, req);
	return err;
}

static void shm_read(struct ipcfs *fs, fuse_req_t req, struct handle *h,
		     size_t size, off_t off)
{
	struct shm_handle *sh = (struct shm_handle *)h;
	struct shm_family *sf = shm_of(fs);
	ssize_t n;

	if (off < 0) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	/* a big read goes to the bulk worker, not ahead of everyone else */
	if (bulk_read(&fs->bulk, req, fuse_req_ctx(req)->uid, sh->fd, size,
		      off))
		return;
	/*
	 * One buffer for all reads, kept: measured faster than letting
	 * libfuse allocate one per request, and as fast as splicing.
	 */
	if (!sf->read_buf) {
		sf->read_buf = malloc(FS_MAX_IO);
		if (!sf->read_buf) {
			fuse_reply_err(req, ENOMEM);
			return;
		}
	}
	if (size > FS_MAX_IO)
		size = FS_MAX_IO;
	do
		n = pread(sh->fd, sf->read_buf, size, off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_buf(req, sf->read_buf, (size_t)n);
}

static void shm_write(struct ipcfs *fs, fuse_req_t req, struct handle *h,
		      const char *buf, size_t size, off_t off)
{
	struct shm_handle *sh = (struct shm_handle *)h;
	size_t done = 0;
	struct stat st;
	int err = 0;

	if (off < 0) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	shm_watch_poll(fs);
	while (done < size) {
		ssize_t n = pwrite(sh->fd, buf + done, size - done,
				   off + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			break;
		}
		done += (size_t)n;
	}
	if (done && fstat(sh->fd, &st) == 0)
		shm_note_own_change(shm_obj_of(h->node), &st);
	/* Part written (ENOSPC midway): say how much; the next write fails. */
	if (done)
		fuse_reply_write(req, done);
	else
		fuse_reply_err(req, err);
}

static int shm_fsync(struct ipcfs *fs, struct handle *h, int datasync)
{
	struct shm_handle *sh = (struct shm_handle *)h;

	(void)fs;
	if (datasync ? fdatasync(sh->fd) : fsync(sh->fd))
		return -errno;
	return 0;
}

/*
 * The modes tmpfs has (shmem_fallocate): allocate, allocate past the end
 * without growing, punch a hole.  The kernel's FUSE client checks the
 * caller's file size limit, writes back dirty pages of a punched range
 * first and drops the range from its page cache after the reply
 * (fs/fuse/file.c: fuse_file_fallocate), so the server has nothing to
 * tell it; with passthrough fallocate comes here too.  Every other mode
 * (ZERO_RANGE, ...) is EOPNOTSUPP, as tmpfs answers.
 */
static int shm_fallocate(struct ipcfs *fs, struct handle *h, int mode,
			 off_t off, off_t len)
{
	struct shm_handle *sh = (struct shm_handle *)h;
	struct stat st;
	int err = 0;

	if (mode != 0 && mode != FALLOC_FL_KEEP_SIZE &&
	    mode != (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	shm_watch_poll(fs);
	if (fallocate(sh->fd, mode, off, len))
		err = -errno;
	if (fstat(sh->fd, &st) == 0)
		shm_note_own_change(shm_obj_of(h->node), &st);
	return err;
}

static void shm_release(struct ipcfs *fs, struct handle *h)
{
	struct shm_handle *sh = (struct shm_handle *)h;
	struct shm_obj *o = shm_obj_of(h->node);

	if (h->backing_id) {
		if (--o->pt_users == 0) {
			passthru_backing_close(fuse_session_fd(fs->se),
					       o->backing_id);
			o->backing_id = 0;
		}
	} else {
		o->cached_users--;
	}
	list_del(&sh->obj_link);
	close(sh->fd);
	free(sh);
}

/* ---- attribute changes --------------------------------------------------- */

/* Truncates the object to @size through a writable fd opened now. */
static int truncate_by_name(struct ipcfs *fs, struct shm_obj *o, off_t size)
{
	int fd = openat(shm_of(fs)->dirfd, o->name,
			O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;
	int err = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		err = -errno;
	else if (st.st_ino != o->ino)
		err = -ESTALE;
	else if (ftruncate(fd, size))
		err = -errno;
	close(fd);
	return err;
}

/*
 * Applies a setattr as the caller: owner first (chown clears set-id
 * bits that a chmod in the same request may set), then mode, size, times
 * (a truncate sets mtime itself).  @fd is an open file of the object or
 * -1 to act by name.
 */
static int apply_setattr(struct ipcfs *fs, struct shm_obj *o, int fd, int wfd,
			 const struct stat *attr, int to_set)
{
	int dirfd = shm_of(fs)->dirfd;
	const char *name = o->name;
	uid_t uid = to_set & FUSE_SET_ATTR_UID ? attr->st_uid : (uid_t)-1;
	gid_t gid = to_set & FUSE_SET_ATTR_GID ? attr->st_gid : (gid_t)-1;
	mode_t mode = attr->st_mode & 07777;
	struct timespec ts[2];

	if ((to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) &&
	    (fd >= 0 ? fchown(fd, uid, gid) :
		       fchownat(dirfd, name, uid, gid, AT_SYMLINK_NOFOLLOW)))
		return -errno;
	if ((to_set & FUSE_SET_ATTR_MODE) &&
	    (fd >= 0 ? fchmod(fd, mode) : fchmodat(dirfd, name, mode, 0)))
		return -errno;
	if (to_set & FUSE_SET_ATTR_SIZE) {
		if (wfd >= 0 ? ftruncate(wfd, attr->st_size) : 0)
			return -errno;
		if (wfd < 0) {
			int err = truncate_by_name(fs, o, attr->st_size);

			if (err)
				return err;
		}
	}
	if (settimes_of(to_set, attr, ts) &&
	    (fd >= 0 ? futimens(fd, ts) :
		       utimensat(dirfd, name, ts, AT_SYMLINK_NOFOLLOW)))
		return -errno;
	return 0;
}

/*
 * Whether changing @cur to @want only clears set-id bits as the kernel
 * clears them after a write or truncate by someone without CAP_FSETID:
 * S_ISUID always, S_ISGID only with group-exec (a set-gid file without
 * it is a locking mark; fs/inode.c and fs/attr.c, and what fs/fuse/dir.c
 * asks of a server that does not handle killpriv).  Nothing else may
 * change, and at least one bit must go.
 */
static bool kills_suid_only(mode_t cur, mode_t want)
{
	mode_t killable = S_ISUID | (cur & S_IXGRP ? S_ISGID : 0);
	mode_t gone = cur & ~want & 07777;

	return S_ISREG(cur) && (want & 07777 & ~cur) == 0 && gone &&
	       (gone & ~killable) == 0;
}

/*
 * Whether the caller (whose ids the thread has now) may write @o: through
 * its own writable open file @wfd, by opening the object's name for
 * writing, or, once the name is gone, through a writable open file of
 * the same user.  The kernel's own check each time, never ours.
 */
static bool caller_may_write(struct ipcfs *fs, fuse_req_t req,
			     struct shm_obj *o, int wfd)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct list_head *pos;
	struct stat st;
	bool ok;
	int fd;

	if (wfd >= 0)
		return true;
	fd = openat(shm_of(fs)->dirfd, o->name,
		    O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd >= 0) {
		ok = fstat(fd, &st) == 0 && st.st_ino == o->ino;
		close(fd);
		return ok;
	}
	list_for_each (pos, &o->handles) {
		struct shm_handle *sh =
			list_entry(pos, struct shm_handle, obj_link);

		if (sh->h.uid == ctx->uid &&
		    (sh->h.flags & O_ACCMODE) != O_RDONLY)
			return true;
	}
	return false;
}

/*
 * A non-owner's write or truncate that the kernel allowed on a set-id
 * object comes first as a SETATTR from the writer that clears the bits
 * (file_remove_privs, fs/fuse/dir.c: fuse_setattr).  Done as the caller,
 * that chmod is refused (EPERM) and the write with it, while tmpfs
 * clears the bits and writes.  So such a SETATTR, when its caller may
 * write the object, has its mode applied by the server itself; any other
 * mode change stays the caller's own chmod.  This costs nothing: one who
 * may write can clear the bits anyway by writing.
 *
 * Why not FUSE_CAP_HANDLE_KILLPRIV_V2 (the kernel then leaves the bits
 * to the server, flagging writes and truncates): with passthrough the
 * server never sees a write, and the kernel's write to the backing file
 * runs with the server's credentials, whose CAP_FSETID keeps the bits;
 * this way both modes behave alike.
 */
static bool is_kill_suid(struct ipcfs *fs, fuse_req_t req, struct shm_obj *o,
			 int fd, const struct stat *attr, int to_set)
{
	struct stat st;

	if (!(to_set & FUSE_SET_ATTR_MODE) ||
	    (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)))
		return false;
	if (fd >= 0 ? fstat(fd, &st) : shm_stat_name(shm_of(fs), o->name, &st))
		return false;
	if (st.st_ino != o->ino || !kills_suid_only(st.st_mode, attr->st_mode))
		return false;
	/* The owner's chmod is allowed anyway: leave it the owner's. */
	return st.st_uid != fuse_req_ctx(req)->uid;
}

static int shm_setattr(struct ipcfs *fs, fuse_req_t req, struct node *n,
		       struct stat *attr, int to_set, struct handle *h)
{
	struct shm_obj *o = shm_obj_of(n);
	struct caller_ctx cc;
	int fd = h ? ((struct shm_handle *)h)->fd : -1;
	int wfd = h && (h->flags & O_ACCMODE) != O_RDONLY ? fd : -1;
	bool kill = false;
	struct stat st;
	int err;

	if ((to_set & FUSE_SET_ATTR_SIZE) && attr->st_size < 0)
		return -EINVAL;
	shm_watch_poll(fs);
	/* Without an fd, act by name only while it leads to this object. */
	if (fd < 0 &&
	    (shm_stat_name(shm_of(fs), o->name, &st) || st.st_ino != o->ino)) {
		fd = shm_obj_fd(o);
		if (fd < 0)
			return -ESTALE;
		if (to_set & FUSE_SET_ATTR_SIZE)
			return -ENOENT; /* no name to open it by */
	}
	err = shm_caller_enter(req, &cc);
	if (err)
		return err;
	if (is_kill_suid(fs, req, o, fd, attr, to_set) &&
	    caller_may_write(fs, req, o, wfd)) {
		kill = true;
		to_set &= ~FUSE_SET_ATTR_MODE;
	}
	/* The rest (a truncate sent with the kill) is the caller's. */
	err = apply_setattr(fs, o, fd, wfd, attr, to_set);
	caller_leave(&cc);
	if (!err && kill)
		err = apply_setattr(fs, o, fd, wfd, attr, FUSE_SET_ATTR_MODE);
	if (fd >= 0 ? fstat(fd, &st) == 0 :
		      shm_stat_name(shm_of(fs), o->name, &st) == 0)
		shm_note_own_change(o, &st);
	return err;
}

/* ---- attributes and the table ---------------------------------------- */

static int shm_file_getattr(struct ipcfs *fs, struct node *n, struct stat *st)
{
	struct shm_obj *o = shm_obj_of(n);
	int fd, err;

	/* An open file knows its object even after the name is gone. */
	fd = shm_obj_fd(o);
	if (fd >= 0) {
		if (fstat(fd, st))
			return -errno;
	} else {
		err = shm_stat_name(shm_of(fs), o->name, st);
		if (err)
			return err == -EINVAL ? -ENOENT : err;
		if (st->st_ino != o->ino) {
			/* The kernel walks the path again on ESTALE. */
			shm_obj_moved(fs, o);
			return -ESTALE;
		}
	}
	st->st_ino = SHM_INO(st->st_ino);
	return 0;
}

static void shm_file_timeouts(struct ipcfs *fs, struct node *n, double *entry,
			      double *attr)
{
	(void)fs;
	(void)n;
	/*
	 * Objects change under other programs' hands: names and attributes
	 * are asked for each time, so sizes, owners and modes are never
	 * stale and a recreated name is never the old object.
	 */
	*entry = *attr = 0;
}

const struct node_ops shm_file_ops = {
	.getattr = shm_file_getattr,
	.timeouts = shm_file_timeouts,
	.open = shm_open_file,
	.read = shm_read,
	.write = shm_write,
	.release = shm_release,
	.fsync = shm_fsync,
	.fallocate = shm_fallocate,
	.setattr = shm_setattr,
	.release_obj = shm_file_release_obj,
};
