/*
 * Shared helpers of the libFuzzer targets in tests/fuzz: copying the
 * input into a buffer of exactly its size, so that AddressSanitizer sees
 * any read past its end, and CHECK(), which turns a broken invariant of a
 * header's contract into an abort() that libFuzzer reports as a finding.
 */
#ifndef IPCFS_FUZZ_H
#define IPCFS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * A broken contract is a finding like a crash: print which one, then
 * abort() so libFuzzer saves the input.
 */
#define CHECK(cond)                                                      \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", \
				__FILE__, __LINE__, #cond);              \
			abort();                                         \
		}                                                        \
	} while (0)

/*
 * The input as a byte buffer of exactly @size bytes, not terminated:
 * for the parsers that take a length.  malloc(0) may return NULL, so
 * one byte is always asked for; it is never part of the input.
 */
static inline char *fuzz_bytes(const uint8_t *data, size_t size)
{
	char *p = malloc(size ? size : 1);

	if (!p)
		abort();
	if (size)
		memcpy(p, data, size);
	return p;
}

/*
 * The input as a C string of exactly @size + 1 bytes.  An embedded NUL
 * simply ends the string early, as it would in a path or a file read.
 */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *p = malloc(size + 1);

	if (!p)
		abort();
	if (size)
		memcpy(p, data, size);
	p[size] = '\0';
	return p;
}

/* Takes @n bytes of the input as a number (little end first), or 0s. */
static inline uint64_t fuzz_take(const uint8_t **data, size_t *size, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n && *size; i++, (*data)++, (*size)--)
		v |= (uint64_t) * *data << (8 * i);
	return v;
}

#endif
