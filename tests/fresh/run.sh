#!/bin/bash
# tests/fresh/run.sh [ROOT]: first contact on a fresh machine, for real.
# Builds a minimal Debian 12 root (debootstrap --variant=minbase bookworm,
# from the mirror this machine's apt uses), with /proc, /sys and /dev bound
# in and the root bind-mounted on itself so that it is a mount point, clones
# this repository into its /root (mode 0700, where root clones), and there,
# (pivot_root, not chroot: see below), word for word as README.md says:
#   1. mount/ipcfs-up /mnt/ipc            (installs what is missing, builds, mounts)
#   2. README.md's examples, run as a script against /mnt/ipc
#   3. tests/run                          (installs, builds and runs every test)
# and prints each step's result and tests/run's summary line.  It needs root,
# the Debian mirror, ~3 GB and 20-40 minutes, so it is not part of tests/run:
#
#   sudo tests/fresh/run.sh                  # root in /var/tmp/ipcfs-fresh
#   sudo tests/fresh/run.sh /srv/fresh       # or there
#   FRESH_KEEP=1 tests/fresh/run.sh          # keep the root for a look
#   FRESH_CACHE=/var/tmp/bookworm.tar tests/fresh/run.sh
#                          # debootstrap once into that tarball, unpack it
#                          # afterwards (each run still starts pristine)
#
# Exit 0 when all three steps succeed and tests/run reports 0 failed.
set -u
cd "$(dirname "$0")/../.." || exit 1
SRC=$PWD
ROOT=${1:-/var/tmp/ipcfs-fresh}

[ "$(id -u)" -eq 0 ] || { echo "tests/fresh/run.sh: needs root (debootstrap, chroot)"; exit 77; }

# The mirror this machine's apt already uses (deb822 or one-line format).
mirror() {
	local u
	u=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
	[ -n "$u" ] || u=$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
	echo "${FRESH_MIRROR:-$u}"
}

if ! command -v debootstrap >/dev/null; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends debootstrap >/dev/null ||
		{ echo "tests/fresh/run.sh: cannot install debootstrap"; exit 1; }
fi
url=$(mirror)
[ -n "$url" ] || { echo "tests/fresh/run.sh: no Debian mirror in apt's sources (set FRESH_MIRROR)"; exit 1; }

mounts=()
cleanup() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount -R "${mounts[$i]}" 2>/dev/null || umount -lR "${mounts[$i]}" 2>/dev/null
	done
	[ -n "${FRESH_KEEP:-}" ] || rm -rf --one-file-system "$ROOT"
}
trap cleanup EXIT

rm -rf --one-file-system "$ROOT"
mkdir -p "$ROOT"
if [ -n "${FRESH_CACHE:-}" ] && [ -f "$FRESH_CACHE" ]; then
	echo "=== unpacking $FRESH_CACHE into $ROOT"
	tar -C "$ROOT" -xpf "$FRESH_CACHE" || { echo "tests/fresh/run.sh: bad $FRESH_CACHE"; exit 1; }
else
	echo "=== debootstrap --variant=minbase bookworm $ROOT ($url)"
	debootstrap --variant=minbase bookworm "$ROOT" "$url" >"$ROOT.debootstrap.log" 2>&1 ||
		{ tail -20 "$ROOT.debootstrap.log"; echo "tests/fresh/run.sh: debootstrap failed"; exit 1; }
	[ -z "${FRESH_CACHE:-}" ] || tar -C "$ROOT" -cpf "$FRESH_CACHE" .
fi
# Its apt uses the same mirror, with security updates as a real machine.
cat >"$ROOT/etc/apt/sources.list" <<SRC
deb $url bookworm main
deb $url bookworm-updates main
SRC
cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null

mount --bind "$ROOT" "$ROOT" && mounts+=("$ROOT")
mount -t proc proc "$ROOT/proc" && mounts+=("$ROOT/proc")
mount --rbind /sys "$ROOT/sys" && mounts+=("$ROOT/sys")
mount --rbind /dev "$ROOT/dev" && mounts+=("$ROOT/dev")
mkdir -p "$ROOT/tmp" && chmod 1777 "$ROOT/tmp"

# The clone: what is committed here, in root's 0700 home.  git is not in
# minbase, so the clone is made from outside, as copying a checkout in.
chmod 700 "$ROOT/root"
rm -rf "$ROOT/root/ipcfs"
git clone -q "$SRC" "$ROOT/root/ipcfs" || { echo "tests/fresh/run.sh: cannot clone $SRC"; exit 1; }

# README's ```sh examples as one script: the "$ " lines and their "> "
# continuations, in order.
awk '
/^```sh[ \t]*$/ { inb = 1; next }
/^```/ { inb = 0; next }
inb && /^\$ / { print substr($0, 3); next }
inb && /^> / { print substr($0, 3) }
' "$SRC/README.md" >"$ROOT/root/readme-examples.sh"

# The three steps, run inside the root by one shell, as root would type
# them after logging in there.
cat >"$ROOT/root/fresh-steps.sh" <<'STEPS'
cd /root/ipcfs || exit 1
failed=0
step() {
	echo "=== $1"
	if bash -c "$2"; then echo "=== $1: ok"; else echo "=== $1: FAILED"; failed=1; fi
}
step "mount/ipcfs-up /mnt/ipc" "mount/ipcfs-up /mnt/ipc"
step "README examples as a script" "timeout 300 bash -e /root/readme-examples.sh"
step "fusermount3 -u /mnt/ipc" "fusermount3 -u /mnt/ipc"
step "tests/run" "tests/run 2>&1 | tee /root/tests-run.log; grep -qE '^[0-9]+ passed, 0 failed' /root/tests-run.log"
exit $failed
STEPS

# Not chroot(2): the kernel refuses user namespaces to a chrooted
# process, which a real machine's root is not.  A mount namespace of its
# own, and pivot_root into the root (a mount point, being bound on
# itself), make it the real root of everything run there.  An IPC
# namespace of its own keeps its queues apart from this machine's.
echo "=== into $ROOT (pivot_root in a private mount namespace)"
unshare -m -i --propagation private -- /bin/bash -c '
	cd "$1" && mkdir -p .oldroot && pivot_root . .oldroot || exit 1
	exec /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 TERM=dumb /bin/bash -c \
		"umount -l /.oldroot && rmdir /.oldroot && exec bash /root/fresh-steps.sh"
' _ "$ROOT"
failed=$?
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$ROOT/root/tests-run.log" 2>/dev/null | tail -n 1)
echo "fresh root: ${summary:-no summary}"
exit $failed
