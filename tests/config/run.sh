#!/bin/sh
# SPDX-License-Identifier: ISC
# Golden configuration tests: `vipd -t -D -f X.conf` must print exactly X.out.
#
# X.out holds the messages (stderr), then the canonical dump (stdout), then
# "exit N" (0 accepted, 1 refused).  stderr and stdout are captured apart and
# joined in that order, so stdio buffering cannot reorder them.
#
#   VIPD=path   the binary (default: build/vipd of this tree)
#   VIPD_CONFIG_TIMEOUT=S  a run that takes longer fails (default 20 s,
#               times VIPD_TEST_TIMESCALE)
#   UPDATE=1    rewrite the .out files from the current output (then review
#               them with git diff)
#
# Prints "config: N passed, N failed, 0 skipped" last; exits 1 if any failed.

here=$(cd "$(dirname "$0")" && pwd)
vipd=${VIPD:-$here/../../build/vipd}
case $vipd in /*) ;; *) vipd=$(pwd)/$vipd ;; esac

if [ ! -x "$vipd" ]; then
	echo "config: $vipd not found (build it first)"
	echo "config: 0 passed, 1 failed"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vipd-config.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

limit=$(awk -v t="${VIPD_CONFIG_TIMEOUT:-20}" -v s="${VIPD_TEST_TIMESCALE:-1}" \
	'BEGIN { printf "%d", t * s + 0.5 }')
pass=0
fail=0
# File names in messages are relative to this directory, as in the .out files.
cd "$here" || exit 1
for conf in *.conf corpus/*.conf; do
	[ -f "$conf" ] || continue
	name=${conf%.conf}
	# X.args: extra options (-i ID for "@ID" lines: the host name is not
	# the same everywhere).
	args=
	[ -f "$name.args" ] && args=$(cat "$name.args")
	# shellcheck disable=SC2086
	timeout -k 5 "$limit" "$vipd" -t -D $args -f "$conf" >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		fail=$((fail + 1))
		echo "FAIL $conf: vipd -t timed out after $limit s"
		continue
	fi
	{
		cat "$tmp/stderr" "$tmp/stdout"
		echo "exit $rc"
	} >"$tmp/got"
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$tmp/got" "$name.out"
	fi
	if [ -f "$name.out" ] && cmp -s "$tmp/got" "$name.out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $conf"
		if [ -f "$name.out" ]; then
			diff -u "$name.out" "$tmp/got" | head -40
		else
			echo "  missing $name.out"
		fi
	fi
done

# keepalived's keyword list: every keyword gets an answer.
if VIPD=$vipd timeout -k 5 "$limit" sh "$here/keywords.sh" >"$tmp/kw" 2>&1; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
	echo "FAIL keywords.sh (keepalived 2.2.7's keyword list)"
	grep -v '^keywords:' "$tmp/kw" | head -40
fi

# An expected output without its configuration is a test that went missing.
for out in *.out corpus/*.out; do
	[ -f "$out" ] || continue
	if [ ! -f "${out%.out}.conf" ]; then
		fail=$((fail + 1))
		echo "FAIL $out: ${out%.out}.conf is missing"
	fi
done

echo "config: $pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
