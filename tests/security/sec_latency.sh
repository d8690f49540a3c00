#!/bin/bash
# Finding 8: one user's stream of expensive requests must not slow the
# others down.  uid 65534 loops lseek(0) + getdents64 over proc/, then
# over shm/ holding 20,000 objects (a huge listing), from two processes
# (at nice 19), while root's everyday operations run: `echo 0 >
# proc/$$/signal`, `ls proc`, `cat shm/x`, a send and a receive
# (tests/security/lat.c, 500 rounds each, idle before, three times under
# attack, idle after).  Asserted in counts, which a busy machine does not
# change (there, time and even how many attacker calls end while one of
# root's operations runs measure only the scheduler):
#  - every operation of root's works under attack, all 500 rounds, and
#    the attackers are served too (no error, their calls go on);
#  - cost: no directory read scans more than 512 entries of the kernel's
#    (one reply holds about 100), however big the directory (when what
#    it holds is listed: the server skips what it does not show, such
#    as other files in /dev/shm, without a cap): a listing
#    resumes where it stopped and never rereads the directory, so each
#    request of root's waits behind at most one bounded call of each
#    attacker (the kernel queues requests in arrival order and the
#    server answers them so);
#  - the server's RSS and fd count return to their baseline (within 2 MB
#    and 2 fds) after the attackers exit.
# The times, and the attacker calls that ended during each operation,
# are printed (p50 p99 max each, and the operation's system calls), to be
# read beside the idle ones.
. "${TESTS_SRC:-$(dirname "$0")/..}/security/seclib.sh"
sec_mount
ROUNDS=${SEC_LAT_ROUNDS:-500}
on_exit "'$B/mq_unl' /${Q}v 2>/dev/null; rm -f /dev/shm/$S-*"
mkdir -m 600 "$M/mq/${Q}v,maxmsg=10,msgsize=64"
head -c 4096 /dev/urandom >"/dev/shm/$S-x"
# the attackers' shared call counter, which the probe reads
head -c 4096 /dev/zero >"/dev/shm/$S-count"
chmod 666 "/dev/shm/$S-count"
export LAT_COUNTER=/dev/shm/$S-count
chmod 600 "/dev/shm/$S-x"
probe=("$HELPERS/security/lat" "$ROUNDS" "$M/proc/$$/signal" "$M/proc" "$M/shm/$S-x" "$M/mq/${Q}v")

"${probe[@]}" >/dev/null # warm up: lookups cached, pages faulted in
rss0=$(server_rss "$SERVER") fds0=$(server_fds "$SERVER")

# calls_so_far: the attackers' getdents64 calls, in all
calls_so_far() { od -An -tu8 -N8 "$LAT_COUNTER" | tr -d ' '; }
# phase DIR: two attackers loop over DIR while the probe runs.
phase() {
	local dir=$1 tag=${1#"$M"/} i p a a0 b most idle idle2 apids=()
	idle=$("${probe[@]}")
	ok "$tag: idle every operation works" test "$(echo "$idle" | wc -l)" = 5
	diag "$tag idle (us p50 p99 max, attacker calls p50 p99 max, calls): ${idle//$'\n'/; }"
	for i in 1 2; do
		ATTACK_COUNTER=$LAT_COUNTER nice -n 19 "${NOBODY[@]}" \
			"$B/attack" getdents "$dir" 100000000 >"$T/atk$i" 2>&1 &
		apids+=($!)
	done
	# The attack is on when both attackers are inside getdents64 (217).
	attacking() {
		local p c n=0
		for p in "${apids[@]}"; do
			for c in $(pgrep -P "$p") "$p"; do
				[ "$(cut -d' ' -f1 "/proc/$c/syscall" 2>/dev/null)" = 217 ] && { n=$((n + 1)); break; }
			done
		done
		[ "$n" -eq 2 ]
	}
	ok "$tag: the attackers are reading it over and over" wait_for attacking
	a0=$(calls_so_far)
	# three rounds under attack
	for i in 1 2 3; do
		b=$(timeout 300 "${probe[@]}")
		ok "$tag: under attack every operation works (round $i)" test "$(echo "$b" | wc -l)" = 5
		diag "$tag under attack, round $i: ${b//$'\n'/; }"
	done
	for p in "${apids[@]}"; do pkill -9 -P "$p"; kill -9 "$p"; done 2>/dev/null
	wait "${apids[@]}" 2>/dev/null
	is "$(cat "$T/atk1" "$T/atk2")" "" "$tag: the attackers got no error (served, only fairly)"
	idle2=$("${probe[@]}")
	diag "$tag idle again: ${idle2//$'\n'/; }"
	a=$(($(calls_so_far) - a0))
	ok "$tag: the attackers went on listing meanwhile ($a calls)" test "$a" -gt 0
	# what one directory read cost the server at most
	most=$(server_state | sed -n 's/.*at most \([0-9]*\) by one.*/\1/p')
	plain_ok "$tag: no directory read scanned more than 512 entries (at most ${most:-?})" \
		"${most:-999999999}" -le 512
}
phase "$M/proc"
# A huge listing: 20,000 shm objects (empty files in /dev/shm).
for i in $(seq 20000); do : >"/dev/shm/$S-l$i"; done
phase "$M/shm"
rm -f /dev/shm/"$S"-l*

wait_for bash -c "[ \$(ls /proc/$SERVER/fd | wc -l) -le $((fds0 + 2)) ]"
rss1=$(server_rss "$SERVER") fds1=$(server_fds "$SERVER")
ok "after the attack the server's fds are back ($fds0, now $fds1)" test "$fds1" -le $((fds0 + 2))
plain_ok "and its RSS ($rss0, now $rss1 kB)" "$rss1" -le $((rss0 + 2048))
is "$(cat "$M/mq/${Q}v/curmsgs")" 0 "every message sent was received"
ok "the server is alive" server_alive
done_testing
