#!/bin/bash
# proc/<pid>/signal: names, numbers, real-time signals with a value,
# several lines per write, signal 0, and the process pinned at open.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"
mount_ipcfs
scratch_dir

# Background jobs of a script ignore SIGINT; this starts one with the
# default disposition, as a terminal's foreground job would have it.
spawn() { env --default-signal=INT,QUIT "$@" & }

# A plain sleep dies of SIGINT sent through the tree; wait says how.
spawn sleep 1000; pid=$!
cat_parked "$T/wait" "$M/proc/$pid/wait"; reader=$PARKED
echo INT >"$M/proc/$pid/signal"; rc=$?
is "$rc" 0 "echo INT > proc/PID/signal succeeds"
wait "$pid"; st=$?
is "$st" 130 "the sleep died of SIGINT (status 130)"
wait "$reader"
fate_is "$(cat "$T/wait")" "killed INT" "its wait file says killed INT"

# Our own catch: handlers print strsignal(); names, numbers, cases.
start_logged "$T/catch" "$HELPERS/catch" INT TERM USR1 USR2 HUP
cpid=$(helper_pid "$T/catch")
echo TERM >"$M/proc/$cpid/signal"
is "$(line_of "$T/catch" 2)" "Caught: Terminated" "echo TERM reaches the handler"
echo sigusr1 >"$M/proc/$cpid/signal"
is "$(line_of "$T/catch" 3)" "Caught: User defined signal 1" \
	"echo sigusr1 (lower case) reaches the handler"
echo SIGUSR2 >"$M/proc/$cpid/signal"
is "$(line_of "$T/catch" 4)" "Caught: User defined signal 2" \
	"echo SIGUSR2 reaches the handler"
echo 2 >"$M/proc/$cpid/signal"
is "$(line_of "$T/catch" 5)" "Caught: Interrupt" \
	"echo 2 (a number) reaches the INT handler"
printf 'HUP\nINT\n' >"$M/proc/$cpid/signal"
line_of "$T/catch" 7 >/dev/null
is "$(sed -n '6,7p' "$T/catch" | sort | paste -sd,)" \
	"Caught: Hangup,Caught: Interrupt" "two lines in one write send two signals"
echo 0 >"$M/proc/$cpid/signal"; rc=$?
is "$rc" 0 "signal 0 checks existence"
sleep 0.3
is "$(wc -l <"$T/catch")" 7 "signal 0 delivers nothing"
cat_parked "$T/wait" "$M/proc/$cpid/wait"; reader=$PARKED
echo 9 >"$M/proc/$cpid/signal"
wait "$reader"
fate_is "$(cat "$T/wait")" "killed KILL" "echo 9 kills it; wait says killed KILL"

# A process that exits by itself: exited 0.
# (it ends once its reader is parked: the fifo says when)
mkfifo "$T/go"
(read -r _ <"$T/go") & pid=$!
cat_parked "$T/wait" "$M/proc/$pid/wait"; reader=$PARKED
echo go >"$T/go"
wait "$reader"
fate_is "$(cat "$T/wait")" "exited 0" "a process that ends normally: exited 0"

# The lecture's waitchild: the parent sees WIFSIGNALED and psignal's text.
start_logged "$T/wc" env --default-signal=INT "$HELPERS/waitchild"
line=$(line_of "$T/wc" 1)
child=${line##* }
like "$child" '^[0-9]+$' "waitchild reports its child ($line)"
echo INT >"$M/proc/$child/signal"
wait "$LOGGED_PID"
like "$(cat "$T/wc")" "Terminated:: Interrupt" "the parent's psignal says Interrupt"
like "$(cat "$T/wc")" "Exit status: 2" "and the raw status is 2"

# Real-time signals carry a value with sigqueue semantics.
rtmin=$(kill -l RTMIN)
start_logged "$T/sv" "$HELPERS/sigval" 3 "$rtmin" "$((rtmin + 1))" "$((rtmin + 2))"
spid=$(helper_pid "$T/sv")
echo "RTMIN+2 42" >"$M/proc/$spid/signal"
is "$(line_of "$T/sv" 2)" "sig=$((rtmin + 2)) code=SI_QUEUE value=42" \
	"RTMIN+2 42 arrives with si_value 42"
printf 'RTMIN -7\nrtmin+1 2147483647\n' >"$M/proc/$spid/signal"
is "$(line_of "$T/sv" 3)" "sig=$rtmin code=SI_QUEUE value=-7" "RTMIN -7 (negative value)"
is "$(line_of "$T/sv" 4)" "sig=$((rtmin + 1)) code=SI_QUEUE value=2147483647" \
	"rtmin+1 INT_MAX"

usr1=$(kill -l USR1)
start_logged "$T/sv" "$HELPERS/sigval" 1 "$usr1"
spid=$(helper_pid "$T/sv")
echo USR1 >"$M/proc/$spid/signal"
is "$(line_of "$T/sv" 2)" "sig=$usr1 code=SI_USER value=0" \
	"without a value it is a plain kill (SI_USER)"

rtmax=$(kill -l RTMAX)
start_logged "$T/sv" "$HELPERS/sigval" 1 "$((rtmax - 3))"
spid=$(helper_pid "$T/sv")
echo "SIGRTMAX-3 7" >"$M/proc/$spid/signal"
is "$(line_of "$T/sv" 2)" "sig=$((rtmax - 3)) code=SI_QUEUE value=7" "SIGRTMAX-3 7"

# Pinned at open: the process ends between open and write -> ESRCH.
sleep 1000 & pid=$!
exec 3>"$M/proc/$pid/signal"
kill -9 "$pid"; wait "$pid" 2>/dev/null
err=$( { echo INT >&3; } 2>&1 )
exec 3>&-
like "$err" "No such process" "a pid gone between open and write: ESRCH"
# A zombie (its parent has not reaped it) is gone as well.
mkfifo "$T/ctl"
exec 4<>"$T/ctl" # read-write: opening never blocks
start_logged "$T/parent" "$HELPERS/parent" 0 <"$T/ctl"
zpid=$(helper_pid "$T/parent")
wait_for grep -q '^State:.*Z' "/proc/$zpid/status"
errno_is ESRCH "a zombie's signal file: ESRCH" write "$M/proc/$zpid/signal" 'INT\n'
is "$(cat "$M/proc/$zpid/state")" "zombie" "and its state is zombie"
echo reap >&4
line_of "$T/parent" 2 >/dev/null
errno_is ENOENT "once reaped it has no directory" write "$M/proc/$zpid/signal" 'INT\n'
exec 4>&-

# One fd, several writes: each write is one command.
start_logged "$T/catch" "$HELPERS/catch" USR1 USR2
cpid=$(helper_pid "$T/catch")
exec 3>"$M/proc/$cpid/signal"
echo USR1 >&3
echo USR2 >&3
exec 3>&-
line_of "$T/catch" 3 >/dev/null
# (handlers may nest, so the two lines can come in either order)
is "$(sed -n '2,3p' "$T/catch" | sort | paste -sd/)" \
	"Caught: User defined signal 1/Caught: User defined signal 2" \
	"successive writes on one open file"
kill -9 "$cpid"

# self: the caller's own process.
out=$(bash -c 'echo $$; exec readlink "$0"' "$M/proc/self")
is "$(echo "$out" | sed -n 2p)" "$(echo "$out" | sed -n 1p)" "proc/self names the caller"
is "$(readlink "$M/proc/self/..")" "" "proc/self/.. is proc/ itself, not a link"
ok "proc/self/.. lists proc/" test -d "$M/proc/self/../1"

ok "server still alive" server_alive
done_testing
