#!/bin/bash
# Every inode number under the tree is unique, across the root's entries,
# proc/, mq/ and shm/ (tools such as find, du, tar, rsync and cp -a take
# two files of one number for hard links): with many queues and shm
# objects made, stat of every path gives no number twice, and a listing's
# d_ino equals stat's st_ino.  The old overlap of the queue and shm ranges
# (queue inode Q's directory == shm inode Q << 16) needs a tmpfs inode
# number of 65536 times an mqueue one, out of reach of a test: it is shown
# in unit/inum.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"

MQH=$HELPERS/mq
for h in mq_crt mq_unl; do [ -x "$MQH/$h" ] || bail "no helper $MQH/$h"; done
[ -x "$HELPERS/lsino" ] || bail "no helper $HELPERS/lsino"
ulimit -q unlimited 2>/dev/null || true
N=${INODE_UNIQUE_N:-300}
NQ=${INODE_UNIQUE_QUEUES:-64} # queues: 37 numbers each (see below)
pre=iu$$
T=$(mktemp -d)
# What the test made goes also when it fails (the mount may be gone).
_iu_cleanup() {
	local i
	for i in $(seq "$NQ"); do "$MQH/mq_unl" "/$pre-$i" 2>/dev/null; done
	rm -f /dev/shm/"$pre"-*
	rm -rf "$T"
}
on_exit _iu_cleanup

mount_ipcfs
kids=()
for i in $(seq 10); do sleep 1000 & kids+=($!); done
on_exit 'kill "${kids[@]}" 2>/dev/null'

# fs.mqueue.queues_max (256 by default) binds root too without
# CAP_SYS_RESOURCE, and is the whole machine's: take no more than a
# quarter of what is free, so that other programs (and tests beside this
# one) still make theirs.
free=$(stat -f -c %d "$M/mq")
[ "$NQ" -gt $((free / 4)) ] && NQ=$((free / 4))
[ "$NQ" -ge 20 ] || skip_all "only $free more queues allowed (fs.mqueue.queues_max)"
diag "$NQ queues, $N shm objects"
made_q=0 made_s=0
for i in $(seq "$N"); do
	if [ "$i" -le "$NQ" ]; then
		"$MQH/mq_crt" "/$pre-$i" 1 8 && made_q=$((made_q + 1))
	fi
	: >"$M/shm/$pre-$i" && made_s=$((made_s + 1))
done
is "$made_q" "$NQ" "$NQ queues made"
is "$made_s" "$N" "$N shm objects made through shm/"

# ino<TAB>path of every path of the tree, by stat (newlines in names of
# other programs' objects become '?').  Objects in /dev/shm that are not
# ours are left out: another program may hard-link them, and two names
# of one object rightly share a number.
find "$M" -print0 2>/dev/null | xargs -0 stat --printf '%i\t%n\0' 2>/dev/null |
	tr '\n\0' '?\n' |
	awk -F'\t' -v shm="$M/shm/" -v ours="$M/shm/$pre-" \
		'index($2, shm) != 1 || index($2, ours) == 1' >"$T/stat"
total=$(wc -l <"$T/stat")
diag "$total paths stat'ed"
is "$(grep -c "	$M/mq/$pre-" "$T/stat")" "$((NQ * 37))" \
	"every queue directory and its 36 files were stat'ed"
is "$(grep -c "	$M/shm/$pre-" "$T/stat")" "$N" "every shm object was stat'ed"
is "$(awk -F'\t' -v d="$M/proc/${kids[0]}" '$2 == d || index($2, d "/") == 1' "$T/stat" | wc -l)" 8 \
	"a process and its 7 files were stat'ed"
is "$(awk -F'\t' -v m="$M" '$2 == m || $2 == m "/signals" || $2 == m "/proc" ||
	$2 == m "/mq" || $2 == m "/shm" || $2 == m "/proc/self"' "$T/stat" | wc -l)" 6 \
	"the root, its entries and proc/self were stat'ed"
cut -f1 "$T/stat" | sort | uniq -d >"$T/dups"
is "$(wc -l <"$T/dups")" 0 "no inode number is reported for two paths"
head -n 5 "$T/dups" | while read -r ino; do
	diag "$ino: $(awk -F'\t' -v i="$ino" '$1 == i { printf "%s ", $2 }' "$T/stat")"
done
is "$(cut -f1 "$T/stat" | grep -c '^0$')" 0 "no inode number is 0"

# listed_as_stat DIR FILTER: each entry of DIR whose name matches FILTER
# (an ERE; "." and ".." always) lists the d_ino that stat gives it.
# Prints "checked mismatches".
listed_as_stat() {
	local dir=$1 filter=$2 ino name path st checked=0 bad=0
	while read -r ino name; do
		case $name in
		.) path=$dir ;;
		..) [ "$dir" = "$M" ] && continue; path=$dir/.. ;;
		*) [[ $name =~ $filter ]] || continue; path=$dir/$name ;;
		esac
		st=$(stat -c %i "$path" 2>/dev/null) || continue # gone meanwhile
		checked=$((checked + 1))
		if [ "$st" != "$ino" ]; then
			bad=$((bad + 1))
			diag "$path: listed $ino, stat $st" >&2
		fi
	done < <("$HELPERS/lsino" "$dir")
	echo "$checked $bad"
}
kid_re="^($(IFS='|'; echo "${kids[*]}"))\$"
is "$(listed_as_stat "$M" '.')" "5 0" "the root: listing == stat"
is "$(listed_as_stat "$M/proc" "^self\$|$kid_re")" "13 0" "proc/: listing == stat"
is "$(listed_as_stat "$M/proc/${kids[0]}" '.')" "9 0" "proc/PID/: listing == stat"
is "$(listed_as_stat "$M/mq" "^$pre-")" "$((NQ + 2)) 0" "mq/: listing == stat"
is "$(listed_as_stat "$M/mq/$pre-1" '.')" "38 0" "mq/QUEUE/: listing == stat"
is "$(listed_as_stat "$M/shm" "^$pre-")" "$((N + 2)) 0" "shm/: listing == stat"
a=$(stat -c %i "$M/mq/$pre-7")
is "$(stat -c %i "$M/mq/$pre-7")" "$a" "a queue keeps its number from one stat to the next"

gone_q=0 gone_s=0
for i in $(seq "$N"); do
	if [ "$i" -le "$NQ" ]; then
		rmdir "$M/mq/$pre-$i" && gone_q=$((gone_q + 1))
	fi
	rm "$M/shm/$pre-$i" && gone_s=$((gone_s + 1))
done
is "$gone_q $gone_s" "$NQ $N" "every queue and shm object removed through the tree"
is "$(ls /dev/shm | grep -c "^$pre-")" 0 "none is left in /dev/shm"
is "$(ls "$M/mq" | grep -c "^$pre-")" 0 "none is left in mq/"
done_testing
