#!/bin/bash
# Finding 1 (a user namespace's capabilities count for nothing outside
# it), and the baseline it is measured against: uid 65534 attacks root's
# things as itself (NOBODY), from a user namespace of its own where its
# CapEff is full (USERNS, unshare -Ur) and from a pid namespace of its own
# as well (PIDNS, unshare -Urpf --mount-proc).  The targets: a root
# process that logs every signal it gets, a second, disposable ipcfs
# server (for TERM and KILL: a missing fix must not take down the mount
# under test), pid 1 (only signal 0: never anything that could hurt it),
# and root's 0600 and 0644 queues and shm objects.  Every attempt must be
# refused with kill(2)'s EPERM or the file permission's EACCES/EPERM
# (ENOENT from the pid namespace, which cannot even name those processes),
# and afterwards everything is as it was.
. "${TESTS_SRC:-$(dirname "$0")/..}/security/seclib.sh"
need_ns
sec_mount

Q=sec$$
S=ipcfs-sec-$$
on_exit "rmdir '$M/mq/${Q}a' '$M/mq/${Q}b' 2>/dev/null; rm -f /dev/shm/$S-*"
mkdir -m 600 "$M/mq/${Q}a,maxmsg=4,msgsize=64"
mkdir -m 644 "$M/mq/${Q}b,maxmsg=4,msgsize=64"
for q in a b; do
	printf one >"$M/mq/$Q$q/1"
	printf two >"$M/mq/$Q$q/1"
done
printf 'secret' >"/dev/shm/$S-a"
chmod 600 "/dev/shm/$S-a"
printf 'public' >"/dev/shm/$S-b"
chmod 644 "/dev/shm/$S-b"
qa=$M/mq/${Q}a qb=$M/mq/${Q}b sa=$M/shm/$S-a sb=$M/shm/$S-b
before="$(mq_state "$qa") / $(mq_state "$qb") / $(shm_state "$sa") / $(shm_state "$sb")"

for ctx in NOBODY USERNS PIDNS; do
	eval "C=(\"\${$ctx[@]}\")"
	want=EPERM uid=65534
	[ "$ctx" = PIDNS ] && want=ENOENT
	[ "$ctx" = NOBODY ] || uid=0 # root inside, 65534 outside
	start_logged "$T/catch.$ctx" "$HELPERS/catch" INT TERM USR1 HUP
	tp=$(helper_pid "$T/catch.$ctx")
	second_server
	for sig in 0 USR1 HUP TERM 9; do
		try "$want" "${C[@]}" "$B/fsop" write "$M/proc/$tp/signal" "$sig\n"
	done
	for sig in 0 TERM 9; do
		try "$want" "${C[@]}" "$B/fsop" write "$M/proc/$S2/signal" "$sig\n"
	done
	try "$want" "${C[@]}" "$B/fsop" write "$M/proc/1/signal" '0\n'
	tally "$ctx: signals to a root process, to an ipcfs server and 0 to pid 1: $want"
	is "$(wc -l <"$T/catch.$ctx")" 1 "$ctx: the root process caught no signal"
	ok "$ctx: it is alive" kill -0 "$tp"
	ok "$ctx: the second server is alive and serves" second_alive "$S2" "$M2"
	ok "$ctx: pid 1 is alive" kill -0 1

	for q in "$qa" "$qb"; do
		try EACCES "${C[@]}" "$B/mq_fsop" open "$q/1" w
		try EACCES "${C[@]}" "$B/mq_fsop" unlink "$q/1"
		try EPERM "${C[@]}" "$B/mq_fsop" chmod "$q" 777
		try EPERM "${C[@]}" "$B/mq_fsop" chown "$q" "$uid" "$uid"
		try EPERM "${C[@]}" "$B/mq_fsop" rmdir "$q"
		try EPERM "${C[@]}" "$B/mq_fsop" rename "$q" "$M/mq/${Q}x"
	done
	try EACCES "${C[@]}" "$B/mq_fsop" open "$qa/next" r
	try EACCES "${C[@]}" "$B/mq_fsop" read "$qa/next"
	try EACCES "${C[@]}" "$B/shmop" open "$sa" r
	for s in "$sa" "$sb"; do
		try EACCES "${C[@]}" "$B/shmop" open "$s" w
		try EACCES "${C[@]}" "$B/shmop" pwrite "$s" 0 X
		try EACCES "${C[@]}" "$B/shmop" truncate "$s" 0
		try EACCES "${C[@]}" "$B/shmop" mmap "$s" w
		try EPERM "${C[@]}" "$B/shmop" chmod "$s" 666
		try EPERM "${C[@]}" "$B/mq_fsop" chown "$s" "$uid" "$uid"
		try EPERM "${C[@]}" "$B/shmop" unlink "$s"
		try EPERM "${C[@]}" "$B/shmop" rename "$s" "$M/shm/$S-x"
	done
	tally "$ctx: send/receive/chmod/chown/rm/mv on root's 0600 and 0644 queues and shm objects: EACCES/EPERM"
	is "$(mq_state "$qa") / $(mq_state "$qb") / $(shm_state "$sa") / $(shm_state "$sb")" \
		"$before" "$ctx: the queues and shm objects are unchanged (messages, attributes, owner, mode, bytes)"
done
# The messages themselves: root receives exactly what it sent.
for q in "$qa" "$qb"; do
	is "$(cat "$q/next") $(cat "$q/next")" "one two" "root's messages are all still there"
done
ok "nothing was made by the attacks" test ! -e "$M/mq/${Q}x" -a ! -e "/dev/shm/$S-x"
ok "the server is alive" server_alive
done_testing
