/*
 * Fuzz target for the two parsers of /proc/<pid>/status text:
 * procstat_parse_status() (procstat.h: state word and signal masks) and
 * creds_parse_status() (creds.h: the ids behind a request).  The input is
 * parsed as status text by both, with their invariants checked and the
 * ids they share compared; then the same bytes are read as numbers, a
 * status text in the kernel's layout is written from them, and both
 * parsers must give those numbers back exactly.
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "creds.h"
#include "procstat.h"

#include <errno.h>
#include <inttypes.h>

static void check_text(const char *text)
{
	struct proc_status st;
	struct creds c;
	int rs = procstat_parse_status(text, &st);
	int rc = creds_parse_status(text, &c);
	size_t len;

	CHECK(rs == 0 || rs == -EINVAL);
	CHECK(rc == 0 || rc == -EINVAL);
	if (rs == 0) {
		/* one word: "disk sleep" becomes "disk-sleep" */
		len = strnlen(st.state, sizeof(st.state));
		CHECK(len >= 1 && len < sizeof(st.state));
		CHECK(!strpbrk(st.state, " \n)"));
		CHECK(strstr(text, "State:") != NULL);
	}
	if (rc == 0) {
		CHECK(c.ngroups >= 0 && c.ngroups <= CREDS_NGROUPS_MAX);
		CHECK((c.ngroups == 0) == (c.groups == NULL));
		CHECK(strstr(text, "Uid:") && strstr(text, "Gid:") &&
		      strstr(text, "Tgid:") && strstr(text, "CapEff:"));
	}
	if (rs == 0 && rc == 0) {
		/* Both read the same Uid and Gid lines. */
		CHECK(st.ruid == c.ruid && st.euid == c.euid &&
		      st.suid == c.suid && st.rgid == c.rgid);
	}
	if (rc == 0)
		creds_release(&c);
}

static const struct {
	const char *kernel, *word;
} states[] = {
	{ "R (running)", "running" },
	{ "S (sleeping)", "sleeping" },
	{ "D (disk sleep)", "disk-sleep" },
	{ "T (stopped)", "stopped" },
	{ "t (tracing stop)", "tracing-stop" },
	{ "X (dead)", "dead" },
	{ "Z (zombie)", "zombie" },
	{ "P (parked)", "parked" },
	{ "I (idle)", "idle" },
};

/* Writes a status text in the kernel's layout and parses it back. */
static void check_round_trip(const uint8_t *data, size_t size)
{
	size_t nstates = sizeof(states) / sizeof(states[0]);
	unsigned int state = (unsigned int)fuzz_take(&data, &size, 1) % nstates;
	uint64_t mask[5], cap;
	uint32_t uid[4], gid[4], groups[80];
	int tgid, ngroups;
	char *text, *p;
	struct proc_status st;
	struct creds c;

	for (int i = 0; i < 5; i++)
		mask[i] = fuzz_take(&data, &size, 8);
	for (int i = 0; i < 4; i++)
		uid[i] = (uint32_t)fuzz_take(&data, &size, 4);
	for (int i = 0; i < 4; i++)
		gid[i] = (uint32_t)fuzz_take(&data, &size, 4);
	tgid = 1 + (int)(fuzz_take(&data, &size, 3) % 4194304);
	cap = fuzz_take(&data, &size, 8);
	ngroups = (int)(fuzz_take(&data, &size, 1) % 80);
	for (int i = 0; i < ngroups; i++)
		groups[i] = (uint32_t)fuzz_take(&data, &size, 4);

	text = malloc(4096);
	CHECK(text != NULL);
	p = text;
	p += sprintf(
		p,
		"Name:\tfuzz\nUmask:\t0022\nState:\t%s\nTgid:\t%d\n"
		"Ngid:\t0\nPid:\t%d\nPPid:\t1\nTracerPid:\t0\n"
		"Uid:\t%" PRIu32 "\t%" PRIu32 "\t%" PRIu32 "\t%" PRIu32 "\n"
		"Gid:\t%" PRIu32 "\t%" PRIu32 "\t%" PRIu32 "\t%" PRIu32 "\n"
		"FDSize:\t64\nGroups:\t",
		states[state].kernel, tgid, tgid, uid[0], uid[1], uid[2],
		uid[3], gid[0], gid[1], gid[2], gid[3]);
	for (int i = 0; i < ngroups; i++)
		p += sprintf(p, "%" PRIu32 " ", groups[i]);
	p += sprintf(p,
		     "\nThreads:\t1\nSigQ:\t0/63451\n"
		     "SigPnd:\t%016" PRIx64 "\nShdPnd:\t%016" PRIx64 "\n"
		     "SigBlk:\t%016" PRIx64 "\nSigIgn:\t%016" PRIx64 "\n"
		     "SigCgt:\t%016" PRIx64 "\nCapInh:\t0000000000000000\n"
		     "CapPrm:\t%016" PRIx64 "\nCapEff:\t%016" PRIx64 "\n",
		     mask[0], mask[1], mask[2], mask[3], mask[4], cap, cap);
	CHECK((size_t)(p - text) < 4096);

	CHECK(procstat_parse_status(text, &st) == 0);
	CHECK(strcmp(st.state, states[state].word) == 0);
	CHECK(st.sig_pnd == mask[0] && st.shd_pnd == mask[1] &&
	      st.sig_blk == mask[2] && st.sig_ign == mask[3] &&
	      st.sig_cgt == mask[4]);
	CHECK(st.ruid == uid[0] && st.euid == uid[1] && st.suid == uid[2] &&
	      st.rgid == gid[0]);

	CHECK(creds_parse_status(text, &c) == 0);
	CHECK(c.tgid == tgid && c.cap_eff == cap);
	CHECK(c.ruid == uid[0] && c.euid == uid[1] && c.suid == uid[2] &&
	      c.fsuid == uid[3]);
	CHECK(c.rgid == gid[0] && c.egid == gid[1] && c.sgid == gid[2] &&
	      c.fsgid == gid[3]);
	CHECK(c.ngroups == ngroups);
	for (int i = 0; i < c.ngroups; i++)
		CHECK(c.groups[i] == groups[i]);
	creds_release(&c);
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
