#!/bin/bash
# `ls -l mq/` against `ls -l` of a private mqueue file system mount, side
# by side in one run, with 10, 1,000 and 10,000 queues (MQ_LIST_COUNTS):
# per count, R interleaved rounds (MQ_LIST_ROUNDS, 5) of a cold listing of
# each (dentries dropped first: drop_caches, which also makes the kernel
# forget the tree's nodes) and a warm one; prints the medians and the
# median of the per-round ratios, and the server's fds.  The queues are
# made directly (mq_open, maxmsg 1, msgsize 1) by users 4000.. in turn,
# 1,000 each: one user's RLIMIT_MSGQUEUE (800 KiB) holds fewer than
# 10,000 and root may not raise it here; fs.mqueue.queues_max is raised
# while they exist and put back at the end.  Needs root.  Asserts
# nothing about time.
. "${TESTS_SRC:?}/lib.sh"
. "${BENCH_SRC:?}/listlib.sh"
need_root "drop_caches, queues_max, queues of other users"
B=${BENCH_BUILD:?}/mq
R=${MQ_LIST_ROUNDS:-5}
COUNTS=${MQ_LIST_COUNTS:-10 1000 10000}
P=mqls$$_
QMAX=$(cat /proc/sys/fs/mqueue/queues_max)
mount_ipcfs
scratch_dir
mkdir "$T/mqueue"
mount -t mqueue none "$T/mqueue" || bail "cannot mount an mqueue file system"
on_exit "umount '$T/mqueue'"
on_exit "echo $QMAX >/proc/sys/fs/mqueue/queues_max"
made=0
batches=() # "UID PREFIX COUNT" of each mq_names make
unmake() {
	local b u p n
	for b in "${batches[@]}"; do
		read -r u p n <<<"$b"
		setpriv --reuid="$u" --regid="$u" --clear-groups "$B/mq_names" unlink "$p" "$n"
	done
}
on_exit unmake
# more N: makes queues until N exist, at most 1,000 per user (4000, 4001 ...)
more() {
	local want=$1 u n
	echo $((QMAX + want)) >/proc/sys/fs/mqueue/queues_max || return 1
	while [ "$made" -lt "$want" ]; do
		u=$((4000 + made / 1000))
		n=$((1000 - made % 1000))
		[ $((want - made)) -lt "$n" ] && n=$((want - made))
		batches+=("$u $P$made- $n")
		setpriv --reuid="$u" --regid="$u" --clear-groups \
			"$B/mq_names" make "$P$made-" "$n" || return 1
		made=$((made + n))
	done
}
echo "machine: $(nproc) CPUs, $(uname -r)"
printf '%-8s %-5s %10s %12s %8s\n' queues kind "ipcfs ms" "mqueue ms" ratio
for n in $COUNTS; do
	more "$n" || bail "could not make $n queues"
	list_rounds "$R" "$M/mq" "$T/mqueue" "$T/times"
	listed=$(ls "$M/mq" | grep -c "^$P")
	[ "$listed" = "$n" ] || bail "mq/ lists $listed of $n queues"
	list_report "$n" "$T/times"
	echo "         server fds after listing $n queues: $(ls "/proc/$SERVER/fd" | wc -l)"
done
