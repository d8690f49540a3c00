/*
 * shmop: one precise operation on a shm object or file, reporting the
 * errno by name so tests can assert "EEXIST" rather than a translated
 * message.  OBJ is "/name" (shm_open) or a path (see shmobj.h).
 *
 *   shmop open OBJ MODE          r w rw c (creat) cx (creat|excl) t (trunc)
 *   shmop pwrite OBJ OFF TEXT    open O_WRONLY, one pwrite(2)
 *   shmop pread OBJ OFF LEN      open O_RDONLY, one pread(2), print bytes
 *   shmop writen OBJ SIZE        open O_WRONLY, write(2) SIZE bytes of 'A'
 *   shmop truncate PATH SIZE     truncate(2), SIZE may be negative
 *   shmop ftruncate OBJ SIZE     open O_RDWR, ftruncate(2)
 *   shmop mmap OBJ r|w           open, mmap(MAP_SHARED) the whole size
 *   shmop chmod PATH MODE        chmod(2), MODE in octal
 *   shmop unlink OBJ             unlink(2) or shm_unlink(3)
 *   shmop mkdir PATH             mkdir(2)
 *   shmop rename A B [noreplace|exchange]
 *
 * Prints "ok" (plus a result) or "STEP: ENAME" and exits 1.
 */
#define _GNU_SOURCE
#include "shmobj.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char *step)
{
	const char *name = strerrorname_np(errno);

	printf("%s: %s\n", step, name ? name : "?");
	return 1;
}

static int open_mode(const char *obj, const char *m)
{
	static const struct {
		const char *name;
		int flags;
	} modes[] = {
		{ "r", O_RDONLY },
		{ "w", O_WRONLY },
		{ "rw", O_RDWR },
		{ "c", O_RDWR | O_CREAT },
		{ "cx", O_RDWR | O_CREAT | O_EXCL },
		{ "t", O_WRONLY | O_TRUNC },
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(m, modes[i].name) == 0)
			return obj_open(obj, modes[i].flags, 0644);
	errno = EINVAL;
	return -1;
}

static int do_mmap(const char *obj, bool writable)
{
	int fd = obj_open(obj, writable ? O_RDWR : O_RDONLY, 0);
	struct stat st;
	void *map;

	if (fd < 0)
		return fail("open");
	if (fstat(fd, &st))
		return fail("fstat");
	map = mmap(NULL, st.st_size ? (size_t)st.st_size : 1,
		   PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return fail("mmap");
	printf("ok\n");
	return 0;
}

static int do_io(int argc, char *argv[])
{
	const char *op = argv[1], *obj = argv[2];
	long long off = argc > 3 ? strtoll(argv[3], NULL, 10) : 0;
	static char buf[1 << 16];
	ssize_t n;
	int fd;

	if (strcmp(op, "pread") == 0 && argc == 5) {
		size_t len = strtoul(argv[4], NULL, 10);

		fd = obj_open(obj, O_RDONLY, 0);
		if (fd < 0)
			return fail("open");
		n = pread(fd, buf, len < sizeof(buf) ? len : sizeof(buf), off);
		if (n < 0)
			return fail("pread");
		fwrite(buf, 1, (size_t)n, stdout);
		return 0;
	}
	fd = obj_open(obj, strcmp(op, "ftruncate") == 0 ? O_RDWR : O_WRONLY, 0);
	if (fd < 0)
		return fail("open");
	if (strcmp(op, "pwrite") == 0 && argc == 5) {
		n = pwrite(fd, argv[4], strlen(argv[4]), off);
	} else if (strcmp(op, "writen") == 0 && argc == 4) {
		char *big = malloc((size_t)off);

		memset(big, 'A', (size_t)off);
		n = write(fd, big, (size_t)off);
	} else if (strcmp(op, "ftruncate") == 0 && argc == 4) {
		n = ftruncate(fd, off);
	} else {
		fprintf(stderr, "usage: see shmop.c\n");
		return 2;
	}
	if (n < 0)
		return fail(op);
	if (close(fd))
		return fail("close");
	printf("ok %lld\n", (long long)n);
	return 0;
}

int main(int argc, char *argv[])
{
	const char *op = argc > 1 ? argv[1] : "";
	int r;

	if (argc < 3) {
		fprintf(stderr, "usage: see shmop.c\n");
		return 2;
	}
	if (strcmp(op, "open") == 0 && argc == 4) {
		r = open_mode(argv[2], argv[3]);
		if (r < 0)
			return fail("open");
		close(r);
		r = 0;
	} else if (strcmp(op, "mmap") == 0 && argc == 4) {
		return do_mmap(argv[2], argv[3][0] == 'w');
	} else if (strcmp(op, "truncate") == 0 && argc == 4) {
		r = truncate(argv[2], strtoll(argv[3], NULL, 10));
	} else if (strcmp(op, "chmod") == 0 && argc == 4) {
		r = chmod(argv[2], (mode_t)strtoul(argv[3], NULL, 8));
	} else if (strcmp(op, "unlink") == 0) {
		r = obj_unlink(argv[2]);
	} else if (strcmp(op, "mkdir") == 0) {
		r = mkdir(argv[2], 0755);
	} else if (strcmp(op, "rename") == 0 && argc >= 4) {
		unsigned int flags = argc < 5 ? 0 :
				     strcmp(argv[4], "noreplace") == 0 ?
						RENAME_NOREPLACE :
						RENAME_EXCHANGE;

		r = renameat2(AT_FDCWD, argv[2], AT_FDCWD, argv[3], flags);
	} else {
		return do_io(argc, argv);
	}
	if (r)
		return fail(op);
	printf("ok\n");
	return 0;
}
