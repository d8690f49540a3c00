/*
 * mq_names: the steps of bench/mq/mq_names.sh, which measures the
 * server's CPU time while another program makes and removes many queues
 * directly (mq_open/mq_unlink, not through the tree): every one is an
 * inotify event the server handles by name.
 *   mq_names make PREFIX N       makes /PREFIX0 .. /PREFIX<N-1> (maxmsg 1,
 *                                msgsize 1: RLIMIT_MSGQUEUE is per user)
 *   mq_names stat MNT PREFIX N   stats MNT/mq/PREFIX<i> through the tree,
 *                                so the server holds an object for each
 *                                (what `ls -l mq/` leaves behind)
 *   mq_names unlink PREFIX N     unlinks them (no error if missing)
 *   mq_names cpu PID             waits until server PID is idle (asleep,
 *                                no CPU time used for 0.3 s; at most 30 s)
 *                                and prints its utime+stime in ms
 * A single-threaded program with no state: each step is one run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int make(const char *prefix, int n)
{
	struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 1 };
	char name[256];

	for (int i = 0; i < n; i++) {
		mqd_t mqd;

		snprintf(name, sizeof(name), "/%s%d", prefix, i);
		mqd = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
		if (mqd == (mqd_t)-1) {
			fprintf(stderr, "mq_open %s (queue %d of %d): %s\n",
				name, i, n, strerror(errno));
			return 1;
		}
		mq_close(mqd);
	}
	return 0;
}

static int stat_all(const char *mnt, const char *prefix, int n)
{
	char path[4096];
	struct stat st;

	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/mq/%s%d", mnt, prefix, i);
		if (stat(path, &st)) {
			fprintf(stderr, "stat %s: %s\n", path, strerror(errno));
			return 1;
		}
	}
	return 0;
}

static int unlink_all(const char *prefix, int n)
{
	char name[256];
	int ret = 0;

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "/%s%d", prefix, i);
		if (mq_unlink(name) && errno != ENOENT) {
			fprintf(stderr, "mq_unlink %s: %s\n", name,
				strerror(errno));
			ret = 1;
		}
	}
	return ret;
}

/* The state letter and utime+stime (ticks) of @pid; -1 if gone. */
static long long cpu_ticks(pid_t pid, char *state)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	p = strrchr(buf, ')'); /* the command may hold spaces */
	if (!p || sscanf(p + 2,
			 "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%llu %llu",
			 state, &ut, &st) != 3)
		return -1;
	return (long long)(ut + st);
}

static int cpu(pid_t pid)
{
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	long long last = -1, now;
	int quiet = 0;
	char state;

	/* 6 samples 50 ms apart with the same time, asleep: idle */
	for (int i = 0; i < 600 && quiet < 6; i++) {
		now = cpu_ticks(pid, &state);
		if (now < 0) {
			fprintf(stderr, "no process %d\n", (int)pid);
			return 1;
		}
		quiet = now == last && state == 'S' ? quiet + 1 : 0;
		last = now;
		nanosleep(&pause, NULL);
	}
	printf("%lld\n", last * 1000 / sysconf(_SC_CLK_TCK));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "make") == 0)
		return make(argv[2], atoi(argv[3]));
	if (argc == 5 && strcmp(argv[1], "stat") == 0)
		return stat_all(argv[2], argv[3], atoi(argv[4]));
	if (argc == 4 && strcmp(argv[1], "unlink") == 0)
		return unlink_all(argv[2], atoi(argv[3]));
	if (argc == 3 && strcmp(argv[1], "cpu") == 0)
		return cpu((pid_t)atoi(argv[2]));
	fprintf(stderr, "usage: mq_names make|unlink PREFIX N | "
			"stat MNT PREFIX N | cpu PID\n");
	return 2;
}
