#!/bin/sh
# SPDX-License-Identifier: ISC
# Walk keepalived 2.2.7's keyword list (keepalived-2.2.7.keywords): each
# keyword, written in its block of an otherwise valid configuration, must get
# an explicit answer from `vipd -t` (supported, a warning, or an error that
# names it), never "unknown keyword" or "not valid in".
#
# When keepalived.conf(5) is installed, every keyword it shows in bold at
# the start of a line that is in the list's blocks must be in the list too,
# so the copy cannot fall behind the package.
#
#   VIPD=path   the binary (default: build/vipd of this tree)
#
# Prints "keywords: N passed, N failed" last; exits 1 if any failed.

here=$(cd "$(dirname "$0")" && pwd)
vipd=${VIPD:-$here/../../build/vipd}
list=$here/keepalived-2.2.7.keywords

if [ ! -x "$vipd" ]; then
	echo "keywords: $vipd not found (build it first)"
	echo "keywords: 0 passed, 1 failed"
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vipd-keywords.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

instance() {
	printf 'vrrp_instance VI_1 {\n    interface eth0\n'
	printf '    virtual_router_id 51\n'
	printf '    virtual_ipaddress {\n        192.0.2.10/24\n    }\n'
	printf '%s\n}\n' "$1"
}

# The configuration that holds "KW 1" in BLOCK.
conf_for() {
	blk=$1 kw=$2
	case $blk in
	top)
		printf '%s 1\n' "$kw"
		instance "" ;;
	global_defs)
		printf 'global_defs {\n    %s 1\n}\n' "$kw"
		instance "" ;;
	vrrp_instance)
		instance "    $kw 1" ;;
	authentication)
		instance "    authentication {
        $kw 1
    }" ;;
	*)
		printf '%s NAME {\n    %s 1\n}\n' "$blk" "$kw"
		instance "" ;;
	esac
}

pass=0
fail=0
while read -r blk kw; do
	case $blk in ''|'#'*) continue ;; esac
	conf_for "$blk" "$kw" >"$tmp/k.conf"
	"$vipd" -t -f "$tmp/k.conf" >"$tmp/out" 2>&1
	if grep -q -e 'unknown keyword' -e 'is not valid in' "$tmp/out"; then
		fail=$((fail + 1))
		echo "FAIL $blk $kw:"
		sed 's/^/  /' "$tmp/out" | head -5
	else
		pass=$((pass + 1))
	fi
done <"$list"

# The man page, if installed, must not show a keyword that is unknown to
# vipd in every block, except these sub-keywords of the LVS and BFD blocks
# (which vipd refuses whole) and words of its examples.
lvs_bfd=" alpha checker dynamic enable_sni ha_suspend inhibit_on_failure
    misc_dynamic omega ops passive regex_no_match sorry_server_inhibit start
    val1 vrrp "
lvs_bfd=" $(echo $lvs_bfd) "
man=/usr/share/man/man5/keepalived.conf.5.gz
if [ -r "$man" ]; then
	awk '$1 !~ /^#/ && NF >= 2 { print $2 }' "$list" | sort -u >"$tmp/have"
	gzip -dc "$man" | sed -n 's/^ *\\fB\([a-z_0-9]*\)\\fR.*/\1/p' |
	    sort -u >"$tmp/man"
	for kw in $(comm -13 "$tmp/have" "$tmp/man"); do
		case $lvs_bfd in *" $kw "*) continue ;; esac
		unknown=0
		for blk in top global_defs vrrp_instance; do
			conf_for $blk "$kw" >"$tmp/k.conf"
			"$vipd" -t -f "$tmp/k.conf" 2>&1 |
			    grep -q 'unknown keyword' && unknown=$((unknown + 1))
		done
		if [ "$unknown" -eq 3 ]; then
			fail=$((fail + 1))
			echo "FAIL keepalived.conf(5) shows \"$kw\", unknown to" \
			    "vipd in every block"
		else
			pass=$((pass + 1))
		fi
	done
fi

echo "keywords: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
