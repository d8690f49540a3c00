/*
 * Asynchronous writes through the raw io_setup/io_submit/io_getevents
 * system calls (no libaio), to PATH opened O_WRONLY|O_DIRECT: on a FUSE
 * direct_io file such a write is a *background* request, of which the
 * kernel keeps only max_background in flight per mount.  A write that
 * extends the file (every write to a priority file) makes io_submit
 * itself wait for the answer, so one process can park only one.
 *
 * aiowrite PATH DATA: one write, in this process.  Prints "ok BYTES",
 * "aio: ENAME" (the completion's error) or "STEP: ENAME" (a failed call)
 * and exits 0 on success, 1 otherwise.
 *
 * aiowrite PATH DATA N TIMEOUT_MS: N writes, each from a child process
 * of its own.  Prints "ready PID", then one line per write as it
 * completes: "I: ok BYTES", "I: ENAME", "I: timeout" (no completion
 * within TIMEOUT_MS of its submission) or "I: STEP: ENAME", and exits 0
 * when every write completed with success.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "?";
}

/*
 * One write; 0 or 1.  @tag starts every line ("" or "I: "); @aio names
 * a completion's error ("aio: " or ""); @ts bounds the wait, or NULL.
 */
static int one_write(const char *tag, const char *aio, const char *path,
		     const char *data, struct timespec *ts)
{
	aio_context_t ctx = 0;
	struct iocb cb, *cbs[1] = { &cb };
	struct io_event ev;
	const char *step;
	long n;
	int fd;

	step = "open";
	fd = open(path, O_WRONLY | O_DIRECT);
	if (fd < 0)
		goto out_fail;
	step = "io_setup";
	if (syscall(SYS_io_setup, 1, &ctx))
		goto out_fail;
	memset(&cb, 0, sizeof(cb));
	cb.aio_lio_opcode = IOCB_CMD_PWRITE;
	cb.aio_fildes = (uint32_t)fd;
	cb.aio_buf = (uint64_t)(uintptr_t)data;
	cb.aio_nbytes = strlen(data);
	step = "io_submit";
	if (syscall(SYS_io_submit, ctx, 1, cbs) != 1)
		goto out_fail;
	step = "io_getevents";
	n = syscall(SYS_io_getevents, ctx, 1, 1, &ev, ts);
	if (n < 0)
		goto out_fail;
	if (n == 0) {
		printf("%stimeout\n", tag);
		return 1;
	}
	if (ev.res < 0) {
		printf("%s%s%s\n", tag, aio, ename((int)-ev.res));
		return 1;
	}
	printf("%sok %lld\n", tag, (long long)ev.res);
	return 0;

out_fail:
	printf("%s%s: %s\n", tag, step, ename(errno));
	return 1;
}

static int many_writes(const char *path, const char *data, int n, long ms)
{
	int st, bad = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready %d\n", (int)getpid());
	for (int i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0) {
			printf("%d: fork: %s\n", i, ename(errno));
			bad = 1;
			break;
		}
		if (p == 0) {
			struct timespec ts = { ms / 1000,
					       (ms % 1000) * 1000000L };
			char tag[16];

			snprintf(tag, sizeof(tag), "%d: ", i);
			_exit(one_write(tag, "", path, data, &ts));
		}
	}
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			bad = 1;
	return bad;
}

int main(int argc, char *argv[])
{
	if (argc == 3) {
		setvbuf(stdout, NULL, _IONBF, 0);
		return one_write("", "aio: ", argv[1], argv[2], NULL);
	}
	if (argc == 5)
		return many_writes(argv[1], argv[2], atoi(argv[3]),
				   atol(argv[4]));
	fprintf(stderr, "usage: aiowrite PATH DATA [N TIMEOUT_MS]\n");
	return 2;
}
