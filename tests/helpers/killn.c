/* killn PID SIG: the lecture's killn, kill(2) with perror on failure. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char *argv[])
{
	if (argc != 3) {
		fprintf(stderr, "usage: killn PID SIG\n");
		return 2;
	}
	if (kill(atoi(argv[1]), atoi(argv[2]))) {
		perror("Failed to kill");
		return 1;
	}
	return 0;
}
