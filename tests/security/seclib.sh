# Shared by the security tests: sources tests/lib.sh, skips (77) unless
# root with setpriv and unshare at hand, copies the helper programs the
# attackers run into a fresh 0755 directory (a clone may sit in a 0700
# one that uid 65534 cannot reach), and gives the callers' credentials as
# command prefixes:
#   NOBODY  uid and gid 65534, no supplementary groups
#   USERNS  NOBODY in a user namespace of its own (unshare -Ur): uid 0
#           there with a full CapEff, all of it worthless outside
#   PIDNS   the same in a pid namespace of its own with its own /proc
#   NOCAPS  uid 0, gid 1234, no capability at all (empty effective,
#           permitted, inheritable, ambient and bounding sets)
# try/tally count attempts and refusals ("refused N/N").
# shellcheck shell=bash
. "${TESTS_SRC:-$(dirname "${BASH_SOURCE[0]}")/..}/lib.sh"

need_root "needs root to act as other users"
need_cmd setpriv unshare
[ -c /dev/fuse ] || skip_all "no /dev/fuse"
trap _cleanup EXIT

B=$(mktemp -d "${TMPDIR:-/tmp}/ipcfs-sec.XXXXXX")
chmod 755 "$B"
on_exit "rm -rf '$B'"
for h in "$HELPERS/fsop" "$HELPERS/catch" "$HELPERS/mq/mq_fsop" \
	 "$HELPERS/mq/mq_crt" "$HELPERS/mq/mq_unl" "$HELPERS/shm/shmop" \
	 "$HELPERS/aiowrite" "$HELPERS/security/attack" \
	 "$HELPERS/security/lat"; do
	[ -x "$h" ] || bail "no helper $h"
	cp "$h" "$B/"
done
chmod 755 "$B"/*

USERNS=("${NOBODY[@]}" unshare -Ur)
PIDNS=("${NOBODY[@]}" unshare -Urpf --mount-proc)
NOCAPS=(setpriv --reuid=0 --regid=1234 --clear-groups --inh-caps=-all
	--ambient-caps=-all --bounding-set=-all)
"${NOBODY[@]}" true 2>/dev/null || skip_all "setpriv cannot switch to uid 65534"
# An older setpriv has no --ambient-caps (nor an ambient set to clear).
"${NOCAPS[@]}" true 2>/dev/null ||
	NOCAPS=(setpriv --reuid=0 --regid=1234 --clear-groups --inh-caps=-all --bounding-set=-all)
[ "$("${NOCAPS[@]}" awk '/^CapEff:/ { print $2 }' /proc/self/status 2>/dev/null)" = 0000000000000000 ] ||
	skip_all "setpriv cannot drop every capability"
# need_ns: user and pid namespaces may be made by uid 65534 here.
need_ns() {
	"${USERNS[@]}" true 2>/dev/null || skip_all "uid 65534 may not make a user namespace (unshare -Ur)"
	"${PIDNS[@]}" true 2>/dev/null || skip_all "uid 65534 may not make a pid namespace (unshare -Urpf --mount-proc)"
}

# try WANT CMD...: one attack (bounded to 20 s unless a function), which must fail with errno WANT (the last
# line of its output ends in ": WANT"); counted in tried and refused, and
# a mismatch is kept for tally to show.
tried=0 refused=0 wrong=()
try() {
	local want=$1 got; shift
	tried=$((tried + 1))
	if declare -F "$1" >/dev/null; then
		got=$("$@" 2>&1 </dev/null | tail -n 1)
	else
		got=$(timeout 20 "$@" 2>&1 </dev/null | tail -n 1)
	fi
	if [[ $got == *": $want" ]]; then
		refused=$((refused + 1))
	else
		wrong+=("${*: -3}: got '$got', want $want")
	fi
}
# tally DESCRIPTION: every attempt since the last tally was refused.
tally() {
	is "refused $refused/$tried" "refused $tried/$tried" "$1"
	[ ${#wrong[@]} -eq 0 ] || diag "${wrong[@]:0:12}"
	tried=0 refused=0 wrong=()
}

# second_server: a disposable ipcfs (its own mount, -o allow_other) to be
# the target of TERM and KILL, so that a missing fix cannot take the
# test's own mount down.  Sets M2 and S2; unmounted at exit.
_second=()
second_server() {
	M2=$(mktemp -d "${TMPDIR:-/tmp}/ipcfs-target.XXXXXX")
	chmod 755 "$M2"
	"$IPCFS" -f -o allow_other "$M2" 2>"$M2.log" &
	S2=$!
	_second+=("$S2:$M2")
	local i
	for i in $(seq 200); do
		mounted "$M2" && [ -e "$M2/signals" ] && return 0
		sleep 0.05
	done
	bail "the second server did not come up"
}
second_alive() { kill -0 "$1" 2>/dev/null && [ -e "$2/signals" ]; }
_second_cleanup() {
	local s p m i
	for s in "${_second[@]}"; do
		p=${s%%:*} m=${s#*:}
		mounted "$m" && { fusermount3 -u "$m" 2>/dev/null || umount -l "$m"; }
		for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
		kill -9 "$p" 2>/dev/null
		rm -f "$m.log"
		rmdir "$m" 2>/dev/null
	done
	_second=()
	return 0
}
on_exit _second_cleanup

# server_rss PID / server_fds PID: resident kB and open descriptors.
server_rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
server_fds() { ls "/proc/$1/fd" | wc -l; }

# mq_state QDIR / shm_state FILE: everything that must not change.
mq_state() {
	local f s=
	for f in curmsgs maxmsg msgsize; do s+="$(cat "$1/$f") "; done
	echo "$s$(stat -c '%u %g %a' "$1")"
}
shm_state() { echo "$(stat -c '%u %g %a %s' "$1") $(md5sum <"$1")"; }

# sec_mount [OPTIONS...]: an allow_other mount (every test here attacks as
# another user) and the test's names: T, a scratch directory uid 65534 can
# reach, removed at exit; Q and S, prefixes of its queues and shm objects.
sec_mount() {
	mount_ipcfs -o allow_other "$@"
	scratch_dir 755
	Q=sec$$
	S=ipcfs-sec-$$
}

# plain_ok DESCRIPTION TEST-ARGS...: an assertion on the server's resident
# memory or its latency, which means something only for a plain build:
# ASan's quarantine and shadow, and valgrind, keep what the server frees
# and slow every request several times.
plain_ok() {
	local d=$1; shift
	if ldd "$IPCFS" 2>/dev/null | grep -q libasan || [ -n "${IPCFS_WRAPPER:-}" ]; then
		pass "# SKIP $d (a sanitized server's figures)"
	else
		ok "$d" test "$@"
	fi
}
