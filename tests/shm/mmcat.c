/*
 * mmcat FILE: prints a file through a private read-only mapping of its
 * fstat size, as the lecture's mmap example does (an empty file prints
 * nothing: a zero-length mapping does not exist).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct stat st;
	char *map;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: mmcat FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		perror("mmcat");
		return 1;
	}
	if (st.st_size == 0)
		return 0;
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		perror("mmcat: mmap");
		return 1;
	}
	fwrite(map, 1, (size_t)st.st_size, stdout);
	return 0;
}
