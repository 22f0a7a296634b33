# SPDX-License-Identifier: ISC
"""Unicast VRRP (unicast_src_ip + unicast_peer) between vipd and keepalived
2.2.7 both ways: no advert goes to 224.0.0.18, SIGTERM's priority 0 travels
unicast too, an advert from an address not listed is dropped and counted,
and an empty unicast_peer block is refused."""

import os
import time

import pytest

import kalib
from helpers import assert_stable, has_vipctl, invariant, settle, timers
from lab import scaled, vipd_bin, vrrp_conf, wait_for

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="vipd against keepalived")

ADV = 0.5   # Skew_Time + margin well below Master_Down_Interval
PRIO = {"h1": 100, "h2": 90}
ADDR = {"h1": "203.0.113.1", "h2": "203.0.113.2"}


def uconf(lab, host, peer, adv=ADV):
    lab.hosts[host].prio = PRIO[host]
    lab.hosts[host].advert_int = adv
    return vrrp_conf(host, PRIO[host], adv, version=3,
                     extra=kalib.unicast(ADDR[host], [ADDR[peer]]))


@pytest.mark.parametrize("vipd_host", ["h1", "h2"])
def test_unicast_with_keepalived(make_lab, vipd_host):
    lab = make_lab(3)
    ka_host = "h2" if vipd_host == "h1" else "h1"

    def start(h):
        peer = "h2" if h == "h1" else "h1"
        if h == vipd_host:
            return lab.start_vipd(h, uconf(lab, h, peer))
        return lab.start_keepalived(h, uconf(lab, h, peer))
    start("h1")
    assert lab.wait_states({"h1": "BACKUP"}, 2), lab.states()
    start("h2")
    settle(lab, "h1", timeout=4 * ADV + 3)
    on_h1 = lab.start_sniff("h1", 4 * ADV)
    on_h3 = lab.start_sniff("h3", 4 * ADV)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 3.5 * ADV + 0.3)
    seen = [(way,) + kalib.parse4(f)[:3] for _, way, f in on_h1.frames()]
    assert seen, "no adverts on h1"
    assert all((s, d) == ("203.0.113.1", "203.0.113.2") for way, s, d, ttl in seen), seen
    assert on_h3.frames() == [], "VRRP reached a host that is not a peer (multicast?)"
    kalib.assert_vipd_clean(lab, vipd_host)
    kalib.assert_keepalived_clean(lab, ka_host)
    if vipd_host == "h2":
        assert lab.instance("h2")["master_address"] == "203.0.113.1"
        assert lab.instance("h2")["counters"]["adverts_received"] >= 3

    # SIGTERM: priority 0 sent unicast; the Backup takes over within Skew_Time.
    t = timers(lab, "h2")
    t0 = time.monotonic()
    assert lab.stop_agent("h1") == 0
    assert lab.wait_states({"h2": "MASTER"}, t["mdi"] + 2), lab.states()
    gained = wait_for(lambda: lab.monitor.gained("h2", t0), 1)
    assert gained and gained - t0 <= t["skew"] + scaled(0.35), \
        "handover after %s s; Skew_Time %.3f s" % (gained and round(gained - t0, 3), t["skew"])
    frames = lab.start_sniff("h2", 2 * ADV).frames()
    outs = [kalib.parse4(f)[:2] for _, way, f in frames if way == "out"]
    assert outs and set(outs) == {("203.0.113.2", "203.0.113.1")}, outs

    # h1 back: preempts, still unicast.
    start("h1")
    settle(lab, "h1", timeout=t["mdi"] + 3)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, ADV + 0.2)
    kalib.assert_vipd_clean(lab, vipd_host)
    kalib.assert_keepalived_clean(lab, ka_host)
    invariant(lab, ADV)


def test_unicast_advert_from_unlisted_source_dropped(make_lab):
    lab = make_lab(3)
    adv = 0.1
    lab.start_vipd("h1", uconf(lab, "h1", "h2", adv))
    settle(lab, "h1")
    # h3 (203.0.113.3) is no peer: its priority 254 changes nothing.
    sent = lab.inject("h3", src="203.0.113.3", dst="203.0.113.1", prio=254, adv=10,
                      count=10, interval=0.03)
    assert_stable(lab, {"h1": "MASTER"}, 3 * adv)
    assert kalib.vipd_drops(lab, "h1") == {"not_a_peer": sent}
    assert lab.instance("h1")["counters"]["adverts_received"] == 0
    assert lab.holders() == ["h1"]
    # The same advert from the listed peer is heard: h1 yields.
    lab.inject("h2", src="203.0.113.2", dst="203.0.113.1", prio=254, adv=10, count=1)
    assert lab.wait_states({"h1": "BACKUP"}, 1), lab.states()
    assert lab.instance("h1")["master_address"] == "203.0.113.2"
    assert kalib.vipd_drops(lab, "h1") == {"not_a_peer": sent}
    # ... and takes over again once that peer goes quiet.
    settle(lab, "h1", timeout=2)


def test_empty_unicast_peer_refused(make_lab):
    lab = make_lab(1)
    text = vrrp_conf("h1", 100, 1, extra="unicast_src_ip 203.0.113.1\nunicast_peer {\n}")
    line = [n + 1 for n, l in enumerate(text.splitlines()) if "unicast_peer" in l][0]
    path = os.path.join(lab.workdir, "empty-peer.conf")
    with open(path, "w") as f:
        f.write(text)
    r = lab.run("h1", vipd_bin(), "-t", "-f", path, check=False)
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert "%s:%d:" % (path, line) in r.stderr and "unicast_peer" in r.stderr, r.stderr


VIP6 = "2001:db8::5"
ADDR6 = {"h1": "2001:db8::1", "h2": "2001:db8::2"}


def uconf6(lab, host, adv=0.2):
    peer = "h2" if host == "h1" else "h1"
    lab.hosts[host].prio = PRIO[host]
    lab.hosts[host].advert_int = adv
    return vrrp_conf(host, PRIO[host], adv, version=3, vips=(VIP6 + "/64",),
                     extra=kalib.unicast(ADDR6[host], [ADDR6[peer]]))


@pytest.mark.parametrize("kinds", ["vipd-keepalived", "keepalived-vipd", "vipd-vipd"])
def test_unicast_ipv6(make_lab, kinds):
    """IPv6 unicast: the adverts go from unicast_src_ip (a global address,
    as keepalived sends them) to the peer; each side must accept the
    other's, else both become Master."""
    lab = make_lab(3, vip=VIP6)
    adv = 0.2
    kind = dict(zip(("h1", "h2"), kinds.split("-")))
    for h in ("h1", "h2"):
        # `ip link set down` flushes global IPv6 addresses unless told
        # otherwise; a cut cable keeps them, and unicast_src_ip needs them.
        lab._sysctl(lab.hosts[h].ns, "net.ipv6.conf.eth0.keep_addr_on_down", "1")
    for h in ("h1", "h2"):
        if kind[h] == "vipd":
            lab.start_vipd(h, uconf6(lab, h, adv))
        else:
            lab.start_keepalived(h, uconf6(lab, h, adv))
        if h == "h1":
            assert lab.wait_states({"h1": "BACKUP"}, 2), lab.states()
    cap = kalib.Capture(lab, "h1", 4 * adv + 2, "vrrp6")
    settle(lab, "h1", timeout=4 * adv + 2)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 4 * adv)
    pairs = {kalib.parse6(f)[:2] for _, way, f in cap.frames()}
    assert ("2001:db8::1", "2001:db8::2") in pairs, pairs
    assert all(d != "ff02::12" for s, d in pairs), pairs
    for h in ("h1", "h2"):
        if kind[h] == "vipd":
            kalib.assert_vipd_clean(lab, h)
        else:
            kalib.assert_keepalived_clean(lab, h)
    mdi = timers(lab, "h2")["mdi"]
    lab.link_down("h1")
    assert lab.wait_states({"h2": "MASTER"}, mdi + 2), lab.states()
    assert kalib.only_holder(lab, "h2", VIP6, 2), lab.holders()
    lab.link_up("h1")
    settle(lab, "h1", timeout=mdi + 3)
    for h in ("h1", "h2"):
        if kind[h] == "vipd":
            kalib.assert_vipd_clean(lab, h)
        else:
            kalib.assert_keepalived_clean(lab, h)
    invariant(lab, adv)


def test_unicast_src_ip_not_local_is_fault(make_lab):
    """unicast_src_ip that is not an address of the host: no advert can
    leave, so the instance must not become Master and take the VIP
    (keepalived 2.2.7 logs "src address not configured" and stays in
    FAULT)."""
    lab = make_lab(2)
    lab.start_vipd("h1", vrrp_conf("h1", 100, 0.1,
                                   extra=kalib.unicast("203.0.113.9", ["203.0.113.2"])))
    kalib.wait_status(lab, "h1")
    time.sleep(1.0)     # well past Master_Down_Interval (0.36 s)
    i = lab.instance("h1")
    assert i["state"] == "FAULT" and "203.0.113.9" in (i["fault_reason"] or ""), (
        i["state"], i["fault_reason"], i["counters"]["send_errors"])
    assert lab.monitor.gained("h1", 0) is None, lab.monitor.format_timeline()
