/*
 * The contract between the FUSE glue (fs.c) and the three families of
 * objects (proc.c, mqueue.c, shmseg.c).  fs.c owns the node table and the
 * replies to simple requests; a family answers for the node types it owns.
 * Operations that may wait (read, write, poll) receive the request and
 * answer it themselves, now or later from the loop; the others return 0
 * or -errno and fs.c replies once.  A NULL operation gets the errno a
 * reader of /proc or /dev/shm would expect (see fs.c).
 */
#ifndef IPCFS_FAMILY_H
#define IPCFS_FAMILY_H

#include "creds.h"
#include <dirent.h>
#include <sys/statvfs.h>
#include "ipcfs.h"

/* An open directory; families may keep iteration state in @state. */
struct dir_handle {
	struct handle h;
	void *state;
	void (*free_state)(void *state);
};

/* A readdir reply being filled. */
struct dirbuf {
	fuse_req_t req;
	char *buf;
	size_t size, used;
	unsigned long scanned; /* entries read from the kernel for it */
};

/*
 * Adds one entry; @next is the offset a later readdir passes to resume
 * after it.  Returns false (adding nothing) when the buffer is full.
 */
bool dirbuf_add(struct dirbuf *b, const char *name, ino_t ino, mode_t mode,
		off_t next);

/*
 * Adds "." (@self, offset 1) and ".." (@parent, offset 2), each unless
 * @off is already past it.  Returns false when the buffer is full.
 */
bool dirbuf_add_dots(struct dirbuf *b, ino_t self, ino_t parent, off_t off);

struct family_ops {
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
	/* Frees the handle (not the node pin: fs.c drops that). */
	void (*release)(struct ipcfs *fs, struct handle *h);
	int (*fsync)(struct ipcfs *fs, struct handle *h, int datasync);

	/*
	 * fallocate(2) on an open file.  Missing: shm files answer
	 * EOPNOTSUPP, every other file ENODEV (see fs.c).
	 */
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

	/*
	 * statfs(2) of a directory of the family: the figures of the
	 * storage behind it.  NULL: the root's answer.
	 */
	int (*statfs)(struct ipcfs *fs, struct node *n, struct statvfs *st);

	/* The node's obj is dropped (node freed). */
	void (*release_obj)(struct ipcfs *fs, struct node *n);
};

extern const struct family_ops proc_family_ops;
extern const struct family_ops mq_family_ops;
extern const struct family_ops shm_family_ops;

int proc_init(struct ipcfs *fs);
void proc_fini(struct ipcfs *fs);
int mq_init(struct ipcfs *fs);
void mq_fini(struct ipcfs *fs);
int shm_init(struct ipcfs *fs);
void shm_fini(struct ipcfs *fs);

/* One entry of a real directory, as getdents64 gives it. */
struct dir_entry {
	const char *name;
	ino_t ino;
	unsigned char type; /* DT_* */
	off_t next;         /* the kernel's offset just after it */
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
