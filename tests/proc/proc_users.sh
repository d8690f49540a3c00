#!/bin/bash
# Several users on one mount: a second user (nobody, 65534) against
# root's and a third user's processes on an -o allow_other mount.  kill(2)'s
# rules decide every signal (EPERM, and nothing delivered); what kill(2)
# allows works (own processes, a process whose real uid is ours, SIGCONT
# within our session); reading state files is open to all, as in /proc.
# Without allow_other nobody else can use the mount at all.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"

need_root "needs root to act as other users"
need_cmd setpriv
as() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --clear-groups "$@"; }
# What other users run must be where they can reach it (a clone may be
# 0700).
UFSOP=$(reachable_copy "$HELPERS/fsop") && UCATCH=$(reachable_copy "$HELPERS/catch") ||
	bail "cannot copy the helpers where other users reach them"
# In a session of its own: kill(2) lets SIGCONT through within a session.
nobody_op() { setsid -w setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$UFSOP" "$@" 2>&1 | tail -n 1; }

# Without allow_other: the mount is the mounter's alone.
mount_ipcfs
scratch_dir 755
err=$(as 65534 ls "$M" 2>&1)
like "$err" "Permission denied" "without allow_other another user cannot even list the mount"
umount_ipcfs

mount_ipcfs -o allow_other
# Targets that report every signal they get.
start_logged "$T/root" "$HELPERS/catch" INT TERM USR1 HUP CONT
rootp=$(helper_pid "$T/root")
start_logged "$T/other" as 1234 "$UCATCH" INT TERM USR1 HUP CONT
otherp=$(helper_pid "$T/other")
start_logged "$T/own" as 65534 "$UCATCH" INT TERM USR1 HUP CONT
ownp=$(helper_pid "$T/own")
# Real uid nobody, effective uid root (a setuid program run by nobody).
start_logged "$T/suid" setpriv --ruid=65534 --euid=0 "$UCATCH" USR1
suidp=$(helper_pid "$T/suid")

refused=0 tried=0
for target in "$rootp" "$otherp"; do
	for sig in INT TERM 9 USR1 HUP 0 CONT 'RTMIN 5' STOP; do
		tried=$((tried + 1))
		got=$(nobody_op write "$M/proc/$target/signal" "$sig\n")
		[ "$got" = "open: EPERM" ] && refused=$((refused + 1))
	done
done
is "$refused/$tried" "$tried/$tried" "every signal to root's and uid 1234's processes: EPERM at open"
sleep 0.2
is "$(wc -l <"$T/root")/$(wc -l <"$T/other")" "1/1" "0 signals delivered to them"
ok "both still alive" kill -0 "$rootp" "$otherp"
is "$(stat -c %A "$M/proc/$rootp/signal")" "--w--w--w-" \
	"signal's mode lets anyone try; kill(2)'s rules decide"

is "$(nobody_op write "$M/proc/$ownp/signal" 'USR1\n')" "ok 5" "nobody signals its own process"
is "$(line_of "$T/own" 2)" "Caught: User defined signal 1" "which gets it"
is "$(nobody_op write "$M/proc/$suidp/signal" 'USR1\n')" "ok 5" \
	"nobody signals a process whose real uid is nobody (euid root), as kill(2) allows"
is "$(line_of "$T/suid" 2)" "Caught: User defined signal 1" "which gets it"

# SIGCONT, and only SIGCONT, to a process of one's own session.
setsid bash -c '
	sleep 1000 & r=$!
	echo "$r" >"$1/sess.pid"
	sleep 0.2
	setpriv --reuid=65534 --regid=65534 --clear-groups "$2" write "$3/proc/$r/signal" "CONT\n" >"$1/sess.cont"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$2" write "$3/proc/$r/signal" "TERM\n" >"$1/sess.term"
	kill -9 "$r"' _ "$T" "$UFSOP" "$M"
is "$(cat "$T/sess.cont")" "ok 5" "SIGCONT to root's process in nobody's session: allowed"
is "$(cat "$T/sess.term")" "write: EPERM" "SIGTERM to the same process: EPERM, nothing sent"

# Reading is open to all, as /proc/PID/status is.
is "$(as 65534 cat "$M/proc/$rootp/caught")" "HUP INT USR1 TERM CONT" "nobody reads root's caught"
like "$(as 65534 cat "$M/proc/$rootp/state")" '^[a-z-]+$' "nobody reads root's state"
err=$(as 65534 chmod 666 "$M/proc/$rootp/state" 2>&1)
like "$err" "Operation not permitted" "nobody cannot chmod root's files"
err=$(as 65534 mkdir "$M/proc/x" 2>&1)
like "$err" "Permission denied|Operation not permitted" "nobody cannot mkdir in proc/"
# wait on root's process works for nobody (it is readable).
# setpriv, not the function: $! must be the reader itself.
setpriv --reuid=65534 --regid=65534 --clear-groups cat "$M/proc/$rootp/wait" >"$T/wait" &
reader=$!
wait_for parked "$reader"
kill -9 "$rootp"
wait "$reader"
fate_is "$(cat "$T/wait")" "killed KILL" "nobody waits for root's process"

kill -9 "$otherp" "$ownp" "$suidp" 2>/dev/null
ok "server still alive" server_alive
done_testing
