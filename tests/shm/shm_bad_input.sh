#!/bin/bash
# The issue's bad-input table for shm/: each case gets a clear errno (the
# one /dev/shm gives where it has one), changes nothing, and leaves the
# server alive.  ENOSPC is in shm_enospc.sh (it needs a private tmpfs).
. "${TESTS_SRC:-$(dirname "$0")/..}/shm/shmlib.sh"

shm_mount
x=$(shm_name x)
printf 'intact' >"/dev/shm/$x"
state() { stat -c '%s %a %u %Y' "/dev/shm/$x"; cat "/dev/shm/$x"; }
before=$(state)
unchanged() { is "$(state)" "$before" "$1: nothing changed"; }
count() { ls /dev/shm | grep -c -- "ipcfs-test-$$"; }
n0=$(count)

# Names: '/' splits paths, so a name with '/' is a path through a file.
is "$(shmop open "$S/$x/y" cx)" "open: ENOTDIR" "name with '/' under an object: ENOTDIR"
is "$(shmop open "$S/nonexistent-$$/y" cx)" "open: ENOENT" "name with '/' under nothing: ENOENT"
is "$(shmop open "$S/$x/.." r)" "open: ENOTDIR" "'..' below an object: ENOTDIR"
is "$(head -c 6 "$S/../shm/$x")" intact "'..' elsewhere is the usual path walk"
long=$(printf 'L%.0s' $(seq 256))
is "$(shmop open "$S/$long" cx)" "open: ENAMETOOLONG" "256-byte name: ENAMETOOLONG"
is "$(shmop open "/dev/shm/$long" cx)" "open: ENAMETOOLONG" "as on /dev/shm"
max=$(shm_name "$(printf 'M%.0s' $(seq 220))")
is "$(shmop open "$S/$max" cx)" ok "a ${#max}-byte name is fine"
rm -f "$S/$max"
is "$(count)" "$n0" "names: no object was made"
server_alive || bail "server died"

# mkdir, rmdir, links, fifos: shm/ holds shm objects only.
is "$(shmop mkdir "$S/dir-$$")" "mkdir: EPERM" "mkdir shm/x: EPERM"
ok "and no directory appeared in /dev/shm" test ! -e "/dev/shm/dir-$$"
ok "rmdir on an object: ENOTDIR" bash -c "rmdir '$S/$x' 2>&1 | grep -q 'Not a directory'"
ok "ln shm/x shm/y is refused" bash -c "! ln '$S/$x' '$S/$x.link' 2>/dev/null"
ok "mkfifo shm/y is refused" bash -c "! mkfifo '$S/$x.fifo' 2>/dev/null"
ok "ln -s is refused" bash -c "! ln -s /etc/passwd '$S/$x.sym' 2>/dev/null"
is "$(count)" "$n0" "no link, fifo or symlink appeared"
unchanged "mkdir, rmdir, ln, mkfifo"

# Sizes: negative, past RLIMIT_FSIZE, past the largest file.
is "$(shmop truncate "$S/$x" -1)" "truncate: EINVAL" "truncate to -1: EINVAL"
is "$(shmop ftruncate "$S/$x" -5)" "ftruncate: EINVAL" "ftruncate to -5: EINVAL"
is "$(shmop pwrite "$S/$x" -3 z)" "pwrite: EINVAL" "pwrite at -3: EINVAL"
unchanged "negative sizes"
# ulimit -f counts 1024-byte blocks; the writer ignores SIGXFSZ to see EFBIG.
fsize() { bash -c "ulimit -f 1; trap '' XFSZ; \"\$@\"" fsize "$SH/shmop" "$@" | tail -n 1; }
is "$(fsize pwrite "$S/$x" 5000 z)" "pwrite: EFBIG" "write past RLIMIT_FSIZE: EFBIG"
is "$(fsize pwrite "/dev/shm/$x" 5000 z)" "pwrite: EFBIG" "as on /dev/shm"
is "$(fsize ftruncate "$S/$x" 5000)" "ftruncate: EFBIG" "truncate past RLIMIT_FSIZE: EFBIG"
w=$(shm_name below)
: >"$S/$w"
is "$(fsize pwrite "$S/$w" 0 ok)" "ok 2" "writing below the limit still works"
killed() { bash -c "ulimit -f 1; \"\$@\" >/dev/null; echo \$?" x "$SH/shmop" pwrite "$1" 5000 z 2>/dev/null; }
is "$(killed "$S/$x")" 153 "without the trap SIGXFSZ kills the writer (128+25)"
is "$(killed "/dev/shm/$x")" 153 "as on /dev/shm"
huge=9223372036854775800
want=$(shmop pwrite "/dev/shm/$x" $huge zzzzzzzzzzzz)
like "$want" '^pwrite: E' "a write past the largest offset fails on /dev/shm ($want)"
is "$(shmop pwrite "$S/$x" $huge zzzzzzzzzzzz)" "$want" "and through the tree alike"
unchanged "size limits"

# sem.*: named semaphores are not shm objects.
sem=sem.$(shm_name sem)
: >"/dev/shm/$sem"
is "$(shmop open "$S/$sem" r)" "open: ENOENT" "opening a sem.* name: ENOENT"
is "$(shmop open "$S/sem.new-$$" cx)" "open: EINVAL" "creating a sem.* name: EINVAL"
ok "and nothing was made" test ! -e "/dev/shm/sem.new-$$"
is "$(shmop rename "$S/$x" "$S/sem.$x")" "rename: EINVAL" "renaming to a sem.* name: EINVAL"
is "$(shmop unlink "$S/$sem")" "unlink: ENOENT" "removing a sem.* entry: ENOENT"
ok "the semaphore is still there" test -e "/dev/shm/$sem"
unchanged "sem.*"

# rename within shm/: NOREPLACE and EXCHANGE as on /dev/shm.
y=$(shm_name y)
printf 'other' >"/dev/shm/$y"
is "$(shmop rename "$S/$x" "$S/$y" noreplace)" "rename: EEXIST" "RENAME_NOREPLACE over an object: EEXIST"
is "$(shmop rename "$S/$x" "$S/$y" exchange)" ok "RENAME_EXCHANGE swaps"
is "$(cat "$S/$x")/$(cat "$S/$y")" "other/intact" "the two objects swapped names"
shmop rename "$S/$x" "$S/$y" exchange >/dev/null
is "$(shmop rename "$S/nonexistent-$$" "$S/$y")" "rename: ENOENT" "renaming nothing: ENOENT"
unchanged "rename"

ok "the server is alive after all of it" server_alive
shm_done
