/*
 * What the message queue tree shows for a queue, computed from the
 * queue's own attributes: modes, inode numbers, the numbers printed by
 * maxmsg/msgsize/curmsgs, and the status line the mqueue file system
 * gives for a queue ("QSIZE:23 NOTIFY:0 SIGNO:0 NOTIFY_PID:0").  Pure C,
 * no FUSE type, unit-tested without a mount.
 */
#ifndef IPCFS_MQATTR_H
#define IPCFS_MQATTR_H

#include "inum.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The inode-number tag the message queue family claims (see inum.h). */
#define MQ_INUM_TAG INUM_TAG_FAMILY(1)

/* Priorities a queue file may be opened by (MQ_PRIO_MAX on Linux). */
#define QUEUE_PRIO_MAX 32768
/* Priorities listed in a queue directory: 0..31, the POSIX minimum. */
#define QUEUE_PRIO_LISTED 32

/* Non-priority files of a queue directory, in listing order. */
enum queue_file {
	QF_NEXT = QUEUE_PRIO_MAX, /* priorities are 0..QUEUE_PRIO_MAX-1 */
	QF_MAXMSG,
	QF_MSGSIZE,
	QF_CURMSGS,
	QF_END,
};

/*
 * A file of a queue directory: a canonical priority 0..32767 ("5", never
 * "05", "-1", "32768"), or next/maxmsg/msgsize/curmsgs (QF_*), found in
 * the table of named queue files.  Returns the file number or -ENOENT.
 */
int queue_file_find(const char *name);
/* Name of a queue file number; for priorities writes into @buf. */
const char *queue_file_name(int file, char *buf, size_t size);

/* The directory of a queue, for mq_ino(). */
#define MQ_FILE_DIR (-1)

/*
 * Reported inode number of a queue's directory (MQ_FILE_DIR) or of one
 * of its files (a priority 0..32767 or a QF_*): stable for as
 * long as the queue exists, different for a queue made again under the
 * same name (the mqueue file system gives it a new inode number).
 */
uint64_t mq_ino(uint64_t queue_ino, int file);

/* The queue mode for a mkdir or chmod mode: read and write bits only. */
mode_t mq_queue_mode(mode_t mode);

/*
 * Directory mode shown for a queue of mode @queue_mode: its read and
 * write bits, plus search (x) for each class that may read or write, so
 * that exactly those can reach next and the priority files.
 */
mode_t mq_dir_mode(mode_t queue_mode);

/*
 * Mode of a file of the queue: next is readable by whoever may receive,
 * a priority file writable by whoever may send, the numbers by all.
 */
mode_t mq_file_mode(mode_t queue_mode, int file);

/* True for the files that send (priorities 0..32767). */
int mq_file_is_priority(int file);

/*
 * Parses the mqueue file system's status line.  Sets *qsize (bytes of
 * all messages) and *notify_pid (the process holding the mq_notify
 * registration, 0 if none).  Returns 0 or -EINVAL.
 */
int mq_parse_status(const char *text, unsigned long long *qsize,
		    long *notify_pid);

/* Writes "N\n" into @buf; returns its length. */
size_t mq_format_number(long value, char *buf, size_t size);

/* Parses a /proc/sys/fs/mqueue value ("10\n").  Returns 0 or -EINVAL. */
int mq_parse_sysctl(const char *text, long *out);

#endif
