#!/bin/bash
# mmap through the tree next to mmap of the object itself, each case that
# docs/shm.md describes: T is a live MAP_SHARED mapping of shm/x, D one of
# /x made with shm_open (the tmpfs pages themselves), U a second mapping
# through the tree.  With kernel passthrough T maps the tmpfs pages too,
# and everything is coherent at once; without it (-o nopassthrough, or a
# server without CAP_SYS_ADMIN) T maps the kernel's page cache of the
# ipcfs file, and what is coherent only at msync, munmap or the next open
# is asserted at that point.  The mode this mount must be in is
# shm_io's answer; the cases tell the modes apart, so a server that
# silently fell back fails here.
. "${TESTS_SRC:-$(dirname "$0")/..}/shm/shmlib.sh"

shm_mount
io=$(shm_io)
diag "shm I/O mode expected: $io"
pt() { [ "$io" = passthrough ]; }
x=$(shm_name live)
printf 'aaaaaaaaaa' >"/dev/shm/$x"
truncate -s 8192 "/dev/shm/$x"
mapper_start T "$S/$x" shared rw 16384
is "$MAPPER_READY" "ready 16384" "mmap MAP_SHARED rw through the tree"
mapper_start D "/$x" shared rw 16384
is "$MAPPER_READY" "ready 16384" "mmap MAP_SHARED rw of the object (shm_open)"
mapper_start U "$S/$x" shared rw 16384

# Tree write(2) -> object mapping: the write goes to the object at once.
shmop pwrite "$S/$x" 0 W1 >/dev/null
is "$(mapper D 'r 0 2')" W1 "tree write(2): a live shm_open mapping sees it at once"
is "$(mapper T 'r 0 2')" W1 "tree write(2): a live tree mapping sees it at once"

# Tree store -> another tree mapping and tree readers: one page cache.
mapper T 'w 2 T1' >/dev/null
is "$(mapper U 'r 2 2')" T1 "tree store: another tree mapping sees it at once"
exec 5<"$S/$x"
is "$(dd bs=4 count=1 <&5 2>/dev/null)" W1T1 "tree store: a read(2) through the tree sees it at once"

# Tree store -> the object: at msync (or munmap, close, the next open).
mapper T 'w 4 T2' >/dev/null
is "$(mapper T sync)" ok "msync of the tree mapping"
is "$(mapper D 'r 4 2')" T2 "tree store + msync: the shm_open mapping sees it"
is "$("$SH/rd_shm" "/$x" | head -c 6)" W1T1T2 "tree store + msync: a new shm_open reader sees it"
mapper U 'w 6 U1' >/dev/null
cat "$S/$x" >/dev/null
is "$(mapper D 'r 6 2')" U1 "tree store: any open through the tree writes it back"
exec 6<"$S/$x"
mapper U 'w 6 U2' >/dev/null
exec 6<&-
is "$(mapper D 'r 6 2')" U2 "tree store: closing any fd of the tree file writes it back"

# Object store -> tree.  Passthrough: the same pages, at once.  Page
# cache: not live; the next open through the tree.  (First a read through
# the tree, so the kernel holds the current page and attributes:
# write-backs above changed the object's mtime.)
python3 -c 'import os; os.pread(5, 2, 0)'
mapper D 'w 0 D1' >/dev/null
if pt; then
	is "$(mapper T 'r 0 2')" D1 "object store: a live tree mapping sees it at once (passthrough)"
	is "$(python3 -c 'import os; print(os.pread(5, 2, 0).decode())')" D1 \
		"object store: an fd opened earlier reads it at once (passthrough)"
else
	is "$(mapper T 'r 0 2')" W1 "object store: a live tree mapping keeps its page (documented limit)"
	is "$(python3 -c 'import os; print(os.pread(5, 2, 0).decode())')" W1 \
		"object store: an fd opened earlier reads its cached page (documented limit)"
fi
is "$(head -c 2 "$S/$x")" D1 "object store: the next open through the tree sees it"
is "$(mapper T 'r 0 2')" D1 "and from that open on, live tree mappings see it too"
is "$(python3 -c 'import os; print(os.pread(5, 2, 0).decode())')" D1 "and so do fds opened earlier"
mapper T 'w 10 T3' >/dev/null
if pt; then
	is "$(mapper D 'r 10 2')" T3 "tree store: the shm_open mapping sees it at once, no msync (passthrough)"
else
	mapper T sync >/dev/null
	is "$(mapper D 'r 10 2')" T3 "tree store: the shm_open mapping sees it after msync (page cache)"
fi
exec 5<&-

# Object write(2) (or truncate, chmod...) -> tree: inotify, at once.
shmop pwrite "/dev/shm/$x" 0 P1 >/dev/null
sees() { [ "$(mapper "$1" "$2")" = "$3" ]; }
ok "object write(2): a live tree mapping sees it (inotify, within ms)" \
	wait_for sees T 'r 0 2' P1
exec 5<"$S/$x"
cat <&5 >/dev/null
shmop pwrite "/dev/shm/$x" 0 P2 >/dev/null
is "$(python3 -c 'import os; print(os.pread(5, 2, 0).decode())')" P2 \
	"object write(2): a read(2) on an fd open through the tree sees it at once"
exec 5<&-

# Size changes made on the object.
is "$(mapper T 'r 9000 1')" SIGBUS "past the end: SIGBUS through the tree, as on the object"
shmop ftruncate "/$x" 12288 >/dev/null
is "$(mapper D 'x 9000 1')" 00 "object grown: its own mapping reaches the new pages"
if pt; then
	is "$(mapper T 'x 9000 1')" 00 "object grown: a tree mapping reaches them at once (passthrough)"
else
	is "$(mapper T 'r 9000 1')" SIGBUS "object grown: a tree mapping faults until the kernel learns the size"
	stat "$S/$x" >/dev/null
	is "$(mapper T 'x 9000 1')" 00 "object grown: a tree mapping reaches them after a stat through the tree"
fi
shmop ftruncate "/$x" 100 >/dev/null
is "$(mapper D 'r 5000 1')" SIGBUS "object shrunk: its own mapping faults past the end"
# the server learns of the shrink by inotify and tells the kernel: wait
# for that (it takes longer under valgrind or on a busy machine)
for i in $(seq 400); do
	got=$(mapper T 'r 5000 1')
	[ "$got" = SIGBUS ] && break
	sleep 0.05
done
is "$got" SIGBUS "object shrunk: a tree mapping faults past the end too"
shmop ftruncate "$S/$x" 8192 >/dev/null
is "$(mapper D 'x 5000 1')" 00 "ftruncate through the tree: the object grows"

# munmap writes back.
mapper T 'w 8 M1' >/dev/null
mapper_stop T
is "$(mapper D 'r 8 2')" M1 "tree store + munmap: the shm_open mapping sees it"
mapper_stop U

# MAP_PRIVATE through the tree: copy on write, nothing reaches the object.
mapper_start P "$S/$x" private rw
is "$MAPPER_READY" "ready 8192" "mmap MAP_PRIVATE rw through the tree"
mapper P 'w 0 PV' >/dev/null
is "$(mapper P 'r 0 2')" PV "a private store is seen by its own mapping"
mapper_stop P
is "$(head -c 2 "/dev/shm/$x")" P2 "and never reaches the object"
is "$(mapper D 'r 0 2')" P2 "nor the object's mappings"
mapper_stop D

# Renamed through the tree: still one object, one page cache, one watch.
a=$(shm_name ren-a)
b=$(shm_name ren-b)
printf 'renamed!' >"$S/$a"
mapper_start R "$S/$a" shared rw
mv "$S/$a" "$S/$b"
mapper_start V "$S/$b" shared rw
mapper R 'w 0 RR' >/dev/null
is "$(mapper V 'r 0 2')" RR "after mv through the tree, old and new mappings share pages"
mapper R sync >/dev/null
shmop pwrite "/dev/shm/$b" 2 OB >/dev/null
ok "an object write(2) under the new name reaches both (inotify)" \
	wait_for sees R 'r 2 2' OB
is "$(cat "/dev/shm/$b")" RROBmed! "the object holds both writes"

# The documented hazard of the page cache mode: a tree page with unsynced
# stores is written back whole when the kernel drops it (here: because of
# the object write), so an object write to another byte of that page is
# lost.  Sharing a page needs one view, or msync before the other side
# writes.  Passthrough has one copy of the page: both writes stay.
mapper R 'w 0 XX' >/dev/null
shmop pwrite "/dev/shm/$b" 4 ZZ >/dev/null
objis() { [ "$(cat "/dev/shm/$b")" = "$1" ]; }
if pt; then
	is "$(cat "/dev/shm/$b")" XXOBZZd! "tree store + object write to the same page: both kept (passthrough)"
	is "$(mapper V 'r 0 8')" XXOBZZd! "and every mapping sees both"
else
	ok "unsynced tree store + object write to the same page: the page wins (hazard)" \
		wait_for objis XXOBmed!
fi
mapper_stop R
mapper_stop V

# A read-only open can map shared read-only, not writable.
is "$(shmop mmap "$S/$x" r)" ok "read-only open: MAP_SHARED PROT_READ works"

shm_done
