/*
 * Fuzz target for opts_parse(), the command line and -o mount options,
 * parsed with libfuse's fuse_opt.  The input is split into argv words at
 * each newline or NUL ("ipcfs" is argv[0]).  Checked: the outcome is
 * success or -EINVAL with a message; a mount has a mountpoint that is one
 * of the words, counts within their bounds, debug implies foreground;
 * and the arguments left for libfuse parse again, never hold our own
 * options, hold max_read exactly once with our value, an fsname and a
 * subtype, and default_permissions whenever allow_other is there.
 * LeakSanitizer checks that every path frees what it allocated.
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "fs.h"
#include "ipcfs.h"
#include "options.h"

#include <errno.h>
#include <fuse_log.h>
#include <fuse_opt.h>

#define WORDS_MAX 64
#define ERR_SIZE 80 /* shorter than many inputs: messages truncate */

enum {
	K_MAX_READ,
	K_OURS,
	K_ALLOW_OTHER,
	K_DEFAULT_PERMISSIONS,
	K_FSNAME,
	K_SUBTYPE
};

/* What the arguments handed on to libfuse hold. */
struct handed_on {
	int max_read, ours, allow_other, default_permissions, nonopts;
	int fsname, subtype;
	bool bad_max_read;
};

static const struct fuse_opt handed_on_spec[] = {
	FUSE_OPT_KEY("max_read=", K_MAX_READ),
	FUSE_OPT_KEY("mq_maxmsg=", K_OURS),
	FUSE_OPT_KEY("mq_msgsize=", K_OURS),
	FUSE_OPT_KEY("allow_other", K_ALLOW_OTHER),
	FUSE_OPT_KEY("default_permissions", K_DEFAULT_PERMISSIONS),
	FUSE_OPT_KEY("fsname=", K_FSNAME),
	FUSE_OPT_KEY("subtype=", K_SUBTYPE),
	FUSE_OPT_END,
};

static int count_opt(void *data, const char *arg, int key,
		     struct fuse_args *outargs)
{
	struct handed_on *h = data;

	(void)outargs;
	switch (key) {
	case K_MAX_READ:
		h->max_read++;
		if (strcmp(arg, "max_read=" IPCFS_STR(FS_MAX_IO_BYTES)) != 0)
			h->bad_max_read = true;
		break;
	case K_OURS:
		h->ours++;
		break;
	case K_ALLOW_OTHER:
		h->allow_other++;
		break;
	case K_DEFAULT_PERMISSIONS:
		h->default_permissions++;
		break;
	case K_FSNAME:
		h->fsname++;
		break;
	case K_SUBTYPE:
		h->subtype++;
		break;
	case FUSE_OPT_KEY_NONOPT:
		h->nonopts++;
		break;
	}
	return 1;
}

static void check_handed_on(const struct fuse_args *args,
			    const struct ipcfs_opts *o)
{
	struct fuse_args copy = FUSE_ARGS_INIT(0, NULL);
	struct handed_on h = { 0 };

	for (int i = 0; i < args->argc; i++)
		CHECK(fuse_opt_add_arg(&copy, args->argv[i]) == 0);
	CHECK(fuse_opt_parse(&copy, &h, handed_on_spec, count_opt) == 0);
	CHECK(h.max_read == 1 && !h.bad_max_read);
	CHECK(h.ours == 0 && h.nonopts == 0);
	CHECK((h.allow_other > 0) == o->allow_other);
	if (o->allow_other)
		CHECK(h.default_permissions > 0);
	/* the user's fsname and subtype, or ours ("ipcfs on DIR type fuse.ipcfs") */
	CHECK(h.fsname > 0 && h.subtype > 0);
	fuse_opt_free_args(&copy);
}

static void quiet(enum fuse_log_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* fuse_opt reports bad arguments on stderr: thousands per second */
	fuse_set_log_func(quiet);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	char *words = fuzz_cstr(data, size), *err = malloc(ERR_SIZE);
	char *word[WORDS_MAX];
	struct ipcfs_opts o = { 0 };
	enum opts_action action = (enum opts_action) - 1;
	int nwords = 0, rc;

	CHECK(err != NULL);
	CHECK(fuse_opt_add_arg(&args, "ipcfs") == 0);
	/* Words end at '\n' or NUL; the buffer has one more NUL at its end. */
	for (size_t i = 0, start = 0; i <= size && nwords < WORDS_MAX; i++) {
		if (i < size && words[i] != '\n' && words[i] != '\0')
			continue;
		words[i] = '\0';
		word[nwords++] = words + start;
		CHECK(fuse_opt_add_arg(&args, words + start) == 0);
		start = i + 1;
	}

	rc = opts_parse(&args, &o, &action, err, ERR_SIZE);
	CHECK(rc == 0 || rc == -EINVAL);
	CHECK(memchr(err, '\0', ERR_SIZE) != NULL);
	CHECK(o.mq_maxmsg >= 0 && o.mq_maxmsg <= 1L << 20);
	CHECK(o.mq_msgsize >= 0 && o.mq_msgsize <= 1L << 24);
	CHECK(!o.debug || o.foreground);
	if (rc) {
		CHECK(err[0] != '\0' && o.mountpoint == NULL);
	} else if (action != OPTS_MOUNT) {
		CHECK(action == OPTS_HELP || action == OPTS_VERSION);
		CHECK(o.mountpoint == NULL);
	} else {
		bool found = false;

		CHECK(o.mountpoint != NULL);
		for (int i = 0; i < nwords && !found; i++)
			found = strcmp(o.mountpoint, word[i]) == 0;
		CHECK(found);
		CHECK(args.argc >= 1 && strcmp(args.argv[0], "ipcfs") == 0);
		check_handed_on(&args, &o);
	}
	free(o.mountpoint);
	fuse_opt_free_args(&args);
	free(err);
	free(words);
	return 0;
}
