#!/bin/bash
# df on the tree reports the storage behind each directory: shm/ (and the
# root, and proc/) /dev/shm's own size and inodes; mq/ the queue count
# against fs.mqueue.queues_max as inodes, 0 blocks (as the mqueue fs).
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"

mount_ipcfs
[ -d /dev/shm ] || skip_all "no /dev/shm"
figures() { stat -f -c '%S %b %c' "$1"; }
is "$(figures "$M/shm")" "$(figures /dev/shm)" "shm/: /dev/shm's block size, blocks and inodes"
is "$(figures "$M")" "$(figures /dev/shm)" "the mount point: the same"
is "$(figures "$M/proc")" "$(figures /dev/shm)" "proc/: the same"
like "$(df -P "$M" | tail -n 1)" "^ipcfs +[1-9][0-9]* " "df shows a size for the mount"

max=$(cat /proc/sys/fs/mqueue/queues_max)
is "$(stat -f -c '%b' "$M/mq")" 0 "mq/: no blocks, as the mqueue fs"
before=$(stat -f -c '%c %d' "$M/mq")
total=${before% *}
[ "$total" -ge "$max" ] && pass "mq/: inodes are queues_max (or the count, if root passed it)" ||
	fail "mq/: inodes are queues_max" "got $total, queues_max $max"
q=statfs$$
mkdir "$M/mq/$q"
on_exit "rmdir '$M/mq/$q' 2>/dev/null"
after=$(stat -f -c '%d' "$M/mq")
is "$after" "$((${before#* } - 1))" "a new queue takes one free inode"
rmdir "$M/mq/$q"
is "$(stat -f -c '%d' "$M/mq")" "${before#* }" "and rmdir gives it back"
done_testing
