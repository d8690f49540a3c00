#!/bin/bash
# fallocate(2) through the tree does what it does on /dev/shm: the modes
# tmpfs has (allocate, -n keep size, -p punch hole) give the same size,
# blocks and bytes; the others are EOPNOTSUPP, as there.  posix_fallocate
# allocates instead of writing zeros.  A punched range reads as zeros
# through the tree also where the kernel had cached its pages.
. "${TESTS_SRC:-$(dirname "$0")/..}/shm/shmlib.sh"

command -v fallocate >/dev/null || skip_all "no fallocate(1)"
command -v python3 >/dev/null || skip_all "no python3"
shm_mount

d=$(shm_name direct) t=$(shm_name tree)
# both CMD...: CMD with X for the object, on /dev/shm/$d then through
# the tree on $t; then size, blocks and bytes must be the same.
both() {
	local a b
	a=$("${@//X//dev/shm/$d}" 2>&1; echo "rc=$?")
	b=$("${@//X/$S/$t}" 2>&1; echo "rc=$?")
	is "${b//$S\/$t/X}" "${a//\/dev\/shm\/$d/X}" "$* gives what it gives on /dev/shm"
	is "$(stat -c '%s %b' "/dev/shm/$t")" "$(stat -c '%s %b' "/dev/shm/$d")" \
		"$*: the same size and blocks"
	ok "$*: the same bytes" cmp -s "/dev/shm/$t" "/dev/shm/$d"
}

: >"/dev/shm/$d"; : >"$S/$t"
both fallocate -l 1M X
is "$(stat -c %s "/dev/shm/$t")" 1048576 "fallocate -l 1M: 1 MiB"
both fallocate -n -o 1M -l 1M X
is "$(stat -c %s "/dev/shm/$t")" 1048576 "fallocate -n: the size is kept"
both fallocate -o 3M -l 4096 X
# Bytes in every page, read through the tree so the kernel caches them.
for f in "/dev/shm/$d" "$S/$t"; do
	head -c 4194304 /dev/zero | tr '\0' 'A' | dd of="$f" conv=notrunc status=none
done
cat "$S/$t" >/dev/null
both fallocate -p -o 4096 -l 8192 X
is "$(od -An -c -j 4096 -N 2 "$S/$t" | tr -d ' ')" '\0\0' "the punched range reads as zeros through the tree"
is "$(od -An -c -j 12288 -N 1 "$S/$t" | tr -d ' ')" A "and the bytes after it stay"
both fallocate -p -o 1000 -l 100 X
both fallocate -p -o 3M -l 2M X
is "$(stat -c %s "/dev/shm/$t")" 4194304 "a punch past the end keeps the size"
# The modes tmpfs has not.
both fallocate -z -o 0 -l 4096 X
both fallocate -c -o 0 -l 4096 X
both fallocate -i -o 0 -l 4096 X

pyalloc() {
	python3 - "$1" "$2" <<'PY'
import errno, os, sys
fd = os.open(sys.argv[1], os.O_RDWR if sys.argv[2] != "ro" else os.O_RDONLY)
try:
    os.posix_fallocate(fd, 0, 8 << 20)
    print("ok")
except OSError as e:
    print(errno.errorcode[e.errno])
PY
}
rm -f "/dev/shm/$d" "/dev/shm/$t"
: >"/dev/shm/$d"; : >"$S/$t"
both pyalloc X rw
is "$(stat -c '%s' "/dev/shm/$t")" 8388608 "posix_fallocate: 8 MiB"
both pyalloc X ro
ok "the server is alive" server_alive
shm_done
