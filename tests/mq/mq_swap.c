/*
 * mq_swap [-n] MOUNT NAME ROUNDS: races the kernel's cache of queue
 * names.  Each round has the kernel cache mq/NAME (stat and reads through
 * the tree), then behind the tree's back holds the queue open, removes it
 * with mq_unlink and (unless -n) makes it again with mq_open(O_CREAT) and
 * another maxmsg, and at once, microseconds later, long before the
 * invalidation from the server's inotify watch can have landed, uses the
 * tree: reads mq/NAME/maxmsg, writes a message to mq/NAME/1, stats
 * mq/NAME.  It counts every round where the tree showed the old queue
 * (its maxmsg, its inode number), where the message went to the old
 * queue or nowhere, or where anything failed; with -n, every round where
 * the tree did not answer ENOENT.  Prints the counts; exit 1 if any.
 * The tree's cached attributes of a queue's files may show the old queue
 * until the invalidation lands: those rounds are counted apart
 * (files_cached), not as failures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct counts {
	long stale, lost, old_got, wrong_stat, not_enoent, errors;
	long files_cached;
};

static char path[4096];

static const char *tree(const char *mount, const char *name, const char *file)
{
	snprintf(path, sizeof(path), "%s/mq/%s%s%s", mount, name,
		 file ? "/" : "", file ? file : "");
	return path;
}

/* The number in mq/NAME/maxmsg, or -errno. */
static long read_maxmsg(const char *mount, const char *name)
{
	char text[32];
	ssize_t n;
	int fd = open(tree(mount, name, "maxmsg"), O_RDONLY);

	if (fd < 0)
		return -errno;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	text[n] = '\0';
	return atol(text);
}

/* Writes @msg to mq/NAME/1: 0 or -errno. */
static int send_tree(const char *mount, const char *name, const char *msg)
{
	int fd = open(tree(mount, name, "1"), O_WRONLY), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, msg, strlen(msg)) != (ssize_t)strlen(msg))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

static mqd_t make_queue(const char *qname, long maxmsg)
{
	struct mq_attr attr = { .mq_maxmsg = maxmsg, .mq_msgsize = 64 };

	return mq_open(qname, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK, 0600,
		       &attr);
}

static void fail(long *count, long round, const char *what, long got)
{
	if ((*count)++ == 0)
		fprintf(stderr, "round %ld: %s (%ld)\n", round, what, got);
}

int main(int argc, char *argv[])
{
	struct counts c = { 0 };
	const char *mount, *name;
	bool remove_only = false;
	char qname[300], msg[64], got[64];
	long rounds, maxmsg = 2;
	int opt;

	while ((opt = getopt(argc, argv, "n")) != -1) {
		if (opt != 'n')
			return 2;
		remove_only = true;
	}
	if (argc - optind != 3) {
		fprintf(stderr, "usage: mq_swap [-n] MOUNT NAME ROUNDS\n");
		return 2;
	}
	mount = argv[optind];
	name = argv[optind + 1];
	rounds = atol(argv[optind + 2]);
	snprintf(qname, sizeof(qname), "/%s", name);
	mq_unlink(qname);
	if (make_queue(qname, maxmsg) == (mqd_t)-1) {
		perror("mq_open");
		return 1;
	}
	for (long i = 0; i < rounds; i++) {
		struct stat dir_st, file_st, st;
		unsigned int prio;
		mqd_t old, new = (mqd_t)-1;
		long v = 0;
		int err = 0, dir_err = 0;

		/* the kernel caches mq/NAME, its files and their attributes */
		if (stat(tree(mount, name, NULL), &dir_st) ||
		    stat(tree(mount, name, "maxmsg"), &st) ||
		    stat(tree(mount, name, "1"), &file_st) ||
		    read_maxmsg(mount, name) != maxmsg) {
			fail(&c.errors, i, "the queue before the swap", errno);
			break;
		}
		old = mq_open(qname, O_RDONLY | O_NONBLOCK);
		if (old == (mqd_t)-1 || mq_unlink(qname)) {
			perror("mq_open/mq_unlink");
			return 1;
		}
		if (!remove_only) {
			maxmsg = maxmsg == 2 ? 3 : 2;
			new = make_queue(qname, maxmsg);
			if (new == (mqd_t)-1) {
				perror("mq_open O_CREAT");
				return 1;
			}
		}

		/*
		 * At once, through the tree.  First a stat of a file, which
		 * the kernel may answer from its cache; then the uses, each
		 * round another one first (the first has the kernel walk the
		 * name again).
		 */
		if (!remove_only && stat(tree(mount, name, "1"), &st) == 0 &&
		    st.st_ino == file_st.st_ino)
			c.files_cached++;
		snprintf(msg, sizeof(msg), "round %ld", i);
		for (int k = 0; k < 3; k++) {
			switch ((i + k) % 3) {
			case 0:
				v = read_maxmsg(mount, name);
				break;
			case 1:
				err = send_tree(mount, name, msg);
				break;
			default:
				dir_err = stat(tree(mount, name, NULL), &st) ?
						  -errno :
						  0;
				break;
			}
		}
		if (remove_only) {
			if (v != -ENOENT)
				fail(&c.not_enoent, i,
				     "maxmsg of a removed queue", v);
			if (err != -ENOENT)
				fail(&c.not_enoent, i,
				     "write to a removed queue", err);
			if (dir_err != -ENOENT)
				fail(&c.not_enoent, i,
				     "stat of a removed queue", dir_err);
		} else {
			if (v != maxmsg)
				fail(v < 0 ? &c.errors : &c.stale, i,
				     "maxmsg through the tree", v);
			if (err)
				fail(&c.errors, i, "write through the tree",
				     err);
			if (dir_err)
				fail(&c.errors, i, "stat of the new queue",
				     dir_err);
			else if (st.st_ino == dir_st.st_ino)
				fail(&c.wrong_stat, i,
				     "stat showed the old queue's inode", 0);
			memset(got, 0, sizeof(got));
			if (!err &&
			    (mq_receive(new, got, sizeof(got), &prio) < 0 ||
			     strcmp(got, msg) != 0 || prio != 1))
				fail(&c.lost, i, "the new queue's message",
				     errno);
		}
		if (mq_receive(old, got, sizeof(got), &prio) >= 0 ||
		    errno != EAGAIN)
			fail(&c.old_got, i, "the old queue got something", 0);
		mq_close(old);
		if (remove_only)
			new = make_queue(qname, maxmsg);
		if (new == (mqd_t)-1) {
			perror("mq_open O_CREAT");
			return 1;
		}
		mq_close(new);
	}
	mq_unlink(qname);
	printf("rounds=%ld stale=%ld lost=%ld old_got=%ld wrong_stat=%ld "
	       "not_enoent=%ld errors=%ld files_cached=%ld\n",
	       rounds, c.stale, c.lost, c.old_got, c.wrong_stat, c.not_enoent,
	       c.errors, c.files_cached);
	return c.stale || c.lost || c.old_got || c.wrong_stat || c.not_enoent ||
			       c.errors ?
		       1 :
		       0;
}
