#!/bin/bash
# One write(2), one unit, however the kernel cuts it: a writev of many
# segments arrives as several WRITE requests (256 pages per request, one
# page or more per segment).  A priority file never sends part of such a
# write as a message, and a signal file never acts on part of one: the
# write is refused whole (EINVAL) at its first piece.  Writes that cannot
# have been cut, and successive writes on one open file, are unchanged.
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"

command -v python3 >/dev/null || skip_all "no python3"
mount_ipcfs
Q=sp$$
mq_track "$Q"
mkdir "$M/mq/$Q,maxmsg=10,msgsize=8192"

# pywrite PATH EXPR: os.writev/os.write on one open file, each result
# (bytes written or the errno name) on a line
pywrite() {
	python3 - "$@" <<'PY'
import errno, os, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
for expr in sys.argv[2:]:
    try:
        print(eval(expr, {"os": os, "fd": fd}))
    except OSError as e:
        print(errno.errorcode[e.errno])
PY
}
sizes() { local i; for i in $(seq "$(curmsgs "$Q")"); do wc -c <"$M/mq/$Q/next"; done | paste -sd' '; }

is "$(pywrite "$M/mq/$Q/1" "os.writev(fd, [b'x'] * 300)")" EINVAL \
	"writev of 300 one-byte segments (two requests): EINVAL"
is "$(curmsgs "$Q")" 0 "and nothing was sent"
is "$(pywrite "$M/mq/$Q/1" "os.writev(fd, [b'abc'] * 100)" "os.writev(fd, [b'a' * 4000, b'b' * 4000])")" \
	"300
8000" "writevs of few segments are whole"
is "$(sizes)" "300 8000" "one message each"
is "$(pywrite "$M/mq/$Q/2" "os.write(fd, b'y' * 300)" "os.write(fd, b'z' * 300)" "os.writev(fd, [b'w'] * 200)")" \
	"300
300
200" "successive writes on one open file, and a small writev of many segments"
is "$(sizes)" "300 300 200" "are a message each"

# a signal file: parsed whole, or not at all
sleep 1000 &
sp=$!
bad="os.writev(fd, [bytes([c]) for c in b'USR1\\n' + b' ' * 251 + b'\\nBOGUS'])"
is "$(pywrite "$M/proc/$sp/signal" "$bad")" EINVAL \
	"signal: writev of USR1, 251 blanks, BOGUS a byte a segment: EINVAL"
is "$(pywrite "$M/proc/$sp/signal" "os.writev(fd, [b'USR', b'2', b'\\n'])")" 5 \
	"a writev of three segments is one command"
wait "$sp" 2>/dev/null
is "$?" $((128 + 10 + 2)) "the process died of USR2 alone: no USR1 was sent"
ok "the server is alive" server_alive
done_testing
