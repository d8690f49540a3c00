/*
 * fsop: one precise file operation, reporting the errno by name, so shell
 * tests can assert "EINVAL" rather than a translated message.
 *
 *   fsop write PATH DATA        open O_WRONLY, one write(2) of DATA, close
 *                               (DATA understands \n, \0, \t, \\ and \xHH)
 *   fsop writen PATH SIZE       one write(2) of SIZE bytes of 'A'
 *   fsop read PATH [nonblock]   open O_RDONLY, one read(2) of 64 KiB, print
 *   fsop open PATH r|w|rw       open and close
 *   fsop poll PATH MS           open O_RDONLY|O_NONBLOCK, poll(POLLIN, MS)
 *
 * Prints "ok N" (bytes) / "readable" / "timeout", or "STEP: ENAME" and
 * exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *step)
{
	const char *name = strerrorname_np(errno);

	printf("%s: %s\n", step, name ? name : "?");
	return 1;
}

static size_t unescape(const char *s, char *out)
{
	size_t n = 0;

	while (*s) {
		if (*s != '\\' || !s[1]) {
			out[n++] = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'n':
			out[n++] = '\n';
			s++;
			break;
		case 't':
			out[n++] = '\t';
			s++;
			break;
		case '0':
			out[n++] = '\0';
			s++;
			break;
		case 'x': {
			char hex[3] = { s[1], s[1] ? s[2] : 0, 0 };

			out[n++] = (char)strtol(hex, NULL, 16);
			s += 3;
			break;
		}
		default:
			out[n++] = *s++;
		}
	}
	return n;
}

static int do_write(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return fail("open");
	n = write(fd, data, len);
	if (n < 0)
		return fail("write");
	if (close(fd))
		return fail("close");
	printf("ok %zd\n", n);
	return 0;
}

int main(int argc, char *argv[])
{
	if (argc < 3) {
		fprintf(stderr, "usage: see fsop.c\n");
		return 2;
	}
	if (strcmp(argv[1], "write") == 0 && argc == 4) {
		char *buf = malloc(strlen(argv[3]) + 1);
		int rc = do_write(argv[2], buf, unescape(argv[3], buf));

		free(buf);
		return rc;
	}
	if (strcmp(argv[1], "writen") == 0 && argc == 4) {
		size_t len = strtoul(argv[3], NULL, 10);
		char *buf = malloc(len + 1);
		int rc;

		memset(buf, 'A', len);
		rc = do_write(argv[2], buf, len);
		free(buf);
		return rc;
	}
	if (strcmp(argv[1], "read") == 0) {
		int fd = open(argv[2], O_RDONLY | (argc > 3 ? O_NONBLOCK : 0));
		static char buf[65536];
		ssize_t n;

		if (fd < 0)
			return fail("open");
		n = read(fd, buf, sizeof(buf));
		if (n < 0)
			return fail("read");
		fwrite(buf, 1, (size_t)n, stdout);
		close(fd);
		return 0;
	}
	if (strcmp(argv[1], "open") == 0 && argc == 4) {
		int flags = strcmp(argv[3], "r") == 0 ? O_RDONLY :
			    strcmp(argv[3], "w") == 0 ? O_WRONLY :
							O_RDWR;
		int fd = open(argv[2], flags);

		if (fd < 0)
			return fail("open");
		close(fd);
		printf("ok 0\n");
		return 0;
	}
	if (strcmp(argv[1], "poll") == 0 && argc == 4) {
		int fd = open(argv[2], O_RDONLY | O_NONBLOCK);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r;

		if (fd < 0)
			return fail("open");
		r = poll(&p, 1, atoi(argv[3]));
		if (r < 0)
			return fail("poll");
		printf("%s\n", r ? "readable" : "timeout");
		close(fd);
		return 0;
	}
	fprintf(stderr, "usage: see fsop.c\n");
	return 2;
}
