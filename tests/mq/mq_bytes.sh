#!/bin/bash
# Each write(2) is one message, byte-exact: binary data with NULs and no
# trailing newline survives both ways; msgsize is the limit (EMSGSIZE
# beyond, nothing queued); the empty message exists; a reader with any
# buffer size gets the whole message and then EOF; priority order holds,
# oldest first within a priority; poll(2) says readable only when a
# message is there.
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"

mount_ipcfs
mq_queue bytes$$ maxmsg=10,msgsize=8192
scratch_dir

# ---- binary, both ways
printf 'a\0b\0\377\n\0\001end' >"$T/bin"
cat "$T/bin" >"$D/5"
cat "$D/next" >"$T/out"
ok "binary with NULs, no newline: tree -> tree, byte for byte" cmp "$T/bin" "$T/out"
cat "$T/bin" >"$D/5"
"$MQH/mq_rec" -d "/$Q" >"$T/out"
ok "tree -> mq_receive, byte for byte" cmp "$T/bin" "$T/out"
"$MQH/mq_snd" "/$Q" 5 -f "$T/bin"
cat "$D/next" >"$T/out"
ok "mq_send -> tree, byte for byte" cmp "$T/bin" "$T/out"
printf 'line\n' >"$D/5"
is "$("$MQH/mq_rec" "/$Q")" "Read 5 bytes; priority = 5" "a newline is kept, none is added"

# ---- the size limit
head -c 8192 /dev/urandom >"$T/max"
errno_is ok "a message of exactly msgsize is sent" writen "$D/1" 8192
is "$(curmsgs "$Q")" 1 "it is queued"
cat "$D/next" >/dev/null
errno_is EMSGSIZE "msgsize+1 bytes: EMSGSIZE" writen "$D/1" 8193
is "$(curmsgs "$Q")" 0 "and nothing is queued (no empty message at close)"
cat "$T/max" >"$D/2"
cat "$D/next" >"$T/out"
ok "8192 random bytes round-trip" cmp "$T/max" "$T/out"

# ---- any buffer size: the message is held per open file
head -c 5000 /dev/urandom >"$T/big"
cat "$T/big" >"$D/3"
dd if="$D/next" of="$T/out" bs=1 status=none
ok "dd bs=1 reads the whole message, then EOF" cmp "$T/big" "$T/out"
cat "$T/big" >"$D/3"
printf 'second' >"$D/3"
dd if="$D/next" of="$T/out" bs=777 status=none
ok "dd bs=777: one message per open, whole" cmp "$T/big" "$T/out"
is "$(cat "$D/next")" second "the next open gets the next message"

# ---- stdio tools write a whole message at once: st_blksize is msgsize
# (a shell builtin keeps the stdout buffer it first made: 4 KiB on a pipe)
text=$(head -c 6000 /dev/zero | tr '\0' x)
env printf '%s' "$text" >"$D/4"
is "$("$MQH/mq_rec" "/$Q")" "Read 6000 bytes; priority = 4" "printf(1) of 6000 bytes is one message"
is "$(stat -c %o "$D/4")" 8192 "a priority file's st_blksize is msgsize"

# ---- the empty message: a write(2) of 0 bytes never reaches a FUSE
# server; closing a priority file opened with O_TRUNC (as > does) that
# got no write sends it.  The kernel tells the server of the close a
# moment after close() returns (RELEASE is asynchronous), hence the waits.
queued() { [ "$(curmsgs "$Q")" -eq "$1" ]; }
printf '' >"$D/6"
wait_for queued 1
is "$(curmsgs "$Q")" 1 "printf '' > 6: one message"
is "$("$MQH/mq_rec" "/$Q")" "Read 0 bytes; priority = 6" "an empty one, at priority 6"
dd if=/dev/null of="$D/2" status=none
wait_for queued 1
is "$("$MQH/mq_rec" -n "/$Q")" "Read 0 bytes; priority = 2" "dd from /dev/null: an empty message"
errno_is ok "write(2) of 0 bytes (O_WRONLY, no O_TRUNC) returns 0" writen "$D/6" 0
touch "$D/6"
truncate -s 0 "$D/6"
"$MQH/mq_fsop" pollout "$D/6" 10 >/dev/null
# A marker sent after them: once it is there, anything they sent would be.
printf '%s' marker >"$D/0"
wait_for queued 1
is "$(curmsgs "$Q")" 1 "an O_WRONLY write(2) of 0 bytes, touch, truncate, an O_WRONLY poll: nothing sent"
cat "$D/next" >/dev/null
"$MQH/mq_snd" "/$Q" 1 ""
is "$("$HELPERS/fsop" read "$D/next" nonblock; echo "rc=$?")" "rc=0" \
	"an empty mq_send reads as an immediate EOF, also with O_NONBLOCK"
is "$(curmsgs "$Q")" 0 "and was taken"

# ---- order: highest priority first, oldest first within one (this
# machine caps maxmsg at 10 even for root: no CAP_SYS_RESOURCE)
for i in $(seq 1 10); do
	p=$(( (i * 7) % 4 * 9 ))
	printf 'p%02d-%02d' "$p" "$i" >"$D/$p"
done
expect=$(for i in $(seq 1 10); do printf 'p%02d-%02d\n' $(( (i * 7) % 4 * 9 )) "$i"; done |
	sort -t- -k1,1r -k2,2n)
got=$(for i in $(seq 1 10); do cat "$D/next"; echo; done)
is "$got" "$expect" "10 sends over 4 priorities: priority order, FIFO within"
printf 'high' >"$D/32767"
printf 'low' >"$D/0"
is "$(cat "$D/next")" high "priority 32767 opens by name and sends"
is "$(cat "$D/next")" low "priority 0 comes last"
is "$(ls "$D" | tr '\n' ' ')" "$(printf '%s ' $(seq 0 31 | sort) curmsgs maxmsg msgsize next)" \
	"the directory lists next, 0..31, maxmsg, msgsize, curmsgs"

# ---- poll
is "$("$HELPERS/fsop" poll "$D/next" 100)" timeout "poll: not readable while empty"
printf 'x' >"$D/1"
is "$("$HELPERS/fsop" poll "$D/next" 100)" readable "poll: readable with a message"
cat "$D/next" >/dev/null
# (a poll of up to 10 minutes, in poll(2) before the message comes)
"$HELPERS/fsop" poll "$D/next" 600000 >"$T/poll" &
poller=$!
wait_for polling "$poller"
"$MQH/mq_snd" "/$Q" 1 late
wait "$poller"
is "$(cat "$T/poll")" readable "poll wakes when mq_send comes"
is "$(cat "$D/next")" late "and the message is there"
is "$(cat "$D/maxmsg"; cat "$D/msgsize"; cat "$D/curmsgs")" "10
8192
0" "maxmsg, msgsize, curmsgs: one number and a newline each"
ok "the server is alive" server_alive
done_testing
