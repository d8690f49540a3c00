#!/bin/bash
# Finding 3: a caller in a pid namespace of its own sees and signals only
# what kill(2) could name from there.  uid 65534 in its own user and pid
# namespaces (PIDNS), and root in a pid namespace of its own (unshare
# -pf --mount-proc, all capabilities kept), cannot name a process
# outside, though it has the same uid (ENOENT at lookup and open, nothing
# delivered); `proc/` lists exactly the processes of its namespace, by the
# numbers the server's namespace gives them (the tree keeps the server's
# numbering), checked against the host's view (/proc/PID/ns/pid, NSpid);
# `proc/self` resolves to the caller's own number there, and it can still
# signal its own child through that number.
. "${TESTS_SRC:-$(dirname "$0")/..}/security/seclib.sh"
need_ns
sec_mount
chmod 777 "$T"
ROOTNS=(unshare -pf --mount-proc)
"${ROOTNS[@]}" true 2>/dev/null || skip_all "root may not make a pid namespace here"

# Run inside the sandbox (bash): starts a child that writes where
# proc/self leads it and becomes a catch, lists proc/ with a glob (bash
# itself reads the directory: no process of the listing comes and goes),
# signals its child through the tree, says "done" and waits for "go".
sandbox='
M=$1 T=$2 B=$3 tag=$4
exec 3<>"$T/$tag.go"
# (pwd -P in a $(...) would resolve proc/self again, in the subshell)
cd -P "$M/proc/self" && { printf "%s " $$; pwd -P; } >"$T/$tag.self"
cd /
bash -c "cd \"$M/proc/self\" && pwd -P >\"$T/$tag.childpath\" && exec \"$B/catch\" USR1" >"$T/$tag.catch" &
for i in $(seq 200); do [ -s "$T/$tag.catch" ] && break; read -r -t 0.05 -u 3; done
list=("$M"/proc/[0-9]*)
echo "${list[@]##*/}" >"$T/$tag.list"
child=$(cat "$T/$tag.childpath")
"$B/fsop" write "$M/proc/${child##*/}/signal" "USR1\n" >"$T/$tag.sig" 2>&1
for i in $(seq 100); do [ "$(wc -l <"$T/$tag.catch")" -ge 2 ] && break; read -r -t 0.05 -u 3; done
echo done >"$T/$tag.done"
read -r -t 30 -u 3
kill %1
'

for who in nobody root; do
	if [ "$who" = nobody ]; then
		C=("${PIDNS[@]}")
		start_logged "$T/out.$who" "${NOBODY[@]}" "$B/catch" INT TERM USR1 HUP
	else
		C=("${ROOTNS[@]}")
		start_logged "$T/out.$who" "$B/catch" INT TERM USR1 HUP
	fi
	op=$(helper_pid "$T/out.$who")
	# A process of the same uid outside the namespace: not even a name.
	for sig in 0 USR1 HUP TERM 9; do
		try ENOENT "${C[@]}" "$B/fsop" write "$M/proc/$op/signal" "$sig\n"
	done
	try ENOENT "${C[@]}" "$B/fsop" read "$M/proc/$op/state"
	try ENOENT "${C[@]}" "$B/fsop" read "$M/proc/1/state"
	try ENOENT "${C[@]}" "$B/fsop" write "$M/proc/1/signal" '0\n'
	try ENOENT "${C[@]}" "$B/fsop" read "$M/proc/$$/wait" nonblock
	tally "$who in its own pid namespace: a same-uid process outside, pid 1 and the test's shell: ENOENT"
	is "$(wc -l <"$T/out.$who")" 1 "$who: the process outside caught nothing"
	ok "$who: and it is alive" kill -0 "$op"

	mkfifo -m 666 "$T/$who.go"
	"${C[@]}" bash -c "$sandbox" _ "$M" "$T" "$B" "$who" >"$T/$who.err" 2>&1 &
	sb=$!
	for i in $(seq 200); do [ -e "$T/$who.done" ] && break; sleep 0.05; done
	ok "$who: the sandbox ran" test -e "$T/$who.done"
	read -r nspid selfpath <"$T/$who.self"
	hostpid=${selfpath##*/}
	is "$nspid" 1 "$who: the sandbox's shell is pid 1 of its namespace"
	is "$(awk '/^NSpid:/ { print $2, $3 }' "/proc/$hostpid/status" 2>/dev/null)" "$hostpid 1" \
		"$who: proc/self leads it to its own number in the server's namespace ($hostpid)"
	ns=$(readlink "/proc/$hostpid/ns/pid")
	want=$(for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$ns" ] && echo "${p#/proc/}"
	done | sort -n | tr '\n' ' ')
	got=$(tr ' ' '\n' <"$T/$who.list" | sort -n | tr '\n' ' ')
	is "$got" "$want" "$who: its ls proc/ lists exactly its namespace's processes, by their host numbers"
	child=$(cat "$T/$who.childpath")
	child=${child##*/}
	like "$(awk '/^NSpid:/ { print $2, $3 }' "/proc/$child/status" 2>/dev/null)" "^$child [0-9]+\$" \
		"$who: its child's proc/self is its host number ($child)"
	is "$(cat "$T/$who.sig")" "ok 5" "$who: it signals its own child through that number"
	is "$(sed -n 2p "$T/$who.catch")" "Caught: User defined signal 1" "$who: which gets the signal"
	echo go >"$T/$who.go"
	wait "$sb"
	[ -s "$T/$who.err" ] && diag "$(cat "$T/$who.err")"
done
ok "the server is alive" server_alive
done_testing
