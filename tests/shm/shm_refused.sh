#!/bin/bash
# A server that asked the kernel for passthrough but may not register a
# backing file (root in a user namespace of its own: CAP_SYS_ADMIN there,
# not in the initial one).  The first open is refused with EPERM; the
# server says so once and from then on serves every shm file through the
# page cache, which must work exactly as with -o nopassthrough.  Runs in a
# private user and mount namespace that it makes itself (unshare -Urm).
if [ -z "${IPCFS_USERNS:-}" ]; then
	command -v unshare >/dev/null || { echo "1..0 # SKIP no unshare"; exit 77; }
	unshare -Urm true 2>/dev/null || { echo "1..0 # SKIP no user namespaces"; exit 77; }
	IPCFS_USERNS=1 exec unshare -Urm --propagation private "$0" "$@"
fi
. "${TESTS_SRC:-$(dirname "$0")/..}/shm/shmlib.sh"

shm_mount
is "$(shm_io)" cached "in a user namespace, shm files must use the page cache"
x=$(shm_name x)
head -c 3000000 /dev/urandom >"/dev/shm/$x"
ok "a 3 MB object reads the same through the tree" cmp -s "$S/$x" "/dev/shm/$x"
like "$(cat "$M.log")" "passthrough refused \\(Operation not permitted\\)" \
	"the server says why it falls back"
printf 'hello' | dd of="$S/$x" conv=notrunc status=none
is "$(head -c 5 "/dev/shm/$x")" hello "a write through the tree reaches the object"
mapper_start T "$S/$x" shared rw
is "$MAPPER_READY" "ready 3000000" "mmap MAP_SHARED through the tree"
mapper_start D "/$x" shared rw
exec 5<"$S/$x"
python3 -c 'import os; os.pread(5, 2, 0)'
mapper D 'w 0 D1' >/dev/null
is "$(mapper T 'r 0 2')" he "an object store is not live in a tree mapping (page cache)"
is "$(head -c 2 "$S/$x")" D1 "the next open through the tree sees it"
is "$(mapper T 'r 0 2')" D1 "and so does the tree mapping from then on"
exec 5<&-
mapper T 'w 2 T1' >/dev/null
is "$(mapper T sync)" ok "msync of the tree mapping"
is "$(mapper D 'r 2 2')" T1 "the store reached the object"
mapper_stop T
mapper_stop D
is "$(grep -c 'passthrough refused' "$M.log")" 1 "the fallback is said once, whatever the opens"
shm_done
