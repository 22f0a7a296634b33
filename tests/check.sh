#!/bin/sh
# SPDX-License-Identifier: ISC
# Run every test tier (unit, config golden, fuzz corpora, system) on what
# `make check` built; the last line is "N passed, N failed" over all tiers.
# Exits non-zero if anything failed.  System tests need root: without it
# (or with VIPD_CHECK_NO_SYSTEM=1) they are reported as skipped, counted
# neither as passed nor as failed.

cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

total_p=0
total_f=0
notes=""

# tier NAME CMD...: run CMD, echo its output, add up its last
# "NAME: N passed, N failed" line; no such line counts as one failure.
tier() {
	name=$1
	shift
	echo "==== $name ===="
	start=$(date +%s)
	{ "$@"; echo $? >"$tmp/rc"; } 2>&1 | tee "$tmp/out"
	rc=$(cat "$tmp/rc")
	line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed" "$tmp/out" | tail -n 1)
	if [ -z "$line" ]; then
		echo "$name: no summary line (exit $rc): counted as 1 failure"
		p=0
		f=1
	else
		p=$(echo "$line" | sed -E 's/^[a-z]+: ([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "$name: exit $rc with no failure counted: counted as 1 failure"
			f=1
		fi
	fi
	total_p=$((total_p + p))
	total_f=$((total_f + f))
	notes="$notes
  $name: $p passed, $f failed ($(( $(date +%s) - start )) s)"
}

# Unit tests: one binary per tests/unit/test_*.c (a missing one is a
# failure), plus any other built build/test/test_*.
units=""
for src in tests/unit/test_*.c; do
	[ -f "$src" ] || continue
	b=${src#tests/unit/}
	units="$units build/test/${b%.c}"
done
for b in build/test/test_*; do
	if [ -x "$b" ] && [ -f "$b" ]; then
		case " $units " in *" $b "*) ;; *) units="$units $b" ;; esac
	fi
done
# shellcheck disable=SC2086
tier unit sh tests/run-unit.sh $units

# Config golden tests.
if [ -f tests/config/run.sh ]; then
	tier config sh tests/config/run.sh
else
	echo "==== config ===="
	echo "config: tests/config/run.sh not present, skipped"
	notes="$notes
  config: skipped (no tests/config/run.sh)"
fi

# Fuzz corpora as regression tests: each target runs its seed corpus once.
fuzz() {
	fp=0
	ff=0
	mkdir -p "$tmp/fuzz-new"
	for src in tests/fuzz/fuzz_*.c; do
		[ -f "$src" ] || continue
		x=${src#tests/fuzz/fuzz_}
		x=${x%.c}
		bin=build/fuzz/fuzz_$x
		corpus=tests/fuzz/corpus/$x
		if [ ! -x "$bin" ]; then
			echo "fuzz: $bin missing (not built?)"
			ff=$((ff + 1))
			continue
		fi
		if [ ! -d "$corpus" ]; then
			echo "fuzz: fuzz_$x: no corpus at $corpus, skipped"
			continue
		fi
		# New inputs would go to the first directory: a scratch one.
		if "$bin" -runs=0 "$tmp/fuzz-new" "$corpus" >"$tmp/fuzz.log" 2>&1; then
			echo "fuzz: fuzz_$x: $(find "$corpus" -type f | wc -l) inputs ok"
			fp=$((fp + 1))
		else
			tail -n 40 "$tmp/fuzz.log"
			echo "fuzz: fuzz_$x: FAILED on its corpus"
			ff=$((ff + 1))
		fi
	done
	echo "fuzz: $fp passed, $ff failed"
	[ "$ff" -eq 0 ]
}
tier fuzz fuzz

# System tests (network namespaces) need root.
echo_skip() {
	echo "==== system ===="
	echo "system: SKIPPED: $1"
	notes="$notes
  system: SKIPPED ($1)"
}
if [ -n "$VIPD_CHECK_NO_SYSTEM" ]; then
	echo_skip "VIPD_CHECK_NO_SYSTEM is set"
elif [ "$(id -u)" -ne 0 ]; then
	echo_skip "needs root for network namespaces"
else
	tier system sh tests/system/run.sh
fi

echo "==== summary ===="
echo "$notes" | sed '/^$/d'
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
