#!/bin/bash
# The signal path against its floors, side by side in one run:
#   ipcfs  echo USR1 > proc/PID/signal     (bash, and open+write+close in C)
#   null   the same write to nullfs, a FUSE file system that does nothing
#   kill   /bin/kill (fork+exec) and kill(2)
# the server's system calls per C open+write+close (strace -c, if there),
# against the same count for nullfs,
# then 1,000 parked `wait` readers: the server's RSS and thread count.
# Client and servers are pinned to one CPU, as in SPEC's measured notes.
# Prints numbers and ratios; asserts nothing about time.
. "$TESTS_SRC/lib.sh"
B=$BENCH_BUILD
CPU=${BENCH_CPU:-0}
N=${BENCH_N:-20000}

mount_ipcfs
taskset -pc "$CPU" "$SERVER" >/dev/null
NULLDIR=$(mktemp -d)
taskset -c "$CPU" "$NULLFS" -f "$NULLDIR" &
NULLPID=$!
on_exit "fusermount3 -u $NULLDIR; wait $NULLPID; rmdir $NULLDIR"
wait_for test -e "$NULLDIR/null" || bail "nullfs did not mount"

# libfuse's own null example (a high-level fuse_main server of one file,
# mounted on a regular file), built from Debian's libfuse3-dev examples
# when they are there: the reference the issue names beside our floor.
LFNULL=$B/libfuse-null
LFNULLFILE=
if [ -r /usr/share/doc/libfuse3-dev/examples/null.c ] &&
	cc -O2 -o "$LFNULL" /usr/share/doc/libfuse3-dev/examples/null.c \
		$(pkg-config --cflags --libs fuse3) 2>/dev/null; then
	LFNULLFILE=$(mktemp)
	taskset -c "$CPU" "$LFNULL" -f "$LFNULLFILE" &
	LFNULLPID=$!
	on_exit "fusermount3 -u $LFNULLFILE; wait $LFNULLPID; rm -f $LFNULLFILE"
	wait_for bash -c "awk -v d='$LFNULLFILE' '\$5 == d' /proc/self/mountinfo | grep -q fuse" ||
		bail "libfuse's null example did not mount"
fi

# The target blocks USR1: every signal is really sent and stays pending.
start_logged "$M.target" "$HELPERS/sigval" 0 "$(kill -l USR1)"
target=$(helper_pid "$M.target")
on_exit "kill $target"

pin() { taskset -c "$CPU" "$@"; }
bash_loop() {
	pin bash -c 'n=$2; t0=$(date +%s%N); for ((i = 0; i < n; i++)); do
		echo USR1 >"$1"; done; t1=$(date +%s%N)
		awk -v d=$((t1 - t0)) -v n="$n" "BEGIN { printf \"%.2f\n\", d / n / 1000 }"' \
		_ "$1" "$2"
}

c_ipcfs=$(pin "$B/sigbench" write "$M/proc/$target/signal" "$N")
c_null=$(pin "$B/sigbench" write "$NULLDIR/null" "$N")
c_lfnull=
[ -n "$LFNULLFILE" ] && c_lfnull=$(pin "$B/sigbench" write "$LFNULLFILE" "$N")
b_ipcfs=$(bash_loop "$M/proc/$target/signal" $((N / 4)))
b_null=$(bash_loop "$NULLDIR/null" $((N / 4)))
k_sys=$(pin "$B/sigbench" kill "$target" "$(kill -l USR1)" $((N * 10)))
k_bin=$(pin "$B/sigbench" exec "$target" 300)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "# signal path, microseconds per signal (median of 5 rounds, CPU $CPU)"
printf '%-44s %8s %s\n' "what" "us/op" "ratio"
printf '%-44s %8s %s\n' "C open+write+close, ipcfs proc/PID/signal" "$c_ipcfs" "1.00"
printf '%-44s %8s %sx ipcfs\n' "C open+write+close, nullfs (the floor)" "$c_null" "$(ratio "$c_null" "$c_ipcfs")"
[ -n "$c_lfnull" ] &&
	printf '%-44s %8s %sx ipcfs\n' "C open+write+close, libfuse's null example" "$c_lfnull" "$(ratio "$c_lfnull" "$c_ipcfs")"
printf '%-44s %8s %s\n' "bash echo USR1 >, ipcfs" "$b_ipcfs" ""
printf '%-44s %8s %sx ipcfs\n' "bash echo USR1 >, nullfs" "$b_null" "$(ratio "$b_null" "$b_ipcfs")"
printf '%-44s %8s %sx ipcfs\n' "/bin/kill (fork+exec)" "$k_bin" "$(ratio "$k_bin" "$c_ipcfs")"
printf '%-44s %8s %sx ipcfs\n' "kill(2)" "$k_sys" "$(ratio "$k_sys" "$c_ipcfs")"
echo "ipcfs/nullfs (C):    $(ratio "$c_ipcfs" "$c_null")   (goal <= 1.05)"
[ -n "$c_lfnull" ] && echo "ipcfs/libfuse null:  $(ratio "$c_ipcfs" "$c_lfnull")"
echo "ipcfs/nullfs (bash): $(ratio "$b_ipcfs" "$b_null")"
echo "/bin/kill/ipcfs:     $(ratio "$k_bin" "$c_ipcfs")   (goal >= 5)"

# System calls per open+write+close, counted by strace -c on the server
# (all its threads) around sigbench, after the timed runs (strace slows
# every call down).  sigbench write N makes N / 10 + 1 + 5 * N ops.
SC_N=${BENCH_SYSCALL_N:-1000}
syscalls() { # SERVERPID PATH OUT: calls per op, then each frequent one
	local pid=$1 path=$2 out=$3 st ops=$((SC_N / 10 + 1 + 5 * SC_N))
	strace -f -c -o "$out" -p "$pid" 2>/dev/null &
	st=$!
	# attached once the server's state says it is traced
	wait_for grep -q "^TracerPid:[[:space:]]*$st\$" "/proc/$pid/status"
	pin "$B/sigbench" write "$path" "$SC_N" >/dev/null
	kill -INT "$st"
	wait "$st"
	# rows: % time, seconds, usecs/call, calls, [errors,] syscall
	awk -v ops="$ops" '$1 ~ /^[0-9.]+$/ {
		if ($NF == "total") { total = $4 / ops; next }
		if ($NF != "read" && $NF != "writev" && $NF != "epoll_wait")
			work += $4
		if ($4 >= ops / 20) top = top sprintf(" %s %.2f", $NF, $4 / ops)
	} END { printf "%.2f, %.2f besides /dev/fuse I/O  (per op:%s)\n",
		total, work / ops, top }' "$out"
}
if command -v strace >/dev/null; then
	on_exit "rm -f $M.strace-ipcfs $M.strace-null"
	echo "# server system calls per C open+write+close (strace -c, $SC_N x 5 ops)"
	echo "# (read/writev/epoll_wait of /dev/fuse vary with how requests batch)"
	echo "ipcfs:  $(syscalls "$SERVER" "$M/proc/$target/signal" "$M.strace-ipcfs")"
	echo "nullfs: $(syscalls "$NULLPID" "$NULLDIR/null" "$M.strace-null")"
else
	echo "# no strace: system calls per op not counted"
fi

# 1,000 parked wait readers on 1,000 processes.
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER/status"; }
threads() { awk '/^Threads:/ { print $2 }' "/proc/$SERVER/status"; }
rss0=$(rss)
pids=()
for i in $(seq 1000); do sleep 1000 & pids+=($!); done
for p in "${pids[@]}"; do cat "$M/proc/$p/wait" >/dev/null & done
sleep 2
parked=$(pgrep -fc "^cat $M/proc/")
rss1=$(rss)
thr=$(threads)
t0=$(date +%s%N)
ls "$M/proc" >/dev/null
t1=$(date +%s%N)
kill "${pids[@]}"
wait_for bash -c "! pgrep -f '^cat $M/proc/' >/dev/null"
echo "# $parked parked wait readers"
echo "server RSS: ${rss0} kB before, ${rss1} kB with them parked ($(( (rss1 - rss0) * 1000 / parked )) bytes per reader)"
echo "server threads: $thr"
echo "ls proc/ while they wait: $(( (t1 - t0) / 1000000 )) ms"
