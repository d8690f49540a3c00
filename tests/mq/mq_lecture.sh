#!/bin/bash
# The lecture's message queue transcript (crt_mq, five snd_mq, five rec_mq,
# unl_mq) reproduced through the tree only, then mixed both ways with our
# own C programs that call mq_open/mq_send/mq_receive directly: the same
# order (priority 10, 7, 5, 5, 3) and the same sizes (3, 5, 4, 6, 5).
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"

mount_ipcfs
Q=lecture$$
mq_track "$Q"
send_five() {
	printf '%s' Five >"$M/mq/$Q/5"
	printf '%s' Ten >"$M/mq/$Q/10"
	printf '%s' Five_2 >"$M/mq/$Q/5"
	printf '%s' Three >"$M/mq/$Q/3"
	printf '%s' Seven >"$M/mq/$Q/7"
}

# ---- the tree only: crt_mq is a mkdir with the lecture's attributes
ok "mkdir -m 600 'mq/Q,maxmsg=10,msgsize=2048' creates the queue" \
	mkdir -m 600 "$M/mq/$Q,maxmsg=10,msgsize=2048"
ok "ls mq lists it" queue_listed "$Q"
is "$(stat -c '%A %U' "$M/mq/$Q")" "drwx------ root" "rw------- queue: drwx------, owned by the creator"
is "$(cat "$M/mq/$Q/maxmsg") $(cat "$M/mq/$Q/msgsize")" "10 2048" "maxmsg 10, msgsize 2048"
send_five
is "$(curmsgs "$Q")" 5 "five messages queued"
# attributes may be cached for a second: wait for the fresh ones
ok "the directory's size is QSIZE: 23 bytes" \
	wait_for bash -c "test \"\$(stat -c %s '$M/mq/$Q')\" = 23"
got=
for n in 1 2 3 4 5; do
	m=$(cat "$M/mq/$Q/next")
	got="$got $m:${#m}"
done
is "$got" " Ten:3 Seven:5 Five:4 Five_2:6 Three:5" \
	"five cat next: priorities 10 7 5 5 3, sizes 3 5 4 6 5"
is "$(curmsgs "$Q")" 0 "the queue is empty"
ok "rmdir removes it" rmdir "$M/mq/$Q"
ok "and it is gone from mq/" bash -c "! ls '$M/mq' | grep -qxF '$Q'"

# ---- sent through the tree, received by the lecture's rec_mq
mkdir -m 600 "$M/mq/$Q,maxmsg=10,msgsize=2048"
send_five
out=$(for n in 1 2 3 4 5; do "$MQH/mq_rec" "/$Q"; done)
is "$out" "Read 3 bytes; priority = 10
Read 5 bytes; priority = 7
Read 4 bytes; priority = 5
Read 6 bytes; priority = 5
Read 5 bytes; priority = 3" "tree -> rec_mq: the lecture's output"

# ---- crt_mq and snd_mq in C, received with cat
"$MQH/mq_unl" "/$Q"
ok "crt_mq's queue appears in mq/ at once" \
	bash -c "'$MQH/mq_crt' '/$Q' && ls '$M/mq' | grep -qxF '$Q'"
is "$(stat -c '%A' "$M/mq/$Q")" "drwx------" "with its mode"
for pm in "5 Five" "10 Ten" "5 Five_2" "3 Three" "7 Seven"; do
	"$MQH/mq_snd" "/$Q" ${pm% *} "${pm#* }"
done
is "$(curmsgs "$Q")" 5 "snd_mq x5: curmsgs 5 through the tree"
got=
for n in 1 2 3 4 5; do got="$got $(cat "$M/mq/$Q/next")"; done
is "$got" " Ten Seven Five Five_2 Three" "snd_mq -> cat next: the lecture's order"

# ---- interleaved: C and the tree on the same queue at the same time
"$MQH/mq_snd" "/$Q" 5 Five
printf '%s' Ten >"$M/mq/$Q/10"
"$MQH/mq_snd" "/$Q" 5 Five_2
printf '%s' Three >"$M/mq/$Q/3"
"$MQH/mq_snd" "/$Q" 7 Seven
a=$("$MQH/mq_rec" "/$Q")
b=$(cat "$M/mq/$Q/next")
c=$("$MQH/mq_rec" "/$Q")
d=$(cat "$M/mq/$Q/next")
e=$("$MQH/mq_rec" "/$Q")
is "$a|$b|$c|$d|$e" "Read 3 bytes; priority = 10|Seven|Read 4 bytes; priority = 5|Five_2|Read 5 bytes; priority = 3" \
	"mixed senders, mixed receivers: one order"
ok "unl_mq removes it; mq/ forgets it at once" \
	bash -c "'$MQH/mq_unl' '/$Q' && ! ls '$M/mq' | grep -qxF '$Q' && ! test -e '$M/mq/$Q'"
ok "the server is alive" server_alive
done_testing
