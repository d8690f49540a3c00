/*
 * procs N: makes N idle processes for the listing benchmarks, prints
 * "ready" once all exist, and keeps them until it gets SIGTERM (or its
 * parent dies: each child dies with it, PR_SET_PDEATHSIG), then ends
 * them all.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
	pid_t parent = getpid(), *kids;
	sigset_t mask, old;
	long i;

	if (n < 0 || n > 1000000) {
		fprintf(stderr, "usage: procs N\n");
		return 2;
	}
	kids = calloc((size_t)n + 1, sizeof(*kids));
	if (!kids)
		return 1;
	signal(SIGTERM, on_term);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, &old);
	for (i = 0; i < n; i++) {
		pid_t c = fork();

		if (c < 0) {
			perror("procs: fork");
			break;
		}
		if (c == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			sigprocmask(SIG_SETMASK, &old, NULL);
			if (getppid() != parent)
				_exit(0);
			for (;;)
				pause();
		}
		kids[i] = c;
	}
	if (i == n) {
		printf("ready\n");
		fflush(stdout);
		while (!stop)
			sigsuspend(&old);
	}
	while (i-- > 0)
		kill(kids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	return stop ? 0 : 1;
}
