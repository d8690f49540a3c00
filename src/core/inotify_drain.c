/*
 * inotify_drain() of inotify_drain.h: one read loop and one walk over
 * the packed events, for mq/ and shm/.  Any thread that owns the fd.
 */
#include "inotify_drain.h"

#include <unistd.h>

size_t inotify_drain(int fd, inotify_event_fn *fn, void *arg)
{
	union {
		struct inotify_event ev; /* for the alignment */
		char buf[INOTIFY_DRAIN_BUF];
	} u;
	size_t count = 0;
	ssize_t n;

	while ((n = read(fd, u.buf, sizeof(u.buf))) > 0) {
		const char *p = u.buf;

		while (p < u.buf + n) {
			const struct inotify_event *ev = (const void *)p;

			p += sizeof(*ev) + ev->len;
			fn(ev, arg);
			count++;
		}
	}
	return count;
}
