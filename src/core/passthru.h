/*
 * FUSE passthrough with libfuse 3.14: the kernel (Linux >= 6.9) can send
 * read, write and mmap of an open file straight to a "backing file" that
 * the server registered, but libfuse 3.14 can neither ask for it in INIT
 * nor name the backing file in an OPEN reply.  The server therefore talks
 * to /dev/fuse through libfuse's custom I/O hooks, and this file does the
 * byte-level part: it notes what the kernel offers in the INIT request,
 * adds FUSE_PASSTHROUGH to the INIT reply, and sets FOPEN_PASSTHROUGH and
 * the backing id in the one OPEN/CREATE reply it is told about.  Plus the
 * two /dev/fuse ioctls that register and drop a backing file.  No libfuse
 * types here, so the wire handling is unit-tested without a mount.
 */
#ifndef IPCFS_PASSTHRU_H
#define IPCFS_PASSTHRU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

/* Bytes of the largest reply we rewrite: fuse_entry_out + fuse_open_out. */
#define PASSTHRU_COPY_MAX 160

struct passthru {
	bool wanted; /* not turned off with -o nopassthrough */
	bool offered; /* the kernel's INIT offered it */
	bool on; /* our INIT reply asked for it: in use */
	bool refused; /* the kernel would not register a backing file */
	uint64_t init_unique; /* the INIT request, to know its reply */
	int32_t reply_id; /* backing id for the next open reply, or 0 */
	/* Patched copies: libfuse's own reply buffers are left alone. */
	unsigned char init_copy[PASSTHRU_COPY_MAX];
	unsigned char open_copy[PASSTHRU_COPY_MAX];
};

/* Looks at a request read from /dev/fuse; only INIT matters. */
void passthru_saw_request(struct passthru *pt, const void *buf, size_t len);

/*
 * Rewrites, in place of @iov's payload, the INIT reply (asking for
 * passthrough when offered and wanted) and, when pt->reply_id is set, the
 * open reply being sent (FOPEN_PASSTHROUGH + backing id).  An open reply
 * is the last 16 bytes of the payload: a plain OPEN or a CREATE's entry
 * and open.  Returns true if it changed @iov.
 */
bool passthru_patch_reply(struct passthru *pt, struct iovec *iov, int count);

/*
 * Whether we may register backing files: the kernel asks for
 * CAP_SYS_ADMIN (in the initial user namespace; inside another one the
 * first registration fails with EPERM and shm files fall back).
 */
bool passthru_capable(void);

/* Registers @fd as a backing file on @fuse_fd: its id (> 0) or -errno. */
int passthru_backing_open(int fuse_fd, int fd);
/* Drops a backing id; the files already opened with it keep working. */
void passthru_backing_close(int fuse_fd, int32_t id);

#endif
