#!/bin/sh
# SPDX-License-Identifier: ISC
# Run cmocka unit-test binaries; the last line is "unit: N passed, N failed".
# A binary that is missing, crashes, or exits non-zero without reporting a
# failed test (e.g. a LeakSanitizer report at exit) counts as one failure.
# Usage: run-unit.sh BIN...

passed=0
failed=0
skipped=0
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT

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
	"$bin" >"$out" 2>&1
	rc=$?
	# Sum the summary lines of every group in the binary.
	p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test(s)\..*/\1/p' "$out" |
		awk '{ s += $1 } END { print s + 0 }')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test(s).*/\1/p' "$out" |
		awk '{ s += $1 } END { print s + 0 }')
	sk=$(sed -n 's/^\[  SKIPPED \] \([0-9][0-9]*\) test(s).*/\1/p' "$out" |
		awk '{ s += $1 } END { print s + 0 }')
	total=$(sed -n 's/^\[==========\] Running \([0-9][0-9]*\) test(s)\..*/\1/p' "$out" |
		awk '{ s += $1 } END { print s + 0 }')
	# Tests that started but never reported (a crash mid-run) are failures.
	missing=$((total - p - f - sk))
	[ "$missing" -gt 0 ] && f=$((f + missing))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; then
		cat "$out"
		echo "unit: $bin: $p passed, $f failed (exit $rc)"
	else
		echo "unit: $bin: $p passed$( [ "$sk" -gt 0 ] && echo ", $sk skipped")"
	fi
	skipped=$((skipped + sk))
	passed=$((passed + p))
	failed=$((failed + f))
done
[ "$skipped" -gt 0 ] && echo "unit: $skipped skipped"
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
