/*
 * catch SIGNAL...: installs a handler for each named signal (default INT
 * and SEGV, like the lecture's catch), prints "ready PID", then waits
 * forever.  The handler prints "Caught: <strsignal>" with write(2), the
 * only output that is safe from a handler.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static char caught_line[65][96];

static void handler(int sig)
{
	ssize_t r = write(STDOUT_FILENO, caught_line[sig],
			  strlen(caught_line[sig]));
	(void)r;
}

static int parse(const char *s)
{
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (int sig = 1; sig < 32; sig++)
		if (sigabbrev_np(sig) && strcasecmp(s, sigabbrev_np(sig)) == 0)
			return sig;
	return atoi(s);
}

int main(int argc, char *argv[])
{
	const char *defaults[] = { "INT", "SEGV" };
	const char **names = argc > 1 ? (const char **)argv + 1 : defaults;
	int n = argc > 1 ? argc - 1 : 2;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	for (int i = 0; i < n; i++) {
		int sig = parse(names[i]);

		if (sig <= 0 || sig > 64) {
			fprintf(stderr, "No such signal: %s\n", names[i]);
			return 1;
		}
		snprintf(caught_line[sig], sizeof(caught_line[sig]),
			 "Caught: %s\n", strsignal(sig));
		if (sigaction(sig, &sa, NULL)) {
			perror("sigaction");
			return 1;
		}
	}
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
