/*
 * The shared memory family's objects: what a node of shm/ stands for (one
 * tmpfs inode, reached by its current name), found again by name and
 * inode together, so that a name removed and made again is a new node;
 * and the inotify watch on /dev/shm, in the loop's epoll set, that tells
 * the kernel at once (through the notifier thread) when another program
 * removes, renames or changes an object the kernel has cached.  The
 * lowest file of the family: the directory (shmseg.c) and the open files
 * (shmfile.c) use it, it uses neither.  Loop thread only.
 */
#define _GNU_SOURCE
#include "inotify_drain.h"
#include "log.h"
#include "route.h"
#include "shmseg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>

#define SHM_WATCH_MASK                                                   \
	(IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM | \
	 IN_MOVED_TO | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)

/* One read of the inotify fd: many events, each at most one name long. */

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
void shm_obj_moved(struct ipcfs *fs, struct shm_obj *o)
{
	if (o->node->hashed)
		node_unhash(fs, o->node);
	list_del(&o->link);
	list_add(&o->link, &shm_of(fs)->moved);
}

int shm_obj_rename(struct shm_obj *o, const char *name)
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
struct shm_obj *shm_find_moved(struct shm_family *sf, ino_t ino)
{
	struct list_head *pos;

	list_for_each (pos, &sf->moved) {
		struct shm_obj *o = list_entry(pos, struct shm_obj, link);

		if (o->ino == ino && !o->removed)
			return o;
	}
	return NULL;
}

int shm_node_for(struct ipcfs *fs, struct node *dir, const char *name,
		 const struct stat *st, const struct node_ops *ops,
		 struct node **out)
{
	struct shm_family *sf = shm_of(fs);
	struct node *n = node_find(fs, dir, name);
	struct shm_obj *o;

	if (n) {
		o = shm_obj_of(n);
		if (o->ino == st->st_ino) {
			*out = n;
			return 0;
		}
		shm_obj_moved(fs, o); /* the name means another object now */
	}
	o = shm_find_moved(sf, st->st_ino);
	if (o) {
		*out = o->node;
		return shm_obj_rename(o, name);
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
	n = node_new(fs, dir, name, ops, 0, o);
	if (!n)
		return -ENOMEM; /* node_new released @o */
	o->node = n;
	list_add(&o->link, &sf->hashed);
	*out = n;
	return 0;
}

void shm_file_release_obj(struct ipcfs *fs, void *obj)
{
	struct shm_obj *o = obj;

	(void)fs;
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
	bool here = shm_stat_name(shm_of(fs), o->name, &st) == 0 &&
		    st.st_ino == o->ino;

	if (!here) {
		if (o->node->hashed) {
			notify_entry(&fs->notifier, shm_of(fs)->dir->id,
				     o->name);
			shm_obj_moved(fs, o);
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
	struct node *dir = shm_of(fs)->dir;
	struct node *n = node_find(fs, dir, name);
	struct list_head *pos, *next;

	if (n)
		recheck(fs, shm_obj_of(n));
	/* An object we renamed is known by inode, under its new name. */
	list_for_each_safe (pos, next, &shm_of(fs)->moved) {
		struct shm_obj *o = list_entry(pos, struct shm_obj, link);

		if (strcmp(o->name, name) == 0)
			recheck(fs, o);
	}
}

/* Events were lost: look at every object the kernel may have cached. */
static void recheck_all(struct ipcfs *fs)
{
	struct list_head *pos, *next;

	list_for_each_safe (pos, next, &shm_of(fs)->hashed)
		recheck(fs, list_entry(pos, struct shm_obj, link));
	list_for_each_safe (pos, next, &shm_of(fs)->moved)
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
	if (shm_of(fs)->inotify_fd >= 0)
		inotify_drain(shm_of(fs)->inotify_fd, on_event, fs);
}

static void on_inotify(struct ipcfs *fs, struct watch *w, uint32_t events)
{
	(void)w;
	(void)events;
	drain_events(fs);
}

/* The inotify fd in the loop: the family's start. */
void shm_watch_open(struct shm_family *sf)
{
	sf->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (sf->inotify_fd >= 0 &&
	    inotify_add_watch(sf->inotify_fd, SHM_DIR_PATH, SHM_WATCH_MASK) <
		    0) {
		close(sf->inotify_fd);
		sf->inotify_fd = -1;
	}
	if (sf->inotify_fd < 0)
		log_warn("cannot watch %s (%s): changes made elsewhere show "
			 "on the next lookup only",
			 SHM_DIR_PATH, strerror(errno));
}

int shm_watch_start(struct ipcfs *fs)
{
	struct shm_family *sf = shm_of(fs);
	int err;

	if (sf->inotify_fd < 0)
		return 0;
	err = loop_add(fs, &sf->watch, sf->inotify_fd, EPOLLIN, on_inotify);
	if (err)
		log_warn("cannot watch %s: %s", SHM_DIR_PATH, strerror(-err));
	return 0;
}

void shm_watch_poll(struct ipcfs *fs)
{
	drain_events(fs);
}
