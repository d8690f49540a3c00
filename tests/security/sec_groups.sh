#!/bin/bash
# Finding 10: many supplementary groups.  A process in 601 groups (its
# /proc/PID/status is longer than a page) still reads as a normal process
# in state, caught, blocked, ignored and pending, exactly as a twin in no
# extra group, and can be signalled and can signal (where the server
# needs the caller's full credentials from /proc); a caller whose 101st
# (or 601st) group may read a 0640 shm object reads it, and one not in
# that group gets EACCES, as on /dev/shm itself.
. "${TESTS_SRC:-$(dirname "$0")/..}/security/seclib.sh"
sec_mount
G601=$(seq -s, 1 601)
G101=$(seq -s, 1 101)
G100=$(seq -s, 1 100)

start_logged "$T/many" setpriv --reuid=1234 --regid=1234 --groups="$G601" "$B/catch" INT USR1
many=$(helper_pid "$T/many")
start_logged "$T/twin" setpriv --reuid=1234 --regid=1234 --clear-groups "$B/catch" INT USR1
twin=$(helper_pid "$T/twin")
is "$(awk '/^Groups:/ { print NF - 1 }' "/proc/$many/status")" 601 "the process is in 601 groups"
for f in state caught blocked ignored pending; do
	is "$("$B/fsop" read "$M/proc/$many/$f" 2>&1)" "$("$B/fsop" read "$M/proc/$twin/$f" 2>&1)" \
		"its $f reads as its twin's"
done
is "$("$B/fsop" read "$M/proc/$many/caught")" "INT USR1" "caught: INT USR1"
is "$("$B/fsop" write "$M/proc/$many/signal" 'USR1\n')" "ok 5" "root signals it"
is "$(line_of "$T/many" 2)" "Caught: User defined signal 1" "and it gets the signal"
# Real uid 1234, effective 65534: the uid of the request does not match,
# so the server needs the caller's credentials, 601 groups and all.
is "$(setpriv --ruid=1234 --euid=65534 --regid=1234 --groups="$G601" "$B/fsop" write "$M/proc/$twin/signal" 'USR1\n' 2>&1)" \
	"ok 5" "a caller in 601 groups whose real uid matches signals the process"
is "$(line_of "$T/twin" 2)" "Caught: User defined signal 1" "which gets it"
is "$(setsid -w setpriv --ruid=1235 --euid=65534 --regid=1234 --groups="$G601" "$B/fsop" write "$M/proc/$twin/signal" 'USR1\n' 2>&1)" \
	"open: EPERM" "one whose ids do not match (in a session of its own): EPERM"

S=ipcfs-sec-$$
on_exit "rm -f /dev/shm/$S-*"
for g in 101 601; do
	printf "group$g" >"/dev/shm/$S-$g"
	chgrp "$g" "/dev/shm/$S-$g"
	chmod 640 "/dev/shm/$S-$g"
done
is "$(setpriv --reuid=65534 --regid=65534 --groups="$G101" cat "$M/shm/$S-101" 2>&1)" group101 \
	"a caller in 101 groups reads a 0640 object of its 101st group"
is "$(setpriv --reuid=65534 --regid=65534 --groups="$G601" cat "$M/shm/$S-601" 2>&1)" group601 \
	"a caller in 601 groups reads one of its 601st group"
is "$(setpriv --reuid=65534 --regid=65534 --groups="$G601" "$B/shmop" pwrite "$M/shm/$S-601" 0 X 2>&1)" \
	"open: EACCES" "but may not write it (0640)"
is "$(setpriv --reuid=65534 --regid=65534 --groups="$G100" "$B/shmop" open "$M/shm/$S-101" r 2>&1)" \
	"open: EACCES" "a caller not in the group: EACCES"
is "$(setpriv --reuid=65534 --regid=65534 --groups="$G100" "$B/shmop" open "/dev/shm/$S-101" r 2>&1)" \
	"open: EACCES" "as on /dev/shm"
is "$(cat "/dev/shm/$S-101") $(cat "/dev/shm/$S-601")" "group101 group601" "the objects are unchanged"
ok "the server is alive" server_alive
done_testing
