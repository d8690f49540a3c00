/*
 * Unit tests of the passthrough bytes (src/passthru.c): the INIT request
 * is understood, the INIT reply asks for passthrough only when offered
 * and wanted, open and create replies get the backing id exactly once,
 * and everything else (errors, notices, other replies) is left alone.
 */
#define _GNU_SOURCE
#include "../tap.h"
#include "passthru.h"

#include <errno.h>
#include <linux/fuse.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PASSTHROUGH2 (1u << 5) /* FUSE_PASSTHROUGH (bit 37) in flags2 */

static uint32_t word(const void *p, size_t off)
{
	uint32_t v;

	memcpy(&v, (const char *)p + off, sizeof(v));
	return v;
}

/* An INIT request as the kernel writes it. */
static size_t init_request(unsigned char *buf, uint64_t unique, uint32_t flags,
			   uint32_t flags2)
{
	struct fuse_in_header in = {
		.opcode = FUSE_INIT,
		.unique = unique,
	};
	struct fuse_init_in init = {
		.major = FUSE_KERNEL_VERSION,
		.minor = 45,
		.flags = flags,
		.flags2 = flags2,
	};

	in.len = sizeof(in) + sizeof(init);
	memcpy(buf, &in, sizeof(in));
	memcpy(buf + sizeof(in), &init, sizeof(init));
	return in.len;
}

struct reply {
	struct fuse_out_header out;
	unsigned char payload[PASSTHRU_COPY_MAX];
	struct iovec iov[2];
};

static void reply(struct reply *r, uint64_t unique, int error, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->out.unique = unique;
	r->out.error = error;
	r->out.len = (uint32_t)(sizeof(r->out) + len);
	r->iov[0] = (struct iovec){ &r->out, sizeof(r->out) };
	r->iov[1] = (struct iovec){ r->payload, len };
}

static void init_reply(struct reply *r, uint64_t unique)
{
	struct fuse_init_out o = {
		.major = FUSE_KERNEL_VERSION,
		.minor = 38,
		.flags = FUSE_INIT_EXT | FUSE_ASYNC_READ,
	};

	reply(r, unique, 0, sizeof(o));
	memcpy(r->payload, &o, sizeof(o));
}

static void test_init(void)
{
	unsigned char buf[256];
	struct passthru pt = { .wanted = true };
	struct reply r;
	size_t n;

	n = init_request(buf, 2, FUSE_INIT_EXT, PASSTHROUGH2);
	passthru_saw_request(&pt, buf, n);
	ok(pt.offered && pt.init_unique == 2, "INIT offering passthrough");

	init_reply(&r, 2);
	ok(passthru_patch_reply(&pt, r.iov, 2), "INIT reply patched");
	ok(pt.on, "passthrough on");
	ok(r.iov[1].iov_base != r.payload, "libfuse's buffer left alone");
	is_int(word(r.iov[1].iov_base, offsetof(struct fuse_init_out, flags2)),
	       PASSTHROUGH2, "flags2 asks for passthrough");
	is_int(word(r.iov[1].iov_base,
		    offsetof(struct fuse_init_out, flags2) + 4),
	       1, "max_stack_depth 1");
	is_int(word(r.iov[1].iov_base, offsetof(struct fuse_init_out, flags)),
	       FUSE_INIT_EXT | FUSE_ASYNC_READ, "other flags kept");
	is_int(word(r.payload, offsetof(struct fuse_init_out, flags2)), 0,
	       "original untouched");
	init_reply(&r, 2);
	ok(!passthru_patch_reply(&pt, r.iov, 2), "only one INIT reply");

	/* not offered: no INIT_EXT, or no bit, or another major */
	pt = (struct passthru){ .wanted = true };
	n = init_request(buf, 2, 0, PASSTHROUGH2);
	passthru_saw_request(&pt, buf, n);
	ok(!pt.offered, "flags2 without FUSE_INIT_EXT means nothing");
	n = init_request(buf, 2, FUSE_INIT_EXT, 0);
	passthru_saw_request(&pt, buf, n);
	ok(!pt.offered, "not offered");
	init_reply(&r, 2);
	ok(!passthru_patch_reply(&pt, r.iov, 2) && !pt.on,
	   "not offered: reply unchanged");

	/* offered but not wanted (-o nopassthrough, no CAP_SYS_ADMIN) */
	pt = (struct passthru){ .wanted = false };
	n = init_request(buf, 4, FUSE_INIT_EXT, PASSTHROUGH2);
	passthru_saw_request(&pt, buf, n);
	init_reply(&r, 4);
	ok(!passthru_patch_reply(&pt, r.iov, 2) && !pt.on,
	   "not wanted: reply unchanged");

	/* an INIT error reply, a short (old protocol) one */
	pt = (struct passthru){ .wanted = true };
	passthru_saw_request(&pt, buf, n);
	reply(&r, 4, -EPROTO, 0);
	ok(!passthru_patch_reply(&pt, r.iov, 1) && !pt.on, "INIT error");
	passthru_saw_request(&pt, buf, n);
	init_reply(&r, 4);
	r.iov[1].iov_len = 24;
	ok(!passthru_patch_reply(&pt, r.iov, 2) && !pt.on,
	   "INIT reply of an old protocol size");

	/* a request too short to be an INIT, other opcodes */
	pt = (struct passthru){ .wanted = true };
	passthru_saw_request(&pt, buf, sizeof(struct fuse_in_header) + 4);
	ok(!pt.offered && !pt.init_unique, "short INIT ignored");
	n = init_request(buf, 6, FUSE_INIT_EXT, PASSTHROUGH2);
	buf[offsetof(struct fuse_in_header, opcode)] = FUSE_LOOKUP;
	passthru_saw_request(&pt, buf, n);
	ok(!pt.offered && !pt.init_unique, "other requests ignored");
}

static void test_open(void)
{
	struct passthru pt = { .wanted = true, .on = true };
	struct fuse_open_out o = { .fh = 77, .open_flags = FOPEN_DIRECT_IO };
	const void *p;
	struct reply r;

	reply(&r, 10, 0, sizeof(o));
	memcpy(r.payload, &o, sizeof(o));
	pt.reply_id = 5;
	ok(passthru_patch_reply(&pt, r.iov, 2), "open reply patched");
	p = r.iov[1].iov_base;
	is_int(word(p, offsetof(struct fuse_open_out, open_flags)), 1u << 7,
	       "FOPEN_PASSTHROUGH, and no direct_io");
	is_int((int32_t)word(p, offsetof(struct fuse_open_out, padding)), 5,
	       "backing id");
	memcpy(&o, p, sizeof(o)); /* the copy need not be aligned */
	ok(o.fh == 77, "fh kept");
	is_int(pt.reply_id, 0, "used once");
	reply(&r, 12, 0, sizeof(o));
	ok(!passthru_patch_reply(&pt, r.iov, 2),
	   "the next reply is left alone");

	/* create: entry then open, the open at the end */
	reply(&r, 14, 0, sizeof(struct fuse_entry_out) + sizeof(o));
	pt.reply_id = 9;
	ok(passthru_patch_reply(&pt, r.iov, 2), "create reply patched");
	p = (const char *)r.iov[1].iov_base + sizeof(struct fuse_entry_out);
	is_int((int32_t)word(p, offsetof(struct fuse_open_out, padding)), 9,
	       "create: backing id after the entry");
	ok(memcmp(r.iov[1].iov_base, r.payload,
		  sizeof(struct fuse_entry_out)) == 0,
	   "create: the entry is untouched");

	/* an error reply consumes the id; notices never touch the state */
	pt.reply_id = 3;
	reply(&r, 16, -EACCES, 0);
	ok(!passthru_patch_reply(&pt, r.iov, 1), "error reply unchanged");
	is_int(pt.reply_id, 0, "error reply: id dropped");
	pt.reply_id = 3;
	reply(&r, 0, FUSE_NOTIFY_INVAL_INODE, 24);
	ok(!passthru_patch_reply(&pt, r.iov, 2), "notice unchanged");
	is_int(pt.reply_id, 3, "notice: id kept for its reply");
	reply(&r, 18, 0, 8);
	ok(!passthru_patch_reply(&pt, r.iov, 2), "a payload too short");
	reply(&r, 18, 0, PASSTHRU_COPY_MAX + 1);
	r.iov[1].iov_len = PASSTHRU_COPY_MAX + 1;
	pt.reply_id = 3;
	ok(!passthru_patch_reply(&pt, r.iov, 2), "a payload too long");
	reply(&r, 20, 0, sizeof(o));
	ok(!passthru_patch_reply(&pt, r.iov, 1), "header only");
}

int main(void)
{
	test_init();
	test_open();
	return done_testing();
}
