#!/bin/bash
# The read-only files and the listing: signals, proc/, proc/<pid>/ with
# owners, modes and times, state, caught, blocked, ignored, pending.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"
mount_ipcfs
scratch_dir

# /signals: NUM NAME description, 1..31 then RTMIN..RTMAX.
is "$(head -n 2 "$M/signals")" "$(printf '1 HUP Hangup\n2 INT Interrupt')" "signals starts with HUP, INT"
like "$(grep '^9 ' "$M/signals")" '^9 KILL Killed$' "signals has 9 KILL Killed"
rtmin=$(kill -l RTMIN); rtmax=$(kill -l RTMAX)
is "$(wc -l <"$M/signals")" "$((31 + rtmax - rtmin + 1))" "one line per signal"
like "$(grep "^$rtmin " "$M/signals")" "^$rtmin RTMIN Real-time signal 0\$" "RTMIN row"
like "$(grep "^$((rtmin + 2)) " "$M/signals")" "RTMIN\\+2 " "RTMIN+2 row"
like "$(grep "^$rtmax " "$M/signals")" "^$rtmax RTMAX " "RTMAX row"
# Every name in the table is accepted back by kill(1).
bad=0
while read -r num name _; do
	[ "$(kill -l "$name" 2>/dev/null)" = "$num" ] || bad=$((bad + 1))
done <"$M/signals"
is "$bad" 0 "kill -l agrees with every row"
is "$(stat -c %A "$M/signals")" "-r--r--r--" "signals is read-only"

# proc/ lists processes like /proc: thread-group ids only.
# Other programs come and go meanwhile (a busy machine churns thousands):
# every process in /proc both before and after the listing must be in it,
# and nothing it lists may be a thread id of a process still there.
sleep 1000 & sp=$!
ls /proc | grep -E '^[0-9]+$' | sort >"$T/before"
ls "$M/proc" >"$T/ours"
ls /proc | grep -E '^[0-9]+$' | sort >"$T/after"
ok "proc/ lists the sleeper" grep -qx "$sp" "$T/ours"
ok "proc/ lists pid 1" grep -qx 1 "$T/ours"
ok "proc/ lists self" grep -qx self "$T/ours"
comm -12 "$T/before" "$T/after" >"$T/stable"
missing=$(comm -23 "$T/stable" <(grep -E '^[0-9]+$' "$T/ours" | sort) | wc -l)
is "$missing" 0 "proc/ lists every process /proc had before and after ($(wc -l <"$T/stable"))"
threads=0
for p in $(grep -E '^[0-9]+$' "$T/ours"); do
	tgid=$(awk '/^Tgid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
	[ -z "$tgid" ] || [ "$tgid" = "$p" ] || threads=$((threads + 1))
done
is "$threads" 0 "and no thread id"
# A thread id is not a process directory.
start_logged "$T/thr" "$HELPERS/threads"
line=$(line_of "$T/thr" 1)
set -- $line
ok "a process with two threads is listed" grep -qx "$2" <(ls "$M/proc")
ok "its second thread is not" bash -c "! ls $M/proc | grep -qx $3"
errno_is ENOENT "and does not resolve (only thread-group ids)" open "$M/proc/$3/state" r
kill "$LOGGED_PID"
# A listing longer than one READDIR reply resumes where it stopped:
# 300 extra processes, each listed exactly once.
many=()
for i in $(seq 300); do sleep 1000 & many+=($!); done
ls -1f "$M/proc" >"$T/list"
missing=0
for p in "${many[@]}"; do grep -qx "$p" "$T/list" || missing=$((missing + 1)); done
is "$missing" 0 "all 300 new processes listed across several READDIRs"
is "$(grep '^[0-9]' "$T/list" | sort -n | uniq -d | wc -l)" 0 "no pid listed twice"
ok "pids come in increasing order" bash -c "grep '^[0-9]' $T/list | sort -nc"
kill "${many[@]}"

# proc/<pid>/: the seven files, owners, modes, times.
is "$(ls "$M/proc/$sp" | tr '\n' ' ')" "blocked caught ignored pending signal state wait " \
	"a process directory has its seven files"
is "$(stat -c '%A %U' "$M/proc/$sp/signal")" "--w--w--w- root" \
	"signal: write-only for all (kill(2)'s rules decide), owned by the real uid"
is "$(stat -c '%A' "$M/proc/$sp/wait")" "-r--r--r--" "wait is read-only"
is "$(stat -c '%A %U' "$M/proc/$sp")" "dr-xr-xr-x root" "the directory"
# The process's own start (field 22 of /proc/PID/stat, in ticks after
# boot), not the time now: a busy machine may take seconds to get here.
start=$(stat -c %Y "$M/proc/$sp")
born=$(( $(awk '/^btime/ { print $2 }' /proc/stat) +
	$(sed 's/.*) //' "/proc/$sp/stat" | awk '{ print $20 }') / $(getconf CLK_TCK) ))
ok "times are the process start ($start vs $born from /proc/$sp/stat)" \
	test $((start - born)) -le 1 -a $((start - born)) -ge -1
# A process of another user is owned by its real uid.
setpriv --reuid=65534 --regid=65534 --clear-groups sleep 1000 & np=$!
wait_for grep -q '^State:.*S' "/proc/$np/status" # (setpriv has exec'd)
is "$(stat -c '%u %g' "$M/proc/$np")" "65534 65534" "nobody's process is owned by nobody"
kill "$np"

# state
is "$(cat "$M/proc/$sp/state")" "sleeping" "a sleep is sleeping"
kill -STOP "$sp"
wait_for bash -c "[ \"\$(cat $M/proc/$sp/state)\" = stopped ]"
is "$(cat "$M/proc/$sp/state")" "stopped" "after STOP: stopped"
kill -CONT "$sp"
sh -c 'while :; do :; done' & busy=$!
wait_for bash -c "[ \"\$(cat $M/proc/$busy/state)\" = running ]"
is "$(cat "$M/proc/$busy/state")" "running" "a busy loop is running"
kill "$busy"

# caught, blocked, ignored, pending
start_logged "$T/catch" "$HELPERS/catch" INT SEGV
cpid=$(helper_pid "$T/catch")
is "$(cat "$M/proc/$cpid/caught")" "INT SEGV" "caught: the handlers of catch INT SEGV"
usr1=$(kill -l USR1)
start_logged "$T/sv" "$HELPERS/sigval" 0 "$usr1" "$rtmin"
# sigval with COUNT 0 blocks its signals and waits for none of them.
svp=$(helper_pid "$T/sv")
like "$(cat "$M/proc/$svp/blocked")" "^USR1 RTMIN$" "blocked: USR1 RTMIN"
is "$(cat "$M/proc/$svp/pending")" "" "nothing pending yet"
kill -USR1 "$svp"; kill -s RTMIN "$svp"
is "$(cat "$M/proc/$svp/pending")" "USR1 RTMIN" "pending after two blocked signals"
env --default-signal=INT,QUIT bash -c 'trap "" USR2 HUP; exec sleep 1000' & ip=$!
sleep 0.2
is "$(cat "$M/proc/$ip/ignored")" "HUP USR2" "ignored: what trap '' ignores"
kill "$ip" "$cpid" "$svp" "$sp"

ok "server still alive" server_alive
done_testing
