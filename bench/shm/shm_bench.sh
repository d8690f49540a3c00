#!/bin/bash
# Shared memory throughput, shm/<x> through ipcfs next to /dev/shm/<x>
# itself, measured alternately in one run on one 1 GiB object: sequential
# read and write with 1 MiB requests (dd bs=1M), a MAP_SHARED read of
# every byte, and 4 KiB reads at random offsets.  Two mounts: the default
# one (kernel passthrough, where the kernel and the server's privileges
# allow it) and one with -o nopassthrough (the page cache mode a server
# without CAP_SYS_ADMIN gets).  Prints each median of SHM_BENCH_REPS runs
# and the ratios to /dev/shm; asserts nothing.  Each run opens the file
# anew, so every page cache run starts empty (ipcfs drops it at open).
# One warm-up pass of each kind first: on a VM the first touch of fresh
# guest memory costs more than the work.
. "${TESTS_SRC:?}/lib.sh"

BENCH=${BENCH_BUILD:?}/shm/shmbench
MB=${SHM_BENCH_MB:-1024}
REPS=${SHM_BENCH_REPS:-5}
RAND=${SHM_BENCH_RAND:-50000}

mount_ipcfs -o nopassthrough
CM=$M CSERVER=$SERVER
mount_ipcfs
umount_both() {
	umount_ipcfs
	M=$CM SERVER=$CSERVER
	umount_ipcfs
}
on_exit umount_both
obj=ipcfs-bench-$$
D=/dev/shm/$obj
T=$M/shm/$obj
C=$CM/shm/$obj
on_exit "rm -f $D"
dd if=/dev/zero of="$D" bs=1M count="$MB" status=none || bail "cannot make $D"
bdi=$(awk -v d="$CM" '$5 == d { print $3 }' /proc/self/mountinfo)
grep -q 'shm files go through the server' "$M.log" &&
	diag "no passthrough on the default mount: $(grep 'shm files' "$M.log")"

# median of the first numbers of the lines on stdin
median() { awk '{ print $1 }' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# row NAME UNIT CMD...: runs CMD on the tree (both mounts) and on
# /dev/shm, in turn.
row() {
	local name=$1 unit=$2 i t c d; shift 2
	"$BENCH" "$@" "$T" >/dev/null
	"$BENCH" "$@" "$C" >/dev/null
	"$BENCH" "$@" "$D" >/dev/null
	t=$(for i in $(seq "$REPS"); do
		"$BENCH" "$@" "$T"; "$BENCH" "$@" "$C" >&4; "$BENCH" "$@" "$D" >&3
	done 3>"$M.direct" 4>"$M.cached" | median)
	d=$(median <"$M.direct")
	c=$(median <"$M.cached")
	rm -f "$M.direct" "$M.cached"
	# a speed ratio either way: for times, direct/tree
	awk -v n="$name" -v t="$t" -v c="$c" -v d="$d" -v u="$unit" 'BEGIN {
		printf "%-28s %10s %10s %10s %-6s %6.2fx %6.2fx\n", n, t, c, d, u,
			u == "us/op" ? d / t : t / d, u == "us/op" ? d / c : c / d }'
}

echo "# shm benchmark: ${MB} MiB object, median of $REPS runs, $(nproc) CPUs"
echo "# kernel $(uname -r), $("$IPCFS" --version | tail -n 1), readahead of the mount: $(cat /sys/class/bdi/"$bdi"/read_ahead_kb 2>/dev/null) KiB"
printf '%-28s %10s %10s %10s %-6s %7s %7s\n' "" "shm/" "shm/ nopt" "/dev/shm" "unit" "ratio" "nopt"
row "sequential read, 1 MiB"  MB/s read 1048576
row "sequential write, 1 MiB" MB/s write 1048576 $((MB << 20))
row "mmap MAP_SHARED read"     MB/s mmap
row "random 4 KiB pread, cold"  us/op rand "$RAND"
row "random 4 KiB pread, cached" us/op randwarm "$RAND"
echo "# ratio: shm/ speed as a fraction of /dev/shm's (1.00x = as fast);"
echo "# nopt: the same for the -o nopassthrough mount"
