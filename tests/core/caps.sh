#!/bin/bash
# Per-user caps (docs/security.md): what one user makes the server hold
# (shm fds, open files and directories, the rest of a `next` message) is
# capped per uid; past the cap that user gets EMFILE or ENOMEM and nothing
# is done, while other users, root included, keep working; closing gives
# it all back.  Each part uses a uid of its own, so the kernel's
# asynchronous RELEASEs of one part cannot blur the counts of the next.
# Then: 5,000 open directories cost the server little memory, and it is
# given back after close.
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"

need_root "needs root to act as other users"
need_cmd setpriv

scratch_dir 755
cp "$HELPERS/holdopen" "$T/" # reachable by the other uids
shm=caps$$
q=caps$$
mq_track "$q"
on_exit "rm -f /dev/shm/$shm"
holders=()
on_exit 'for p in "${holders[@]}"; do kill "$p" 2>/dev/null; done'

# hold NAME UID MODE N PATH: holdopen as UID in the background, until
# unhold NAME; waits for its "ready".
hold() {
	local name=$1 uid=$2 fd; shift 2
	mkfifo "$T/$name.in"
	setpriv --reuid="$uid" --regid="$uid" --clear-groups \
		"$T/holdopen" "$@" <"$T/$name.in" >"$T/$name.out" 2>&1 &
	holders+=($!)
	eval "${name}_pid=$!"
	exec {fd}>"$T/$name.in"
	eval "${name}_fd=$fd"
	wait_for grep -q '^ready' "$T/$name.out" || fail "$name: holdopen is not ready"
}
unhold() {
	local fd pid
	eval "fd=\$${1}_fd pid=\$${1}_pid"
	echo >&"$fd"
	exec {fd}>&-
	wait "$pid"
}
held() { sed -n 's/^held //p' "$T/$1.out"; }
err() { sed -n 's/^err //p' "$T/$1.out"; }
# once UID MODE N PATH: how many of N opens work now ("N" or "K ENAME").
once() {
	local uid=$1 out; shift
	out=$(echo | setpriv --reuid="$uid" --regid="$uid" --clear-groups \
		"$T/holdopen" "$@")
	echo "$(sed -n 's/^held //p' <<<"$out")$(sed -n 's/^err / /p' <<<"$out")"
}

# 64 KiB: 64 open files or directories of 1 KiB each.
mount_ipcfs -o allow_other,max_user_fds=20,max_user_bytes=65536
printf 'x' >"/dev/shm/$shm"
chmod 666 "/dev/shm/$shm"

# --- shm files: one server fd each
hold fds 65534 file 30 "$M/shm/$shm"
is "$(held fds) $(err fds)" "20 EMFILE" "uid 65534: 20 shm files open, the 21st is EMFILE"
is "$(once 65534 file 1 "$M/shm/$shm")" "0 EMFILE" "at its cap, one more open is EMFILE"
is "$(once 1234 file 5 "$M/shm/$shm")" "5" "another user opens shm files meanwhile"
ok "root lists proc/ meanwhile" test "$(ls "$M/proc" | wc -l)" -gt 1
is "$(cat "$M/shm/$shm")" x "root reads the object meanwhile"
unhold fds
ok "closed: uid 65534 opens 20 again" wait_for test "$(once 65534 file 20 "$M/shm/$shm")" = 20

# --- directories: no fd, but 1 KiB each
hold dirs 65533 dir 100 "$M/proc"
is "$(held dirs) $(err dirs)" "64 ENOMEM" "uid 65533: 64 directories open, the 65th is ENOMEM"
is "$(once 1234 dir 10 "$M/proc")" 10 "another user opens directories meanwhile"
ok "root lists proc/ meanwhile" test "$(ls "$M/proc" | wc -l)" -gt 1
ok "and shm/" ls "$M/shm" >/dev/null
unhold dirs
ok "closed: uid 65533 opens 64 again" wait_for test "$(once 65533 dir 64 "$M/proc")" = 64

# --- next: the open file keeps the unread rest of its message
"$MQH/mq_crt" "/$q" 10 8192 0666 || bail "cannot make the queue"
printf '%8000s' m >"$T/msg" # bash's printf writes 4 KiB at a time: mq_snd
fill() { while [ "$(cat "$M/mq/$q/curmsgs")" -lt 10 ]; do "$MQH/mq_snd" "/$q" 0 -f "$T/msg"; done; }
fill
is "$(cat "$M/mq/$q/curmsgs")" 10 "10 messages of 8000 bytes queued"
hold next 65532 next 10 "$M/mq/$q/next"
n=$(held next)
# each: 1 KiB of handle and the 8000 bytes held, so 7 fit in 64 KiB
is "$n $(err next)" "7 ENOMEM" "uid 65532 holds 7 messages read 1 byte each; the next read is ENOMEM"
is "$(cat "$M/mq/$q/curmsgs")" 3 "the refused message is back in the queue: none lost"
is "$(setpriv --reuid=1234 --regid=1234 --clear-groups cat "$M/mq/$q/next" | wc -c)" 8000 \
	"another user reads a whole message meanwhile"
unhold next
fill
ok "closed: uid 65532 holds 7 again" wait_for test "$(once 65532 next 7 "$M/mq/$q/next")" = 7
umount_ipcfs

# --- memory: 5,000 open directories, then closed.  Not under ASan or
# valgrind, whose allocators keep freed memory on purpose.
if ldd "$IPCFS" 2>/dev/null | grep -q libasan || [ -n "${IPCFS_WRAPPER:-}" ]; then
	pass "# SKIP server memory (a checking allocator keeps what is freed)"
	done_testing
	exit
fi
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$SERVER/status"; }
mount_ipcfs
"$T/holdopen" dir 10 "$M/proc" </dev/null >/dev/null # warm up
base=$(rss)
hold many 0 dir 5000 "$M/proc"
is "$(held many)" 5000 "root holds 5000 open directories of proc/"
open_rss=$(rss)
diag "server RSS: $base KiB before, $open_rss KiB with 5000 directories open"
ok "they cost the server less than 16 MiB ($((open_rss - base)) KiB)" \
	test $((open_rss - base)) -lt 16384
unhold many
wait_for test "$(once 0 dir 1 "$M/proc")" = 1
# the RELEASEs are asynchronous: wait until the memory is back
back() { [ $(($(rss) - base)) -lt 4096 ]; }
ok "after close the server is back within 4 MiB of where it was" wait_for back
diag "server RSS after close: $(rss) KiB"
done_testing
