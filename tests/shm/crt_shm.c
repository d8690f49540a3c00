/*
 * crt_shm OBJ SIZE: makes a new shared memory object (O_CREAT|O_EXCL, mode
 * 0600), sizes it with ftruncate and maps it shared, as the lecture's
 * crt_shm does.  OBJ is "/name" (shm_open) or a path (see shmobj.h).
 */
#define _GNU_SOURCE
#include "shmobj.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	off_t size;
	void *map;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: crt_shm OBJ SIZE\n");
		return 2;
	}
	size = strtoll(argv[2], NULL, 10);
	fd = obj_open(argv[1], O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		perror("crt_shm: open");
		return 1;
	}
	if (ftruncate(fd, size)) {
		perror("crt_shm: ftruncate");
		return 1;
	}
	if (size > 0) {
		map = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
			   MAP_SHARED, fd, 0);
		if (map == MAP_FAILED) {
			perror("crt_shm: mmap");
			return 1;
		}
		munmap(map, (size_t)size);
	}
	close(fd);
	return 0;
}
