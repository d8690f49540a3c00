#!/bin/bash
# `ls -l proc/` against `ls -l /proc`, side by side in one run, with
# 1,000, 5,000 and 20,000 more processes (BENCH_PROCS="1000 5000 20000"):
# per count, R interleaved rounds (BENCH_ROUNDS, 5) of a cold listing of
# each (dentries and inodes dropped first: drop_caches, which also makes
# the kernel forget the tree's nodes) and a warm one (again at once);
# prints the medians and the median of the per-round ratios, and the
# server's fds after the listings against its fds when idle.  Server and
# clients run where the scheduler puts them, as a user's would (a
# listing is a batch job, not a latency); BENCH_CPU=N pins them all to
# CPU N.  Needs root (drop_caches).  Asserts nothing about time.
. "$TESTS_SRC/lib.sh"
. "$BENCH_SRC/listlib.sh"
need_root "drops the kernel's caches between rounds"
B=$BENCH_BUILD/proc
R=${BENCH_ROUNDS:-5}
COUNTS=${BENCH_PROCS:-1000 5000 20000}
CPU=${BENCH_CPU:-}
mount_ipcfs
scratch_dir
if [ -n "$CPU" ]; then
	taskset -apc "$CPU" "$SERVER" >/dev/null
	LIST_PIN=(taskset -c "$CPU")
fi

# pid_max must leave room for the processes asked for
need=0
for n in $COUNTS; do [ "$n" -gt "$need" ] && need=$n; done
pid_max=$(cat /proc/sys/kernel/pid_max)
if [ $((need + $(ls -d /proc/[0-9]* 2>/dev/null | wc -l) + 2000)) -gt "$pid_max" ]; then
	echo $((need * 2 + 32768)) >/proc/sys/kernel/pid_max ||
		bail "kernel.pid_max is too small for $need processes"
	on_exit "echo $pid_max >/proc/sys/kernel/pid_max"
fi

ls -l "$M/proc" >/dev/null
idle=$(ls "/proc/$SERVER/fd" | wc -l)
printf '%-8s %-5s %10s %12s %8s\n' procs kind "ipcfs ms" "/proc ms" ratio
for n in $COUNTS; do
	exec {procs}< <(exec "$B/procs" "$n")
	pp=$!
	read -r -u "$procs" line || bail "could not make $n processes"
	[ "$line" = ready ] || bail "procs said: $line"
	list_rounds "$R" "$M/proc" /proc "$T/times"
	list_report "$n" "$T/times"
	echo "         server fds: idle $idle, after listing $n more: $(ls "/proc/$SERVER/fd" | wc -l)"
	kill "$pp"
	wait "$pp" 2>/dev/null
	exec {procs}<&-
done
