/*
 * lat ROUNDS SIGNAL DIR FILE QDIR: the latency probe of the security
 * suite.  Each round does, in this order, the everyday operations of a
 * user whom an attacker must not slow down, and times each one:
 *   signal  open SIGNAL O_WRONLY, write "0\n", close
 *   ls      open DIR, getdents64 to the end, close
 *   cat     open FILE, read to the end, close
 *   send    open QDIR/0 O_WRONLY, write one byte, close
 *   recv    open QDIR/next O_RDONLY, read the message, close
 * and prints one line per operation, "NAME p50 p99 max" in microseconds,
 * or "NAME: STEP: ENAME" and exit 1 when one failed.
 *
 * With LAT_COUNTER=FILE (the counter `attack getdents` adds to), each
 * line goes on with "A50 A99 AMAX CALLS": how many attacker getdents64
 * calls ended while one operation ran (p50, p99, max), and the most
 * system calls on the tree one operation made.  That is fairness in
 * counts: the server answers in arrival order, so each call of ours
 * waits for at most one call of each attacker, on any machine however
 * busy; time is printed only to be read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { OP_SIGNAL, OP_LS, OP_CAT, OP_SEND, OP_RECV, NOPS };
static const char *const names[NOPS] = { "signal", "ls", "cat", "send",
					 "recv" };
static char buf[65536];

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int failed(int op, const char *step)
{
	const char *name = strerrorname_np(errno);

	printf("%s: %s: %s\n", names[op], step, name ? name : "?");
	return -1;
}

static int calls; /* system calls on the tree of the current operation */

static int run(int op, char *const paths[])
{
	const char *p = paths[op];
	long r;
	int fd;

	calls = 2; /* the open and the close */

	switch (op) {
	case OP_SIGNAL:
	case OP_SEND:
		fd = open(p, O_WRONLY);
		if (fd < 0)
			return failed(op, "open");
		calls++;
		if (write(fd, op == OP_SIGNAL ? "0\n" : "m",
			  op == OP_SIGNAL ? 2 : 1) < 0)
			return failed(op, "write");
		break;
	case OP_LS:
		fd = open(p, O_RDONLY | O_DIRECTORY);
		if (fd < 0)
			return failed(op, "open");
		do {
			r = syscall(SYS_getdents64, fd, buf, sizeof(buf));
			calls++;
		} while (r > 0);
		if (r < 0)
			return failed(op, "getdents64");
		break;
	default:
		fd = open(p, O_RDONLY);
		if (fd < 0)
			return failed(op, "open");
		do {
			r = read(fd, buf, sizeof(buf));
			calls++;
		} while (r > 0 && op == OP_CAT);
		if (r < 0 || (op == OP_RECV && r != 1))
			return failed(op, "read");
	}
	if (close(fd))
		return failed(op, "close");
	return 0;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* The attackers' counter (LAT_COUNTER), or NULL. */
static const volatile unsigned long long *counter(void)
{
	const char *path = getenv("LAT_COUNTER");
	void *p;
	int fd;

	if (!path)
		return NULL;
	fd = open(path, O_RDONLY);
	p = fd < 0 ? MAP_FAILED :
		     mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror(path);
		exit(2);
	}
	close(fd);
	return p;
}

static unsigned long long count_now(const volatile unsigned long long *c)
{
	return c ? __atomic_load_n(c, __ATOMIC_RELAXED) : 0;
}

static void sort(long long *v, int n)
{
	qsort(v, (size_t)n, sizeof(long long), cmp);
}

int main(int argc, char *argv[])
{
	const volatile unsigned long long *count = counter();
	char prio[4096], next[4096];
	char *paths[NOPS];
	long long *t[NOPS], *a[NOPS];
	int rounds, i, op, most[NOPS] = { 0 };

	if (argc != 6 || (rounds = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: lat ROUNDS SIGNAL DIR FILE QDIR\n");
		return 2;
	}
	snprintf(prio, sizeof(prio), "%s/0", argv[5]);
	snprintf(next, sizeof(next), "%s/next", argv[5]);
	paths[OP_SIGNAL] = argv[2];
	paths[OP_LS] = argv[3];
	paths[OP_CAT] = argv[4];
	paths[OP_SEND] = prio;
	paths[OP_RECV] = next;
	for (op = 0; op < NOPS; op++) {
		t[op] = calloc((size_t)rounds, sizeof(long long));
		a[op] = calloc((size_t)rounds, sizeof(long long));
		if (!t[op] || !a[op])
			return 2;
	}
	for (i = 0; i < rounds; i++)
		for (op = 0; op < NOPS; op++) {
			unsigned long long c0 = count_now(count);
			long long t0 = now_us();

			if (run(op, paths))
				return 1;
			t[op][i] = now_us() - t0;
			a[op][i] = (long long)(count_now(count) - c0);
			if (calls > most[op])
				most[op] = calls;
		}
	for (op = 0; op < NOPS; op++) {
		int p99 = (rounds * 99 + 99) / 100 - 1;

		sort(t[op], rounds);
		printf("%s %lld %lld %lld", names[op], t[op][rounds / 2],
		       t[op][p99], t[op][rounds - 1]);
		if (count) {
			sort(a[op], rounds);
			printf(" %lld %lld %lld %d", a[op][rounds / 2],
			       a[op][p99], a[op][rounds - 1], most[op]);
		}
		printf("\n");
		free(t[op]);
		free(a[op]);
	}
	return 0;
}
