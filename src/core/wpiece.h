/*
 * Is this WRITE request a whole write(2), or maybe the first piece of a
 * longer one?  With direct_io the kernel cuts one write into several
 * WRITE requests when its data spans more pages than one request may
 * carry (fc->max_pages, 256 here: fuse_get_user_pages counts one page or
 * more per iovec segment) or more bytes than max_write.  The pieces come
 * one after another, each only once the last was answered, and nothing
 * in the protocol tells a piece from a whole write: a writev of 300
 * one-byte segments arrives exactly like write(2) of 256 bytes followed
 * by write(2) of 44.  So a file that must treat one write(2) as one unit
 * (a message, a set of signals) asks, for a request that could have
 * filled a piece, what the writer's thread is doing: it is blocked in
 * the very syscall that made the request, and /proc/TID/syscall shows
 * that syscall's number and arguments.  Pure logic plus that read;
 * no FUSE type.  Any thread.
 */
#ifndef IPCFS_WPIECE_H
#define IPCFS_WPIECE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum wpiece {
	WPIECE_WHOLE, /* this request is the whole write */
	WPIECE_SPLIT, /* a vectored write that may be cut by pages */
	WPIECE_LONG, /* one buffer, longer than this request */
	WPIECE_UNKNOWN /* the writer's syscall cannot be seen or judged */
};

/*
 * The fewest bytes a request cut short by the page limit can hold: one
 * byte on each of @max_pages pages.  A request smaller than this is
 * always a whole write, unless it is cut by max_write (@max_write).
 */
size_t wpiece_min(unsigned int max_pages);

/*
 * Judges a request of @size bytes from the text of the writer's
 * /proc/TID/syscall (@line), for a connection whose requests carry at
 * most @max_pages pages and @max_write bytes.
 */
enum wpiece wpiece_judge(const char *line, size_t size, unsigned int max_pages,
			 size_t max_write);

/* Reads /proc/@tid/syscall and judges; WPIECE_WHOLE for small requests. */
enum wpiece wpiece_of(pid_t tid, size_t size, unsigned int max_pages,
		      size_t max_write);

#endif
