#!/bin/bash
# A writer killed before its write reached the server sends nothing.  The
# kernel drops a write still waiting in its queue when a fatal signal
# comes, unseen by the server; the dying writer then closes its O_TRUNC
# file, and that close must not count as `printf '' >` (an empty
# message).  Here the server is stopped (SIGSTOP) while the write is
# made, so the write is in the kernel's queue every time, not by luck of
# timing.  Also: a writer killed after its open and before any write
# sends nothing.  Controls: a live process that closes an unwritten
# O_TRUNC file still sends the empty message, and so does a process whose
# other threads the kernel ends with SIGKILL as it exits normally
# (exit_group: those threads are marked "signaled" too); a writer let run
# sends its message.
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"

command -v python3 >/dev/null || skip_all "no python3"
mount_ipcfs
mq_queue kil$$ maxmsg=3,msgsize=64
scratch_dir

# flags PID: the kernel's PF_* bits of the task (field 9 of its stat)
flags() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f7; }
# dying_in_fuse PID: it exits (PF_EXITING) and waits for a FUSE answer
dying_in_fuse() {
	local f
	f=$(flags "$1") && [ -n "$f" ] && (((f & 4) != 0)) && in_fuse "$1"
}
# server_stopped: every thread of the server is stopped (SIGSTOP is
# asynchronous: until then it could still read the write)
server_stopped() {
	local t
	for t in /proc/"$SERVER"/task/*/stat; do
		[ "$(sed 's/.*) //' "$t" | cut -d' ' -f1)" = T ] || return 1
	done
}
# the files the server has open (from its state line)
open_files() { server_state | sed -n 's/.*nodes, \([0-9]*\) open files.*/\1/p'; }
no_open_files() { [ "$(open_files)" = 0 ]; }

# writer PRIO: opens $D/PRIO with O_TRUNC, waits for a line on $T/go,
# writes "w" + PRIO; W is its pid, fd 4 the go line's writing end.
writer() {
	rm -f "$T/go"
	mkfifo "$T/go"
	python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_TRUNC)
open(sys.argv[2]).read()
os.write(fd, b"w" + sys.argv[3].encode())
' "$D/$1" "$T/go" "$1" &
	W=$!
	exec 4>"$T/go" # returns once the writer has its file open
}

writer 8
on_exit "kill -CONT $SERVER 2>/dev/null"
kill -STOP "$SERVER"
wait_for server_stopped || bail "the server did not stop"
exec 4>&-
ok "with the server stopped, the write waits in the kernel's queue" \
	wait_for parked "$W"
kill -TERM "$W"
ok "SIGTERM: the writer dies, and its close waits for the server" \
	wait_for dying_in_fuse "$W"
kill -CONT "$SERVER"
wait "$W"
is "$?" 143 "the writer was killed by SIGTERM"
ok "its file is closed" wait_for no_open_files
is "$(curmsgs "$Q")" 0 "nothing was sent: no message, no empty one"
ok "the server is alive" server_alive

# killed after its open, before any write: nothing either
python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_TRUNC)
print("open", flush=True)
os.kill(os.getpid(), 15)
' "$D/9" >"$T/out"
is "$?:$(cat "$T/out")" "143:open" "a writer that opened and was killed"
ok "its file is closed" wait_for no_open_files
is "$(curmsgs "$Q")" 0 "sent nothing"

# control: a process that exits normally (exit_group) while another of
# its threads still runs: the kernel kills that thread, the process was
# not killed, and `exec 3> 6` closed unwritten is an empty message
python3 -c '
import os, sys, threading, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_TRUNC)
threading.Thread(target=time.sleep, args=(1000,), daemon=True).start()
os._exit(0)
' "$D/6"
is "$?" 0 "a threaded process exits 0 with its file unwritten"
ok "it sends the empty message" wait_for bash -c "[ \"\$(cat '$M/mq/$Q/curmsgs')\" = 1 ]"
is "$("$MQH/mq_rec" -n "/$Q")" "Read 0 bytes; priority = 6" "an empty one at its priority"

# control: an unwritten O_TRUNC file closed by a live process
: >"$D/7"
ok "\`: > 7\` sends the empty message" wait_for bash -c "[ \"\$(cat '$M/mq/$Q/curmsgs')\" = 1 ]"
is "$("$MQH/mq_rec" -n "/$Q")" "Read 0 bytes; priority = 7" "an empty one at its priority"

# control: a writer whose write the server got
writer 6
exec 4>&-
wait "$W"
is "$?" 0 "a writer let run writes and exits"
is "$(cat "$D/next")" w6 "its message"
ok "the server is alive" server_alive
done_testing
