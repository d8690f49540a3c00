/*
 * The server's view of the mqueue file system, the only place Linux lists
 * queues: a private detached mount of it (the new mount API, else
 * mount(2) on a directory that is detached at once), else /dev/mqueue.
 * An inotify watch on it tells the server at once when other programs
 * make, remove or chmod queues: names are checked again, and the kernel
 * is told (through the notifier thread) to forget what it cached.  Loop
 * thread only.
 */
#define _GNU_SOURCE
#include "mqfs.h"
#include "inotify_drain.h"
#include "log.h"
#include "route.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define MQUEUE_MAGIC 0x19800202

static void on_inotify(struct ipcfs *fs, struct watch *w, uint32_t events);

/* Puts the inotify fd in the loop: the family's start. */
int mqview_start(struct ipcfs *fs)
{
	struct mq_family *mf = mq_of(fs);
	int err;

	if (mf->inofd < 0)
		return 0;
	err = loop_add(fs, &mf->ino_watch, mf->inofd, EPOLLIN, on_inotify);
	if (err)
		log_warn("cannot watch the queues: %s", strerror(-err));
	mf->started = !err;
	return 0;
}

/* A queue whose name now means something else: forget the name. */
void queue_gone(struct ipcfs *fs, struct queue *q)
{
	struct node *n = node_find(fs, mq_of(fs)->dir, q->name);

	queue_set_gone(fs, q);
	if (n && n->obj == q)
		node_unhash(fs, n);
}

/* Is @q still what its name stands for? */
void queue_recheck(struct ipcfs *fs, struct queue *q)
{
	struct stat st;

	if (q->gone || mq_of(fs)->dirfd < 0)
		return;
	if (fstatat(mq_of(fs)->dirfd, q->name, &st, AT_SYMLINK_NOFOLLOW) ||
	    st.st_ino != q->ino)
		queue_gone(fs, q);
}

/*
 * The kernel keeps queue names (entry timeout > 0) and may walk one it
 * cached to a queue that another program has removed since: the inotify
 * invalidation of the name is on its way, but it comes microseconds
 * after the mq_unlink returned.  So whatever acts on a queue by a name
 * the kernel walked asks here first, with one fstatat: the name means
 * nothing now (ENOENT), another queue (ESTALE: the kernel walks the path
 * again with LOOKUP_REVAL, asking us for each name, and meets the new
 * queue), or still @q (0).  Without the view there is nothing to ask,
 * and names are never cached (mqfs.c).
 */
int queue_check(struct ipcfs *fs, struct queue *q)
{
	struct stat st;

	if (mq_of(fs)->dirfd < 0)
		return 0;
	if (fstatat(mq_of(fs)->dirfd, q->name, &st, AT_SYMLINK_NOFOLLOW)) {
		if (errno != ENOENT)
			return -errno;
		if (!q->gone)
			queue_gone(fs, q);
		return -ENOENT;
	}
	if (st.st_ino == q->ino && !q->gone)
		return 0;
	if (!q->gone)
		queue_gone(fs, q);
	return -ESTALE;
}

/* Drops the kernel's cached attributes of a queue and of its files. */
void queue_notify_attrs(struct ipcfs *fs, struct queue *q)
{
	struct node *dir = node_find(fs, mq_of(fs)->dir, q->name);
	char name[16];

	if (!dir || dir->obj != q)
		return;
	notify_inode(&fs->notifier, dir->id);
	for (int f = 0; f < QUEUE_PRIO_LISTED + QF_END - QF_NEXT; f++) {
		int file = f < QUEUE_PRIO_LISTED ?
				   f :
				   QF_NEXT + f - QUEUE_PRIO_LISTED;
		struct node *n = node_find(
			fs, dir, queue_file_name(file, name, sizeof(name)));

		if (n)
			notify_inode(&fs->notifier, n->id);
	}
}

/* Once per inotify event: by the name table, not a walk of all queues. */
static void name_changed(struct ipcfs *fs, const char *name, uint32_t mask)
{
	struct queue *q, *next;

	for (q = queue_find_name(fs, name); q; q = next) {
		next = queue_next_name(q); /* q may be gone after the recheck */
		queue_recheck(fs, q);
		if ((mask & IN_ATTRIB) && !q->gone)
			queue_notify_attrs(fs, q);
	}
	if (mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO))
		notify_entry(&fs->notifier, mq_of(fs)->dir->id, name);
}

static void recheck_all(struct ipcfs *fs)
{
	struct list_head *pos, *tmp;

	list_for_each_safe (pos, tmp, &mq_of(fs)->queues) {
		struct queue *q = list_entry(pos, struct queue, link);

		if (!q->gone) {
			queue_recheck(fs, q);
			notify_entry(&fs->notifier, mq_of(fs)->dir->id,
				     q->name);
		}
	}
}

static void on_event(const struct inotify_event *ev, void *arg)
{
	struct ipcfs *fs = arg;

	if (ev->mask & IN_Q_OVERFLOW)
		recheck_all(fs);
	else if (ev->len)
		name_changed(fs, ev->name, ev->mask);
}

static void on_inotify(struct ipcfs *fs, struct watch *w, uint32_t events)
{
	(void)events;
	inotify_drain(w->fd, on_event, fs);
}

/* A private mqueue mount: needs CAP_SYS_ADMIN, leaves no trace. */
static int private_mount(struct mq_family *mf)
{
	int fsfd = fsopen("mqueue", FSOPEN_CLOEXEC), err;

	if (fsfd < 0)
		return -errno;
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0)) {
		err = -errno;
		goto out_close;
	}
	mf->mntfd = fsmount(fsfd, FSMOUNT_CLOEXEC,
			    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
				    MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mf->mntfd < 0) {
		err = -errno;
		goto out_close;
	}
	mf->dirfd = openat(mf->mntfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	err = mf->dirfd < 0 ? -errno : 0;
out_close:
	close(fsfd);
	return err;
}

/*
 * The same with the classic mount(2), for kernels (and valgrind) without
 * fsopen: mounted on a fresh directory, opened, and detached at once; the
 * open directory keeps the mount alive and nothing else can see it.
 */
static int legacy_mount(struct mq_family *mf)
{
	char dir[] = "/tmp/ipcfs-mqueue.XXXXXX";
	int err = 0;

	if (!mkdtemp(dir))
		return -errno;
	if (mount("mqueue", dir, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL)) {
		err = -errno;
		goto out_rmdir;
	}
	mf->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mf->dirfd < 0)
		err = -errno;
	umount2(dir, MNT_DETACH);
out_rmdir:
	rmdir(dir);
	return err;
}

static int dev_mqueue(struct mq_family *mf)
{
	struct statfs sfs;

	mf->dirfd = open("/dev/mqueue", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mf->dirfd < 0)
		return -errno;
	if (fstatfs(mf->dirfd, &sfs) || sfs.f_type != MQUEUE_MAGIC) {
		close(mf->dirfd);
		mf->dirfd = -1;
		return -ENODEV; /* a plain directory: not the queues */
	}
	return 0;
}

void mqview_open(struct mq_family *mf)
{
	char path[64];
	int err1, err2 = 0;

	mf->list_at = -1;
	err1 = private_mount(mf);
	if (err1 == -ENOSYS)
		err1 = legacy_mount(mf);
	if (err1)
		err2 = dev_mqueue(mf);
	if (mf->dirfd < 0) {
		log_warn("cannot see the mqueue file system (private "
			 "mount: %s; /dev/mqueue: %s): mq/ will list no queue "
			 "and will not notice queues other programs remove; "
			 "queues can still be used by name",
			 strerror(-err1), strerror(-err2));
		return;
	}
	mf->inofd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mf->dirfd);
	if (mf->inofd < 0 ||
	    inotify_add_watch(mf->inofd, path,
			      IN_CREATE | IN_DELETE | IN_ATTRIB |
				      IN_MOVED_FROM | IN_MOVED_TO) < 0) {
		log_warn("cannot watch the queues (%s): queues "
			 "made or removed by other programs show within a "
			 "second",
			 strerror(errno));
		if (mf->inofd >= 0)
			close(mf->inofd);
		mf->inofd = -1;
	}
}

static bool emit_queue(struct dirbuf *b, const struct dir_entry *e, void *arg)
{
	(void)arg;
	if (strcmp(e->name, ".") == 0 || strcmp(e->name, "..") == 0)
		return true; /* ours are listed by mqueue.c */
	return dirbuf_add(b, e->name, mq_ino(e->ino, MQ_FILE_DIR), S_IFDIR,
			  e->next);
}

/*
 * The mqueue file system's own offsets (positions in its list of names:
 * 3, 4, ... after "." and "..") are ours: the view's one fd serves every
 * listing, sought to the offset a request gives.  Reading on from where
 * the fd stands costs nothing more; a seek elsewhere walks that many
 * names inside the kernel (no copy to us, no allocation), so its cost is
 * bounded by the number of queues (fs.mqueue.queues_max, 256 by default).
 */
int mqview_list(struct ipcfs *fs, struct dirbuf *b, off_t off)
{
	struct mq_family *mf = mq_of(fs);

	if (mf->dirfd < 0)
		return 0;
	return dir_scan(mf->dirfd, &mf->list_at, off < 2 ? 2 : off, b,
			emit_queue, NULL);
}

void mqview_close(struct ipcfs *fs)
{
	struct mq_family *mf = mq_of(fs);

	if (mf->started)
		loop_remove(fs, &mf->ino_watch);
	if (mf->inofd >= 0)
		close(mf->inofd);
	if (mf->dirfd >= 0)
		close(mf->dirfd);
	if (mf->mntfd >= 0)
		close(mf->mntfd);
	mf->inofd = mf->dirfd = mf->mntfd = -1;
}
