/*
 * rd_shm OBJ: prints the object's bytes, exactly, read through a shared
 * read-only mapping of its fstat size (the lecture's rd_shm, without its
 * trailer, so tests can compare bytes).
 */
#define _GNU_SOURCE
#include "shmobj.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct stat st;
	char *map;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: rd_shm OBJ\n");
		return 2;
	}
	fd = obj_open(argv[1], O_RDONLY, 0);
	if (fd < 0 || fstat(fd, &st)) {
		perror("rd_shm: open");
		return 1;
	}
	if (st.st_size == 0)
		return 0;
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		perror("rd_shm: mmap");
		return 1;
	}
	close(fd);
	fwrite(map, 1, (size_t)st.st_size, stdout);
	return 0;
}
