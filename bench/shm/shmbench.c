/*
 * shmbench: the timed loops of the shm benchmark, one per run, each
 * printing "MB/s" or "us/op" on one line so bench/shm/shm_bench.sh can put
 * the tree and /dev/shm side by side.  Every run opens the file anew (for
 * shm/ files each open starts with an empty page cache, as users get it).
 *
 *   shmbench read BS FILE          sequential read(2) of the whole file
 *   shmbench write BS SIZE FILE    sequential write(2) of SIZE bytes, in place
 *   shmbench mmap FILE             MAP_SHARED read of every byte
 *   shmbench rand COUNT FILE       COUNT pread(2)s of 4 KiB at random
 *                                  4 KiB-aligned offsets (fixed seed)
 *   shmbench randwarm COUNT FILE   the same twice on one fd, timing the
 *                                  second pass (pages already cached)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0) {
		perror(path);
		exit(1);
	}
	return fd;
}

static void seq_read(const char *path, size_t bs)
{
	char *buf = aligned_alloc(4096, bs);
	double t0 = now();
	int fd = open_or_die(path, O_RDONLY);
	uint64_t total = 0;
	ssize_t n;

	while ((n = read(fd, buf, bs)) > 0)
		total += (uint64_t)n;
	close(fd);
	printf("%.0f MB/s\n", (double)total / (now() - t0) / 1e6);
	free(buf);
}

static void seq_write(const char *path, size_t bs, uint64_t size)
{
	char *buf = aligned_alloc(4096, bs);
	double t0;
	uint64_t done = 0;
	int fd;

	memset(buf, 0x5a, bs);
	t0 = now();
	fd = open_or_die(path, O_WRONLY);
	while (done < size) {
		ssize_t n = write(fd, buf, bs);

		if (n <= 0) {
			perror("write");
			exit(1);
		}
		done += (uint64_t)n;
	}
	close(fd);
	printf("%.0f MB/s\n", (double)done / (now() - t0) / 1e6);
	free(buf);
}

static void mmap_read(const char *path)
{
	double t0 = now();
	int fd = open_or_die(path, O_RDONLY);
	struct stat st;
	const uint64_t *p;
	uint64_t sum = 0;
	size_t words;

	fstat(fd, &st);
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	madvise((void *)p, (size_t)st.st_size, MADV_SEQUENTIAL);
	words = (size_t)st.st_size / sizeof(*p);
	for (size_t i = 0; i < words; i++)
		sum += p[i];
	munmap((void *)p, (size_t)st.st_size);
	close(fd);
	printf("%.0f MB/s (sum %llx)\n",
	       (double)st.st_size / (now() - t0) / 1e6,
	       (unsigned long long)sum & 0xf);
}

static void rand_pass(int fd, long count, uint64_t pages)
{
	uint64_t x = 88172645463325252ULL;
	char buf[4096];

	for (long i = 0; i < count; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
		if (pread(fd, buf, sizeof(buf), (off_t)(x % pages * 4096)) <
		    0) {
			perror("pread");
			exit(1);
		}
	}
}

static void rand_read(const char *path, long count, bool warm)
{
	int fd = open_or_die(path, O_RDONLY);
	struct stat st;
	uint64_t pages;
	double t0;

	fstat(fd, &st);
	pages = (uint64_t)st.st_size / 4096;
	if (warm)
		rand_pass(fd, count, pages);
	t0 = now();
	rand_pass(fd, count, pages);
	printf("%.2f us/op\n", (now() - t0) / (double)count * 1e6);
	close(fd);
}

int main(int argc, char *argv[])
{
	if (argc == 4 && strcmp(argv[1], "read") == 0)
		seq_read(argv[3], strtoul(argv[2], NULL, 10));
	else if (argc == 5 && strcmp(argv[1], "write") == 0)
		seq_write(argv[4], strtoul(argv[2], NULL, 10),
			  strtoull(argv[3], NULL, 10));
	else if (argc == 3 && strcmp(argv[1], "mmap") == 0)
		mmap_read(argv[2]);
	else if (argc == 4 && strcmp(argv[1], "rand") == 0)
		rand_read(argv[3], strtol(argv[2], NULL, 10), false);
	else if (argc == 4 && strcmp(argv[1], "randwarm") == 0)
		rand_read(argv[3], strtol(argv[2], NULL, 10), true);
	else {
		fprintf(stderr, "usage: see shmbench.c\n");
		return 2;
	}
	return 0;
}
