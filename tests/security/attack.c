/*
 * attack: the resource attacks of the security suite, each bounded by a
 * count, so a test can run them as an unprivileged user and see where the
 * server's per-user caps stop them.
 *
 *   attack trunc PATH N        N times open(O_WRONLY|O_TRUNC) + close, as
 *                              `> PATH` does: "done N" or
 *                              "refused after I: ENAME"
 *   attack dirs DIR N          open DIR N times, one getdents64 each, hold
 *   attack next QDIR N         N times: send one message of the queue's
 *                              msgsize to QDIR/0, open QDIR/next, read one
 *                              byte of it (the server now holds the
 *                              message for this open), hold
 *   attack files PATH N        open PATH O_RDWR N times, hold
 *   attack getdents DIR N      N rounds of lseek(0) + getdents64 to the end;
 *                              with ATTACK_COUNTER=FILE, adds 1 to the
 *                              64-bit counter at the start of FILE
 *                              (shared, atomic) after each getdents64
 *
 * The holding ones print "held I" or "held I STEP: ENAME" and then wait
 * until killed, so that the test can look at the server meanwhile.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static char buf[65536];

static const char *ename(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "?";
}

static _Noreturn int hold(long held, const char *step, int err)
{
	if (step)
		printf("held %ld %s: %s\n", held, step, ename(err));
	else
		printf("held %ld\n", held);
	fflush(stdout);
	for (;;)
		pause();
}

static long msgsize_of(const char *qdir)
{
	char path[4096];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/msgsize", qdir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int do_next(const char *qdir, long n)
{
	char prio[4096], next[4096];
	long size = msgsize_of(qdir), i;

	if (size <= 0 || size > (long)sizeof(buf)) {
		printf("msgsize: bad queue %s\n", qdir);
		return 1;
	}
	memset(buf, 'm', (size_t)size);
	snprintf(prio, sizeof(prio), "%s/0", qdir);
	snprintf(next, sizeof(next), "%s/next", qdir);
	for (i = 0; i < n; i++) {
		int w = open(prio, O_WRONLY | O_NONBLOCK), r;
		char c;

		if (w < 0)
			return hold(i, "open 0", errno);
		if (write(w, buf, (size_t)size) != size)
			return hold(i, "write 0", errno);
		close(w);
		r = open(next, O_RDONLY | O_NONBLOCK);
		if (r < 0)
			return hold(i, "open next", errno);
		if (read(r, &c, 1) != 1)
			return hold(i, "read next", errno);
	}
	return hold(i, NULL, 0);
}

/* The shared counter in @path, or a private one when @path is NULL. */
static unsigned long long *counter(const char *path)
{
	static unsigned long long private_count;
	void *p;
	int fd;

	if (!path)
		return &private_count;
	fd = open(path, O_RDWR);
	if (fd < 0 || ftruncate(fd, 4096)) {
		perror(path);
		exit(2);
	}
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	close(fd);
	return p;
}

int main(int argc, char *argv[])
{
	long n, i;

	if (argc != 4) {
		fprintf(stderr, "usage: see attack.c\n");
		return 2;
	}
	n = atol(argv[3]);
	if (strcmp(argv[1], "trunc") == 0) {
		for (i = 0; i < n; i++) {
			int fd = open(argv[2], O_WRONLY | O_TRUNC);

			if (fd < 0) {
				printf("refused after %ld: %s\n", i,
				       ename(errno));
				return 0;
			}
			close(fd);
		}
		printf("done %ld\n", n);
		return 0;
	}
	if (strcmp(argv[1], "dirs") == 0) {
		for (i = 0; i < n; i++) {
			int fd = open(argv[2], O_RDONLY | O_DIRECTORY);

			if (fd < 0)
				return hold(i, "open", errno);
			if (syscall(SYS_getdents64, fd, buf, 4096) < 0)
				return hold(i, "getdents64", errno);
		}
		return hold(i, NULL, 0);
	}
	if (strcmp(argv[1], "next") == 0)
		return do_next(argv[2], n);
	if (strcmp(argv[1], "files") == 0) {
		for (i = 0; i < n; i++)
			if (open(argv[2], O_RDWR) < 0)
				return hold(i, "open", errno);
		return hold(i, NULL, 0);
	}
	if (strcmp(argv[1], "getdents") == 0) {
		unsigned long long *count = counter(getenv("ATTACK_COUNTER"));
		int fd = open(argv[2], O_RDONLY | O_DIRECTORY);

		if (fd < 0) {
			printf("open: %s\n", ename(errno));
			return 1;
		}
		for (i = 0; i < n; i++) {
			long r;

			lseek(fd, 0, SEEK_SET);
			do {
				r = syscall(SYS_getdents64, fd, buf,
					    sizeof(buf));
				__atomic_add_fetch(count, 1, __ATOMIC_RELAXED);
			} while (r > 0);
			if (r < 0) {
				printf("getdents64 after %ld: %s\n", i,
				       ename(errno));
				return 1;
			}
		}
		printf("done %ld\n", n);
		return 0;
	}
	fprintf(stderr, "usage: see attack.c\n");
	return 2;
}
