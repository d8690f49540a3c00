#!/bin/bash
# What a lock through the tree means (docs/shm.md, Locks): the kernel
# keeps the locks of shm/x itself (the server has no lock operations),
# so flock(2), fcntl(2) record locks and OFD locks taken through the
# tree conflict with each other, but not with locks that programs take
# on /dev/shm/x directly.  Both halves are asserted for each kind.
. "${TESTS_SRC:-$(dirname "$0")/..}/shm/shmlib.sh"

command -v python3 >/dev/null || skip_all "no python3"
command -v flock >/dev/null || skip_all "no flock(1)"
shm_mount

x=$(shm_name lock)
printf 'some bytes' >"/dev/shm/$x"
T=$S/$x D=/dev/shm/$x

# locker KIND PATH hold|try: takes an exclusive lock of KIND (flock,
# posix = lockf, ofd = F_OFD_SETLK) on PATH.  hold: waits for it, says
# "locked", keeps it until a line arrives on stdin; try: one attempt
# without waiting, "ok" or the errno's name.
LOCKER='
import errno, fcntl, os, struct, sys
kind, path, how = sys.argv[1:4]
fd = os.open(path, os.O_RDWR)
def take(wait):
    if kind == "flock":
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    elif kind == "posix":
        fcntl.lockf(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    else:
        cmd = fcntl.F_OFD_SETLKW if wait else fcntl.F_OFD_SETLK
        fcntl.fcntl(fd, cmd, struct.pack("hh4xqqi4x", fcntl.F_WRLCK, 0, 0, 0, 0))
try:
    take(how == "hold")
    print("locked" if how == "hold" else "ok", flush=True)
    if how == "hold":
        sys.stdin.readline()
except OSError as e:
    print(errno.errorcode[e.errno], flush=True)
'
locker() { python3 -c "$LOCKER" "$@"; }

# hold KIND PATH: a holder in the background, once it has the lock.
hold() {
	coproc H { locker "$1" "$2" hold; }
	hpid=$H_PID hin=${H[1]}
	read -r line <&"${H[0]}"
	is "$line" locked "$1 lock held on $2"
}
release() {
	echo done >&"$hin"
	wait "$hpid"
}

for kind in flock posix ofd; do
	hold "$kind" "$T"
	like "$(locker "$kind" "$T" try)" '^(EAGAIN|EWOULDBLOCK|EACCES)$' \
		"$kind: a second lock through the tree conflicts"
	is "$(locker "$kind" "$D" try)" ok \
		"$kind: a lock on /dev/shm/x does not conflict with one through the tree"
	release
	is "$(locker "$kind" "$T" try)" ok "$kind: free again once released"
	hold "$kind" "$D"
	is "$(locker "$kind" "$T" try)" ok \
		"$kind: a lock through the tree does not conflict with one on /dev/shm/x"
	like "$(locker "$kind" "$D" try)" '^(EAGAIN|EWOULDBLOCK|EACCES)$' \
		"$kind: (while two on /dev/shm/x do conflict)"
	release
done

# flock(1) as a script would use it, through the tree.
coproc F { flock "$T" -c 'echo locked; read -r _'; }
fpid=$F_PID fin=${F[1]}
read -r line <&"${F[0]}"
is "$line" locked "flock(1) holds shm/x"
ok "flock -n on shm/x fails while it is held" bash -c "! flock -n '$T' true"
ok "flock -n on /dev/shm/x succeeds meanwhile" flock -n "$D" true
echo done >&"$fin"
wait "$fpid"
ok "flock -n on shm/x succeeds after the release" flock -n "$T" true
# The record locks of tree files are the kernel's: F_GETLK through the
# tree sees a holder through the tree, not one on /dev/shm/x.
GETLK='
import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDWR)
r = fcntl.fcntl(fd, fcntl.F_GETLK, struct.pack("hh4xqqi4x", fcntl.F_WRLCK, 0, 0, 0, 0))
print("unlocked" if struct.unpack("hh4xqqi4x", r)[0] == fcntl.F_UNLCK else "locked")
'
hold posix "$T"
is "$(python3 -c "$GETLK" "$T")" locked "F_GETLK through the tree sees a lock through the tree"
is "$(python3 -c "$GETLK" "$D")" unlocked "F_GETLK on /dev/shm/x does not"
release
hold posix "$D"
is "$(python3 -c "$GETLK" "$T")" unlocked "F_GETLK through the tree does not see a lock on /dev/shm/x"
release
shm_done
