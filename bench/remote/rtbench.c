/*
 * rtbench: per-operation timings for the remote benchmark; the same
 * program runs on this machine against the ipcfs mount and on the remote
 * side against its sshfs mount of it.
 *
 *   rtbench signal PATH N      open(O_WRONLY|O_TRUNC) + write "USR1\n" +
 *                              close of proc/PID/signal
 *   rtbench roundtrip DIR N    send "ping" through DIR/5 (open, write,
 *                              close), then receive it through DIR/next
 *                              (open, read to EOF, close)
 *
 * Times every operation on its own (after N/10 untimed warm-up ones) and
 * prints the median in microseconds, so a few slow ones on this shared
 * machine do not decide.  Exits 1 on any error or a wrong message.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include "../benchutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int put(const char *path, const char *data)
{
	size_t len = strlen(data);
	int fd = open(path, O_WRONLY | O_TRUNC);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		perror(path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (close(fd)) {
		perror(path);
		return -1;
	}
	return 0;
}

static int op_signal(const char *path)
{
	return put(path, "USR1\n");
}

static int op_roundtrip(const char *dir)
{
	char prio[4096], next[4096], buf[256];
	size_t got = 0;
	ssize_t n;
	int fd;

	snprintf(prio, sizeof(prio), "%s/5", dir);
	snprintf(next, sizeof(next), "%s/next", dir);
	if (put(prio, "ping"))
		return -1;
	fd = open(next, O_RDONLY);
	if (fd < 0) {
		perror(next);
		return -1;
	}
	while ((n = read(fd, buf + got, sizeof(buf) - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (n < 0 || got != 4 || memcmp(buf, "ping", 4)) {
		fprintf(stderr, "%s: wrong message (%zd, %zu bytes)\n", next, n,
			got);
		return -1;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	int (*op)(const char *);
	double *t;
	long n;

	if (argc != 4 || (n = atol(argv[3])) < 1) {
		fprintf(stderr, "usage: rtbench signal|roundtrip PATH N\n");
		return 2;
	}
	if (strcmp(argv[1], "signal") == 0) {
		op = op_signal;
	} else if (strcmp(argv[1], "roundtrip") == 0) {
		op = op_roundtrip;
	} else {
		fprintf(stderr, "usage: rtbench signal|roundtrip PATH N\n");
		return 2;
	}
	t = calloc((size_t)n, sizeof(*t));
	if (!t)
		return 1;
	for (long i = 0; i < n / 10 + 1; i++)
		if (op(argv[2]))
			return 1;
	for (long i = 0; i < n; i++) {
		double t0 = now_us();

		if (op(argv[2]))
			return 1;
		t[i] = now_us() - t0;
	}
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	printf("%.1f\n", n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2);
	free(t);
	return 0;
}
