#!/bin/bash
# Bad input never crashes the server, never changes anything and gets a
# clear errno: each case asserts the errno, then that the set of queues,
# the test queue's messages and its mode are unchanged, then that the
# server still answers.  (maxmsg above msg_max as a non-root caller is in
# mq_user.sh; a name can never hold a NUL: every system call ends the path
# there.)
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"

mount_ipcfs
Q=bad$$
mq_track "$Q" "$(printf 'a%.0s' $(seq 255))"
D=$M/mq/$Q
mkdir "$D,maxmsg=4,msgsize=16"
printf 'keep' >"$D/3"
# (of mq/, the names this test uses: other programs' queues come and go)
state() {
	echo "$(ls "$M/mq" | grep -E "^[a-z]+$$\$|^a{255}\$" | sort | tr '\n' ' ')|$(curmsgs "$Q")|$(stat -c '%A %U' "$D")"
}
before=$(state)
# bad WANT DESCRIPTION mq_fsop-ARGS...: the errno, nothing changed, alive.
bad() {
	local want=$1 d=$2; shift 2
	op_is "$want" "$d" "$@"
	local now; now=$(state)
	[ "$now" = "$before" ] || fail "$d: nothing changed" "before: $before" "after:  $now"
	server_alive || bail "the server died at: $d"
}

long=$(printf 'a%.0s' $(seq 256))
bad ENOENT "a name with '/': mkdir mq/nosuch/q" mkdir "$M/mq/nosuch$$/q"
bad EPERM "mkdir inside a queue" mkdir "$D/x"
bad EEXIST "mkdir mq/.." mkdir "$M/mq/.."
bad EINVAL "mkdir 'mq/..,maxmsg=2'" mkdir "$M/mq/..,maxmsg=2"
bad EINVAL "mkdir 'mq/.,msgsize=8'" mkdir "$M/mq/.,msgsize=8"
bad ENAMETOOLONG "a 256-byte name: mkdir" mkdir "$M/mq/$long"
bad ENAMETOOLONG "a 256-byte name: lookup" open "$M/mq/$long/next" r
bad ENAMETOOLONG "a 256-byte name in a spec" mkdir "$M/mq/$long,maxmsg=2"
bad EEXIST "mkdir of an existing queue" mkdir "$D"
bad EEXIST "a spec naming an existing queue" mkdir "$D,maxmsg=2"
for spec in 'maxmsg=0' 'maxmsg=abc' 'maxmsg=-1' 'maxmsg=01' 'foo=1' 'maxmsg=2,maxmsg=2' \
	'maxmsg' 'maxmsg=' '' 'msgsize=99999999999'; do
	bad EINVAL "mkdir 'NAME,$spec': EINVAL" mkdir "$M/mq/new$$,$spec"
done
bad EINVAL "mkdir ',maxmsg=2' (no name)" mkdir "$M/mq/,maxmsg=2"
bad EMSGSIZE "msgsize+1 bytes" write "$D/1" "12345678901234567"
bad EACCES "writing to next (open O_WRONLY)" open "$D/next" w
bad EACCES "next O_RDWR" open "$D/next" rw
bad EACCES "writing to maxmsg" open "$D/maxmsg" w
bad EACCES "writing to curmsgs" open "$D/curmsgs" w
bad EACCES "reading a priority file" open "$D/5" r
bad EACCES "a priority file O_RDWR" open "$D/5" rw
bad ENOENT "priority 32768" open "$D/32768" w
bad ENOENT "priority -1" open "$D/-1" w
bad ENOENT "priority 05" open "$D/05" w
bad ENOENT "priority 1x" open "$D/1x" w
bad ENOENT "an unknown file" open "$D/nexts" r
bad ENOENT "rmdir of a missing queue" rmdir "$M/mq/nosuch$$"
bad ENOTDIR "rmdir of a queue's file" rmdir "$D/next"
bad EACCES "creating a file in a queue" creat "$D/newfile"
bad EACCES "creating a file in mq/" creat "$M/mq/newfile$$"
bad EPERM "unlink of next" unlink "$D/next"
bad EPERM "unlink of a priority file" unlink "$D/5"
bad EPERM "rename of a queue" rename "$D" "$M/mq/renamed$$"
bad EPERM "chmod of next" chmod "$D/next" 0666
bad EPERM "chmod of mq/" chmod "$M/mq" 0755
truncate -s 5 "$D/5" 2>/dev/null
is "$?" 1 "truncate -s 5 of a priority file fails"
ok "truncate -s 0 of a priority file is accepted (as > does)" truncate -s 0 "$D/5"
is "$(state)" "$before" "and changed nothing"
is "$("$HELPERS/fsop" read "$D/next")" keep "after all that, the queue holds just its message"
before=$(state)
bad EAGAIN "O_NONBLOCK read of the empty queue: EAGAIN" read "$D/next"
ok "a 255-byte name is fine" mkdir "$M/mq/${long:1}"
ok "and is removed" rmdir "$M/mq/${long:1}"
ok "the server is alive" server_alive
done_testing
