#!/bin/bash
# tests/fuzz/run-fuzz.sh: one bounded libFuzzer run of one target, as a
# meson test.  The committed corpus is only read: new inputs go to a
# temporary directory that is removed afterwards, so the source tree
# never changes.  Prints one TAP line with the figures and fails (exit 1,
# never libFuzzer's 77, which meson would take for a skip) on a finding;
# the input that found it is kept under ARTIFACTS.
#
#   run-fuzz.sh FUZZER CORPUS SECONDS ARTIFACTS [LIBFUZZER-OPTION...]
set -u
fuzzer=$1 corpus=$2 seconds=$3 artifacts=$4
shift 4
name=$(basename "$fuzzer")

work=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"

echo "1..1"
start=$SECONDS
"$fuzzer" -max_total_time="$seconds" -timeout=25 -error_exitcode=1 \
	-timeout_exitcode=1 -print_final_stats=1 \
	-artifact_prefix="$artifacts/$name-" "$@" "$work" "$corpus" \
	>"$work/log" 2>&1
rc=$?
elapsed=$((SECONDS - start))

# "#12345 DONE cov: 210 ft: 650 corp: 40/1Kb ..." and the final stats.
stat() { sed -n "s/^stat::$1: *//p" "$work/log" | tail -1; }
runs=$(stat number_of_executed_units)
rate=$(stat average_exec_per_sec)
cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$work/log" | tail -1)
figures="${runs:-?} runs in ${elapsed}s (${rate:-?}/s), ${cov:-no cov line}"

if [ $rc -eq 0 ]; then
	echo "ok 1 - $name: $figures, no finding"
	exit 0
fi
echo "not ok 1 - $name: exit $rc after $figures"
# The report from its first line (the stack trace is in the next 40).
awk '/ERROR:|invariant broken|runtime error|deadly signal/ { n = 40 }
     n-- > 0' "$work/log" | sed 's/^/# /'
ls "$artifacts"/"$name"-* 2>/dev/null | sed 's/^/# kept: /'
exit 1
