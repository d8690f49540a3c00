#!/bin/bash
# The server run by a plain user (uid 65534): it lists every process, and
# every file of another user's process works as /proc's do (state,
# caught, wait), because liveness never depends on the right to signal;
# only a write to signal is refused, with EPERM.  Debian gives /dev/fuse
# mode 0666; a machine that has it 0600 gets that mode for the test's
# duration.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root to run the server as uid 65534"
command -v setpriv >/dev/null || skip_all "no setpriv"
[ -c /dev/fuse ] || skip_all "no /dev/fuse"
command -v fusermount3 >/dev/null || skip_all "no fusermount3"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

T=$(mktemp -d)
chmod 755 "$T"
# What uid 65534 runs must be where it can reach it (a clone may be 0700).
cp "$IPCFS" "$HELPERS/fsop" "$T/"
chmod 755 "$T/ipcfs" "$T/fsop"
mkdir "$T/m"
chown 65534:65534 "$T/m"
fuse_for_users
on_exit "fusermount3 -u '$T/m' 2>/dev/null; rm -rf --one-file-system '$T'"
trap _cleanup EXIT
M=$T/m

# A root process in a session of its own (no SIGCONT exception).
setsid sleep 1000 &
wait_for pgrep -f '^sleep 1000$' >/dev/null
victim=$(pgrep -n -f '^sleep 1000$')

as_nobody "$T/ipcfs" "$M" 2>"$T/log"; rc=$?
is "$rc" 0 "uid 65534 mounts the tree"
wait_for test -r "$M/signals"
is "$(as_nobody cat "$M/proc/$victim/state")" sleeping "root's process: state"
is "$(as_nobody cat "$M/proc/1/state")" sleeping "pid 1: state"
like "$(as_nobody cat "$M/proc/$victim/caught")" '^$|^[A-Z]' "root's process: caught"
like "$(as_nobody cat "$M/proc/$victim/pending")" '^$|^[A-Z]' "pending"
ok "proc/ lists root's process" bash -c "as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups \"\$@\"; }; as_nobody ls '$M/proc' | grep -qx '$victim'"
is "$(setsid -w setpriv --reuid=65534 --regid=65534 --clear-groups "$T/fsop" write "$M/proc/$victim/signal" 'TERM\n' 2>&1 | tail -n 1)" \
	"open: EPERM" "a write to root's signal: EPERM"
ok "root's process lives on" kill -0 "$victim"
as_nobody cat "$M/proc/$victim/wait" >"$T/fate" &
reader=$!
ok "wait on root's process parks" wait_for bash -c "pgrep -f '^cat $M/proc/$victim/wait' >/dev/null"
kill -TERM "$victim"
wait "$reader"
is "$(cat "$T/fate")" "killed TERM" "and reports its fate"
fusermount3 -u "$M"
ok "unmounted" wait_for bash -c "! pgrep -f '^$T/ipcfs $M' >/dev/null"
[ -s "$T/log" ] && diag "server log:" "$(cat "$T/log")"
done_testing
