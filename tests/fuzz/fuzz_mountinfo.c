/*
 * Fuzz target for mountinfo_top() (mountpt.h): the input is read as
 * mountinfo text and looked up for a few paths, with the contract
 * checked (0, -ENOENT or -EINVAL; a found type is one field, NUL-ended,
 * shorter than the buffer); then a path and a type taken from the input
 * are written as a mountinfo line in the kernel's escaping, below and
 * above other lines, and must be found again exactly.
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "mountpt.h"

#include <errno.h>

static void check_lookup(const char *text, const char *path)
{
	char type[16];
	int r = mountinfo_top(text, path, type, sizeof(type));

	CHECK(r == 0 || r == -ENOENT || r == -EINVAL);
	if (r == 0) {
		CHECK(strlen(type) < sizeof(type));
		CHECK(!strchr(type, ' ') && !strchr(type, '\n'));
	}
}

/* Escapes as the kernel's show_mountinfo does (mangle " \t\n\\"). */
static char *escape(const char *s, char *out)
{
	for (; *s; s++) {
		if (strchr(" \t\n\\", *s)) {
			out += sprintf(out, "\\%03o", (unsigned char)*s);
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
	return out;
}

static void check_round_trip(const uint8_t *data, size_t size)
{
	char path[64] = "/", type[16], got[16], esc[64 * 4 + 1];
	char *text;
	size_t plen = 1, tlen = 0;

	/* a path of bytes 1..255 and a type of printable non-space bytes */
	while (size && plen < sizeof(path) - 1 && data[0] != 0xff) {
		if (data[0])
			path[plen++] = (char)data[0];
		data++, size--;
	}
	path[plen] = '\0';
	if (size)
		data++, size--;
	while (size && tlen < sizeof(type) - 1) {
		if (data[0] > ' ' && data[0] < 0x7f)
			type[tlen++] = (char)data[0];
		data++, size--;
	}
	if (!tlen)
		type[tlen++] = 't';
	type[tlen] = '\0';
	escape(path, esc);
	text = malloc(strlen(esc) * 3 + 256);
	CHECK(text != NULL);
	sprintf(text,
		"1 0 0:1 / / rw - ext4 /dev/root rw\n"
		"2 1 0:2 / %s rw shared:1 - first src rw\n"
		"3 1 0:3 / %s rw master:2 - %s src rw,x=1\n"
		"4 1 0:4 / /other%s rw - other src rw\n",
		esc, esc, type, esc);
	CHECK(mountinfo_top(text, path, got, sizeof(got)) == 0);
	if (strcmp(path, "/") != 0)
		CHECK(strcmp(got, type) == 0);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);

	check_lookup(text, "/");
	check_lookup(text, "/mnt/ipc");
	check_lookup(text, "/a b");
	free(text);
	check_round_trip(data, size);
	return 0;
}
