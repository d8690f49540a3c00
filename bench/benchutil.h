/*
 * Timing helpers shared by the benchmark programs: a monotonic clock in
 * microseconds and a comparison for qsort of doubles (medians).
 */
#ifndef IPCFS_BENCHUTIL_H
#define IPCFS_BENCHUTIL_H

#include <time.h>

static inline double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

#endif
