/* Unit tests of the small-file readers of procfile.h, on files in /tmp. */
#define _GNU_SOURCE
#include "../tap.h"
#include "procfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/test_procfile.XXXXXX";

static const char *file_with(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "%s/f", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	return path;
}

static long long number(const char *text, unsigned long max)
{
	unsigned long v = 777;
	int err = procfile_read_ulong(file_with(text), max, &v);

	return err ? (v == 777 ? err : -9999) : (long long)v;
}

int main(void)
{
	char buf[8];

	if (!mkdtemp(dir))
		return 1;
	is_int(procfile_read_small(AT_FDCWD, file_with("12345"), buf,
				   sizeof(buf)),
	       5, "small: the length");
	is_str(buf, "12345", "small: the text, terminated");
	is_int(procfile_read_small(AT_FDCWD, file_with("123456789"), buf,
				   sizeof(buf)),
	       7, "small: at most size - 1 bytes");
	is_str(buf, "1234567", "small: cut and terminated");
	is_int(procfile_read_small(AT_FDCWD, file_with(""), buf, sizeof(buf)),
	       -ENODATA, "small: an empty file gives nothing");
	is_int(procfile_read_small(AT_FDCWD, "/nonexistent/x", buf,
				   sizeof(buf)),
	       -ENOENT, "small: open's errno");

	is_int(number("1048576\n", ULONG_MAX), 1048576, "number: a sysctl");
	is_int(number("32", ULONG_MAX), 32, "number: no newline");
	is_int(number("0\n", ULONG_MAX), 0, "number: 0");
	is_int(number("007\n", ULONG_MAX), 7, "number: leading zeros");
	is_int(number("12 34\n", ULONG_MAX), 12, "number: the first one");
	is_int(number("", ULONG_MAX), -EINVAL, "number: empty file");
	is_int(number("x1\n", ULONG_MAX), -EINVAL, "number: not a number");
	is_int(number("4294967296\n", UINT_MAX), -EINVAL, "number: above max");
	{
		unsigned long v;

		is_int(procfile_read_ulong("/nonexistent/x", 9, &v), -ENOENT,
		       "number: open's errno");
	}
	unlink(file_with(""));
	rmdir(dir);
	return done_testing();
}
