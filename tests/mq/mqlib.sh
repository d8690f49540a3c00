# Shared by the message queue mount tests: sources tests/lib.sh, finds
# our C helpers (built in the build tree's tests/mq), raises this shell's
# RLIMIT_MSGQUEUE (root's 800 KiB is shared by everything root runs on the
# machine) and removes the queues a test made, also when it fails.
# shellcheck shell=bash
. "${TESTS_SRC:-$(dirname "${BASH_SOURCE[0]}")/..}/lib.sh"

MQH=${MQ_HELPERS:-$HELPERS/mq}
for h in mq_crt mq_snd mq_rec mq_unl mq_hold mq_reader mq_flood mq_fsop; do
	[ -x "$MQH/$h" ] || bail "no helper $MQH/$h"
done
ulimit -q unlimited 2>/dev/null || true

_mq_made=()
# mq_track NAME...: queue names (without /) to unlink at exit.
mq_track() { _mq_made+=("$@"); }
_mq_cleanup() {
	local q
	for q in "${_mq_made[@]}"; do "$MQH/mq_unl" "/$q" 2>/dev/null; done
	return 0
}
on_exit _mq_cleanup

# mq_queue NAME [ATTRS]: makes the queue mq/NAME (with ",ATTRS", such as
# maxmsg=10,msgsize=16) through the tree, unlinked at exit; sets Q to its
# name and D to its directory.
mq_queue() {
	Q=$1 D=$M/mq/$1
	mq_track "$Q"
	mkdir "$D${2:+,$2}" || bail "cannot make the queue $Q"
}

# curmsgs QUEUE: messages in mq/QUEUE now, through the tree.
curmsgs() { cat "$M/mq/$1/curmsgs"; }
# queue_listed QUEUE: mq/ lists it.
queue_listed() { ls "$M/mq" | grep -qxF -- "$1"; }
# parked_count PIDFILE: how many of those pids are parked
parked_count() {
	local p n=0
	while read -r p; do parked "$p" && n=$((n + 1)); done <"$1"
	echo "$n"
}
# op_is WANT DESCRIPTION mq_fsop-ARGS...: the call fails with errno WANT
# (a name like EEXIST), or succeeds when WANT is ok.
op_is() {
	local want=$1 d=$2 got; shift 2
	got=$("$MQH/mq_fsop" "$@" 2>&1 | tail -n 1)
	if [ "$want" = ok ]; then is "$got" ok "$d"; else like "$got" ": $want\$" "$d"; fi
}
