#!/bin/bash
# proc/<pid>/wait: blocks for any process (not only children), says how it
# ended, parks without a thread per reader, honours O_NONBLOCK, poll,
# interrupts and timeouts.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"
mount_ipcfs
T=$(mktemp -d)
on_exit "rm -rf $T"

# A non-child (a child of this shell, not of cat) that exits 3.
(sleep 0.4; exit 3) & pid=$!
fate_is "$(cat "$M/proc/$pid/wait")" "exited 3" "non-child exiting 3: exited 3"
sleep 1000 & pid=$!
(sleep 0.3; kill -9 "$pid") &
fate_is "$(cat "$M/proc/$pid/wait")" "killed KILL" "killed by SIGKILL: killed KILL"

# Status of a zombie, read from its /proc stat.
mkfifo "$T/ctl"
exec 4<>"$T/ctl" # read-write: opening never blocks
start_logged "$T/parent" "$HELPERS/parent" 7 <"$T/ctl"
zpid=$(helper_pid "$T/parent")
wait_for grep -q '^State:.*Z' "/proc/$zpid/status"
fate_is "$(cat "$M/proc/$zpid/wait")" "exited 7" "a zombie: exited 7"
exec 4>&-

# Status of a process reaped before the server even saw it end: from the
# pidfd's exit information (PIDFD_INFO_EXIT).  The server is stopped while
# the process dies and is reaped, so it cannot read the zombie.
exec 4<>"$T/ctl" # read-write: opening never blocks
start_logged "$T/parent" "$HELPERS/parent" <"$T/ctl"
cpid=$(helper_pid "$T/parent")
cat "$M/proc/$cpid/wait" >"$T/out" &
reader=$!
sleep 0.3
kill -STOP "$SERVER"
kill -TERM "$cpid"
echo reap >&4
line_of "$T/parent" 2 >/dev/null
kill -CONT "$SERVER"
wait "$reader"
fate_is "$(cat "$T/out")" "killed TERM" "reaped before the server looked: killed TERM"
exec 4>&-

# A core dump is reported when the kernel wrote one.
pattern=$(cat /proc/sys/kernel/core_pattern)
if [ "${pattern:0:1}" = "|" ]; then
	pass "# SKIP core_pattern pipes cores away ($pattern)"
else
	(cd "$T" && ulimit -c unlimited && exec sleep 1000) & pid=$!
	cat "$M/proc/$pid/wait" >"$T/out" &
	reader=$!
	sleep 0.3
	kill -QUIT "$pid"
	wait "$reader"
	fate_is "$(cat "$T/out")" "killed QUIT core" "dumped core: killed QUIT core"
	rm -f "$T"/core*
fi

# Non-blocking: EAGAIN while alive; poll: readable only when it ended.
sleep 1000 & pid=$!
exec 3<"$M/proc/$pid/wait"
errno_is EAGAIN "O_NONBLOCK read of a live process: EAGAIN" read "$M/proc/$pid/wait" nonblock
is "$("$HELPERS/fsop" poll "$M/proc/$pid/wait" 200)" timeout "poll: not readable while alive"
"$HELPERS/fsop" poll "$M/proc/$pid/wait" 5000 >"$T/poll" &
poller=$!
sleep 0.3
kill "$pid"
wait "$poller"
is "$(cat "$T/poll")" readable "poll wakes when it ends"
wait "$pid" 2>/dev/null
read -r line <&3
exec 3<&-
fate_is "$line" "killed TERM" "opened while alive, read after the reap: the fate"

# timeout interrupts a blocked read within about its time; the mount
# still answers.
sleep 1000 & pid=$!
t0=$(date +%s%N)
timeout 1 cat "$M/proc/$pid/wait"; rc=$?
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
is "$rc" 124 "timeout 1 cat wait: timed out"
ok "and returned after ${ms} ms (0.9-2.5 s)" test "$ms" -ge 900 -a "$ms" -le 2500
ok "the mount still answers" test -d "$M/proc/$pid"
# Ctrl-C: SIGINT with its default action.
env --default-signal=INT cat "$M/proc/$pid/wait" & reader=$!
sleep 0.3
kill -INT "$reader"
wait "$reader"; rc=$?
is "$rc" 130 "Ctrl-C interrupts a blocked cat (status 130)"
# An interrupted reader leaves nothing stuck: a new reader still works.
cat "$M/proc/$pid/wait" >"$T/out" &
reader=$!
sleep 0.2
kill -9 "$pid"
wait "$reader"
fate_is "$(cat "$T/out")" "killed KILL" "a later reader still gets the fate"

# 100 concurrent readers on one process, released at once.
sleep 1000 & pid=$!
for i in $(seq 100); do cat "$M/proc/$pid/wait" >"$T/r.$i" & done
sleep 1
kill "$pid"
wait_for bash -c "[ \$(cat $T/r.* | grep -c 'killed TERM') -eq 100 ]"
fate=$(cat "$T"/r.* | sort | uniq -c | sed 's/^ *//')
fate_is "${fate#100 }" "killed TERM" "100 concurrent readers all released with the fate"
rm -f "$T"/r.*

# 200 blocked readers on 200 processes: listing proc/ stays instant and
# the server keeps its two threads.
pids=()
for i in $(seq 200); do sleep 1000 & pids+=($!); done
for p in "${pids[@]}"; do cat "$M/proc/$p/wait" >/dev/null & done
sleep 1
t0=$(date +%s%N)
n=$(ls "$M/proc" | wc -l)
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
ok "ls proc/ with 200 parked readers took ${ms} ms (< 1000)" test "$ms" -lt 1000
ok "and lists the processes ($n entries)" test "$n" -gt 200
threads=$(awk '/^Threads:/ { print $2 }' "/proc/$SERVER/status")
ok "the server has $threads threads (<= 4)" test "$threads" -le 4
kill "${pids[@]}"
wait_for bash -c "! pgrep -f '^cat $M/proc' >/dev/null"
ok "all 200 readers released" bash -c "! pgrep -f '^cat $M/proc' >/dev/null"

ok "server still alive" server_alive
done_testing
