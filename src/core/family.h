/*
 * The contract between the core and the families of objects (src/proc,
 * src/mq, src/shm ...): the ops table every node carries, fixed-name
 * tables, and the family plug-in that main.c registers.  The core owns
 * the node table and the replies to simple requests; a family answers
 * for the nodes it made.  Everything here runs on the loop thread.
 */
#ifndef IPCFS_FAMILY_H
#define IPCFS_FAMILY_H

#include "creds.h"
#include <dirent.h>
#include <sys/statvfs.h>
#include "ipcfs.h"
#include "inum.h"
#include "route.h"

/* An open directory; families may keep iteration state in @state. */
struct dir_handle {
	struct handle h;
	void *state;
	void (*free_state)(void *state);
};

/* Entries a readdirplus reply of READDIR_REPLY_MAX bytes can hold. */
#define DIRBUF_PLUS_MAX 32

/*
 * A readdir reply being filled.  For READDIRPLUS (@plus) each entry also
 * carries its node and attributes: dirbuf_add looks the name up in @dir
 * (its lookup op, as a LOOKUP would) and remembers the nodes it handed
 * out (@given), so a reply the kernel never gets is undone.
 */
struct dirbuf {
	fuse_req_t req;
	char *buf;
	size_t size, used;
	unsigned long scanned; /* entries read from the kernel for it */
	bool plus;
	/*
	 * Set by a readdir whose entries can't be cached (timeouts 0): a
	 * plus reply then carries no nodes, since the kernel would look
	 * every name up again anyway.
	 */
	bool bare;
	struct ipcfs *fs;
	struct node *dir;
	struct node *given[DIRBUF_PLUS_MAX];
	unsigned int ngiven;
};

/*
 * Adds one entry; @next is the offset a later readdir passes to resume
 * after it.  Returns false (adding nothing) when the buffer is full.  In
 * a readdirplus reply, a name its directory's lookup no longer finds is
 * sent without a node (the kernel then looks it up itself, if asked).
 */
bool dirbuf_add(struct dirbuf *b, const char *name, ino_t ino, mode_t mode,
		off_t next);

/*
 * Adds "." (@self, offset 1) and ".." (@parent, offset 2), each unless
 * @off is already past it.  Returns false when the buffer is full.
 */
bool dirbuf_add_dots(struct dirbuf *b, ino_t self, ino_t parent, off_t off);

/*
 * What a node does: each node carries one of these tables (n->ops), set
 * when the node is made, one table per kind of node (a process
 * directory, a queue file, an shm file ...), as the kernel sets an
 * inode's i_op and i_fop.  fs.c finds the node of a request and calls
 * its table; nothing else dispatches.
 *
 * Who replies: operations that may have to wait (read, write, poll) get
 * the request and answer it themselves, at once or later from the loop
 * (parked, see ipcfs.h); every other operation returns 0 or -errno and
 * fs.c replies, exactly once.
 *
 * Mandatory: getattr.  A node with open must have release.  Every other
 * operation may be NULL, and then fs.c gives the one answer a reader of
 * /proc or /dev/shm expects, the same for every node:
 *
 *   lookup      ENOTDIR          readlink   EINVAL
 *   timeouts    STABLE_TIMEOUT   opendir    (no state; needs readdir)
 *   readdir     ENOTDIR at opendir
 *   open        EISDIR           read       EBADF     write   EBADF
 *   poll        always ready     fsync      0 (nothing to flush)
 *   flush       0
 *   fallocate   ENODEV           setattr    EPERM
 *   mkdir       EPERM            rmdir      EPERM     unlink  EPERM
 *   create      EACCES           rename     EPERM (EXDEV to a directory
 *                                           of another kind)
 *   statfs      the root's figures (the top entry marked statfs_root)
 *   release_obj nothing to release
 *
 * symlink, link and mknod are EPERM everywhere (fs.c): no object of the
 * tree is a link or a device.
 */
struct node_ops {
	/* Sets *out to the child @name of @dir, found or made. */
	int (*lookup)(struct ipcfs *fs, fuse_req_t req, struct node *dir,
		      const char *name, struct node **out);
	int (*getattr)(struct ipcfs *fs, struct node *n, struct stat *st);
	/* Seconds the kernel may keep the name and the attributes. */
	void (*timeouts)(struct ipcfs *fs, struct node *n, double *entry,
			 double *attr);
	int (*readlink)(struct ipcfs *fs, fuse_req_t req, struct node *n,
			char *buf, size_t size);

	int (*opendir)(struct ipcfs *fs, fuse_req_t req, struct dir_handle *dh);
	/* Fills @b with entries after offset @off; fs.c sends the reply. */
	int (*readdir)(struct ipcfs *fs, struct dir_handle *dh,
		       struct dirbuf *b, off_t off);

	/* Allocates the handle (fi->fh) and sets the fi open flags. */
	int (*open)(struct ipcfs *fs, fuse_req_t req, struct node *n,
		    struct fuse_file_info *fi);
	void (*read)(struct ipcfs *fs, fuse_req_t req, struct handle *h,
		     size_t size, off_t off);
	void (*write)(struct ipcfs *fs, fuse_req_t req, struct handle *h,
		      const char *buf, size_t size, off_t off);
	void (*poll)(struct ipcfs *fs, fuse_req_t req, struct handle *h,
		     struct fuse_pollhandle *ph);
	/*
	 * A close(2) of a descriptor of @h, from the closing thread (only
	 * where open left fi->noflush clear): @req tells who closed it.
	 */
	int (*flush)(struct ipcfs *fs, fuse_req_t req, struct handle *h);
	/* Frees the handle (not the node pin: fs.c drops that). */
	void (*release)(struct ipcfs *fs, struct handle *h);
	int (*fsync)(struct ipcfs *fs, struct handle *h, int datasync);
	int (*fallocate)(struct ipcfs *fs, struct handle *h, int mode,
			 off_t off, off_t len);
	/* @h is the open file for ftruncate/fchmod, else NULL. */
	int (*setattr)(struct ipcfs *fs, fuse_req_t req, struct node *n,
		       struct stat *attr, int to_set, struct handle *h);
	int (*mkdir)(struct ipcfs *fs, fuse_req_t req, struct node *dir,
		     const char *name, mode_t mode, struct node **out);
	int (*rmdir)(struct ipcfs *fs, fuse_req_t req, struct node *dir,
		     const char *name);
	int (*create)(struct ipcfs *fs, fuse_req_t req, struct node *dir,
		      const char *name, mode_t mode, struct fuse_file_info *fi,
		      struct node **out);
	int (*unlink)(struct ipcfs *fs, fuse_req_t req, struct node *dir,
		      const char *name);
	int (*rename)(struct ipcfs *fs, fuse_req_t req, struct node *dir,
		      const char *name, struct node *newdir,
		      const char *newname, unsigned int flags);
	/* statfs(2) of a directory: the figures of the storage behind it. */
	int (*statfs)(struct ipcfs *fs, struct node *n, struct statvfs *st);
	/* The node goes away: drop its reference on @obj (node->obj). */
	void (*release_obj)(struct ipcfs *fs, void *obj);
};

/*
 * A family of objects, a plug-in: main.c lists them (families[]) and
 * the core knows nothing else of them.  Its top entries (@top, @ntop)
 * are the root directory's entries, in listing order; the core makes
 * their nodes before init.  init makes the family's state (returned in
 * *state, given back to each hook; the family's code finds it with
 * family_state()) and may register signals (loop_add_signal); start is
 * called once the loop exists (watch fds there); fini frees everything,
 * also after a failed init or when start never ran.
 */
struct family {
	const char *name;
	unsigned int inum_tag; /* its inode numbers' tag: INUM_TAG_FAMILY(n) */
	const struct fixed_name *top;
	size_t ntop;
	int (*init)(struct ipcfs *fs, void **state);
	int (*start)(struct ipcfs *fs, void *state);
	void (*fini)(struct ipcfs *fs, void *state);
};

/*
 * The state the init of the family whose inode-number tag is @tag made
 * (NULL before init or after fini).  A family's tag is its number (each
 * its own: fs_check_families), known to every file of the family from
 * its own header, so its lower files find their state without referring
 * to the file that defines the family; and in O(1), on every request.
 */
static inline void *family_state(struct ipcfs *fs, unsigned int tag)
{
	return tag < INUM_NTAGS ? fs->state_by_tag[tag] : NULL;
}

/* The top entry @name's node (proc/, mq/ ...): always there. */
struct node *node_top(struct ipcfs *fs, const char *name);

/* One entry of a real directory, as getdents64 gives it. */
struct dir_entry {
	const char *name;
	ino_t ino;
	unsigned char type; /* DT_* */
	off_t next; /* the kernel's offset just after it */
};

/*
 * Reads the real directory @dirfd from the kernel's offset @pos and calls
 * @emit for each entry until it returns false (the reply is full) or the
 * directory ends.  No stream and no buffer are kept between requests:
 * one fd per directory serves every open directory of the tree, sought
 * to @pos first (the kernel's offsets are resumable positions); @at
 * caches where that fd stands (-1: unknown), so a listing read in order
 * is not sought again.  Counts the entries read in @b->scanned.  0, or
 * -errno when nothing could be listed.
 */
int dir_scan(int dirfd, off_t *at, off_t pos, struct dirbuf *b,
	     bool (*emit)(struct dirbuf *b, const struct dir_entry *e,
			  void *arg),
	     void *arg);

/* Replies with a slice of @text for a read of @size at @off. */
void reply_text(fuse_req_t req, const char *text, size_t len, size_t size,
		off_t off);

/*
 * The caller's full credentials (ids, every group, capabilities and the
 * user namespace they count in), with the request's fsuid and fsgid.
 * 0 or -errno; release with creds_release().
 */
int req_creds(fuse_req_t req, struct creds *c);

#endif
