/*
 * /proc/self/mountinfo lines, as proc_pid_mountinfo(5) documents them:
 *
 *   36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw
 *
 * field 5 is the mount point, with space, tab, newline and backslash
 * written as \ooo octal escapes; after the lone "-" come the type, the
 * source and the super block options.  Later lines are mounted on top of
 * earlier ones.  See mountpt.h.
 */
#define _GNU_SOURCE
#include "mountpt.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* The next space-separated field of [*p, end), or false at the end. */
static bool next_field(const char **p, const char *end, const char **f,
		       size_t *len)
{
	const char *s = *p;

	while (s < end && *s == ' ')
		s++;
	if (s >= end)
		return false;
	*f = s;
	while (s < end && *s != ' ')
		s++;
	*len = (size_t)(s - *f);
	*p = s;
	return true;
}

/* Whether the escaped field @f equals @path once unescaped. */
static bool same_path(const char *f, size_t len, const char *path)
{
	size_t i = 0;

	while (i < len) {
		char c = f[i];

		if (c == '\\') {
			if (len - i < 4)
				return false;
			c = 0;
			for (int k = 1; k <= 3; k++) {
				if (f[i + k] < '0' || f[i + k] > '7')
					return false;
				c = (char)(c * 8 + (f[i + k] - '0'));
			}
			i += 4;
		} else {
			i++;
		}
		/* an escaped NUL (\000) is no path's byte */
		if (*path == '\0' || *path != c)
			return false;
		path++;
	}
	return *path == '\0';
}

/* One line: 1 when it mounts on @path (type in @fstype), 0 if not. */
static int match_line(const char *line, const char *end, const char *path,
		      char *fstype, size_t size)
{
	const char *p = line, *f;
	size_t len;
	bool here;

	for (int i = 0; i < 4; i++)
		if (!next_field(&p, end, &f, &len))
			return -EINVAL;
	if (!next_field(&p, end, &f, &len))
		return -EINVAL;
	here = same_path(f, len, path);
	/* mount options, optional fields, then the separator */
	do {
		if (!next_field(&p, end, &f, &len))
			return -EINVAL;
	} while (!(len == 1 && f[0] == '-'));
	if (!next_field(&p, end, &f, &len))
		return -EINVAL;
	if (!here)
		return 0;
	if (len >= size)
		return -EINVAL;
	memcpy(fstype, f, len);
	fstype[len] = '\0';
	return 1;
}

int mountinfo_top(const char *text, const char *path, char *fstype, size_t size)
{
	int found = -ENOENT;

	while (*text) {
		const char *end = strchr(text, '\n');
		int r;

		if (!end)
			end = text + strlen(text);
		r = match_line(text, end, path, fstype, size);
		if (r < 0)
			return r;
		if (r)
			found = 0;
		text = *end ? end + 1 : end;
	}
	return found;
}
