#!/bin/bash
# `ls -l` of a big directory costs one request per batch of entries, not a
# LOOKUP per entry: the server answers READDIRPLUS for proc/ with each
# entry's node and attributes.  mq/ and shm/ entries carry no node (a
# queue's node holds a descriptor of it, which a mere `ls` must not
# cost; shm objects are never cached): a plain `ls mq/` leaves the
# server's descriptors as they were.  Each entry it hands out
# counts as one lookup of its node, as a LOOKUP's would: once the kernel
# forgets them all (drop_caches), the server holds no node of them
# (SIGUSR1's state line), and every name still answers right after a
# plus listing (the same inode numbers as a plain one, no ESTALE).
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"

scratch_dir
pre=rdp$$
N=40
for i in $(seq $N); do mq_track "$pre-$i"; done
on_exit "rm -f /dev/shm/$pre-*"

mount_ipcfs -d
kids=()
for i in $(seq 300); do sleep 1000 & kids+=($!); done
on_exit 'kill "${kids[@]}" 2>/dev/null'
for i in $(seq $N); do
	mkdir "$M/mq/$pre-$i,maxmsg=1,msgsize=16" || bail "mkdir mq/$pre-$i"
	: >"$M/shm/$pre-$i" || bail "creating shm/$pre-$i"
done

# requests OP DIR: how many OP requests `ls -l DIR` made, from the debug log
requests() {
	local from
	from=$(wc -l <"$M.log")
	ls -l "$2" >"$T/list" || return 1
	tail -n +"$((from + 1))" "$M.log" | grep -c "opcode: $1 "
}
# nodes the server holds, from its state line
state_nodes() { server_state | sed -n 's/.*state: \([0-9]*\) nodes.*/\1/p'; }
drop() { sync; echo 2 >/proc/sys/vm/drop_caches; }

# Queues made by another program, not through the tree: no node yet.
for i in $(seq 10); do
	mq_track "$pre-x$i"
	"$MQH/mq_crt" "/$pre-x$i" 1 16 >/dev/null || bail "mq_crt /$pre-x$i"
done
wait_for bash -c "[ \$(ls '$M/mq' | grep -c -- '^$pre-x') = 10 ]"
fds_before=$(ls "/proc/$SERVER/fd" | wc -l)
ls "$M/mq" >/dev/null
ls "$M/mq" >/dev/null
is "$(ls "/proc/$SERVER/fd" | wc -l)" "$fds_before" "ls mq/ holds no descriptor of the queues it lists"

[ "$(id -u)" = 0 ] && drop
base=$(state_nodes)
diag "nodes before any listing: $base"
for d in proc; do
	[ "$(id -u)" = 0 ] && drop
	plus=$(requests READDIRPLUS "$M/$d")
	[ "$(id -u)" = 0 ] && drop
	lookups=$(requests LOOKUP "$M/$d")
	entries=$(($(wc -l <"$T/list") - 1))
	diag "ls -l $d/: $entries entries, $plus READDIRPLUS, $lookups LOOKUP"
	ok "ls -l $d/ is answered by READDIRPLUS ($plus)" test "$plus" -ge 1
	ok "and makes no LOOKUP per entry ($lookups for $entries entries)" \
		test "$lookups" -le 8
done
listed=0
ls -ln "$M/proc" >"$T/procs"
for k in "${kids[@]}"; do
	awk -v k="$k" -v u="$(id -u)" '$NF == k && $3 == u { f = 1 } END { exit !f }' \
		"$T/procs" && listed=$((listed + 1))
done
is "$listed" 300 "ls -l proc/ lists all 300 processes, each owned by us"
for i in 1 2 3; do head -c $((i * 1000)) /dev/zero >"/dev/shm/$pre-$i"; done
is "$(ls -l "$M/shm" | awk -v p="$pre-" 'index($NF, p) == 1 && $5 > 0 { print $NF, $5 }' | sort)" \
	"$(printf '%s\n' "$pre-1 1000" "$pre-2 2000" "$pre-3 3000")" \
	"ls -l shm/ shows the sizes another program just set"
mq_listed=$(ls -l "$M/mq" | grep -c " $pre-")
is "$mq_listed" "$((N + 10))" "ls -l mq/ lists all $((N + 10)) queues"

# The nodes a plus listing handed out answer as a LOOKUP's would.
ino_plain=$("$HELPERS/lsino" "$M/shm" | sort)
ino_stat=$(for i in $(seq $N); do stat -c "%i $pre-$i" "$M/shm/$pre-$i"; done | sort)
ok "shm/ inode numbers from a plus listing are those stat gives" \
	test "$(grep -F " $pre-" <<<"$ino_plain")" = "$ino_stat"
ok "every queue directory answers after the listing" \
	bash -c 'for i in $(seq '"$N"'); do cat "'"$M"'/mq/'"$pre"'-$i/maxmsg" >/dev/null || exit 1; done'

if [ "$(id -u)" = 0 ]; then
	held=$(state_nodes)
	diag "nodes after the listings: $held"
	ok "the listings' nodes are held while the kernel knows them ($held)" \
		test "$held" -gt $((base + 300))
	drop
	wait_for test "$(state_nodes)" -le $((base + 5))
	after=$(state_nodes)
	ok "once the kernel forgets them, the server holds none ($base -> $held -> $after)" \
		test "$after" -le $((base + 5))
else
	pass "# SKIP the node count needs root (drop_caches)"
	pass "# SKIP the node count needs root (drop_caches)"
fi
for i in $(seq $N); do rmdir "$M/mq/$pre-$i"; rm -f "$M/shm/$pre-$i"; done
done_testing
