/*
 * Modes, inode numbers and texts of the message queue tree (see
 * mqattr.h).  Pure: the FUSE glue and the system calls live in mqfs.c
 * and mqio.c.
 */
#define _GNU_SOURCE
#include "mqattr.h"
#include "route.h"
#include "decimal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

uint64_t mq_ino(uint64_t queue_ino, int file)
{
	/* slot 0: the directory; 1..: the file numbers, all below 1 << 16 */
	uint64_t slot = file == MQ_FILE_DIR ? 0 : (uint64_t)file + 1;

	return inum_make(MQ_INUM_TAG, queue_ino, slot);
}

mode_t mq_queue_mode(mode_t mode)
{
	return mode & 0666;
}

mode_t mq_dir_mode(mode_t queue_mode)
{
	mode_t m = queue_mode & 0666;

	/* one class at a time: user rw 0600 -> x 0100, group 060 -> 010, ... */
	for (mode_t rw = 0600, x = 0100; rw; rw >>= 3, x >>= 3)
		if (m & rw)
			m |= x;
	return S_IFDIR | m;
}

int mq_file_is_priority(int file)
{
	return file >= 0 && file < QUEUE_PRIO_MAX;
}

mode_t mq_file_mode(mode_t queue_mode, int file)
{
	if (file == QF_NEXT)
		return S_IFREG | (queue_mode & 0444);
	if (mq_file_is_priority(file))
		return S_IFREG | (queue_mode & 0222);
	return S_IFREG | 0444;
}

/* Finds "KEY:" as a whole word in @text and parses the number after it. */
static int status_field(const char *text, const char *key,
			unsigned long long *out)
{
	size_t klen = strlen(key), n;
	const char *p = text;

	for (;;) {
		p = strstr(p, key);
		if (!p)
			return -EINVAL;
		if ((p == text || p[-1] == ' ') && p[klen] == ':')
			break;
		p += klen;
	}
	p += klen + 1;
	n = dec_span(p, strlen(p));
	if (p[n] && p[n] != ' ' && p[n] != '\n')
		return -EINVAL;
	return dec_parse(p, n, DEC_ZEROS, 0, ULLONG_MAX, out) ? -EINVAL : 0;
}

int mq_parse_status(const char *text, unsigned long long *qsize,
		    long *notify_pid)
{
	unsigned long long pid;

	if (status_field(text, "QSIZE", qsize) ||
	    status_field(text, "NOTIFY_PID", &pid) || pid > 0x7fffffffULL)
		return -EINVAL;
	*notify_pid = (long)pid;
	return 0;
}

size_t mq_format_number(long value, char *buf, size_t size)
{
	int n;

	if (size == 0)
		return 0;
	n = snprintf(buf, size, "%ld\n", value);
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

int mq_parse_sysctl(const char *text, long *out)
{
	size_t n = dec_span(text, strlen(text));
	unsigned long long v;

	/* what follows a newline is not looked at */
	if ((text[n] && text[n] != '\n') ||
	    dec_parse(text, n, DEC_ZEROS, 1, LONG_MAX, &v))
		return -EINVAL;
	*out = (long)v;
	return 0;
}

/* The named files of a queue directory, in listing order (@sub: QF_*). */
static const struct fixed_name queue_named[] = {
	{ .name = "next", .sub = QF_NEXT },
	{ .name = "maxmsg", .sub = QF_MAXMSG },
	{ .name = "msgsize", .sub = QF_MSGSIZE },
	{ .name = "curmsgs", .sub = QF_CURMSGS },
};

int queue_file_find(const char *name)
{
	unsigned long long prio;
	int i;

	if (name[0] >= '0' && name[0] <= '9') {
		if (dec_parse(name, strlen(name), 0, 0, QUEUE_PRIO_MAX - 1,
			      &prio))
			return -ENOENT;
		return (int)prio;
	}
	i = fixed_find(queue_named,
		       sizeof(queue_named) / sizeof(queue_named[0]), name);
	return i < 0 ? i : queue_named[i].sub;
}

const char *queue_file_name(int file, char *buf, size_t size)
{
	if (file >= QF_NEXT && file < QF_END)
		return queue_named[file - QF_NEXT].name;
	snprintf(buf, size, "%d", file);
	return buf;
}
