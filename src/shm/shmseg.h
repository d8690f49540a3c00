/*
 * The shared memory family's own types, shared by its two halves:
 * shmseg.c (the directory: names, identity, attributes, the inotify watch
 * on /dev/shm, unlink and rename) and shmfile.c (open files: create, open,
 * read, write, fallocate, truncate and the other attribute changes).
 * Every object is the real one in /dev/shm, reached through one
 * O_DIRECTORY fd; every open, create, unlink, rename and attribute change
 * is made as the caller, but for the clearing of set-id bits that the
 * kernel asks for after a write it allowed (shmfile.c: is_kill_suid).
 * Loop thread only.
 */
#ifndef IPCFS_SHMSEG_H
#define IPCFS_SHMSEG_H

#include "family.h"
#include "inum.h"

#include <stdint.h>
#include <time.h>

#define SHM_DIR_PATH "/dev/shm"

/* The inode-number tag the shared memory family claims (see inum.h). */
#define SHM_INUM_TAG INUM_TAG_FAMILY(2)

/*
 * Reported inode number of an object: its tmpfs inode number under the
 * family's own tag (inum.h), a range no other node of the tree uses.
 * Two names of one object (a hard link made in /dev/shm) report the same
 * number, as they do there.
 */
#define SHM_INO(tmpfs_ino) inum_make(SHM_INUM_TAG, (uint64_t)(tmpfs_ino), 0)

struct shm_family {
	struct node *dir; /* shm/ */
	int dirfd; /* /dev/shm, O_DIRECTORY; -1 if missing */
	off_t list_at; /* where dirfd stands for listings, or -1 */
	int inotify_fd; /* watch on /dev/shm; -1 if none */
	struct watch watch; /* inotify_fd in the loop, from start */
	struct list_head hashed; /* objects whose node is found by name */
	struct list_head moved; /* objects whose name went away */
	char *read_buf; /* FS_MAX_IO bytes, for every read */
};

/*
 * What a shm node stands for: one tmpfs inode, reached by its current
 * name.  A name that comes to mean another inode (removed and made again,
 * renamed over) gets a new node; the old one lives on for its open files
 * and is found again by inode number if its object turns up under a new
 * name (a rename).
 */
struct shm_obj {
	struct list_head link; /* on hashed or moved */
	struct node *node;
	ino_t ino;
	char *name; /* current name in /dev/shm */
	bool removed; /* we unlinked it: no name will lead to it */
	struct timespec ctime; /* last change made or noticed by us */
	struct list_head handles; /* open files (struct shm_handle) */
	/*
	 * All open files of one object use one I/O mode, as the kernel
	 * requires: passthrough to one backing file, or the page cache.
	 */
	int32_t backing_id; /* registered backing file, or 0 */
	unsigned int pt_users; /* open files in passthrough */
	unsigned int cached_users; /* open files through the page cache */
};

/* An open shm file: the object opened as the opener, at open time. */
struct shm_handle {
	struct handle h;
	int fd;
	struct list_head obj_link; /* on shm_obj.handles */
};

static inline struct shm_family *shm_of(struct ipcfs *fs)
{
	return family_state(fs, SHM_INUM_TAG);
}

static inline struct shm_obj *shm_obj_of(struct node *n)
{
	return n->obj;
}

/* ---- shmobj.c: objects and the watch on /dev/shm ------------------- */

/*
 * The object behind @name now: 0 and *st, -ENOENT if there is none or it
 * is not a regular file (directories, fifos, links in /dev/shm are not
 * shm objects), -EINVAL for names that cannot be shm objects.
 */
int shm_stat_name(struct shm_family *sf, const char *name, struct stat *st);

/* Finds or makes the node (with @ops) of the object @st under @name. */
int shm_node_for(struct ipcfs *fs, struct node *dir, const char *name,
		 const struct stat *st, const struct node_ops *ops,
		 struct node **out);
/* The name of @o means another object now, or nothing. */
void shm_obj_moved(struct ipcfs *fs, struct shm_obj *o);
/* @o is known by @name now.  0 or -ENOMEM. */
int shm_obj_rename(struct shm_obj *o, const char *name);
/* An object whose name went away, by its tmpfs inode, or NULL. */
struct shm_obj *shm_find_moved(struct shm_family *sf, ino_t ino);
/* A shm file's node goes: frees its object (release_obj). */
void shm_file_release_obj(struct ipcfs *fs, void *obj);

/* Sets up the inotify watch on /dev/shm (init); says why if it cannot. */
void shm_watch_open(struct shm_family *sf);
/* The watch in the loop's epoll set: the family's start.  0. */
int shm_watch_start(struct ipcfs *fs);
/*
 * Handles the changes other programs made so far, before we make one of
 * our own: afterwards their ctime would be hidden behind ours.
 */
void shm_watch_poll(struct ipcfs *fs);

/* Remembers @st's ctime as ours, so the inotify echo of it is ignored. */
void shm_note_own_change(struct shm_obj *o, const struct stat *st);

/* Some open file's fd on @o (it outlives the name), or -1. */
int shm_obj_fd(struct shm_obj *o);

/* ---- shmfile.c: open files -------------------------------------------- */

/* What a shm file does (getattr, open, read, write, ...). */
extern const struct node_ops shm_file_ops;

/* create(2) in shm/: the object made and opened as the caller. */
int shm_dir_create(struct ipcfs *fs, fuse_req_t req, struct node *dir,
		   const char *name, mode_t mode, struct fuse_file_info *fi,
		   struct node **out);

/*
 * Acts as the caller of @req (its uid, gid and groups) until
 * caller_leave(), so the kernel checks and accounts what follows as the
 * caller's own system call.  0 or -errno (nothing to leave then).
 */
int shm_caller_enter(fuse_req_t req, struct caller_ctx *cc);

#endif
