#!/bin/sh
# SPDX-License-Identifier: ISC
# Run every test tier (unit, config golden, fuzz corpora, system) on what
# `make check` built; the last line is "N passed, N failed, N skipped" over
# all tiers.  Exits non-zero if anything failed.
#
# A skip is a failure too: a tier that cannot run (the system tier without
# root) or a tier whose tests skipped (root-only unit tests) fails the run,
# unless the caller opted out of that tier's skips with
# VIPD_CHECK_SKIP=TIER[,TIER...] (unit, config, fuzz, system; e.g.
# VIPD_CHECK_SKIP=system to leave out the system tier).  Skips that were
# allowed so are counted in the closing line, which names the opt-out.
# VIPD_TEST_TIMESCALE (default 1) scales every timeout and timing threshold
# of every tier, for slow machines.

cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

total_p=0
total_f=0
total_s=0
notes=""
allowed=$(echo "${VIPD_CHECK_SKIP:-}" | tr ', ' '\n\n' | sed '/^$/d')

for t in $allowed; do
	case $t in
	unit | config | fuzz | system) ;;
	*)
		echo "check: VIPD_CHECK_SKIP: unknown tier \"$t\" (unit, config, fuzz, system)"
		echo "0 passed, 1 failed, 0 skipped"
		exit 1
		;;
	esac
done
if [ -n "${VIPD_CHECK_NO_SYSTEM+set}" ]; then
	echo "check: VIPD_CHECK_NO_SYSTEM is no longer read: use VIPD_CHECK_SKIP=system"
fi

may_skip() { echo "$allowed" | grep -qx "$1"; }

# add NAME P F S TIME: count a tier's result; skips the caller did not
# allow become failures.
add() {
	n=$1 p=$2 f=$3 s=$4
	extra=""
	if [ "$s" -gt 0 ] && ! may_skip "$n"; then
		echo "$n: $s skipped without VIPD_CHECK_SKIP=$n: counted as 1 failure"
		f=$((f + 1))
		extra=" (skips not allowed: 1 failure)"
	elif [ "$s" -gt 0 ]; then
		extra=" (allowed by VIPD_CHECK_SKIP)"
	fi
	total_s=$((total_s + s))
	total_p=$((total_p + p))
	total_f=$((total_f + f))
	notes="$notes
  $n: $p passed, $f failed, $s skipped$extra ($5 s)"
}

# tier NAME CMD...: run CMD, echo its output, add up its last
# "NAME: N passed, N failed[, N skipped]" line; no such line counts as one
# failure.
tier() {
	name=$1
	shift
	echo "==== $name ===="
	start=$(date +%s)
	{ "$@"; echo $? >"$tmp/rc"; } 2>&1 | tee "$tmp/out"
	rc=$(cat "$tmp/rc")
	line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed" "$tmp/out" | tail -n 1)
	p=0 f=1 s=0
	if [ -z "$line" ]; then
		echo "$name: no summary line (exit $rc): counted as 1 failure"
	else
		p=$(echo "$line" | sed -E 's/^[a-z]+: ([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
		s=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
		s=${s:-0}
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "$name: exit $rc with no failure counted: counted as 1 failure"
			f=1
		fi
	fi
	add "$name" "$p" "$f" "$s" $(( $(date +%s) - start ))
}

# skip_tier NAME N WHY: a tier that cannot run; its N tests are skipped
# (a failure unless allowed).
skip_tier() {
	echo "==== $1 ===="
	echo "$1: cannot run: $3"
	add "$1" 0 0 "$2" 0
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
	skip_tier config 1 "no tests/config/run.sh"
fi

# Fuzz corpora as regression tests: each target runs its seed corpus once,
# within VIPD_FUZZ_TIMEOUT seconds (default 300, times the time scale).
fuzz() {
	fp=0
	ff=0
	fs=0
	limit=$(awk -v t="${VIPD_FUZZ_TIMEOUT:-300}" -v s="${VIPD_TEST_TIMESCALE:-1}" \
		'BEGIN { printf "%d", t * s + 0.5 }')
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
			fs=$((fs + 1))
			continue
		fi
		# New inputs would go to the first directory: a scratch one.
		timeout -k 5 "$limit" "$bin" -runs=0 "$tmp/fuzz-new" "$corpus" \
			>"$tmp/fuzz.log" 2>&1
		rc=$?
		if [ "$rc" -eq 0 ]; then
			echo "fuzz: fuzz_$x: $(find "$corpus" -type f | wc -l) inputs ok"
			fp=$((fp + 1))
		else
			tail -n 40 "$tmp/fuzz.log"
			if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
				echo "fuzz: fuzz_$x: timed out after $limit s on its corpus"
			else
				echo "fuzz: fuzz_$x: FAILED on its corpus"
			fi
			ff=$((ff + 1))
		fi
	done
	echo "fuzz: $fp passed, $ff failed, $fs skipped"
	[ "$ff" -eq 0 ]
}
tier fuzz fuzz

# System tests (network namespaces) need root.
if may_skip system; then
	skip_tier system "$(sh tests/system/run.sh --count 2>/dev/null || echo 1)" \
		"VIPD_CHECK_SKIP=system"
elif [ "$(id -u)" -ne 0 ]; then
	skip_tier system "$(sh tests/system/run.sh --count 2>/dev/null || echo 1)" \
		"needs root for network namespaces (VIPD_CHECK_SKIP=system to leave it out)"
else
	tier system sh tests/system/run.sh
fi

echo "==== summary ===="
echo "$notes" | sed '/^$/d'
optout=""
[ -n "$allowed" ] && optout=" (VIPD_CHECK_SKIP=$(echo $allowed | tr ' ' ','))"
echo "$total_p passed, $total_f failed, $total_s skipped$optout"
[ "$total_f" -eq 0 ]
