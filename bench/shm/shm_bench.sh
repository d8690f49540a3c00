#!/bin/bash
# Shared memory throughput, shm/<x> through ipcfs next to /dev/shm/<x>
# itself, measured alternately in one run on one 1 GiB object: sequential
# read and write with 1 MiB requests (dd bs=1M), a MAP_SHARED read of
# every byte, and 4 KiB reads at random offsets.  Prints each median of
# SHM_BENCH_REPS runs and the ratio tree/direct; asserts nothing.  Each
# run opens the file anew, so every tree run starts with an empty page
# cache (ipcfs drops it at open).  One warm-up pass of each kind first:
# on a VM the first touch of fresh guest memory costs more than the work.
. "${TESTS_SRC:?}/lib.sh"

BENCH=${BENCH_BUILD:?}/shm/shmbench
MB=${SHM_BENCH_MB:-1024}
REPS=${SHM_BENCH_REPS:-5}
RAND=${SHM_BENCH_RAND:-50000}

mount_ipcfs
on_exit umount_ipcfs
obj=ipcfs-bench-$$
D=/dev/shm/$obj
T=$M/shm/$obj
on_exit "rm -f $D"
dd if=/dev/zero of="$D" bs=1M count="$MB" status=none || bail "cannot make $D"
bdi=$(awk -v d="$M" '$5 == d { print $3 }' /proc/self/mountinfo)

# median of the first numbers of the lines on stdin
median() { awk '{ print $1 }' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# row NAME UNIT CMD...: runs CMD on the tree and on /dev/shm, alternately.
row() {
	local name=$1 unit=$2 i t d; shift 2
	"$BENCH" "$@" "$T" >/dev/null
	"$BENCH" "$@" "$D" >/dev/null
	t=$(for i in $(seq "$REPS"); do "$BENCH" "$@" "$T"; "$BENCH" "$@" "$D" >&3; done 3>"$M.direct" | median)
	d=$(median <"$M.direct")
	rm -f "$M.direct"
	# a speed ratio either way: for times, direct/tree
	awk -v n="$name" -v t="$t" -v d="$d" -v u="$unit" 'BEGIN {
		printf "%-28s %10s %10s %-6s %6.2fx\n", n, t, d, u,
			u == "us/op" ? d / t : t / d }'

}

echo "# shm benchmark: ${MB} MiB object, median of $REPS runs, $(nproc) CPUs"
echo "# kernel $(uname -r), $("$IPCFS" --version | tail -n 1), readahead of the mount: $(cat /sys/class/bdi/"$bdi"/read_ahead_kb 2>/dev/null) KiB"
printf '%-28s %10s %10s %-6s %7s\n' "" "shm/" "/dev/shm" "unit" "ratio"
row "sequential read, 1 MiB"  MB/s read 1048576
row "sequential write, 1 MiB" MB/s write 1048576 $((MB << 20))
row "mmap MAP_SHARED read"     MB/s mmap
row "random 4 KiB pread, cold"  us/op rand "$RAND"
row "random 4 KiB pread, cached" us/op randwarm "$RAND"
echo "# ratio: shm/ speed as a fraction of /dev/shm's (1.00x = as fast)"
