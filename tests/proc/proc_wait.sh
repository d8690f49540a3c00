#!/bin/bash
# proc/<pid>/wait: blocks for any process (not only children), says how it
# ended, parks without a thread per reader, honours O_NONBLOCK, poll,
# interrupts and timeouts.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"
mount_ipcfs
scratch_dir

# A non-child (a child of this shell, not of cat) that exits 3, once its
# reader is parked (the fifo says when).
mkfifo "$T/go"
(read -r _ <"$T/go"; exit 3) & pid=$!
cat_parked "$T/out" "$M/proc/$pid/wait"; reader=$PARKED
echo go >"$T/go"
wait "$reader"
fate_is "$(cat "$T/out")" "exited 3" "non-child exiting 3: exited 3"
sleep 1000 & pid=$!
cat_parked "$T/out" "$M/proc/$pid/wait"; reader=$PARKED
kill -9 "$pid"
wait "$reader"
fate_is "$(cat "$T/out")" "killed KILL" "killed by SIGKILL: killed KILL"

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
# (a fifo of its own: the first parent may still be reading the old one)
mkfifo "$T/ctl2"
exec 4<>"$T/ctl2" # read-write: opening never blocks
start_logged "$T/parent" "$HELPERS/parent" <"$T/ctl2"
cpid=$(helper_pid "$T/parent")
cat "$M/proc/$cpid/wait" >"$T/out" &
reader=$!
wait_for parked "$reader"
kill -STOP "$SERVER"
kill -TERM "$cpid"
echo reap >&4
reaped=$(line_of "$T/parent" 2)
kill -CONT "$SERVER"
like "$reaped" '^reaped [0-9]+$' "the parent reaped it while the server was stopped"
wait "$reader"
fate_is "$(cat "$T/out")" "killed TERM" "reaped before the server looked: killed TERM"
exec 4>&-

# A core dump is reported when the kernel wrote one.
pattern=$(cat /proc/sys/kernel/core_pattern)
if [ "${pattern:0:1}" = "|" ]; then
	pass "# SKIP core_pattern pipes cores away ($pattern)"
else
	(cd "$T" && ulimit -c unlimited && exec env --default-signal=QUIT sleep 1000) &
	pid=$!
	cat "$M/proc/$pid/wait" >"$T/out" &
	reader=$!
	wait_for parked "$reader"
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
# (a poll of up to 10 minutes: it must end with the process, not time out)
"$HELPERS/fsop" poll "$M/proc/$pid/wait" 600000 >"$T/poll" &
poller=$!
wait_for polling "$poller"
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
# The lower bound is what timeout asked for; the upper one only tells an
# interrupted read from one that hung (a busy machine may be slow).
ok "and returned after ${ms} ms (at least 0.9 s, well under a minute)" test "$ms" -ge 900 -a "$ms" -le 60000
ok "the mount still answers" test -d "$M/proc/$pid"
# Ctrl-C: SIGINT with its default action.
env --default-signal=INT cat "$M/proc/$pid/wait" & reader=$!
wait_for parked "$reader"
kill -INT "$reader"
wait "$reader"; rc=$?
is "$rc" 130 "Ctrl-C interrupts a blocked cat (status 130)"
# An interrupted reader leaves nothing stuck: a new reader still works.
cat "$M/proc/$pid/wait" >"$T/out" &
reader=$!
wait_for parked "$reader"
kill -9 "$pid"
wait "$reader"
fate_is "$(cat "$T/out")" "killed KILL" "a later reader still gets the fate"

# 100 concurrent readers on one process, released at once.
sleep 1000 & pid=$!
readers=()
for i in $(seq 100); do cat "$M/proc/$pid/wait" >"$T/r.$i" & readers+=($!); done
ok "100 readers parked" wait_for all_parked "${readers[@]}"
kill "$pid"
wait_for bash -c "[ \$(cat $T/r.* | grep -c 'killed TERM') -eq 100 ]"
fate=$(cat "$T"/r.* | sort | uniq -c | sed 's/^ *//')
fate_is "${fate#100 }" "killed TERM" "100 concurrent readers all released with the fate"
rm -f "$T"/r.*

# 200 blocked readers on 200 processes: listing proc/ stays instant and
# the server keeps its three threads (none per reader).
pids=()
for i in $(seq 200); do sleep 1000 & pids+=($!); done
readers=()
for p in "${pids[@]}"; do cat "$M/proc/$p/wait" >/dev/null & readers+=($!); done
ok "200 readers parked" wait_for all_parked "${readers[@]}"
# Listing must not wait for any of them: a minute is only a hang detector.
timeout 60 ls "$M/proc" >"$T/list"; rc=$?
is "$rc" 0 "ls proc/ with 200 parked readers answers"
missing=0
for p in "${pids[@]}"; do grep -qx "$p" "$T/list" || missing=$((missing + 1)); done
is "$missing" 0 "and lists all 200 processes ($(wc -l <"$T/list") entries)"
threads=$(server_threads)
ok "the server has $threads threads (<= 4)" test "$threads" -le 4
kill "${pids[@]}"
wait_for bash -c "! pgrep -f '^cat $M/proc' >/dev/null"
ok "all 200 readers released" bash -c "! pgrep -f '^cat $M/proc' >/dev/null"

ok "server still alive" server_alive
done_testing
