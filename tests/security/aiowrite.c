/*
 * aiowrite PATH DATA N TIMEOUT_MS: N asynchronous writes of DATA to PATH,
 * each from a child process of its own (a FUSE write the kernel cannot
 * extend the file with asynchronously blocks its submitter, so one
 * process could park only one), with the raw io_setup/io_submit/
 * io_getevents system calls (no libaio).  PATH is opened O_WRONLY|O_DIRECT
 * so the kernel sends the write as a background request.  Prints
 * "ready PID", then one line per write as it completes: "I: ok BYTES",
 * "I: ENAME" (the completion's error), "I: timeout" (no completion within
 * TIMEOUT_MS of its submission) or "I: STEP: ENAME" (a failed call), and
 * exits 0 when every write completed with success.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "?";
}

/* One write; returns the child's exit status. */
static int one_write(int i, const char *path, const char *data, long ms)
{
	aio_context_t ctx = 0;
	struct iocb cb, *cbs[1] = { &cb };
	struct io_event ev;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	long n;
	int fd;

	fd = open(path, O_WRONLY | O_DIRECT);
	if (fd < 0) {
		printf("%d: open: %s\n", i, ename(errno));
		return 1;
	}
	if (syscall(SYS_io_setup, 1, &ctx)) {
		printf("%d: io_setup: %s\n", i, ename(errno));
		return 1;
	}
	memset(&cb, 0, sizeof(cb));
	cb.aio_lio_opcode = IOCB_CMD_PWRITE;
	cb.aio_fildes = (unsigned int)fd;
	cb.aio_buf = (unsigned long)data;
	cb.aio_nbytes = strlen(data);
	if (syscall(SYS_io_submit, ctx, 1, cbs) != 1) {
		printf("%d: io_submit: %s\n", i, ename(errno));
		return 1;
	}
	n = syscall(SYS_io_getevents, ctx, 1, 1, &ev, &ts);
	if (n < 0) {
		printf("%d: io_getevents: %s\n", i, ename(errno));
		return 1;
	}
	if (n == 0) {
		printf("%d: timeout\n", i);
		return 1;
	}
	if (ev.res < 0) {
		printf("%d: %s\n", i, ename((int)-ev.res));
		return 1;
	}
	printf("%d: ok %lld\n", i, (long long)ev.res);
	return 0;
}

int main(int argc, char *argv[])
{
	int n, i, st, bad = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: aiowrite PATH DATA N TIMEOUT_MS\n");
		return 2;
	}
	n = atoi(argv[3]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready %d\n", (int)getpid());
	for (i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0) {
			printf("%d: fork: %s\n", i, ename(errno));
			bad = 1;
			break;
		}
		if (p == 0)
			_exit(one_write(i, argv[1], argv[2], atol(argv[4])));
	}
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			bad = 1;
	return bad;
}
