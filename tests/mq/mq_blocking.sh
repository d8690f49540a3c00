#!/bin/bash
# Waiting: `cat next` on an empty queue blocks until a message comes (from
# any program), parked readers are served in arrival order, O_NONBLOCK
# gives EAGAIN, and an interrupted reader (SIGINT, `timeout 1 cat`) loses
# nothing.  A write to a full queue waits for room, writers keep their
# order, O_NONBLOCK gives EAGAIN, and an interrupted write sends nothing.
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"

mount_ipcfs
mq_queue blk$$ maxmsg=3,msgsize=64
scratch_dir

# ---- a blocked reader wakes on another program's mq_send
cat "$D/next" >"$T/a" &
reader=$!
ok "cat next blocks on the empty queue" wait_for parked "$reader"
sleep 0.2
ok "it is still waiting" kill -0 "$reader"
"$MQH/mq_snd" "/$Q" 4 hello
ok "mq_send by another process wakes it" wait_for bash -c "! kill -0 $reader 2>/dev/null"
wait "$reader"
is "$?:$(cat "$T/a")" "0:hello" "it printed the message and exited 0"

# ---- O_NONBLOCK
errno_is EAGAIN "O_NONBLOCK read of an empty queue: EAGAIN" read "$D/next" nonblock
printf 'x' >"$D/1"
is "$("$HELPERS/fsop" read "$D/next" nonblock)" x "O_NONBLOCK read with a message gets it"
exec 3<"$D/next"
is "$(timeout 60 dd iflag=nonblock bs=64 count=1 status=none <&3 2>&1)" \
	"dd: error reading 'standard input': Resource temporarily unavailable" \
	"O_NONBLOCK set with fcntl() after the open: EAGAIN as well"
exec 3<&-

# ---- interrupted readers lose nothing
timeout 1 cat "$D/next" >"$T/a"
is "$?" 124 "timeout 1 cat next: interrupted after a second"
# background jobs of a script ignore SIGINT: give it back to the reader
env --default-signal=INT cat "$D/next" >"$T/a" &
reader=$!
wait_for parked "$reader"
kill -INT "$reader"
wait "$reader"
ok "SIGINT ends a parked reader" test $? -ne 0
cat_parked "$T/a" "$D/next"; reader=$PARKED
kill -KILL "$reader"
wait "$reader" 2>/dev/null
"$MQH/mq_snd" "/$Q" 2 kept
sleep 0.1
is "$(curmsgs "$Q")" 1 "after three interrupted readers, a new message stays queued"
is "$(cat "$D/next")" kept "and the next reader gets it"

# ---- parked readers are served in arrival order
pids=()
for r in 1 2 3 4 5; do
	cat "$D/next" >"$T/r$r" &
	pids+=($!)
	wait_for parked "$!"
	sleep 0.05
done
for m in m1 m2 m3 m4 m5; do
	"$MQH/mq_snd" "/$Q" 0 "$m"
	sleep 0.02
done
for p in "${pids[@]}"; do wait "$p"; done
is "$(cat "$T/r1" "$T/r2" "$T/r3" "$T/r4" "$T/r5" | tr '\n' ' ')" "m1m2m3m4m5" \
	"five parked readers get five messages in arrival order"

# ---- a full queue: writers wait, in order; O_NONBLOCK is EAGAIN.  (One
# write per priority file can wait in the server: the kernel's FUSE client
# holds a file's lock during a write, so a second writer of the same
# priority file waits in the kernel until the first is done.)
printf 'f1' >"$D/5"; printf 'f2' >"$D/5"; printf 'f3' >"$D/5"
printf 'w1' >"$D/5" &
w1=$!
ok "a write to the full queue waits" wait_for parked "$w1"
printf 'w2' >"$D/6" &
w2=$!
ok "a second writer waits behind it" wait_for parked "$w2"
printf 'w1b' >"$D/5" &
w1b=$!
is "$(dd if=/dev/zero of="$D/7" bs=2 count=1 oflag=nonblock status=none 2>&1)" \
	"dd: error writing '$D/7': Resource temporarily unavailable" \
	"O_NONBLOCK write to the full queue: EAGAIN"
env --default-signal=INT printf 'w3' >"$D/8" &
w3=$!
wait_for parked "$w3"
kill -INT "$w3"
wait "$w3"
ok "SIGINT ends a parked writer with an error" test $? -ne 0
printf 'w4' >"$D/9" &
w4=$!
wait_for parked "$w4"
kill -TERM "$w4"
wait "$w4"
ok "SIGTERM ends a parked writer (as timeout(1) does)" test $? -ne 0
is "$(curmsgs "$Q")" 3 "still 3 messages"
is "$("$MQH/mq_fsop" pollout "$D/3" 100)" timeout "poll: a priority file is not writable while full"
# each receive lets the first waiting writer in before the next receive
got=$(for i in 1 2 3 4 5; do cat "$D/next"; echo; done | tr '\n' ' ')
is "$got" "f1 f2 w2 f3 w1 " "writers were let in in arrival order, each in its priority"
wait "$w1"; r1=$?
wait "$w2"; r2=$?
is "$r1:$r2" "0:0" "both parked writers succeeded"
ok "the writer queued behind the kernel's lock got in too" \
	wait_for bash -c "! kill -0 $w1b 2>/dev/null"
is "$(cat "$D/next")" w1b "its message"
is "$(curmsgs "$Q")" 0 "interrupted writes sent nothing, nothing was sent twice"
printf 'a' >"$D/1"; printf 'b' >"$D/1"; printf 'c' >"$D/1"
"$MQH/mq_fsop" pollout "$D/3" 600000 >"$T/po" &
poller=$!
wait_for polling "$poller"
"$MQH/mq_rec" "/$Q" >/dev/null
wait "$poller"
is "$(cat "$T/po")" writable "poll wakes a writer when another program makes room"
"$MQH/mq_rec" -a "/$Q" >/dev/null
ok "the server is alive" server_alive
done_testing
