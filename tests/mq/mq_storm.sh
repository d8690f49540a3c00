#!/bin/bash
# The storm: 100,000 messages flow (half sent with mq_send, half written
# to a priority file of the tree) while readers are killed at random, with
# SIGKILL or SIGINT, at any point of their open/read/close loop.  Not one
# message may be lost or duplicated.
#
# Counting: each message carries a unique id.  Each reader (mq_reader)
# read(2)s straight into a MAP_SHARED mapping of its own output file, so a
# message the kernel delivered into the reader's memory is in that file
# even if the reader dies the next instant.  At the end the readers are
# killed, the queue is drained with mq_receive, and the ids in all output
# files plus the drained ones must be exactly 0..99,999, each once.
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"

N=${MQ_STORM_MESSAGES:-100000}
READERS=${MQ_STORM_READERS:-16}
# A hang detector, not a performance bound: the storm is bounded by its
# message count, and a busy machine may take long.
LIMIT=${MQ_STORM_SECONDS:-480}
mount_ipcfs
mq_queue storm$$ maxmsg=10,msgsize=16
scratch_dir

seq_no=0
start_reader() {
	seq_no=$((seq_no + 1))
	# SIGINT at its default from the first instruction: a script's
	# background job starts with it ignored, and a SIGINT landing before
	# mq_reader resets it would be lost, leaving the reader parked.
	env --default-signal=INT "$MQH/mq_reader" "$D/next" "$T/out.$seq_no" $((N * 10)) 2>/dev/null &
	readers[$1]=$!
	all_readers+=($!)
}
readers=() all_readers=()
for r in $(seq 0 $((READERS - 1))); do start_reader "$r"; done

half=$((N / 2))
# Their statuses go to files: bash remembers only so many ended jobs, and
# a long storm starts thousands of readers (wait would answer 127).
("$MQH/mq_flood" mq "/$Q" 0 "$half"; echo $? >"$T/s1.rc") &
s1=$!
("$MQH/mq_flood" file "$D/2" "$half" $((N - half)); echo $? >"$T/s2.rc") &
s2=$!

kills=0 ints=0 t0=$(now_ms)
exec 3>&2 2>/dev/null # bash reports every killed job
while kill -0 "$s1" 2>/dev/null || kill -0 "$s2" 2>/dev/null; do
	if [ $(( $(now_ms) - t0 )) -gt $((LIMIT * 1000)) ]; then
		fail "the storm ended within $LIMIT s"
		break
	fi
	r=$((RANDOM % READERS))
	if ((RANDOM % 2)); then
		kill -KILL "${readers[$r]}" 2>/dev/null && kills=$((kills + 1))
	else
		kill -INT "${readers[$r]}" 2>/dev/null && ints=$((ints + 1))
	fi
	start_reader "$r"
	sleep 0.00$((RANDOM % 9 + 1))
done
wait "$s1" "$s2"
rc1=$(cat "$T/s1.rc" 2>/dev/null) rc2=$(cat "$T/s2.rc" 2>/dev/null)
rm -f "$T/s1.rc" "$T/s2.rc"
is "$rc1:$rc2" "0:0" "both senders sent everything"
diag "storm: $(( ($(now_ms) - t0) / 1000 )) s, $kills SIGKILL, $ints SIGINT, $seq_no readers"
ok "the storm killed at least 100 readers" test $((kills + ints)) -ge 100
# let the living readers empty the queue, then stop them too
empty() { [ "$(curmsgs "$Q")" -eq 0 ]; }
wait_for empty
for p in "${all_readers[@]}"; do kill -KILL "$p" 2>/dev/null; done
alive() { local p; for p in "${all_readers[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
not_alive() { ! alive; }
wait_for not_alive
exec 2>&3 3>&-
if alive; then
	for p in "${all_readers[@]}"; do
		kill -0 "$p" 2>/dev/null &&
			diag "reader $p still there: $(cat "/proc/$p/wchan") syscall $(cut -d' ' -f1 "/proc/$p/syscall")"
	done
	bail "killed readers did not end within a minute"
fi
for p in "${all_readers[@]}"; do wait "$p" 2>/dev/null; done
sleep 0.3
"$MQH/mq_rec" -a -d "/$Q" >"$T/drained"
sleep 0.3
"$MQH/mq_rec" -a -d "/$Q" >>"$T/drained"
cat "$T"/out.* "$T/drained" | tr -d '\0' | sort >"$T/all"
total=$(wc -l <"$T/all")
dups=$(uniq -d "$T/all" | wc -l)
missing=$(seq -f '%08g' 0 $((N - 1)) | comm -23 - "$T/all" | wc -l)
extra=$(seq -f '%08g' 0 $((N - 1)) | comm -13 - "$T/all" | wc -l)
diag "received $total: $(wc -l <"$T/drained") drained from the queue at the end"
is "$missing" 0 "0 lost"
is "$dups" 0 "0 duplicated"
is "$extra" 0 "nothing else"
is "$total" "$N" "$N messages, each exactly once"
ok "the server is alive" server_alive
is "$(server_threads)" "$SERVER_THREADS" "with its $SERVER_THREADS threads: none per request"
done_testing
