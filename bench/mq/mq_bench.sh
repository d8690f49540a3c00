#!/bin/bash
# The message queue family's benchmarks, side by side in one run: ipcfs
# and the null FUSE file system (the floor, bench/nullfs.c) mounted in
# fresh temporary directories.  Prints numbers and ratios, asserts no
# time.  MQ_PARKED=N changes the 10,000 parked readers (on 100 queues).
set -u
IPCFS=${IPCFS:?} NULLFS=${NULLFS:?} BENCH_BUILD=${BENCH_BUILD:?}
B=$BENCH_BUILD/mq
PARKED=${MQ_PARKED:-10000}
QUEUES=100
W=$(mktemp -d "${TMPDIR:-/tmp}/ipcfs-bench.XXXXXX")
chmod 755 "$W"
mkdir "$W/ipcfs" "$W/null"
Q=mqbench$$
P=mqpark$$_

mounted() { awk -v d="$1" '$5 == d' /proc/self/mountinfo | grep -q fuse; }
cleanup() {
	local i
	"$B/mq_unl" "/$Q" 2>/dev/null
	for i in $(seq 0 $((QUEUES - 1))); do "$B/mq_unl" "/$P$i" 2>/dev/null; done
	for d in "$W/ipcfs" "$W/null"; do
		mounted "$d" && fusermount3 -u "$d"
	done
	wait
	rm -rf "$W"
}
[ -c /dev/fuse ] || { echo "no /dev/fuse: skipped"; exit 77; }
trap cleanup EXIT
trap 'exit 1' INT TERM
"$IPCFS" -f "$W/ipcfs" 2>"$W/ipcfs.log" &
SERVER=$!
"$NULLFS" "$W/null" &
NULLPID=$!
for i in $(seq 100); do
	mounted "$W/ipcfs" && mounted "$W/null" && [ -e "$W/ipcfs/signals" ] && break
	sleep 0.05
done
echo "machine: $(nproc) CPUs, $(uname -r); the box is shared, so numbers are noisy"
mkdir "$W/ipcfs/mq/$Q,maxmsg=10,msgsize=64" || exit 1
# Side by side on one CPU, servers and client alike: on a VM a wake-up
# across CPUs costs tens of microseconds each way, and where the scheduler
# puts each process would decide the comparison.
ALL=0-$(($(nproc) - 1))
echo "== pinned to CPU 0 (both servers and the client)"
taskset -apc 0 "$SERVER" >/dev/null && taskset -apc 0 "$NULLPID" >/dev/null
taskset -c 0 "$B/mq_bench" "$W/ipcfs" "$W/null" "/$Q" "$SERVER" || exit 1
echo "== not pinned (CPUs $ALL)"
taskset -apc "$ALL" "$SERVER" >/dev/null && taskset -apc "$ALL" "$NULLPID" >/dev/null
"$B/mq_bench" "$W/ipcfs" "$W/null" "/$Q" "$SERVER" wake || exit 1
for i in $(seq 0 $((QUEUES - 1))); do
	mkdir "$W/ipcfs/mq/$P$i,maxmsg=10,msgsize=16" || exit 1
done
"$B/mq_parked" "$W/ipcfs" "$P" "$QUEUES" "$PARKED" "$SERVER"
