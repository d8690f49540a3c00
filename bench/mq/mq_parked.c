/*
 * mq_parked IPCFS_MNT PREFIX QUEUES READERS SERVER_PID: what parked
 * readers cost the server.  READERS threads of this one process each open
 * mq/PREFIX<i % QUEUES>/next and block in read(2) -- a thread with a 64 KiB
 * stack is far lighter than a `cat` process, and the server cannot tell
 * the difference: each is one open file and one parked FUSE request.
 * Once all are parked (seen in /proc: waiting for a FUSE answer), prints
 * the server's VmRSS and thread count before and after; then sends one
 * message per reader with mq_send and checks that every reader got one.
 * The queues /PREFIX0 .. /PREFIX<QUEUES-1> must exist.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static const char *mnt, *prefix;
static int queues, readers;
static long server_pid;
static int got;
static pthread_mutex_t got_lock = PTHREAD_MUTEX_INITIALIZER;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *reader(void *arg)
{
	long i = (long)arg;
	char path[4096], buf[256];
	int fd;

	snprintf(path, sizeof(path), "%s/mq/%s%ld/next", mnt, prefix,
		 i % queues);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		perror(path);
		exit(1);
	}
	if (read(fd, buf, sizeof(buf)) > 0) {
		pthread_mutex_lock(&got_lock);
		got++;
		pthread_mutex_unlock(&got_lock);
	}
	close(fd);
	return NULL;
}

/* Threads of this process waiting for a FUSE answer. */
static int parked_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d))) {
		char path[300], text[64];
		ssize_t len;
		int fd;

		snprintf(path, sizeof(path), "/proc/self/task/%s/wchan",
			 de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		len = read(fd, text, sizeof(text) - 1);
		close(fd);
		if (len > 0) {
			text[len] = '\0';
			n += strstr(text, "request_wait_answer") != NULL;
		}
	}
	if (d)
		closedir(d);
	return n;
}

static void server_status(const char *when)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", server_pid);
	f = fopen(path, "r");
	if (!f)
		return;
	printf("  server %s:", when);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "VmRSS:", 6) == 0 ||
		    strncmp(line, "Threads:", 8) == 0) {
			line[strcspn(line, "\n")] = '\0';
			printf("  %s", line);
		}
	}
	printf("\n");
	fclose(f);
}

static void send_all(void)
{
	for (int q = 0; q < queues; q++) {
		char name[300];
		mqd_t mqd;

		snprintf(name, sizeof(name), "/%s%d", prefix, q);
		mqd = mq_open(name, O_WRONLY);
		if (mqd == (mqd_t)-1) {
			perror(name);
			exit(1);
		}
		for (int i = q; i < readers; i += queues)
			if (mq_send(mqd, "x", 1, 0))
				perror("mq_send");
		mq_close(mqd);
	}
}

int main(int argc, char *argv[])
{
	struct rlimit rl;
	pthread_attr_t attr;
	pthread_t *threads;
	double t0;
	int n = 0;

	if (argc != 6) {
		fprintf(stderr, "usage: mq_parked MNT PREFIX QUEUES READERS "
				"SERVER_PID\n");
		return 2;
	}
	mnt = argv[1];
	prefix = argv[2];
	queues = atoi(argv[3]);
	readers = atoi(argv[4]);
	server_pid = atol(argv[5]);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	threads = calloc((size_t)readers, sizeof(*threads));
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	printf("%d parked readers on %d queues (threads of one process):\n",
	       readers, queues);
	server_status("before");
	t0 = now_s();
	for (long i = 0; i < readers; i++)
		if (pthread_create(&threads[i], &attr, reader, (void *)i)) {
			fprintf(stderr, "mq_parked: thread %ld: %s\n", i,
				strerror(errno));
			return 1;
		}
	while ((n = parked_threads()) < readers && now_s() - t0 < 120)
		usleep(100000);
	printf("  %d parked after %.1f s\n", n, now_s() - t0);
	sleep(1); /* let the server settle */
	server_status("with them parked");
	t0 = now_s();
	send_all();
	for (int i = 0; i < readers; i++)
		pthread_join(threads[i], NULL);
	printf("  %d messages sent, %d readers served in %.2f s\n", readers,
	       got, now_s() - t0);
	server_status("after");
	return got == readers ? 0 : 1;
}
