/*
 * Path routing: whole-component name matching for the tree, and the
 * validation of every name and number a user can type into a path.
 */
#define _GNU_SOURCE
#include "route.h"
#include "decimal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int fixed_find(const struct fixed_name *table, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(table[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

int route_pid(const char *name, pid_t *pid)
{
	unsigned long long v;

	if (dec_parse(name, strlen(name), 0, 1, ROUTE_PID_MAX, &v))
		return -ENOENT;
	*pid = (pid_t)v;
	return 0;
}

int route_ipc_name(const char *name)
{
	size_t len = strnlen(name, ROUTE_NAME_MAX + 1);

	if (len == 0)
		return -EINVAL;
	if (len > ROUTE_NAME_MAX)
		return -ENAMETOOLONG;
	if (strchr(name, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return -EINVAL;
	return 0;
}

bool route_is_semaphore(const char *name)
{
	return strncmp(name, "sem.", 4) == 0;
}

/* Parses the value of maxmsg= or msgsize=: a canonical positive decimal. */
static int parse_attr_value(const char *s, size_t len, long *out)
{
	unsigned long long v;

	if (dec_parse(s, len, 0, 1, 0x7fffffffL, &v))
		return -EINVAL;
	*out = (long)v;
	return 0;
}

int route_mkdir_queue(const char *spec, char *name, long *maxmsg, long *msgsize)
{
	const char *comma = strchr(spec, ',');
	size_t nlen = comma ? (size_t)(comma - spec) : strlen(spec);
	int err;

	*maxmsg = 0;
	*msgsize = 0;
	if (nlen > ROUTE_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(name, spec, nlen);
	name[nlen] = '\0';
	err = route_ipc_name(name);
	if (err)
		return err;
	while (comma) {
		const char *key = comma + 1;
		const char *eq = strchr(key, '=');
		const char *end;
		long *slot;

		comma = strchr(key, ',');
		end = comma ? comma : key + strlen(key);
		if (!eq || eq > end)
			return -EINVAL;
		if ((size_t)(eq - key) == 6 && strncmp(key, "maxmsg", 6) == 0)
			slot = maxmsg;
		else if ((size_t)(eq - key) == 7 &&
			 strncmp(key, "msgsize", 7) == 0)
			slot = msgsize;
		else
			return -EINVAL;
		if (*slot)
			return -EINVAL;
		if (parse_attr_value(eq + 1, (size_t)(end - eq - 1), slot))
			return -EINVAL;
	}
	return 0;
}
