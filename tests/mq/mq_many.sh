#!/bin/bash
# Many waiters: 1,000 `cat next` parked on one queue cost no thread each
# and leave the tree usable; then 1,000 messages with unique ids reach
# those 1,000 readers exactly once each (sorted outputs: no duplicate,
# none missing, one message per reader).  Again with the readers starting
# while the messages flow, sent through the tree this time.
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"

N=${MQ_MANY:-1000}
mount_ipcfs
mq_queue many$$ maxmsg=10,msgsize=16
mq_track "${Q}b"
scratch_dir

# check_once ROUND: the outputs hold each id FIRST..FIRST+N-1 exactly once
check_once() {
	local round=$1 first=$2
	cat "$T"/$round.* | sort >"$T/all.$round"
	is "$(wc -l <"$T/all.$round")" "$N" "$round: $N messages received"
	is "$(uniq -d "$T/all.$round" | wc -l)" 0 "$round: no duplicate"
	is "$(seq -f '%08g' "$first" $((first + N - 1)) | comm -23 - "$T/all.$round" | wc -l)" 0 \
		"$round: none missing"
	is "$(for f in "$T"/$round.*; do wc -l <"$f"; done | sort -u | tr '\n' ' ')" "1 " \
		"$round: each reader got exactly one message"
}

# ---- 1,000 parked readers
for i in $(seq "$N"); do
	cat "$D/next" >"$T/parked.$i" &
	echo $! >>"$T/pids"
done
all_in() { [ "$(parked_count "$T/pids")" -eq "$N" ]; }
wait_for all_in
is "$(parked_count "$T/pids")" "$N" "$N readers are waiting in read(2)"
sleep 0.5
is "$(parked_count "$T/pids")" "$N" "and still waiting"
threads=$(server_threads)
rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER/status")
diag "server with $N parked readers: $threads threads, VmRSS $rss kB"
ok "the server has at most 4 threads" test "$threads" -le 4
t0=$(now_ms)
is "$(cat "$D/curmsgs") $(cat "$D/maxmsg")" "0 10" "mq/Q still answers"
is "$(ls "$D" | wc -l)" 36 "and lists"
mkdir "$M/mq/${Q}b,maxmsg=2,msgsize=16"
printf 'other' >"$M/mq/${Q}b/1"
is "$(cat "$M/mq/${Q}b/next")" other "another queue works meanwhile"
rmdir "$M/mq/${Q}b"
t1=$(now_ms)
# Nothing of it may wait for the parked readers; a minute only tells that
# from a hang (a busy machine may be slow).
ok "none of that waited for the readers ($((t1 - t0)) ms, well under a minute)" test $((t1 - t0)) -lt 60000
is "$("$MQH/mq_hold" -s "/$Q")" "notify_pid=$SERVER" "the server holds the queue's registration"

# ---- 1,000 messages for them
"$MQH/mq_flood" mq "/$Q" 0 "$N"
ok "all readers got one and ended" wait_for bash -c "test \$(ps -o pid= -p \$(paste -sd, '$T/pids') | wc -l) -eq 0"
check_once parked 0
is "$(curmsgs "$Q")" 0 "nothing is left in the queue"
is "$("$MQH/mq_hold" -s "/$Q")" "notify_pid=0" "and no registration is held"

# ---- readers and senders at once, through the tree
rm -f "$T/pids"
"$MQH/mq_flood" file "$D/7" 100000 "$N" &
sender=$!
for i in $(seq "$N"); do
	cat "$D/next" >"$T/racing.$i" &
	echo $! >>"$T/pids"
done
wait "$sender"
ok "the sender got everything in" test $? -eq 0
ok "all readers ended" wait_for bash -c "test \$(ps -o pid= -p \$(paste -sd, '$T/pids') | wc -l) -eq 0"
check_once racing 100000
is "$(curmsgs "$Q")" 0 "nothing is left in the queue"
ok "the server is alive" server_alive
done_testing
