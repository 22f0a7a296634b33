#!/bin/sh
# SPDX-License-Identifier: ISC
# make deb-check: build the package, run lintian, then install, upgrade and
# purge it on this machine beside Debian's keepalived package.  It changes
# the host's package database, so it runs as root only and refuses when a
# vipd package is already installed; .ci/run runs it on CI's throw-away
# machine.  The last line is "deb: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # check DESCRIPTION CMD...: one assertion
	d=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$d"; else bad "$d"; fi
}
finish() {
	echo "deb: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

if [ "$(id -u)" -ne 0 ]; then
	echo "deb-check: needs root (it installs and purges the package)" >&2
	fail=1
	finish
fi
st=$(dpkg-query -W -f='${db:Status-Status}' vipd 2>/dev/null || true)
if [ -n "$st" ] && [ "$st" != not-installed ] && [ "$st" != config-files ]; then
	echo "deb-check: a vipd package is already installed here ($st); not touching it" >&2
	fail=1
	finish
fi

deb=$(sh tests/deb/build.sh | tail -n 1) || { bad "package builds"; finish; }
ok "package builds: $deb"

# lintian: no errors (warnings are printed for the reader).
lintian --fail-on error "$deb" 2>&1 | grep -v 'running with root privileges'
if lintian --fail-on error "$deb" >/dev/null 2>&1; then ok "lintian: no errors"; else bad "lintian reports errors"; fi

# A second version for the upgrade, built from the same tree with a newer
# changelog entry.
ver=$(dpkg-parsechangelog -l debian/changelog -S Version)
up=build/deb-up
rm -rf "$up"
cp -a "build/deb/vipd-$ver" "$up"
{
	printf 'vipd (%s+up1) unstable; urgency=medium\n\n  * Upgrade test build.\n\n' "$ver"
	printf ' -- deb-check <root@localhost>  %s\n\n' "$(date -R)"
	cat debian/changelog
} >"$up/debian/changelog"
(cd "$up" && dpkg-buildpackage -us -uc -b) >build/deb-up.log 2>&1
deb2=build/vipd_${ver}+up1_$(dpkg --print-architecture).deb
[ -f "$deb2" ] && ok "upgrade package builds" || { bad "upgrade package builds (build/deb-up.log)"; finish; }

ka_before=$(dpkg -V keepalived 2>&1)
ka_unit=$(readlink -f /etc/systemd/system/multi-user.target.wants/keepalived.service 2>/dev/null || true)

# Install.
if dpkg -i "$deb" >build/deb-install.log 2>&1; then ok "dpkg -i"; else bad "dpkg -i (build/deb-install.log)"; cat build/deb-install.log; finish; fi
check "vipd runs: vipd -v" /usr/sbin/vipd -v
check "vipctl installed" test -x /usr/sbin/vipctl
check "the vipd system group exists" getent group vipd
check "unit installed" test -f /lib/systemd/system/vipd.service
check "unit enabled" test -L /etc/systemd/system/multi-user.target.wants/vipd.service
check "unit waits for a configuration" grep -qx 'ConditionPathExists=/etc/vipd/vipd.conf' /lib/systemd/system/vipd.service
check "no configuration installed in /etc/vipd" test ! -e /etc/vipd/vipd.conf
check "example configuration passes vipd -t" /usr/sbin/vipd -t -f /usr/share/doc/vipd/examples/vipd.conf
check "man pages" test -f /usr/share/man/man5/vipd.conf.5.gz -a -f /usr/share/man/man8/vipd.8.gz -a -f /usr/share/man/man8/vipctl.8.gz
check "/etc/default/vipd is a conffile" sh -c 'dpkg-query -W -f="\${Conffiles}" vipd | grep -q /etc/default/vipd'
# Not started by the install: no vipd process whose executable is the
# installed binary.
started=no
for p in /proc/[0-9]*; do
	[ "$(readlink "$p/exe" 2>/dev/null)" = /usr/sbin/vipd ] && started=yes
done
check "not started by the install" test $started = no
if command -v systemd-analyze >/dev/null; then
	check "systemd-analyze verify vipd.service" systemd-analyze verify /lib/systemd/system/vipd.service
fi

# Upgrade, keeping the administrator's edit of a conffile.
echo 'DAEMON_ARGS="-D"' >>/etc/default/vipd
if dpkg -i --force-confold "$deb2" >build/deb-upgrade.log 2>&1; then ok "upgrade"; else bad "upgrade (build/deb-upgrade.log)"; cat build/deb-upgrade.log; fi
check "upgraded version installed" sh -c "dpkg-query -W -f='\${Version}' vipd | grep -qx '$ver+up1'"
check "conffile edit kept across the upgrade" grep -qx 'DAEMON_ARGS="-D"' /etc/default/vipd
check "still enabled after the upgrade" test -L /etc/systemd/system/multi-user.target.wants/vipd.service

# Purge.
if dpkg --purge vipd >build/deb-purge.log 2>&1; then ok "purge"; else bad "purge (build/deb-purge.log)"; cat build/deb-purge.log; fi
check "package gone" sh -c '! dpkg-query -W -f="\${db:Status-Status}" vipd 2>/dev/null | grep -q installed'
check "binaries gone" test ! -e /usr/sbin/vipd -a ! -e /usr/sbin/vipctl
check "conffile gone" test ! -e /etc/default/vipd
check "unit link gone" test ! -e /etc/systemd/system/multi-user.target.wants/vipd.service

# keepalived untouched throughout.
check "keepalived files unchanged" test "$(dpkg -V keepalived 2>&1)" = "$ka_before"
check "keepalived unit link unchanged" test "$(readlink -f /etc/systemd/system/multi-user.target.wants/keepalived.service 2>/dev/null || true)" = "$ka_unit"
finish
