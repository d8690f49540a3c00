/*
 * Fuzz target for route_mkdir_queue(), the mkdir syntax that creates a
 * queue with its own attributes: "NAME,maxmsg=N,msgsize=N".  The result
 * is compared with a reference parser written from route.h, and what it
 * promises is checked: on success the name passes route_ipc_name(), each
 * given value is > 0, absent ones are 0, and the spec written back in
 * canonical form parses to the same queue.  The name buffer is exactly
 * the ROUTE_NAME_MAX + 1 bytes the header asks for.
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "route.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>

/* The attribute values: canonical positive decimals that fit an int. */
static bool ref_value(const char *s, size_t len, long *out)
{
	long v = 0;

	if (len == 0 || s[0] == '0')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
		if (v > 0x7fffffffL)
			return false;
	}
	*out = v;
	return true;
}

static int ref_mkdir(const char *spec, char *name, long *maxmsg, long *msgsize)
{
	const char *comma = strchr(spec, ',');
	size_t nlen = comma ? (size_t)(comma - spec) : strlen(spec);

	*maxmsg = *msgsize = 0;
	if (nlen > ROUTE_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(name, spec, nlen);
	name[nlen] = '\0';
	if (nlen == 0 || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return -EINVAL;
	while (comma) {
		const char *key = comma + 1, *eq;
		size_t len;
		long *slot;

		comma = strchr(key, ',');
		len = comma ? (size_t)(comma - key) : strlen(key);
		eq = memchr(key, '=', len);
		if (!eq)
			return -EINVAL;
		if (eq - key == 6 && !strncmp(key, "maxmsg", 6))
			slot = maxmsg;
		else if (eq - key == 7 && !strncmp(key, "msgsize", 7))
			slot = msgsize;
		else
			return -EINVAL;
		if (*slot ||
		    !ref_value(eq + 1, len - (size_t)(eq - key) - 1, slot))
			return -EINVAL;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec = fuzz_cstr(data, size);
	char *name = malloc(ROUTE_NAME_MAX + 1);
	char want_name[ROUTE_NAME_MAX + 1], *again;
	long maxmsg = -7, msgsize = -7, want_max, want_size, m2, s2;
	int rc, want;

	CHECK(name != NULL);
	rc = route_mkdir_queue(spec, name, &maxmsg, &msgsize);
	want = ref_mkdir(spec, want_name, &want_max, &want_size);
	CHECK(rc == want);
	if (rc) {
		free(name);
		free(spec);
		return 0;
	}
	CHECK(route_ipc_name(name) == 0);
	CHECK(strcmp(name, want_name) == 0);
	CHECK(strncmp(spec, name, strlen(name)) == 0);
	CHECK(maxmsg == want_max && msgsize == want_size);
	CHECK(maxmsg >= 0 && msgsize >= 0);
	CHECK((maxmsg > 0) == (strstr(spec, ",maxmsg=") != NULL));
	CHECK((msgsize > 0) == (strstr(spec, ",msgsize=") != NULL));

	/* Written back in canonical form, it is the same queue. */
	again = malloc(strlen(name) + 64);
	CHECK(again != NULL);
	strcpy(again, name);
	if (msgsize)
		sprintf(again + strlen(again), ",msgsize=%ld", msgsize);
	if (maxmsg)
		sprintf(again + strlen(again), ",maxmsg=%ld", maxmsg);
	CHECK(route_mkdir_queue(again, name, &m2, &s2) == 0);
	CHECK(strcmp(name, want_name) == 0 && m2 == maxmsg && s2 == msgsize);
	free(again);
	free(name);
	free(spec);
	return 0;
}
