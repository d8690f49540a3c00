#!/bin/bash
# A listing resumed at any offset a client presents (lseek on the open
# directory, as telldir/seekdir or an attacker would) returns exactly the
# entries after that point, and costs no rescan: proc/ seeks /proc
# straight to the pid (its offsets are pid + 3), mq/ and shm/ seek their
# real directories to their own offsets.  The cost is counted, not timed:
# with -d the server says how many entries each readdir read from the
# kernel.
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"

scratch_dir
pre=rs$$
for i in $(seq 30); do mq_track "$pre-$i"; done
on_exit "rm -f /dev/shm/$pre-*"
lsoff() { "$HELPERS/lsoff" "$@"; }

mount_ipcfs -d
# Processes that stay put while we list.
kids=()
for i in $(seq 20); do sleep 1000 & kids+=($!); done
on_exit 'kill "${kids[@]}" 2>/dev/null'
sorted=$(printf '%s\n' "${kids[@]}" | sort -n)
lo=$(head -n 1 <<<"$sorted")
mid=$(sed -n 10p <<<"$sorted")
hi=$(tail -n 1 <<<"$sorted")

first=$(lsoff "$M/proc" 0 3 | awk '{ print $2 }' | tr '\n' ' ')
is "$first" ". .. self " "from 0: ., .., self"
is "$(lsoff "$M/proc" 2 1 | awk '{ print $2 }')" self "from 2: self"
p=$(lsoff "$M/proc" 3 1)
ok "from 3: the first process, at offset pid + 3 ($p)" test "${p%% *}" = $((${p#* } + 3))
full=$(lsoff "$M/proc" 0 | awk 'NR > 3 { print $2 }')
ok "a full listing has every child" test "$(grep -cxFf <(echo "$sorted") <<<"$full")" = 20
ok "in increasing pid order" test "$full" = "$(sort -n <<<"$full")"

# resume after each of a few pids, and between pids
for at in "$lo" "$mid" "$hi"; do
	got=$(lsoff "$M/proc" $((at + 3)) | awk '{ print $2 }')
	want=$(awk -v p="$at" '$1 > p' <<<"$sorted")
	# shellcheck disable=SC2046,SC2116 # echo joins the lines
	is "$(echo $(grep -xFf <(echo "$sorted") <<<"$got"))" "$(echo $want)" \
		"resumed after pid $at: exactly the children after it"
	is "$(awk -v p="$at" '$1 <= p' <<<"$got" | wc -l)" 0 "and nothing at or before it"
done
got=$(lsoff "$M/proc" $((mid + 2)) | awk '{ print $2 }' | head -n 1)
is "$got" "$mid" "an offset of pid + 2 resumes at that pid"
is "$(lsoff "$M/proc" 4194307 | wc -l)" 0 "past PID_MAX_LIMIT: the end"
is "$(lsoff "$M/proc" 9223372036854775000 | wc -l)" 0 "a huge offset: the end, no overflow"

# The cost: the attack of the review seeks far and reads, again and again.
scans() { grep -c "^ipcfs: readdir of 3 at $1:" "$M.log"; }
scanned() { sed -n "s/^ipcfs: readdir of 3 at $1: \([0-9]*\) entries.*/\1/p" "$M.log" | tail -n 1; }
for i in $(seq 5); do lsoff "$M/proc" $((hi + 3)) >/dev/null; done
wait_for test "$(scans $((hi + 3)))" -ge 5
n=$(scanned $((hi + 3)))
after=$(lsoff "$M/proc" $((hi + 3)) | wc -l)
all=$(lsoff "$M/proc" 3 | wc -l)
diag "a readdir after the last child read $n entries; $all processes in all"
# (other programs' processes may come and go meanwhile: some slack)
ok "a readdir resumed after the last child reads only what follows ($n <= $after + 16)" \
	test "$n" -le $((after + 16))
ok "the server never read /proc's other entries (no full scan)" \
	test "$(scanned $((hi + 3)))" -lt "$all"

# mq/: the mqueue file system's offsets
for i in $(seq 30); do "$MQH/mq_crt" "/$pre-$i" 1 16 0600 || bail "mq_crt"; done
full=$(lsoff "$M/mq" 0)
ok "mq/ lists the 30 queues" test "$(grep -c " $pre-" <<<"$full")" = 30
bad=0
for k in 3 10 17 25 31; do
	off=$(sed -n "${k}p" <<<"$full" | awk '{ print $1 }')
	[ "$(lsoff "$M/mq" "$off")" = "$(tail -n +$((k + 1)) <<<"$full")" ] ||
		{ bad=$((bad + 1)); diag "mq/ from $off differs"; }
done
is "$bad" 0 "mq/ resumed at 5 offsets: exactly the rest of the listing"

# shm/: tmpfs's own offsets
for i in $(seq 30); do printf x >"/dev/shm/$pre-$i"; done
full=$(lsoff "$M/shm" 0)
ok "shm/ lists the 30 objects" test "$(grep -c " $pre-" <<<"$full")" = 30
bad=0
for k in 2 9 16 24 30; do
	off=$(sed -n "${k}p" <<<"$full" | awk '{ print $1 }')
	[ "$(lsoff "$M/shm" "$off")" = "$(tail -n +$((k + 1)) <<<"$full")" ] ||
		{ bad=$((bad + 1)); diag "shm/ from $off differs"; }
done
is "$bad" 0 "shm/ resumed at 5 offsets: exactly the rest of the listing"
kill "${kids[@]}" 2>/dev/null
done_testing
