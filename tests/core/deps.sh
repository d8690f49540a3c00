#!/bin/bash
# Dependencies run one way, main -> families -> core (issue 12): from the
# symbols of the server's own object files (nm: what each defines, what
# each uses), no core object uses a family's symbol, no family another
# family's, nothing uses main.c's, main.c uses every family, and no
# cycle runs among the objects of the core or of one family; and no core
# source reads a family's header (by the preprocessor, with the server's
# own command lines, and by a grep of the #include lines).  deps.py draws
# the graph and names each offending edge and cycle.  The checker is
# tried first on a small fake build, once clean and once with one of each
# fault, so it is shown to pass and to fail.  No mount.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"

command -v python3 >/dev/null || skip_all "no python3"
command -v nm >/dev/null || skip_all "no nm (binutils)"
CC=${CC:-cc}
command -v "$CC" >/dev/null || skip_all "no C compiler ($CC)"
BUILD_ROOT=${BUILD_ROOT:-$TESTS_SRC/../build}
SRC=$TESTS_SRC/../src
deps=$TESTS_SRC/core/deps.py
[ -f "$BUILD_ROOT/compile_commands.json" ] ||
	bail "no $BUILD_ROOT/compile_commands.json"

T=$(mktemp -d "${TMPDIR:-/tmp}/ipcfs-deps.XXXXXX")
on_exit "rm -rf '$T'"

# findings REPORT: its lines but the list of objects.
findings() { grep -v '^object: ' "$1" | sort; }
# tagged TAG REPORT: the findings of one tag, without it.
tagged() { sed -n "s/^$1: //p" "$2" | sort; }

# fake_build DIR CFLAGS: a small tree of the server's shape in DIR/src
# (core/a.c core/b.c proc/p.c mq/m.c mq/n.c shm/s.c main.c), compiled into
# DIR/build/src/x.p with CFLAGS, plus one core/b.c compiled for a test
# (DIR/build/tests: not the server's, so its edge must not count), and its
# compile_commands.json.  -DBAD adds one of each fault.
fake_build() {
	local d=$1 flags=$2 f out cmds= sep=
	mkdir -p "$d"/src/{core,proc,mq,shm} "$d"/build/src/x.p "$d"/build/tests/t.p
	cat >"$d/src/proc/p.h" <<-'EOF'
		int proc_p(void);
	EOF
	cat >"$d/src/core/a.c" <<-'EOF'
		#ifdef BAD
		#include "p.h"
		#endif
		int core_b(void);
		int core_a(void);
		int core_a(void) { return core_b(); }
	EOF
	cat >"$d/src/core/b.c" <<-'EOF'
		int core_a(void), proc_p(void);
		int core_b(void);
		int core_b(void)
		{
		#if defined(BAD)
			return core_a() + proc_p();	/* a core cycle, core -> proc */
		#elif defined(DECOY)
			return proc_p();
		#else
			return 1;
		#endif
		}
	EOF
	cat >"$d/src/proc/p.c" <<-'EOF'
		int core_a(void), main_x(void);
		int proc_p(void);
		#ifdef BAD
		int proc_p(void) { return core_a() + main_x(); }	/* -> main */
		#else
		int proc_p(void) { return core_a(); }
		#endif
	EOF
	cat >"$d/src/mq/m.c" <<-'EOF'
		int core_b(void), mq_n(void), proc_p(void);
		int mq_m(void);
		#ifdef BAD
		int mq_m(void) { return mq_n() + proc_p(); }	/* mq -> proc */
		#else
		int mq_m(void) { return mq_n(); }
		#endif
		int mq_m2(void);
		int mq_m2(void) { return core_b(); }
	EOF
	cat >"$d/src/mq/n.c" <<-'EOF'
		int core_b(void), mq_m2(void);
		int mq_n(void);
		#ifdef BAD
		int mq_n(void) { return mq_m2(); }	/* an mq cycle */
		#else
		int mq_n(void) { return core_b(); }
		#endif
	EOF
	cat >"$d/src/shm/s.c" <<-'EOF'
		int core_a(void);
		int shm_s(void);
		int shm_s(void) { return core_a(); }
	EOF
	cat >"$d/src/main.c" <<-'EOF'
		int proc_p(void), mq_m(void), shm_s(void);
		int main_x(void);
		int main_x(void) { return 0; }
		int main(void)
		{
		#ifdef BAD
			return proc_p() + mq_m();	/* shm unused */
		#else
			return proc_p() + mq_m() + shm_s();
		#endif
		}
	EOF
	for f in core/a.c core/b.c proc/p.c mq/m.c mq/n.c shm/s.c main.c; do
		out=src/x.p/${f//\//_}.o
		cmds+="$sep$(printf '{"directory": "%s", "command": "%s -I../src/core -I../src/proc %s -o %s -c ../src/%s", "file": "../src/%s", "output": "%s"}' \
			"$d/build" "$CC" "$flags" "$out" "$f" "$f" "$out")"
		sep=,
	done
	out=tests/t.p/core_b.c.o
	cmds+="$sep$(printf '{"directory": "%s", "command": "%s -DDECOY -o %s -c ../src/core/b.c", "file": "../src/core/b.c", "output": "%s"}' \
		"$d/build" "$CC" "$out" "$out")"
	echo "[$cmds]" >"$d/build/compile_commands.json"
	(cd "$d/build" && python3 -c '
import json, shlex, subprocess, sys
for c in json.load(open("compile_commands.json")):
    subprocess.run(shlex.split(c["command"]), check=True)')
}

fake_objects='core/a.c
core/b.c
main.c
mq/m.c
mq/n.c
proc/p.c
shm/s.c'
if fake_build "$T/good" "" && fake_build "$T/bad" "-DBAD"; then
	python3 "$deps" "$T/good/build" "$T/good/src" >"$T/good.out"
	python3 "$deps" "$T/bad/build" "$T/bad/src" >"$T/bad.out"
	is "$(tagged object "$T/good.out")" "$fake_objects" \
		"self-test: the checker reads every object of a fake server, and no test's"
	is "$(findings "$T/good.out")" "" "self-test: it finds no fault in a clean one"
	is "$(tagged object "$T/bad.out")" "$fake_objects" "self-test: the same objects in a faulty one"
	is "$(findings "$T/bad.out" | sed 's/ [[(].*//')" "core-family: core/b.c -> proc/p.c
core-includes: core/a.c includes proc/p.h
cycle core: core/a.c -> core/b.c -> core/a.c
cycle mq: mq/m.c -> mq/n.c -> mq/m.c
family-family: mq/m.c -> proc/p.c
main-misses: shm
refers-main: proc/p.c -> main.c" "self-test: and there it finds each fault, and nothing else"
	like "$(tagged 'cycle mq' "$T/bad.out")" 'via mq/m.c -> mq/n.c \(mq_n\), mq/n.c -> mq/m.c \(mq_m2\)' \
		"self-test: a cycle is shown with the symbols of each of its edges"
else
	fail "self-test: the fake builds compile"
fi

# The server itself.
python3 "$deps" "$BUILD_ROOT" "$SRC" >"$T/ipcfs.out" || bail "deps.py failed"
objs=$(tagged object "$T/ipcfs.out")
layers=$(sed 's,/.*,,; s,^main\.c$,main,' <<<"$objs" | sort -u | tr '\n' ' ')
like "$layers" '^core main( [a-z0-9]+)+ $' \
	"the server's objects are read: core, main.c and families ($layers)"
is "$(tagged unknown "$T/ipcfs.out")" "" "every object of the server is in core, a family or main.c"
is "$(tagged core-family "$T/ipcfs.out")" "" "no core object uses a symbol of a family"
is "$(tagged family-family "$T/ipcfs.out")" "" "no family uses a symbol of another family"
is "$(tagged refers-main "$T/ipcfs.out")" "" "nothing uses a symbol of main.c"
is "$(tagged main-misses "$T/ipcfs.out")" "" "main.c uses every family"
for l in $layers; do
	[ "$l" = main ] && continue
	is "$(tagged "cycle $l" "$T/ipcfs.out")" "" "no cycle among the objects of $l"
done
is "$(tagged core-includes "$T/ipcfs.out")" "" \
	"no core source reads a family header (preprocessor, the server's flags)"

# The same by the #include lines of every file in src/core, also one no
# build compiles: none names a header that lives in a family's folder.
named=
for f in "$SRC"/core/*.[ch]; do
	while read -r h; do
		for fam in "$SRC"/*/; do
			[ "$fam" = "$SRC/core/" ] && continue
			[ -e "$fam${h##*/}" ] && named+="${named:+$'\n'}${f#"$SRC"/} includes ${fam#"$SRC"/}${h##*/}"
		done
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done
is "$named" "" "no file under src/core includes a family header (#include lines)"

done_testing
