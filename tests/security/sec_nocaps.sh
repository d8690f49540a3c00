#!/bin/bash
# Finding 2: uid 0 is not a capability set.  A caller with uid 0, gid
# 1234 and no capability at all (NOCAPS) may do through the tree exactly
# what kill(2), mq_open(3) and open(2) let it do directly: it may not
# signal uid 1234's process (EPERM, as `kill -0` from the same caller
# says), what it creates (mkdir mq/x, touch shm/y) is owned by uid 0 and
# its own gid 1234, as a direct mq_open or open in /dev/shm makes them,
# and it cannot open, chmod or chown uid 1234's 0600 queue and shm object
# (no CAP_DAC_OVERRIDE, no CAP_FOWNER); nothing changes.  (Removing them
# is allowed: mq/ and shm/ are root's sticky directories, as /dev/mqueue
# and /dev/shm are, and the owner of a sticky directory may remove.)
. "${TESTS_SRC:-$(dirname "$0")/..}/security/seclib.sh"
sec_mount
on_exit "for q in ${Q}o ${Q}x ${Q}d; do '$B/mq_unl' /\$q 2>/dev/null; done; rm -f /dev/shm/$S-*"
U1234=(setpriv --reuid=1234 --regid=1234 --clear-groups)

start_logged "$T/catch" "${U1234[@]}" "$B/catch" INT TERM USR1 HUP
tp=$(helper_pid "$T/catch")
like "$("${NOCAPS[@]}" bash -c "kill -0 $tp" 2>&1)" "Operation not permitted" \
	"kill -0 from uid 0 without capabilities to uid 1234's process: EPERM"
for sig in 0 USR1 HUP TERM 9; do
	try EPERM "${NOCAPS[@]}" "$B/fsop" write "$M/proc/$tp/signal" "$sig\n"
done
tally "so are signals to it through the tree: EPERM"
is "$(wc -l <"$T/catch")" 1 "uid 1234's process caught no signal"
ok "and it is alive" kill -0 "$tp"

# Objects it creates: uid 0 and the caller's gid, as when made directly.
ok "it makes mq/x" "${NOCAPS[@]}" "$B/mq_fsop" mkdir "$M/mq/${Q}x,maxmsg=2,msgsize=64" 0600 >/dev/null
ok "and a queue directly with mq_open" "${NOCAPS[@]}" "$B/mq_crt" "/${Q}d" 2 64 >/dev/null
is "$(stat -c '%u %g' "$M/mq/${Q}x") / $(stat -c '%u %g' "$M/mq/${Q}d")" "0 1234 / 0 1234" \
	"the queue is owned by uid 0 and gid 1234, as mq_open makes it"
ok "it makes shm/y" "${NOCAPS[@]}" bash -c "printf y >'$M/shm/$S-y'"
ok "and an object in /dev/shm directly" "${NOCAPS[@]}" bash -c "printf d >'/dev/shm/$S-d'"
is "$(stat -c '%u %g' "/dev/shm/$S-y") / $(stat -c '%u %g' "/dev/shm/$S-d")" "0 1234 / 0 1234" \
	"the shm object is owned by uid 0 and gid 1234, as open(2) makes it"

# uid 1234's 0600 queue (with a message) and 0600 shm object.
"${U1234[@]}" "$B/mq_fsop" mkdir "$M/mq/${Q}o,maxmsg=2,msgsize=64" 0600 >/dev/null
"${U1234[@]}" bash -c "printf mine >'$M/mq/${Q}o/3'; umask 077; printf secret >'$M/shm/$S-o'"
qo=$M/mq/${Q}o so=$M/shm/$S-o
before="$(mq_state "$qo") / $(shm_state "$so")"
like "$before" "^1 2 64 1234 1234 [67]00 / 1234 1234 600 6 " "uid 1234 owns them, 0600"
try EACCES "${NOCAPS[@]}" "$B/mq_fsop" open "$qo/next" r
try EACCES "${NOCAPS[@]}" "$B/mq_fsop" read "$qo/next"
try EACCES "${NOCAPS[@]}" "$B/mq_fsop" open "$qo/3" w
try EACCES "${NOCAPS[@]}" "$B/mq_fsop" unlink "$qo/3"
try EPERM "${NOCAPS[@]}" "$B/mq_fsop" chmod "$qo" 777
try EPERM "${NOCAPS[@]}" "$B/mq_fsop" chown "$qo" 0 0
for how in "open r" "open w" "open rw" "open t" "pwrite 0 X" "truncate 0" "mmap r"; do
	set -- $how
	try EACCES "${NOCAPS[@]}" "$B/shmop" "$1" "$so" "${@:2}"
done
try EPERM "${NOCAPS[@]}" "$B/shmop" chmod "$so" 666
try EPERM "${NOCAPS[@]}" "$B/mq_fsop" chown "$so" 0 0
tally "uid 0 without capabilities: uid 1234's 0600 queue and shm object: EACCES/EPERM"
is "$(mq_state "$qo") / $(shm_state "$so")" "$before" "they are unchanged"
is "$(cat "$qo/next")" mine "the message is still there"
ok "the server is alive" server_alive
done_testing
