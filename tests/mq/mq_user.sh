#!/bin/bash
# Creation as the caller: on an allow_other mount, a queue made by uid
# 65534 is owned by it and made under its limits (msg_max, msgsize_max,
# its RLIMIT_MSGQUEUE), not root's; the kernel checks the modes the tree
# reports (next: the queue's read bits, priorities: its write bits); only
# the owner may remove or chmod a queue (the sticky mq/).
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"

need_cmd setpriv
mount_ipcfs -o allow_other
Q=user$$
mq_track "$Q" "${Q}r" "${Q}w" "${Q}x" "${Q}y"
U=("${NOBODY[@]}")
# What uid 65534 runs must be where it can reach it (a clone may be 0700).
UFSOP=$(reachable_copy "$MQH/mq_fsop") || bail "cannot copy mq_fsop where uid 65534 reaches it"
as_user() { "${U[@]}" "$@"; }
as_user_op() { local want=$1 d=$2; shift 2; op_is "$want" "$d" "${U[@]}" "$UFSOP" "$@"; }
# op_is runs mq_fsop itself; as the user it goes through setpriv
op_is() {
	local want=$1 d=$2 got; shift 2
	if [ "$1" = setpriv ]; then got=$("$@" 2>&1 | tail -n 1)
	else got=$("$MQH/mq_fsop" "$@" 2>&1 | tail -n 1); fi
	if [ "$want" = ok ]; then is "$got" ok "$d"; else like "$got" ": $want\$" "$d"; fi
}

ok "uid 65534 can reach the tree" as_user test -d "$M/mq"
as_user_op ok "uid 65534: mkdir mq/Q" mkdir "$M/mq/$Q,maxmsg=2,msgsize=64" 0700
is "$(stat -c '%u %g %A' "$M/mq/$Q")" "65534 65534 drwx------" "the queue is the caller's, with its mode"
ok "the owner sends through the tree" as_user bash -c "printf hi >'$M/mq/$Q/1'"
is "$(as_user cat "$M/mq/$Q/next")" hi "and receives"
msg_max=$(cat /proc/sys/fs/mqueue/msg_max)
size_max=$(cat /proc/sys/fs/mqueue/msgsize_max)
as_user_op EINVAL "maxmsg above msg_max ($msg_max): EINVAL" mkdir "$M/mq/${Q}x,maxmsg=$((msg_max + 1))"
as_user_op EINVAL "msgsize above msgsize_max: EINVAL" mkdir "$M/mq/${Q}x,msgsize=$((size_max + 1))"
ok "nothing was made" test ! -e "$M/mq/${Q}x"
# RLIMIT_MSGQUEUE counts every queue of the user on the machine: other
# programs of uid 65534 (other tests) may hold some, so the limit is
# tried by a uid of this test alone.
RU=$((100000 + $$))
as_ru() { setpriv --reuid=$RU --regid=$RU --clear-groups "$@"; }
got=$(as_ru bash -c "ulimit -q 1000; '$UFSOP' mkdir '$M/mq/${Q}x,maxmsg=2,msgsize=1024'")
is "$got" "mkdir: EMFILE" "the caller's RLIMIT_MSGQUEUE (1000 bytes) applies: EMFILE"
got=$(as_ru bash -c "ulimit -q 10000; '$UFSOP' mkdir '$M/mq/${Q}x,maxmsg=2,msgsize=1024'")
is "$got" ok "and a queue within it is made"
is "$(as_ru "$UFSOP" rmdir "$M/mq/${Q}x" 2>&1 | tail -n 1)" ok "the owner removes its queue"

# ---- root's queues, as the user
mkdir -m 600 "$M/mq/${Q}r,maxmsg=2,msgsize=64"
printf 'secret' >"$M/mq/${Q}r/1"
as_user_op EACCES "next of a 0600 root queue: EACCES" open "$M/mq/${Q}r/next" r
as_user_op EACCES "a priority file of it: EACCES" open "$M/mq/${Q}r/1" w
as_user_op EPERM "rmdir of root's queue: EPERM (sticky mq/)" rmdir "$M/mq/${Q}r"
as_user_op EPERM "chmod of root's queue: EPERM" chmod "$M/mq/${Q}r" 0666
is "$(cat "$M/mq/${Q}r/curmsgs") $(stat -c %A "$M/mq/${Q}r")" "1 drwx------" "nothing changed"
mkdir -m 644 "$M/mq/${Q}w,maxmsg=2,msgsize=64"
printf 'public' >"$M/mq/${Q}w/1"
is "$(as_user cat "$M/mq/${Q}w/next")" public "a 0644 queue: others may receive"
as_user_op EACCES "but not send" open "$M/mq/${Q}w/1" w
chmod 666 "$M/mq/${Q}w"
ok "after chmod 666 they may send" as_user bash -c "printf from-user >'$M/mq/${Q}w/1'"
is "$(cat "$M/mq/${Q}w/next")" from-user "root receives it"
ok "root removes the user's queue" rmdir "$M/mq/$Q"
rmdir "$M/mq/${Q}r" "$M/mq/${Q}w"
ok "the server is alive" server_alive
done_testing
