/*
 * The other program that wants a queue's mq_notify registration.
 *
 *   mq_hold NAME SECONDS   registers (SIGEV_SIGNAL, SIGUSR1) and prints
 *                          "registered" (or "mq_notify: EBUSY", exit 1),
 *                          then waits for the notification: prints
 *                          "fired" (exit 0) or "timeout" (exit 3).
 *   mq_hold -s NAME        prints "notify_pid=N": who holds it now
 *                          (0: nobody), from the queue's status text.
 *
 * Its descriptor stays open while it waits: closing one would drop the
 * registration.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int status(const char *name)
{
	mqd_t mqd = mq_open(name, O_RDONLY | O_NONBLOCK);
	char text[200];
	const char *p;
	ssize_t n;

	if (mqd == (mqd_t)-1) {
		perror("mq_open");
		return 1;
	}
	n = pread(mqd, text, sizeof(text) - 1, 0);
	text[n > 0 ? n : 0] = '\0';
	p = strstr(text, "NOTIFY_PID:");
	printf("notify_pid=%ld\n", p ? atol(p + 11) : -1L);
	return 0;
}

int main(int argc, char *argv[])
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL,
				.sigev_signo = SIGUSR1 };
	struct timespec ts = { 0 };
	sigset_t set;
	mqd_t mqd;

	if (argc == 3 && strcmp(argv[1], "-s") == 0)
		return status(argv[2]);
	if (argc != 3) {
		fprintf(stderr, "usage: mq_hold NAME SECONDS | -s NAME\n");
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	mqd = mq_open(argv[1], O_RDONLY | O_NONBLOCK);
	if (mqd == (mqd_t)-1) {
		perror("mq_open");
		return 1;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	if (mq_notify(mqd, &sev)) {
		printf("mq_notify: %s\n", strerrorname_np(errno));
		return 1;
	}
	printf("registered\n");
	ts.tv_sec = atoi(argv[2]);
	if (sigtimedwait(&set, NULL, &ts) == SIGUSR1) {
		printf("fired\n");
		return 0;
	}
	printf("timeout\n");
	return 3;
}
