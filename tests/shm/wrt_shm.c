/*
 * wrt_shm OBJ TEXT: sizes an existing object to strlen(TEXT) and stores
 * TEXT through a MAP_SHARED mapping, closing the fd before the store as
 * the lecture's wrt_shm does (the mapping outlives the fd).
 */
#define _GNU_SOURCE
#include "shmobj.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	size_t len;
	char *map;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: wrt_shm OBJ TEXT\n");
		return 2;
	}
	len = strlen(argv[2]);
	fd = obj_open(argv[1], O_RDWR, 0);
	if (fd < 0) {
		perror("wrt_shm: open");
		return 1;
	}
	if (ftruncate(fd, (off_t)len)) {
		perror("wrt_shm: ftruncate");
		return 1;
	}
	if (len == 0)
		return 0;
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		perror("wrt_shm: mmap");
		return 1;
	}
	close(fd);
	printf("Copying %zu bytes\n", len);
	memcpy(map, argv[2], len);
	return 0;
}
