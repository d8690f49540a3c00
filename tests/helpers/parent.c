/*
 * parent [CODE]: a parent that reaps only when told, so tests can hold a
 * child as a zombie and choose the moment it is reaped.  Forks a child
 * that waits for a signal (or, with CODE, exits with CODE at once), prints
 * "ready CHILDPID", then for each line on stdin reaps the child and
 * prints "reaped STATUS".  Exits at end of input.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	char line[64];
	pid_t child = fork();

	if (child < 0) {
		perror("fork");
		return 1;
	}
	if (child == 0) {
		if (argc > 1)
			_exit(atoi(argv[1]));
		for (;;)
			pause();
	}
	printf("ready %d\n", (int)child);
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		int st;

		if (waitpid(child, &st, 0) < 0) {
			perror("waitpid");
			return 1;
		}
		printf("reaped %d\n", st);
		fflush(stdout);
	}
	return 0;
}
