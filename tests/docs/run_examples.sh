#!/bin/bash
# Runs every example of README.md and docs/*.md against a real mount, so no
# example rots.  An example is a ```sh block written as a transcript:
#
#     $ command            (run; "> " lines continue it)
#     expected output      (each line a glob pattern; "..." = any lines)
#
# /mnt/ipc in the examples is replaced by the test's own mount.  The blocks
# of one file run in one bash session, in order, so later blocks may use
# what earlier ones set; every command must finish (examples that block
# end by themselves).  Blocks in other fences (```console, ```text) are
# not run.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"
ROOT=$(cd "$TESTS_SRC/.." && pwd)
mount_ipcfs
T=$(mktemp -d)
on_exit "rm -rf $T"

# extract FILE: prints the transcript blocks as records:
#   "C <command>" / "O <expected line>" / "B <line number>" per block.
extract() {
	awk '
	/^```sh[ \t]*$/ { inblock = 1; print "B " NR; cmd = ""; next }
	/^```/ && inblock { if (cmd != "") print "C " cmd; inblock = 0; next }
	!inblock { next }
	/^\$ / { if (cmd != "") print "C " cmd; cmd = substr($0, 3); next }
	/^> / && cmd != "" { cmd = cmd "\037" substr($0, 3); next }
	{ if (cmd != "") { print "C " cmd; cmd = "" } print "O " $0 }
	' "$1"
}

# matches GOT_FILE WANT_FILE: every got line against the glob lines.
# Job-control notices ("[1]+  Done  sleep 1", or "script.sh: line 9:
# 1234 Killed  sleep 1" for a job of a job) are not output of a command.
matches() {
	local -a got want
	mapfile -t got < <(grep -Ev '^\[[0-9]+\][-+ ] +[A-Z]|^[^ ]*script\.sh: line [0-9]+: +[0-9]+ [A-Z]' "$1")
	mapfile -t want <"$2"
	local g=0 w=0
	while [ "$w" -lt "${#want[@]}" ]; do
		if [ "${want[$w]}" = "..." ]; then
			w=$((w + 1))
			[ "$w" -eq "${#want[@]}" ] && return 0
			while [ "$g" -lt "${#got[@]}" ]; do
				# shellcheck disable=SC2053
				[[ ${got[$g]} == ${want[$w]} ]] && break
				g=$((g + 1))
			done
			[ "$g" -lt "${#got[@]}" ] || return 1
		fi
		[ "$g" -lt "${#got[@]}" ] || return 1
		# shellcheck disable=SC2053
		[[ ${got[$g]} == ${want[$w]} ]] || return 1
		g=$((g + 1)); w=$((w + 1))
	done
	[ "$g" -eq "${#got[@]}" ]
}

run_file() {
	local f=$1 rel=${1#"$ROOT"/} script=$T/script.sh n=0 line kind text
	: >"$script"
	# Job control on, as in a terminal: background jobs keep SIGINT.
	{
		echo "cd $T/work || exit 1"
		echo "set +e -m"
	} >>"$script"
	mkdir -p "$T/work"
	# Turn the records into a script that runs each command with its
	# output in its own file, and a list of expectations.
	rm -f "$T"/want.* "$T"/got.*
	while IFS= read -r line; do
		kind=${line%% *}; text=${line#* }
		case $kind in
		B) block=$text ;;
		C)
			n=$((n + 1))
			text=${text//$'\037'/$'\n'}
			text=${text//\/mnt\/ipc/$M}
			printf '%s\n' "$block" >"$T/block.$n"
			printf '%s\n' "$text" >"$T/cmd.$n"
			: >"$T/want.$n"
			printf '{\n%s\n} >%s 2>&1\n' "$text" "$T/got.$n" >>"$script"
			;;
		O) printf '%s\n' "${text//\/mnt\/ipc/$M}" >>"$T/want.$n" ;;
		esac
	done < <(extract "$f")
	[ "$n" -gt 0 ] || return 0
	timeout 120 bash "$script" </dev/null >/dev/null 2>&1
	local i
	for i in $(seq "$n"); do
		local what
		what="$rel:$(cat "$T/block.$i"): $(head -n 1 "$T/cmd.$i")"
		if [ ! -e "$T/got.$i" ]; then
			fail "$what" "did not run (an earlier command hung?)"
		elif matches "$T/got.$i" "$T/want.$i"; then
			pass "$what"
		else
			fail "$what" "got:" "$(sed 's/^/    /' "$T/got.$i")" "want:" "$(sed 's/^/    /' "$T/want.$i")"
		fi
	done
}

# Queues and shm objects the examples leave behind (when one fails half
# way) are removed, so a rerun starts clean; what was there before stays.
ls "$M/mq" >"$T/mq.before"
ls "$M/shm" >"$T/shm.before"
# Only names the examples use count: other programs may make objects of
# their own meanwhile.
leftovers() {
	local n
	comm -13 "$T/mq.before" <(ls "$M/mq") | while read -r n; do
		cat "$ROOT/README.md" "$ROOT"/docs/*.md | grep -q "/mq/$n\b" &&
			rmdir "$M/mq/$n" && echo "mq/$n"
	done
	comm -13 "$T/shm.before" <(ls "$M/shm") | while read -r n; do
		cat "$ROOT/README.md" "$ROOT"/docs/*.md | grep -q "/shm/$n\b" &&
			rm -f "$M/shm/$n" && echo "shm/$n"
	done
}
on_exit "leftovers >/dev/null"

files=("$ROOT/README.md" "$ROOT"/docs/*.md)
for f in "${files[@]}"; do
	run_file "$f"
done
is "$(leftovers | paste -sd' ')" "" "the examples leave no queue or shm object behind"
ok "the server is still alive" server_alive
done_testing
