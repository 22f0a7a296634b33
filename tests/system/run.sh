#!/bin/sh
# SPDX-License-Identifier: ISC
# Run vipd's system tests (root: network namespaces); the last line is
# "system: N passed, N failed, N skipped".  Extra arguments go to pytest
# (e.g. -k NAME).  VIPD_IMPL=keepalived runs the applicable tests against
# keepalived instead.  `run.sh --count` prints only the number of tests
# (collection needs no root), for check.sh to report a tier it cannot run.

cd "$(dirname "$0")/../.." || exit 1
if [ "$1" = "--count" ]; then
	/usr/bin/python3 -m pytest -q -p no:cacheprovider --collect-only tests/system 2>/dev/null |
		sed -nE 's/^([0-9]+) tests? collected.*/\1/p' | grep . || echo 1
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

{
	/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/system "$@"
	echo $? >"$tmp/rc"
} 2>&1 | tee "$tmp/out"
rc=$(cat "$tmp/rc" 2>/dev/null || echo 99)

# pytest -q ends with e.g. "3 passed, 1 failed, 2 skipped, 1 error in 9.1s".
last=$(grep -E '^(=+ )?[0-9]+ (passed|failed|skipped|error|errors|deselected|xfailed|xpassed)|no tests ran' \
	"$tmp/out" | tail -n 1)
num() { n=$(echo "$last" | grep -oE "[0-9]+ $1" | head -n 1 | cut -d' ' -f1); echo "${n:-0}"; }
passed=$(num passed)
failed=$(( $(num failed) + $(num 'errors?') + $(num xpassed) ))
skipped=$(num skipped)

if [ "$rc" -eq 5 ]; then
	echo "system: no tests ran (pytest exit 5): nothing collected or all deselected"
	[ "$failed" -eq 0 ] && failed=1
elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	echo "system: pytest exited $rc without a failed test (interrupted or internal error)"
	failed=1
fi
echo "system: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
