# Shared by the shm mount tests: sources the project's TAP and mount
# helpers, finds our helper programs, gives each test unique object names
# (with $$) and removes them from /dev/shm when the test ends, whatever
# happens.  Source it, then mount_ipcfs as usual.
# shellcheck shell=bash

SHM_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "${TESTS_SRC:-$SHM_TESTS/..}/lib.sh"
SH=${SHM_HELPERS:-$HELPERS/shm}
[ -x "$SH/shmop" ] || bail "no shm helpers in $SH"

# shm_name TAG: a name no other test run uses ("ipcfs-test-PID-TAG").
# Everything of this test in /dev/shm (by that prefix, also sem.*, .copy,
# .moved...) is removed when the test ends.
shm_name() { echo "ipcfs-test-$$-$1"; }
_shm_cleanup() {
	rm -f /dev/shm/ipcfs-test-$$-* /dev/shm/sem.ipcfs-test-$$-*
}
on_exit _shm_cleanup

# shmop ARGS...: the probe's last line ("ok ..." or "STEP: ENAME").
shmop() { "$SH/shmop" "$@" 2>&1 | tail -n 1; }

# Bytes of a file as hex, to compare binary content in messages.
hexof() { od -An -tx1 -v "$1" | tr -d ' \n'; }

# shm_io: the I/O mode a mount made now must give shm files:
# "passthrough" when not turned off (-o nopassthrough in IPCFS_OPTS) and
# the kernel can (Linux 6.9 or later, built with FUSE_PASSTHROUGH when the
# config is readable) and the server may (CAP_SYS_ADMIN, the 21st
# capability bit, in the initial user namespace: whose uid_map is whole); else "cached".
shm_io() {
	local caps v
	case ",${IPCFS_OPTS:-}," in *,nopassthrough,*) echo cached; return ;; esac
	caps=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
	if (( (0x${caps:-0} >> 21) & 1 )) &&
		[ "$(awk '{ print $1, $2, $3 }' /proc/self/uid_map)" = "0 0 4294967295" ]; then
		v=$(uname -r)
		v=${v%%-*}
		if [ "${v%%.*}" -gt 6 ] || { [ "${v%%.*}" -eq 6 ] && [ "$(echo "$v" | cut -d. -f2)" -ge 9 ]; }; then
			if ! [ -r /proc/config.gz ] || zgrep -q '^CONFIG_FUSE_PASSTHROUGH=y' /proc/config.gz; then
				echo passthrough
				return
			fi
		fi
	fi
	echo cached
}

# shm_mount [OPTIONS...]: mount_ipcfs, and unmount (before lib.sh's exit
# handler kills leftover jobs, the server among them) when the test ends.
shm_mount() {
	mount_ipcfs "$@"
	S=$M/shm
	on_exit umount_ipcfs
}

# shm_done: the server must have survived everything, must exit 0 when
# unmounted (under valgrind: with no error found) and leave the objects
# where they are, then the TAP plan.
shm_done() {
	local i rc=0 kept
	ok "the server is still alive" server_alive
	kept=$(shm_name kept)
	printf kept >"$S/$kept"
	fusermount3 -u "$M"
	for i in $(seq 400); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.05; done
	wait "$SERVER" || rc=$?
	is "$rc" 0 "the server exits 0 when unmounted"
	is "$(cat "/dev/shm/$kept" 2>&1)" kept "objects outlive the server"
	SERVER=
	done_testing
}

# mapper_start TAG OBJ [ARGS...]: a live mapping of OBJ in a process of
# its own, driven line by line through fifos; sets MAP_TAG_in/out fds.
# Its first answer ("ready SIZE" or an error) is in MAPPER_READY.
mapper_start() {
	local tag=$1 dir; shift
	dir=$(mktemp -d)
	mkfifo "$dir/in" "$dir/out"
	"$SH/mapper" "$@" <"$dir/in" >"$dir/out" &
	eval "${tag}_pid=$!"
	eval "exec {${tag}_in}>\"$dir/in\" {${tag}_out}<\"$dir/out\""
	rm -r "$dir"
	read -r MAPPER_READY <&"$(eval echo "\$${tag}_out")"
}

# mapper TAG COMMAND: one command to a mapper, its one-line answer.
mapper() {
	local in out line
	in=$(eval echo "\$${1}_in")
	out=$(eval echo "\$${1}_out")
	echo "$2" >&"$in"
	read -r line <&"$out"
	echo "$line"
}

# mapper_stop TAG: ends a mapper (its mapping goes away: munmap).
mapper_stop() {
	local in out
	in=$(eval echo "\$${1}_in")
	out=$(eval echo "\$${1}_out")
	echo q >&"$in"
	eval "exec ${in}>&- ${out}<&-"
	wait "$(eval echo "\$${1}_pid")"
}

# shm_nobody_tools: copies shmop where uid 65534 can run it (the clone
# may be in a 0700 directory); sets NOBODY_SHMOP.
shm_nobody_tools() {
	NOBODY_SHMOP=$(reachable_copy "$SH/shmop") ||
		bail "cannot copy shmop where uid 65534 reaches it"
}
