/*
 * ackwriter DIR FIRST COUNT LOG: sends messages "%08u\n" of FIRST ..
 * FIRST+COUNT-1 by writing each to a priority file DIR/P (P cycling
 * 0..3), one open+write+close per message, and appends the id to LOG only
 * once all three succeeded: LOG is what the tree acknowledged.  A write
 * interrupted (EINTR) is sent again; any other failure (the server gone)
 * stops it, printing the errno name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	unsigned long first, count;
	int log;

	if (argc != 5) {
		fprintf(stderr, "usage: ackwriter DIR FIRST COUNT LOG\n");
		return 2;
	}
	first = strtoul(argv[2], NULL, 10);
	count = strtoul(argv[3], NULL, 10);
	log = open(argv[4], O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (log < 0) {
		perror(argv[4]);
		return 1;
	}
	for (unsigned long i = first; i < first + count; i++) {
		char path[4096], msg[16];
		int len = snprintf(msg, sizeof(msg), "%08lu\n", i);
		int fd;

		snprintf(path, sizeof(path), "%s/%lu", argv[1], i % 4);
		fd = open(path, O_WRONLY);
		if (fd < 0) {
			printf("stopped at %lu: %s\n", i,
			       strerrorname_np(errno));
			return 0;
		}
		/*
		 * EINTR (a stop signal, say) means nothing was sent: send it
		 * again.  Were it sent anyway, the count would show a twin.
		 */
		while (write(fd, msg, (size_t)len) != len) {
			if (errno != EINTR) {
				printf("stopped at %lu: %s\n", i,
				       strerrorname_np(errno));
				return 0;
			}
		}
		if (close(fd)) {
			printf("stopped at %lu: %s\n", i,
			       strerrorname_np(errno));
			return 0;
		}
		if (write(log, msg, (size_t)len) != len) {
			perror(argv[4]);
			return 1;
		}
	}
	printf("done\n");
	return 0;
}
