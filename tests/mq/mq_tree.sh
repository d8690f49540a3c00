#!/bin/bash
# The mq/ tree: queues made or removed by other programs (mq_open,
# mq_unlink, or the mqueue file system itself) appear and disappear at
# once; mkdir creates with the mkdir mode and the mount's default
# attributes or those of 'NAME,maxmsg=N,msgsize=N'; rmdir removes even a
# non-empty queue; chmod and chown act on the queue; a queue removed and
# made again is a new object (open files keep the old one).
. "${TESTS_SRC:-$(dirname "$0")/..}/mq/mqlib.sh"

mount_ipcfs
Q=tree$$
mq_track "$Q" "${Q}b" "${Q}c" "${Q}d" "${Q}e"
D=$M/mq/$Q
V=$(mktemp -d)
on_exit "umount '$V' 2>/dev/null; rmdir '$V'"
have_view=false
mount -t mqueue mqueue "$V" 2>/dev/null && have_view=true

is "$(stat -c %A "$M/mq")" drwxrwxrwt "mq/ is 1777 like /dev/mqueue"

# ---- other programs' queues appear and disappear at once (a queue's name
# is looked up on every path walk).  The files' attributes follow other
# programs' chmod through inotify and the notifier thread, microseconds
# later; a server slowed down by valgrind (IPCFS_WRAPPER) gets a moment.
at_once() { if [ -z "${IPCFS_WRAPPER:-}" ]; then "$@"; else wait_for "$@"; fi; }
misses=0
for i in $(seq 50); do
	"$MQH/mq_crt" "/${Q}b" 2 64
	test -d "$M/mq/${Q}b" || misses=$((misses + 1))
	ls "$M/mq" | grep -qxF "${Q}b" || misses=$((misses + 1))
	"$MQH/mq_unl" "/${Q}b"
	test -e "$M/mq/${Q}b" && misses=$((misses + 1))
	ls "$M/mq" | grep -qxF "${Q}b" && misses=$((misses + 1))
done
is "$misses" 0 "50 x mq_open/mq_unlink by C: seen and gone at once, by name and in ls"
if $have_view; then
	touch "$V/${Q}c"
	ok "a queue made through the mqueue file system appears" test -d "$M/mq/${Q}c"
	chmod 640 "$V/${Q}c"
	modes() { test "$(stat -c %A "$M/mq/${Q}c") $(stat -c %A "$M/mq/${Q}c/next")" = "drwxr-x--- -r--r-----"; }
	ok "its chmod shows at once" at_once modes
	rm "$V/${Q}c"
	ok "rm in the mqueue file system: gone" test ! -e "$M/mq/${Q}c"
else
	diag "no mqueue mount for the cross-checks"
fi

# ---- mkdir: mode, owner, the mount's defaults (here the system's)
(umask 027; mkdir "$D")
is "$(stat -c '%A %U %G' "$D")" "drwxr-x--- root root" "mkdir under umask 027: queue rw-r-----, dir drwxr-x---"
is "$(stat -c '%A' "$D/next") $(stat -c '%A' "$D/3") $(stat -c '%A' "$D/maxmsg")" \
	"-r--r----- --w------- -r--r--r--" "next: its read bits, priorities: its write bits"
$have_view && is "$(stat -c %a "$V/$Q")" 640 "the queue itself is 0640"
is "$(cat "$D/maxmsg") $(cat "$D/msgsize")" \
	"$(cat /proc/sys/fs/mqueue/msg_default) $(cat /proc/sys/fs/mqueue/msgsize_default)" \
	"no -o: the system's default attributes"
op_is EEXIST "mkdir of an existing queue: EEXIST" mkdir "$D"

# ---- chmod, chown, touch act on the queue
chmod 600 "$D"
is "$(stat -c %A "$D") $(stat -c %A "$D/next")" "drwx------ -r--------" "chmod 600"
$have_view && is "$(stat -c %a "$V/$Q")" 600 "the queue is 0600"
chmod 755 "$D"
is "$(stat -c %A "$D")" drwxr-xr-x "chmod 755: the queue is rw-r--r--"
chown 65534:65534 "$D"
is "$(stat -c '%u %g' "$D")" "65534 65534" "chown"
$have_view && is "$(stat -c '%u %g' "$V/$Q")" "65534 65534" "the queue changed owner"
touch -d '2001-02-03 04:05:06' "$D"
is "$(stat -c %y "$D" | cut -c1-19)" "2001-02-03 04:05:06" "touch sets the queue's times"

# ---- rmdir removes even a non-empty queue
printf 'x' >"$D/1"
ok "rmdir of a queue holding a message" rmdir "$D"
ok "it is gone" test ! -e "$D"
ok "for C programs too" bash -c "! '$MQH/mq_rec' -n '/$Q' >/dev/null 2>&1"

# ---- mkdir 'NAME,maxmsg=N,msgsize=N'
ok "mkdir 'Q,maxmsg=4,msgsize=100'" mkdir "$D,maxmsg=4,msgsize=100"
is "$(cat "$D/maxmsg") $(cat "$D/msgsize")" "4 100" "has its own attributes"
is "$(ls "$M/mq" | grep -c "^$Q")" 1 "ls shows the queue's name only"
ok "the spec name stands for the queue while it exists (mkdir -m chmods it)" \
	test -d "$D,maxmsg=4,msgsize=100"
op_is EEXIST "mkdir 'Q,maxmsg=2' of an existing Q: EEXIST" mkdir "$D,maxmsg=2"
ok "msgsize= alone" mkdir "$M/mq/${Q}d,msgsize=32"
is "$(cat "$M/mq/${Q}d/maxmsg") $(cat "$M/mq/${Q}d/msgsize")" \
	"$(cat /proc/sys/fs/mqueue/msg_default) 32" "the other from the defaults"
rmdir "$M/mq/${Q}d"

# ---- a name made again by another program leads to the new queue at once
"$MQH/mq_crt" "/${Q}e" 2 64
"$MQH/mq_snd" "/${Q}e" 1 first
is "$(cat "$M/mq/${Q}e/next")" first "a C program's queue, read through the tree"
"$MQH/mq_unl" "/${Q}e"
"$MQH/mq_crt" "/${Q}e" 2 64
"$MQH/mq_snd" "/${Q}e" 1 second
is "$(timeout 60 cat "$M/mq/${Q}e/next")" second "removed and made again by C: the tree reads the new one at once"
"$MQH/mq_unl" "/${Q}e"

# ---- a queue made again is a new object
printf 'old' >"$D/1"
ino_old=$(stat -c %i "$D")
exec 3<"$D/next"
rmdir "$D"
mkdir "$D,maxmsg=4,msgsize=100"
printf 'new' >"$D/1"
ok "the new queue has another inode number" test "$(stat -c %i "$D")" != "$ino_old"
is "$(cat <&3)" old "a file opened before still reads the old queue"
exec 3<&-
is "$(cat "$D/next")" new "the name reads the new one"
rmdir "$D"

# ---- the mount's defaults
umount_ipcfs
mount_ipcfs -o mq_maxmsg=3,mq_msgsize=100
D=$M/mq/$Q
mkdir "$D"
is "$(cat "$D/maxmsg") $(cat "$D/msgsize")" "3 100" "-o mq_maxmsg=3,mq_msgsize=100: mkdir uses them"
rmdir "$D"
mkdir "$D,maxmsg=5"
is "$(cat "$D/maxmsg") $(cat "$D/msgsize")" "5 100" "a spec overrides one, the mount gives the other"
rmdir "$D"
ok "the server is alive" server_alive
done_testing
