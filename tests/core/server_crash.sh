#!/bin/bash
# The server SIGKILLed while 10 writers and 10 readers pass messages: the
# queue, its messages and the shm objects stay intact in the kernel, the
# dead mount is cleaned up (fusermount3 -u, or by itself with
# -o auto_unmount), a new server mounts the same directory and serves
# them.  Every message is counted: acknowledged by the tree, received by a
# reader (read straight into a MAP_SHARED file, so a dying reader loses
# nothing it got), or still in the queue; none may be duplicated, and
# losses may only be messages in flight at the moment of the kill.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"
SERVER_CRASH_EXPECTED=1
mount_ipcfs
T=$(mktemp -d)
q=crash$$
obj=crash$$
on_exit "rm -rf $T; rm -f /dev/shm/$obj; [ -e /dev/mqueue/$q ] && rm -f /dev/mqueue/$q; $HELPERS/mqdrain $q >/dev/null 2>&1; true"

mkdir "$M/mq/$q,maxmsg=10,msgsize=16" || bail "cannot make the queue"
printf 'shm survives' >"$M/shm/$obj"

readers=() writers=()
for r in $(seq 10); do
	"$HELPERS/mq/mq_reader" "$M/mq/$q/next" "$T/r.$r" 1048576 2>/dev/null &
	readers+=($!)
done
for w in $(seq 10); do
	"$HELPERS/ackwriter" "$M/mq/$q" $((w * 1000000)) 100000 "$T/ack.$w" >"$T/w.$w" 2>&1 &
	writers+=($!)
done
# Messages flow first; then nine readers die and the tenth is stopped,
# so the queue fills and writers wait in the server (parked) when it is
# killed.  (A tenth reader left running could empty the queue between
# the look and the kill, where the writers are slow to come back: a busy
# machine.)  It goes on after the kill, to see the dead mount.
flowed() { [ "$(cat "$T"/ack.* 2>/dev/null | wc -l)" -gt 100 ]; }
wait_for flowed
kill -9 "${readers[@]:0:9}"
kill -STOP "${readers[9]}"
full_and_parked() {
	[ "$(cat "$M/mq/$q/curmsgs")" -eq 10 ] || return 1
	local w; for w in "${writers[@]}"; do parked "$w" && return 0; done
	return 1
}
ok "the queue fills and writers park in the server" wait_for full_and_parked
kill -9 "$SERVER"
kill -CONT "${readers[9]}"
# (the minute of wait_for tells "stopped on its own" from a hang)
none_alive() { local p; for p; do kill -0 "$p" 2>/dev/null && return 1; done; return 0; }
ok "every writer stopped on its own after the kill" wait_for none_alive "${writers[@]}"
wait "${writers[@]}" 2>/dev/null
like "$(cat "$T"/w.* | sort -u | sed 's/^stopped at [0-9]*: //' | sort -u | paste -sd' ')" \
	'^(ENOTCONN|ECONNABORTED|EIO|ENOENT)( (ENOTCONN|ECONNABORTED|EIO|ENOENT))*$' \
	"writers stopped with connection errors"
wait_for bash -c "! kill -0 ${readers[*]:9} 2>/dev/null"
ok "every reader stopped on its own" bash -c "! kill -0 ${readers[*]:9} 2>/dev/null"

err=$(ls "$M" 2>&1)
like "$err" "Transport endpoint is not connected" "the dead mount says so"
fusermount3 -u "$M"; rc=$?
is "$rc" 0 "fusermount3 -u cleans it up"
is "$(cat "/dev/shm/$obj")" "shm survives" "the shm object is intact"

# A new server on the same directory serves the same objects.
"$IPCFS" -f "$M" 2>>"$M.log" &
SERVER=$!
wait_for test -e "$M/signals" || bail "the new server did not mount"
is "$(cat "$M/shm/$obj")" "shm survives" "the new server serves the shm object"
left=$(cat "$M/mq/$q/curmsgs")
ok "the new server serves the queue, with the $left messages left in it" test "$left" -gt 0
: >"$T/rest"
while out=$("$HELPERS/fsop" read "$M/mq/$q/next" nonblock 2>&1) && [ -n "$out" ]; do
	printf '%s\n' "$out" >>"$T/rest"
done
is "$(wc -l <"$T/rest")" "$left" "and hands out all $left of them through next"

# Count.
cat "$T"/ack.* | sort >"$T/acked"
for r in $(seq 10); do tr -d '\0' <"$T/r.$r"; done >"$T/got.readers"
sort "$T/got.readers" "$T/rest" >"$T/got"
acked=$(wc -l <"$T/acked")
got=$(wc -l <"$T/got")
dups=$(uniq -d "$T/got" | wc -l)
lost=$(comm -23 "$T/acked" "$T/got" | wc -l)
unacked=$(comm -13 "$T/acked" "$T/got" | wc -l)
diag "acknowledged $acked, received $(wc -l <"$T/got.readers"), left in the queue $left," \
	"lost $lost, duplicated $dups, delivered though not acknowledged $unacked"
ok "messages flowed before the kill ($acked acknowledged)" test "$acked" -gt 100
is "$dups" 0 "no message duplicated"
ok "lost $lost <= 1 (the one a single-threaded server can have in flight)" test "$lost" -le 1
ok "unacknowledged but sent: at most one per writer ($unacked)" test "$unacked" -le 10
rmdir "$M/mq/$q"

# With -o auto_unmount the dead mount goes away by itself.
fusermount3 -u "$M"
wait "$SERVER"
"$IPCFS" -f -o auto_unmount "$M" 2>>"$M.log" &
SERVER=$!
wait_for test -e "$M/signals" || bail "the auto_unmount server did not mount"
kill -9 "$SERVER"
wait "$SERVER" 2>/dev/null
if wait_for bash -c "! grep -q ' $M ' /proc/self/mountinfo"; then
	pass "-o auto_unmount: the mount is gone after the kill"
else
	fail "-o auto_unmount: the mount is gone after the kill" \
		"still mounted: $(grep " $M " /proc/self/mountinfo)" \
		"fusermount3 processes: $(pgrep -a fusermount3 | tr '\n' ';')"
fi
"$IPCFS" -f "$M" 2>>"$M.log" &
SERVER=$!
ok "and a new server mounts right away" wait_for test -e "$M/signals"
is "$(cat "$M/shm/$obj")" "shm survives" "serving the same objects"
rm -f "$M/shm/$obj"
SERVER_CRASH_EXPECTED=
done_testing
