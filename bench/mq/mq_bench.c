/*
 * mq_bench IPCFS_MNT NULLFS_MNT QUEUE SERVER_PID [wake]: the message queue
 * family's numbers, each measured side by side with its reference in one
 * run (rounds interleaved, so noise hits all alike).  Prints numbers and
 * ratios; asserts nothing.
 *
 *   send:       write(2) loop on one open mq/Q/5  vs  mq_send(3) loop  vs
 *               the same write loop on nullfs's null file (the floor);
 *               timed in batches of maxmsg, the queue drained untimed.
 *   round trip: open+read+close of mq/Q/next (a message waiting)  vs
 *               open+read+close of nullfs's null file.
 *   wake-up:    another process mq_sends; how long until a reader parked
 *               in read(2) of next returns (p50, p99), with the server
 *               woken by mq_notify, then by epoll (we hold the
 *               registration ourselves).
 *
 * With "wake" only the wake-up latencies are measured.  QUEUE ("/name")
 * must exist with maxmsg >= 2 and msgsize >= 32.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include "../benchutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MSG_LEN 32
#define ROUNDS 1500
#define WAKE_SAMPLES 1500

static const char *mnt, *nullmnt, *qname;
static long server_pid, maxmsg;
static char path_prio[4096], path_next[4096], path_null[4096];
static char rbuf[131072];

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static double percentile(double *v, int n, double p)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[(int)(p * (n - 1))];
}

static void drain(mqd_t rx)
{
	char buf[8192];

	while (mq_receive(rx, buf, sizeof(buf), NULL) >= 0)
		;
}

/* ---- send -------------------------------------------------------------- */

/* Times one batch of maxmsg sends: by write(2) to @fd, or mq_send. */
static double send_batch(int fd, mqd_t tx, const char *msg)
{
	double t0 = now_ns();

	for (long i = 0; i < maxmsg; i++) {
		if (fd >= 0 ? write(fd, msg, MSG_LEN) != MSG_LEN :
			      mq_send(tx, msg, MSG_LEN, 5) != 0)
			die("send");
	}
	return (now_ns() - t0) / maxmsg;
}

static void bench_send(mqd_t tx, mqd_t rx)
{
	static double tree[ROUNDS], mq[ROUNDS], null[ROUNDS], ratio[ROUNDS];
	char msg[MSG_LEN];
	int tfd = open(path_prio, O_WRONLY), nfd = open(path_null, O_WRONLY);

	if (tfd < 0 || nfd < 0)
		die("open");
	memset(msg, 'm', sizeof(msg));
	drain(rx);
	for (int r = 0; r < ROUNDS; r++) {
		tree[r] = send_batch(tfd, tx, msg);
		drain(rx);
		mq[r] = send_batch(-1, tx, msg);
		drain(rx);
		null[r] = send_batch(nfd, tx, msg);
		ratio[r] = null[r] / tree[r];
	}
	close(tfd);
	close(nfd);
	printf("send (%d-byte messages, %d batches of %ld, median per message):\n",
	       MSG_LEN, ROUNDS, maxmsg);
	printf("  write(2) to mq/Q/5      %8.2f us\n",
	       percentile(tree, ROUNDS, 0.5) / 1e3);
	printf("  mq_send(3)              %8.2f us\n",
	       percentile(mq, ROUNDS, 0.5) / 1e3);
	printf("  write(2) to nullfs      %8.2f us   (the floor)\n",
	       percentile(null, ROUNDS, 0.5) / 1e3);
	printf("  tree vs floor: %.2fx the floor's rate (median of the batches' "
	       "ratios; target >= 0.8)\n",
	       percentile(ratio, ROUNDS, 0.5));
}

/* ---- round trip ------------------------------------------------------- */

static double open_read_close(const char *path)
{
	double t0 = now_ns();
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		die(path);
	if (read(fd, rbuf, sizeof(rbuf)) < 0)
		die("read");
	close(fd);
	return now_ns() - t0;
}

static void bench_round_trip(mqd_t tx, mqd_t rx)
{
	static double tree[ROUNDS], null[ROUNDS], ratio[ROUNDS];
	char msg[MSG_LEN];

	memset(msg, 'r', sizeof(msg));
	drain(rx);
	for (int r = 0; r < ROUNDS; r++) {
		for (long i = 0; i < maxmsg; i++)
			if (mq_send(tx, msg, sizeof(msg), 1))
				die("mq_send");
		tree[r] = null[r] = 0;
		for (long i = 0; i < maxmsg; i++) {
			tree[r] += open_read_close(path_next) / maxmsg;
			null[r] += open_read_close(path_null) / maxmsg;
		}
		ratio[r] = tree[r] / null[r];
	}
	printf("round trip, open+read+close (%d batches of %ld, median):\n",
	       ROUNDS, maxmsg);
	printf("  mq/Q/next               %8.2f us\n",
	       percentile(tree, ROUNDS, 0.5) / 1e3);
	printf("  nullfs null             %8.2f us   (the floor)\n",
	       percentile(null, ROUNDS, 0.5) / 1e3);
	printf("  next vs floor: %.2fx the floor's time\n",
	       percentile(ratio, ROUNDS, 0.5));
}

/* ---- wake-up latency -------------------------------------------------- */

/* The server holds the queue's registration: a reader is parked. */
static int notify_pid(mqd_t q)
{
	char text[200];
	const char *p;
	ssize_t n = pread(q, text, sizeof(text) - 1, 0);

	if (n <= 0)
		return -1;
	text[n] = '\0';
	p = strstr(text, "NOTIFY_PID:");
	return p ? atoi(p + 11) : -1;
}

/* The reader's thread waits for a FUSE read: parked in the server. */
static int reader_parked(pid_t pid)
{
	char path[64], text[128];
	int fd, ok = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/wchan", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n > 0) {
		text[n] = '\0';
		ok = strstr(text, "request_wait_answer") != NULL;
	}
	return ok;
}

/* The reader: parks in read(2), then reports when it came back. */
static void reader(int ready_w, int done_w)
{
	for (;;) {
		int fd = open(path_next, O_RDONLY);
		double t;

		if (fd < 0)
			_exit(1);
		if (write(ready_w, "r", 1) != 1)
			_exit(1);
		if (read(fd, rbuf, sizeof(rbuf)) < 0)
			_exit(1);
		t = now_ns();
		close(fd);
		if (write(done_w, &t, sizeof(t)) != sizeof(t))
			_exit(0);
	}
}

static void bench_wake(mqd_t tx, mqd_t rx, int external)
{
	int ready[2], done[2];
	double lat[WAKE_SAMPLES];
	char msg[MSG_LEN] = "wake";
	pid_t child;
	struct sigevent none = { .sigev_notify = SIGEV_NONE };

	drain(rx);
	if (external && mq_notify(rx, &none))
		die("mq_notify");
	if (pipe(ready) || pipe(done))
		die("pipe");
	child = fork();
	if (child == 0)
		reader(ready[1], done[1]);
	for (int i = 0; i < WAKE_SAMPLES; i++) {
		double t0, t1;
		char c;

		if (read(ready[0], &c, 1) != 1)
			die("reader died");
		/* wait until the read is parked in the server */
		if (external) {
			while (!reader_parked(child))
				;
			usleep(200);
		} else {
			while (notify_pid(rx) != server_pid)
				;
		}
		t0 = now_ns();
		if (mq_send(tx, msg, 4, 1))
			die("mq_send");
		if (read(done[0], &t1, sizeof(t1)) != sizeof(t1))
			die("reader died");
		lat[i] = t1 - t0;
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(ready[0]);
	close(ready[1]);
	close(done[0]);
	close(done[1]);
	if (external)
		mq_notify(rx, NULL);
	drain(rx);
	printf("wake-up, mq_send -> parked read(2) returns, %s (%d samples):\n",
	       external ? "woken by epoll (another process holds mq_notify)" :
			  "woken by mq_notify",
	       WAKE_SAMPLES);
	printf("  p50 %8.1f us   p99 %8.1f us   (targets: p50 <= 100, p99 <= 1000)\n",
	       percentile(lat, WAKE_SAMPLES, 0.5) / 1e3,
	       percentile(lat, WAKE_SAMPLES, 0.99) / 1e3);
}

int main(int argc, char *argv[])
{
	struct mq_attr attr;
	mqd_t tx, rx;

	if (argc != 5 && !(argc == 6 && strcmp(argv[5], "wake") == 0)) {
		fprintf(stderr, "usage: mq_bench IPCFS_MNT NULLFS_MNT /QUEUE "
				"SERVER_PID [wake]\n");
		return 2;
	}
	mnt = argv[1];
	nullmnt = argv[2];
	qname = argv[3];
	server_pid = atol(argv[4]);
	snprintf(path_prio, sizeof(path_prio), "%s/mq/%s/5", mnt, qname + 1);
	snprintf(path_next, sizeof(path_next), "%s/mq/%s/next", mnt, qname + 1);
	snprintf(path_null, sizeof(path_null), "%s/null", nullmnt);
	tx = mq_open(qname, O_WRONLY);
	rx = mq_open(qname, O_RDONLY | O_NONBLOCK);
	if (tx == (mqd_t)-1 || rx == (mqd_t)-1 || mq_getattr(rx, &attr))
		die("mq_open");
	maxmsg = attr.mq_maxmsg;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5) {
		bench_send(tx, rx);
		bench_round_trip(tx, rx);
	}
	bench_wake(tx, rx, 0);
	bench_wake(tx, rx, 1);
	return 0;
}
