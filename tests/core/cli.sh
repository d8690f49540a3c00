#!/bin/bash
# The command line as SPEC "Command line" has it: help, version, clear
# errors with exit 1, daemonising only once the mount is ready, and a clean
# unmount with exit 0 on SIGTERM, SIGINT and SIGHUP.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"

[ -c /dev/fuse ] || skip_all "no /dev/fuse"
not_mounted() { ! mounted "$1"; }

out=$("$IPCFS" --help); rc=$?
is "$rc" 0 "--help exits 0"
like "$out" 'usage: .*\[-f\] \[-d\] \[-o OPTIONS\]' "--help shows the synopsis"
like "$out" 'mq_maxmsg=N' "--help lists mq_maxmsg"
like "$out" 'allow_other' "--help lists allow_other"

# The man page documents every option --help lists (and it renders).
man1=${BUILD_ROOT:-$(dirname "$IPCFS")}/docs/ipcfs.1
if [ -f "$man1" ] && command -v man >/dev/null; then
	page=$(MANWIDTH=200 man -l "$man1" 2>/dev/null | sed 's/\xe2\x80\x90/-/g; s/‐/-/g')
	missing=
	for o in $("$IPCFS" --help | grep -oE '(^| )(-o [a-z_]+|--?[a-zA-Z]+)' | sed 's/^ //' | sort -u); do
		grep -qF -- "$o" <<<"$page" || missing="$missing $o"
	done
	is "$missing" "" "ipcfs(1) documents every option of --help"
	like "$page" "SYNOPSIS" "and renders with man"
fi

out=$("$IPCFS" --version); rc=$?
is "$rc" 0 "--version exits 0"
like "$out" '^ipcfs [0-9]+\.[0-9]+\.[0-9]+' "--version prints the version"

d=$(mktemp -d)
on_exit "rmdir $d 2>/dev/null"
err=$("$IPCFS" -o nosuchoption "$d" 2>&1); rc=$?
is "$rc" 1 "unknown -o option exits 1"
like "$err" 'unknown option|bad mount options' "and says so"
err=$("$IPCFS" --bogus "$d" 2>&1); rc=$?
is "$rc" 1 "unknown flag exits 1"
like "$err" "unknown option '--bogus'" "and names it"
err=$("$IPCFS" -o mq_maxmsg=abc "$d" 2>&1); rc=$?
is "$rc" 1 "bad mq_maxmsg exits 1"
like "$err" 'mq_maxmsg' "and names it"
err=$("$IPCFS" 2>&1); rc=$?
is "$rc" 1 "no mountpoint exits 1"
like "$err" 'no mountpoint' "and says so"
err=$("$IPCFS" /nonexistent/ipcfs-mnt 2>&1); rc=$?
is "$rc" 1 "missing mountpoint exits 1"
like "$err" 'nonexistent' "and names it"
ok "a failed start leaves no mount" not_mounted "$d"

# A mount point must be a directory: on a file the mount would make the
# file fail with EIO for everyone.
f=$d.file
echo data >"$f"
err=$("$IPCFS" "$f" 2>&1); rc=$?
is "$rc" 1 "a regular file as mount point exits 1"
like "$err" "not a directory" "and says why"
ok "nothing is mounted on the file" not_mounted "$f"
is "$(cat "$f")" data "and the file reads as before"
rm -f "$f"

# mounts_on DIR: how many mounts stand on DIR.
mounts_on() { awk -v d="$1" '$5 == d' /proc/self/mountinfo | wc -l; }
# A second ipcfs on a live one is refused (fusermount3 -u would remove
# only the top one and leave a server behind), unless asked for.
"$IPCFS" "$d"
first=$(pgrep -f "^$IPCFS $d\$")
err=$("$IPCFS" "$d" 2>&1); rc=$?
is "$rc" 1 "mounting twice on one directory exits 1"
like "$err" "an ipcfs mount already.*-o overmount" "and says what to do"
is "$(mounts_on "$d")" 1 "one mount only"
"$IPCFS" -o overmount "$d"; rc=$?
is "$rc" 0 "-o overmount stacks all the same"
is "$(mounts_on "$d")" 2 "two mounts then"
second=$(pgrep -f "^$IPCFS -o overmount $d\$")
fusermount3 -u "$d"
fusermount3 -u "$d"
ok "both unmounted" wait_for not_mounted "$d"
ok "and both servers exit" wait_for bash -c "! kill -0 $first 2>/dev/null && ! kill -0 $second 2>/dev/null"

# A dead mount (its server killed): refused with the way out.
"$IPCFS" -f "$d" 2>/dev/null &
pid=$!
wait_for test -r "$d/signals"
kill -9 "$pid"
wait "$pid" 2>/dev/null
err=$("$IPCFS" "$d" 2>&1); rc=$?
is "$rc" 1 "mounting on a dead mount exits 1"
like "$err" "dead FUSE mount.*fusermount3 -u" "and says how to clear it"
fusermount3 -u "$d"
ok "which fusermount3 -u does" not_mounted "$d"

# Without -f: the tree is usable as soon as the command returns.
"$IPCFS" "$d"; rc=$?
is "$rc" 0 "daemonising start exits 0"
ok "mounted when the command returns" mounted "$d"
ok "and answering" test -r "$d/signals"
ok "root lists signals proc mq shm" \
	test "$(ls "$d" | tr '\n' ' ')" = "mq proc shm signals "
pid=$(pgrep -f "^$IPCFS $d\$")
ok "the daemon runs" test -n "$pid"
kill -TERM "$pid"
ok "SIGTERM unmounts" wait_for not_mounted "$d"
ok "and the daemon exits" wait_for bash -c "! kill -0 $pid 2>/dev/null"

# In the foreground: exit status 0 on each of the three signals.
for sig in TERM INT HUP; do
	"$IPCFS" -f "$d" &
	pid=$!
	wait_for test -r "$d/signals"
	kill -s "$sig" "$pid"
	wait "$pid"; rc=$?
	is "$rc" 0 "SIG$sig: exit status 0"
	ok "SIG$sig: unmounted" not_mounted "$d"
done

# A caller blocked in the tree is answered, not stranded, on shutdown.
"$IPCFS" -f "$d" &
pid=$!
wait_for test -r "$d/signals"
sleep 1000 &
sleeper=$!
cat "$d/proc/$sleeper/wait" >/dev/null 2>&1 &
reader=$!
wait_for parked "$reader"
kill -TERM "$pid"
wait "$pid"; rc=$?
is "$rc" 0 "shutdown with a parked reader exits 0"
ok "the parked reader returns" wait_for bash -c "! kill -0 $reader 2>/dev/null"
kill "$sleeper"
wait "$reader"; rc=$?
ok "the parked reader got an error, not data" test "$rc" -ne 0

# Unmounted from outside: the server notices and exits 0.
"$IPCFS" -f "$d" &
pid=$!
wait_for test -r "$d/signals"
fusermount3 -u "$d"
wait "$pid"; rc=$?
is "$rc" 0 "fusermount3 -u: the server exits 0"

done_testing
