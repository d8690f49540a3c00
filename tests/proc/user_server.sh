#!/bin/bash
# The server run by a plain user (uid 65534): it lists every process, and
# every file of another user's process works as /proc's do (state,
# caught, wait), because liveness never depends on the right to signal;
# only a write to signal is refused, with EPERM.  Debian gives /dev/fuse
# mode 0666; a machine that has it 0600 gets that mode for the test's
# duration.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"

need_root "needs root to run the server as uid 65534"
need_cmd setpriv
need_fuse

T=$(mktemp -d)
chmod 755 "$T"
# What uid 65534 runs must be where it can reach it (a clone may be 0700).
UIPCFS=$(reachable_copy "$IPCFS") && UFSOP=$(reachable_copy "$HELPERS/fsop") ||
	bail "cannot copy the server where uid 65534 reaches it"
mkdir "$T/m"
chown 65534:65534 "$T/m"
fuse_for_users
on_exit "fusermount3 -u '$T/m' 2>/dev/null; rm -rf --one-file-system '$T'"
M=$T/m

# A root process in a session of its own (no SIGCONT exception).  A
# background job of this shell is no group leader, so setsid(1) execs
# in place and $! is the sleeper itself (other tests on the machine may
# run sleepers of their own: never look it up by name).
setsid sleep 1000 &
victim=$!
is "$(ps -o sid= -p "$victim" | tr -d ' ')" "$victim" "the victim leads a session of its own"
wait_for grep -q '^State:.*S' "/proc/$victim/status"

as_nobody "$UIPCFS" "$M" 2>"$T/log"; rc=$?
is "$rc" 0 "uid 65534 mounts the tree"
# (the mount is uid 65534's alone: root gets EACCES on it)
wait_for as_nobody test -r "$M/signals"
is "$(as_nobody cat "$M/proc/$victim/state")" sleeping "root's process: state"
is "$(as_nobody cat "$M/proc/1/state")" sleeping "pid 1: state"
like "$(as_nobody cat "$M/proc/$victim/caught")" '^$|^[A-Z]' "root's process: caught"
like "$(as_nobody cat "$M/proc/$victim/pending")" '^$|^[A-Z]' "pending"
ok "proc/ lists root's process" bash -c "as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups \"\$@\"; }; as_nobody ls '$M/proc' | grep -qx '$victim'"
is "$(setsid -w setpriv --reuid=65534 --regid=65534 --clear-groups "$UFSOP" write "$M/proc/$victim/signal" 'TERM\n' 2>&1 | tail -n 1)" \
	"open: EPERM" "a write to root's signal: EPERM"
ok "root's process lives on" kill -0 "$victim"
# setpriv, not the function: $! must be the reader itself.
setpriv --reuid=65534 --regid=65534 --clear-groups cat "$M/proc/$victim/wait" >"$T/fate" &
reader=$!
ok "wait on root's process parks" wait_for parked "$reader"
kill -TERM "$victim"
wait "$reader"
is "$(cat "$T/fate")" "killed TERM" "and reports its fate"
fusermount3 -u "$M"
ok "unmounted" wait_for bash -c "! pgrep -f '^$UIPCFS $M' >/dev/null"
[ -s "$T/log" ] && diag "server log:" "$(cat "$T/log")"
done_testing
