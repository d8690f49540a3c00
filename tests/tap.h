/*
 * A tiny TAP producer for the C tests: ok(), is_int(), is_str(), then
 * done_testing() prints the plan and gives the exit code.
 */
#ifndef IPCFS_TAP_H
#define IPCFS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

__attribute__((format(printf, 2, 3))) static inline int ok(int cond,
							   const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

#define is_int(got, want, ...)                                       \
	do {                                                         \
		long long g_ = (got), w_ = (want);                   \
		if (!ok(g_ == w_, __VA_ARGS__))                      \
			printf("#   got %lld, want %lld\n", g_, w_); \
	} while (0)

#define is_str(got, want, ...)                                   \
	do {                                                     \
		const char *g_ = (got), *w_ = (want);            \
		if (!ok(g_ && strcmp(g_, w_) == 0, __VA_ARGS__)) \
			printf("#   got '%s', want '%s'\n",      \
			       g_ ? g_ : "(null)", w_);          \
	} while (0)

static inline int done_testing(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
