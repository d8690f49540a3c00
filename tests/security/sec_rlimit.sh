#!/bin/bash
# Finding 4: a queue made through the tree is charged against the
# caller's own RLIMIT_MSGQUEUE also when the caller's real and effective
# ids differ (a setuid or setgid program): with the limit set low, mkdir
# of a queue larger than the limit fails with EMFILE, as mq_open(3) by
# the same process fails, and a queue within it is made, owned as mq_open
# would own it.  (The server may not read such a caller's limit with
# prlimit(2) after taking its ids: that needs all of a process's uids
# and gids to match.)
. "${TESTS_SRC:-$(dirname "$0")/..}/security/seclib.sh"
command -v prlimit >/dev/null || skip_all "no prlimit"
sec_mount
on_exit "for q in \$(ls '$M/mq' 2>/dev/null | grep '^$Q'); do rmdir '$M/mq/'\$q; done; for q in ${Q}sd ${Q}gd ${Q}bd; do '$B/mq_unl' /\$q 2>/dev/null; done"
# The server's own limit must not be what stops the big queue.
prlimit --pid "$SERVER" --msgqueue=unlimited

for c in s g b; do
	case $c in
	s) what="setuid (ruid 65534, euid 1234)"
	   ids=(--ruid=65534 --euid=1234 --regid=65534) ;;
	g) what="setgid (rgid 65534, egid 1234)"
	   ids=(--reuid=65534 --rgid=65534 --egid=1234) ;;
	b) what="setuid and setgid"
	   ids=(--ruid=65534 --euid=1234 --rgid=65534 --egid=1234) ;;
	esac
	low=(prlimit --msgqueue=1000 setpriv "${ids[@]}" --clear-groups)
	high=(prlimit --msgqueue=100000 setpriv "${ids[@]}" --clear-groups)
	like "$("${low[@]}" "$B/mq_crt" "/${Q}${c}d" 2 1024 2>&1)" "Too many open files" \
		"$what, RLIMIT_MSGQUEUE 1000: mq_open of a 2 x 1024 queue fails with EMFILE"
	is "$("${low[@]}" "$B/mq_fsop" mkdir "$M/mq/${Q}${c}x,maxmsg=2,msgsize=1024" 2>&1)" "mkdir: EMFILE" \
		"$what: mkdir of the same queue through the tree: EMFILE too"
	ok "$what: nothing was made" test ! -e "$M/mq/${Q}${c}x"
	ok "$what, RLIMIT_MSGQUEUE 100000: mq_open makes it" "${high[@]}" "$B/mq_crt" "/${Q}${c}d" 2 1024
	is "$("${high[@]}" "$B/mq_fsop" mkdir "$M/mq/${Q}${c}y,maxmsg=2,msgsize=1024" 2>&1)" ok \
		"$what: and so does mkdir through the tree"
	is "$(stat -c '%u %g' "$M/mq/${Q}${c}y" 2>&1)" "$(stat -c '%u %g' "$M/mq/${Q}${c}d")" \
		"$what: owned as mq_open owns it"
done
ok "the server is alive" server_alive
done_testing
