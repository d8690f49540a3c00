#!/bin/bash
# tests/fuzz/long-run.sh: the long fuzzing run the hardening issue asks
# for: every libFuzzer target for N seconds (default 600) under nice -n 19,
# so a shared machine stays usable, then a table of executions, exec/s,
# time, coverage and findings per target.  The committed corpus is only
# read unless -m is given; each run's new inputs, log and any finding
# stay in BUILD/long-run/TARGET/.
#
#   tests/fuzz/long-run.sh [-t SECONDS] [-j JOBS] [-m] [-B BUILD] [TARGET...]
#
#   -t SECONDS  per target (default 600)
#   -j JOBS     targets run at once (default 1; one core each)
#   -m          afterwards merge the inputs that reach new code into
#               tests/fuzz/corpus/TARGET (libFuzzer -merge=1)
#   -B BUILD    the fuzz build directory (default build-fuzz; configured
#               with clang and -Dfuzz=true when missing)
# Exits 1 if any target had a finding.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD

seconds=600 jobs=1 merge= build=build-fuzz
while getopts "t:j:mB:h" o; do
	case $o in
	t) seconds=$OPTARG ;;
	j) jobs=$OPTARG ;;
	m) merge=1 ;;
	B) build=$OPTARG ;;
	*) sed -n '2,17p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for d in tests/fuzz/corpus/*/; do
		targets+=("$(basename "$d")")
	done
fi

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dfuzz=true -Dtests=false \
		-Dbenchmarks=false >/dev/null || exit 1
fi
if ! nice -n 19 ninja -C "$build" >/dev/null; then
	echo "long-run: the build failed"
	exit 1
fi

# run_one TARGET: one run; writes BUILD/long-run/TARGET/{log,rc,time}.
run_one() {
	local t=$1 dir="$ROOT/$build/long-run/$1" start
	rm -rf "$dir"
	mkdir -p "$dir/new" "$dir/artifacts"
	start=$SECONDS
	nice -n 19 "$ROOT/$build/tests/fuzz/fuzz_$t" \
		-max_total_time="$seconds" -timeout=25 -error_exitcode=1 \
		-timeout_exitcode=1 -print_final_stats=1 \
		-dict="$ROOT/tests/fuzz/fuzz_$t.dict" \
		-artifact_prefix="$dir/artifacts/" \
		"$dir/new" "$ROOT/tests/fuzz/corpus/$t" >"$dir/log" 2>&1
	echo $? >"$dir/rc"
	echo $((SECONDS - start)) >"$dir/time"
	echo "long-run: $t done ($(cat "$dir/time") s, exit $(cat "$dir/rc"))"
}

echo "long-run: ${#targets[@]} targets, ${seconds} s each, $jobs at a time"
for t in "${targets[@]}"; do
	if [ ! -x "$build/tests/fuzz/fuzz_$t" ]; then
		echo "long-run: no target fuzz_$t in $build"
		exit 1
	fi
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	run_one "$t" &
done
wait

found=0
stat() { sed -n "s/^stat::$1: *//p" "$dir/log" | tail -1; }
printf '\n%-12s %12s %9s %7s %6s %6s %6s %s\n' \
	target executions exec/s time cov ft new findings
for t in "${targets[@]}"; do
	dir="$build/long-run/$t"
	cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$dir/log" | tail -1)
	read -r _ c _ f <<<"${cov:-cov: ? ft: ?}"
	n=$(find "$dir/artifacts" -type f | wc -l)
	[ "$(cat "$dir/rc")" = 0 ] || [ "$n" -gt 0 ] || n=1
	[ "$n" -eq 0 ] || found=1
	printf '%-12s %12s %9s %6ss %6s %6s %6s %s\n' "$t" \
		"$(stat number_of_executed_units)" \
		"$(stat average_exec_per_sec)" "$(cat "$dir/time")" \
		"$c" "$f" "$(stat new_units_added)" "$n"
	find "$dir/artifacts" -type f | sed 's/^/    finding: /'
done

# Without hit counters a new input must reach a new edge, not only run
# a loop more often: that keeps each corpus to a few dozen files.
if [ -n "$merge" ]; then
	for t in "${targets[@]}"; do
		dir="$build/long-run/$t"
		nice -n 19 "$build/tests/fuzz/fuzz_$t" -merge=1 -use_counters=0 \
			"tests/fuzz/corpus/$t" "$dir/new" >"$dir/merge.log" 2>&1
		echo "long-run: $t: $(grep -Eo 'MERGE-OUTER: [0-9]+ new files' \
			"$dir/merge.log" || echo "merge failed, see $dir/merge.log")"
	done
fi
exit $found
