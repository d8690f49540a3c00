#!/bin/bash
# Runtime messages of a server in the background reach syslog (the
# journal on systemd machines) as "ipcfs[PID]: ...", since its stderr is
# /dev/null then; with -f they go to stderr.  The test gives a private
# mount namespace its own /dev/log, a socket it reads itself, and runs the
# server as uid 65534, which says at start-up, once in the background,
# that shm files go through the server (passthrough needs CAP_SYS_ADMIN).
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root for a private /dev"
[ -c /dev/fuse ] || skip_all "no /dev/fuse"
command -v python3 >/dev/null || skip_all "no python3"
command -v setpriv >/dev/null || skip_all "no setpriv"
unshare -m --propagation private true 2>/dev/null || skip_all "no mount namespaces here"
fuse_for_users

T=$(mktemp -d)
chmod 755 "$T"
on_exit "rm -rf --one-file-system '$T'"
cp "$IPCFS" "$T/ipcfs"
chmod 755 "$T/ipcfs"
mkdir "$T/m" "$T/dev"
chown 65534:65534 "$T/m"

# Inside: /dev is a tmpfs with the devices the server needs and /dev/log,
# a datagram socket whose messages go to $T/syslog.
cat >"$T/inside.sh" <<'IN'
T=$1
mount -t tmpfs -o mode=755 tmpfs "$T/dev" || exit 1
for n in null zero fuse urandom; do
	touch "$T/dev/$n" && mount --bind "/dev/$n" "$T/dev/$n"
done
mkdir "$T/dev/shm" && mount --bind /dev/shm "$T/dev/shm"
mount --rbind "$T/dev" /dev || exit 1
python3 - "$T/syslog" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind('/dev/log')
os.chmod('/dev/log', 0o666)
open(sys.argv[1] + '.ready', 'w').close()
with open(sys.argv[1], 'ab', buffering=0) as out:
	while True:
		out.write(s.recv(4096) + b'\n')
PY
listener=$!
for i in $(seq 200); do [ -e "$T/syslog.ready" ] && break; sleep 0.05; done
setpriv --reuid=65534 --regid=65534 --clear-groups "$T/ipcfs" "$T/m" 2>"$T/stderr"
echo "rc $?" >"$T/started"
setpriv --reuid=65534 --regid=65534 --clear-groups cat "$T/m/signals" >/dev/null
for i in $(seq 200); do grep -q 'passthrough' "$T/syslog" 2>/dev/null && break; sleep 0.05; done
pgrep -f "^$T/ipcfs $T/m" >"$T/pid"
fusermount3 -u "$T/m"
for i in $(seq 200); do [ -s "$T/pid" ] && kill -0 "$(cat "$T/pid")" 2>/dev/null || break; sleep 0.05; done
kill "$listener"
IN
unshare -m --propagation private bash -c \
	"$(declare -f drop_copied_fuse_mounts); drop_copied_fuse_mounts; . \"\$1\" \"\$2\"" \
	_ "$T/inside.sh" "$T"
is "$(cat "$T/started")" "rc 0" "uid 65534 mounts, in the background"
pid=$(cat "$T/pid")
like "$(cat "$T/syslog" 2>/dev/null)" "ipcfs\\[$pid\\]: shm files go through the server: passthrough needs CAP_SYS_ADMIN" \
	"its message after daemonising is in syslog, with its pid"
ok "not on stderr, which is /dev/null by then" bash -c "! grep -q passthrough '$T/stderr'"
done_testing
