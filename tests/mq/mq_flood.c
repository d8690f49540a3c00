/*
 * mq_flood mq NAME FIRST COUNT    mq_send of COUNT messages
 * mq_flood file PATH FIRST COUNT  one write(2) each to a priority file
 *
 * Message i (FIRST <= i < FIRST+COUNT) is "%08u\n" of i, so every message
 * is unique and a sorted list of all received shows loss and duplicates.
 * Priorities cycle 0..3 with mq; a file has its own.  Blocks when full.
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
	unsigned long first, count;
	int use_mq, fd = -1;
	mqd_t mqd = (mqd_t)-1;

	if (argc != 5) {
		fprintf(stderr, "usage: mq_flood mq|file TARGET FIRST COUNT\n");
		return 2;
	}
	use_mq = strcmp(argv[1], "mq") == 0;
	first = strtoul(argv[3], NULL, 10);
	count = strtoul(argv[4], NULL, 10);
	if (use_mq)
		mqd = mq_open(argv[2], O_WRONLY);
	else
		fd = open(argv[2], O_WRONLY);
	if (use_mq ? mqd == (mqd_t)-1 : fd < 0) {
		perror(argv[2]);
		return 1;
	}
	for (unsigned long i = first; i < first + count; i++) {
		char msg[16];
		int len = snprintf(msg, sizeof(msg), "%08lu\n", i);
		int r;

		do {
			r = use_mq ? mq_send(mqd, msg, (size_t)len,
					     (unsigned int)(i % 4)) :
				     (int)write(fd, msg, (size_t)len);
		} while (r < 0 && errno == EINTR);
		if (r < 0) {
			fprintf(stderr, "mq_flood: message %lu: %s\n", i,
				strerror(errno));
			return 1;
		}
	}
	return 0;
}
