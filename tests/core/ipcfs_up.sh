#!/bin/bash
# mount/ipcfs-up as README has users run it: clear usage errors (exit 2),
# a mount on a fresh directory, an old live mount and a dead one (its
# server killed) replaced fully, a plain user (uid 65534) without sudo
# mounting in a directory of its own, --install through meson install, and
# no install step that pulls Recommends.  IPCFS_UP_BUILD points it at this
# build, so nothing is rebuilt or installed from the network.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"

ROOT=$(cd "$TESTS_SRC/.." && pwd)
UP=$ROOT/mount/ipcfs-up
B=$(dirname "$IPCFS")

# Every install step leaves the Recommends out (about 150 packages).
bad=$(grep -n 'apt-get install' "$UP" "$ROOT/tests/run" | grep -v -- '--no-install-recommends' || true)
is "$bad" "" "every apt-get install uses --no-install-recommends"

out=$("$UP" --help 2>&1); rc=$?
is "$rc" 0 "--help exits 0"
like "$out" '^usage: mount/ipcfs-up ' "--help starts with the usage line"
is "$(grep -c '^#' <<<"$out")" 0 "and shows no comment prefixes"
like "$out" 'IPCFS_UP_BUILD=DIR' "and documents IPCFS_UP_BUILD"
like "$out" '--install' "and --install"

need_fuse
[ -x "$IPCFS" ] || bail "no server at $IPCFS"

T=$(mktemp -d)
chmod 755 "$T"
d=$T/mnt/ipc
# mounts_on DIR: how many mounts stand on DIR.
mounts_on() { awk -v d="$1" '$5 == d' /proc/self/mountinfo | wc -l; }
server_of() { pgrep -f "^$B/ipcfs .*$1\$"; }
# Every mount under $T goes before $T does, wherever a broken ipcfs-up
# may have put it: rm -r through an ipcfs tree would unlink the machine's
# queues and shm objects.
cleanup() {
	local m
	for _ in 1 2 3 4; do
		m=$(awk -v t="$T/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
		[ -n "$m" ] || break
		for m in $m; do
			fusermount3 -uz "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
		done
	done
	rm -rf --one-file-system "$T"
}
trap cleanup EXIT
up() { IPCFS_UP_BUILD=$B "$UP" "$@"; }

# Bad arguments: a clear message, exit 2, nothing mounted or made.
out=$(up -o 2>&1); rc=$?
is "$rc" 2 "-o without a value exits 2"
like "$out" '-o needs a value' "and says so"
is "$(grep -c 'unbound variable' <<<"$out")" 0 "not with a shell error"
out=$(up "$d" "$T/other" 2>&1); rc=$?
is "$rc" 2 "two mount points exit 2"
like "$out" "one mount point only" "and say so"
ok "neither is made" bash -c "[ ! -e '$d' ] && [ ! -e '$T/other' ]"
out=$(up --bogus "$d" 2>&1); rc=$?
is "$rc" 2 "an unknown option exits 2"
like "$out" "unknown option '--bogus'" "and is named"
out=$(IPCFS_UP_BUILD=$T/nobuild "$UP" "$d" 2>&1); rc=$?
is "$rc" 1 "IPCFS_UP_BUILD without a build exits 1"
like "$out" "IPCFS_UP_BUILD" "and says so"

# A fresh mount point, made by ipcfs-up; -oOPTS reaches the server.
out=$(up -omq_maxmsg=7 "$d" 2>&1); rc=$?
is "$rc" 0 "ipcfs-up DIR mounts ($out)"
is "$(findmnt -n -o FSTYPE --mountpoint "$d" | tail -n 1)" fuse.ipcfs "a fuse.ipcfs mount"
ok "the tree answers" test -r "$d/signals"
ok "-o options reach the server" bash -c "mkdir $d/mq/ipcfs_up$$ && [ \$(cat $d/mq/ipcfs_up$$/maxmsg) = 7 ]; rmdir $d/mq/ipcfs_up$$"
old=$(server_of "$d")

# Again: the live old mount is replaced, not stacked on.
out=$(up "$d" 2>&1); rc=$?
is "$rc" 0 "ipcfs-up again replaces the live mount ($out)"
like "$out" "unmounting the old tree" "and says so"
is "$(mounts_on "$d")" 1 "one mount stands on DIR"
ok "the old server is gone" wait_for bash -c "! kill -0 $old 2>/dev/null"
ok "the new tree answers" test -r "$d/signals"

# A dead mount: its server killed.
new=$(server_of "$d")
kill -9 "$new"
ok "the killed server leaves a dead mount" wait_for bash -c "LC_ALL=C stat '$d' 2>&1 | grep -q 'not connected'"
out=$(up "$d" 2>&1); rc=$?
is "$rc" 0 "ipcfs-up replaces the dead mount ($out)"
like "$out" "dead mount" "and says so"
is "$(mounts_on "$d")" 1 "one mount stands on DIR"
ok "the tree answers" test -r "$d/signals"
fusermount3 -u "$d"
ok "fusermount3 -u unmounts it" wait_for bash -c "[ \$(awk -v d='$d' '\$5 == d' /proc/self/mountinfo | wc -l) = 0 ]"

# --install: meson install of the build, then the same mount.
if [ "$(id -u)" = 0 ] && [ -n "${BUILD_ROOT:-}" ] && command -v meson >/dev/null; then
	out=$(DESTDIR=$T/dest IPCFS_UP_BUILD=$BUILD_ROOT "$UP" --install "$d" 2>&1); rc=$?
	is "$rc" 0 "ipcfs-up --install mounts ($out)"
	ok "ipcfs is installed" bash -c "ls $T/dest/*/bin/ipcfs $T/dest/*/*/bin/ipcfs 2>/dev/null | grep -q ."
	ok "the system unit is installed" bash -c "find $T/dest -name ipcfs.service | grep -q ."
	ok "and the tree is mounted" test -r "$d/signals"
	fusermount3 -u "$d"
	wait_for bash -c "[ \$(awk -v d='$d' '\$5 == d' /proc/self/mountinfo | wc -l) = 0 ]"
else
	pass "# SKIP --install needs root, meson and BUILD_ROOT"
fi

# A plain user without sudo, in a directory of its own.
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	pass "# SKIP the uid 65534 case needs root and setpriv"
	done_testing
	exit
fi
fuse_for_users
# What uid 65534 runs must be where it can reach it (a clone may be 0700).
U=$T/user
mkdir -p "$U/repo/mount" "$U/repo/build" "$U/home"
cp "$UP" "$U/repo/mount/"
cp "$IPCFS" "$U/repo/build/"
chmod -R a+rX "$U/repo"
chown 65534:65534 "$U/home"
mkdir "$T/rootonly"
chmod 755 "$T/rootonly"
# A PATH with every command but sudo.
P=$T/bin
mkdir "$P"
IFS=: read -ra dirs <<<"$PATH"
for dir in "${dirs[@]}"; do
	for f in "$dir"/*; do
		n=${f##*/}
		[ "$n" != sudo ] && [ -x "$f" ] && [ ! -e "$P/$n" ] && ln -s "$f" "$P/$n"
	done
done
as_nobody() {
	env -i PATH="$P" HOME="$U/home" LANG=C IPCFS_UP_BUILD="$U/repo/build" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
ok "the user has no sudo" bash -c "! PATH='$P' command -v sudo"
nb=$U/home/ipc
out=$(as_nobody "$U/repo/mount/ipcfs-up" "$nb" 2>&1); rc=$?
is "$rc" 0 "uid 65534 mounts in its own directory without sudo ($out)"
is "$(as_nobody cat "$nb/signals" | head -n 1)" "1 HUP Hangup" "and the user's tree answers"
# fusermount3 lets a user unmount only what /etc/mtab (a link to
# /proc/self/mounts on a booted machine) says is the user's; a bare root
# made with debootstrap has no /etc/mtab.
if [ -e /etc/mtab ]; then
	out=$(as_nobody "$U/repo/mount/ipcfs-up" "$nb" 2>&1); rc=$?
	is "$rc" 0 "and replaces its own mount again ($out)"
	is "$(mounts_on "$nb")" 1 "one mount stands there"
	as_nobody fusermount3 -u "$nb"
else
	pass "# SKIP no /etc/mtab: fusermount3 lets no user unmount here"
	pass "# SKIP (the same)"
	fusermount3 -u "$nb"
fi
wait_for bash -c "[ \$(awk -v d='$nb' '\$5 == d' /proc/self/mountinfo | wc -l) = 0 ]"
is "$(stat -c %u "$nb")" 65534 "the mount point it made is the user's"

out=$(as_nobody "$U/repo/mount/ipcfs-up" "$T/rootonly/ipc" 2>&1); rc=$?
is "$rc" 1 "where root must make the mount point, without sudo it exits 1"
like "$out" "needs root, and there is no sudo" "and says that sudo is needed but missing"
ok "and makes nothing" test ! -e "$T/rootonly/ipc"
done_testing
