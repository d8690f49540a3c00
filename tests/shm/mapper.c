/*
 * mapper OBJ [shared|private] [rw|ro] [LEN]: keeps a live mapping of OBJ (see
 * shmobj.h) and obeys one command per stdin line, answering one line
 * each, so a test can interleave two live mappings (one through the
 * tree, one of the object itself) step by step:
 *
 *   r OFF LEN      print LEN bytes at OFF ("SIGBUS" past the object's end)
 *   x OFF LEN      the same in hex
 *   w OFF TEXT     store TEXT at OFF            -> ok
 *   sync           msync(MS_SYNC) the mapping   -> ok
 *   remap          unmap, fstat, map the new size -> ok SIZE
 *   size           fstat size                   -> SIZE
 *   q              exit
 *
 * The mapping covers the object's size, or LEN bytes when given (pages
 * past the object's end raise SIGBUS until it grows).  Starts by printing
 * "ready SIZE" or "STEP: ENAME" (and exiting 1).
 */
#define _GNU_SOURCE
#include "shmobj.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static sigjmp_buf bus_jmp;
static char *map;
static size_t map_size;
static size_t fixed_len;
static int fd, share = MAP_SHARED, prot = PROT_READ | PROT_WRITE;

static void on_bus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

static int fail(const char *step)
{
	const char *name = strerrorname_np(errno);

	printf("%s: %s\n", step, name ? name : "?");
	fflush(stdout);
	return 1;
}

static int do_map(void)
{
	struct stat st;

	if (map && map_size)
		munmap(map, map_size);
	map = NULL;
	if (fstat(fd, &st))
		return fail("fstat");
	map_size = fixed_len ? fixed_len : (size_t)st.st_size;
	if (!map_size)
		return 0;
	map = mmap(NULL, map_size, prot, share, fd, 0);
	if (map == MAP_FAILED) {
		map = NULL;
		return fail("mmap");
	}
	return 0;
}

static void command(char *line)
{
	char text[4096], kind;
	long off, len;
	struct stat st;

	if (sigsetjmp(bus_jmp, 1)) {
		printf("SIGBUS\n");
		return;
	}
	if (sscanf(line, "%c %ld %ld", &kind, &off, &len) == 3 &&
	    (kind == 'r' || kind == 'x') && len < 2048 && off >= 0 &&
	    (size_t)(off + len) <= map_size) {
		for (long i = 0; i < len; i++)
			text[i] = map[off + i]; /* may fault: SIGBUS above */
		for (long i = 0; kind == 'x' && i < len; i++)
			printf("%02x", (unsigned char)text[i]);
		printf("%.*s\n", kind == 'r' ? (int)len : 0, text);
	} else if (sscanf(line, "w %ld %4095s", &off, text) == 2 && off >= 0 &&
		   (size_t)off + strlen(text) <= map_size) {
		memcpy(map + off, text, strlen(text));
		printf("ok\n");
	} else if (strcmp(line, "sync") == 0) {
		if (msync(map, map_size, MS_SYNC))
			fail("msync");
		else
			printf("ok\n");
	} else if (strcmp(line, "remap") == 0) {
		if (!do_map())
			printf("ok %zu\n", map_size);
	} else if (strcmp(line, "size") == 0) {
		if (!fstat(fd, &st))
			printf("%lld\n", (long long)st.st_size);
		else
			fail("fstat");
	} else {
		printf("bad command\n");
	}
}

int main(int argc, char *argv[])
{
	char line[8192];

	if (argc < 2) {
		fprintf(stderr, "usage: mapper OBJ [shared|private] [rw|ro]\n");
		return 2;
	}
	if (argc > 2 && strcmp(argv[2], "private") == 0)
		share = MAP_PRIVATE;
	if (argc > 3 && strcmp(argv[3], "ro") == 0)
		prot = PROT_READ;
	if (argc > 4)
		fixed_len = strtoul(argv[4], NULL, 10);
	signal(SIGBUS, on_bus);
	fd = obj_open(argv[1], prot & PROT_WRITE ? O_RDWR : O_RDONLY, 0);
	if (fd < 0)
		return fail("open");
	if (do_map())
		return 1;
	printf("ready %zu\n", map_size);
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "q") == 0)
			break;
		command(line);
		fflush(stdout);
	}
	return 0;
}
