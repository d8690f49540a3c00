#!/bin/bash
# Messages per second through one queue, 1+1, 2+2 and 8+8 senders and
# receivers (processes), through the tree and with mq_* direct in
# interleaved rounds (mq_flow.c): a sender keeps its priority file open
# (a WRITE a message), a receiver opens, reads and closes `next` for each
# (OPEN, READ, RELEASE).  MQ_FLOW_N messages a round (20,000).  Then the
# server's system calls per message at 2+2 (strace -c), to say what the
# server does per message.  Asserts nothing about time.
. "${TESTS_SRC:?}/lib.sh"
B=${BENCH_BUILD:?}/mq
N=${MQ_FLOW_N:-20000}
mount_ipcfs
Q=flow$$
mkdir "$M/mq/$Q,maxmsg=10,msgsize=64" || bail "cannot make the queue"
on_exit "rmdir '$M/mq/$Q' 2>/dev/null"
echo "machine: $(nproc) CPUs, $(uname -r); $N messages of 32 bytes a round"
for c in "1 1" "2 2" "8 8"; do
	# shellcheck disable=SC2086 # "S R"
	"$B/mq_flow" "$M" "/$Q" $c "$N" || bail "mq_flow $c failed"
done
if command -v strace >/dev/null; then
	out=$M.strace
	on_exit "rm -f $out"
	strace -f -c -o "$out" -p "$SERVER" 2>/dev/null &
	st=$!
	wait_for grep -q "^TracerPid:[[:space:]]*$st\$" "/proc/$SERVER/status"
	"$B/mq_flow" "$M" "/$Q" 2 2 2000 >/dev/null || bail "mq_flow under strace failed"
	kill -INT "$st"
	wait "$st"
	# mq_flow runs 5 rounds each way: 5 * 2000 messages through the tree
	awk -v msgs=10000 '$1 ~ /^[0-9.]+$/ {
		if ($NF == "total") { total = $4 / msgs; next }
		if ($4 >= msgs / 20) top = top sprintf(" %s %.2f", $NF, $4 / msgs)
	} END { printf "server system calls per message at 2+2: %.2f (%s)\n", total, top }' "$out"
fi
