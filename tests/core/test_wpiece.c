/* Unit tests of telling a whole write from a piece of a split one. */
#define _GNU_SOURCE
#include "../tap.h"
#include "wpiece.h"

#include <stdio.h>
#include <sys/syscall.h>

#define MIB (1024 * 1024)

static enum wpiece judge(long nr, unsigned long a3, size_t size)
{
	char line[128];

	snprintf(line, sizeof(line),
		 "%ld 0x3 0x7ffd1000 0x%lx 0x0 0x0 0x0 "
		 "0x7ffd0ff8 0x7f00deadbeef\n",
		 nr, a3);
	return wpiece_judge(line, size, 256, MIB);
}

static void small_requests_are_whole(void)
{
	is_int(wpiece_min(256), 256, "256 pages: 256 bytes at least");
	is_int(wpiece_min(0), 1, "never 0");
	is_int(wpiece_judge("running", 255, 256, MIB), WPIECE_WHOLE,
	       "255 bytes cannot fill 256 pages: whole, nothing read");
	is_int(judge(SYS_writev, 300, 255), WPIECE_WHOLE,
	       "even from a writev of 300 segments");
}

static void one_buffer_by_its_length(void)
{
	is_int(judge(SYS_write, 300, 300), WPIECE_WHOLE, "write of 300: whole");
	is_int(judge(SYS_pwrite64, 8000, 8000), WPIECE_WHOLE, "pwrite: whole");
	is_int(judge(SYS_write, 2 * MIB, MIB), WPIECE_LONG,
	       "write of 2 MiB, a 1 MiB request: longer");
	is_int(judge(SYS_write, MIB, MIB - 100), WPIECE_LONG,
	       "1 MiB from an unaligned buffer (257 pages): longer");
}

static void vectored_by_its_segments(void)
{
	is_int(judge(SYS_writev, 300, 256), WPIECE_SPLIT,
	       "300 one-byte segments: the first 256 may be a piece");
	is_int(judge(SYS_writev, 100, 300), WPIECE_WHOLE,
	       "100 segments of 3: at most 200 pages, whole");
	is_int(judge(SYS_writev, 2, 8000), WPIECE_WHOLE, "header and body");
	is_int(judge(SYS_writev, 127, 300), WPIECE_WHOLE, "127: 254 pages");
	is_int(judge(SYS_writev, 128, 300), WPIECE_SPLIT, "128: maybe 256");
	is_int(judge(SYS_writev, 2, 1000 * 1024 + 4095), WPIECE_WHOLE,
	       "2 segments, 1000 KiB: at most 250 + 4 pages, whole");
	is_int(judge(SYS_writev, 2, 1020 * 1024), WPIECE_SPLIT,
	       "2 segments, 1020 KiB: maybe 255 + 4 pages");
	is_int(judge(SYS_pwritev, 300, 256), WPIECE_SPLIT, "pwritev too");
	is_int(judge(SYS_writev, 2, MIB), WPIECE_SPLIT, "max_write reached");
}

static void what_cannot_be_judged(void)
{
	is_int(wpiece_judge("running\n", 300, 256, MIB), WPIECE_UNKNOWN,
	       "a running task");
	is_int(wpiece_judge("-1 0x7ffd0ff8 0x7f00\n", 300, 256, MIB),
	       WPIECE_UNKNOWN, "not in a syscall");
	is_int(wpiece_judge("", 300, 256, MIB), WPIECE_UNKNOWN, "empty");
	is_int(wpiece_judge("1 0x3", 300, 256, MIB), WPIECE_UNKNOWN,
	       "too few arguments");
	is_int(judge(SYS_io_submit, 1, 300), WPIECE_UNKNOWN, "aio");
	is_int(judge(SYS_sendfile, 0x10000, 300), WPIECE_WHOLE,
	       "sendfile: the kernel's 16-page pipe");
	is_int(wpiece_of(0, 300, 256, MIB), WPIECE_UNKNOWN,
	       "no tid (another pid namespace)");
}

int main(void)
{
	small_requests_are_whole();
	one_buffer_by_its_length();
	vectored_by_its_segments();
	what_cannot_be_judged();
	return done_testing();
}
