# Shared by the listing benchmarks (proc/proc_list.sh, mq/mq_list.sh):
# `ls -l` of the tree's directory against the kernel's own, cold and
# warm, in interleaved rounds.  Source it after lib.sh; LIST_PIN may hold
# a command prefix (taskset -c N) for every ls.
# shellcheck shell=bash
LIST_PIN=()

# list_ms DIR: microseconds of one `ls -l DIR`
list_ms() {
	local t0 t1
	t0=$(date +%s%N)
	"${LIST_PIN[@]}" ls -l "$1" >/dev/null 2>&1
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000))
}
# list_cold DIR: the same after the kernel dropped its dentries and inodes
# (drop_caches: the tree's nodes are forgotten too)
list_cold() { sync; echo 2 >/proc/sys/vm/drop_caches; list_ms "$1"; }

# median of the numbers on stdin
list_median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# list_rounds ROUNDS TREE_DIR KERNEL_DIR OUT: ROUNDS rounds, each a cold
# then a warm listing of both (the kernel's first); OUT.cold and OUT.warm
# get a line "TREE_US KERNEL_US" a round.
list_rounds() {
	local r k i
	: >"$4.cold" && : >"$4.warm"
	for r in $(seq "$1"); do
		k=$(list_cold "$3") i=$(list_cold "$2")
		echo "$i $k" >>"$4.cold"
		k=$(list_ms "$3") i=$(list_ms "$2")
		echo "$i $k" >>"$4.warm"
	done
}

# list_report COUNT OUT: a table row per kind: the medians in ms and the
# median of the per-round ratios
list_report() {
	local kind mi mk mr
	for kind in cold warm; do
		mi=$(awk '{ print $1 }' "$2.$kind" | list_median)
		mk=$(awk '{ print $2 }' "$2.$kind" | list_median)
		mr=$(awk '{ print $1 / $2 }' "$2.$kind" | list_median)
		printf '%-8s %-5s %10.1f %12.1f %7.2fx\n' "$1" "$kind" \
			"$(awk -v v="$mi" 'BEGIN { print v / 1000 }')" \
			"$(awk -v v="$mk" 'BEGIN { print v / 1000 }')" "$mr"
	done
}
