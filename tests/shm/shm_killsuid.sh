#!/bin/bash
# A write or truncate by someone who may write a set-uid or set-gid
# object but does not own it: allowed, and the bits are cleared exactly
# as on /dev/shm (the kernel's kill-suid SETATTR, applied by the server
# since the writer's own chmod would be refused).  Every other chmod of a
# non-owner is still EPERM.  Each operation runs as uid 65534 on a fresh
# object of root's in /dev/shm and on a twin through the tree; results,
# modes and sizes must be the same.
. "${TESTS_SRC:-$(dirname "$0")/..}/shm/shmlib.sh"

need_root "needs root to act as another user"
need_cmd setpriv
shm_mount -o allow_other
shm_nobody_tools

nobody_op() { as_nobody "$NOBODY_SHMOP" "$@" 2>&1 | tail -n 1; }
# fresh NAME MODE: root's object NAME with 3 bytes, mode MODE.
fresh() {
	rm -f "/dev/shm/$1"
	printf abc >"/dev/shm/$1"
	chmod "$2" "/dev/shm/$1"
}

d=$(shm_name direct) t=$(shm_name tree)
for mode in 4666 2676 6676 4777 2777 6777; do
	for how in "pwrite 0 x" "pwrite 8 y" "ftruncate 1" "truncate 1" "open t"; do
		set -- $how
		op=$1; shift
		fresh "$d" "$mode"
		fresh "$t" "$mode"
		want=$(nobody_op "$op" "/dev/shm/$d" "$@")
		got=$(nobody_op "$op" "$S/$t" "$@")
		like "$got" '^ok' "0$mode: $how by a non-owner succeeds"
		is "$got" "$want" "0$mode: $how gives what it gives on /dev/shm"
		is "$(stat -c '%a %s' "/dev/shm/$t")" "$(stat -c '%a %s' "/dev/shm/$d")" \
			"0$mode: $how leaves the mode and size it leaves on /dev/shm"
	done
done
fresh "$t" 4666
nobody_op pwrite "$S/$t" 0 x >/dev/null
is "$(stat -c %a "/dev/shm/$t")" 666 "04666 written by a non-owner: 0666, as tmpfs leaves it"
fresh "$t" 2676
nobody_op ftruncate "$S/$t" 1 >/dev/null
is "$(stat -c %a "/dev/shm/$t")" 676 "02676 truncated by a non-owner: 0676"

# Set-gid without group-exec is a locking mark: a truncate as the caller
# clears it as tmpfs does (for one outside the group), a write keeps it
# (the kernel's FUSE client does not ask to clear it; docs/shm.md).
fresh "$d" 2666; fresh "$t" 2666
nobody_op ftruncate "/dev/shm/$d" 1 >/dev/null
nobody_op ftruncate "$S/$t" 1 >/dev/null
is "$(stat -c %a "/dev/shm/$t")" "$(stat -c %a "/dev/shm/$d")" "02666 truncated: as on /dev/shm"
fresh "$t" 2666
is "$(nobody_op pwrite "$S/$t" 0 x)" "ok 1" "02666 written by a non-owner: the write succeeds"
is "$(stat -c %a "/dev/shm/$t")" 2666 "and the locking mark stays (documented difference)"

# The owner writing: the bits stay (root has CAP_FSETID, as on /dev/shm).
fresh "$t" 4666
printf x >>"$S/$t"
is "$(stat -c '%a %s' "/dev/shm/$t")" "4666 4" "the owner's write keeps S_ISUID"

# Non-owners' chmods are refused, also those that only clear set-id bits.
for m in 666 4667 644 6777; do
	fresh "$t" 4666
	is "$(nobody_op chmod "$S/$t" "$m")" "chmod: EPERM" "a non-owner's chmod 0$m of 04666 is EPERM"
	is "$(stat -c %a "/dev/shm/$t")" 4666 "and the mode is unchanged"
done
fresh "$t" 6676
is "$(nobody_op chmod "$S/$t" 676)" "chmod: EPERM" "a non-owner's chmod that clears both bits is EPERM"
is "$(stat -c %a "/dev/shm/$t")" 6676 "the mode is unchanged"
# Who may not write gets nothing cleared.
fresh "$t" 4644
is "$(nobody_op pwrite "$S/$t" 0 x)" "open: EACCES" "04644: a non-owner's write is EACCES"
is "$(nobody_op truncate "$S/$t" 0)" "truncate: EACCES" "and truncate(2) is EACCES"
is "$(stat -c '%a %s' "/dev/shm/$t")" "4644 3" "the object is unchanged"
# The owner's own chmod of its object is the owner's (it may).
fresh "$t" 4666
chown 65534 "/dev/shm/$t"
is "$(nobody_op chmod "$S/$t" 666)" ok "the owner's chmod 0666 of its 04666 object"
is "$(stat -c %a "/dev/shm/$t")" 666 "is applied"

# An object whose name is gone: the writer's open file still counts.
writer() {
	as_nobody bash -c 'exec 3<>"$1" && echo open && read -r _ &&
		printf x >&3 && stat -L -c %a /proc/self/fd/3' writer "$1"
}
for p in "/dev/shm/$d" "$S/$t"; do
	fresh "$d" 4666; fresh "$t" 4666
	coproc W { writer "$p"; }
	# bash forgets W and W_PID once the writer exits: keep copies
	wpid=$W_PID
	exec {wout}<&"${W[0]}" {win}>&"${W[1]}"
	read -r line <&"$wout"
	is "$line" open "writer opened $p"
	rm -f "/dev/shm/$d" "/dev/shm/$t"
	echo go >&"$win"
	read -r line <&"$wout"
	res+=("$line")
	exec {wout}<&- {win}>&-
	wait "$wpid" 2>/dev/null
done
is "${res[1]}" "${res[0]}" "a write after the name is gone clears S_ISUID as on /dev/shm (${res[0]})"

shm_done
