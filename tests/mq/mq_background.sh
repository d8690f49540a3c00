#!/bin/bash
# Background requests: an aio write (io_submit) of a priority file opened
# O_DIRECT is a FUSE background request, and the kernel keeps only
# max_background of those in flight per mount, shared with every RELEASE
# of every user.  Parked ones must not use them up: as uid 65534, many
# aio writes to a full queue; only a few park, the rest get EAGAIN, and
# another user's close (whose RELEASE sends an empty message), `ls proc`
# and a send and receive keep working.
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"

need_cmd setpriv
[ -x "$HELPERS/aiowrite" ] || bail "no helper aiowrite"
mount_ipcfs -o allow_other
Q=bg$$ R=bgr$$
mq_track "$Q" "$R"
U=("${NOBODY[@]}")
# uid 65534 may not reach the build tree (a clone in a 0700 directory)
scratch_dir 755
cp "$HELPERS/aiowrite" "$MQH/mq_fsop" "$T/"

is "$("${U[@]}" "$T/mq_fsop" mkdir "$M/mq/$Q,maxmsg=1,msgsize=16" 0700)" ok \
	"uid 65534 makes its queue (maxmsg 1)"
ok "and fills it" "${U[@]}" bash -c "printf x >'$M/mq/$Q/1'"
# one per priority file: a write holds its file's lock in the kernel
N=40
for i in $(seq "$N"); do
	"${U[@]}" "$T/aiowrite" "$M/mq/$Q/$i" "w$i" >"$T/out.$i" 2>&1 &
done
eagain() { cat "$T"/out.* 2>/dev/null | grep -c '^aio: EAGAIN$'; }
# each of them either parks or is refused at once; wait for the refusals
wait_for test "$(eagain)" -ge $((N - 8))
got=$(eagain)
ok "most of $N aio writes are refused with EAGAIN ($got), not parked" \
	test "$got" -ge $((N - 8)) -a "$got" -lt "$N"
# another user, while those that park still wait
mkdir "$M/mq/$R,maxmsg=4,msgsize=16"
: >"$M/mq/$R/1"
wait_for test "$(curmsgs "$R")" = 1
is "$(curmsgs "$R")" 1 "another user's close is served: its empty message is sent"
for i in $(seq 50); do cat "$M/mq/$R/curmsgs" >/dev/null; done
ok "ls proc answers" bash -c "timeout 10 ls '$M/proc' >/dev/null"
printf hi >"$M/mq/$R/2"
is "$(timeout 10 cat "$M/mq/$R/next")" hi "a send and a receive work"
# let the parked ones in, one by one, and see every writer finish
for i in $(seq "$N"); do
	"$MQH/mq_rec" -n "/$Q" >/dev/null 2>&1
	[ "$(cat "$T"/out.* | grep -c .)" -ge "$N" ] && break
	sleep 0.05
done
wait_for test "$(cat "$T"/out.* | grep -c .)" -ge "$N"
is "$(cat "$T"/out.* | grep -c -e '^ok [23]$' -e '^aio: EAGAIN$')" "$N" \
	"every aio writer ends: written once there is room, or EAGAIN"
ok "the server is alive" server_alive
done_testing
