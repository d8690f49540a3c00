/* unl_shm OBJ: removes the object (shm_unlink for "/name", else unlink). */
#define _GNU_SOURCE
#include "shmobj.h"

#include <stdio.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: unl_shm OBJ\n");
		return 2;
	}
	if (obj_unlink(argv[1])) {
		perror("unl_shm");
		return 1;
	}
	return 0;
}
