#!/bin/bash
# A storm on both sides of a small queue: 4 writers and 6 readers through
# the tree, while random readers and writers are SIGKILLed, SIGINTed, and
# stopped and continued (SIGSTOP/SIGCONT), blocked or not.  Every message
# is counted: acknowledged by the tree (a writer logs an id only after its
# open+write+close succeeded; a write interrupted with EINTR sent nothing
# and is sent again), received (readers read into MAP_SHARED files, so a
# killed reader loses nothing it got), or left in the queue.  0 lost and 0
# duplicated; delivered-but-unacknowledged only from killed writers.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"
mount_ipcfs
scratch_dir
q=fstorm$$
# Bounded by work, not time: the storm goes on until this many messages
# were acknowledged and every kind of fault hit at least FAULTS times.  Only a
# minute without one acknowledgement ends it early (a hang: it fails).
WANT=${FAULT_STORM_MESSAGES:-30000} FAULTS=${FAULT_STORM_FAULTS:-20}
[ -z "$NO_PIDFD" ] || { WANT=$((WANT / 10)) FAULTS=5; }
mkdir "$M/mq/$q,maxmsg=10,msgsize=16" || bail "cannot make the queue"

nr=0 nw=0
readers=() writers=()
start_reader() {
	nr=$((nr + 1))
	env --default-signal=INT "$HELPERS/mq/mq_reader" "$M/mq/$q/next" \
		"$T/r.$nr" 1048576 2>/dev/null &
	readers[$1]=$!
}
start_writer() {
	nw=$((nw + 1))
	env --default-signal=INT "$HELPERS/ackwriter" "$M/mq/$q" \
		$((nw * 1000000)) 1000000 "$T/ack.$nw" >/dev/null 2>&1 &
	writers[$1]=$!
}
for i in 0 1 2 3 4 5; do start_reader $i; done
for i in 0 1 2 3; do start_writer $i; done

kills=0 ints=0 stops=0 wkills=0 n=0
acked_now() { cat "$T"/ack.* 2>/dev/null | wc -l; }
last=0 last_t=$SECONDS stalled=
exec 3>&2 2>/dev/null # bash reports every killed job
while :; do
	if [ $((n++ % 10)) -eq 0 ]; then
		a=$(acked_now)
		[ "$a" -gt "$last" ] && last=$a last_t=$SECONDS
		if [ "$a" -ge "$WANT" ] && [ "$kills" -ge "$FAULTS" ] && [ "$ints" -ge "$FAULTS" ] &&
			[ "$wkills" -ge "$FAULTS" ] && [ "$stops" -ge "$FAULTS" ]; then
			break
		fi
		[ $((SECONDS - last_t)) -lt 60 ] || { stalled=1; break; }
	fi
	case $((RANDOM % 5)) in
	0) r=$((RANDOM % 6)); kill -KILL "${readers[$r]}"; start_reader $r; kills=$((kills + 1)) ;;
	1) r=$((RANDOM % 6)); kill -INT "${readers[$r]}"; start_reader $r; ints=$((ints + 1)) ;;
	2) w=$((RANDOM % 4)); kill -KILL "${writers[$w]}"; start_writer $w; wkills=$((wkills + 1)) ;;
	*)
		if ((RANDOM % 2)); then p=${readers[$((RANDOM % 6))]}; else p=${writers[$((RANDOM % 4))]}; fi
		kill -STOP "$p"; sleep 0.0$((RANDOM % 9 + 1)); kill -CONT "$p"
		stops=$((stops + 1))
		;;
	esac
	sleep 0.0$((RANDOM % 5 + 1))
done
# Writers first, so nothing more comes; then let the readers drain (the
# queue empty, or the readers all parked on an empty queue).
kill -KILL "${writers[@]}"
for w in "${writers[@]}"; do wait "$w"; done
drained() { [ "$(cat "$M/mq/$q/curmsgs")" -eq 0 ]; }
wait_for drained
kill -KILL "${readers[@]}"
wait "${readers[@]}" "${writers[@]}"
exec 2>&3 3>&-
diag "storm: $kills reader SIGKILLs, $ints reader SIGINTs, $wkills writer SIGKILLs, $stops stop/continue"

: >"$T/rest"
while out=$("$HELPERS/fsop" read "$M/mq/$q/next" nonblock 2>&1) && [ -n "$out" ]; do
	printf '%s\n' "$out" >>"$T/rest"
done
cat "$T"/ack.* 2>/dev/null | sort >"$T/acked"
for f in "$T"/r.*; do tr -d '\0' <"$f"; done >"$T/got.readers"
sort "$T/got.readers" "$T/rest" >"$T/got"
acked=$(wc -l <"$T/acked")
lost=$(comm -23 "$T/acked" "$T/got" | wc -l)
dups=$(uniq -d "$T/got" | wc -l)
unacked=$(comm -13 "$T/acked" "$T/got" | wc -l)
diag "acknowledged $acked, received $(wc -l <"$T/got.readers"), left $(wc -l <"$T/rest")," \
	"lost $lost, duplicated $dups, delivered though not acknowledged $unacked"
ok "messages flowed ($acked acknowledged, at least $WANT, never a minute without one)" \
	test "$acked" -ge "$WANT" -a -z "$stalled"
ok "the storm hit readers and writers, blocked or not" test "$kills" -ge "$FAULTS" -a "$ints" -ge "$FAULTS" -a "$wkills" -ge "$FAULTS" -a "$stops" -ge "$FAULTS"
is "$lost" 0 "0 lost"
is "$dups" 0 "0 duplicated"
ok "delivered though not acknowledged only by killed writers ($unacked <= $wkills + 4)" \
	test "$unacked" -le $((wkills + 4))
is "$(cat "$M/mq/$q/curmsgs")" 0 "the queue is empty at the end"
rmdir "$M/mq/$q"
ok "server still alive" server_alive
is "$(server_threads)" "$SERVER_THREADS" "with its $SERVER_THREADS threads: none per request"
done_testing
