#!/bin/sh
# SPDX-License-Identifier: ISC
# Install the Debian 12 packages vipd's build and tests need, only those
# missing.  Services are not started by the install (policy-rc.d answers
# 101), and Postfix is preseeded to "No configuration" so that it never binds
# port 25 on the host.

PKGS="build-essential pkg-config clang libmnl-dev libssl-dev libjansson-dev
libcmocka-dev libsystemd-dev libcap-ng-dev libmicrohttpd-dev iproute2 keepalived
postfix frr nftables stress-ng python3-scapy python3-pytest python3-matplotlib
python3-prometheus-client debhelper dpkg-dev lintian fakeroot tshark
swaks procps netcat-openbsd openssl systemd"

missing=""
for p in $PKGS; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)
	[ "$s" = installed ] || missing="$missing $p"
done
if [ -z "$missing" ]; then
	# shellcheck disable=SC2086
	set -- $PKGS
	echo "deps: all $# packages present"
	exit 0
fi
echo "deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root to install them" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Keep services from starting: only if no policy-rc.d exists already, and
# remove ours afterwards.
policy=/usr/sbin/policy-rc.d
ours=""
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\n# vipd tests/deps.sh: no service starts during install\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	ours=1
fi
cleanup() { [ -n "$ours" ] && rm -f "$policy"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

case " $missing " in
*" postfix "*)
	echo "postfix postfix/main_mailer_type select No configuration" |
		debconf-set-selections
	;;
esac
# tshark asks whether non-root users may capture; keep the default (no).
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	debconf-set-selections

apt-get update -q || exit 1
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing || exit 1
echo "deps: installed:$missing"
