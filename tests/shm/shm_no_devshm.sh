#!/bin/bash
# A machine without /dev/shm: the server says so on stderr and serves an
# empty shm/, where creating gives ENOENT as shm_open does; the rest of
# the tree works.  Run in a private mount namespace whose /dev is a fresh
# tmpfs holding only the device nodes the test needs.
if [ -z "${IPCFS_SHM_NS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root for unshare -m"; exit 77; }
	command -v unshare >/dev/null || { echo "1..0 # SKIP no unshare"; exit 77; }
	# Probe what the test does, in a throwaway namespace: a private mount
	# namespace (the propagation change fails where / is no mount point,
	# as in a plain chroot) with a tmpfs over /dev and device nodes in it.
	unshare -m --propagation private sh -c \
		'mount -t tmpfs -o mode=755 ipcfs-test-probe /dev && mknod -m 666 /dev/null c 1 3' 2>/dev/null ||
		{ echo "1..0 # SKIP no private mount namespace with its own /dev here (unshare -m --propagation private failed: a chroot whose / is no mount point?)"; exit 77; }
	IPCFS_SHM_NS=1 exec unshare -m --propagation private "$0" "$@"
fi
. "${TESTS_SRC:-$(dirname "$0")/..}/shm/shmlib.sh"
drop_copied_fuse_mounts

mount -t tmpfs -o mode=755 ipcfs-test-dev /dev || bail "cannot mount a private /dev"
mknod -m 666 /dev/fuse c 10 229
mknod -m 666 /dev/null c 1 3
mknod -m 666 /dev/zero c 1 5
mount_ipcfs
S=$M/shm
ok "shm/ exists" test -d "$S"
is "$(ls -A "$S" | wc -l)" 0 "and is empty"
is "$(shmop open "$S/x" cx)" "open: ENOENT" "creating in it: ENOENT, as shm_open"
is "$(shmop open "$S/x" r)" "open: ENOENT" "looking up: ENOENT"
ok "the rest of the tree works" test -s "$M/signals"
ok "the server is alive" server_alive
like "$(cat "$M.log")" '/dev/shm: No such file or directory; shm/ stays empty' \
	"the server says so on stderr"
umount_ipcfs
done_testing
