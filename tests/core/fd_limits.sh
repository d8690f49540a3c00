#!/bin/bash
# A server short of file descriptors while queues are made and used: each
# queue in use holds one descriptor in the server, so past the limit mkdir
# and opens fail with EMFILE ("Too many open files"), nothing crashes,
# nothing half-made is left, and when the limit is raised again everything
# works.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"
command -v prlimit >/dev/null || skip_all "no prlimit"
mount_ipcfs
scratch_dir
pre=lim$$
made=()
on_exit 'for q in "${made[@]}"; do rmdir "$M/mq/$q" 2>/dev/null; done'

# The soft limit only: without CAP_SYS_RESOURCE it could not be raised back.
prlimit --pid "$SERVER" --nofile=48:
fails=0
for i in $(seq 60); do
	if mkdir "$M/mq/$pre-$i,maxmsg=1,msgsize=16" 2>>"$T/err"; then
		made+=("$pre-$i")
	else
		fails=$((fails + 1))
	fi
done
ok "with 48 fds, some of 60 mkdirs fail (${#made[@]} made, $fails refused)" test "$fails" -gt 0
is "$(grep -vc 'Too many open files' "$T/err")" 0 "all with EMFILE"
ok "the server lives" server_alive
# A listing holds no fd of its own (one fd of the server serves them all).
is "$(ls "$M/mq" 2>&1 >/dev/null)" "" "listing mq/ at the limit works: it needs no new fd"
# The queues that exist still work (their descriptors are held).
q=${made[0]}
printf '%s' hello >"$M/mq/$q/0"
is "$(cat "$M/mq/$q/next")" hello "a queue made before the limit works"

prlimit --pid "$SERVER" --nofile=4096:
listed=$(ls "$M/mq" | grep -c "^$pre-")
is "$listed" "${#made[@]}" "after the limit is raised: exactly the queues made are listed"
for i in $(seq 61 70); do
	mkdir "$M/mq/$pre-$i,maxmsg=1,msgsize=16" && made+=("$pre-$i")
done
is "$(ls "$M/mq" | grep -c "^$pre-")" "$((listed + 10))" "after the limit is raised, mkdir works again"
q=${made[-1]}
printf '%s' again >"$M/mq/$q/0"
is "$(cat "$M/mq/$q/next")" again "and the new queues work"
for q in "${made[@]}"; do rmdir "$M/mq/$q"; done
made=()
is "$(ls "$M/mq" | grep -c "^$pre-")" 0 "all removed"
done_testing
