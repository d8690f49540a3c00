/* Unit tests of the message queue tree's modes, inode numbers and texts. */
#define _GNU_SOURCE
#include "../tap.h"
#include "mqattr.h"
#include "route.h"

#include <errno.h>
#include <sys/stat.h>

static void dir_modes_add_search_where_read_or_write(void)
{
	is_int(mq_dir_mode(0600), S_IFDIR | 0700, "0600 -> 0700");
	is_int(mq_dir_mode(0644), S_IFDIR | 0755, "0644 -> 0755");
	is_int(mq_dir_mode(0666), S_IFDIR | 0777, "0666 -> 0777");
	is_int(mq_dir_mode(0620), S_IFDIR | 0730, "0620 -> 0730");
	is_int(mq_dir_mode(0400), S_IFDIR | 0500, "0400 -> 0500");
	is_int(mq_dir_mode(0002), S_IFDIR | 0003, "0002 -> 0003");
	is_int(mq_dir_mode(0), S_IFDIR, "0 -> 0");
	is_int(mq_dir_mode(S_IFREG | 0640), S_IFDIR | 0750,
	       "the file type of the mqueue inode is dropped");
}

static void file_modes_follow_the_queue(void)
{
	is_int(mq_file_mode(0640, QF_NEXT), S_IFREG | 0440, "next: read bits");
	is_int(mq_file_mode(0640, 5), S_IFREG | 0200, "5: write bits");
	is_int(mq_file_mode(0666, 32767), S_IFREG | 0222, "32767: write bits");
	is_int(mq_file_mode(0600, QF_MAXMSG), S_IFREG | 0444, "maxmsg: all");
	is_int(mq_file_mode(0600, QF_CURMSGS), S_IFREG | 0444, "curmsgs: all");
	is_int(mq_queue_mode(0755), 0644, "mkdir 0755 -> queue 0644");
	is_int(mq_queue_mode(07777), 0666, "no x, no suid, no sticky");
}

static void inode_numbers_are_distinct_and_stable(void)
{
	ok(mq_ino(7, MQ_FILE_DIR) != mq_ino(7, 0), "dir != priority 0");
	ok(mq_ino(7, QF_NEXT) != mq_ino(7, 32767), "next != 32767");
	ok(mq_ino(7, QF_CURMSGS) != mq_ino(8, MQ_FILE_DIR), "queues differ");
	ok(mq_ino(7, 0) == mq_ino(7, 0), "stable");
	ok(mq_ino(0xffffffffULL, QF_CURMSGS) > (UINT64_C(1) << 41),
	   "above the process tree's numbers");
	ok(mq_ino(1, MQ_FILE_DIR) != mq_ino(0, QF_END),
	   "file slots never reach the next queue");
}

static void status_line(void)
{
	unsigned long long qsize = 0;
	long pid = -1;

	is_int(mq_parse_status("QSIZE:23         NOTIFY:0     SIGNO:0     "
			       "NOTIFY_PID:0     \n",
			       &qsize, &pid),
	       0, "the kernel's line parses");
	is_int((long long)qsize, 23, "QSIZE");
	is_int(pid, 0, "nobody registered");
	mq_parse_status("QSIZE:0          NOTIFY:0     SIGNO:34    "
			"NOTIFY_PID:4242  \n",
			&qsize, &pid);
	is_int(pid, 4242, "NOTIFY_PID");
	is_int(mq_parse_status("QSIZE:x NOTIFY_PID:1", &qsize, &pid), -EINVAL,
	       "garbage");
	is_int(mq_parse_status("", &qsize, &pid), -EINVAL, "empty");
	is_int(mq_parse_status("XQSIZE:1 NOTIFY_PID:1", &qsize, &pid), -EINVAL,
	       "whole words only");
}

static void numbers(void)
{
	char buf[24];
	long v = 0;

	is_int((long long)mq_format_number(10, buf, sizeof(buf)), 3, "10\\n");
	is_str(buf, "10\n", "10\\n text");
	is_int((long long)mq_format_number(0, buf, sizeof(buf)), 2, "0\\n");
	is_int((long long)mq_format_number(12345, buf, 4), 3,
	       "a short buffer: the length written");
	is_int((long long)mq_format_number(1, buf, 0), 0,
	       "no buffer at all: nothing written");
	is_int(mq_parse_sysctl("8192\n", &v), 0, "sysctl value");
	is_int(v, 8192, "8192");
	is_int(mq_parse_sysctl("0\n", &v), -EINVAL, "0 is no size");
	is_int(mq_parse_sysctl("x", &v), -EINVAL, "garbage");
	is_int(mq_parse_sysctl("12x", &v), -EINVAL, "trailing garbage");
}

/* The files of a queue directory: priorities by number, the rest by name. */
static void queue_files(void)
{
	char buf[16];

	is_int(queue_file_find("0"), 0, "priority 0");
	is_int(queue_file_find("31"), 31, "priority 31");
	is_int(queue_file_find("32767"), 32767, "priority 32767");
	is_int(queue_file_find("32768"), -ENOENT, "priority 32768");
	is_int(queue_file_find("05"), -ENOENT, "05");
	is_int(queue_file_find("-1"), -ENOENT, "-1");
	is_int(queue_file_find("next"), QF_NEXT, "next");
	is_int(queue_file_find("maxmsg"), QF_MAXMSG, "maxmsg");
	is_int(queue_file_find("msgsize"), QF_MSGSIZE, "msgsize");
	is_int(queue_file_find("curmsgs"), QF_CURMSGS, "curmsgs");
	is_int(queue_file_find("nextx"), -ENOENT, "nextx");
	is_str(queue_file_name(7, buf, sizeof(buf)), "7", "name of 7");
	is_str(queue_file_name(QF_NEXT, buf, sizeof(buf)), "next",
	       "name of next");
}

int main(void)
{
	queue_files();
	dir_modes_add_search_where_read_or_write();
	file_modes_follow_the_queue();
	inode_numbers_are_distinct_and_stable();
	status_line();
	numbers();
	return done_testing();
}
