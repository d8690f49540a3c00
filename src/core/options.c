/*
 * Command-line parsing with libfuse's option parser (fuse_opt), which is
 * pure string handling.  allow_other always brings default_permissions:
 * on a shared mount the kernel must check the owners and modes we report.
 */
#define _GNU_SOURCE
#include "ipcfs.h"
#include "fs.h"
#include "options.h"
#include "decimal.h"

#include <errno.h>
#include <fuse_opt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	KEY_HELP,
	KEY_VERSION,
	KEY_FOREGROUND,
	KEY_DEBUG,
	KEY_ALLOW_OTHER,
	KEY_DEFAULT_PERMISSIONS,
	KEY_MQ_MAXMSG,
	KEY_MQ_MSGSIZE,
	KEY_MAX_READ,
	KEY_FSNAME,
	KEY_SUBTYPE,
	KEY_NOPASSTHROUGH,
	KEY_OVERMOUNT,
	KEY_MAX_USER_FDS,
	KEY_MAX_USER_BYTES,
};

struct parse_state {
	struct ipcfs_opts *o;
	enum opts_action action;
	int positional;
	char *positionals[2];
	bool default_permissions;
	bool fsname, subtype;
	char *err;
	size_t errsize;
};

static const struct fuse_opt ipcfs_opt_spec[] = {
	FUSE_OPT_KEY("-h", KEY_HELP),
	FUSE_OPT_KEY("--help", KEY_HELP),
	FUSE_OPT_KEY("-V", KEY_VERSION),
	FUSE_OPT_KEY("--version", KEY_VERSION),
	FUSE_OPT_KEY("-f", KEY_FOREGROUND),
	FUSE_OPT_KEY("-d", KEY_DEBUG),
	FUSE_OPT_KEY("debug", KEY_DEBUG),
	FUSE_OPT_KEY("allow_other", KEY_ALLOW_OTHER),
	FUSE_OPT_KEY("default_permissions", KEY_DEFAULT_PERMISSIONS),
	FUSE_OPT_KEY("mq_maxmsg=", KEY_MQ_MAXMSG),
	FUSE_OPT_KEY("mq_msgsize=", KEY_MQ_MSGSIZE),
	FUSE_OPT_KEY("max_read=", KEY_MAX_READ),
	FUSE_OPT_KEY("fsname=", KEY_FSNAME),
	FUSE_OPT_KEY("subtype=", KEY_SUBTYPE),
	FUSE_OPT_KEY("nopassthrough", KEY_NOPASSTHROUGH),
	FUSE_OPT_KEY("overmount", KEY_OVERMOUNT),
	FUSE_OPT_KEY("max_user_fds=", KEY_MAX_USER_FDS),
	FUSE_OPT_KEY("max_user_bytes=", KEY_MAX_USER_BYTES),
	FUSE_OPT_END,
};

int opts_parse_count(const char *s, long max, long *out)
{
	unsigned long long v;

	if (max < 1 ||
	    dec_parse(s, strlen(s), 0, 1, (unsigned long long)max, &v))
		return -EINVAL;
	*out = (long)v;
	return 0;
}

static int fail(struct parse_state *ps, const char *fmt, const char *arg)
{
	snprintf(ps->err, ps->errsize, fmt, arg);
	return -1;
}

static int opt_proc(void *data, const char *arg, int key,
		    struct fuse_args *outargs)
{
	struct parse_state *ps = data;
	const char *val = strchr(arg, '=');

	(void)outargs;
	switch (key) {
	case KEY_HELP:
		ps->action = OPTS_HELP;
		return 0;
	case KEY_VERSION:
		ps->action = OPTS_VERSION;
		return 0;
	case KEY_FOREGROUND:
		ps->o->foreground = true;
		return 0;
	case KEY_DEBUG:
		ps->o->debug = true;
		ps->o->foreground = true;
		return 1; /* libfuse prints the requests */
	case KEY_ALLOW_OTHER:
		ps->o->allow_other = true;
		return 1;
	case KEY_DEFAULT_PERMISSIONS:
		ps->default_permissions = true;
		return 1;
	case KEY_MQ_MAXMSG:
		if (opts_parse_count(val + 1, 1L << 20, &ps->o->mq_maxmsg))
			return fail(ps,
				    "bad value in -o %s (a count, 1 or more)",
				    arg);
		return 0;
	case KEY_MQ_MSGSIZE:
		if (opts_parse_count(val + 1, 1L << 24, &ps->o->mq_msgsize))
			return fail(
				ps,
				"bad value in -o %s (a size in bytes, 1 or more)",
				arg);
		return 0;
	case KEY_MAX_USER_FDS:
		if (opts_parse_count(val + 1, 1L << 30, &ps->o->max_user_fds))
			return fail(ps,
				    "bad value in -o %s (a count, 1 or more)",
				    arg);
		return 0;
	case KEY_MAX_USER_BYTES:
		if (opts_parse_count(val + 1, 1L << 40, &ps->o->max_user_bytes))
			return fail(
				ps,
				"bad value in -o %s (a size in bytes, 1 or more)",
				arg);
		return 0;
	case KEY_FSNAME:
		ps->fsname = true;
		return 1;
	case KEY_SUBTYPE:
		ps->subtype = true;
		return 1;
	case KEY_NOPASSTHROUGH:
		ps->o->nopassthrough = true;
		return 0;
	case KEY_OVERMOUNT:
		ps->o->overmount = true;
		return 0;
	case KEY_MAX_READ:
		return fail(ps, "-o %s: ipcfs sets max_read itself", arg);
	case FUSE_OPT_KEY_NONOPT:
		if (ps->positional == 2)
			return fail(ps, "unexpected argument '%s'", arg);
		/* @arg may live in args that fuse_opt_parse frees */
		ps->positionals[ps->positional] = strdup(arg);
		if (!ps->positionals[ps->positional])
			return fail(ps, "out of memory at '%s'", arg);
		ps->positional++;
		return 0;
	case FUSE_OPT_KEY_OPT:
		if (arg[0] == '-' && strcmp(arg, "-o") != 0)
			return fail(ps, "unknown option '%s'", arg);
		return 1; /* an -o option for libfuse to judge */
	default:
		return 1;
	}
}

int opts_parse(struct fuse_args *args, struct ipcfs_opts *o,
	       enum opts_action *action, char *err, size_t errsize)
{
	struct parse_state ps = {
		.o = o,
		.action = OPTS_MOUNT,
		.err = err,
		.errsize = errsize,
	};

	err[0] = '\0';
	o->mountpoint = NULL;
	if (fuse_opt_parse(args, &ps, ipcfs_opt_spec, opt_proc) == -1) {
		if (!err[0])
			snprintf(err, errsize, "cannot parse the options");
		goto out_einval;
	}
	*action = ps.action;
	if (ps.action != OPTS_MOUNT) {
		free(ps.positionals[0]);
		free(ps.positionals[1]);
		return 0;
	}
	/* mount(8) runs helpers as `ipcfs SOURCE MOUNTPOINT -o ...` */
	if (ps.positional == 0) {
		snprintf(err, errsize, "no mountpoint given");
		goto out_einval;
	}
	o->mountpoint = ps.positionals[ps.positional - 1];
	if (ps.positional == 2)
		free(ps.positionals[0]);
	/*
	 * fuse_opt_parse() keeps a final "--" when -o options came before
	 * it, and what we add below would follow it as non-options, which
	 * libfuse refuses.  Every non-option was taken out above, so a "--"
	 * left can only be last: drop it.
	 */
	if (args->argc > 1 && strcmp(args->argv[args->argc - 1], "--") == 0) {
		free(args->argv[--args->argc]);
		args->argv[args->argc] = NULL;
	}
	/*
	 * libfuse 3.14 wants the same max_read in the mount options as in
	 * init(); see FS_MAX_IO.
	 */
	if (fuse_opt_add_arg(args, "-omax_read=" IPCFS_STR(FS_MAX_IO_BYTES)))
		return -ENOMEM;
	/* `mount` and findmnt then say "ipcfs on DIR type fuse.ipcfs" */
	if ((!ps.fsname && fuse_opt_add_arg(args, "-ofsname=ipcfs")) ||
	    (!ps.subtype && fuse_opt_add_arg(args, "-osubtype=ipcfs")))
		return -ENOMEM;
	if (o->allow_other && !ps.default_permissions &&
	    fuse_opt_add_arg(args, "-odefault_permissions"))
		return -ENOMEM;
	o->default_permissions = ps.default_permissions || o->allow_other;
	return 0;

out_einval:
	free(ps.positionals[0]);
	free(ps.positionals[1]);
	return -EINVAL;
}
