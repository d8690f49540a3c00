/* Unit tests of the command line: our options, mountpoint, errors. */
#define _GNU_SOURCE
#include "../tap.h"
#include "ipcfs.h"
#include "options.h"

#include <errno.h>
#include <stdlib.h>

struct result {
	int rc;
	enum opts_action action;
	struct ipcfs_opts o;
	char err[256];
	char args[1024];
	char mountpoint[64];
};

static struct result run(int argc, const char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct result r;

	memset(&r, 0, sizeof(r));
	for (int i = 0; i < argc; i++)
		fuse_opt_add_arg(&args, argv[i]);
	r.rc = opts_parse(&args, &r.o, &r.action, r.err, sizeof(r.err));
	for (int i = 0; i < args.argc; i++) {
		strcat(r.args, args.argv[i]);
		strcat(r.args, " ");
	}
	if (r.o.mountpoint) {
		snprintf(r.mountpoint, sizeof(r.mountpoint), "%s",
			 r.o.mountpoint);
		free(r.o.mountpoint);
		r.o.mountpoint = NULL;
	}
	fuse_opt_free_args(&args);
	return r;
}

/* RUN("-f", "/mnt") parses "ipcfs -f /mnt". */
static struct result run_list(const char *first, ...)
{
	const char *v[16] = { "ipcfs" };
	int n = 1;
	va_list ap;

	va_start(ap, first);
	for (const char *a = first; a && n < 16; a = va_arg(ap, const char *))
		v[n++] = a;
	va_end(ap);
	return run(n, v);
}

#define RUN(...) run_list(__VA_ARGS__, (const char *)NULL)

int main(void)
{
	struct result r;

	r = RUN("/mnt");
	ok(r.rc == 0 && r.action == OPTS_MOUNT, "plain mount");
	is_str(r.mountpoint, "/mnt", "the mountpoint");
	ok(!r.o.foreground && !r.o.debug, "background by default");
	ok(strstr(r.args, "max_read=1048576") != NULL, "max_read added");
	ok(strstr(r.args, "fsname=ipcfs") && strstr(r.args, "subtype=ipcfs"),
	   "named ipcfs for mount(8) and findmnt");

	r = RUN("-f", "/mnt");
	ok(r.rc == 0 && r.o.foreground, "-f");
	r = RUN("-d", "/mnt");
	ok(r.rc == 0 && r.o.debug && r.o.foreground, "-d implies -f");
	r = RUN("--help");
	ok(r.rc == 0 && r.action == OPTS_HELP, "--help");
	r = RUN("-h");
	ok(r.rc == 0 && r.action == OPTS_HELP, "-h");
	r = RUN("--version");
	ok(r.rc == 0 && r.action == OPTS_VERSION, "--version");

	r = RUN("-o", "mq_maxmsg=20,mq_msgsize=512", "/mnt");
	ok(r.rc == 0 && r.o.mq_maxmsg == 20 && r.o.mq_msgsize == 512,
	   "queue defaults");
	ok(strstr(r.args, "mq_") == NULL, "our options not passed on");
	r = RUN("-o", "mq_maxmsg=0", "/mnt");
	ok(r.rc == -EINVAL && strstr(r.err, "mq_maxmsg"), "mq_maxmsg=0: %s",
	   r.err);
	r = RUN("-o", "mq_maxmsg=abc", "/mnt");
	ok(r.rc == -EINVAL, "mq_maxmsg=abc");
	r = RUN("-o", "mq_msgsize=", "/mnt");
	ok(r.rc == -EINVAL, "mq_msgsize= empty");
	r = RUN("-o", "mq_msgsize=99999999999", "/mnt");
	ok(r.rc == -EINVAL, "mq_msgsize huge");

	r = RUN("-o", "max_user_fds=100,max_user_bytes=1048576", "/mnt");
	ok(r.rc == 0 && r.o.max_user_fds == 100 &&
		   r.o.max_user_bytes == 1048576,
	   "per-user caps");
	ok(strstr(r.args, "max_user") == NULL,
	   "the caps are ours: not passed on");
	r = RUN("/mnt");
	ok(r.rc == 0 && r.o.max_user_fds == 0 && r.o.max_user_bytes == 0,
	   "caps derived unless told");
	r = RUN("-o", "max_user_fds=0", "/mnt");
	ok(r.rc == -EINVAL && strstr(r.err, "max_user_fds"),
	   "max_user_fds=0: %s", r.err);
	r = RUN("-o", "max_user_bytes=-5", "/mnt");
	ok(r.rc == -EINVAL && strstr(r.err, "max_user_bytes"),
	   "max_user_bytes=-5: %s", r.err);
	r = RUN("-o", "max_user_bytes=99999999999999", "/mnt");
	ok(r.rc == -EINVAL, "max_user_bytes past 1 TiB");

	r = RUN("-o", "nopassthrough", "/mnt");
	ok(r.rc == 0 && r.o.nopassthrough, "nopassthrough");
	ok(strstr(r.args, "passthrough") == NULL,
	   "nopassthrough is ours: not passed on");
	r = RUN("/mnt");
	ok(r.rc == 0 && !r.o.nopassthrough, "passthrough unless told");

	r = RUN("-o", "allow_other", "/mnt");
	ok(r.rc == 0 && r.o.allow_other, "allow_other");
	ok(strstr(r.args, "default_permissions") != NULL &&
		   r.o.default_permissions,
	   "allow_other brings default_permissions");
	r = RUN("-o", "default_permissions", "/mnt");
	ok(r.rc == 0 && r.o.default_permissions && !r.o.allow_other,
	   "default_permissions alone is noted");
	r = RUN("/mnt");
	ok(r.rc == 0 && !r.o.default_permissions, "no default_permissions");
	r = RUN("-o", "max_read=4096", "/mnt");
	ok(r.rc == -EINVAL, "max_read is ours: %s", r.err);

	r = RUN("ipcfs", "/mnt");
	ok(r.rc == 0 && strcmp(r.mountpoint, "/mnt") == 0,
	   "mount(8) style SOURCE MOUNTPOINT");
	r = RUN("a", "b", "/mnt");
	ok(r.rc == -EINVAL && strstr(r.err, "unexpected"),
	   "three positionals: %s", r.err);
	r = RUN("-f");
	ok(r.rc == -EINVAL && strstr(r.err, "mountpoint"), "no mountpoint: %s",
	   r.err);
	r = RUN("-x", "/mnt");
	ok(r.rc == -EINVAL && strstr(r.err, "-x"), "unknown flag: %s", r.err);
	r = RUN("-o", "fsname=foo,nosuid", "/mnt");
	ok(r.rc == 0 && strstr(r.args, "fsname=foo"),
	   "FUSE options passed on for libfuse to judge");
	ok(strstr(r.args, "fsname=ipcfs") == NULL, "a given fsname is kept");

	/* Found by tests/fuzz/fuzz_options: libfuse kept the "--". */
	r = RUN("-o", "allow_other", "--", "/mnt");
	ok(r.rc == 0 && strcmp(r.mountpoint, "/mnt") == 0,
	   "-- after -o options: the mountpoint follows it");
	ok(strstr(r.args, "-- ") == NULL && strstr(r.args, "max_read=") &&
		   strstr(r.args, "default_permissions"),
	   "-- after -o options is not left before our options: %s", r.args);
	return done_testing();
}
