#!/bin/bash
# shellcheck source-path=SCRIPTDIR disable=SC2016 # remote commands: bash -c '...' with "$1"
# Use from another machine: a second "machine" (its own network and mount
# namespaces, loopback only) mounts this machine's ipcfs tree with sshfs
# and sends a signal, sends messages and receives a blocking `next`
# through it.  Asserts what works and exactly how the rest fails
# (docs/remote.md): errors, caching, O_NONBLOCK, poll, a blocked read
# that stalls its connection and cannot be interrupted, the message an
# interrupted remote reader loses, shm, mkdir/rmdir and who the remote
# side acts as.
# shellcheck source=../lib.sh
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"
# shellcheck source=remotelib.sh
. "$TESTS_SRC/remote/remotelib.sh"

MQH=$HELPERS/mq
SHMH=$HELPERS/shm
for h in "$MQH/mq_snd" "$MQH/mq_rec" "$MQH/mq_unl" "$SHMH/shmop" \
	"$SHMH/mapper" "$SHMH/mmcat" "$HELPERS/fsop" "$HELPERS/sigval"; do
	[ -x "$h" ] || bail "no helper $h"
done
command -v perl >/dev/null || skip_all "no perl (for the lseek probe)"
command -v setpriv >/dev/null || skip_all "no setpriv"
remote_prereqs

# allow_other: a remote login as another user (nobody) reaches the tree.
mount_ipcfs -o allow_other
remote_up
ulimit -q unlimited 2>/dev/null || true
T=$(mktemp -d)
on_exit "rm -rf $T"
Q=rq$$
SHM=rx$$
_made=("$Q" "$Q.f" "$Q.2" "$Q.3" "$Q.4" "$Q.n")
_rcleanup() {
	local q
	for q in "${_made[@]}"; do "$MQH/mq_unl" "/$q" 2>/dev/null; done
	rm -f "/dev/shm/$SHM"
	return 0
}
on_exit _rcleanup

# The recommended options, the least that works, and sshfs's defaults.
REC=direct_io,sshfs_sync,max_conns=4,dir_cache=no,reconnect
remote_mount rec root "$REC" || bail "sshfs (recommended options) did not mount"
remote_mount min root direct_io,sshfs_sync,reconnect || bail "sshfs (one connection) did not mount"
remote_mount plain root "" || bail "sshfs (defaults) did not mount"
remote_mount nob nobody "$REC" || bail "sshfs as nobody did not mount"
A=${RMNT[rec]}
MIN=${RMNT[min]}
P=${RMNT[plain]}
N=${RMNT[nob]}

not() { ! "$@"; }
ok "docs/remote.md recommends exactly these options" \
	grep -qF -- "-o $REC " "$TESTS_SRC/../docs/remote.md"
gone() { ! kill -0 "$1" 2>/dev/null; }
# finished PID: PID ends (within wait_for's minute: a hang detector, not
# a bound on how fast).
finished() { wait_for gone "$1"; }
curmsgs() { cat "$M/mq/$1/curmsgs"; }
# seekable PATH r|w: the file opens and takes lseek(fd, 0, SEEK_SET), which
# OpenSSH's sftp-server does before every read and write.
seekable() {
	perl -MFcntl -e 'sysopen(my $f, $ARGV[0], $ARGV[1] eq "w" ? O_WRONLY : O_RDONLY)
		or die "open: $!\n"; defined(sysseek($f, 0, 0)) or die "lseek: $!\n"' "$1" "$2"
}

# ---- the two machines
ok "the remote side does not see this machine's ipcfs mount" not R test -e "$M/signals"
is "$(R ls "$A" | tr '\n' ' ')" "mq proc shm signals " "remote: ls of the tree"
is "$(R head -n 1 "$A/signals")" "1 HUP Hangup" "remote: signals"
sleep 300 &
s=$!
# (a fresh child may not be asleep yet on a busy machine)
wait_for grep -q '^State:.*S' "/proc/$s/status"
is "$(R cat "$A/proc/$s/state")" sleeping "remote: proc/PID/state (a size-0 file, read with direct_io)"
is "$(R cat "$P/proc/$s/state" | wc -c)" 0 "without -o direct_io the same file reads as empty"
kill "$s"

mkdir "$M/mq/$Q"
# sftp-server lseeks before every read and write: the live files must
# take it (ipcfs does not open them nonseekable for that reason).
ok "proc/PID/signal takes lseek" seekable "$M/proc/$$/signal" w
ok "proc/PID/wait takes lseek" seekable "$M/proc/$$/wait" r
ok "mq/Q/next takes lseek" seekable "$M/mq/$Q/next" r

# ---- signals
sleep 300 &
t=$!
R bash -c 'echo TERM > "$1"' _ "$A/proc/$t/signal"
is "$?" 0 "remote: echo TERM > proc/PID/signal succeeds"
wait "$t"
is "$?" 143 "the process was killed by SIGTERM"

rtmin=$(kill -l RTMIN)
start_logged "$T/sv" "$HELPERS/sigval" 1 $((rtmin + 1))
sv=$(helper_pid "$T/sv")
R bash -c 'echo "RTMIN+1 42" > "$1"' _ "$A/proc/$sv/signal"
is "$(line_of "$T/sv" 2)" "sig=$((rtmin + 1)) code=SI_QUEUE value=42" \
	"remote: a value arrives with sigqueue semantics"

sleep 300 &
t=$!
is "$(R "$HELPERS/fsop" write "$A/proc/$t/signal" 'BOGUS\n')" "write: EIO" \
	"remote, -o sshfs_sync: a bad line fails at write(2), as EIO (EINVAL here)"
err=$(R bash -c 'echo BOGUS > "$1"' _ "$A/proc/$t/signal" 2>&1)
st=$?
is "$st" 1 "remote, -o sshfs_sync: bash's echo reports the failure"
like "$err" "write error: Input/output error" "as an I/O error"
is "$(R "$HELPERS/fsop" write "$P/proc/$t/signal" 'BOGUS\n')" "close: EIO" \
	"remote, no sshfs_sync: the error comes at close(2)"
R bash -c 'echo BOGUS > "$1"' _ "$P/proc/$t/signal" 2>/dev/null
is "$?" 0 "remote, no sshfs_sync: so bash's echo exits 0 and the error is lost"
ok "nothing was sent" kill -0 "$t"
st=$(R bash -c 'exec 3>"$1" || exit 9; kill -9 "$2"; sleep 0.3
	echo TERM >&3 2>/dev/null; echo $?' _ "$A/proc/$t/signal" "$t")
is "$st" 1 "remote: a write after the process ended fails (ESRCH here, EIO there)"
wait "$t" 2>/dev/null
is "$(R "$HELPERS/fsop" write "$A/proc/$t/signal" 'TERM\n')" "open: ENOENT" \
	"remote: a reaped pid is ENOENT"

# ---- wait
sleep 300 &
t=$!
"${RX[@]}" cat "$A/proc/$t/wait" >"$T/w" 2>&1 &
rw=$!
ok "remote: cat proc/PID/wait blocks" wait_for rstuck "$rw"
ok "its sftp session is parked in ipcfs" wait_for any_parked
kill -TERM "$t"
ok "it returns when the process ends" finished "$rw"
wait "$rw"
is "$?:$(cat "$T/w")" "0:killed TERM" "remote: its fate"
# (it exits once the remote reader is parked: the fifo says when)
mkfifo "$T/go"
bash -c 'read -r _ <"$1"; exit 3' _ "$T/go" &
t=$!
wait_for R test -e "$A/proc/$t/wait"
"${RX[@]}" cat "$A/proc/$t/wait" >"$T/w" 2>&1 &
rw=$!
# parked in ipcfs, past the lookup and open that pin the process
wait_for rstuck "$rw" && wait_for read_parked
echo go >"$T/go"
finished "$rw"
is "$(cat "$T/w")" "exited 3" "remote: exited 3"

# ---- sending messages
R bash -c 'printf hello > "$1"' _ "$A/mq/$Q/5"
is "$? $(curmsgs "$Q")" "0 1" "remote: printf hello > mq/Q/5 sends one message"
is "$("$MQH/mq_rec" "/$Q")" "Read 5 bytes; priority = 5" "mq_receive here gets it, at priority 5"
head -c 3000 /dev/urandom >"$T/bin"
R dd if="$T/bin" of="$A/mq/$Q/3" bs=3000 status=none
cat "$M/mq/$Q/next" >"$T/bin.out"
ok "remote: 3000 random bytes arrive byte-exact (NULs, newlines)" cmp -s "$T/bin" "$T/bin.out"
R bash -c 'echo line > "$1"' _ "$A/mq/$Q/5"
is "$(od -An -c "$M/mq/$Q/next" | tr -s ' ')" " l i n e \n" "remote: echo's newline is kept, nothing added"
R dd if="$T/bin" of="$A/mq/$Q/2" bs=100 count=3 status=none
is "$(curmsgs "$Q")" 3 "remote: each write(2) is one message (dd bs=100 count=3: 3)"
is "$(for i in 1 2 3; do wc -c <"$M/mq/$Q/next"; done | tr '\n' ' ')" "100 100 100 " \
	"of 100 bytes each"
R bash -c ': > "$1"' _ "$A/mq/$Q/5"
# (sshfs may send the close after the remote command returned)
queued() { [ "$(curmsgs "$Q")" -ge 1 ]; }
wait_for queued
is "$(curmsgs "$Q"):$(wc -c <"$M/mq/$Q/next")" "1:0" \
	"remote: : > mq/Q/5 (O_TRUNC, no write) sends an empty message (as here)"
err=$(R dd if=/dev/zero of="$A/mq/$Q/5" bs=9000 count=1 status=none 2>&1)
like "$err" "Input/output error" "remote: a message over msgsize fails (EMSGSIZE here, EIO there)"
is "$(curmsgs "$Q")" 0 "and sends nothing"
# a full queue: the remote write waits for room
mkdir "$M/mq/$Q.f,maxmsg=1,msgsize=64"
printf f1 >"$M/mq/$Q.f/5"
"${RX[@]}" bash -c 'printf f2 > "$1"' _ "$A/mq/$Q.f/5" &
rwr=$!
ok "remote: a write to a full queue waits" wait_for rstuck "$rwr"
is "$(cat "$M/mq/$Q.f/next")" f1 "a receive here makes room"
ok "and the remote write completes" finished "$rwr"
is "$(cat "$M/mq/$Q.f/next")" f2 "its message is there"

# ---- receiving: blocking next, exactly once
"${RX[@]}" cat "$A/mq/$Q/next" >"$T/r" &
r=$!
ok "remote: cat mq/Q/next blocks on the empty queue" wait_for rstuck "$r"
sleep 0.3
ok "still blocked" rstuck "$r"
printf hi >"$M/mq/$Q/5"
ok "a printf here wakes it" finished "$r"
wait "$r"
is "$?:$(cat "$T/r")" "0:hi" "remote: it prints the message and ends"
"${RX[@]}" cat "$A/mq/$Q/next" >"$T/r" &
r=$!
wait_for rstuck "$r"
"$MQH/mq_snd" "/$Q" 4 world
finished "$r"
is "$(cat "$T/r")" world "remote: a real mq_send wakes it too"
cat "$T/bin" >"$M/mq/$Q/5"
R dd if="$A/mq/$Q/next" bs=7 status=none >"$T/bin.out"
ok "remote: read 7 bytes at a time, a 3000-byte message is whole" cmp -s "$T/bin" "$T/bin.out"
is "$(curmsgs "$Q")" 0 "and it was taken once"

printf keep >"$M/mq/$Q/5"
is "$(R cat "$P/mq/$Q/next" | wc -c)" 0 "without -o direct_io, next reads as empty"
is "$(curmsgs "$Q")" 1 "and takes nothing"
"$MQH/mq_rec" -a "/$Q" >/dev/null

# 30 messages, three readers at once: two remote (on two mounts, two
# connections) and one here; each message is read exactly once.
# (the queue holds 10: the readers start first, the sends wait for room)
"${RX[@]}" bash -c 'for i in $(seq 10); do cat "$1"; echo; done' _ "$A/mq/$Q/next" >"$T/ra" &
ra=$!
"${RX[@]}" bash -c 'for i in $(seq 10); do cat "$1"; echo; done' _ "$MIN/mq/$Q/next" >"$T/rb" &
rb=$!
# (timeout: only a hang detector)
timeout 300 bash -c 'for i in $(seq 10); do cat "$1"; echo; done' _ "$M/mq/$Q/next" >"$T/rc" &
rc=$!
timeout 300 bash -c 'for i in $(seq -w 1 30); do printf "m%s" "$i" >"$1"; done' _ "$M/mq/$Q/5"
is "$?" 0 "30 messages sent here"
ok "the reader here got its ten" finished "$rc"
ok "both remote readers got their ten" finished "$ra"
ok "(and on the other connection)" finished "$rb"
all=$(for i in $(seq -w 1 30); do printf 'm%s' "$i"; done)
is "$(sort "$T/ra" "$T/rb" "$T/rc" | tr -d '\n')" "$all" \
	"30 messages, 3 concurrent readers (2 remote): none lost, none twice"
is "$(curmsgs "$Q")" 0 "the queue is empty"

# O_NONBLOCK does not cross sftp: the remote read blocks.
"${RX[@]}" "$HELPERS/fsop" read "$A/mq/$Q/next" nonblock >"$T/nb" &
r=$!
ok "remote: an O_NONBLOCK read of an empty queue blocks (no EAGAIN)" wait_for rstuck "$r"
printf nb >"$M/mq/$Q/5"
finished "$r"
is "$(cat "$T/nb")" nb "and takes the next message"
# poll: sshfs has none, so the kernel says readable.
is "$("$HELPERS/fsop" poll "$M/mq/$Q/next" 200)" timeout "poll here: an empty queue is not readable"
is "$(R "$HELPERS/fsop" poll "$A/mq/$Q/next" 200)" readable "remote: poll always says readable"
sleep 300 &
t=$!
is "$(R "$HELPERS/fsop" poll "$A/proc/$t/wait" 200)" readable "remote: also for the wait of a live process"
kill "$t"

# ---- a blocked remote read: the connection, timeouts, Ctrl-C
"${RX[@]}" cat "$MIN/mq/$Q/next" >"$T/b1" &
b1=$!
wait_for rstuck "$b1"
"${RX[@]}" timeout 1 cat "$MIN/signals" >"$T/b2" 2>&1 &
b2=$!
sleep 2
ok "one connection (max_conns=1): a blocked read stalls the whole mount" rstuck "$b1"
ok "another read on it waits, and timeout 1 cannot end it" not gone "$b2"
"${RX[@]}" cat "$A/mq/$Q/next" >"$T/b3" &
b3=$!
wait_for rstuck "$b3"
"${RX[@]}" cat "$A/signals" >"$T/b4" &
b4=$!
ok "max_conns=4: with a read blocked, the mount still serves others" finished "$b4"
is "$(head -n 1 "$T/b4")" "1 HUP Hangup" "what they read"
printf w1 >"$M/mq/$Q/5"
printf w2 >"$M/mq/$Q/5"
finished "$b1"
finished "$b3"
is "$(cat "$T/b1" "$T/b3" | fold -w2 | sort | tr -d '\n')" "w1w2" "the two blocked readers got one message each"
ok "the stalled read ended after that" finished "$b2"
wait "$b2"
is "$?:$(wc -c <"$T/b2")" "124:0" "killed by timeout's SIGTERM once its answer came: no output"

# A remote reader cannot be interrupted while it waits; the message
# that wakes it is delivered to it, and it dies: that message is lost.
"${RX[@]}" timeout 1 cat "$MIN/mq/$Q/next" >"$T/l" &
l=$!
sleep 2
ok "remote: timeout 1 cat next is still waiting after 2 s" not gone "$l"
printf lost >"$M/mq/$Q/5"
finished "$l"
wait "$l"
is "$?:$(wc -c <"$T/l"):$(curmsgs "$Q")" "124:0:0" \
	"the message that woke the interrupted reader is gone (known loss)"
# docs/remote.md's consumer loop: the reading cat ignores INT and
# TERM, the loop stops at its flag after the next message; a Ctrl-C
# (INT and TERM to its whole process group) loses nothing.
cat >"$T/consumer.sh" <<-'EOF'
	trap 'stop=1' INT TERM
	while [ -z "${stop:-}" ]; do
	    msg=$(trap '' INT TERM; exec cat "$1") || break
	    echo "got $msg"
	done
	echo stopped
EOF
"${RX[@]}" setsid bash "$T/consumer.sh" "$MIN/mq/$Q/next" >"$T/k" &
k=$!
wait_for rstuck "$k"
printf one >"$M/mq/$Q/5"
wait_for grep -q 'got one' "$T/k"
wait_for rstuck "$k"
kill -INT -- -"$k"
kill -TERM -- -"$k"
sleep 0.3
ok "the consumer loop, signalled while blocked, still waits" rstuck "$k"
printf two >"$M/mq/$Q/5"
ok "it ends after the next message" finished "$k"
is "$(tr '\n' ' ' <"$T/k")" "got one got two stopped " "which it handled: nothing lost"
is "$(curmsgs "$Q")" 0 "the queue is empty"
# The way out on the server side: kill the parked sftp session.
"${RX[@]}" cat "$MIN/mq/$Q/next" >"$T/x" 2>&1 &
x=$!
wait_for rstuck "$x"
wait_for any_parked
ps=$(parked_sessions)
is "$(echo "$ps" | wc -w)" 1 "one sftp session is parked in ipcfs"
# shellcheck disable=SC2086
kill -9 $ps
ok "killing it ends the remote reader" finished "$x"
wait "$x"
is "$?" 1 "with an error"
like "$(cat "$T/x")" "Input/output error" "EIO"
is "$(curmsgs "$Q")" 0 "nothing was taken"
printf after >"$M/mq/$Q/5"
is "$(R cat "$MIN/mq/$Q/next")" after "-o reconnect: the mount works again"
# The remote side vanishes (its sshfs dies) while its read is parked:
# the sftp session here stays parked and takes the next message, which
# nobody receives.
remote_mount gone root direct_io,sshfs_sync || bail "sshfs (gone) did not mount"
"${RX[@]}" cat "${RMNT[gone]}/mq/$Q/next" >"$T/g" 2>&1 &
g=$!
wait_for rstuck "$g"
kill -9 "$(sshfs_pid gone)"
ok "remote: when sshfs dies, the blocked reader ends" finished "$g"
like "$(cat "$T/g")" "connection abort|not connected" "with ECONNABORTED or ENOTCONN"
ok "but its sftp session here is still parked in ipcfs" wait_for any_parked
printf orphan >"$M/mq/$Q/5"
ok "the next message ends that session" wait_for not any_parked
is "$(curmsgs "$Q")" 0 "and is gone with it (known loss)"

# ---- shared memory
R bash -c 'printf Hello! > "$1"' _ "$A/shm/$SHM"
is "$(cat "/dev/shm/$SHM")" "Hello!" "remote: printf > shm/NAME writes the object"
printf 'Howdy!' >"/dev/shm/$SHM"
is "$(R cat "$A/shm/$SHM")" "Howdy!" "remote: a write here is read there at once (direct_io)"
is "$(R "$SHMH/shmop" pwrite "$A/shm/$SHM" 10000 far)" "ok 3" "remote: pwrite at 10000"
is "$(stat -c %s "/dev/shm/$SHM")" 10003 "grows the object"
is "$(R "$SHMH/shmop" mmap "$A/shm/$SHM" r)" "mmap: ENODEV" "remote, direct_io: no MAP_SHARED"
is "$(R "$SHMH/mmcat" "$A/shm/$SHM" | head -c 6)" "Howdy!" "remote, direct_io: MAP_PRIVATE works"
printf 'Hello!' >"/dev/shm/$SHM"
{
	echo 'w 0 HOWDY'
	echo sync
	sleep 0.3
	printf 'Hiya!!' >"/dev/shm/$SHM"
	sleep 0.3
	echo 'r 0 6'
	R cat "$P/shm/$SHM" >/dev/null
	sleep 0.3
	echo 'r 0 6'
	echo q
} | R "$SHMH/mapper" "$P/shm/$SHM" shared rw 6 >"$T/map"
is "$(tr '\n' ' ' <"$T/map")" "ready 6 ok ok HOWDY! Hiya!! " \
	"remote, no direct_io: MAP_SHARED; msync writes back; a store here is seen after a new open"
R rm "$A/shm/$SHM"
ok "remote: rm shm/NAME is shm_unlink" not test -e "/dev/shm/$SHM"

# ---- queues: mkdir, rmdir, listing
R mkdir "$A/mq/$Q.2"
ok "remote: mkdir mq/Q makes a queue" test -e "$M/mq/$Q.2/maxmsg"
R mkdir "$A/mq/$Q.3,maxmsg=3,msgsize=64"
is "$(cat "$M/mq/$Q.3/maxmsg") $(cat "$M/mq/$Q.3/msgsize")" "3 64" "remote: mkdir with attributes"
R rmdir "$A/mq/$Q.3"
ok "remote: rmdir removes it" not test -e "$M/mq/$Q.3"
R ls "$MIN/mq" >/dev/null
mkdir "$M/mq/$Q.4"
is "$(R ls "$A/mq" | grep -cx "$Q.4")" 1 "dir_cache=no: a queue made here is listed there at once"
is "$(R ls "$MIN/mq" | grep -cx "$Q.4")" 0 "sshfs's default dir_cache: the listing is stale (up to 20 s)"
ok "though the path itself resolves" R test -d "$MIN/mq/$Q.4"

# ---- who the remote side is: the login user on this machine
sleep 300 &
t=$!
is "$(R "$HELPERS/fsop" write "$N/proc/$t/signal" 'TERM\n')" "open: EACCES" \
	"remote as nobody: signalling root's process is refused (EPERM here, EACCES there)"
ok "it lives" kill -0 "$t"
kill "$t"
R mkdir "$N/mq/$Q.n"
is "$(stat -c %u "$M/mq/$Q.n")" 65534 "remote as nobody: mkdir makes a queue owned by nobody"
is "$(R "$HELPERS/fsop" write "$N/mq/$Q/5" x)" "open: EACCES" "remote as nobody: root's queue is not writable"
setpriv --reuid=65534 --regid=65534 --clear-groups sleep 300 &
t=$!
sleep 0.2
is "$(R "$HELPERS/fsop" write "$N/proc/$t/signal" 'TERM\n')" "ok 5" "remote as nobody: signalling nobody's process works"
ok "it was killed" finished "$t"

ok "the server is alive" server_alive
done_testing
