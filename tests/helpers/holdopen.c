/*
 * Holds many opens of one file or directory of the tree, for the tests of
 * the per-user caps.
 *
 *   holdopen MODE N PATH   MODE is "dir" (open and read one entry, as a
 *                          listing that stopped), "file" (open read-only)
 *                          or "next" (open and read one byte: the server
 *                          holds the rest of the message).
 *
 * Prints "held K" (how many opens worked, stopping at the first failure),
 * "err ENAME" if one failed, then "ready"; then waits for a line (or EOF)
 * on stdin, closes everything, and prints "closed".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static const char *ename(int e)
{
	switch (e) {
	case EMFILE:
		return "EMFILE";
	case ENFILE:
		return "ENFILE";
	case ENOMEM:
		return "ENOMEM";
	case EAGAIN:
		return "EAGAIN";
	case EACCES:
		return "EACCES";
	case ENOENT:
		return "ENOENT";
	default:
		return strerror(e);
	}
}

static int hold_one(const char *mode, const char *path)
{
	char buf[512];
	int fd;

	if (strcmp(mode, "dir") == 0) {
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		/* a short buffer: one FUSE readdir, then the listing stops */
		if (fd >= 0 && getdents64(fd, buf, sizeof(buf)) < 0)
			goto out_close;
		return fd;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && strcmp(mode, "next") == 0 && read(fd, buf, 1) != 1)
		goto out_close;
	return fd;

out_close : {
	int e = errno;

	close(fd);
	errno = e;
}
	return -1;
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	char line[16];
	long n, held = 0;
	int *fds, err = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: holdopen dir|file|next N PATH\n");
		return 2;
	}
	n = atol(argv[2]);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	fds = calloc((size_t)n, sizeof(*fds));
	if (!fds)
		return 1;
	for (; held < n; held++) {
		fds[held] = hold_one(argv[1], argv[3]);
		if (fds[held] < 0) {
			err = errno;
			break;
		}
	}
	printf("held %ld\n", held);
	if (err)
		printf("err %s\n", ename(err));
	printf("ready\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		line[0] = '\0';
	for (long i = 0; i < held; i++)
		close(fds[i]);
	free(fds);
	printf("closed\n");
	return 0;
}
