#!/bin/bash
# Finding 7: what an open file makes the server hold.  uid 65534, with
# 20,000 descriptors of its own, holds thousands of open directories of
# proc/ and mq/ after one getdents64 each (the server keeps each listing),
# thousands of opens of its queue's `next` each after a one-byte read (the
# server keeps each 8 KiB message), and thousands of opens of its shm
# object (one server descriptor each).  Each attack must stop at the
# attacker's cap (EMFILE, ENOMEM or EAGAIN) with the server's RSS and fd
# count grown by a bounded amount; meanwhile root's own directory reads,
# queue and shm object work; when the attacker exits, the server's fd
# count is back at its baseline and its RSS within 8 MB of it (freed heap
# memory need not go back to the system at once).
. "${TESTS_SRC:-$(dirname "$0")/..}/security/seclib.sh"
command -v prlimit >/dev/null || skip_all "no prlimit"
sec_mount -o max_user_fds=1000 -o max_user_bytes=4194304
N=${SEC_HOLD_N:-5000}
on_exit "for q in ${Q}atk ${Q}v; do '$B/mq_unl' /\$q 2>/dev/null; done; rm -f /dev/shm/$S-*"
"${NOBODY[@]}" "$B/mq_fsop" mkdir "$M/mq/${Q}atk,maxmsg=10,msgsize=8192" 0600 >/dev/null
"${NOBODY[@]}" bash -c "printf mine >'$M/shm/$S-atk'"
mkdir "$M/mq/${Q}v"
printf root >"/dev/shm/$S-root"
# Some queues and objects to list.
for i in $(seq 20); do "${NOBODY[@]}" "$B/mq_crt" "/${Q}l$i" 1 16 >/dev/null; done
on_exit "for i in \$(seq 20); do '$B/mq_unl' /${Q}l\$i 2>/dev/null; done"

# others_work: root's everyday operations, each bounded.
others_work() {
	timeout 10 ls "$M/proc" >/dev/null && timeout 10 ls "$M/mq" >/dev/null &&
		printf r >"$M/mq/${Q}v/1" &&
		[ "$(timeout 10 "$HELPERS/fsop" read "$M/mq/${Q}v/next" nonblock)" = r ] &&
		[ "$(timeout 10 cat "$M/shm/$S-root")" = root ] &&
		[ "$(timeout 10 "$HELPERS/fsop" write "$M/proc/$$/signal" '0\n')" = "ok 2" ]
}
ok "before: root's operations work" others_work

for what in "dirs $M/proc" "dirs $M/mq" "next $M/mq/${Q}atk" "files $M/shm/$S-atk"; do
	set -- $what
	kind=$1 path=$2 tag="$1 ${2#"$M"/}"
	rss0=$(server_rss "$SERVER") fds0=$(server_fds "$SERVER")
	prlimit --nofile=20000 "${NOBODY[@]}" "$B/attack" "$kind" "$path" "$N" >"$T/atk" 2>&1 &
	apid=$!
	for i in $(seq 2400); do grep -q '^held' "$T/atk" && break; kill -0 "$apid" 2>/dev/null || break; sleep 0.05; done
	got=$(grep '^held' "$T/atk" || cat "$T/atk")
	like "$got" "^held [0-9]+ .*: (EMFILE|ENOMEM|EAGAIN)\$" "$tag: $N opens held: stopped at the cap"
	n=$(echo "$got" | awk '{ print $2 }')
	# a message sent but refused at its first read stays queued
	[ "$kind" = next ] && case $got in *"read next:"*) unread=1 ;; *) unread=0 ;; esac
	rss1=$(server_rss "$SERVER") fds1=$(server_fds "$SERVER")
	diag "$tag: held ${n:-?}; server RSS ${rss0} -> ${rss1} kB, fds ${fds0} -> ${fds1}"
	plain_ok "$tag: the server's RSS grew by less than 16 MB" "$rss1" -le $((rss0 + 16384))
	ok "$tag: its fds by less than 1100" test "$fds1" -le $((fds0 + 1100))
	ok "$tag: meanwhile root's operations work" others_work
	kill -9 "$apid"
	wait "$apid" 2>/dev/null
	# the kernel releases the attacker's files one by one: wait for that
	wait_for bash -c "[ \$(ls /proc/$SERVER/fd | wc -l) -le $((fds0 + 2)) ] &&
		[ \$(awk '/^VmRSS:/ { print \$2 }' /proc/$SERVER/status) -le $((rss0 + 8192)) ]"
	rss2=$(server_rss "$SERVER") fds2=$(server_fds "$SERVER")
	ok "$tag: after the attacker exits the fds are back ($fds0, now $fds2)" test "$fds2" -le $((fds0 + 2))
	plain_ok "$tag: and the RSS near its baseline ($rss0, now $rss2 kB)" "$rss2" -le $((rss0 + 8192))
done
is "$(cat "$M/mq/${Q}atk/curmsgs")" "${unread:-0}" \
	"the messages the attacker read were consumed, the refused one stayed queued"
ok "the server is alive" server_alive
done_testing
