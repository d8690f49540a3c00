/*
 * Telling a whole write(2) from the first piece of a split one (see
 * wpiece.h for why the protocol alone cannot).  Pure logic and a read
 * of /proc/TID/syscall (again while the writer is not yet asleep); any
 * thread.
 */
#define _GNU_SOURCE
#include "wpiece.h"
#include "procfile.h"

#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WPIECE_PAGE 4096
/*
 * Looks again at a writer not yet asleep: 8 yields, then 24 naps of
 * 50 us (about 2 ms with timer slack), then UNKNOWN.  The loop waits
 * meanwhile, so it stays short: a writer truly running (an aio
 * submitter spinning) costs each of its writes that much.
 */
#define WPIECE_YIELDS 8
#define WPIECE_TRIES 32

size_t wpiece_min(unsigned int max_pages)
{
	return max_pages ? max_pages : 1;
}

/* "NR 0xARG1 0xARG2 ..." : the number and the first three arguments. */
static bool parse_line(const char *line, long *nr, uint64_t args[3])
{
	char *end;

	*nr = strtol(line, &end, 10);
	if (end == line || *nr < 0)
		return false; /* "running", or "-1 sp pc": not in a syscall */
	for (int i = 0; i < 3; i++) {
		const char *p = end;

		while (*p == ' ')
			p++;
		args[i] = strtoull(p, &end, 16);
		if (end == p)
			return false;
	}
	return true;
}

enum wpiece wpiece_judge(const char *line, size_t size, unsigned int max_pages,
			 size_t max_write)
{
	uint64_t args[3];
	long nr;

	if (size < wpiece_min(max_pages) && size < max_write)
		return WPIECE_WHOLE;
	if (!parse_line(line, &nr, args))
		return WPIECE_UNKNOWN;
	switch (nr) {
	case SYS_write:
	case SYS_pwrite64:
		/* one buffer: its length is the third argument */
		return args[2] == size ? WPIECE_WHOLE : WPIECE_LONG;
	case SYS_writev:
	case SYS_pwritev:
#ifdef SYS_pwritev2
	case SYS_pwritev2:
#endif
		/*
		 * k segments holding @size bytes span at most size/4096 + 2k
		 * pages (each may start and end inside a page).  Fewer than
		 * max_pages: the request was not cut by pages.  The segment
		 * lengths would say more, but they are in the writer's memory.
		 */
		if (size < max_write &&
		    size / WPIECE_PAGE + 2 * args[2] < max_pages)
			return WPIECE_WHOLE;
		return WPIECE_SPLIT;
	case SYS_sendfile:
	case SYS_copy_file_range:
		/*
		 * The kernel's own pipe (16 pages) feeds each write: never
		 * cut by pages, and every write is its own unit already.
		 */
		return size < max_write ? WPIECE_WHOLE : WPIECE_LONG;
	default:
		return WPIECE_UNKNOWN; /* aio, io_uring, splice(2), ... */
	}
}

enum wpiece wpiece_of(pid_t tid, size_t size, unsigned int max_pages,
		      size_t max_write)
{
	char path[48], line[256];

	if (size < wpiece_min(max_pages) && size < max_write)
		return WPIECE_WHOLE;
	if (tid <= 0)
		return WPIECE_UNKNOWN; /* not in our pid namespace */
	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)tid);
	for (int tries = 0;; tries++) {
		/* gone, or ptrace rules say no */
		if (procfile_read_small(AT_FDCWD, path, line, sizeof(line)) < 0)
			return WPIECE_UNKNOWN;
		if (strncmp(line, "running", 7) || tries == WPIECE_TRIES)
			break;
		/*
		 * The writer waits for our answer, but may not be asleep yet:
		 * between queueing the request and sleeping it can be
		 * preempted (a busy CPU), and the kernel shows no syscall of
		 * a task still on its way.  It gets there in a moment.
		 */
		if (tries < WPIECE_YIELDS)
			sched_yield();
		else
			nanosleep(&(struct timespec){ .tv_nsec = 50000 }, NULL);
	}
	return wpiece_judge(line, size, max_pages, max_write);
}
