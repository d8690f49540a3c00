/*
 * mqdrain NAME: receives every message of the queue /NAME with
 * mq_receive(3) directly (not through the tree) until it is empty, and
 * prints each one as is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char *argv[])
{
	char name[512];
	struct mq_attr attr;
	mqd_t q;
	char *buf;

	if (argc != 2) {
		fprintf(stderr, "usage: mqdrain NAME\n");
		return 2;
	}
	snprintf(name, sizeof(name), "/%s", argv[1]);
	q = mq_open(name, O_RDONLY | O_NONBLOCK);
	if (q == (mqd_t)-1 || mq_getattr(q, &attr)) {
		perror(name);
		return 1;
	}
	buf = malloc((size_t)attr.mq_msgsize);
	for (;;) {
		ssize_t n = mq_receive(q, buf, (size_t)attr.mq_msgsize, NULL);

		if (n < 0) {
			if (errno == EAGAIN)
				break;
			perror("mq_receive");
			return 1;
		}
		fwrite(buf, 1, (size_t)n, stdout);
	}
	free(buf);
	mq_close(q);
	return 0;
}
