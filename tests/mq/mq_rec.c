/*
 * mq_rec [-n] [-d] [-a] NAME: mq_receive like the lecture's rec_mq,
 * printing "Read N bytes; priority = P".
 *   -n  O_NONBLOCK (an empty queue: "mq_receive: EAGAIN", exit 1)
 *   -d  write the message's bytes to stdout instead of the line
 *   -a  receive until the queue is empty (implies -n)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	int opt, flags = O_RDONLY, dump = 0, all = 0;
	struct mq_attr attr;
	unsigned int prio;
	char *buf;
	mqd_t mqd;
	ssize_t n;

	while ((opt = getopt(argc, argv, "nda")) != -1) {
		if (opt == 'n')
			flags |= O_NONBLOCK;
		else if (opt == 'd')
			dump = 1;
		else if (opt == 'a')
			all = 1, flags |= O_NONBLOCK;
		else
			return 2;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: mq_rec [-n] [-d] [-a] NAME\n");
		return 2;
	}
	mqd = mq_open(argv[optind], flags);
	if (mqd == (mqd_t)-1) {
		perror("mq_open");
		return 1;
	}
	mq_getattr(mqd, &attr);
	buf = malloc((size_t)attr.mq_msgsize);
	do {
		n = mq_receive(mqd, buf, (size_t)attr.mq_msgsize, &prio);
		if (n < 0) {
			if (all && errno == EAGAIN)
				break;
			printf("mq_receive: %s\n", strerrorname_np(errno));
			return 1;
		}
		if (dump)
			fwrite(buf, 1, (size_t)n, stdout);
		else
			printf("Read %ld bytes; priority = %u\n", (long)n,
			       prio);
	} while (all);
	free(buf);
	return 0;
}
