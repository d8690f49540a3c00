#!/bin/bash
# Deferred sends are capped: `: > mq/q/5` (O_TRUNC, no write) on a full
# queue leaves an empty message in the server until there is room.  Each
# queue and each user may have 200 of them; the open past that fails with
# EAGAIN and defers nothing, while other users and queues go on.
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"

need_cmd setpriv
PY=/usr/bin/python3 # uid 65534 runs it too: not a shim in root's home
[ -x "$PY" ] || skip_all "no $PY"
mount_ipcfs -o allow_other
Q=df$$ Q2=df2$$
mq_track "$Q" "$Q2"
U=("${NOBODY[@]}")
mkdir -m 666 "$M/mq/$Q,maxmsg=1,msgsize=16" "$M/mq/$Q2,maxmsg=1,msgsize=16"
printf x >"$M/mq/$Q/1"
printf y >"$M/mq/$Q2/1"

# open(O_TRUNC) + close, COUNT times: prints how many opens succeeded,
# then the errno name of the first that failed (or "none")
truncs() {
	"$PY" - "$1" "$2" <<'PY'
import errno, os, sys
path, count = sys.argv[1], int(sys.argv[2])
n, err = 0, "none"
for _ in range(count):
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_TRUNC))
        n += 1
    except OSError as e:
        err = errno.errorcode[e.errno]
        break
print(n, err)
PY
}
is "$(truncs "$M/mq/$Q/1" 201)" "200 EAGAIN" \
	"200 empty messages wait for a full queue; the 201st open: EAGAIN"
is "$(truncs "$M/mq/$Q/3" 1)" "0 EAGAIN" "another priority of that queue: EAGAIN (per queue)"
is "$(truncs "$M/mq/$Q2/1" 1)" "0 EAGAIN" "root on another full queue: EAGAIN (per user)"
is "$("${U[@]}" "$PY" -c "import os; os.close(os.open('$M/mq/$Q2/1', os.O_WRONLY | os.O_TRUNC)); print('ok')")" ok \
	"another user defers on that queue"
# drain: the message, then exactly the 200 deferred empty ones
n=0 sizes=
for i in $(seq 205); do
	got=$(timeout 5 "$MQH/mq_rec" "/$Q" 2>/dev/null) || break
	got=${got#Read }; n=$((n + 1)); sizes="$sizes${got%% *} "
done
is "$n" 201 "the queue got 201 messages, then nothing more"
is "${sizes%% *} $(echo "$sizes" | tr ' ' '\n' | grep -c '^0$')" "1 200" \
	"x, then the 200 empty messages"
is "$(truncs "$M/mq/$Q/1" 1)" "1 none" "with room again, O_TRUNC opens are fine"
is "$(timeout 5 "$MQH/mq_rec" "/$Q2"; timeout 5 "$MQH/mq_rec" "/$Q2")" \
	"Read 1 bytes; priority = 1
Read 0 bytes; priority = 1" "the other user's empty message came after y"
ok "the server is alive" server_alive
done_testing
