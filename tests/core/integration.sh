#!/bin/bash
# Mount integration: `mount -t fuse.ipcfs`, an fstab line, `umount`, the
# systemd units' own commands, and what `meson install` puts where.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"

[ -c /dev/fuse ] || skip_all "no /dev/fuse"
[ "$(id -u)" = 0 ] || skip_all "mount(8) of a FUSE type needs root"
command -v mount.fuse3 >/dev/null || [ -x /sbin/mount.fuse3 ] || skip_all "no mount.fuse3"
T=$(mktemp -d)
d=$T/mnt
mkdir "$d"
fstype() { findmnt -n -o FSTYPE "$1"; }

# mount.fuse3 runs `ipcfs SOURCE DIR -o OPTIONS` from its own PATH; put
# this build's ipcfs there unless an ipcfs is installed already.
link=
if ! command -v ipcfs >/dev/null || [ -L /usr/local/bin/ipcfs ]; then
	ln -sf "$IPCFS" /usr/local/bin/ipcfs && link=/usr/local/bin/ipcfs
fi
on_exit "umount $d 2>/dev/null; [ -n '$link' ] && rm -f '$link'; rm -rf --one-file-system $T"

out=$(mount -t fuse.ipcfs ipcfs "$d" -o mq_maxmsg=7 2>&1); rc=$?
is "$rc" 0 "mount -t fuse.ipcfs ipcfs DIR ($out)"
is "$(fstype "$d")" fuse.ipcfs "findmnt says fuse.ipcfs"
is "$(findmnt -n -o SOURCE "$d")" ipcfs "and the source is ipcfs"
ok "the tree answers" test -r "$d/signals"
ok "-o options reach ipcfs (mq_maxmsg=7)" bash -c "mkdir $d/mq/itest$$ && [ \$(cat $d/mq/itest$$/maxmsg) = 7 ]; rmdir $d/mq/itest$$"
umount "$d"; rc=$?
is "$rc" 0 "umount DIR"
ok "unmounted" wait_for bash -c "! findmnt '$d' >/dev/null"
ok "the server exited" wait_for bash -c "! pgrep -f '^ipcfs ipcfs $d' >/dev/null"

# An fstab line (mount -T reads another fstab than /etc/fstab).
sed "s|/mnt/ipc|$d|" "$TESTS_SRC/../mount/fstab.example" >"$T/fstab"
out=$(mount -T "$T/fstab" "$d" 2>&1); rc=$?
is "$rc" 0 "mount DIR from the fstab line ($out)"
is "$(fstype "$d")" fuse.ipcfs "mounted as fuse.ipcfs"
like "$(findmnt -n -o OPTIONS "$d")" "allow_other" "with the line's allow_other"
like "$(findmnt -n -o OPTIONS "$d")" "default_permissions" "which brings default_permissions"
umount "$d"
ok "umount" wait_for bash -c "! findmnt '$d' >/dev/null"

# The systemd units: valid, and their commands do what they say, run here
# as systemd would run them (the mount point replaced by the test's).
B=${BUILD_ROOT:-$(dirname "$IPCFS")}
for u in ipcfs.service ipcfs-user.service mnt-ipc.mount; do
	ok "$u was generated" test -f "$B/mount/$u"
done
# unit_cmd UNIT KEY WHERE: the unit's KEY= command line, the "-" prefix
# dropped, its mount point (/mnt/ipc, %t/ipc) replaced by WHERE and the
# installed ipcfs by this build's.
unit_cmd() {
	sed -n "s/^$2=-\{0,1\}//p" "$B/mount/$1" |
		sed "s|%t/ipc|$3|g; s|/mnt/ipc|$3|g; s|^[^ ]*/ipcfs |$IPCFS |"
}
is "$(grep -c '^ExecStart=' "$B/mount/ipcfs.service")" 1 "ipcfs.service has one ExecStart"
for u in ipcfs.service ipcfs-user.service; do
	is "$(sed -n 's/^Type=//p' "$B/mount/$u")" simple "$u is Type=simple (journalctl shows the server's messages)"
	like "$(sed -n 's/^ExecStart=//p' "$B/mount/$u")" "/ipcfs -f " "$u runs ipcfs -f (in the foreground, logging to stderr)"
done
like "$(sed -n 's/^ExecStart=//p' "$B/mount/ipcfs.service")" "/ipcfs -f -o allow_other /mnt/ipc\$" \
	"ipcfs.service runs ipcfs -f -o allow_other /mnt/ipc"
for u in ipcfs.service ipcfs-user.service; do
	rmdir "$d" 2>/dev/null
	eval "$(unit_cmd "$u" ExecStartPre "$d")"
	ok "$u: ExecStartPre makes the mount point" test -d "$d"
	eval "exec $(unit_cmd "$u" ExecStart "$d")" 2>"$T/journal" &
	pid=$!
	eval "$(unit_cmd "$u" ExecStartPost "$d")"; rc=$?
	is "$rc" 0 "$u: ExecStartPost returns once mounted"
	ok "$u: the tree is there" test -r "$d/signals"
	ok "$u: the server stays in the foreground" kill -0 "$pid"
	kill -TERM "$pid"
	wait "$pid"; rc=$?
	is "$rc" 0 "$u: KillSignal (SIGTERM) ends it with status 0"
	ok "$u: and unmounts" bash -c "! findmnt '$d' >/dev/null"
	eval "$(unit_cmd "$u" ExecStopPost "$d")"
	ok "$u: ExecStopPost after a clean stop leaves the directory alone" test -d "$d"
	# A killed server leaves a dead mount; ExecStopPost clears it.
	eval "exec $(unit_cmd "$u" ExecStart "$d")" 2>>"$T/journal" &
	pid=$!
	eval "$(unit_cmd "$u" ExecStartPost "$d")"
	kill -KILL "$pid"; wait "$pid" 2>/dev/null
	ok "$u: a killed server leaves a dead mount" bash -c "LC_ALL=C stat '$d' 2>&1 | grep -q 'not connected'"
	eval "$(unit_cmd "$u" ExecStopPost "$d")"
	ok "$u: ExecStopPost clears it" bash -c "stat '$d' >/dev/null && ! findmnt '$d' >/dev/null"
	# but never a live mount (a refused start runs ExecStopPost too).
	"$IPCFS" "$d"
	eval "$(unit_cmd "$u" ExecStopPost "$d")"
	ok "$u: ExecStopPost leaves a live mount alone" test -r "$d/signals"
	umount "$d"
	wait_for bash -c "! findmnt '$d' >/dev/null"
done
if command -v systemd-analyze >/dev/null; then
	# verify complains only that ipcfs and its man page are not installed
	errs=$(systemd-analyze verify "$B/mount/ipcfs.service" "$B/mount/mnt-ipc.mount" 2>&1 |
		grep -v "is not executable\|man ipcfs\|man:ipcfs" || true)
	is "$errs" "" "systemd-analyze verify finds nothing else"
fi

# meson install puts everything where Debian expects it.
if [ -n "${BUILD_ROOT:-}" ] && command -v meson >/dev/null; then
	meson install -C "$BUILD_ROOT" --no-rebuild --destdir "$T/dest" >/dev/null 2>&1
	p=$(meson introspect "$BUILD_ROOT" --buildoptions | python3 -c \
		'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
	for f in bin/ipcfs lib/systemd/system/ipcfs.service lib/systemd/system/mnt-ipc.mount \
		lib/systemd/user/ipcfs-user.service share/doc/ipcfs/fstab.example; do
		ok "meson install: $p/$f" test -e "$T/dest$p/$f"
	done
fi
# meson dist makes a tarball that configures and builds on its own.
if [ -n "${BUILD_ROOT:-}" ] && git -C "$TESTS_SRC/.." rev-parse --git-dir >/dev/null 2>&1; then
	rm -rf "$BUILD_ROOT/meson-dist"
	meson dist -C "$BUILD_ROOT" --no-tests --allow-dirty --formats xztar >"$T/dist.log" 2>&1
	tarball=$(ls "$BUILD_ROOT"/meson-dist/ipcfs-*.tar.xz 2>/dev/null)
	ok "meson dist makes a tarball" test -n "$tarball"
	mkdir "$T/dist"
	tar -C "$T/dist" -xf "$tarball"
	src=$(echo "$T"/dist/ipcfs-*)
	( cd "$src" && meson setup b -Dwerror=true -Dtests=false -Dbenchmarks=false >/dev/null &&
		ninja -C b >/dev/null ) >"$T/distbuild.log" 2>&1
	like "$("$src/b/ipcfs" --version 2>&1 | head -n 1)" "^ipcfs [0-9]" \
		"which builds and runs (--version prints the meson version)"
fi
done_testing
