#!/bin/bash
# fallocate(2) on a priority file is refused with ENODEV, so glibc's
# posix_fallocate does not fall back to writing a NUL byte per block
# (it does so only on EOPNOTSUPP): no message is sent.  shm files are
# allocated (tests/shm/shm_fallocate.sh).
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"

command -v python3 >/dev/null || skip_all "no python3"
mount_ipcfs
Q=fa$$ S=fa$$
mq_track "$Q"
on_exit "rm -f '/dev/shm/$S'"
mkdir "$M/mq/$Q,maxmsg=10,msgsize=64"

pyalloc() {
	python3 - "$@" <<'PY'
import ctypes, errno, os, sys
fd = os.open(sys.argv[1], int(sys.argv[2]))
try:
    if sys.argv[3] == "posix":
        os.posix_fallocate(fd, 0, 4096)
    else:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.fallocate(fd, 0, ctypes.c_long(0), ctypes.c_long(4096)):
            raise OSError(ctypes.get_errno(), "fallocate")
    print("ok")
except OSError as e:
    print(errno.errorcode[e.errno])
PY
}
W=$(python3 -c 'import os; print(os.O_WRONLY)')
RW=$(python3 -c 'import os; print(os.O_RDWR)')
is "$(pyalloc "$M/mq/$Q/1" "$W" posix)" ENODEV "posix_fallocate on a priority file: ENODEV"
is "$(pyalloc "$M/mq/$Q/1" "$W" raw)" ENODEV "fallocate(2) on it: ENODEV"
ok "fallocate -l 4096 fails" bash -c "! fallocate -l 4096 '$M/mq/$Q/1' 2>/dev/null"
is "$(curmsgs "$Q")" 0 "no message was sent"
: >"$M/shm/$S"
is "$(pyalloc "$M/shm/$S" "$RW" raw)" ok "fallocate(2) on an shm file allocates (tests/shm/shm_fallocate.sh)"
is "$(pyalloc "$M/mq/$Q/1" "$W" raw)" ENODEV "and the mount still asks the server afterwards"
ok "the server is alive" server_alive
done_testing
