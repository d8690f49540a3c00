#!/bin/bash
# Bad input to the process tree: each gets a clear errno, sends nothing,
# and leaves the server serving.  The target is our catch, with a handler
# for every signal a bad write might name, so any stray signal shows up.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"
mount_ipcfs
scratch_dir

start_logged "$T/catch" "$HELPERS/catch" HUP INT QUIT USR1 USR2 TERM ALRM CHLD URG WINCH \
	"$(kill -l RTMIN)" "$(kill -l RTMAX)"
cpid=$(helper_pid "$T/catch")
S="$M/proc/$cpid/signal"
nothing_sent() { sleep 0.1; is "$(wc -l <"$T/catch")" 1 "$1: nothing sent"; }

for bad in FOO SIG 99 -1 '2 x' RTMIN+99 'INT 1 2' 'INT 99999999999' 32 '+2' '02' \
	'RTMAX+1' 'SIGSIGINT' '\n' '   \n\t\n' 'INT\nFOO\n' 'INT\n2 x\n'; do
	errno_is EINVAL "'$bad': EINVAL" write "$S" "$bad"
	nothing_sent "'$bad'"
done
errno_is EINVAL "a line with NUL: EINVAL" write "$S" 'INT\0\n'
nothing_sent "NUL"
errno_is EINVAL "NUL inside a name: EINVAL" write "$S" 'I\0NT\n'
nothing_sent "NUL in a name"
errno_is EMSGSIZE "a 1 MiB write: EMSGSIZE" writen "$S" 1048576
nothing_sent "1 MiB"
errno_is EMSGSIZE "4097 bytes: EMSGSIZE" writen "$S" 4097
nothing_sent "4097 bytes"
# An empty write(2) never reaches the server: write() returns 0.
errno_is ok "a zero-length write returns 0" write "$S" ''
nothing_sent "zero-length write"

# Wrong direction.
errno_is EACCES "writing to wait: EACCES" write "$M/proc/$cpid/wait" 'x'
errno_is EACCES "writing to state: EACCES" write "$M/proc/$cpid/state" 'x'
errno_is EACCES "writing to caught: EACCES" write "$M/proc/$cpid/caught" 'x'
errno_is EACCES "reading signal: EACCES" read "$M/proc/$cpid/signal"
errno_is EACCES "opening signal read-write: EACCES" open "$S" rw
errno_is EACCES "writing signals: EACCES" write "$M/signals" 'x'

# Pids that must never resolve (kill(0) and kill(-1) would be disasters).
for p in 0 -1 01 99999999 1x +1 00 4194305 ' 1'; do
	errno_is ENOENT "pid '$p': ENOENT" write "$M/proc/$p/signal" 'INT\n'
done
nothing_sent "bad pids"
errno_is ENOENT "unknown file in a pid dir: ENOENT" open "$M/proc/$cpid/signals" r
errno_is ENOENT "unknown top-level name: ENOENT" open "$M/procs" r
errno_is ENOTDIR "a file used as a directory: ENOTDIR" open "$M/proc/$cpid/signal/x" r

# self/.. is proc/, nothing else.
is "$(cd "$M/proc/self/.." && pwd -P)" "$M/proc" "self/.. is proc/"

# The process is gone between open and write.
sleep 1000 & pid=$!
exec 3>"$M/proc/$pid/signal"
kill -9 "$pid"; wait "$pid" 2>/dev/null
err=$( { printf 'INT\n' >&3; } 2>&1 )
exec 3>&-
like "$err" "No such process" "pid gone between open and write: ESRCH"

# Changing the tree: EPERM like /proc, creating: EACCES like /proc.
err=$(mkdir "$M/proc/x" 2>&1)
like "$err" "Operation not permitted" "mkdir proc/x: EPERM"
err=$(rm -f "$M/proc/1/signal" 2>&1)
like "$err" "Operation not permitted" "rm proc/1/signal: EPERM"
ok "proc/1/signal still there" test -e "$M/proc/1/signal"
err=$(rmdir "$M/proc/$cpid" 2>&1)
like "$err" "Operation not permitted" "rmdir proc/PID: EPERM"
err=$( (echo x >"$M/proc/$cpid/newfile") 2>&1)
like "$err" "Permission denied" "creating a file in proc/PID: EACCES"
err=$(mv "$M/proc/$cpid/state" "$M/proc/$cpid/x" 2>&1)
like "$err" "Operation not permitted" "rename in proc/PID: EPERM"
err=$(chmod 777 "$M/proc/$cpid/signal" 2>&1)
like "$err" "Operation not permitted" "chmod: EPERM"
err=$(truncate -s 5 "$M/proc/$cpid/signal" 2>&1)
like "$err" "Operation not permitted" "truncate to 5: EPERM"
err=$(touch "$M/signals" 2>&1)
like "$err" "Permission denied" "touch signals: EACCES"
err=$(ln -s x "$M/proc/y" 2>&1)
like "$err" "Operation not permitted" "symlink in proc/: EPERM"
err=$(ln "$M/signals" "$M/proc/z" 2>&1)
like "$err" "Operation not permitted" "hard link: EPERM"
err=$(mkfifo "$M/proc/f" 2>&1)
like "$err" "Operation not permitted" "mkfifo: EPERM"
nothing_sent "tree changes"

ok "catch is still alive" kill -0 "$cpid"
ok "server still alive" server_alive
ok "and still sends signals" bash -c "echo USR1 > $S"
is "$(line_of "$T/catch" 2)" "Caught: User defined signal 1" "which arrive"
kill -9 "$cpid"
done_testing
