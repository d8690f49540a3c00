/*
 * hol: head-of-line latency of a small request behind bulk reads.
 *
 *   hol SIGNAL BULK ROUNDS N
 *
 * SIGNAL is a file to open+write("USR1\n")+close (proc/PID/signal), BULK
 * a big file read in 1 MiB read(2)s, pass after pass, by a child process
 * (shm/x of a -o nopassthrough mount: every read is a 1 MiB FUSE READ).
 * Each round takes N timed signal writes with the child stopped (idle),
 * then N with it reading (busy); prints the medians over the rounds of
 * p50 and p99 of each, and of the per-round ratio busy p99 / idle p99.
 */
#define _GNU_SOURCE
#include "../benchutil.h"
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS_MAX 64

static char *buf;

/* Reads @path whole, again and again; says "go" once the first MiB came. */
static void bulk_reader(const char *path, int ready)
{
	bool told = false;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		int fd = open(path, O_RDONLY);
		ssize_t n;

		if (fd < 0) {
			perror(path);
			_exit(1);
		}
		while ((n = read(fd, buf, 1 << 20)) > 0) {
			if (!told) {
				if (write(ready, "g", 1) != 1)
					_exit(1);
				told = true;
			}
		}
		close(fd);
	}
}

static int sample(const char *path, double *out, long n)
{
	for (long i = 0; i < n; i++) {
		double t0 = now_us();
		int fd = open(path, O_WRONLY | O_TRUNC);

		if (fd < 0 || write(fd, "USR1\n", 5) != 5) {
			perror(path);
			return -1;
		}
		close(fd);
		out[i] = now_us() - t0;
	}
	qsort(out, (size_t)n, sizeof(*out), cmp_double);
	return 0;
}

static double pct(const double *v, long n, double p)
{
	long i = (long)(p * (double)(n - 1) + 0.5);

	return v[i];
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	double i50[ROUNDS_MAX], i99[ROUNDS_MAX], b50[ROUNDS_MAX];
	double b99[ROUNDS_MAX], ratio[ROUNDS_MAX], *lat;
	int rounds;
	long n;

	if (argc != 5 || (rounds = atoi(argv[3])) < 1 || rounds > ROUNDS_MAX ||
	    (n = atol(argv[4])) < 10) {
		fprintf(stderr, "usage: hol SIGNAL BULK ROUNDS N\n");
		return 2;
	}
	buf = malloc(1 << 20);
	lat = calloc((size_t)n, sizeof(*lat));
	if (!buf || !lat)
		return 1;
	for (int r = 0; r < rounds; r++) {
		int p[2];
		pid_t c;
		char g;

		if (sample(argv[1], lat, n))
			return 1;
		i50[r] = pct(lat, n, 0.5);
		i99[r] = pct(lat, n, 0.99);
		if (pipe(p))
			return 1;
		c = fork();
		if (c == 0) {
			close(p[0]);
			bulk_reader(argv[2], p[1]);
		}
		close(p[1]);
		if (c < 0 || read(p[0], &g, 1) != 1) {
			fprintf(stderr, "hol: the bulk reader did not start\n");
			return 1;
		}
		close(p[0]);
		if (sample(argv[1], lat, n))
			return 1;
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
		b50[r] = pct(lat, n, 0.5);
		b99[r] = pct(lat, n, 0.99);
		ratio[r] = b99[r] / i99[r];
	}
	printf("signal open+write+close, us (median of %d rounds of %ld):\n",
	       rounds, n);
	printf("  idle:             p50 %8.1f  p99 %8.1f\n",
	       median(i50, rounds), median(i99, rounds));
	printf("  during bulk read: p50 %8.1f  p99 %8.1f\n",
	       median(b50, rounds), median(b99, rounds));
	printf("  p99 busy/idle: %.2fx (goal <= 2)\n", median(ratio, rounds));
	return 0;
}
