# TAP helpers and a real ipcfs mount for the shell tests.  Source it, call
# mount_ipcfs [OPTIONS...], then assert with ok/is/like/errno_is, and end
# with done_testing.  The mount lives in a fresh mkdtemp directory and is
# always unmounted, also when the test fails or is killed.  Without
# /dev/fuse or fusermount3 the test is skipped with exit 77.
# shellcheck shell=bash

set -u
TESTS_SRC=${TESTS_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
IPCFS=${IPCFS:-$TESTS_SRC/../build/ipcfs}
HELPERS=${HELPERS:-$TESTS_SRC/../build/tests}
_tap_n=0
_tap_failed=0
# Under ASan the test's own helper programs must not get ASan's SIGSEGV,
# SIGBUS and SIGFPE handlers (they would show in proc/PID/caught), nor
# LeakSanitizer, which cannot run in a process whose real and effective
# ids differ (the setuid callers of the security tests); the server keeps
# them all.
SERVER_ASAN_OPTIONS=${ASAN_OPTIONS:-}
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}handle_segv=0:handle_sigbus=0:handle_sigfpe=0:detect_leaks=0"
M=
SERVER=
_cleanup_hooks=()

pass() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1"; }
fail() {
	_tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $1"
	[ $# -gt 1 ] && printf '#   %s\n' "${@:2}"
	return 0
}
# ok DESCRIPTION COMMAND...: passes when COMMAND succeeds.
ok() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d" "command failed: $*"; fi; }
# is GOT WANT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then pass "$3"; else fail "$3" "got:  '$1'" "want: '$2'"; fi
}
# like GOT REGEX DESCRIPTION
like() {
	if [[ $1 =~ $2 ]]; then pass "$3"; else fail "$3" "got:  '$1'" "want: /$2/"; fi
}
# errno_is WANT DESCRIPTION fsop-ARGS...: runs the fsop probe, expects
# its "STEP: ENAME" line to end in WANT (or "ok N" when WANT is ok).
errno_is() {
	local want=$1 d=$2 got; shift 2
	got=$("$HELPERS/fsop" "$@" 2>&1 | tail -n 1)
	if [ "$want" = ok ]; then
		like "$got" '^ok ' "$d"
	else
		like "$got" ": $want\$" "$d"
	fi
}
# Under valgrind (IPCFS_WRAPPER) the server runs without pidfds: valgrind
# 3.19 does not know those syscalls, so it falls back to /proc polling and
# cannot learn the status of a process its parent reaps at once.
NO_PIDFD=
case ${IPCFS_WRAPPER:-} in *valgrind*) NO_PIDFD=1 ;; esac
# fate_is GOT WANT DESCRIPTION: like is, for a `wait` line.
fate_is() {
	if [ -n "$NO_PIDFD" ] && [ "$1" = unknown ]; then
		pass "# SKIP $3 (no pidfd under valgrind: status unknown)"
	else
		is "$@"
	fi
}
skip_all() { echo "1..0 # SKIP $1"; exit 77; }
# need_root WHY: skips the test (WHY is the reason) unless it runs as root.
need_root() { [ "$(id -u)" = 0 ] || skip_all "$1"; }
# need_cmd CMD...: skips the test ("no CMD") unless every CMD is at hand.
need_cmd() {
	local c
	for c in "$@"; do command -v "$c" >/dev/null || skip_all "no $c"; done
}
# need_fuse: skips the test without /dev/fuse or fusermount3.
need_fuse() {
	[ -c /dev/fuse ] || skip_all "no /dev/fuse"
	need_cmd fusermount3
}
bail() { echo "Bail out! $1"; exit 1; }
# Ends the test: unmounts (checking the server's exit and its log for
# sanitizer reports), then prints the plan.
done_testing() {
	_cleanup
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}
diag() { printf '# %s\n' "$@"; }

# Runs at exit: test hooks first (they may need the mount), the last one
# given first, as atexit(3) does (a hook may need what an earlier one
# removes, such as the helper copies), then unmount.
# Only in the test's own shell: a child forked for `cmd &` runs our traps
# until it execs cmd, and a signal meant for cmd landing in that instant
# (a busy machine makes it wide) must not tear the test down.
_main_pid=$BASHPID
on_exit() { _cleanup_hooks+=("$1"); }
# _on_signal NAME: the test ends (exit 1, cleaning up); a child that has
# not exec'd yet dies of the signal as the program it was to run would.
_on_signal() {
	if [ "$BASHPID" != "$_main_pid" ]; then
		trap - "$1"
		kill -s "$1" "$BASHPID"
	fi
	exit 1
}
_cleanup() {
	[ "$BASHPID" = "$_main_pid" ] || return 0
	# hooks run in this function's scope: its own names must not be theirs
	local _hooks=("${_cleanup_hooks[@]}") _hook_n
	_cleanup_hooks=()
	for ((_hook_n = ${#_hooks[@]} - 1; _hook_n >= 0; _hook_n--)); do
		eval "${_hooks[$_hook_n]}" || true
	done
	# Children of the test (sleepers, blocked readers) must not outlive it.
	local kids k
	kids=$(jobs -p)
	for k in $kids; do
		[ "$k" = "$SERVER" ] || kill -9 "$k" 2>/dev/null
	done
	umount_ipcfs
}

# mounted DIR: a FUSE file system is mounted on DIR (field 5 of mountinfo).
mounted() {
	awk -v d="$1" '$5 == d { sub(/.* - /, ""); print $1 }' /proc/self/mountinfo |
		grep -q '^fuse'
}

# _mount_settled: the tree answers, or its server is gone.
_mount_settled() {
	{ mounted "$M" && [ -e "$M/signals" ]; } || ! kill -0 "$SERVER" 2>/dev/null
}
# _server_gone: the server process has ended.
_server_gone() { ! kill -0 "$SERVER" 2>/dev/null; }

# mount_ipcfs [OPTIONS...]: mounts in the foreground mode in a new temp dir,
# sets M and SERVER, waits (up to WAIT_SECONDS) until the tree answers.
# drop_copied_fuse_mounts: for a test that runs in a mount namespace of
# its own (unshare -m), before it mounts anything there.  The namespace
# began as a copy of every mount, other tests' FUSE mounts among them,
# and a copy keeps a file system alive: a test running beside this one
# would unmount its tree and wait in vain for its server to exit until
# this namespace ends.  So the copies go at once (lazily: nothing here
# uses them).
drop_copied_fuse_mounts() {
	local d
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break }
		$(i + 1) ~ /^fuse($|\.|blk$)/ { print $5 }' /proc/self/mountinfo |
		while IFS= read -r d; do
			umount -l "$(printf '%b' "$d")" 2>/dev/null
		done
}

# logged_since LINE TEXT: the server's log has TEXT after its line LINE.
logged_since() { tail -n +"$(($1 + 1))" "$M.log" | grep -q -- "$2"; }
# server_state: the line the server logs on SIGUSR1 ("state: N nodes, ...").
server_state() {
	local from
	from=$(wc -l <"$M.log")
	kill -USR1 "$SERVER"
	wait_for logged_since "$from" "state: " || return 1
	tail -n +"$((from + 1))" "$M.log" | grep -m 1 "state: "
}

mount_ipcfs() {
	need_fuse
	[ -x "$IPCFS" ] || bail "no server at $IPCFS"
	M=$(mktemp -d "${TMPDIR:-/tmp}/ipcfs-test.XXXXXX")
	chmod 755 "$M"
	trap _cleanup EXIT
	trap '_on_signal INT' INT
	trap '_on_signal TERM' TERM
	# IPCFS_WRAPPER runs the server under valgrind in the checked runs;
	# IPCFS_OPTS adds -o options to every mount (a suite run again).
	ASAN_OPTIONS=$SERVER_ASAN_OPTIONS ${IPCFS_WRAPPER:-} "$IPCFS" -f ${IPCFS_OPTS:+-o "$IPCFS_OPTS"} "$@" "$M" 2>"$M.log" &
	SERVER=$!
	wait_for _mount_settled
	if mounted "$M" && [ -e "$M/signals" ]; then return 0; fi
	cat "$M.log" >&2
	bail "mount did not come up"
}

umount_ipcfs() {
	[ -n "$M" ] || return 0
	if mounted "$M"; then
		fusermount3 -u "$M" 2>/dev/null || fusermount3 -uz "$M" 2>/dev/null || umount -l "$M" 2>/dev/null
	fi
	if [ -n "$SERVER" ]; then
		local st killed=
		wait_for _server_gone
		if kill -0 "$SERVER" 2>/dev/null; then
			# Say where it is stuck before killing it.
			local t
			for t in /proc/"$SERVER"/task/*; do
				diag "thread ${t##*/}: $(tr -d '\0' <"$t/wchan" 2>/dev/null)" \
					"$(sed 's/^/    /' "$t/stack" 2>/dev/null)"
			done
			command -v gdb >/dev/null &&
				timeout 20 gdb -p "$SERVER" -batch -ex 'thread apply all bt' 2>/dev/null |
				grep -E '^(#|Thread)' | sed 's/^/#   /'
			kill -9 "$SERVER"
			killed=1
		fi
		wait "$SERVER" 2>/dev/null; st=$?
		if [ -z "${SERVER_CRASH_EXPECTED:-}" ]; then
			if [ -n "$killed" ]; then
				fail "the server exits by itself after the unmount"
			else
				is "$st" 0 "the server exits 0 after the unmount"
			fi
		fi
	fi
	if grep -qE 'Sanitizer|runtime error:|ERROR SUMMARY: [1-9]|definitely lost: [1-9]' "$M.log" 2>/dev/null; then
		fail "the server log is free of sanitizer and valgrind reports"
	fi
	if [ -s "$M.log" ]; then diag "server log:"; sed 's/^/#   /' "$M.log"; fi
	rm -f "$M.log"
	rmdir "$M" 2>/dev/null
	M=
	SERVER=
}

# server_threads: how many threads the server runs now.  It has three
# whatever the load (the loop, the notifier, the bulk reader:
# docs/design.md), never one per request: SERVER_THREADS.
SERVER_THREADS=3
server_threads() { awk '/^Threads:/ { print $2 }' "/proc/$SERVER/status"; }
server_alive() { kill -0 "$SERVER" 2>/dev/null && [ -e "$M/signals" ]; }

# How long a wait for a state gives up after: a hang detector, not a
# performance bound (every wait ends as soon as its state holds), so it is
# generous enough for a machine whose cores are busy with other work.
WAIT_SECONDS=${IPCFS_WAIT_SECONDS:-60}
[ -z "$NO_PIDFD" ] || WAIT_SECONDS=$((WAIT_SECONDS * 4))

# wait_for CMD...: retries CMD until it succeeds, for up to WAIT_SECONDS.
wait_for() {
	local end=$((SECONDS + WAIT_SECONDS))
	while :; do
		"$@" && return 0
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# parked PID: the process waits for the answer to a FUSE read or write
# (syscall 0 or 1), not to its open or anywhere on its way there.
parked() {
	grep -q 'request_wait_answer' "/proc/$1/wchan" 2>/dev/null &&
		[[ $(cat "/proc/$1/syscall" 2>/dev/null) =~ ^[01]\  ]]
}
# polling PID: the process sleeps in poll(2) (or select).
polling() { grep -q 'poll_schedule_timeout' "/proc/$1/wchan" 2>/dev/null; }
# all_parked PID...: every one of them is parked.
all_parked() { local p; for p in "$@"; do parked "$p" || return 1; done; }
# in_fuse PID: the process (or one of its threads) waits for the answer
# to any FUSE request (open, read, write...).
in_fuse() {
	grep -q 'request_wait_answer' "/proc/$1"/task/*/wchan 2>/dev/null
}

# cat_parked OUT FILE: `cat FILE >OUT` in the background, and waits until
# its read is parked in the server; PARKED is its pid.
cat_parked() {
	cat "$2" >"$1" &
	PARKED=$!
	wait_for parked "$PARKED"
}

# scratch_dir [MODE]: sets T to a fresh directory of this test's, removed
# (without crossing into a mount below it) when the test ends; MODE (such
# as 755) when another user must reach it.
scratch_dir() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/ipcfs-scratch.XXXXXX") ||
		bail "cannot make a scratch directory"
	[ $# -eq 0 ] || chmod "$1" "$T"
	on_exit "rm -rf --one-file-system '$T'"
}

# NOBODY CMD... (as "${NOBODY[@]}" CMD...) or as_nobody CMD...: runs CMD
# as uid and gid 65534 with no supplementary groups.
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
as_nobody() { "${NOBODY[@]}" "$@"; }

# reachable_copy PROG...: copies PROGs into a directory of this test's
# that every user can reach (mode 0755, removed at exit) and prints
# their new paths, one a line.  What a test runs as another user (uid
# 65534) must come from there: a clone in a 0700 directory, such as
# root's home, is out of that user's reach.  The directory is named
# after the test's shell ($$, the same in a command substitution) and
# made with mkdir, which fails on anything already there that is not
# ours.
_reach_dir=${TMPDIR:-/tmp}/ipcfs-reach.$$
on_exit '[ ! -d "$_reach_dir" ] || rm -rf "$_reach_dir"'
trap _cleanup EXIT
reachable_copy() {
	local p
	if ! { [ -d "$_reach_dir" ] && [ ! -L "$_reach_dir" ] && [ -O "$_reach_dir" ]; }; then
		mkdir -m 755 "$_reach_dir" || bail "reachable_copy: cannot make $_reach_dir"
	fi
	for p in "$@"; do
		{ cp "$p" "$_reach_dir/" && chmod 755 "$_reach_dir/${p##*/}"; } ||
			bail "reachable_copy: cannot copy $p"
		echo "$_reach_dir/${p##*/}"
	done
}

# Monotonic milliseconds.
now_ms() { local t; read -r t _ </proc/uptime; echo $(( ${t/./} * 10 )); }

# start_logged FILE CMD...: runs CMD in the background with its stdout and
# stderr in FILE; sets LOGGED_PID.  The helpers print "ready PID" first.
# CMD keeps the caller's stdin (<&0: without a redirection of its own, a
# background command of a script reads /dev/null).
start_logged() {
	local f=$1; shift
	# Emptied here, not by the job's own redirection: that one runs in
	# the child, maybe only after the caller's first line_of has already
	# counted an earlier helper's lines in the same file and then reads
	# the file just emptied (an empty "ready" PID, seen on a busy box).
	: >"$f" || return 1
	"$@" >>"$f" 2>&1 <&0 &
	LOGGED_PID=$!
}
# line_of FILE N: waits (up to WAIT_SECONDS) for line N of FILE and
# prints it.
_has_line() { [ "$(wc -l <"$1")" -ge "$2" ]; }
line_of() {
	wait_for _has_line "$1" "$2" || return 1
	sed -n "$2p" "$1"
}
# helper_pid FILE: the PID of a helper's "ready PID" first line.
helper_pid() { local l; l=$(line_of "$1" 1) && echo "${l##* }"; }

# fuse_for_users: a plain user may open /dev/fuse (Debian gives it mode
# 0666; a machine or container that has it 0600 gets 0666 until the test
# ends).  For tests that run a server as another user.
fuse_for_users() {
	local mode
	mode=$(stat -c %a /dev/fuse) || return 1
	[ "$mode" = 666 ] && return 0
	chmod 666 /dev/fuse || return 1
	on_exit "chmod $mode /dev/fuse"
}
