#!/bin/bash
# Instructions per LOOKUP of one queue at 200 and at 10,000 queues (issue
# 13: it must not grow with the number of queues), counted in the
# server's loop thread by bench/mq/mq_lookup (ptrace single-step: this VM
# has no PMU for perf).  A fresh server and mount for each count, so the
# server's queue objects are those of that count only.  IPCFS_BASELINE=
# another ipcfs binary (say, main's) is counted in the same run, beside.
# MQ_LOOKUP_QUEUES="200 10000" and MQ_LOOKUP_K=32 change the sizes.
# mq_lookup raises fs.mqueue.queues_max while its queues exist and makes
# them as several users (RLIMIT_MSGQUEUE is per user); the script puts
# queues_max back at the end in any case.
set -u
IPCFS=${IPCFS:?} BENCH_BUILD=${BENCH_BUILD:?}
B=$BENCH_BUILD/mq
SIZES=${MQ_LOOKUP_QUEUES:-200 10000}
K=${MQ_LOOKUP_K:-32}
P=mqlk$$_
W=$(mktemp -d "${TMPDIR:-/tmp}/ipcfs-bench.XXXXXX")
chmod 755 "$W"
mkdir "$W/mnt"
SERVER=
QMAX=$(cat /proc/sys/fs/mqueue/queues_max)

mounted() { awk -v d="$1" '$5 == d' /proc/self/mountinfo | grep -q fuse; }
stop_server() {
	mounted "$W/mnt" && fusermount3 -u "$W/mnt"
	[ -n "$SERVER" ] && wait "$SERVER"
	SERVER=
}
cleanup() {
	local n
	for n in $SIZES; do "$B/mq_lookup" -c "$P" "$n"; done
	stop_server
	echo "$QMAX" >/proc/sys/fs/mqueue/queues_max
	rm -rf "$W"
}
[ -c /dev/fuse ] || { echo "no /dev/fuse: skipped"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "needs root (ptrace, many queues): skipped"; exit 77; }
[ "$(uname -m)" = x86_64 ] || { echo "counts on x86-64 only: skipped"; exit 77; }
trap cleanup EXIT
trap 'exit 1' INT TERM

# count BINARY N: prints mq_lookup's lines; RESULT lines go to $W/results
count() {
	local bin=$1 n=$2 label=$3 i
	"$bin" -f "$W/mnt" 2>"$W/ipcfs.log" &
	SERVER=$!
	for i in $(seq 200); do
		mounted "$W/mnt" && [ -d "$W/mnt/mq" ] && break
		sleep 0.05
	done
	mounted "$W/mnt" || { echo "ipcfs did not mount"; cat "$W/ipcfs.log"; return 1; }
	"$B/mq_lookup" "$W/mnt" "$SERVER" "$P" "$n" "$K" >"$W/out" || {
		cat "$W/out"; stop_server; return 1; }
	sed "s/^/$label /" "$W/out" | grep -v RESULT
	grep '^RESULT' "$W/out" | sed "s/^RESULT/$label/" >>"$W/results"
	stop_server
}

echo "machine: $(nproc) CPUs, $(uname -r); instructions are counted, not timed"
: >"$W/results"
BINS="now:$IPCFS"
[ -n "${IPCFS_BASELINE:-}" ] && BINS="before:$IPCFS_BASELINE $BINS"
for b in $BINS; do
	for n in $SIZES; do
		count "${b#*:}" "$n" "${b%%:*}" || exit 1
	done
done
echo "== instructions per stat (one LOOKUP) of a queue; ratio to the first size"
awk '{ v[$1 " " $2 " " $3] = $4; if (!($1 in seen)) { seen[$1]; order[++nb] = $1 } }
     END {
	split("'"$SIZES"'", sz, " ")
	for (b = 1; b <= nb; b++) for (w = 0; w < 2; w++) {
		what = w ? "repeat" : "fresh"
		line = sprintf("%-6s %-6s", order[b], what)
		first = v[order[b] " " what " " sz[1]]
		for (s = 1; s in sz; s++) {
			x = v[order[b] " " what " " sz[s]]
			line = line sprintf("  N=%s: %s", sz[s], x == "" ? "n/a" : x)
		}
		last = v[order[b] " " what " " sz[s - 1]]
		if (first > 0 && last != "")
			line = line sprintf("  ratio %.2f", last / first)
		print line
	}
     }' "$W/results"
