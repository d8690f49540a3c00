/*
 * aiowrite PATH DATA: one asynchronous write of DATA at offset 0 to PATH
 * opened O_WRONLY|O_DIRECT, through the raw io_setup/io_submit/
 * io_getevents syscalls (no libaio).  On a FUSE direct_io file such a
 * write is a *background* request, of which the kernel keeps only
 * max_background in flight per mount.  Prints "ok N" (bytes written) or
 * "aio: ENAME" and exits 0 or 1.  A write that extends the file (every
 * write to a priority file) makes io_submit itself wait for the answer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int fail(const char *step, int err)
{
	const char *name = strerrorname_np(err);

	printf("%s: %s\n", step, name ? name : "?");
	return 1;
}

int main(int argc, char *argv[])
{
	aio_context_t ctx = 0;
	struct iocb cb, *cbs[1] = { &cb };
	struct io_event ev;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: aiowrite PATH DATA\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	fd = open(argv[1], O_WRONLY | O_DIRECT);
	if (fd < 0)
		return fail("open", errno);
	if (syscall(SYS_io_setup, 1, &ctx))
		return fail("io_setup", errno);
	memset(&cb, 0, sizeof(cb));
	cb.aio_fildes = (uint32_t)fd;
	cb.aio_lio_opcode = IOCB_CMD_PWRITE;
	cb.aio_buf = (uint64_t)(uintptr_t)argv[2];
	cb.aio_nbytes = strlen(argv[2]);
	if (syscall(SYS_io_submit, ctx, 1, cbs) != 1)
		return fail("io_submit", errno);
	if (syscall(SYS_io_getevents, ctx, 1, 1, &ev, NULL) != 1)
		return fail("io_getevents", errno);
	if (ev.res < 0)
		return fail("aio", (int)-ev.res);
	printf("ok %lld\n", (long long)ev.res);
	return 0;
}
