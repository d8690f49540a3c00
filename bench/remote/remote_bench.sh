#!/bin/bash
# Remote against local, side by side in one run: a second "machine" (a
# network namespace with its own mount namespace, sshd on its loopback,
# see tests/remote/remotelib.sh) mounts this machine's ipcfs with sshfs.
# Times, per operation, a signal write (open+write+close of
# proc/PID/signal) and a send+receive round trip (mq/Q/5 then mq/Q/next),
# here and through sshfs with the recommended options (and two others),
# in alternating rounds, all on one CPU (BENCH_CPU, default 0; "none":
# unpinned); prints the medians and the remote/local ratios.
# Asserts nothing about time.  Skips (77) where the test would.
# shellcheck source-path=SCRIPTDIR source=../../tests/lib.sh
. "$TESTS_SRC/lib.sh"
# shellcheck source=../../tests/remote/remotelib.sh
. "$TESTS_SRC/remote/remotelib.sh"
RTB=$BENCH_BUILD/remote/rtbench
ROUNDS=${BENCH_ROUNDS:-11}
NL=${BENCH_N_LOCAL:-1000}
NR=${BENCH_N_REMOTE:-100}

[ -x "$RTB" ] || bail "no $RTB"
# Everything (ipcfs, sshd, sshfs, ssh, the clients) on one CPU, as in
# SPEC's measured notes: unpinned, wake-ups across this VM's two CPUs
# make the local times jump between about 25 and 90 us from run to run.
# BENCH_CPU=none leaves the scheduler free.
CPU=${BENCH_CPU:-0}
[ "$CPU" = none ] || taskset -pc "$CPU" $$ >/dev/null || bail "taskset failed"
remote_prereqs
# shellcheck disable=SC2119
mount_ipcfs
# The target ignores USR1: every signal is really sent, nothing dies.
bash -c 'trap "" USR1; exec sleep 900' &
target=$!
on_exit "kill $target"
Q=rb$$
mkdir "$M/mq/$Q"
on_exit "rmdir $M/mq/$Q"
remote_up
REC=direct_io,sshfs_sync,max_conns=4,dir_cache=no,reconnect
declare -A OPTS=([rec]="$REC" [cached]="direct_io,sshfs_sync,reconnect" [async]="direct_io,reconnect")
for m in rec cached async; do
	remote_mount "$m" root "${OPTS[$m]}" || bail "sshfs ($m) did not mount"
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
declare -A S=() Q_=()
# sample KEY CMD...: runs one timing (a median of its operations), keeps
# it in S[KEY] and in this round's R_[KEY].
declare -A R_=()
sample() {
	local k=$1 v
	shift
	v=$("$@") || bail "timing failed: $k"
	[ -n "$v" ] || bail "no timing: $k"
	S[$k]+="$v "
	R_[$k]=$v
}
# The shell's own way: echo USR1 > signal in a bash loop, us per signal.
# shellcheck disable=SC2016
LOOP='t0=$(date +%s%N); for ((i = 0; i < $2; i++)); do echo USR1 >"$1"; done
	echo $(( ($(date +%s%N) - t0) / $2 / 1000 ))'
# Rounds alternate local and remote timings; each remote/local ratio is
# taken within its round (the load of this shared machine drifts).
for _ in $(seq "$ROUNDS"); do
	R_=()
	sample sig.local "$RTB" signal "$M/proc/$target/signal" "$NL"
	sample rt.local "$RTB" roundtrip "$M/mq/$Q" $((NL / 2))
	sample sh.local bash -c "$LOOP" _ "$M/proc/$target/signal" $((NL / 4))
	for m in rec cached async; do
		sample "sig.$m" R "$RTB" signal "${RMNT[$m]}/proc/$target/signal" "$NR"
		sample "rt.$m" R "$RTB" roundtrip "${RMNT[$m]}/mq/$Q" $((NR / 2))
	done
	sample sh.rec R bash -c "$LOOP" _ "${RMNT[rec]}/proc/$target/signal" $((NR / 2))
	for k in "${!R_[@]}"; do
		case $k in *.local) continue ;; esac
		Q_[$k]+="$(ratio "${R_[$k]}" "${R_[${k%%.*}.local]}") "
	done
done

med() { tr ' ' '\n' <<<"$1" | grep . | median; }
range() { tr ' ' '\n' <<<"$1" | grep . | sort -g | sed -n '1p;$p' | tr '\n' ' ' | awk '{ print $1 "-" $2 }'; }
echo "# remote: sshfs over ssh on 127.0.0.1 in another network namespace; CPU: $CPU"
echo "# microseconds per operation, median of $ROUNDS rounds (each the median of its operations);"
echo "# ratio: median (and range) of the rounds' remote/local ratios"
printf '%-34s %-44s %8s %8s %6s %s\n' "operation" "sshfs options" "local" "remote" "ratio" "range"
row() {
	printf '%-34s %-44s %8s %8s %5sx %s\n' "$1" "${OPTS[$3]%,reconnect}" \
		"$(med "${S[$2.local]}")" "$(med "${S[$2.$3]}")" "$(med "${Q_[$2.$3]}")" "$(range "${Q_[$2.$3]}")"
}
for m in rec cached async; do row "signal write (open+write+close)" sig "$m"; done
for m in rec cached async; do row "send + receive (5, then next)" rt "$m"; done
row "bash: echo USR1 > signal" sh rec
echo "signal ratio (recommended options): $(med "${Q_[sig.rec]}")x"
echo "round-trip ratio (recommended options): $(med "${Q_[rt.rec]}")x"
