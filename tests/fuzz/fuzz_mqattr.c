/*
 * Fuzz target for the parsers of mqattr.h: mq_parse_status() on the
 * status line the mqueue file system gives for a queue, and
 * mq_parse_sysctl() on a /proc/sys/fs/mqueue value.  Both are compared
 * with references written from the header and the kernel's formats; then
 * the same bytes give numbers that are written as the kernel writes them
 * (ipc/mqueue.c: "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d")
 * or with mq_format_number(), and must parse back unchanged.
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "mqattr.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>

/*
 * "KEY:N" where KEY starts the text or follows a space, and N ends at a
 * space, a newline or the end.
 */
static bool ref_field(const char *text, const char *key,
		      unsigned long long *out)
{
	size_t klen = strlen(key);
	char *end;

	for (const char *p = text; *p; p++) {
		if ((p != text && p[-1] != ' ') || strncmp(p, key, klen) != 0 ||
		    p[klen] != ':')
			continue;
		p += klen + 1;
		if (!isdigit((unsigned char)*p))
			return false;
		errno = 0;
		*out = strtoull(p, &end, 10);
		return !errno && (!*end || *end == ' ' || *end == '\n');
	}
	return false;
}

static void check_status(const char *text)
{
	unsigned long long qsize = 7, want_qsize, want_pid;
	long pid = -7;
	int rc = mq_parse_status(text, &qsize, &pid);
	bool ok = ref_field(text, "QSIZE", &want_qsize) &&
		  ref_field(text, "NOTIFY_PID", &want_pid) &&
		  want_pid <= INT_MAX;

	CHECK(rc == 0 || rc == -EINVAL);
	CHECK((rc == 0) == ok);
	if (rc == 0)
		CHECK(qsize == want_qsize && pid == (long)want_pid && pid >= 0);
}

static void check_sysctl(const char *text)
{
	long v = -7, back = -7;
	int rc = mq_parse_sysctl(text, &v);
	char *end, buf[32];
	long want;
	bool ok;

	errno = 0;
	want = strtol(text, &end, 10);
	ok = isdigit((unsigned char)text[0]) && !errno && want > 0 &&
	     (!*end || *end == '\n');
	CHECK(rc == 0 || rc == -EINVAL);
	CHECK((rc == 0) == ok);
	if (rc) {
		CHECK(v == -7);
		return;
	}
	CHECK(v == want && v > 0);
	/* What the numbers files print is what the sysctl parser reads. */
	CHECK(mq_format_number(v, buf, sizeof(buf)) == strlen(buf));
	CHECK(mq_parse_sysctl(buf, &back) == 0 && back == v);
}

static void check_round_trip(const uint8_t *data, size_t size)
{
	unsigned long long qsize = fuzz_take(&data, &size, 8), q;
	int notify = (int)fuzz_take(&data, &size, 1) % 4;
	int signo = (int)fuzz_take(&data, &size, 1) % 65;
	long pid = (long)(fuzz_take(&data, &size, 4) & 0x7fffffff), p;
	long value = (long)fuzz_take(&data, &size, 8);
	size_t bufsize = 1 + (size_t)fuzz_take(&data, &size, 1) % 32, n;
	char line[128], *buf = malloc(bufsize);

	CHECK(buf != NULL);
	snprintf(line, sizeof(line),
		 "QSIZE:%-10llu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6ld\n",
		 qsize, notify, signo, pid);
	CHECK(mq_parse_status(line, &q, &p) == 0 && q == qsize && p == pid);

	/* Any buffer size: the length returned is what is in the buffer. */
	n = mq_format_number(value, buf, bufsize);
	CHECK(n < bufsize && buf[n] == '\0' && strlen(buf) == n);
	snprintf(line, sizeof(line), "%ld\n", value);
	CHECK(strncmp(buf, line, n) == 0);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);

	check_status(text);
	check_sysctl(text);
	check_round_trip(data, size);
	free(text);
	return 0;
}
