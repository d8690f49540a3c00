#!/bin/bash
# Listing and looking up processes costs the server no file descriptor:
# a process is pinned (a pidfd) only while a file under proc/PID, or the
# directory itself, is open, so the server's fds are bounded by open files,
# not by the processes on the machine.  A name looked up without a pin
# still names only its process: after a reap and a reuse of the number,
# nothing reaches the new process through it.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"
need_root "counts the server's fds in /proc/PID/fd"
mount_ipcfs
scratch_dir

server_fds() { ls "/proc/$SERVER/fd" | wc -l; }

# Idle: after a first listing, which opens the server's one /proc fd.
ls -l "$M/proc" >/dev/null
idle=$(server_fds)
diag "server fds when idle: $idle"

n=2000
pids=()
for i in $(seq $n); do sleep 1000 & pids+=($!); done
all_there() { local p; for p in "${pids[@]}"; do [ -d "/proc/$p" ] || return 1; done; }
wait_for all_there
ls -l "$M/proc" >"$T/list" 2>"$T/err"; rc=$?
# Other programs' processes may end between ls's readdir and its lstat,
# as with /proc itself: such a complaint is fine, any other is not.
vanished() {
	local l p
	while IFS= read -r l; do
		p=$(expr "$l" : ".*/proc/\([0-9]*\)'") || return 1
		[ ! -d "/proc/$p" ] || return 1
	done <"$T/err"
}
ok "ls -l proc/ with $n more processes succeeds (rc $rc)" \
	test "$rc" = 0 -o "$rc" = 1
ok "and complains only of processes that ended meanwhile" vanished
listed() { local p; for p in "${pids[@]}"; do grep -q " $p\$" "$T/list" || return 1; done; }
ok "it lists every one of them" listed
after=$(server_fds)
diag "server fds after ls -l of $n more processes: $after"
ok "no fd per listed process ($idle -> $after)" test "$after" -le $((idle + 4))

# Open files hold one pin per process, and only while open.
fds=()
for p in "${pids[@]:0:20}"; do
	exec {fd}<"$M/proc/$p/wait"
	fds+=("$fd")
done
exec {dirfd}<"$M/proc/${pids[20]}"
held=$(server_fds)
diag "with 20 wait files and a directory open: $held"
ok "an open file or directory pins its process ($held)" \
	test "$held" -ge $((idle + 21)) -a "$held" -le $((idle + 25))
# two opens of one process share its pin
exec {twice}<"$M/proc/${pids[0]}/state"
is "$(server_fds)" "$held" "a second open of one process takes no other fd"
exec {twice}<&-
for fd in "${fds[@]}"; do exec {fd}<&-; done
exec {dirfd}<&-
# the 8 pins closed last are kept (PIN_CACHE in proc.c), no more
unpinned() { [ "$(server_fds)" -le $((idle + 4 + 8)) ]; }
ok "the pins go with the last close, but for the 8 kept" wait_for unpinned
# a signal loop to one process keeps one pin, not one per write
before=$(server_fds)
for i in $(seq 50); do echo 0 >"$M/proc/${pids[30]}/signal"; done
after=$(server_fds)
ok "50 signal writes to one process keep one pin ($before -> $after)" \
	test "$after" -le $((before + 1))

kill -9 "${pids[@]}"
wait "${pids[@]}" 2>/dev/null
pids=()

# A name the kernel still holds (the shell's cwd, so no new lookup of
# it) whose process is reaped and its pid reused: an open through it
# reaches nothing, and a fresh lookup finds the new process.  The reuse is
# made at least one clock tick after the old process started: the start
# time, in ticks, is what tells the two apart (proc.c, pidobj_probe).
tick=$(getconf CLK_TCK)
start_of() { awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$1/stat"; }
now_ticks() { awk -v t="$tick" '{ printf "%d\n", $1 * t }' /proc/uptime; }
if [ -w /proc/sys/kernel/ns_last_pid ]; then
	sleep 1000 & old=$!
	old_start=$(start_of "$old")
	cd "$M/proc/$old" || bail "cannot enter proc/$old"
	kill -9 "$old"; wait "$old" 2>/dev/null
	later() { [ "$(now_ticks)" -gt $((old_start + 1)) ]; }
	wait_for later
	new=
	for try in 1 2 3 4 5; do
		echo $((old - 1)) >/proc/sys/kernel/ns_last_pid
		start_logged "$T/reuse" "$HELPERS/catch" USR1 INT
		new=$(helper_pid "$T/reuse")
		[ "$new" = "$old" ] && break
		kill -9 "$new"
	done
	if [ "$new" = "$old" ]; then
		# ESRCH from the pin if the kernel still trusts the name of
		# "signal", ENOENT if it asked again (its 1 s timeout ran out)
		got=$("$HELPERS/fsop" write signal 'USR1\n' 2>&1 | tail -n 1)
		like "$got" ": (ESRCH|ENOENT)\$" "pid $old reused: an open through the old name reaches nothing ($got)"
		cd "$T" || bail "cannot leave the mount"
		reaches_new() { echo INT 2>/dev/null >"$M/proc/$new/signal"; }
		ok "a fresh lookup of proc/$new reaches the new process" wait_for reaches_new
		is "$(line_of "$T/reuse" 2)" "Caught: Interrupt" "which got INT, and not USR1"
		kill -9 "$new"
	else
		cd "$T" || bail "cannot leave the mount"
		pass "# SKIP could not get pid $old reused"
		pass "# SKIP"
		pass "# SKIP"
	fi
else
	pass "# SKIP ns_last_pid is not writable"
fi
ok "server still alive" server_alive
umount_ipcfs
done_testing
