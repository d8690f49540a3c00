# A second "machine" on this one, for the remote test and benchmark:
# sshd runs in a network namespace of its own, listening on that
# namespace's loopback only, and serves this machine's mount tree (so the
# ipcfs mount $M) over sftp; the "remote" side is the same network
# namespace plus a private mount namespace, where sshfs mounts $M at
# paths only it sees.  Source after tests/lib.sh, call remote_up after
# mount_ipcfs, then remote_mount NAME USER OPTIONS for each sshfs mount
# and run remote commands with R CMD...  Everything is torn down at exit
# (sshd, sshfs, the namespaces, keys); a missing prerequisite skips (77).
# shellcheck shell=bash disable=SC2016,SC2034

REMOTE_ADDR=127.0.0.1
REMOTE_PORT=2222
NS=            # the network namespace
RDIR=          # keys, configuration, logs, mount points
HOLDER=        # a process inside the remote side's namespaces
RX=()          # the command prefix that runs a command there
SSHD=
declare -A RMNT=()   # NAME -> mount point on the remote side
declare -A RPID=()   # NAME -> the timeout(1) that runs its sshfs

# remote_prereqs: skips the test unless this machine can host the setup,
# installing openssh-server and sshfs when they are missing.
remote_prereqs() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root (network and mount namespaces)"
	[ -c /dev/fuse ] || skip_all "no /dev/fuse"
	if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
		skip_all "no ip netns (iproute2)"
	fi
	local c
	for c in unshare nsenter timeout; do
		command -v "$c" >/dev/null || skip_all "no $c"
	done
	if ! [ -x /usr/sbin/sshd ] || ! command -v sshfs >/dev/null ||
		! command -v ssh-keygen >/dev/null; then
		_remote_install || skip_all "openssh-server and sshfs are missing and could not be installed"
	fi
}

# Installs the two packages without starting Debian's own sshd (which
# would listen on every address): a policy-rc.d forbids service starts
# while apt runs, unless one is there already.
_remote_install() {
	local policy=/usr/sbin/policy-rc.d made='' rc
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made=1
	fi
	diag "installing openssh-server and sshfs"
	export DEBIAN_FRONTEND=noninteractive
	timeout 150 apt-get install -y -qq --no-install-recommends \
		openssh-server sshfs >/dev/null 2>&1 ||
		{ timeout 120 apt-get update -qq >/dev/null 2>&1 &&
			timeout 150 apt-get install -y -qq --no-install-recommends \
				openssh-server sshfs >/dev/null 2>&1; }
	rc=$?
	[ -n "$made" ] && rm -f "$policy"
	return "$rc"
}

# remote_up: the namespace, throwaway keys, and sshd in the namespace.
remote_up() {
	remote_prereqs
	[ -n "$M" ] || bail "remote_up needs mount_ipcfs first"
	RDIR=$(mktemp -d "${TMPDIR:-/tmp}/ipcfs-remote.XXXXXX")
	chmod 755 "$RDIR"
	case "$RDIR:$M" in
	/run/* | *:/run/*) skip_all "TMPDIR is under /run, which sshd's namespace hides" ;;
	esac
	NS=ipcfs-remote-$$
	on_exit remote_down
	ip netns add "$NS" || bail "ip netns add failed"
	ip -n "$NS" link set lo up || bail "no loopback in the namespace"
	ssh-keygen -q -t ed25519 -N '' -C ipcfs-host -f "$RDIR/host_key" ||
		bail "ssh-keygen failed"
	ssh-keygen -q -t ed25519 -N '' -C ipcfs-remote -f "$RDIR/client_key" ||
		bail "ssh-keygen failed"
	cp "$RDIR/client_key.pub" "$RDIR/authorized_keys"
	echo "[$REMOTE_ADDR]:$REMOTE_PORT $(cat "$RDIR/host_key.pub")" >"$RDIR/known_hosts"
	# sftp only: no shell, no forwarding; internal-sftp also serves
	# users whose shell is nologin.
	cat >"$RDIR/sshd_config" <<-EOF
		ListenAddress $REMOTE_ADDR:$REMOTE_PORT
		HostKey $RDIR/host_key
		AuthorizedKeysFile $RDIR/authorized_keys
		AuthenticationMethods publickey
		PermitRootLogin prohibit-password
		StrictModes no
		UsePAM no
		UseDNS no
		PidFile none
		DisableForwarding yes
		PermitTTY no
		ForceCommand internal-sftp
		Subsystem sftp internal-sftp
		LogLevel INFO
	EOF
	cat >"$RDIR/ssh_config" <<-EOF
		Host ipcfs-host
		  HostName $REMOTE_ADDR
		  Port $REMOTE_PORT
		  IdentityFile $RDIR/client_key
		  IdentitiesOnly yes
		  UserKnownHostsFile $RDIR/known_hosts
		  GlobalKnownHostsFile /dev/null
		  StrictHostKeyChecking yes
		  BatchMode yes
		  ConnectTimeout 5
		  ServerAliveInterval 15
	EOF
	# sshd needs its privilege separation directory /run/sshd: a tmpfs
	# on /run in the mount namespace `ip netns exec` makes (a slave of
	# this one: nothing shows outside).  It sees every other mount, $M too.
	ip netns exec "$NS" sh -c 'mount -t tmpfs -o mode=755,size=64k tmpfs /run &&
		mkdir -m 755 /run/sshd && exec timeout 900 /usr/sbin/sshd -D -e -f "$1"' \
		_ "$RDIR/sshd_config" 2>"$RDIR/sshd.log" &
	SSHD=$!
	disown "$SSHD" # remote_down ends it (quietly)
	local i
	for i in $(seq 100); do
		grep -q 'Server listening' "$RDIR/sshd.log" 2>/dev/null && break
		kill -0 "$SSHD" 2>/dev/null || break
		sleep 0.05
	done
	grep -q 'Server listening' "$RDIR/sshd.log" ||
		{ sed 's/^/# sshd: /' "$RDIR/sshd.log"; bail "sshd did not start"; }
	# The remote side: its own mount namespace, without this machine's
	# ipcfs mount (so it can only go through the network).
	ip netns exec "$NS" unshare -m --propagation private sh -c \
		'umount -l "$1" && exec sleep 900' _ "$M" &
	HOLDER=$!
	disown "$HOLDER"
	wait_for _holder_ready || bail "the remote namespace did not come up"
	RX=(nsenter -t "$HOLDER" -m -n --)
}

# The holder has left sh for sleep: its namespace is ready.
_holder_ready() {
	[ "$(readlink "/proc/$HOLDER/exe" 2>/dev/null)" = "$(readlink -f "$(command -v sleep)")" ]
}

# R CMD...: runs CMD on the remote side (its network and mount namespace).
# "${RX[@]}" CMD... & does the same in the background, with $! the pid
# of CMD itself.
R() { "${RX[@]}" "$@"; }

# rmounted DIR: DIR is an sshfs mount on the remote side.
rmounted() {
	awk -v d="$1" '$5 == d { sub(/.* - /, ""); print $1 }' "/proc/$HOLDER/mountinfo" |
		grep -qx 'fuse.sshfs'
}

# remote_mount NAME USER OPTIONS: the remote side mounts this machine's
# $M with sshfs at $RDIR/NAME as USER, with the sshfs -o OPTIONS given;
# sets RMNT[NAME] and RPID[NAME].  Returns 1 (with sshfs's log) if it
# fails.
remote_mount() {
	local name=$1 user=$2 opts=$3 dir=$RDIR/$1 i
	mkdir -p "$dir"
	"${RX[@]}" timeout 900 sshfs -f -F "$RDIR/ssh_config" "$user@ipcfs-host:$M" "$dir" \
		${opts:+-o "$opts"} 2>"$RDIR/sshfs-$name.log" &
	RPID[$name]=$!
	disown "${RPID[$name]}"
	RMNT[$name]=$dir
	for i in $(seq 200); do
		rmounted "$dir" && return 0
		kill -0 "${RPID[$name]}" 2>/dev/null || break
		sleep 0.05
	done
	sed "s/^/# sshfs $name: /" "$RDIR/sshfs-$name.log"
	return 1
}

# remote_down: kills every process in the namespace (sshd, its sftp
# sessions, sshfs, remote commands, all started here), then removes the
# namespace and the files.  Killing sshfs ends remote readers stuck in it;
# killing an sftp session parked in ipcfs interrupts its request.
remote_down() {
	local p
	if [ -n "$NS" ]; then
		for _ in $(seq 100); do
			p=$(ip netns pids "$NS" 2>/dev/null)
			[ -z "$p" ] && break
			# shellcheck disable=SC2086
			kill -9 $p 2>/dev/null
			sleep 0.05
		done
		ip netns del "$NS" 2>/dev/null
		NS=
	fi
	[ -n "$RDIR" ] && rm -rf "$RDIR"
	RDIR=
	return 0
}

# sshfs_pid NAME: the pid of the sshfs process of that mount.
sshfs_pid() { pgrep -x -P "${RPID[$1]}" sshfs; }

# sftp_sessions: pids of the sftp sessions sshd runs (on the host side).
sftp_sessions() {
	local p
	for p in $(ip netns pids "$NS" 2>/dev/null); do
		grep -q 'internal-sftp' "/proc/$p/cmdline" 2>/dev/null && echo "$p"
	done
	return 0
}
# parked_sessions: those whose sftp request waits for an ipcfs answer.
parked_sessions() {
	local p
	for p in $(sftp_sessions); do
		grep -q 'request_wait_answer' "/proc/$p/wchan" 2>/dev/null && echo "$p"
	done
	return 0
}
# any_parked: some sftp session waits for ipcfs.
any_parked() { [ -n "$(parked_sessions)" ]; }
# read_parked: some sftp session waits for ipcfs's answer to a read
# (read or pread64), not to the lookup or open on its way there.
read_parked() {
	local p
	for p in $(parked_sessions); do
		[[ $(cat "/proc/$p/syscall" 2>/dev/null) =~ ^(0|17)\  ]] && return 0
	done
	return 1
}
# rstuck PID: the remote process PID (or a child of it) waits for
# sshfs's answer.
rstuck() {
	local p
	for p in "$1" $(pgrep -P "$1"); do
		grep -q 'request_wait_answer' "/proc/$p/wchan" 2>/dev/null && return 0
	done
	return 1
}
