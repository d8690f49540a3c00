#!/bin/bash
# Runs every example of README.md and docs/*.md against a real mount, so no
# example rots, and so that each reads exactly as a user would see it.
#
# An example is a ```sh block written as a real transcript:
#
#     $ command            (run; "> " lines continue it)
#     output               (what the command prints, literally)
#
# Expected output is compared literally: no globs, no "...".  What a
# transcript cannot show literally is said to the harness in an HTML
# comment right before the block, which a Markdown renderer does not show:
#
#     <!-- expect: line N ~ ERE -->       line N of the block (1 = the line
#     <!-- expect: lines N-M ~ ERE -->    after ```sh) is matched by the
#                                         extended regex ERE instead
#
# The marked lines must be output lines, and the text the reader sees
# must itself match the ERE (a rule cannot drift from its transcript).
# Pids are normalised: a number in the output that is the pid of a
# process of the example's session (any $!, $$, or a process of the
# session when a command ended) stands for any number in the text, so
# a transcript shows the pids of the run it was copied from.  Job-control
# notices ("[1] 1234", "[1]+  Done  sleep 1", "line 9:  1234 Killed ...")
# are the shell's, not the command's, and are left out.
#
# /mnt/ipc in the examples is replaced by the test's own mount.  The blocks
# of one file run in one bash session, in order, so later blocks may use
# what earlier ones set; every command must finish (examples that block
# end by themselves).  Each file runs twice, as its examples would be used:
#   script        pasted into a script: `bash script.sh`, no terminal, no
#                 job control (background jobs ignore SIGINT and SIGQUIT)
#   interactive   typed at a prompt: `bash -i` on a terminal (script(1)),
#                 with job control
# and both must give the transcript.  Blocks in other fences (```console,
# ```text) are not run.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"
ROOT=$(cd "$TESTS_SRC/.." && pwd)
command -v script >/dev/null || skip_all "no script(1) for the interactive run"
command -v setsid >/dev/null || skip_all "no setsid(1)"
mount_ipcfs
T=$(mktemp -d)

# extract FILE: prints the transcript blocks as records:
#   "B <line number>" per block, "R <line in block> <ERE>" per rule,
#   "C <command>", "O <line in block> <expected line>".
extract() {
	awk '
	/^<!-- expect: lines? [0-9]+(-[0-9]+)? ~ .* -->[ \t]*$/ && !inblock {
		s = $0
		sub(/^<!-- expect: lines? /, "", s); sub(/ -->[ \t]*$/, "", s)
		range = s; sub(/ .*/, "", range)
		ere = s; sub(/^[^ ]+ ~ /, "", ere)
		lo = range; hi = range
		if (range ~ /-/) { lo = range; sub(/-.*/, "", lo); hi = range; sub(/.*-/, "", hi) }
		for (i = lo + 0; i <= hi + 0; i++) rules[nrules++] = i " " ere
		next
	}
	/^```sh[ \t]*$/ {
		inblock = 1; start = NR; print "B " NR; cmd = ""
		for (i = 0; i < nrules; i++) print "R " rules[i]
		nrules = 0
		next
	}
	!inblock { if ($0 !~ /^<!--/) nrules = 0; next }
	/^```/ { if (cmd != "") print "C " cmd; inblock = 0; next }
	/^\$ / { if (cmd != "") print "C " cmd; cmd = substr($0, 3); next }
	/^> / && cmd != "" { cmd = cmd "\037" substr($0, 3); next }
	{ if (cmd != "") { print "C " cmd; cmd = "" } print "O " (NR - start) " " $0 }
	' "$1"
}

# normalise GOT_FILE PIDS_FILE: the output without job-control notices,
# each pid of the session replaced by \001.
normalise() {
	grep -Ev '^\[[0-9]+\][-+ ] +[A-Z]|^\[[0-9]+\] [0-9]+$|^[^ ]*: line [0-9]+: +[0-9]+ [A-Z][a-z]' "$1" |
		awk -v pidfile="$2" '
		BEGIN { while ((getline l < pidfile) > 0) { n = split(l, a, /[^0-9]+/); for (i = 1; i <= n; i++) if (a[i] != "") pid[a[i]] = 1 } }
		{
			out = ""; s = $0
			while (match(s, /[0-9]+/)) {
				pre = substr(s, 1, RSTART - 1); num = substr(s, RSTART, RLENGTH)
				rest = substr(s, RSTART + RLENGTH)
				before = substr(pre, length(pre)); after = substr(rest, 1, 1)
				if ((num in pid) && before !~ /[A-Za-z0-9_.]/ && after !~ /[A-Za-z0-9_.]/)
					num = "\001"
				out = out pre num; s = rest
			}
			print out s
		}'
}

# same_line GOT WANT: GOT (pids as \001) is WANT with any numbers there.
same_line() {
	local g=$1 w=$2 seg
	while [[ $g == *$'\001'* ]]; do
		seg=${g%%$'\001'*}; g=${g#*$'\001'}
		[[ $w == "$seg"* ]] || return 1
		w=${w#"$seg"}
		[[ $w =~ ^[0-9]+ ]] || return 1
		w=${w#"${BASH_REMATCH[0]}"}
	done
	[ "$w" = "$g" ]
}

# matches GOT_FILE WANT_FILE PIDS_FILE: line by line; a want line is
# "L text" (literal) or "E ere".
matches() {
	local -a got want
	mapfile -t got < <(normalise "$1" "$3")
	mapfile -t want <"$2"
	[ "${#got[@]}" -eq "${#want[@]}" ] || return 1
	local i w g
	for i in "${!want[@]}"; do
		w=${want[$i]#? }; g=${got[$i]}
		case ${want[$i]} in
		E*) [[ ${g//$'\001'/0} =~ $w ]] || return 1 ;;
		*) same_line "$g" "$w" || return 1 ;;
		esac
	done
}

# prepare FILE: turns the records into $T/body.sh (each command with its
# output in its own file, then the session's pids noted) and the lists of
# expectations; prints the number of commands.
prepare() {
	local f=$1 n=0 line kind text no ere block='' bad=''
	local -A rule=()
	rm -f "$T"/want.* "$T"/cmd.* "$T"/block.*
	: >"$T/body.sh"
	while IFS= read -r line; do
		kind=${line%% *}; text=${line#* }
		case $kind in
		B)
			# A rule left over points at no output line of its block.
			[ ${#rule[@]} -eq 0 ] || bad+="block at line $block: a rule for line(s) ${!rule[*]}, which are no output lines; "
			block=$text; rule=() ;;
		R) rule[${text%% *}]=${text#* } ;;
		C)
			n=$((n + 1))
			text=${text//$'\037'/$'\n'}
			text=${text//\/mnt\/ipc/$M}
			printf '%s\n' "$block" >"$T/block.$n"
			printf '%s\n' "$text" >"$T/cmd.$n"
			: >"$T/want.$n"
			printf '{\n%s\n} >"$OUT/got.%s" 2>&1\n_note_pids\n' "$text" "$n" >>"$T/body.sh"
			;;
		O)
			no=${text%% *}; text=${text#* }
			if [ -n "${rule[$no]+set}" ]; then
				ere=${rule[$no]}
				[[ $text =~ $ere ]] || bad+="line $no '$text' does not match its rule /$ere/; "
				printf 'E %s\n' "${ere//\/mnt\/ipc/$M}" >>"$T/want.$n"
				unset "rule[$no]"
			else
				printf 'L %s\n' "${text//\/mnt\/ipc/$M}" >>"$T/want.$n"
			fi
			;;
		esac
	done < <(extract "$f"; echo "B end")
	echo "$n"
	[ -z "$bad" ] || echo "$bad" >"$T/rules.bad"
}

# run_mode FILE MODE N: runs the prepared body in MODE and checks it.
run_mode() {
	local f=$1 mode=$2 n=$3 rel=${1#"$ROOT"/} i what
	local OUT=$T/$mode
	rm -rf "$OUT"; mkdir -p "$OUT" "$T/work.$mode"
	{
		echo "OUT=$OUT"
		echo "echo \$\$ >\"\$OUT/sid\""
		# Notes the pids a command may print, keeping its status.
		echo '_note_pids() { local rc=$?; echo "$$ $! $(pgrep -s $$ | tr "\n" " ")" >>"$OUT/pids"; return $rc; }'
		echo "cd $T/work.$mode || exit 1"
		echo "set +e"
		cat "$T/body.sh"
	} >"$T/script.sh"
	case $mode in
	script)
		timeout 120 setsid -w bash "$T/script.sh" </dev/null >/dev/null 2>&1 ;;
	interactive)
		timeout 120 script -qec "bash --norc --noprofile -i $T/script.sh" /dev/null \
			</dev/null >/dev/null 2>&1 ;;
	esac
	# What an example left running ends with its session.
	if [ -s "$OUT/sid" ]; then
		pgrep -s "$(cat "$OUT/sid")" | while read -r i; do kill -9 "$i" 2>/dev/null; done
	fi
	touch "$OUT/pids"
	for i in $(seq "$n"); do
		what="$rel:$(cat "$T/block.$i"): $(head -n 1 "$T/cmd.$i") ($mode)"
		if [ ! -e "$OUT/got.$i" ]; then
			fail "$what" "did not run (an earlier command hung?)"
		elif matches "$OUT/got.$i" "$T/want.$i" "$OUT/pids"; then
			pass "$what"
		else
			local -a g w
			mapfile -t g < <(sed 's/^/    /' "$OUT/got.$i")
			mapfile -t w < <(sed 's/^L /    /; s/^E /    ~ /' "$T/want.$i")
			fail "$what" "got:" "${g[@]}" "want:" "${w[@]}"
		fi
	done
}

run_file() {
	local f=$1 n
	rm -f "$T/rules.bad"
	n=$(prepare "$f")
	if [ -e "$T/rules.bad" ]; then
		fail "${f#"$ROOT"/}: every expect rule matches the text it is for" "$(cat "$T/rules.bad")"
	fi
	[ "$n" -gt 0 ] || return 0
	run_mode "$f" script "$n"
	leftovers >/dev/null
	run_mode "$f" interactive "$n"
	leftovers >/dev/null
}

# Queues and shm objects the examples leave behind (when one fails half
# way) are removed, so the next run starts clean; what was there before
# stays.
ls "$M/mq" >"$T/mq.before"
ls "$M/shm" >"$T/shm.before"
: >"$T/left"
# Only names the examples use count: other programs may make objects of
# their own meanwhile.
leftovers() {
	local n
	comm -13 "$T/mq.before" <(ls "$M/mq") | while read -r n; do
		cat "$ROOT/README.md" "$ROOT"/docs/*.md | grep -q "/mq/$n\b" &&
			rmdir "$M/mq/$n" && echo "mq/$n" | tee -a "$T/left"
	done
	comm -13 "$T/shm.before" <(ls "$M/shm") | while read -r n; do
		cat "$ROOT/README.md" "$ROOT"/docs/*.md | grep -q "/shm/$n\b" &&
			rm -f "$M/shm/$n" && echo "shm/$n" | tee -a "$T/left"
	done
}
on_exit "leftovers >/dev/null"
on_exit "rm -rf $T"

# The convention itself: a glob, a "..." line or a stray rule would let
# a transcript show what no user sees.
self_check() {
	local md=$T/selfcheck.md
	printf '%s\n' '<!-- expect: line 2 ~ ^a+$ -->' '```sh' '$ echo aaa' 'aaa' '```' >"$md"
	[ "$(extract "$md" | paste -sd'|')" = "B 2|R 2 ^a+\$|C echo aaa|O 2 aaa" ]
}
ok "the extractor reads rules, commands and numbered output" self_check
printf 'x 4242 y\n[1] 4242\n' >"$T/sc.got"; echo 4242 >"$T/sc.pids"
is "$(normalise "$T/sc.got" "$T/sc.pids" | tr '\001' P)" "x P y" \
	"pids are normalised and job notices left out"
ok "a pid stands for any number" same_line $'x \001 y' "x 17 y"
not() { ! "$@"; }
ok "but for nothing else" not same_line $'x \001 y' "x 17z y"
printf 'L *\n' >"$T/sc.want"; echo 'anything' >"$T/sc.got"
ok "expected output is literal (no globs)" not matches "$T/sc.got" "$T/sc.want" "$T/sc.pids"

files=("$ROOT/README.md" "$ROOT"/docs/*.md)
for f in "${files[@]}"; do
	run_file "$f"
done
is "$(sort -u "$T/left" | paste -sd' ')" "" "the examples leave no queue or shm object behind"
ok "the server is still alive" server_alive
done_testing
