#!/bin/sh
# SPDX-License-Identifier: ISC
# vipd demo (root): three hosts on a bridge, priorities 100/90/80, advert
# 0.5 s; cut the Master's link, watch 203.0.113.5 move, restore the link and
# watch it come back.  Everything lives in network namespaces named with this
# shell's PID and is removed on exit.  VIPD_IMPL=keepalived runs the same show
# with keepalived (no vipctl status then).

cd "$(dirname "$0")/.." || exit 1
VIPD=${VIPD_BIN:-build/vipd}
VIPCTL=${VIPCTL_BIN:-build/vipctl}
IMPL=${VIPD_IMPL:-vipd}
VIP=203.0.113.5
HOSTS="h1 h2 h3"
BR=vd-$$-br
TMP=""
PIDS=""
NSS=""

say() { printf '\n==== %s ====\n' "$*"; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
ns() { echo "vd-$$-$1"; }

cleanup() {
	trap - EXIT INT TERM
	for pid in $PIDS; do
		kill -TERM "$pid" 2>/dev/null
	done
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		alive=""
		for pid in $PIDS; do
			kill -0 "$pid" 2>/dev/null && alive=1
		done
		[ -z "$alive" ] && break
		sleep 0.2
	done
	for pid in $PIDS; do
		kill -KILL "$pid" 2>/dev/null
	done
	for n in $NSS; do
		ip netns del "$n" 2>/dev/null
	done
	[ -n "$TMP" ] && rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root (network namespaces)" >&2
	exit 1
fi
if [ "$IMPL" = vipd ] && { [ ! -x "$VIPD" ] || [ ! -x "$VIPCTL" ]; }; then
	echo "demo: $VIPD or $VIPCTL missing: run make all" >&2
	exit 1
fi
TMP=$(mktemp -d) || exit 1
chmod 755 "$TMP"

say "Lab: bridge $BR and hosts $(for h in $HOSTS; do printf '%s ' "$(ns "$h")"; done)"
ip netns add "$BR" || exit 1
NSS="$BR"
ip -n "$BR" link set lo up
ip -n "$BR" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
ip -n "$BR" link set br0 up
i=0
for h in $HOSTS; do
	i=$((i + 1))
	n=$(ns "$h")
	ip netns add "$n" || exit 1
	NSS="$n $NSS"
	ip -n "$BR" link add "p-$h" type veth peer name eth0 netns "$n"
	ip -n "$BR" link set "p-$h" master br0 up
	ip netns exec "$n" sysctl -q -w net.ipv6.conf.eth0.accept_dad=0
	ip -n "$n" link set lo up
	ip -n "$n" addr add "203.0.113.$i/24" dev eth0
	ip -n "$n" link set eth0 up
	echo "  $h: $n, eth0 203.0.113.$i/24"
done

prio() { case $1 in h1) echo 100 ;; h2) echo 90 ;; h3) echo 80 ;; esac; }

say "Starting $IMPL on each host (priorities 100/90/80, advert_int 0.5, VIP $VIP)"
for h in $HOSTS; do
	mkdir -p "$TMP/$h"
	cat >"$TMP/$h/vipd.conf" <<EOF
global_defs { router_id $h }
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $(prio "$h")
    advert_int 0.5
    version 3
    virtual_ipaddress { $VIP/24 }
}
EOF
	d=$TMP/$h
	if [ "$IMPL" = keepalived ]; then
		ip netns exec "$(ns "$h")" keepalived -f "$d/vipd.conf" -p "$d/k.pid" \
			-r "$d/v.pid" -c "$d/c.pid" --vrrp -l -D -n >"$d/log" 2>&1 &
	else
		ip netns exec "$(ns "$h")" "$VIPD" -n -l -f "$d/vipd.conf" -p "$d/vipd.pid" \
			-s "$d/vipd.sock" >"$d/log" 2>&1 &
	fi
	PIDS="$PIDS $!"
	echo "  $h: $IMPL pid $!, log $d/log"
done

holders() {
	out=""
	for h in $HOSTS; do
		ip -n "$(ns "$h")" -o addr show dev eth0 | grep -q " $VIP/" && out="$out$h "
	done
	echo "${out:-nobody }"
}

status() {
	for h in $HOSTS; do
		echo "--- $h ($(ns "$h")):"
		if [ "$IMPL" = keepalived ]; then
			grep -o 'Entering [A-Z]* STATE' "$TMP/$h/log" | tail -n 1 | sed 's/^/    /'
		else
			ip netns exec "$(ns "$h")" "$VIPCTL" -s "$TMP/$h/vipd.sock" status |
				sed 's/^/    /'
		fi
	done
	echo "--- $VIP is held by: $(holders)"
}

# watch SECONDS UNTIL: print each change of VIP holders with the time since
# t0, for up to SECONDS, stopping early 2 s after the holders equal UNTIL.
watch() {
	last=""
	end=$(( $(ms) + $1 * 1000 ))
	done_at=""
	while [ "$(ms)" -lt "$end" ]; do
		now=$(holders)
		if [ "$now" != "$last" ]; then
			printf '  t=%+6d ms  %s holds %s\n' $(( $(ms) - t0 )) "${now% }" "$VIP"
			last=$now
		fi
		if [ "$now" = "$2 " ] && [ -z "$done_at" ]; then
			done_at=$(( $(ms) + 2000 ))
		fi
		[ -n "$done_at" ] && [ "$(ms)" -gt "$done_at" ] && break
		sleep 0.05
	done
}

say "Waiting for the election"
t0=$(ms)
watch 10 h1
status

say "Cutting h1's link (ip link set eth0 down in $(ns h1)) at $(date +%T.%N | cut -c1-12)"
t0=$(ms)
ip -n "$(ns h1)" link set eth0 down
watch 8 h2
status

say "Restoring h1's link at $(date +%T.%N | cut -c1-12): h1 (priority 100) preempts back"
t0=$(ms)
ip -n "$(ns h1)" link set eth0 up
watch 8 h1
status

say "Done; cleaning up"
