/*
 * mq_reader NEXT OUT SIZE: a reader that cannot lose what it was given.
 * OUT is made SIZE bytes long and mapped MAP_SHARED; each round opens
 * NEXT, read(2)s straight into the mapping after what is already there,
 * and closes.  A message the kernel copied into this process is thus in
 * OUT's page cache at once: killing the reader (SIGKILL, SIGINT) at any
 * moment loses nothing it received.  Runs until killed, or until a read
 * fails with anything but EINTR.  OUT's data ends at its first NUL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	size_t size, pos = 0;
	char *map;
	int out;

	if (argc != 4) {
		fprintf(stderr, "usage: mq_reader NEXT OUT SIZE\n");
		return 2;
	}
	/* a script's background job starts with SIGINT ignored */
	signal(SIGINT, SIG_DFL);
	size = strtoul(argv[3], NULL, 10);
	out = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (out < 0 || ftruncate(out, (off_t)size)) {
		perror(argv[2]);
		return 1;
	}
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, out, 0);
	if (map == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (;;) {
		int fd = open(argv[1], O_RDONLY);
		ssize_t n;

		if (fd < 0) {
			perror(argv[1]);
			return 1;
		}
		if (pos + 4096 > size) {
			fprintf(stderr, "mq_reader: %s is full\n", argv[2]);
			return 1;
		}
		n = read(fd, map + pos, 4096);
		if (n < 0 && errno != EINTR) {
			perror("read");
			return 1;
		}
		if (n > 0)
			pos += (size_t)n;
		close(fd);
	}
}
