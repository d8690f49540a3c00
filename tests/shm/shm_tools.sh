#!/bin/bash
# Standard tools on shm/x act as they do on /dev/shm/x: the same command
# sequence (cp, dd, cmp, od, truncate, stat, chmod, chown, touch, mv, rm,
# >, >>) run on both gives the same transcript, and after each step the
# tree's bytes are the object's bytes.  Plus O_EXCL, holes, and objects
# made and removed by other programs appearing and vanishing at once.
. "${TESTS_SRC:-$(dirname "$0")/..}/shm/shmlib.sh"

shm_mount
src=$(mktemp)
on_exit "rm -f $src"
head -c 3000000 /dev/urandom >"$src"

# steps DIR NAME: prints what each step shows; DIR is /dev/shm or shm/.
steps() {
	local d=$1 x=$1/$2 y=$1/$2.copy z=$1/$2.moved
	cp "$src" "$x"; echo "cp $?"
	cmp "$src" "$x" && echo "cmp same"
	stat -c '%s %a %U %G %F' "$x"
	dd if="$src" of="$x" bs=1M seek=2 conv=notrunc 2>/dev/null; echo "dd $?"
	stat -c %s "$x"
	cmp <(head -c 2097152 "$src"; cat "$src") "$x" && echo "dd at 2M, same"
	printf 'abc' | dd of="$x" bs=1 seek=6000000 conv=notrunc 2>/dev/null
	stat -c %s "$x"; od -An -c -j 5999996 "$x"
	truncate -s 50 "$x"; stat -c %s "$x"; cmp <(head -c 50 "$src") "$x" && echo "50 kept"
	truncate -s +30 "$x"; od -An -tx1 -j 44 "$x"
	truncate -s 0 "$x"; stat -c %s "$x"
	echo hello >"$x"; cat "$x"
	echo world >>"$x"; cat "$x"
	echo over >"$x"; od -An -c "$x"
	chmod 640 "$x"; stat -c %a "$x"
	chown 65534:65534 "$x"; stat -c '%u %g' "$x"
	chown 0:0 "$x"
	touch -m -d '2020-02-02 02:02:02 UTC' "$x"; stat -c %Y "$x"
	cp "$x" "$y"; cmp "$x" "$y" && echo "copy same"
	mv "$y" "$z"; test -e "$y" || echo "moved away"; cat "$z"
	rm "$z"; test -e "$z" || echo "rm gone"
	rm "$x"; test -e "$x" || echo "rm gone"
	rm "$x" 2>&1 | sed "s|$d/||"
}

a=$(shm_name tools-a)
b=$(shm_name tools-b)
direct=$(steps /dev/shm "$a" 2>&1 | sed "s/$a/NAME/g")
tree=$(steps "$S" "$b" 2>&1 | sed "s/$b/NAME/g")
is "$tree" "$direct" "the tool transcript on shm/ is the one on /dev/shm"
diag "transcript:"
sed 's/^/#   /' <<<"$direct"

# Each step through the tree lands in the object, byte for byte.
x=$(shm_name bytes)
cp "$src" "$S/$x"
ok "cp: the object holds the bytes" cmp "$src" "/dev/shm/$x"
dd if="$src" of="$S/$x" bs=1M seek=1 conv=notrunc 2>/dev/null
ok "dd at 1M: the tree reads what the object holds" cmp "$S/$x" "/dev/shm/$x"
printf 'Z' | dd of="$S/$x" bs=1 seek=9000000 conv=notrunc 2>/dev/null
is "$(stat -c %s "/dev/shm/$x")" 9000001 "a write past the end grows the object"
is "$(od -An -tx1 -j 8999999 "/dev/shm/$x" | tr -d ' ')" "005a" "leaving a hole of zeros"
truncate -s 10 "$S/$x"
is "$(stat -c %s "/dev/shm/$x")" 10 "truncate down through the tree"
truncate -s 4096 "$S/$x"
is "$(stat -c %s "/dev/shm/$x")" 4096 "truncate up through the tree"
ok "and the tree shows the same bytes" cmp "$S/$x" "/dev/shm/$x"
echo short >"$S/$x"
is "$(cat "/dev/shm/$x")" short "> truncates (O_TRUNC) and writes"
is "$(shmop pwrite "$S/$x" 2 ORT)" "ok 3" "pwrite at an offset"
is "$(cat "/dev/shm/$x")" shORT "lands at that offset"

# O_CREAT|O_EXCL, through the tree and through shm_open, alike.
e=$(shm_name excl)
is "$(shmop open "$S/$e" cx)" ok "O_CREAT|O_EXCL creates"
is "$(shmop open "$S/$e" cx)" "open: EEXIST" "O_CREAT|O_EXCL again: EEXIST"
is "$(shmop open "/$e" cx)" "open: EEXIST" "shm_open O_EXCL agrees: EEXIST"
is "$(shmop open "$S/$e" c)" ok "O_CREAT without O_EXCL opens it"
umask 027
f=$(shm_name umask)
shmop open "$S/$f" cx >/dev/null
is "$(stat -c %a "/dev/shm/$f")" 640 "create applies the caller's umask (027)"
umask 000
f=$(shm_name umask0)
shmop open "$S/$f" cx >/dev/null
is "$(stat -c %a "/dev/shm/$f")" 644 "umask 000: the mode asked for (0644), not narrowed by the server's umask"
umask 022

# Other programs' objects appear and vanish at once, no waiting.
o=$(shm_name other)
"$SH/crt_shm" "/$o" 123
is "$(stat -c %s "$S/$o" 2>&1)" 123 "made by shm_open: there at once"
ok "and listed" bash -c "ls '$S' | grep -qx -- '$o'"
"$SH/unl_shm" "/$o"
ok "removed by shm_unlink: gone at once" test ! -e "$S/$o"
ok "and no longer listed" bash -c "! ls '$S' | grep -qx -- '$o'"
"$SH/crt_shm" "/$o" 5
exec 3<"$S/$o"
"$SH/unl_shm" "/$o"
printf 'newer' >"/dev/shm/$o"
is "$(cat "$S/$o")" newer "a name made again is the new object"
is "$(stat -c %s "$S/$o")" 5 "its size is the new object's"
is "$(od -An -tx1 <&3 | tr -d ' ')" 0000000000 "an fd open on the old one still reads the old one"
exec 3<&-
mv "/dev/shm/$o" "/dev/shm/$o.moved"
ok "renamed by another program: the old name is gone" test ! -e "$S/$o"
is "$(cat "$S/$o.moved")" newer "and the new name has the bytes"

# A listing longer than one readdir reply, while it changes.
for i in $(seq 300); do : >"/dev/shm/$(shm_name "many-$i-$(printf 'p%.0s' $(seq 40))")"; done
is "$(ls "$S" | grep -c -- "ipcfs-test-$$-many-")" 300 "ls lists all of 300 objects"
is "$(find "$S" -name "ipcfs-test-$$-many-*" | wc -l)" 300 "find agrees"
rm -f /dev/shm/ipcfs-test-$$-many-*

# Named semaphores share /dev/shm but are not shm objects.
sem=sem.$(shm_name sem)
: >"/dev/shm/$sem"
ok "sem.* is not listed" bash -c "! ls '$S' | grep -qx -- '$sem'"
ok "sem.* is not found" test ! -e "$S/$sem"
ls -ln "$S" | grep -- "ipcfs-test-$$" | sort >"$src.tree"
ls -ln /dev/shm | grep -- "ipcfs-test-$$" | grep -v ' sem\.' | sort >"$src.dev"
on_exit "rm -f $src.tree $src.dev"
is "$(cat "$src.tree")" "$(cat "$src.dev")" "ls -ln shm/ lists what /dev/shm holds, alike"

shm_done
