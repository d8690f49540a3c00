#!/bin/bash
# Big reads of shm files through the page cache (-o nopassthrough) are
# answered by the bulk worker thread, not by the loop, so that signals
# and messages never wait behind a MiB being copied: the server's SIGUSR1
# line counts them.  The data is exactly the object's, also with several
# readers at once and small reads (which stay on the loop) in between;
# every signal sent meanwhile arrives; and a server stopped while big
# reads are in flight still exits cleanly.  Always -o nopassthrough: with
# passthrough no read reaches the server at all.
. "${TESTS_SRC:-$(dirname "$0")/..}/shm/shmlib.sh"

shm_mount -o nopassthrough
scratch_dir
x=$(shm_name bulk)
head -c $((24 << 20)) /dev/urandom >"/dev/shm/$x" || bail "cannot make /dev/shm/$x"
want=$(md5sum <"/dev/shm/$x")

# bulk_counts: "WORKER LOOP" from the server's state line
bulk_counts() {
	server_state | sed -n 's/.*; \([0-9]*\) bulk reads by the worker, \([0-9]*\) on the loop.*/\1 \2/p'
}

read -r w0 l0 <<<"$(bulk_counts)"
is "$(dd if="$S/$x" bs=1M status=none | md5sum)" "$want" "a read in 1 MiB requests gives the object's bytes"
read -r w1 l1 <<<"$(bulk_counts)"
diag "bulk reads by the worker: $w0 -> $w1, on the loop: $l0 -> $l1"
ok "the big reads were answered by the bulk worker ($((w1 - w0)))" test "$((w1 - w0))" -ge 8

# Four readers at once, and a stream of signals to a process meanwhile.
start_logged "$T/target" "$HELPERS/sigval" 0 "$(kill -l USR1)"
target=$(helper_pid "$T/target")
on_exit "kill $target 2>/dev/null"
pids=()
for i in 1 2 3 4; do
	(dd if="$S/$x" bs=1M status=none | md5sum >"$T/sum.$i") &
	pids+=($!)
done
sent=0
for i in $(seq 200); do
	echo USR1 >"$M/proc/$target/signal" && sent=$((sent + 1))
done
for p in "${pids[@]}"; do wait "$p"; done
same=0
for i in 1 2 3 4; do [ "$(cat "$T/sum.$i")" = "$want" ] && same=$((same + 1)); done
is "$same" 4 "four readers at once each read the object's bytes"
is "$sent" 200 "every signal written meanwhile is accepted"
ok "and the process has USR1 pending" \
	bash -c "grep -qw USR1 '$M/proc/$target/pending'"

# Small reads stay on the loop, at any offset, with the right bytes.
small_ok=0
for off in 0 4095 1048575 $(((24 << 20) - 100)); do
	got=$(dd if="$S/$x" bs=100 count=1 skip="$off" iflag=skip_bytes status=none | od -An -tx1 | tr -d ' \n')
	exp=$(dd if="/dev/shm/$x" bs=100 count=1 skip="$off" iflag=skip_bytes status=none | od -An -tx1 | tr -d ' \n')
	[ -n "$got" ] && [ "$got" = "$exp" ] && small_ok=$((small_ok + 1))
done
is "$small_ok" 4 "small reads at four offsets give the object's bytes"
is "$(dd if="$S/$x" bs=1M skip=24 status=none | wc -c)" 0 "a read at the end gives EOF"

# Stopping the server while big reads are in flight: the worker answers
# what it has queued before the files close, and the server exits 0.
ok "the server is still alive" server_alive
read -r w2 _ <<<"$(bulk_counts)"
(for i in 1 2 3 4 5 6 7 8; do dd if="$S/$x" bs=1M status=none >/dev/null; done) 2>/dev/null &
reader=$!
worker_busy() { [ "$(bulk_counts | cut -d' ' -f1)" -gt "$((w2 + 2))" ]; }
wait_for worker_busy || bail "the worker took no read"
kill -TERM "$SERVER"
wait_for _server_gone
rc=0
wait "$SERVER" || rc=$?
SERVER=
is "$rc" 0 "SIGTERM while big reads are in flight: the server exits 0"
wait "$reader" 2>/dev/null
pass "and the reader ends"
unmounted() { ! mounted "$M"; }
wait_for unmounted
ok "the tree is unmounted" unmounted
done_testing
