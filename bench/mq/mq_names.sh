#!/bin/bash
# The server's CPU time (utime + stime of /proc/PID/stat) while another
# program makes N queues directly (mq_open, not through the tree), stats
# each through the tree (so the server holds an object for each, as after
# `ls -l mq/`), and unlinks them directly: every make and unlink is an
# inotify event the server handles by the queue's name, so a server that
# walks all its queues per event spends O(N^2) in the unlinks.  Printed
# per step and in all; IPCFS_BASELINE= another ipcfs binary (say,
# main's) is run in the same run, before, and the ratio printed.
# MQ_NAMES_N=5000 changes the count.  fs.mqueue.queues_max is raised by
# N while the queues exist (root lacks CAP_SYS_RESOURCE here) and put
# back at the end in any case; the queues are small (maxmsg 1, msgsize 1)
# so one user's RLIMIT_MSGQUEUE holds them.
set -u
IPCFS=${IPCFS:?} BENCH_BUILD=${BENCH_BUILD:?}
B=$BENCH_BUILD/mq
N=${MQ_NAMES_N:-5000}
P=mqnm$$_
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
	"$B/mq_names" unlink "$P" "$N"
	stop_server
	echo "$QMAX" >/proc/sys/fs/mqueue/queues_max
	rm -rf "$W"
}
[ -c /dev/fuse ] || { echo "no /dev/fuse: skipped"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "needs root (queues_max, mount): skipped"; exit 77; }
trap cleanup EXIT
trap 'exit 1' INT TERM

# run LABEL BINARY: appends "LABEL make stat unlink total" (ms) to results
run() {
	local label=$1 bin=$2 i c0 c1 c2 c3
	"$bin" -f "$W/mnt" 2>"$W/ipcfs.log" &
	SERVER=$!
	for i in $(seq 200); do
		mounted "$W/mnt" && [ -d "$W/mnt/mq" ] && break
		sleep 0.05
	done
	mounted "$W/mnt" || { echo "ipcfs did not mount"; cat "$W/ipcfs.log"; return 1; }
	ls "$W/mnt/mq" >/dev/null || return 1
	echo $((QMAX + N)) >/proc/sys/fs/mqueue/queues_max || return 1
	c0=$("$B/mq_names" cpu "$SERVER") &&
	"$B/mq_names" make "$P" "$N" &&
	c1=$("$B/mq_names" cpu "$SERVER") &&
	"$B/mq_names" stat "$W/mnt" "$P" "$N" &&
	c2=$("$B/mq_names" cpu "$SERVER") &&
	"$B/mq_names" unlink "$P" "$N" &&
	c3=$("$B/mq_names" cpu "$SERVER") || { stop_server; return 1; }
	echo "$QMAX" >/proc/sys/fs/mqueue/queues_max
	echo "$label $((c1 - c0)) $((c2 - c1)) $((c3 - c2)) $((c3 - c0))" >>"$W/results"
	stop_server
}

echo "machine: $(nproc) CPUs, $(uname -r); $N queues; server CPU ms (utime+stime)"
: >"$W/results"
[ -n "${IPCFS_BASELINE:-}" ] && { run before "$IPCFS_BASELINE" || exit 1; }
run now "$IPCFS" || exit 1
awk '{ printf "%-6s make %6d  stat %6d  unlink %6d  total %6d\n", $1, $2, $3, $4, $5 }' "$W/results"
awk '$1 == "before" { for (i = 2; i <= 5; i++) b[i] = $i; have = 1 }
     $1 == "now" { for (i = 2; i <= 5; i++) n[i] = $i }
     END {
	if (!have)
		exit
	split("make stat unlink total", what, " ")
	line = "before/now"
	for (i = 2; i <= 5; i++) {
		r = "n/a"
		if (n[i] > 0)
			r = sprintf("%.2f", b[i] / n[i])
		line = line "  " what[i - 1] " " r
	}
	print line
     }' "$W/results"
