#!/bin/sh
# SPDX-License-Identifier: ISC
# vipd demo (root, Debian 12, after `make deps all`): three mail hosts on a
# bridge, each with a real Postfix and vipd (priorities 100/90/80, advert_int
# 0.2 s, default health checks of the local Postfix), and a client polling
# the VIP's port 25.  Live: Postfix stopped on the Master, restarted; the
# Master's link cut, restored; a planned handover with vipctl maintenance.
# Namespaces are named with this shell's PID; only the processes started here
# are stopped, by PID, and every namespace and /etc/netns entry made here is
# removed on exit; so is the temporary directory with the configs and logs,
# unless VIPD_LAB_KEEP is set.

cd "$(dirname "$0")/.." || exit 1
VIPD=${VIPD_BIN:-build/vipd}
VIPCTL=${VIPCTL_BIN:-build/vipctl}
PY=/usr/bin/python3
VIP=203.0.113.5
HOSTS="h1 h2 h3"
BR=vd-$$-br
TMP=""
PIDS=""         # vipd and the client poller
MASTERS=""      # Postfix master PIDs
NSS=""
ETCS=""

ns() { echo "vd-$$-$1"; }
now() { date +%H:%M:%S.%3N; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
say() { printf '\n==== %s  %s ====\n' "$(now)" "$*"; }
note() { printf '  %s  %s\n' "$(now)" "$*"; }
master_pid() { head -n 1 "$TMP/$1/postfix/spool/pid/master.pid" | tr -d ' '; }

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

stop_pids() {   # SIGTERM, then SIGKILL what is left after 3 s
	for pid in "$@"; do kill -TERM "$pid" 2>/dev/null; done
	i=0
	while [ $i -lt 30 ]; do
		left=""
		for pid in "$@"; do alive "$pid" && left=1; done
		[ -z "$left" ] && return
		sleep 0.1
		i=$((i + 1))
	done
	for pid in "$@"; do kill -KILL "$pid" 2>/dev/null; done
}

cleanup() {
	trap - EXIT INT TERM
	# shellcheck disable=SC2086
	stop_pids $PIDS
	# A Postfix master stops its children on SIGTERM.
	# shellcheck disable=SC2086
	stop_pids $MASTERS
	for n in $NSS; do ip netns del "$n" 2>/dev/null; done
	for d in $ETCS; do rm -rf "$d"; done
	if [ -n "$TMP" ] && [ -n "$VIPD_LAB_KEEP" ]; then
		echo "demo: keeping $TMP (configs, vipd and Postfix logs)"
	elif [ -n "$TMP" ]; then
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root (network namespaces)" >&2
	exit 1
fi
for f in "$VIPD" "$VIPCTL"; do
	[ -x "$f" ] || { echo "demo: $f missing: run make all" >&2; exit 1; }
done
for c in postfix postconf "$PY"; do
	command -v "$c" >/dev/null || { echo "demo: $c missing: run make deps" >&2; exit 1; }
done
TMP=$(mktemp -d) || exit 1
chmod 755 "$TMP"

prio() { case $1 in h1) echo 100 ;; h2) echo 90 ;; h3) echo 80 ;; esac; }
addr() { case $1 in h1) echo 203.0.113.1 ;; h2) echo 203.0.113.2 ;;
	h3) echo 203.0.113.3 ;; client) echo 203.0.113.10 ;; esac; }

# ---------------------------------------------------------------------------
say "Lab: bridge $BR, mail hosts $(ns h1) $(ns h2) $(ns h3), client $(ns client)"
ip netns add "$BR" || exit 1
NSS="$BR"
ip -n "$BR" link set lo up
ip -n "$BR" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
ip -n "$BR" link set br0 up
for h in $HOSTS client; do
	n=$(ns "$h")
	ip netns add "$n" || exit 1
	NSS="$n $NSS"
	ip -n "$BR" link add "p-$h" type veth peer name eth0 netns "$n"
	ip -n "$BR" link set "p-$h" master br0 up
	ip netns exec "$n" sysctl -q -w net.ipv6.conf.eth0.accept_dad=0
	ip -n "$n" link set lo up
	ip -n "$n" addr add "$(addr "$h")/24" dev eth0
	ip -n "$n" link set eth0 up
	echo "  $h: namespace $n, eth0 $(addr "$h")/24"
done

# ---------------------------------------------------------------------------
# One Postfix per host: its config in /etc/netns/<ns>/postfix, which
# `ip netns exec` mounts over /etc/postfix, so `postfix start` there and
# vipd's default checks (Postfix in /etc/postfix, SMTP on 127.0.0.1:25) see
# that host's own instance.  Queue, data and log under $TMP/<host>.
pf_setup() {
	h=$1
	d=$TMP/$h/postfix
	c=/etc/netns/$(ns "$h")/postfix
	mkdir -p "$d/spool" "$d/data" "$d/Maildir" "$c" || exit 1
	ETCS="$ETCS /etc/netns/$(ns "$h")"
	chown postfix "$d/data"
	chown 65534:65534 "$d/Maildir"
	for f in dynamicmaps.cf dynamicmaps.cf.d postfix-files postfix-files.d master.cf; do
		[ -e "/etc/postfix/$f" ] && cp -a "/etc/postfix/$f" "$c/"
	done
	[ -e "$c/master.cf" ] || cp /usr/share/postfix/master.cf.dist "$c/master.cf"
	[ -e "$c/dynamicmaps.cf" ] || cp /usr/share/postfix/dynamicmaps.cf "$c/"
	cat >"$c/main.cf" <<EOF
compatibility_level = 3.6
myhostname = $h.mx.test
smtpd_banner = \$myhostname ESMTP
mydestination = \$myhostname, localhost
queue_directory = $d/spool
data_directory = $d/data
maillog_file = $d/maillog
maillog_file_prefixes = /var, $d
inet_interfaces = all
inet_protocols = ipv4
mynetworks = 203.0.113.0/24 127.0.0.0/8
alias_maps =
alias_database =
virtual_mailbox_domains = sink.test
virtual_mailbox_base = $d
virtual_mailbox_maps = static:Maildir/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
EOF
	postconf -c "$c" -F '*/*/chroot = n'
	# Postfix waits up to ~2.5 s while main.cf is fresh; date it back.
	touch -d '-10 seconds' "$c/main.cf" "$c/master.cf"
	# The queue as post-install would make it, so that `postfix start`
	# may skip its integrity checks (quick-start).
	for q in active bounce corrupt defer deferred flush hold incoming private saved trace; do
		install -d -o postfix -m 700 "$d/spool/$q"
	done
	install -d -o postfix -g postdrop -m 730 "$d/spool/maildrop"
	install -d -o postfix -g postdrop -m 710 "$d/spool/public"
	install -d -m 755 "$d/spool/pid"
}

pf_start() {
	h=$1
	touch "$TMP/$h/postfix/spool/quick-start"
	if ! ip netns exec "$(ns "$h")" postfix start; then
		echo "demo: postfix start on $h failed; see $TMP/$h/postfix/maillog" >&2
		exit 1
	fi
	MASTERS="$MASTERS $(master_pid "$h")"
}

banner() {     # banner NS ADDR: the greeting line, or an error
	ip netns exec "$1" "$PY" - "$2" <<'EOF'
import socket, sys
try:
    with socket.create_connection((sys.argv[1], 25), timeout=2) as s:
        print(s.makefile("rb").readline().decode().strip())
except OSError as e:
    print("(%s)" % (e.strerror or type(e).__name__))
EOF
}

say "Starting a real Postfix on each mail host"
for h in $HOSTS; do
	mkdir -p "$TMP/$h"
	pf_setup "$h"
	pf_start "$h"
done
for h in $HOSTS; do
	echo "  $h: master pid $(master_pid "$h"), config in /etc/netns/$(ns "$h")/postfix"
	echo "      the client reads from $(addr "$h"):25: $(banner "$(ns client)" "$(addr "$h")")"
done

# ---------------------------------------------------------------------------
say "Starting vipd on each host: priorities 100/90/80, advert_int 0.2, VIP $VIP"
echo "  (default_checks on: each tracks its own Postfix, SMTP to 127.0.0.1:25 and /etc/postfix)"
for h in $HOSTS; do
	cat >"$TMP/$h/vipd.conf" <<EOF
global_defs {
    router_id $h
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $(prio "$h")
    advert_int 0.2
    version 3
    virtual_ipaddress {
        $VIP/24
    }
}
EOF
	ip netns exec "$(ns "$h")" "$VIPD" -n -l -f "$TMP/$h/vipd.conf" -p "$TMP/$h/vipd.pid" \
		-s "$TMP/$h/vipd.sock" >"$TMP/$h/vipd.log" 2>&1 &
	PIDS="$PIDS $!"
	echo "  $h: vipd pid $!, log $TMP/$h/vipd.log"
done

vipctl() { h=$1; shift; ip netns exec "$(ns "$h")" "$VIPCTL" -s "$TMP/$h/vipd.sock" "$@"; }

holders() {
	out=""
	for h in $HOSTS; do
		ip -n "$(ns "$h")" -o addr show dev eth0 | grep -q " $VIP/" && out="$out$h "
	done
	echo "${out:-nobody }"
}

wait_holder() {        # wait_holder HOST SECONDS: until only HOST holds the VIP
	end=$(( $(ms) + $2 * 1000 ))
	while [ "$(ms)" -lt "$end" ]; do
		[ "$(holders)" = "$1 " ] && return 0
		sleep 0.02
	done
	echo "  (VIP still held by: $(holders))"
	return 1
}

status() {
	for h in "$@"; do
		echo "--- vipctl status on $h:"
		vipctl "$h" status | sed 's/^/    /'
	done
	echo "--- $VIP is on: $(holders)"
}

say "Waiting for the election"
t0=$(ms)
wait_holder h1 10 && note "h1 holds $VIP after $(( $(ms) - t0 )) ms"

# ---------------------------------------------------------------------------
# The client: connects to VIP:25 every 10 ms and reads the banner; logs a
# line when the answering host changes, and the outage (last good banner to
# the next good one) when it recovers from failed connections.
cat >"$TMP/poll.py" <<'EOF'
import datetime, socket, sys, time
vip, out = sys.argv[1], sys.argv[2]
def now():
    return datetime.datetime.now().strftime("%H:%M:%S.%f")[:-3]
def log(msg):
    with open(out, "a") as f:
        f.write("  %s  client: %s\n" % (now(), msg))
last_host, last_good, fails, kinds = None, None, 0, {}
while True:
    t = time.monotonic()
    try:
        # A short connect timeout: a SYN lost to a stale ARP entry would
        # otherwise count as a 1 s outage (the first retransmission).
        with socket.create_connection((vip, 25), timeout=0.2) as s:
            s.settimeout(1.0)
            line = s.makefile("rb").readline().decode(errors="replace").strip()
        host = line.split()[1] if line.startswith("220 ") else None
        err = None if host else (line or "EOF")
    except OSError as e:
        host, err = None, type(e).__name__.replace("socket.", "")
    if host:
        if fails:
            log("%s answers again: outage %d ms (%d failed connections: %s)" % (
                host, (t - last_good) * 1000, fails,
                ", ".join("%s x%d" % kv for kv in kinds.items())))
            fails, kinds = 0, {}
        elif host != last_host:
            log("banner from %s (no failed connection)" % host)
        last_host, last_good = host, t
    else:
        if not fails:
            log("connection failed: %s" % err)
        fails += 1
        kinds[err] = kinds.get(err, 0) + 1
    time.sleep(0.01)
EOF
: >"$TMP/client.log"
ip netns exec "$(ns client)" "$PY" "$TMP/poll.py" "$VIP" "$TMP/client.log" &
PIDS="$PIDS $!"
seen=0
client() {     # print the client's new lines
	sleep "${1:-0}"
	n=$(wc -l <"$TMP/client.log")
	if [ "$n" -gt "$seen" ]; then
		echo "  what the client saw (connecting to $VIP:25 every 10 ms):"
		sed -n "$((seen + 1)),${n}p" "$TMP/client.log"
	fi
	seen=$n
}
failed_since() {       # failed_since LINE: did the client log a failure after LINE?
	sed -n "$(($1 + 1)),\$p" "$TMP/client.log" | grep -q 'connection failed'
}
sleep 0.3
client
status h1 h2 h3

# ---------------------------------------------------------------------------
say "Fault: postfix stop on the Master h1"
t0=$(ms)
note "ip netns exec $(ns h1) postfix stop"
ip netns exec "$(ns h1)" postfix stop 2>/dev/null &
stopper=$!
wait_holder h2 5 && note "h2 holds $VIP, $(( $(ms) - t0 )) ms after the stop" \
	"(h2's Skew_Time: 130 ms)"
wait "$stopper"
client 0.3
status h1

say "Repair: postfix start on h1; it preempts back once its checks pass"
t0=$(ms)
pf_start h1
wait_holder h1 6 && note "h1 holds $VIP again, $(( $(ms) - t0 )) ms after the start"
client 0.3

# ---------------------------------------------------------------------------
say "Fault: cut h1's link (ip link set eth0 down)"
t0=$(ms)
ip -n "$(ns h1)" link set eth0 down
wait_holder h2 5 && note "h2 holds $VIP, $(( $(ms) - t0 )) ms after the cut" \
	"(h2's Master_Down_Interval: 730 ms)"
client 0.3
status h2

say "Repair: link up; h1 preempts back"
t0=$(ms)
ip -n "$(ns h1)" link set eth0 up
wait_holder h1 6 && note "h1 holds $VIP again, $(( $(ms) - t0 )) ms after the link came up"
client 0.3

# ---------------------------------------------------------------------------
say "Planned: vipctl maintenance on (on h1)"
mark=$(wc -l <"$TMP/client.log")
vipctl h1 maintenance on | sed 's/^/    /'
wait_holder h2 3 && note "h2 holds $VIP"
client 0.5
if failed_since "$mark"; then
	note "the client saw failed connections during the handover"
else
	note "the client saw no failed connection during the handover"
fi
status h1

say "vipctl maintenance off (on h1): back in the election, preempts"
mark=$(wc -l <"$TMP/client.log")
vipctl h1 maintenance off | sed 's/^/    /'
wait_holder h1 3 && note "h1 holds $VIP"
client 0.5
if failed_since "$mark"; then
	note "the client saw failed connections"
else
	note "the client saw no failed connection"
fi
status h1 h2 h3

say "Done; cleaning up (vipd, the client and the Postfix masters started here, by PID)"
