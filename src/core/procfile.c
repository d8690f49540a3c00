/*
 * procfile_read(): one read loop for /proc text of any length.  A /proc
 * file is generated at the first read, so it is read to EOF into a buffer
 * that doubles; the common case (a few KB) costs one allocation and two
 * reads.  Small files are read with one read into the caller's buffer.
 * See procfile.h.
 */
#define _GNU_SOURCE
#include "procfile.h"
#include "decimal.h"

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

ssize_t procfile_read_small(int dirfd, const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -ENODATA;
	buf[n] = '\0';
	return n;
}

int procfile_read_ulong(const char *path, unsigned long max, unsigned long *out)
{
	char text[32];
	unsigned long long v;
	ssize_t n = procfile_read_small(AT_FDCWD, path, text, sizeof(text));

	if (n == -ENODATA)
		return -EINVAL;
	if (n < 0)
		return (int)n;
	if (dec_parse(text, dec_span(text, (size_t)n), DEC_ZEROS, 0, max, &v))
		return -EINVAL;
	*out = (unsigned long)v;
	return 0;
}
