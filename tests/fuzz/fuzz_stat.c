/*
 * Fuzz target for procstat_parse_stat(), the /proc/<pid>/stat parser.
 * The command name may hold spaces and parentheses, so fields count from
 * the last ')'.  The input is parsed as stat text and compared with a
 * reference that splits the fields after that ')' (proc(5) numbering);
 * then the same bytes give a command name and numbers, a stat line is
 * written from them as the kernel would, and the parser must give the
 * state, session, start time and exit code back.
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "procstat.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>

/* Start of field @n (proc(5) numbering, 3 = state) after ") ", or NULL. */
static const char *ref_field(const char *after, int n)
{
	const char *p = after;

	for (int f = 3; f < n; f++) {
		p = strchr(p, ' ');
		if (!p)
			return NULL;
		p++;
	}
	return p;
}

static void check_text(const char *text)
{
	struct proc_stat st;
	const char *close = strrchr(text, ')'), *after, *f;
	int rc = procstat_parse_stat(text, &st);
	bool ok;

	CHECK(rc == 0 || rc == -EINVAL);
	ok = close && close[1] == ' ' && close[2];
	after = ok ? close + 2 : NULL;
	ok = ok && ref_field(after, 22) != NULL;
	CHECK((rc == 0) == ok);
	if (rc)
		return;
	CHECK(st.state == after[0]);
	CHECK(st.session == (int)strtol(ref_field(after, 6), NULL, 10));
	f = ref_field(after, 9);
	CHECK(st.flags == strtoul(f, NULL, 10));
	CHECK(st.starttime == strtoull(ref_field(after, 22), NULL, 10));
	f = ref_field(after, 52);
	CHECK(st.exit_code == (f ? (int)strtol(f, NULL, 10) : -1));
}

static void check_round_trip(const uint8_t *data, size_t size)
{
	static const char states[] = "RSDZTtXIPW";
	char comm[16], *text, *p;
	struct proc_stat st;
	size_t clen = (size_t)fuzz_take(&data, &size, 1) % 16;
	int nfields, session, exit_code;
	unsigned long long starttime;
	unsigned long flags;
	char state;

	/* TASK_COMM_LEN: up to 15 bytes of anything but NUL */
	for (size_t i = 0; i < clen; i++) {
		comm[i] = (char)fuzz_take(&data, &size, 1);
		if (!comm[i])
			comm[i] = '?';
	}
	comm[clen] = '\0';
	state = states[fuzz_take(&data, &size, 1) % (sizeof(states) - 1)];
	session = (int)(fuzz_take(&data, &size, 4) & 0x7fffffff);
	starttime = fuzz_take(&data, &size, 8);
	flags = (unsigned long)(uint32_t)fuzz_take(&data, &size, 4);
	exit_code = (int)(uint32_t)fuzz_take(&data, &size, 4);
	/* older kernels stop before field 52 (exit_code) */
	nfields = 22 + (int)(fuzz_take(&data, &size, 1) % 40);

	text = malloc(64 + nfields * 24);
	CHECK(text != NULL);
	p = text + sprintf(text, "4242 (%s) %c", comm, state);
	for (int f = 4; f <= nfields; f++) {
		if (f == 6)
			p += sprintf(p, " %d", session);
		else if (f == 9)
			p += sprintf(p, " %lu", flags);
		else if (f == 22)
			p += sprintf(p, " %llu", starttime);
		else if (f == 52)
			p += sprintf(p, " %d", exit_code);
		else
			p += sprintf(p, " %d", f);
	}
	strcpy(p, "\n");

	CHECK(procstat_parse_stat(text, &st) == 0);
	CHECK(st.state == state && st.session == session &&
	      st.starttime == starttime && st.flags == flags);
	CHECK(st.exit_code == (nfields >= 52 ? exit_code : -1));
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);

	check_text(text);
	check_round_trip(data, size);
	free(text);
	return 0;
}
