#!/bin/bash
# The kernel keeps queue names a second (entry timeout > 0), yet a queue
# removed or made again by another program, behind the tree's back, is
# never served stale: right after mq_unlink + mq_open(O_CREAT), before the
# server's inotify invalidation can have reached the kernel, mq/Q/maxmsg
# is the new queue's and a message written to mq/Q/1 lands in the new
# queue, never in the old one; right after mq_unlink alone, the tree says
# ENOENT.  mq_swap races it from one program (microseconds between the
# change and the use); the shell rounds race it from separate programs.
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"
[ -x "$MQH/mq_swap" ] || bail "no helper $MQH/mq_swap"

mount_ipcfs
Q=stale$$
mq_track "$Q" "${Q}s"
# fs.mqueue.queues_max counts every program's queues (root without
# CAP_SYS_RESOURCE is bound by it too): a benchmark's 10,000 is no failure
if ! err=$("$MQH/mq_crt" "/$Q" 2 64 2>&1); then
	case $err in *"No space left"*) skip_all "no room for a queue (fs.mqueue.queues_max)" ;; esac
	bail "cannot make /$Q: $err"
fi
clean="stale=0 lost=0 old_got=0 wrong_stat=0 not_enoent=0 errors=0"

out=$("$MQH/mq_swap" "$M" "$Q" 300 2>&1)
diag "$out"
like "$out" "$clean" "300 x removed and made again at once: the new queue's maxmsg, stat and messages, nothing to the old"

out=$("$MQH/mq_swap" -n "$M" "$Q" 100 2>&1)
diag "$out"
like "$out" "$clean" "100 x removed: maxmsg, write and stat are ENOENT at once"

# ---- separate programs: mq_unl and mq_crt, then cat and echo
D=$M/mq/${Q}s
mm=2
"$MQH/mq_crt" "/${Q}s" "$mm" 64 || bail "cannot make /${Q}s"
stale=0 lost=0
for i in $(seq 50); do
	ls "$D" >/dev/null && cat "$D/maxmsg" >/dev/null # the kernel caches it
	"$MQH/mq_unl" "/${Q}s"
	mm=$((5 - mm))
	"$MQH/mq_crt" "/${Q}s" "$mm" 64
	[ "$(cat "$D/maxmsg")" = "$mm" ] || stale=$((stale + 1))
	echo "m$i" >"$D/1" 2>/dev/null &&
		[ "$("$MQH/mq_rec" -n -d "/${Q}s")" = "m$i" ] || lost=$((lost + 1))
done
is "$stale $lost" "0 0" "50 x mq_unl + mq_crt, then cat and echo: always the new queue"

gone=0
for i in $(seq 50); do
	ls "$D" >/dev/null && cat "$D/maxmsg" >/dev/null
	"$MQH/mq_unl" "/${Q}s"
	cat "$D/maxmsg" 2>/dev/null && gone=$((gone + 1))
	echo x 2>/dev/null >"$D/1" && gone=$((gone + 1))
	test -e "$D" && gone=$((gone + 1))
	"$MQH/mq_crt" "/${Q}s" 2 64
done
is "$gone" 0 "50 x mq_unl, then cat, echo and test -e: ENOENT at once"

done_testing
