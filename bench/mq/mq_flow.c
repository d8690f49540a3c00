/*
 * mq_flow: messages per second through one queue with S senders and R
 * receivers, each a process of its own, through the tree against mq_*
 * direct, in interleaved rounds (median of ROUNDS).
 *
 *   mq_flow MNT QUEUE S R MESSAGES
 *
 * Through the tree a sender keeps MNT/mq/QUEUE/5 open and write(2)s each
 * message (one WRITE request each); a receiver opens, reads and closes
 * MNT/mq/QUEUE/next for each (OPEN, READ, RELEASE).  Direct: mq_send and
 * mq_receive on descriptors of their own.  QUEUE ("/name") must exist.
 * Every message is received exactly once: the receivers take turns on a
 * shared count, and a round fails unless all arrived.
 */
#define _GNU_SOURCE
#include "../benchutil.h"
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 5
#define MSG "0123456789abcdef0123456789abcdef"

struct shared {
	atomic_long taken; /* receives begun */
	atomic_long got; /* messages received */
};

static const char *mnt, *qname;
static struct shared *sh;

static int send_tree(long n)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/mq/%s/5", mnt, qname + 1);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	for (long i = 0; i < n; i++)
		if (write(fd, MSG, sizeof(MSG) - 1) != sizeof(MSG) - 1)
			return -1;
	close(fd);
	return 0;
}

static int recv_tree(long total)
{
	char path[4096], buf[8192];

	snprintf(path, sizeof(path), "%s/mq/%s/next", mnt, qname + 1);
	while (atomic_fetch_add(&sh->taken, 1) < total) {
		int fd = open(path, O_RDONLY);

		if (fd < 0 || read(fd, buf, sizeof(buf)) <= 0)
			return -1;
		close(fd);
		atomic_fetch_add(&sh->got, 1);
	}
	return 0;
}

static int send_direct(long n)
{
	mqd_t q = mq_open(qname, O_WRONLY);

	if (q == (mqd_t)-1)
		return -1;
	for (long i = 0; i < n; i++)
		if (mq_send(q, MSG, sizeof(MSG) - 1, 5))
			return -1;
	mq_close(q);
	return 0;
}

static int recv_direct(long total)
{
	mqd_t q = mq_open(qname, O_RDONLY);
	char buf[65536];

	if (q == (mqd_t)-1)
		return -1;
	while (atomic_fetch_add(&sh->taken, 1) < total) {
		if (mq_receive(q, buf, sizeof(buf), NULL) < 0)
			return -1;
		atomic_fetch_add(&sh->got, 1);
	}
	mq_close(q);
	return 0;
}

/* One round: messages per second, or -1. */
static double round_rate(bool tree, int s, int r, long total)
{
	long per = total / s;
	double t0;
	int st, bad = 0;

	total = per * s;
	atomic_store(&sh->taken, 0);
	atomic_store(&sh->got, 0);
	t0 = now_us();
	for (int i = 0; i < s + r; i++) {
		pid_t c = fork();

		if (c < 0)
			return -1;
		if (c == 0) {
			int err = i < s ? (tree ? send_tree(per) :
						  send_direct(per)) :
					  (tree ? recv_tree(total) :
						  recv_direct(total));
			_exit(err ? 1 : 0);
		}
	}
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			bad = 1;
	if (bad || atomic_load(&sh->got) != total)
		return -1;
	return (double)total / ((now_us() - t0) / 1e6);
}

int main(int argc, char **argv)
{
	double tree[ROUNDS], direct[ROUNDS], ratio[ROUNDS];
	int s, r;
	long total;

	if (argc != 6 || (s = atoi(argv[3])) < 1 || (r = atoi(argv[4])) < 1 ||
	    (total = atol(argv[5])) < s) {
		fprintf(stderr, "usage: mq_flow MNT QUEUE S R MESSAGES\n");
		return 2;
	}
	mnt = argv[1];
	qname = argv[2];
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	for (int i = 0; i < ROUNDS; i++) {
		direct[i] = round_rate(false, s, r, total);
		tree[i] = round_rate(true, s, r, total);
		if (direct[i] < 0 || tree[i] < 0) {
			fprintf(stderr,
				"mq_flow: a round lost messages or failed\n");
			return 1;
		}
		ratio[i] = tree[i] / direct[i];
	}
	qsort(tree, ROUNDS, sizeof(double), cmp_double);
	qsort(direct, ROUNDS, sizeof(double), cmp_double);
	qsort(ratio, ROUNDS, sizeof(double), cmp_double);
	printf("%d+%d  tree %9.0f msg/s  direct %9.0f msg/s  tree/direct %.3f\n",
	       s, r, tree[ROUNDS / 2], direct[ROUNDS / 2], ratio[ROUNDS / 2]);
	return 0;
}
