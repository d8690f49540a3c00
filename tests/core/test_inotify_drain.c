/* Unit test of inotify_drain(): real events on a directory in /tmp. */
#define _GNU_SOURCE
#include "../tap.h"
#include "inotify_drain.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

struct seen {
	int creates, deletes;
	char names[4][16];
	size_t n;
};

static void on_event(const struct inotify_event *ev, void *arg)
{
	struct seen *s = arg;

	if (ev->mask & IN_CREATE)
		s->creates++;
	if (ev->mask & IN_DELETE)
		s->deletes++;
	if (ev->len && s->n < 4)
		snprintf(s->names[s->n++], sizeof(s->names[0]), "%s", ev->name);
}

int main(void)
{
	char dir[] = "/tmp/test_inotify.XXXXXX", path[64];
	struct seen s = { 0 };
	int fd;

	if (!mkdtemp(dir))
		return 1;
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	ok(fd >= 0 && inotify_add_watch(fd, dir, IN_CREATE | IN_DELETE) >= 0,
	   "a watch on a fresh directory");
	is_int(inotify_drain(fd, on_event, &s), 0, "nothing yet: returns 0");
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/file%d", dir, i);
		close(open(path, O_CREAT | O_WRONLY, 0600));
		unlink(path);
	}
	is_int(inotify_drain(fd, on_event, &s), 4, "four events, one call");
	is_int(s.creates, 2, "both creations");
	is_int(s.deletes, 2, "both deletions");
	is_str(s.names[0], "file0", "in the kernel's order (1)");
	is_str(s.names[2], "file1", "in the kernel's order (2)");
	is_int(inotify_drain(fd, on_event, &s), 0, "drained: nothing left");
	close(fd);
	rmdir(dir);
	return done_testing();
}
