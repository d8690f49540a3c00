/*
 * mq_fsop: one file system call on the tree, reporting the errno by name
 * ("STEP: ENAME", exit 1) or "ok" (exit 0), for the bad-input tests.
 *
 *   mq_fsop mkdir PATH [MODE]     mq_fsop rmdir PATH
 *   mq_fsop chmod PATH MODE       mq_fsop chown PATH UID GID
 *   mq_fsop unlink PATH           mq_fsop rename FROM TO
 *   mq_fsop creat PATH            open(O_CREAT|O_WRONLY|O_EXCL)
 *   mq_fsop open PATH r|w|rw|rn   rn: O_RDONLY|O_NONBLOCK; open, close
 *   mq_fsop read PATH             open O_RDONLY|O_NONBLOCK, one read(2)
 *   mq_fsop write PATH DATA       open O_WRONLY|O_NONBLOCK, one write(2)
 *   mq_fsop pollout PATH MS       open O_WRONLY|O_NONBLOCK, poll(POLLOUT):
 *                                 "writable" or "timeout"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int result(const char *step, int rc)
{
	if (rc < 0) {
		const char *name = strerrorname_np(errno);

		printf("%s: %s\n", step, name ? name : "?");
		return 1;
	}
	printf("ok\n");
	return 0;
}

static int open_flags(const char *how)
{
	if (strcmp(how, "r") == 0)
		return O_RDONLY;
	if (strcmp(how, "w") == 0)
		return O_WRONLY;
	if (strcmp(how, "rn") == 0)
		return O_RDONLY | O_NONBLOCK;
	return O_RDWR;
}

static int io(const char *op, const char *path, const char *data)
{
	char buf[65536];
	int fd = open(path,
		      data ? O_WRONLY | O_NONBLOCK : O_RDONLY | O_NONBLOCK);
	ssize_t n;

	if (fd < 0)
		return result("open", -1);
	n = data ? write(fd, data, strlen(data)) : read(fd, buf, sizeof(buf));
	if (n < 0)
		return result(op, -1);
	close(fd);
	return result(op, 0);
}

int main(int argc, char *argv[])
{
	const char *op = argc > 1 ? argv[1] : "";
	int fd;

	if (argc < 3)
		goto usage;
	if (strcmp(op, "mkdir") == 0)
		return result("mkdir",
			      mkdir(argv[2],
				    argc > 3 ?
					    (mode_t)strtol(argv[3], NULL, 8) :
					    0755));
	if (strcmp(op, "rmdir") == 0)
		return result("rmdir", rmdir(argv[2]));
	if (strcmp(op, "chmod") == 0 && argc == 4)
		return result("chmod",
			      chmod(argv[2], (mode_t)strtol(argv[3], NULL, 8)));
	if (strcmp(op, "chown") == 0 && argc == 5)
		return result("chown", chown(argv[2], (uid_t)atol(argv[3]),
					     (gid_t)atol(argv[4])));
	if (strcmp(op, "unlink") == 0)
		return result("unlink", unlink(argv[2]));
	if (strcmp(op, "rename") == 0 && argc == 4)
		return result("rename", rename(argv[2], argv[3]));
	if (strcmp(op, "creat") == 0) {
		fd = open(argv[2], O_CREAT | O_WRONLY | O_EXCL, 0644);
		if (fd >= 0)
			close(fd);
		return result("creat", fd);
	}
	if (strcmp(op, "open") == 0 && argc == 4) {
		fd = open(argv[2], open_flags(argv[3]));
		if (fd >= 0)
			close(fd);
		return result("open", fd);
	}
	if (strcmp(op, "pollout") == 0 && argc == 4) {
		struct pollfd p = { .events = POLLOUT };
		int r;

		p.fd = open(argv[2], O_WRONLY | O_NONBLOCK);
		if (p.fd < 0)
			return result("open", -1);
		r = poll(&p, 1, atoi(argv[3]));
		if (r < 0)
			return result("poll", -1);
		printf("%s\n", r ? "writable" : "timeout");
		return 0;
	}
	if (strcmp(op, "read") == 0)
		return io("read", argv[2], NULL);
	if (strcmp(op, "write") == 0 && argc == 4)
		return io("write", argv[2], argv[3]);
usage:
	fprintf(stderr, "usage: see mq_fsop.c\n");
	return 2;
}
