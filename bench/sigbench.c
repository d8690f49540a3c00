/*
 * sigbench: timing loops for the signal benchmark.
 *
 *   sigbench write PATH N [DATA]   open(O_WRONLY|O_TRUNC)+write+close, N times
 *   sigbench kill PID SIG N        kill(2), N times
 *   sigbench exec PID N            fork+exec of /bin/kill -s USR1 PID, N times
 *
 * Each runs 5 rounds and prints the median round's microseconds per
 * operation, so one noisy round on this shared machine does not decide.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include "benchutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 5

static int op_write(char **argv, long n)
{
	const char *data = argv[4] ? argv[4] : "USR1\n";
	size_t len = strlen(data);

	for (long i = 0; i < n; i++) {
		int fd = open(argv[2], O_WRONLY | O_TRUNC);

		if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
			perror(argv[2]);
			return -1;
		}
		close(fd);
	}
	return 0;
}

static int op_kill(char **argv, long n)
{
	pid_t pid = atoi(argv[2]);
	int sig = atoi(argv[3]);

	for (long i = 0; i < n; i++) {
		if (kill(pid, sig)) {
			perror("kill");
			return -1;
		}
	}
	return 0;
}

static int op_exec(char **argv, long n)
{
	for (long i = 0; i < n; i++) {
		pid_t c = fork();
		int st;

		if (c == 0) {
			execl("/bin/kill", "kill", "-s", "USR1", argv[2],
			      (char *)NULL);
			_exit(127);
		}
		if (c < 0 || waitpid(c, &st, 0) < 0 || st != 0) {
			fprintf(stderr, "/bin/kill failed\n");
			return -1;
		}
	}
	return 0;
}

int main(int argc, char *argv[])
{
	int (*op)(char **, long);
	double rounds[ROUNDS];
	long n;

	if (argc < 4) {
		fprintf(stderr, "usage: see sigbench.c\n");
		return 2;
	}
	if (strcmp(argv[1], "write") == 0) {
		op = op_write;
		n = atol(argv[3]);
	} else if (strcmp(argv[1], "kill") == 0 && argc == 5) {
		op = op_kill;
		n = atol(argv[4]);
	} else if (strcmp(argv[1], "exec") == 0) {
		op = op_exec;
		n = atol(argv[3]);
	} else {
		fprintf(stderr, "usage: see sigbench.c\n");
		return 2;
	}
	if (op(argv, n / 10 + 1)) /* warm up the caches and the dentries */
		return 1;
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now_us();

		if (op(argv, n))
			return 1;
		rounds[r] = (now_us() - t0) / (double)n;
	}
	qsort(rounds, ROUNDS, sizeof(rounds[0]), cmp_double);
	printf("%.2f\n", rounds[ROUNDS / 2]);
	return 0;
}
