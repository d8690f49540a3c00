/*
 * Signal names and the text formats of the process files: parsing what a
 * user writes to proc/<pid>/signal, naming signals in `wait`, `caught` and
 * friends, and the /signals table.  Pure C with no FUSE types, so it is
 * unit-tested and fuzzed without a mount.
 */
#ifndef IPCFS_SIGNAME_H
#define IPCFS_SIGNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A write to a signal file larger than this is refused whole (EMSGSIZE). */
#define SIG_WRITE_MAX 4096

/* Longest name sig_name() produces ("RTMIN+15", "STKFLT", "64"). */
#define SIG_NAME_MAX 16

/* One parsed line of a signal write. */
struct sig_line {
	int sig; /* 0 (check only), 1..31 or SIGRTMIN..SIGRTMAX */
	bool has_value; /* a VALUE was given: send with sigqueue semantics */
	int value;
};

/* True for the signals ipcfs lets users name and send: 1..31, RT range. */
bool sig_valid(int sig);

/*
 * Parses one signal token: a name with or without SIG in any case, a
 * canonical decimal number, RTMIN, RTMIN+n, RTMAX-n, RTMAX.
 * Returns 0 and sets *sig, or -EINVAL.
 */
int sig_parse(const char *s, size_t len, int *sig);

/*
 * Parses a whole write: lines of "SIGNAL [VALUE]", blank lines ignored.
 * Fills up to @max lines and sets *count.  Nothing is accepted unless all
 * of it parses: returns 0, -EINVAL (bad line, NUL byte, no signal at all,
 * more than @max lines) or -EMSGSIZE (longer than SIG_WRITE_MAX).
 */
int sig_parse_write(const char *buf, size_t len, struct sig_line *lines,
		    size_t max, size_t *count);

/*
 * The name of @sig without "SIG": "INT", "RTMIN+2", "RTMAX"; signals with
 * no name (glibc's private 32 and 33) are written as their number.
 */
void sig_name(int sig, char *buf, size_t size);

/*
 * Writes the names of the signals set in @mask (bit n-1 for signal n) as
 * one space-separated line ending in '\n'.  Returns the length, or
 * -ENOSPC when @size is too small.
 */
int sig_format_set(uint64_t mask, char *buf, size_t size);

/*
 * Builds the /signals text: "NUM NAME description" per line for 1..31 and
 * SIGRTMIN..SIGRTMAX.  Returns a malloc'ed string and its length, or NULL.
 */
char *sig_table_text(size_t *len);

/*
 * The `wait` line for a wait(2)-style status: "exited N", "killed NAME",
 * "killed NAME core".  Returns the length.
 */
int sig_format_fate(int status, char *buf, size_t size);

#endif
