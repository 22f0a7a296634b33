# SPDX-License-Identifier: ISC
"""Safety on a shared, hostile link (issue 8 items 4, 5, 6 and the unicast
TTL): another team's keepalived pair on the same VRID with other
addresses, forged priority-0 adverts from an on-link host, an address
owner (priority 255) asked for maintenance, unicast adverts whose TTL says
they were routed."""

import time

import pytest

import kalib
from helpers import assert_stable, has_vipctl, invariant, settle, start_group
from lab import vrrp_conf, wait_for

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="vipd behaviour")

ADV = 0.1
VIP2 = "203.0.113.6"
ADDR = {"h1": "203.0.113.1", "h2": "203.0.113.2", "h3": "203.0.113.3",
        "h4": "203.0.113.4"}


def test_shared_vlan_other_pair_same_vrid(make_lab):
    """A keepalived pair for 203.0.113.6 on VRID 51, with higher priorities,
    on the same link as the vipd pair for 203.0.113.5: each pair keeps
    its own VIP, and vipd reports the other router in status."""
    lab = make_lab(4)
    other = kalib.watch(lab, VIP2)
    start_group(lab, {"h1": 100, "h2": 90}, ADV)
    settle(lab, "h1")
    for h, p in (("h3", 200), ("h4", 150)):
        lab.start_keepalived(h, vrrp_conf(h, p, ADV, vips=(VIP2 + "/24",)))
    # keepalived's Backup may time out once at startup (see settle).
    time.sleep(1.0)
    assert lab.wait_states({"h3": "MASTER", "h4": "BACKUP"}, 6.0), lab.states()
    assert wait_for(lambda: lab.holders(VIP2) == ["h3"], 6.0), lab.holders(VIP2)
    t0 = time.monotonic()
    # h4 is left out: keepalived 2.2.7's Backup times out about once a
    # second while it drops another router's adverts on its VRID, and
    # goes back at its Master's next advert. Its Master (h3) keeps the VIP.
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP", "h3": "MASTER"}, 3.0)
    assert lab.holders() == ["h1"], lab.holders()
    assert "h3" in lab.holders(VIP2), lab.holders(VIP2)
    assert lab.monitor.lost("h1", t0) is None, lab.monitor.format_timeline()
    invariant(lab, ADV, since=t0)
    assert other.lost("h3", t0) is None, other.format_timeline()
    for h in ("h1", "h2"):
        i = lab.instance(h)
        col = i["vrid_collision"]
        assert col is not None, i
        assert col["source"] == ADDR["h3"], col
        assert col["addresses"] == [VIP2], col
        assert col["priority"] == 200, col
        assert i["counters"]["drops"]["other_virtual_router"] >= 10, i["counters"]
    assert lab.instance("h2")["master_address"] == ADDR["h1"]
    text = lab.vipctl("h1", "status").stdout
    assert "VRID collision: 203.0.113.3 (priority 200) advertises 203.0.113.6" in text, text
    assert "another virtual router uses this VRID" in lab.hosts["h1"].agent.log_text()


def test_overlapping_address_set_obeyed(make_lab):
    """The same router misconfigured (one address in common, one not) is
    still obeyed: dropping it would make two Masters for the common one."""
    lab = make_lab(3)
    start_group(lab, {"h1": 100, "h2": 90}, ADV)
    settle(lab, "h1")
    t0 = time.monotonic()
    lab.inject("h3", src=ADDR["h3"], prio=254, count=10, interval=0.05,
               addrs=["203.0.113.5", "203.0.113.9"])
    assert lab.monitor.lost("h1", t0) is not None, "h1 ignored a higher-priority advert"
    i = lab.instance("h1")
    assert i["master_address"] == ADDR["h3"], i
    assert i["counters"]["address_list_mismatch"] >= 1, i["counters"]
    assert i["misconfigured_peer"] and ADDR["h3"] in i["misconfigured_peer"], i
    assert i["vrid_collision"] is None, i
    settle(lab, "h1", timeout=2)


def test_disjoint_injected_advert_dropped(make_lab):
    """A higher-priority advert for other addresses only: dropped, counted,
    reported; the Master keeps the VIP."""
    lab = make_lab(3)
    start_group(lab, {"h1": 100, "h2": 90}, ADV)
    settle(lab, "h1")
    sent = lab.inject("h3", src=ADDR["h3"], prio=254, count=10, interval=0.05,
                      addrs=["203.0.113.9"])
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 3 * ADV)
    for h in ("h1", "h2"):
        i = lab.instance(h)
        assert i["counters"]["drops"]["other_virtual_router"] == sent, i["counters"]
        assert i["vrid_collision"]["addresses"] == ["203.0.113.9"], i
        assert i["vrid_collision"]["adverts"] == sent, i
    # Another pair speaking VRRPv2 is another router too, not a
    # misconfigured peer.
    more = lab.inject("h3", src=ADDR["h3"], prio=254, count=5, interval=0.05,
                      version=2, adv=1, addrs=["203.0.113.9"])
    i = lab.instance("h1")
    assert i["counters"]["drops"]["other_virtual_router"] == sent + more, i["counters"]
    assert i["counters"]["drops"]["version_mismatch"] == 0, i["counters"]
    assert i["misconfigured_peer"] is None, i


def test_forged_prio0_from_stranger_ignored(make_lab):
    """Priority 0 from an on-link host that is not the Master, every 50 ms
    for 3 s: the Backup never takes over (its timer is not cut)."""
    lab = make_lab(3)
    start_group(lab, {"h1": 100, "h2": 90}, ADV)
    settle(lab, "h1")
    t0 = time.monotonic()
    sent = lab.inject("h3", src=ADDR["h3"], prio=0, count=60, interval=0.05)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 3 * ADV)
    assert lab.monitor.lost("h1", t0) is None, lab.monitor.format_timeline()
    assert lab.monitor.gained("h2", t0) is None, lab.monitor.format_timeline()
    c = lab.instance("h2")["counters"]
    assert c["prio0_ignored"] == sent, c
    assert "ignored priority 0 from 203.0.113.3" in lab.hosts["h2"].agent.log_text()


def test_forged_prio0_as_master_reclaimed_at_once(make_lab):
    """A priority 0 forged with the Master's own source address cannot be
    told from a real one: the Backup takes over after Skew_Time. The real
    Master hears it and re-announces at once, so the Backup holds the VIP
    for no more than about one advert interval and the hosts' ARP entries
    point back to the Master."""
    lab = make_lab(3)
    start_group(lab, {"h1": 100, "h2": 90}, ADV)
    settle(lab, "h1")
    arp = lab.start_sniff("h3", 2.0, what="arp")
    t0 = time.monotonic()
    # A stream, so that one lands more than Skew_Time before the Master's
    # next advert (a single one is often overtaken by it).
    lab.inject("h3", src=ADDR["h1"], prio=0, count=15, interval=0.02)
    # While forgeries keep coming the Backup may take over again after
    # each of the Master's adverts; once they stop, it lets go within
    # about one advert interval (its release grace included).
    assert wait_for(lambda: lab.holders() == ["h1"], ADV + 0.25), lab.holders()
    assert lab.monitor.lost("h1", t0) is None, lab.monitor.format_timeline()
    settle(lab, "h1", timeout=2)
    assert lab.instance("h1")["counters"]["rival_master"] >= 1
    vip = bytes([203, 0, 113, 5])
    mac = {h: bytes.fromhex(lab.mac(h).replace(":", "")) for h in ("h1", "h2")}
    # (time, sender MAC) of the gratuitous ARPs for the VIP
    garps = [(t, f[22:28]) for t, _, f in arp.frames() if f[28:32] == vip]
    from_h2 = [t for t, m in garps if m == mac["h2"]]
    assert from_h2, "the Backup never took over: %s" % garps
    # Every takeover is answered within about one advert interval, not
    # after garp_lower_prio_delay (5 s), and the Master has the last word.
    names = {mac["h1"]: "h1", mac["h2"]: "h2"}
    seen = ["%+.3f %s" % (t - t0, names.get(m, m.hex())) for t, m in garps]
    for t2 in from_h2:
        assert any(m == mac["h1"] and t2 <= t < t2 + ADV + 0.15
                   for t, m in garps), (t2 - t0, " ".join(seen))
    assert garps[-1][1] == mac["h1"], garps


def test_owner_maintenance_refused(make_lab):
    """Priority 255: maintenance is refused with the reason, and explain
    says what the state machine uses (255), not a gated priority."""
    lab = make_lab(3)
    start_group(lab, {"h1": 255, "h2": 100}, ADV)
    settle(lab, "h1")
    r = lab.vipctl("h1", "maintenance", "on", check=False)
    assert r.returncode != 0, r.stdout
    assert "priority 255 (address owner)" in r.stderr + r.stdout, (r.stdout, r.stderr)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 5 * ADV)
    assert lab.instance("h1")["health"]["maintenance"] is False
    import json
    ex = json.loads(lab.vipctl("h1", "explain", "--json").stdout)["instances"][0]
    assert ex["effective_priority"] == 255, ex
    assert "effective priority 255" in ex["priority"], ex
    # A non-owner still hands over.
    r = lab.vipctl("h2", "maintenance", "on")
    assert r.returncode == 0


def uconf(host, prio, peers):
    return vrrp_conf(host, prio, ADV, extra=kalib.unicast(ADDR[host], peers))


@pytest.mark.parametrize("routed", [False, True])
def test_unicast_ttl(make_lab, routed):
    """Unicast adverts must arrive with TTL 255 unless the peer's line
    allows fewer (min_ttl): a TTL-254 advert is dropped and counted by
    default, and obeyed when the peer is declared routed."""
    lab = make_lab(3)
    h3 = ADDR["h3"] + (" min_ttl 250" if routed else "")
    lab.start_agent("h1", uconf("h1", 100, [ADDR["h2"], h3]))
    lab.start_agent("h2", uconf("h2", 90, [ADDR["h1"]]))
    for h, p in (("h1", 100), ("h2", 90)):
        lab.hosts[h].prio = p
        lab.hosts[h].advert_int = ADV
    settle(lab, "h1")
    t0 = time.monotonic()
    sent = lab.inject("h3", src=ADDR["h3"], dst=ADDR["h1"], ttl=254, prio=254,
                      count=10, interval=0.05)
    if routed:
        assert lab.monitor.lost("h1", t0) is not None, "routed peer not obeyed"
        assert lab.instance("h1")["counters"]["drops"]["unicast_ttl"] == 0
        settle(lab, "h1", timeout=3)
        return
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 3 * ADV)
    c = lab.instance("h1")["counters"]
    assert c["drops"]["unicast_ttl"] == sent, c
    assert "TTL 254 not in 255..255" in lab.hosts["h1"].agent.log_text()
