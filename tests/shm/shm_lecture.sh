#!/bin/bash
# The lecture's shared memory transcript (crt_shm /shmem 0, wrt_shm /shmem
# 'Hello!', rd_shm /shmem prints Hello!, unl_shm) with every step done
# either by our C programs on the object itself (shm_open), by the same
# programs on shm/<name> of the tree (open + mmap through FUSE), or by
# shell tools on the tree: every combination gives the same bytes.  And
# mmcat prints a shm file of the tree exactly.
. "${TESTS_SRC:-$(dirname "$0")/..}/shm/shmlib.sh"

shm_mount


# create_X NAME / write_X NAME TEXT / read_X NAME: one step, three ways.
create_direct() { "$SH/crt_shm" "/$1" 0; }
create_tree() { "$SH/crt_shm" "$S/$1" 0; }
create_touch() { touch "$S/$1"; }
write_direct() { "$SH/wrt_shm" "/$1" "$2" >/dev/null; }
write_tree() { "$SH/wrt_shm" "$S/$1" "$2" >/dev/null; }
write_printf() { printf '%s' "$2" >"$S/$1"; }
read_direct() { "$SH/rd_shm" "/$1"; }
read_tree() { "$SH/rd_shm" "$S/$1"; }
read_cat() { cat "$S/$1"; }

name=$(shm_name shmem)
i=0
for c in direct tree touch; do
	for w in direct tree printf; do
		for r in direct tree cat; do
			i=$((i + 1))
			n=$name-$i
			create_$c "$n" || fail "create_$c $n"
			write_$w "$n" 'Hello!' || fail "write_$w $n"
			is "$(read_$r "$n" | od -An -c | tr -s ' ')" \
				"$(printf 'Hello!' | od -An -c | tr -s ' ')" \
				"create by $c, write by $w, read by $r: Hello!"
			if [ $((i % 2)) -eq 0 ]; then
				"$SH/unl_shm" "/$n"
			else
				rm "$S/$n"
			fi
			ok "removed ($i): gone from /dev/shm" test ! -e "/dev/shm/$n"
			ok "removed ($i): gone from shm/" test ! -e "$S/$n"
		done
	done
done

# The transcript itself, with ls -l of both views after crt_shm.
"$SH/crt_shm" "/$name" 0
is "$(stat -c '%s %a %U %G' "$S/$name")" "0 600 $(id -un) $(id -gn)" \
	"crt_shm /shmem 0: size 0, mode 600, owned by the creator"
is "$(ls -l "$S/$name" | cut -d' ' -f1-5)" \
	"$(ls -l "/dev/shm/$name" | cut -d' ' -f1-5)" \
	"ls -l shows the same in shm/ and /dev/shm"
out=$("$SH/wrt_shm" "$S/$name" 'Hello!')
is "$out" "Copying 6 bytes" "wrt_shm through the tree copies 6 bytes"
is "$("$SH/rd_shm" "/$name")" "Hello!" "rd_shm /shmem prints Hello!"
is "$(cat "$S/$name")" "Hello!" "cat shm/shmem prints Hello!"
is "$(stat -c %s "/dev/shm/$name")" 6 "the object is 6 bytes long"
ok "unl_shm /shmem" "$SH/unl_shm" "/$name"
is "$(ls "$S" | grep -c -- "$name")" 0 "ls shm/ no longer lists it"

# mmcat: a private read-only mapping of a tree file prints it exactly.
bin=$(shm_name mmcat)
head -c 100003 /dev/urandom >"/dev/shm/$bin"
ok "mmcat of shm/x equals the object's bytes" \
	cmp <("$SH/mmcat" "$S/$bin") "/dev/shm/$bin"
ok "mmcat of shm/x equals mmcat of /dev/shm/x" \
	cmp <("$SH/mmcat" "$S/$bin") <("$SH/mmcat" "/dev/shm/$bin")
printf 'changed' | dd of="/dev/shm/$bin" bs=1 seek=4096 conv=notrunc 2>/dev/null
ok "mmcat sees a change made to the object meanwhile" \
	cmp <("$SH/mmcat" "$S/$bin") "/dev/shm/$bin"
: >"/dev/shm/$bin"
is "$("$SH/mmcat" "$S/$bin" | wc -c)" 0 "mmcat of an empty object prints nothing"


shm_done
