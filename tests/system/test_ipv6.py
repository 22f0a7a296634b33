# SPDX-License-Identifier: ISC
"""IPv6 virtual routers (VRRPv3, virtual_ipaddress { 2001:db8::5/64 }):
between two vipd hosts and against keepalived 2.2.7 both ways.  Adverts go
from the link-local address to ff02::12 with hop limit 255; the new Master
sends an unsolicited neighbour advertisement for the VIP; one holder."""

import ipaddress
import socket
import time

import pytest

import kalib
from helpers import assert_stable, has_vipctl, invariant, settle, timers
from lab import scaled, vrrp_conf

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="vipd-specific checks")

VIP6 = "2001:db8::5"
ADV = 0.1


def conf6(lab, host, prio):
    lab.hosts[host].prio = prio
    lab.hosts[host].advert_int = ADV
    return vrrp_conf(host, prio, ADV, version=3, vips=(VIP6 + "/64",))


def link_local(lab, host):
    for a in lab.addrs(host):
        if a["addr"].startswith("fe80:"):
            return a["addr"]
    raise AssertionError("%s has no link-local address: %s" % (host, lab.addrs(host)))


def adverts(frames, src):
    """VRRP/IPv6 frames from src as dicts (src, dst, hlim, fields, csum_ok)."""
    out = []
    for t, way, f in frames:
        s, d, hlim, nh, payload = kalib.parse6(f)
        if s != src:
            continue
        out.append({"t": t, "dst": d, "hlim": hlim, "dmac": f[0:6].hex(":"),
                    "csum_ok": kalib.v6_checksum_ok(s, d, 112, payload),
                    **kalib.vrrp6_fields(payload)})
    return out


def check_vipd_adverts(frames, lab, host, prio):
    ll = link_local(lab, host)
    ads = adverts(frames, ll)
    assert len(ads) >= 3, "no adverts from %s (%s) in %d frames" % (host, ll, len(frames))
    for a in ads:
        assert a["dst"] == "ff02::12" and a["dmac"] == "33:33:00:00:00:12", a
        assert a["hlim"] == 255, a
        assert a["csum_ok"], a
        assert (a["version"], a["vrid"], a["prio"], a["adv"]) == (3, 51, prio, 10), a
        assert VIP6 in a["addrs"], a
    # Nothing from the global address: the source is the link-local one.
    glob = adverts(frames, lab.hosts[host].addr6)
    assert glob == [], glob


def unsolicited_nas(frames, target=VIP6):
    """NAs whose target is `target`: dicts with src mac, ip src/dst, hlim, flags."""
    out = []
    for t, way, f in frames:
        s, d, hlim, nh, icmp = kalib.parse6(f)
        if len(icmp) < 24 or icmp[0] != 136:
            continue
        tgt = socket.inet_ntop(socket.AF_INET6, icmp[8:24])
        if tgt != target:
            continue
        out.append({"t": t, "smac": f[6:12].hex(":"), "dmac": f[0:6].hex(":"), "src": s,
                    "dst": d, "hlim": hlim, "flags": icmp[4] & 0xe0,
                    "csum_ok": kalib.v6_checksum_ok(s, d, 58, icmp)})
    return out


def check_na_from(frames, lab, host, since):
    mac = lab.mac(host)
    nas = [n for n in unsolicited_nas(frames) if n["smac"] == mac and n["t"] >= since]
    assert nas, "no unsolicited NA for %s from %s (%s) after it became Master; NAs: %s" % (
        VIP6, host, mac, unsolicited_nas(frames))
    for n in nas:
        assert n["dst"] == "ff02::1" and n["dmac"] == "33:33:00:00:00:01", n
        assert n["hlim"] == 255 and n["csum_ok"], n
        assert n["flags"] & 0x40 == 0, "solicited flag set: %s" % n   # S=0
        assert n["flags"] & 0x20, "override flag not set: %s" % n     # O=1
        src = ipaddress.IPv6Address(n["src"])
        assert n["src"] == VIP6 or src.is_link_local, n


def test_ipv6_between_vipd_hosts(make_lab):
    lab = make_lab(3, vip=VIP6)
    lab.start_vipd("h1", conf6(lab, "h1", 100))
    lab.start_vipd("h2", conf6(lab, "h2", 90))
    settle(lab, "h1")
    frames = kalib.Capture(lab, "h3", 0.6, "vrrp6").frames()
    check_vipd_adverts(frames, lab, "h1", 100)
    assert adverts(frames, link_local(lab, "h2")) == [], "the Backup sends adverts"
    assert lab.instance("h2")["master_address"] == link_local(lab, "h1")
    kalib.assert_vipd_clean(lab, "h1")
    kalib.assert_vipd_clean(lab, "h2")

    mdi = timers(lab, "h2")["mdi"]
    na = kalib.Capture(lab, "h3", mdi + 1.5, "na")
    t0 = time.monotonic()
    lab.link_down("h1")
    settle(lab, "h2", timeout=mdi + 2, others="FAULT")
    gained = lab.monitor.gained("h2", t0)
    assert gained and gained - t0 <= mdi + scaled(0.3) + ADV, gained and gained - t0
    check_na_from(na.frames(), lab, "h2", t0)
    lab.link_up("h1")
    settle(lab, "h1", timeout=mdi + 3)
    kalib.assert_vipd_clean(lab, "h2")
    invariant(lab, ADV)


@pytest.mark.parametrize("vipd_host", ["h1", "h2"])
def test_ipv6_with_keepalived(make_lab, vipd_host):
    lab = make_lab(3, vip=VIP6)
    ka_host = "h2" if vipd_host == "h1" else "h1"
    prio = {"h1": 100, "h2": 90}
    for h in ("h1", "h2"):
        if h == vipd_host:
            lab.start_vipd(h, conf6(lab, h, prio[h]))
        else:
            lab.start_keepalived(h, conf6(lab, h, prio[h]))
        if h == "h1":
            assert lab.wait_states({"h1": "BACKUP"}, 2), lab.states()
    settle(lab, "h1", timeout=3)
    frames = kalib.Capture(lab, "h3", 0.6, "vrrp6").frames()
    if vipd_host == "h1":
        check_vipd_adverts(frames, lab, "h1", 100)
    else:
        ka = adverts(frames, link_local(lab, "h1"))
        assert ka and all(a["dst"] == "ff02::12" and a["hlim"] == 255 for a in ka), ka
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 4 * ADV + 0.3)
    kalib.assert_vipd_clean(lab, vipd_host)
    kalib.assert_keepalived_clean(lab, ka_host)

    # Link cut on h1: h2 takes over; then h1 preempts back.  Whichever
    # direction, vipd becomes Master once and must send the NA then.
    mdi = timers(lab, "h2")["mdi"]
    cap = kalib.Capture(lab, "h3", mdi + 2.5, "na")
    t0 = time.monotonic()
    lab.link_down("h1")
    assert lab.wait_states({"h2": "MASTER"}, mdi + 2), lab.states()
    assert kalib.only_holder(lab, "h2", VIP6, 2), lab.holders()
    t1 = time.monotonic()
    lab.link_up("h1")
    settle(lab, "h1", timeout=mdi + 3)
    frames = cap.frames()
    check_na_from(frames, lab, vipd_host, t0 if vipd_host == "h2" else t1)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 4 * ADV)
    kalib.assert_vipd_clean(lab, vipd_host)
    kalib.assert_keepalived_clean(lab, ka_host)
    invariant(lab, ADV)
