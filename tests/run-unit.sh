#!/bin/sh
# SPDX-License-Identifier: ISC
# Run cmocka unit-test binaries; the last line is
# "unit: N passed, N failed, N skipped".
# A binary that is missing, crashes, hangs (VIPD_UNIT_TIMEOUT seconds,
# default 120, times VIPD_TEST_TIMESCALE), exits non-zero without reporting
# a failed test (e.g. a LeakSanitizer report at exit), or runs fewer or
# more tests than the CMUnitTest arrays of its source tests/unit/NAME.c
# list, counts as failed.
# Usage: run-unit.sh BIN...

scale=${VIPD_TEST_TIMESCALE:-1}
limit=$(awk -v t="${VIPD_UNIT_TIMEOUT:-120}" -v s="$scale" 'BEGIN { printf "%d", t * s + 0.5 }')
passed=0
failed=0
skipped=0
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT

# expected SRC: the number of entries in SRC's `struct CMUnitTest X[] = {}`
# arrays (one per top-level parenthesis, so macros such as T(fn) and
# multi-line entries count once).
expected() {
	awk '
	/struct[ \t]+CMUnitTest[ \t]+[A-Za-z_0-9]+[ \t]*\[[^]]*\][ \t]*=[ \t]*\{/ {
		inarr = 1; depth = 0
		sub(/.*=[ \t]*\{/, "")
	}
	inarr {
		line = $0
		sub(/\/\/.*/, "", line)
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (c == "(") { if (depth == 0) n++; depth++ }
			else if (c == ")") depth--
			else if (c == "}" && depth == 0) { inarr = 0; break }
		}
	}
	END { print n + 0 }' "$1"
}

sum() { sed -n "s/$1/\\1/p" "$out" | awk '{ s += $1 } END { print s + 0 }'; }

if [ $# -eq 0 ]; then
	echo "unit: no test binaries given"
	failed=1
fi
for bin in "$@"; do
	if [ ! -x "$bin" ]; then
		echo "unit: $bin: missing (not built?)"
		failed=$((failed + 1))
		continue
	fi
	src=tests/unit/$(basename "$bin").c
	want=-1
	[ -f "$src" ] && want=$(expected "$src")
	timeout -k 5 "$limit" "$bin" >"$out" 2>&1
	rc=$?
	# Sum the summary lines of every group in the binary.
	p=$(sum '^\[  PASSED  \] \([0-9][0-9]*\) test(s)\..*')
	f=$(sum '^\[  FAILED  \] \([0-9][0-9]*\) test(s).*')
	sk=$(sum '^\[  SKIPPED \] \([0-9][0-9]*\) test(s).*')
	total=$(sum '^\[==========\] Running \([0-9][0-9]*\) test(s)\..*')
	why=""
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		why="timed out after $limit s"
	fi
	# Tests that started but never reported (a crash mid-run) are failures.
	missing=$((total - p - f - sk))
	[ "$missing" -gt 0 ] && f=$((f + missing))
	# A binary that ran another number of tests than its source lists
	# (exited early, or a group was never run) fails as a whole.
	if [ "$want" -ge 0 ] && [ "$total" -ne "$want" ]; then
		why="${why:+$why; }ran $total tests, $src lists $want"
		[ "$f" -eq 0 ] && f=1
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; then
		cat "$out"
		echo "unit: $bin: $p passed, $f failed (exit $rc${why:+; $why})"
	else
		echo "unit: $bin: $p passed$( [ "$sk" -gt 0 ] && echo ", $sk skipped")"
	fi
	skipped=$((skipped + sk))
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "unit: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
