/*
 * mq_snd NAME PRIO TEXT     one mq_send of TEXT (no NUL), like snd_mq
 * mq_snd NAME PRIO -f FILE  one mq_send of FILE's bytes (binary safe)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char file_buf[1 << 20];

int main(int argc, char *argv[])
{
	const char *msg;
	size_t len;
	mqd_t mqd;

	if (argc == 5 && strcmp(argv[3], "-f") == 0) {
		FILE *f = fopen(argv[4], "rb");

		if (!f) {
			perror(argv[4]);
			return 1;
		}
		len = fread(file_buf, 1, sizeof(file_buf), f);
		fclose(f);
		msg = file_buf;
	} else if (argc == 4) {
		msg = argv[3];
		len = strlen(msg);
	} else {
		fprintf(stderr, "usage: mq_snd NAME PRIO TEXT | -f FILE\n");
		return 2;
	}
	mqd = mq_open(argv[1], O_WRONLY);
	if (mqd == (mqd_t)-1) {
		perror("mq_open");
		return 1;
	}
	if (mq_send(mqd, msg, len, (unsigned int)atoi(argv[2]))) {
		perror("mq_send");
		return 1;
	}
	return 0;
}
