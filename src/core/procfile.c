/*
 * procfile_read(): one read loop for /proc text of any length.  A /proc
 * file is generated at the first read, so it is read to EOF into a buffer
 * that doubles; the common case (a few KB) costs one allocation and two
 * reads.  See procfile.h.
 */
#define _GNU_SOURCE
#include "procfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int procfile_read(int dirfd, const char *path, char **text, size_t *len)
{
	size_t size = 4096, used = 0;
	char *buf, *bigger;
	int fd, err;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(size);
	if (!buf) {
		err = -ENOMEM;
		goto out_close;
	}
	for (;;) {
		ssize_t n = read(fd, buf + used, size - used - 1);

		if (n < 0) {
			err = -errno;
			goto out_free;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (size - used > 1)
			continue;
		if (size >= PROCFILE_MAX) {
			err = -EFBIG;
			goto out_free;
		}
		bigger = realloc(buf, size * 2);
		if (!bigger) {
			err = -ENOMEM;
			goto out_free;
		}
		buf = bigger;
		size *= 2;
	}
	buf[used] = '\0';
	close(fd);
	*text = buf;
	if (len)
		*len = used;
	return 0;

out_free:
	free(buf);
out_close:
	close(fd);
	return err;
}
