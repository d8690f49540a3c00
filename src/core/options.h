/*
 * The command line: ipcfs [-f] [-d] [-o OPTIONS] [SOURCE] MOUNTPOINT.
 * Our own -o options are taken out and checked here; the rest are left in
 * @args for libfuse, which rejects what it does not know.  No mount or
 * system call happens here, so the parser is unit-tested and fuzzed.
 */
#ifndef IPCFS_OPTIONS_H
#define IPCFS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

struct fuse_args;
struct ipcfs_opts;

enum opts_action {
	OPTS_MOUNT,
	OPTS_HELP,
	OPTS_VERSION,
};

/*
 * Parses and rewrites @args (argv[0] kept).  On error returns -EINVAL and
 * writes a one-line message into @err.  The mountpoint points into @args.
 */
int opts_parse(struct fuse_args *args, struct ipcfs_opts *o,
	       enum opts_action *action, char *err, size_t errsize);

/* Parses a positive decimal option value no larger than @max. */
int opts_parse_count(const char *s, long max, long *out);

#endif
