/*
 * Fuzz target for the path routing of route.h: every router and name
 * check is given the input as one path component (a C string; an
 * embedded NUL ends it, as in a real lookup) and then each '/'-separated
 * piece of it.  Results are checked against the header's rules: whole
 * components only (never a prefix), canonical decimals only, and every
 * accepted name prints back as the very same string.
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "mqattr.h"
#include "route.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>

/* A canonical decimal in [lo, hi]: digits, no sign, no leading zero. */
static bool ref_decimal(const char *s, long lo, long hi, long *out)
{
	long v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s) || v > hi)
			return false;
		v = v * 10 + (*s - '0');
	}
	if (v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* A table of fixed names answers exact, whole names only. */
static const struct fixed_name table[] = {
	{ .name = "signals" }, { .name = "proc" },    { .name = "mq" },
	{ .name = "shm" },     { .name = "signal" },  { .name = "wait" },
	{ .name = "state" },   { .name = "caught" },  { .name = "blocked" },
	{ .name = "ignored" }, { .name = "pending" },
};

static void check_fixed(const char *name)
{
	const size_t n = sizeof(table) / sizeof(table[0]);
	int e = fixed_find(table, n, name), want = -ENOENT;

	for (size_t i = 0; i < n; i++)
		if (strcmp(name, table[i].name) == 0)
			want = (int)i;
	CHECK(e == want);
}

static void check_pid(const char *name)
{
	pid_t pid = -7;
	long want;
	char back[16];
	int rc = route_pid(name, &pid);

	CHECK(rc == 0 || rc == -ENOENT);
	CHECK((rc == 0) == ref_decimal(name, 1, ROUTE_PID_MAX, &want));
	if (rc) {
		CHECK(pid == -7);
		return;
	}
	CHECK(pid == want && pid >= 1 && pid <= ROUTE_PID_MAX);
	snprintf(back, sizeof(back), "%d", (int)pid);
	CHECK(strcmp(back, name) == 0);
}

static void check_queue_file(const char *name)
{
	static const char *const named[] = { "next", "maxmsg", "msgsize",
					     "curmsgs" };
	char buf[16];
	const char *back;
	long prio;
	int f = queue_file_find(name), want = -ENOENT;

	if (ref_decimal(name, 0, QUEUE_PRIO_MAX - 1, &prio))
		want = (int)prio;
	for (int i = 0; i < QF_END - QF_NEXT; i++)
		if (strcmp(name, named[i]) == 0)
			want = QF_NEXT + i;
	CHECK(f == want);
	if (f < 0)
		return;
	CHECK(f < QF_END);
	back = queue_file_name(f, buf, sizeof(buf));
	CHECK(back && strcmp(back, name) == 0);
}

static void check_ipc_name(const char *name)
{
	size_t len = strlen(name);
	int rc = route_ipc_name(name), want = 0;

	if (len == 0)
		want = -EINVAL;
	else if (len > ROUTE_NAME_MAX)
		want = -ENAMETOOLONG;
	else if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		want = -EINVAL;
	CHECK(rc == want);
	CHECK(route_is_semaphore(name) == (strncmp(name, "sem.", 4) == 0));
}

static void check_component(const char *name)
{
	check_fixed(name);
	check_pid(name);
	check_queue_file(name);
	check_ipc_name(name);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char buf[16];

	(void)argc;
	(void)argv;
	/* Each queue file number names a file that routes back to it. */
	for (int f = 0; f < QF_END; f++)
		CHECK(queue_file_find(queue_file_name(f, buf, sizeof(buf))) ==
		      f);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = fuzz_cstr(data, size);

	check_component(path);
	/* The components of a path, each in a buffer of its own size. */
	for (const char *p = path, *slash; *p; p = slash + 1) {
		size_t len;
		char *comp;

		slash = strchr(p, '/');
		len = slash ? (size_t)(slash - p) : strlen(p);
		comp = fuzz_cstr((const uint8_t *)p, len);
		check_component(comp);
		free(comp);
		if (!slash)
			break;
	}
	free(path);
	return 0;
}
