#!/bin/bash
# Every C source and header of the project is as clang-format (with the
# project's .clang-format, Linux kernel style) would write it: one case
# per file, and the first lines of the difference when it is not.  Needs
# no mount; skips without clang-format.
. "${TESTS_SRC:-$(dirname "$0")/..}/lib.sh"

top=$(cd "$TESTS_SRC/.." && pwd)
need_cmd clang-format
[ -f "$top/.clang-format" ] || skip_all "no .clang-format in $top"
cd "$top" || bail "cannot enter $top"
# the files git knows, or (from a tarball) every .c and .h of the tree
if git rev-parse --git-dir >/dev/null 2>&1; then
	mapfile -t files < <(git ls-files '*.c' '*.h')
else
	mapfile -t files < <(find src tests bench -name '*.[ch]' | sort)
fi
[ ${#files[@]} -gt 0 ] || bail "no C files found in $top"
for f in "${files[@]}"; do
	if d=$(clang-format --style=file "$f" | diff -u "$f" -); then
		pass "$f"
	else
		fail "$f" "differs from clang-format (run: clang-format -i $f)"
		diag "$(printf '%s\n' "$d" | head -n 20)"
	fi
done
done_testing
