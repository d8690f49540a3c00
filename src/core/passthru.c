/*
 * FUSE passthrough on libfuse 3.14: the INIT and OPEN bytes libfuse cannot
 * write itself, and the backing-file ioctls (see passthru.h).  The layouts
 * are the kernel's (include/uapi/linux/fuse.h, protocol 7.40); the fields
 * newer than the 6.1 headers Debian 12 ships are defined here.
 */
#define _GNU_SOURCE
#include "passthru.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/fuse.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* FUSE_PASSTHROUGH is bit 37 of the INIT flags: bit 5 of flags2. */
#define PT_INIT_FLAGS2_PASSTHROUGH (1u << (37 - 32))
#define PT_FOPEN_PASSTHROUGH (1u << 7)

/* fuse_init_out.max_stack_depth, the word after flags2 (unused[0] in 6.1) */
#define PT_INIT_OUT_STACK_DEPTH (offsetof(struct fuse_init_out, flags2) + 4)
/* fuse_open_out.backing_id, its former padding */
#define PT_OPEN_OUT_BACKING_ID offsetof(struct fuse_open_out, padding)

struct pt_backing_map {
	int32_t fd;
	uint32_t flags;
	uint64_t padding;
};

#define PT_DEV_IOC_BACKING_OPEN _IOW(229, 1, struct pt_backing_map)
#define PT_DEV_IOC_BACKING_CLOSE _IOW(229, 2, uint32_t)

/*
 * The stack depth we declare: the backing files live on tmpfs (depth 0),
 * so 1 is enough, and it leaves room for an overlayfs over the mount.
 */
#define PT_STACK_DEPTH 1

void passthru_saw_request(struct passthru *pt, const void *buf, size_t len)
{
	struct fuse_in_header in;
	struct fuse_init_in init;

	if (len < sizeof(in) + offsetof(struct fuse_init_in, unused))
		return;
	memcpy(&in, buf, sizeof(in));
	if (in.opcode != FUSE_INIT)
		return;
	memcpy(&init, (const char *)buf + sizeof(in),
	       offsetof(struct fuse_init_in, unused));
	pt->init_unique = in.unique;
	pt->offered = init.major == FUSE_KERNEL_VERSION &&
		      (init.flags & FUSE_INIT_EXT) &&
		      (init.flags2 & PT_INIT_FLAGS2_PASSTHROUGH);
}

static void put32(unsigned char *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

static uint32_t get32(const unsigned char *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static bool patch_init(struct passthru *pt, struct iovec *payload)
{
	unsigned char *c = pt->init_copy;
	size_t len = payload->iov_len;

	pt->init_unique = 0;
	/* Only a full-size reply has flags2 and max_stack_depth. */
	if (!pt->offered || !pt->wanted || len != sizeof(struct fuse_init_out))
		return false;
	memcpy(c, payload->iov_base, len);
	if (!(get32(c, offsetof(struct fuse_init_out, flags)) &
	      FUSE_INIT_EXT) ||
	    (get32(c, offsetof(struct fuse_init_out, flags)) &
	     FUSE_WRITEBACK_CACHE))
		return false;
	put32(c, offsetof(struct fuse_init_out, flags2),
	      get32(c, offsetof(struct fuse_init_out, flags2)) |
		      PT_INIT_FLAGS2_PASSTHROUGH);
	put32(c, PT_INIT_OUT_STACK_DEPTH, PT_STACK_DEPTH);
	payload->iov_base = c;
	pt->on = true;
	return true;
}

static bool patch_open(struct passthru *pt, struct iovec *payload)
{
	unsigned char *c = pt->open_copy;
	size_t len = payload->iov_len, at;
	int32_t id = pt->reply_id;

	pt->reply_id = 0;
	if (len < sizeof(struct fuse_open_out) || len > sizeof(pt->open_copy))
		return false;
	memcpy(c, payload->iov_base, len);
	at = len - sizeof(struct fuse_open_out);
	put32(c, at + offsetof(struct fuse_open_out, open_flags),
	      (get32(c, at + offsetof(struct fuse_open_out, open_flags)) &
	       ~(uint32_t)FOPEN_DIRECT_IO) |
		      PT_FOPEN_PASSTHROUGH);
	put32(c, at + PT_OPEN_OUT_BACKING_ID, (uint32_t)id);
	payload->iov_base = c;
	return true;
}

/*
 * Replies (unique != 0) that reach here are the loop thread's (the bulk
 * worker's READ replies skip the hook, main.c); the notifier thread sends
 * notices (unique 0) through it.  So the header is read first and @pt is
 * touched only for replies.
 */
bool passthru_patch_reply(struct passthru *pt, struct iovec *iov, int count)
{
	struct fuse_out_header out;

	if (count < 1 || iov[0].iov_len != sizeof(out))
		return false;
	memcpy(&out, iov[0].iov_base, sizeof(out));
	if (out.unique == 0)
		return false;
	if (out.error != 0 || count != 2) {
		pt->reply_id = 0;
		return false;
	}
	if (pt->init_unique && out.unique == pt->init_unique)
		return patch_init(pt, &iov[1]);
	if (pt->reply_id > 0)
		return patch_open(pt, &iov[1]);
	return false;
}

int passthru_backing_open(int fuse_fd, int fd)
{
	struct pt_backing_map map = { .fd = fd };
	int id = ioctl(fuse_fd, PT_DEV_IOC_BACKING_OPEN, &map);

	if (id < 0)
		return -errno;
	/* 0 is not a backing id; a kernel that said so would be broken */
	return id > 0 ? id : -EPROTO;
}

void passthru_backing_close(int fuse_fd, int32_t id)
{
	uint32_t u = (uint32_t)id;

	if (id > 0)
		ioctl(fuse_fd, PT_DEV_IOC_BACKING_CLOSE, &u);
}

bool passthru_capable(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &
	       CAP_TO_MASK(CAP_SYS_ADMIN);
}
