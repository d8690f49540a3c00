/*
 * mq_crt NAME [MAXMSG MSGSIZE [MODE]]: creates queue NAME ("/q") with
 * mq_open(O_CREAT|O_EXCL), like the lecture's crt_mq (10 x 2048, 0600 by
 * default), so tests can make queues behind the tree's back.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char *argv[])
{
	struct mq_attr attr = { .mq_maxmsg = 10, .mq_msgsize = 2048 };
	mode_t mode = 0600;
	mqd_t mqd;

	if (argc != 2 && argc != 4 && argc != 5) {
		fprintf(stderr, "usage: mq_crt NAME [MAXMSG MSGSIZE [MODE]]\n");
		return 2;
	}
	if (argc >= 4) {
		attr.mq_maxmsg = atol(argv[2]);
		attr.mq_msgsize = atol(argv[3]);
	}
	if (argc == 5)
		mode = (mode_t)strtol(argv[4], NULL, 8);
	mqd = mq_open(argv[1], O_RDWR | O_CREAT | O_EXCL, mode, &attr);
	if (mqd == (mqd_t)-1) {
		perror("mq_open");
		return 1;
	}
	mq_close(mqd);
	return 0;
}
