#!/bin/bash
# The mq_notify discipline: while readers wait on an empty queue the server
# holds the queue's registration (other programs get EBUSY); when none
# waits it holds none, so another program's mq_notify succeeds and fires.
# The registration is taken again after each one-shot notification while
# readers remain.  When another program holds it, blocked readers are
# still served (the server polls the queue descriptor instead).
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"

mount_ipcfs
mq_queue ntf$$ maxmsg=5,msgsize=64
scratch_dir
holder() { "$MQH/mq_hold" -s "/$Q"; }

# ---- nothing waits: the registration is free for others, and fires
is "$(holder)" "notify_pid=0" "no reader: the server holds no registration"
: >"$T/h1"
start_logged "$T/h1" "$MQH/mq_hold" "/$Q" 10
h1=$LOGGED_PID
is "$(line_of "$T/h1" 1)" registered "an external mq_notify succeeds"
printf 'a' >"$D/1"
is "$(line_of "$T/h1" 2)" fired "and fires on a message sent through the tree"
wait "$h1"
cat "$D/next" >/dev/null

# ---- a reader waits: the server holds it
cat_parked "$T/r1" "$D/next"; r1=$PARKED
ok "a parked reader: the server holds the registration" \
	wait_for bash -c "test \"\$('$MQH/mq_hold' -s '/$Q')\" = notify_pid=$SERVER"
is "$("$MQH/mq_hold" "/$Q" 1)" "mq_notify: EBUSY" "another program gets EBUSY"
"$MQH/mq_snd" "/$Q" 1 one
wait "$r1"
is "$(cat "$T/r1")" one "the notification woke the reader"
is "$(holder)" "notify_pid=0" "no reader left: the registration was given up"

# ---- taken again after each one-shot notification
pids=()
for r in 1 2 3; do
	cat "$D/next" >"$T/m$r" &
	pids+=($!)
	wait_for parked "$!"
done
# got N: N of the readers have their message; registered: the server
# holds the registration.
got() { [ "$(cat "$T/m1" "$T/m2" "$T/m3" | wc -c)" -ge "$1" ]; }
registered() { [ "$(holder)" = "notify_pid=$SERVER" ]; }
n=0
for m in x y z; do
	"$MQH/mq_snd" "/$Q" 1 "$m"
	n=$((n + 1))
	wait_for got "$n"
	[ "$m" = z ] || { wait_for registered
		is "$(holder)" "notify_pid=$SERVER" "after '$m': registered again for the readers left"; }
done
for p in "${pids[@]}"; do wait "$p"; done
is "$(cat "$T/m1" "$T/m2" "$T/m3")" xyz "three notifications, three readers"
is "$(holder)" "notify_pid=0" "and given up after the last"

# ---- an interrupted reader gives the registration back too
env --default-signal=INT cat "$D/next" >/dev/null &
r=$!
wait_for parked "$r"
ok "registered for it" wait_for bash -c "test \"\$('$MQH/mq_hold' -s '/$Q')\" = notify_pid=$SERVER"
kill -INT "$r"
wait "$r"
is "$(holder)" "notify_pid=0" "SIGINT to the only reader: the registration is given up"

# ---- poll(2) waits through the registration as well
"$HELPERS/fsop" poll "$D/next" 5000 >"$T/p" &
p=$!
ok "a poller: registered" wait_for bash -c "test \"\$('$MQH/mq_hold' -s '/$Q')\" = notify_pid=$SERVER"
"$MQH/mq_snd" "/$Q" 1 polled
wait "$p"
is "$(cat "$T/p")" readable "the poller was told"
is "$(cat "$D/next")" polled "the message is there for it"

# ---- another program holds it: blocked readers are still served
: >"$T/h2"
start_logged "$T/h2" "$MQH/mq_hold" "/$Q" 30
h2=$LOGGED_PID
is "$(line_of "$T/h2" 1)" registered "an external program holds the registration"
pids=()
for r in 1 2 3; do
	cat "$D/next" >"$T/e$r" &
	pids+=($!)
	wait_for parked "$!"
done
is "$(holder)" "notify_pid=$h2" "three parked readers: the server did not take it"
"$MQH/mq_snd" "/$Q" 1 e1
ok "a reader is served by polling the descriptor" wait_for bash -c "! kill -0 ${pids[0]} 2>/dev/null"
is "$(line_of "$T/h2" 2)" fired "the other program was notified as well"
wait "$h2"
"$MQH/mq_snd" "/$Q" 1 e2
"$MQH/mq_snd" "/$Q" 1 e3
for p in "${pids[@]}"; do wait "$p"; done
is "$(cat "$T/e1" "$T/e2" "$T/e3")" "e1e2e3" "all three, in order"
is "$(holder)" "notify_pid=0" "and nothing is held afterwards"
is "$(curmsgs "$Q")" 0 "nothing left over"
ok "the server is alive" server_alive
done_testing
