/*
 * Lists a directory from an offset, as a client that seeks may:
 *
 *   lsoff DIR OFF [MAX]   lseek(OFF), then getdents64 until the end (or
 *                         MAX entries): one "D_OFF NAME" line each.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long max = argc > 3 ? atol(argv[3]) : -1, count = 0;
	char buf[4096] __attribute__((aligned(8)));
	ssize_t n;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: lsoff DIR OFF [MAX]\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || lseek(fd, atoll(argv[2]), SEEK_SET) < 0) {
		perror(argv[1]);
		return 1;
	}
	while (max != count && (n = getdents64(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n && max != count; count++) {
			struct dirent64 *de = (struct dirent64 *)(buf + i);

			printf("%lld %s\n", (long long)de->d_off, de->d_name);
			i += de->d_reclen;
		}
	}
	return 0;
}
