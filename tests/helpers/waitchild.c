/*
 * waitchild: the lecture's child monitor.  Forks a child that waits
 * forever, prints "Forking a child: PID", waits for it and reports its
 * fate with psignal() and the raw status.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int stat;
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		for (;;)
			pause();
	}
	printf("Forking a child: %d\n", (int)pid);
	fflush(stdout);
	if (wait(&stat) < 0) {
		perror("wait");
		return 1;
	}
	printf("And finally...\n");
	fflush(stdout);
	if (WIFSIGNALED(stat))
		psignal(WTERMSIG(stat), "Terminated:");
	printf("Exit status: %d\n", stat);
	return 0;
}
