#!/bin/bash
# Finding 6: deferred empty messages.  open(O_TRUNC) + close of a
# priority file, as `> mq/q/5` does, sends an empty message; on a full
# queue the server keeps it until there is room, without any request
# left to answer.  An attacker (uid 65534) repeating that on its own full
# queue up to 200,000 times must be refused with EAGAIN well before (at
# its cap), the server's RSS must grow by less than a few MB, and the
# rest of the tree keeps working.
. "${TESTS_SRC:-$(dirname "$0")/..}/security/seclib.sh"
sec_mount
N=${SEC_TRUNC_N:-200000}
atk=$M/mq/${Q}atk
on_exit "'$B/mq_unl' /${Q}atk 2>/dev/null"

"${NOBODY[@]}" "$B/mq_fsop" mkdir "$atk,maxmsg=1,msgsize=64" 0600 >/dev/null
"${NOBODY[@]}" bash -c "printf full >'$atk/0'"
is "$(cat "$atk/curmsgs")" 1 "the attacker's queue is full"
rss0=$(server_rss "$SERVER")

got=$(timeout 300 "${NOBODY[@]}" "$B/attack" trunc "$atk/0" "$N")
like "$got" '^refused after [0-9]+: EAGAIN$' "$N x open(O_TRUNC) + close on a full queue: refused with EAGAIN"
n=$N
[[ $got =~ ^refused\ after\ ([0-9]+): ]] && n=${BASH_REMATCH[1]}
ok "well before $N (after $n, at most 20000)" test "$n" -le 20000
rss1=$(server_rss "$SERVER")
plain_ok "the server's RSS grew by less than 4 MB (${rss0} kB, then ${rss1} kB)" \
	"$rss1" -le $((rss0 + 4096))
is "$("$HELPERS/fsop" write "$M/proc/$$/signal" '0\n')" "ok 2" "root's signal 0 still works"
mkdir "$M/mq/${Q}v"
on_exit "rmdir '$M/mq/${Q}v' 2>/dev/null"
printf root >"$M/mq/${Q}v/1"
is "$("$HELPERS/fsop" read "$M/mq/${Q}v/next" nonblock)" root "root's queue still sends and receives"
is "$(cat "$atk/curmsgs")" 1 "the attacker's queue is as it was"
ok "the server is alive" server_alive
# The queue is removed behind the server's back: what it kept for it
# is dropped, not sent.
"$B/mq_unl" "/${Q}atk"
rmdir "$M/mq/${Q}v"
# One line per dropped message would drown the TAP output: count them.
fusermount3 -u "$M"
for i in $(seq 400); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.05; done
diag "the server dropped $(grep -c 'could not be put back' "$M.log") kept messages at exit"
sed -i '/could not be put back/d' "$M.log"
umount_ipcfs
done_testing
