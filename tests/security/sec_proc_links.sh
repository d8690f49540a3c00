#!/bin/bash
# Finding 13: proc/PID is the server's, not anyone's to rearrange.  ln,
# ln -s, mv, rm, rmdir, mkdir and chmod in and of proc/PID fail with the
# errno docs/proc.md gives: EPERM for root (whose requests the kernel's
# permission check lets through to the server, which refuses them); for
# uid 65534 the kernel's own check of the r-x directories answers first,
# EACCES, except for a hard link (protected_hardlinks: EPERM) and chmod
# (not the owner: EPERM); and nothing changes.
. "${TESTS_SRC:-$(dirname "$0")/..}/security/seclib.sh"
sec_mount
start_logged "$T/catch" "$B/catch" USR1
p=$(helper_pid "$T/catch")
d=$M/proc/$p
before=$(ls -l "$d" 2>&1 | sed 's/ [A-Z][a-z][a-z] .* / /')
# lnerr [PREFIX...] ln ARGS...: ln's failure as "ln: ENAME".
lnerr() {
	local e
	e=$("$@" 2>&1) && { echo ok; return; }
	case $e in
	*"Operation not permitted"*) echo "ln: EPERM" ;;
	*"Permission denied"*) echo "ln: EACCES" ;;
	*) echo "ln: $e" ;;
	esac
}
for who in root nobody; do
	C=() W=EPERM
	[ "$who" = nobody ] && C=("${NOBODY[@]}") W=EACCES
	try EPERM lnerr "${C[@]}" ln "$d/state" "$d/state2"
	try "$W" lnerr "${C[@]}" ln -s state "$d/link"
	try EPERM lnerr "${C[@]}" ln "$d/state" "$M/proc/x"
	try "$W" lnerr "${C[@]}" ln -s "$p" "$M/proc/x"
	try "$W" "${C[@]}" "$B/mq_fsop" unlink "$d/state"
	try "$W" "${C[@]}" "$B/mq_fsop" unlink "$d/signal"
	try "$W" "${C[@]}" "$B/mq_fsop" rename "$d/state" "$d/state2"
	try "$W" "${C[@]}" "$B/mq_fsop" rename "$d/wait" "$d/state"
	try "$W" "${C[@]}" "$B/mq_fsop" rename "$d" "$M/proc/1$p"
	try "$W" "${C[@]}" "$B/mq_fsop" mkdir "$d/x" 0755
	try "$W" "${C[@]}" "$B/mq_fsop" mkdir "$M/proc/x" 0755
	try "$W" "${C[@]}" "$B/mq_fsop" rmdir "$d"
	try EPERM "${C[@]}" "$B/mq_fsop" chmod "$d/state" 777
	try EPERM "${C[@]}" "$B/mq_fsop" chmod "$d" 777
	tally "$who: ln, ln -s, rm, mv, mkdir, rmdir, chmod in and of proc/PID: as documented"
done
is "$(ls -l "$d" 2>&1 | sed 's/ [A-Z][a-z][a-z] .* / /')" "$before" "proc/PID is unchanged"
ok "nothing new in proc/" test ! -e "$M/proc/x" -a ! -e "$M/proc/1$p"
ok "the process is alive" kill -0 "$p"
is "$(wc -l <"$T/catch")" 1 "and caught nothing"
ok "the server is alive" server_alive
done_testing
