/*
 * /proc/<pid>/stat and /proc/<pid>/status parsers.  The command name in
 * stat may hold spaces and parentheses, so fields are counted from the
 * last ')'.
 */
#define _GNU_SOURCE
#include "procstat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *procstat_field(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (strncmp(p, key, klen) == 0 && p[klen] == ':')
			return p + klen + 1;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static int hex_field(const char *text, const char *key, uint64_t *out)
{
	const char *p = procstat_field(text, key);
	unsigned long long v;

	if (!p || sscanf(p, "%llx", &v) != 1)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "S (sleeping)" -> "sleeping", "D (disk sleep)" -> "disk-sleep". */
static int state_word(const char *p, char *out, size_t size)
{
	const char *open = strchr(p, '('), *close, *nl = strchr(p, '\n');
	size_t len;

	if (!open || (nl && open > nl))
		return -EINVAL;
	close = strchr(open, ')');
	if (!close || (nl && close > nl))
		return -EINVAL;
	len = (size_t)(close - open - 1);
	if (len == 0 || len >= size)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		out[i] = open[1 + i] == ' ' ? '-' : open[1 + i];
	out[len] = '\0';
	return 0;
}

int procstat_parse_status(const char *text, struct proc_status *st)
{
	const char *p;
	unsigned int u[3], g;

	memset(st, 0, sizeof(*st));
	p = procstat_field(text, "State");
	if (!p || state_word(p, st->state, sizeof(st->state)))
		return -EINVAL;
	if (hex_field(text, "SigPnd", &st->sig_pnd) ||
	    hex_field(text, "ShdPnd", &st->shd_pnd) ||
	    hex_field(text, "SigBlk", &st->sig_blk) ||
	    hex_field(text, "SigIgn", &st->sig_ign) ||
	    hex_field(text, "SigCgt", &st->sig_cgt))
		return -EINVAL;
	p = procstat_field(text, "Uid");
	if (!p || sscanf(p, "%u %u %u", &u[0], &u[1], &u[2]) != 3)
		return -EINVAL;
	p = procstat_field(text, "Gid");
	if (!p || sscanf(p, "%u", &g) != 1)
		return -EINVAL;
	st->ruid = u[0];
	st->euid = u[1];
	st->suid = u[2];
	st->rgid = g;
	return 0;
}

int procstat_parse_stat(const char *text, struct proc_stat *st)
{
	const char *p = strrchr(text, ')');
	int field = 3;
	char *end;

	memset(st, 0, sizeof(*st));
	st->exit_code = -1;
	if (!p || p[1] != ' ' || !p[2])
		return -EINVAL;
	p += 2;
	st->state = *p;
	/* Fields after the state, numbered as in proc(5). */
	while (*p) {
		p = strchr(p, ' ');
		if (!p)
			break;
		p++;
		field++;
		if (field == 6)
			st->session = (int)strtol(p, &end, 10);
		else if (field == 9)
			st->flags = strtoul(p, &end, 10);
		else if (field == 22)
			st->starttime = strtoull(p, &end, 10);
		else if (field == 52)
			st->exit_code = (int)strtol(p, &end, 10);
	}
	if (field < 22)
		return -EINVAL;
	return 0;
}
