/* mq_unl NAME: mq_unlink, like the lecture's unl_mq. */
#include <mqueue.h>
#include <stdio.h>

int main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: mq_unl NAME\n");
		return 2;
	}
	if (mq_unlink(argv[1])) {
		perror("mq_unlink");
		return 1;
	}
	return 0;
}
