/*
 * sigval COUNT SIGNUM...: blocks the given signal numbers, prints
 * "ready PID", then takes COUNT signals with sigwaitinfo() and prints
 * "sig=N code=C value=V" for each: what a sigqueue receiver sees.
 * With COUNT 0 it keeps them blocked and pending and waits forever.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	sigset_t set;
	int count;

	if (argc < 3) {
		fprintf(stderr, "usage: sigval COUNT SIGNUM...\n");
		return 2;
	}
	count = atoi(argv[1]);
	sigemptyset(&set);
	for (int i = 2; i < argc; i++)
		sigaddset(&set, atoi(argv[i]));
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	if (count == 0) {
		/* hold the signals blocked, so they stay pending */
		for (;;)
			pause();
	}
	for (int i = 0; i < count; i++) {
		siginfo_t si;

		if (sigwaitinfo(&set, &si) < 0) {
			perror("sigwaitinfo");
			return 1;
		}
		printf("sig=%d code=%s value=%d\n", si.si_signo,
		       si.si_code == SI_QUEUE ? "SI_QUEUE" :
		       si.si_code == SI_USER  ? "SI_USER" :
						"other",
		       si.si_code == SI_QUEUE ? si.si_value.sival_int : 0);
		fflush(stdout);
	}
	return 0;
}
