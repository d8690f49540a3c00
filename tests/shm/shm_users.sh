#!/bin/bash
# Several users on one mount (-o allow_other, which brings
# default_permissions): everything is done as the caller.  nobody (65534)
# creates objects it owns and uses them; on root's objects it gets exactly
# the refusals it gets on /dev/shm itself (EACCES, EPERM, with the sticky
# bit of shm/ as of /dev/shm), and nothing changes.  Groups count as the
# caller's, not the server's.
. "${TESTS_SRC:-$(dirname "$0")/..}/shm/shmlib.sh"

need_root "needs root to act as other users"
need_cmd setpriv
shm_mount -o allow_other

# What uid 65534 runs must be where it can reach it (a clone may be 0700).
USHMOP=$(reachable_copy "$SH/shmop") && UCRT=$(reachable_copy "$SH/crt_shm") ||
	bail "cannot copy the helpers where uid 65534 reaches them"
nobody_op() { as_nobody "$USHMOP" "$@" 2>&1 | tail -n 1; }

# Objects made by nobody through the tree are nobody's.
mine=$(shm_name nobody)
ok "nobody creates shm/x" as_nobody bash -c "umask 022; printf mine >'$S/$mine'"
is "$(stat -c '%u %g %a' "/dev/shm/$mine")" "65534 65534 644" \
	"the object is owned by nobody, with nobody's umask"
is "$(as_nobody cat "$S/$mine")" mine "nobody reads its object"
is "$(nobody_op pwrite "$S/$mine" 4 +)" "ok 1" "nobody writes its object"
is "$(nobody_op ftruncate "$S/$mine" 2)" "ok 0" "nobody truncates its object"
is "$(nobody_op chmod "$S/$mine" 600)" ok "nobody chmods its object"
is "$(stat -c %a "/dev/shm/$mine")" 600 "the object's mode changed"
is "$(nobody_op mmap "$S/$mine" w)" ok "nobody maps its object shared, writable"
c=$(shm_name crt)
ok "nobody runs crt_shm through the tree" as_nobody "$UCRT" "$S/$c" 64
is "$(stat -c '%u %a %s' "/dev/shm/$c")" "65534 600 64" "crt_shm's object is nobody's, 0600, 64 bytes"
is "$(nobody_op unlink "$S/$c")" ok "nobody removes its object"

# root's 0600 object: every access refused, as on /dev/shm, nothing changed.
r=$(shm_name root)
printf 'secret' >"/dev/shm/$r"
chmod 600 "/dev/shm/$r"
before=$(stat -c '%s %a %u %g %Y' "/dev/shm/$r")
for how in "open r" "open w" "open rw" "open t" "pwrite 0 x" "ftruncate 0" \
	   "truncate 0" "mmap r" "mmap w"; do
	set -- $how
	op=$1; shift
	want=$(nobody_op "$op" "/dev/shm/$r" "$@")
	got=$(nobody_op "$op" "$S/$r" "$@")
	like "$got" '(EACCES|EPERM)$' "root's 0600 object: $how is refused"
	is "$got" "$want" "root's 0600 object: $how fails as on /dev/shm"
done
is "$(nobody_op chmod "$S/$r" 666)" "chmod: EPERM" "root's object: chmod is EPERM"
is "$(as_nobody chown 65534 "$S/$r" 2>&1 | grep -c 'Operation not permitted')" 1 \
	"root's object: chown is EPERM"
is "$(nobody_op unlink "$S/$r")" "unlink: EPERM" "root's object: rm is EPERM (sticky shm/)"
is "$(nobody_op rename "$S/$r" "$S/$r.x")" "rename: EPERM" "root's object: mv is EPERM"
ok "touch -d on root's object is refused" bash -c "! as_nobody touch -d 2001-01-01 '$S/$r' 2>/dev/null"
is "$(stat -c '%s %a %u %g %Y' "/dev/shm/$r")" "$before" "root's object: nothing changed"
is "$(cat "/dev/shm/$r")" secret "root's object: its bytes unchanged"
is "$(nobody_op open "$S/$r" cx)" "open: EEXIST" "creating over root's object: EEXIST"

# root's 0644 object: readable, not writable; 0666: writable, not removable.
p=$(shm_name public)
printf 'public' >"/dev/shm/$p"
chmod 644 "/dev/shm/$p"
is "$(as_nobody cat "$S/$p")" public "root's 0644 object: nobody reads it"
is "$(nobody_op mmap "$S/$p" r)" ok "root's 0644 object: nobody maps it read-only"
is "$(nobody_op mmap "$S/$p" w)" "open: EACCES" "root's 0644 object: but not writable"
chmod 666 "/dev/shm/$p"
is "$(nobody_op pwrite "$S/$p" 0 P)" "ok 1" "root's 0666 object: nobody writes it"
is "$(nobody_op unlink "$S/$p")" "unlink: EPERM" "root's 0666 object: rm is still EPERM"
is "$(cat "/dev/shm/$p")" Public "and the write landed"

# Groups: the caller's own, primary and supplementary.
g=$(shm_name group)
printf 'grp' >"/dev/shm/$g"
chgrp 65534 "/dev/shm/$g"
chmod 660 "/dev/shm/$g"
is "$(nobody_op pwrite "$S/$g" 0 G)" "ok 1" "group 65534 writes a 0660 object of group 65534"
is "$(setpriv --reuid=65534 --regid=1234 --clear-groups "$USHMOP" pwrite "$S/$g" 0 H | tail -n 1)" \
	"open: EACCES" "another group: EACCES"
is "$(setpriv --reuid=65534 --regid=1234 --groups=65534 "$USHMOP" pwrite "$S/$g" 0 I | tail -n 1)" \
	"ok 1" "the group as a supplementary group: allowed"
is "$(cat "/dev/shm/$g")" Irp "only the allowed writes landed"

shm_done
