#!/bin/bash
# Stopping with messages held: 256 full queues each hold a deferred empty
# message (`: > mq/q/1`); on SIGTERM the server waits for room once, for
# all queues together (1 s), then exits, and says what is lost in one
# line, not one per message or a second per queue.  Half the queues are
# uid 65534's: one user may defer only 200 messages.
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"

need_cmd setpriv
mount_ipcfs -o allow_other
U=("${NOBODY[@]}")
# queues_max counts every queue of this IPC namespace, other tests' too
room=$(( $(cat /proc/sys/fs/mqueue/queues_max) - $(ls "$M/mq" | wc -l) - 8 ))
N=256 P=ex$$
[ "$room" -lt "$N" ] && N=$room
[ "$N" -ge 64 ] || skip_all "room for only $N queues (fs.mqueue.queues_max)"
for i in $(seq "$N"); do mq_track "$P-$i"; done
mq_track "$P-b"
for i in $(seq "$N"); do
	as=()
	[ "$i" -gt $((N / 2)) ] && as=("${U[@]}")
	"${as[@]}" mkdir "$M/mq/$P-$i,maxmsg=1,msgsize=8" || bail "cannot make queue $i"
	"${as[@]}" bash -c "printf x >'$M/mq/$P-$i/1' && : >'$M/mq/$P-$i/1'" ||
		bail "cannot fill queue $i"
done
# RELEASEs are served in order: once this one's message is sent, every
# earlier close has deferred its message
mkdir "$M/mq/$P-b,maxmsg=1,msgsize=8"
: >"$M/mq/$P-b/1"
wait_for test "$(curmsgs "$P-b")" = 1
is "$(curmsgs "$P-b")" 1 "all $N closes were served"
kill -TERM "$SERVER"
gone() { local st; st=$(awk '{print $3}' "/proc/$SERVER/stat" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ]; }
for i in $(seq 200); do gone && break; sleep 0.05; done # 10 s: a hang detector
ok "the server exits soon after SIGTERM" gone
is "$(grep -c 'ipcfs: at exit, ' "$M.log")" 1 "one line says what is lost"
like "$(grep 'ipcfs: at exit, ' "$M.log")" "at exit, $N messages \\(0 bytes\\) for $N queues" \
	"all $N messages of $N queues, counted"
is "$(grep -c 'could not be put back' "$M.log")" 0 "no line per message"
for i in $(seq "$N"); do
	[ "$("$MQH/mq_rec" -n "/$P-$i" 2>&1)" = "Read 1 bytes; priority = 1" ] || break
done
is "$i" "$N" "each queue still has its own message"
done_testing
