#!/bin/bash
# Head-of-line blocking: the latency of a signal write (open+write+close
# of proc/PID/signal) while another client reads a 256 MiB shm object
# through a -o nopassthrough mount in 1 MiB requests, against the same
# with the reader stopped, in interleaved rounds (hol.c).  Issue 13's
# goal: busy p99 <= 2x idle p99.  Asserts nothing about time.
. "${TESTS_SRC:?}/lib.sh"
B=${BENCH_BUILD:?}/shm
MB=${SHM_HOL_MB:-256}
ROUNDS=${SHM_HOL_ROUNDS:-7}
N=${SHM_HOL_N:-2000}

mount_ipcfs -o nopassthrough
obj=ipcfs-hol-$$
on_exit "rm -f /dev/shm/$obj"
dd if=/dev/zero of="/dev/shm/$obj" bs=1M count="$MB" status=none ||
	bail "cannot make /dev/shm/$obj"
# The target blocks USR1: every signal is really sent and stays pending.
start_logged "$M.target" "$HELPERS/sigval" 0 "$(kill -l USR1)"
target=$(helper_pid "$M.target")
on_exit "kill $target"
echo "machine: $(nproc) CPUs, $(uname -r); ${MB} MiB object, -o nopassthrough"
"$B/hol" "$M/proc/$target/signal" "$M/shm/$obj" "$ROUNDS" "$N" ||
	bail "hol failed"
