/*
 * Lists a directory with the inode numbers its listing gives (d_ino of
 * getdents64, not stat), "." and ".." included:
 *
 *   lsino DIR   one "D_INO NAME" line per entry.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[4096] __attribute__((aligned(8)));
	ssize_t n;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: lsino DIR\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	while ((n = getdents64(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n;) {
			struct dirent64 *de = (struct dirent64 *)(buf + i);

			printf("%llu %s\n", (unsigned long long)de->d_ino,
			       de->d_name);
			i += de->d_reclen;
		}
	}
	if (n < 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
