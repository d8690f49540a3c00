/*
 * settimes_of() of settimes.h: the FUSE_SET_ATTR_* time bits to a
 * futimens() argument, once for mq/ and shm/.  Any thread.
 */
#define _GNU_SOURCE
#include "settimes.h"

#define FUSE_USE_VERSION 34
#include <fuse_lowlevel.h>

static struct timespec time_of(int to_set, int set_bit, int now_bit,
			       const struct timespec *t)
{
	struct timespec ts = { .tv_nsec = UTIME_OMIT };

	if (to_set & now_bit)
		ts.tv_nsec = UTIME_NOW;
	else if (to_set & set_bit)
		ts = *t;
	return ts;
}

bool settimes_of(int to_set, const struct stat *attr, struct timespec ts[2])
{
	ts[0] = time_of(to_set, FUSE_SET_ATTR_ATIME, FUSE_SET_ATTR_ATIME_NOW,
			&attr->st_atim);
	ts[1] = time_of(to_set, FUSE_SET_ATTR_MTIME, FUSE_SET_ATTR_MTIME_NOW,
			&attr->st_mtim);
	return ts[0].tv_nsec != UTIME_OMIT || ts[1].tv_nsec != UTIME_OMIT;
}
