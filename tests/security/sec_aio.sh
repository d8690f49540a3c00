#!/bin/bash
# Finding 5: parked asynchronous writes.  An asynchronous (io_submit,
# O_DIRECT) write to a full queue's priority file is a FUSE background
# request, and the kernel lets only max_background (12) of them be
# outstanding per mount: an attacker (uid 65534) that parks 16 on its own
# full queue must be stopped at its cap (EAGAIN for the writes beyond it)
# so that another user's asynchronous write to another queue still gets
# through at once, and everything else keeps working.  At the end the
# attacker's writes are released (its queue drained) and the server's RSS
# and fd count are back near their baseline.
. "${TESTS_SRC:-$(dirname "$0")/..}/security/seclib.sh"
sec_mount
N=16
atk=$M/mq/${Q}atk vic=$M/mq/${Q}vic
# Release the attacker: kill what can be killed, and receive until every
# parked write has been answered (a process whose aio is in flight cannot
# finish exiting before that).
release() {
	local i p k kids alive
	[ -n "${apid:-}${vpid:-}" ] || return 0
	# the writers themselves: once killed they have no command line for
	# pgrep -f to match, yet stay (exiting) until their aio is answered
	kids=$(for p in ${apid:-} ${vpid:-}; do pgrep -P "$p"; done)
	for p in ${apid:-} ${vpid:-}; do
		pkill -9 -P "$p" 2>/dev/null
		kill -9 "$p" 2>/dev/null
	done
	for i in $(seq 400); do
		alive=
		for k in $kids; do kill -0 "$k" 2>/dev/null && alive=1; done
		[ -n "$alive" ] || break
		# through the tree, so that the server sees the room at once
		"$HELPERS/fsop" read "$atk/next" nonblock >/dev/null 2>&1
		"$HELPERS/fsop" read "$vic/next" nonblock >/dev/null 2>&1
		sleep 0.05
	done
	"$HELPERS/mqdrain" "${Q}atk" >/dev/null 2>&1
	wait ${apid:-} ${vpid:-} 2>/dev/null
	apid= vpid=
	RELEASED_KIDS=$kids
}
on_exit release
on_exit "rmdir '$atk' '$vic' 2>/dev/null; for q in ${Q}atk ${Q}vic; do '$B/mq_unl' /\$q 2>/dev/null; done"

"${NOBODY[@]}" "$B/mq_fsop" mkdir "$atk,maxmsg=1,msgsize=64" 0600 >/dev/null
"${NOBODY[@]}" bash -c "printf full >'$atk/0'"
mkdir -m 600 "$vic,maxmsg=4,msgsize=64"
is "$(cat "$atk/curmsgs")" 1 "the attacker's queue is full"
rss0=$(server_rss "$SERVER") fds0=$(server_fds "$SERVER")

"${NOBODY[@]}" "$B/aiowrite" "$atk/0" x "$N" 30000 >"$T/atk" 2>&1 &
apid=$!
# Settled: every child has submitted (io_getevents, 208), is blocked in
# io_submit (209), or is done.
settled() {
	local p n=0
	for p in $(pgrep -P "$apid"); do
		case $(cut -d' ' -f1 "/proc/$p/syscall" 2>/dev/null) in
		208 | 209 | '') ;;
		*) return 1 ;;
		esac
		n=$((n + 1))
	done
	[ $((n + $(grep -c '^[0-9]*: ' "$T/atk"))) -ge "$N" ]
}
ok "the attacker's $N asynchronous writes are all submitted" wait_for settled
wait_for bash -c "[ \$(grep -c ': EAGAIN\$' '$T/atk') -ge $((N - 11)) ]"
refused=$(grep -c ': EAGAIN$' "$T/atk")
ok "at least $((N - 11)) of them are refused with EAGAIN ($refused), leaving others a background slot" \
	test "$refused" -ge $((N - 11))
is "$(grep -c ': ok ' "$T/atk")" 0 "none of them was sent (the queue is full)"

t0=$(now_ms)
"$HELPERS/aiowrite" "$vic/0" v 1 5000 >"$T/vic" 2>&1 &
vpid=$!
wait_for grep -q '^0: ' "$T/vic"
t=$(( $(now_ms) - t0 ))
is "$(sed -n 2p "$T/vic")" "0: ok 1" "meanwhile root's asynchronous write to another queue completes"
ok "within 2 s ($t ms)" test "$t" -lt 2000
is "$(cat "$vic/curmsgs")" 1 "its message is in the queue"
is "$("$HELPERS/fsop" read "$vic/next" nonblock 2>&1)" v "and is received"
is "$("$HELPERS/fsop" write "$M/proc/$$/signal" '0\n')" "ok 2" "root's signal 0 works"
ok "root's ls proc/ works" bash -c "timeout 10 ls '$M/proc' >/dev/null"
ok "the server is alive" server_alive

release
gone=1
for k in $RELEASED_KIDS; do kill -0 "$k" 2>/dev/null && gone=; done
ok "the attacker's processes are gone once its writes are answered" test -n "$gone"
wait_for bash -c "[ \$(awk '/^VmRSS:/ { print \$2 }' /proc/$SERVER/status) -le $((rss0 + 2048)) ]"
rss1=$(server_rss "$SERVER") fds1=$(server_fds "$SERVER")
plain_ok "the server's RSS is back near its baseline (${rss0} kB, now ${rss1} kB)" "$rss1" -le $((rss0 + 2048))
ok "and its fds ($fds0, now $fds1)" test "$fds1" -le $((fds0 + 2))
done_testing
