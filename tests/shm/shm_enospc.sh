#!/bin/bash
# /dev/shm full: writes through the tree fail with ENOSPC and leave the
# objects as they were, like writes to /dev/shm itself.  Run safely: the
# test re-runs itself in a private mount namespace with a 256 KiB tmpfs
# over /dev/shm and starts the server in there, so the machine's real
# /dev/shm is never filled.
if [ -z "${IPCFS_SHM_NS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root for unshare -m"; exit 77; }
	command -v unshare >/dev/null || { echo "1..0 # SKIP no unshare"; exit 77; }
	# Probe what the test does, in a throwaway namespace: a private mount
	# namespace (the propagation change fails where / is no mount point,
	# as in a plain chroot) with a tmpfs over /dev/shm.
	unshare -m --propagation private \
		mount -t tmpfs -o size=256k,mode=1777 ipcfs-test-probe /dev/shm 2>/dev/null ||
		{ echo "1..0 # SKIP no private mount namespace with a tmpfs over /dev/shm here (unshare -m --propagation private failed: a chroot whose / is no mount point?)"; exit 77; }
	IPCFS_SHM_NS=1 exec unshare -m --propagation private "$0" "$@"
fi
. "${TESTS_SRC:-$(dirname "$0")/..}/shm/shmlib.sh"
drop_copied_fuse_mounts

mount -t tmpfs -o size=256k,mode=1777 ipcfs-test-shm /dev/shm || bail "no private tmpfs"
shm_mount
x=$(shm_name x)
printf 'intact' >"$S/$x"
state() { stat -c '%s' "/dev/shm/$x"; od -An -c "/dev/shm/$x"; }
before=$(state)

big=$(shm_name big)
out=$(dd if=/dev/zero of="$S/$big" bs=64k count=8 2>&1)
like "$out" "No space left on device" "filling /dev/shm through the tree: ENOSPC"
like "$(stat -c %s "/dev/shm/$big")" '^[0-9]+$' "the filler holds what fitted ($(stat -c %s "/dev/shm/$big") bytes)"
is "$(shmop pwrite "$S/$x" 65536 more)" "pwrite: ENOSPC" "a write needing a new page: ENOSPC"
is "$(shmop pwrite "/dev/shm/$x" 65536 more)" "pwrite: ENOSPC" "as on /dev/shm"
is "$(state)" "$before" "the object is intact"
is "$(cat "$S/$x")" intact "and reads the same through the tree"
n=$(shm_name new)
: >"$S/$n"
is "$(shmop writen "$S/$n" 8192)" "writen: ENOSPC" "a new object cannot get pages either"
is "$(stat -c %s "/dev/shm/$n")" 0 "it stays empty"
is "$(shmop pwrite "$S/$x" 0 INTACT)" "ok 6" "rewriting bytes it already has still works"
is "$(cat "/dev/shm/$x")" INTACT "and lands"

# A store through a tree mapping into a page the object lacks.  With
# passthrough the mapping is the object's own: the store faults (SIGBUS),
# exactly as through a shm_open mapping.  Through the page cache the
# store lands in ipcfs's page; the write-back fails and says so at msync.
# Either way the object keeps its hole.
truncate -s 8192 "$S/$x"
mapper_start T "$S/$x" shared rw
if [ "$(shm_io)" = passthrough ]; then
	mapper_start D "/$x" shared rw
	is "$(mapper D 'w 5000 lost')" SIGBUS "a store into a hole through shm_open: SIGBUS"
	mapper_stop D
	is "$(mapper T 'w 5000 lost')" SIGBUS "through the tree (passthrough): SIGBUS too"
else
	mapper T 'w 5000 lost' >/dev/null
	like "$(mapper T sync)" '^msync: E(NOSPC|IO)$' "msync of a store into a hole: ENOSPC or EIO"
fi
mapper_stop T
is "$(od -An -tx1 -j 5000 -N 4 "/dev/shm/$x" | tr -d ' ')" 00000000 "the hole stays a hole"

rm -f "$S/$big"
is "$(shmop pwrite "$S/$x" 65536 more)" "ok 4" "once space is freed, writes work again"
shm_done
