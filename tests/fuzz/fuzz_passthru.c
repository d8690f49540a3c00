/*
 * Fuzz target for the passthrough bytes of passthru.h: an INIT-like
 * request built from the input, then a few replies of any size, error and
 * id.  Invariants: libfuse's buffers are never written, a patched payload
 * is one of our copies with the same length and differs from the original
 * only in the words passthrough owns (INIT: flags2 and max_stack_depth;
 * open: open_flags and backing_id, at the end), an id is never used
 * twice, and notices (unique 0) leave the state alone.
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "passthru.h"

#include <linux/fuse.h>
#include <stdbool.h>

static bool owned(size_t off, size_t len, bool init)
{
	size_t a, b;

	if (init) {
		a = offsetof(struct fuse_init_out, flags2);
		b = a + 8;
	} else {
		a = len - sizeof(struct fuse_open_out) +
		    offsetof(struct fuse_open_out, open_flags);
		b = a + 8;
	}
	return off >= a && off < b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct passthru pt = { .wanted = fuzz_take(&data, &size, 1) & 1 };
	unsigned char req[sizeof(struct fuse_in_header) +
			  sizeof(struct fuse_init_in)] = { 0 };
	struct fuse_in_header in = { 0 };
	struct fuse_init_in init = { 0 };
	size_t req_len;

	in.opcode = (uint32_t)fuzz_take(&data, &size, 1);
	in.unique = fuzz_take(&data, &size, 1);
	init.major = (uint32_t)fuzz_take(&data, &size, 1);
	init.flags = (uint32_t)fuzz_take(&data, &size, 4);
	init.flags2 = (uint32_t)fuzz_take(&data, &size, 4);
	req_len = fuzz_take(&data, &size, 1) % (sizeof(req) + 1);
	memcpy(req, &in, sizeof(in));
	memcpy(req + sizeof(in), &init, sizeof(init));
	passthru_saw_request(&pt, req, req_len);

	for (int round = 0; round < 4 && size; round++) {
		struct fuse_out_header out = { 0 };
		unsigned char payload[256] = { 0 }, orig[256];
		struct iovec iov[2];
		size_t len;
		int count;
		uint64_t init_unique = pt.init_unique;
		int32_t id;
		bool patched, was_on = pt.on;

		out.unique = fuzz_take(&data, &size, 1);
		out.error = (int8_t)fuzz_take(&data, &size, 1);
		count = (int)(fuzz_take(&data, &size, 1) % 3);
		len = fuzz_take(&data, &size, 1);
		id = (int8_t)fuzz_take(&data, &size, 1);
		for (size_t i = 0; i < len && size; i++)
			payload[i] = (unsigned char)fuzz_take(&data, &size, 1);
		memcpy(orig, payload, sizeof(orig));
		pt.reply_id = id;
		iov[0] = (struct iovec){ &out, sizeof(out) };
		iov[1] = (struct iovec){ payload, len };

		patched = passthru_patch_reply(&pt, iov, count);
		CHECK(memcmp(payload, orig, sizeof(orig)) == 0);
		CHECK(iov[0].iov_base == &out && iov[0].iov_len == sizeof(out));
		CHECK(iov[1].iov_len == len);
		if (out.unique == 0) {
			CHECK(!patched && pt.reply_id == id &&
			      pt.init_unique == init_unique);
			continue;
		}
		/* a reply (a header at least) other than INIT's uses up the id */
		if (id > 0 && count >= 1 &&
		    !(init_unique && init_unique == out.unique))
			CHECK(pt.reply_id == 0);
		if (!patched) {
			CHECK(iov[1].iov_base == payload);
			continue;
		}
		CHECK(count == 2 && out.error == 0);
		if (iov[1].iov_base == pt.init_copy) {
			CHECK(init_unique == out.unique && pt.on && pt.wanted &&
			      pt.offered &&
			      len == sizeof(struct fuse_init_out));
		} else {
			CHECK(iov[1].iov_base == pt.open_copy && id > 0 &&
			      len >= sizeof(struct fuse_open_out));
			CHECK(pt.on == was_on);
		}
		for (size_t i = 0; i < len; i++)
			CHECK(((unsigned char *)iov[1].iov_base)[i] ==
				      payload[i] ||
			      owned(i, len, iov[1].iov_base == pt.init_copy));
	}
	return 0;
}
