# SPDX-License-Identifier: ISC
"""vipd with keepalived 2.2.7 peers on the same segment, VRRPv3 (IPv4
pseudo-header checksum) and VRRPv2 (PASS authentication): neither may
split-brain or refuse the other's adverts, each must hand over to the other
on a link cut and on SIGTERM's priority-0 advert, preempt back, resolve
equal priorities alike, learn the v3 interval, and advertise the same
address set."""

import re
import time

import pytest

import kalib
from helpers import assert_stable, has_vipctl, invariant, settle, timers
from lab import scaled, vrrp_conf, wait_for

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="vipd against keepalived")

ADV = 0.5   # handover within Skew_Time must be told apart from a timeout


def keepalived_complaints(lab, host):
    text = lab.hosts[host].agent.log_text()
    return re.findall(r".*(?:[Ii]nvalid|checksum|mismatch|ttl|TTL).*", text)


def test_vipd_master_keepalived_backup(make_lab):
    lab = make_lab(2)
    lab.start_vipd("h1", vrrp_conf("h1", 100, ADV))
    settle(lab, "h1", timeout=4)
    lab.start_keepalived("h2", vrrp_conf("h2", 90, ADV))
    assert lab.wait_states({"h2": "BACKUP"}, 2), lab.states()
    # keepalived would time out into MASTER if it rejected our adverts.
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 3 * 3 * ADV)
    assert keepalived_complaints(lab, "h2") == []
    assert lab.holders() == ["h1"]

    t0 = time.monotonic()
    assert lab.stop_vipd("h1") == 0
    assert lab.wait_states({"h2": "MASTER"}, 3), lab.states()
    gained = wait_for(lambda: lab.monitor.gained("h2", t0), 1)
    skew = (256 - 90) * ADV / 256
    assert gained and gained - t0 <= skew + scaled(0.35), \
        "keepalived took over after %s s; Skew_Time %.3f s (priority 0 ignored?)" % (
            gained and round(gained - t0, 3), skew)

    # vipd comes back with the higher priority and preempts keepalived.
    lab.start_vipd("h1", vrrp_conf("h1", 100, ADV))
    settle(lab, "h1", timeout=3 * ADV + 3)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 2 * ADV)
    assert keepalived_complaints(lab, "h2") == []
    invariant(lab, ADV)


def test_keepalived_master_vipd_backup(make_lab):
    lab = make_lab(2)
    lab.start_keepalived("h1", vrrp_conf("h1", 100, ADV))
    assert lab.wait_states({"h1": "MASTER"}, 4), lab.states()
    lab.start_vipd("h2", vrrp_conf("h2", 90, ADV))
    assert lab.wait_states({"h2": "BACKUP"}, 2), lab.states()
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 3 * 3 * ADV)
    i = lab.instance("h2")
    assert i["master_address"] == "203.0.113.1", i
    assert i["counters"]["adverts_received"] >= 5, i["counters"]
    assert not any(i["counters"]["drops"].values()), i["counters"]["drops"]
    assert lab.holders() == ["h1"]

    t = timers(lab, "h2")
    t0 = time.monotonic()
    assert lab.stop_agent("h1") == 0
    assert lab.wait_states({"h2": "MASTER"}, 3), lab.states()
    gained = wait_for(lambda: lab.monitor.gained("h2", t0), 1)
    assert gained and gained - t0 <= t["skew"] + scaled(0.35), \
        "vipd took over after %s s; Skew_Time %.3f s" % (gained and round(gained - t0, 3),
                                                         t["skew"])
    invariant(lab, ADV)


def test_vipd_preempts_keepalived(make_lab):
    lab = make_lab(2)
    lab.start_keepalived("h1", vrrp_conf("h1", 90, 0.1))
    assert lab.wait_states({"h1": "MASTER"}, 4), lab.states()
    lab.start_vipd("h2", vrrp_conf("h2", 110, 0.1))
    settle(lab, "h2", timeout=3)
    assert_stable(lab, {"h1": "BACKUP", "h2": "MASTER"}, 1.5)
    assert keepalived_complaints(lab, "h1") == []
    invariant(lab, 0.1)


# ---- both directions, VRRPv2 (PASS) and VRRPv3 -------------------------------
# h1 has priority 100, h2 90.  vipd runs on one of them, keepalived on the
# other, so failover and preemption are each exercised in both directions:
# with vipd on h1 it fails over to keepalived and preempts it back, with
# vipd on h2 keepalived fails over to vipd and vipd yields back.

PRIO = {"h1": 100, "h2": 90}
# advert_int per version: v2 allows whole seconds only; v3 0.5 s keeps
# Skew_Time + margin well below Master_Down_Interval.
ADV_BY_VERSION = {2: 1, 3: 0.5}


def conf_for(lab, host, version, adv, prio=None, **kw):
    extra = kalib.auth() if version == 2 else ""
    p = PRIO[host] if prio is None else prio
    lab.hosts[host].prio = p
    lab.hosts[host].advert_int = adv
    return vrrp_conf(host, p, adv, version=version, extra=extra, **kw)


def start_on(lab, host, vipd_host, conf):
    if host == vipd_host:
        return lab.start_vipd(host, conf)
    return lab.start_keepalived(host, conf)


def clean_both(lab, vipd_host, ka_host):
    kalib.assert_keepalived_clean(lab, ka_host)
    a = lab.hosts[vipd_host].agent
    if a is not None and a.running():
        kalib.assert_vipd_clean(lab, vipd_host)


@pytest.mark.parametrize("vipd_host", ["h1", "h2"])
@pytest.mark.parametrize("version", [2, 3])
def test_failover_and_preemption_both_ways(make_lab, version, vipd_host):
    lab = make_lab(2)
    ka_host = "h2" if vipd_host == "h1" else "h1"
    adv = ADV_BY_VERSION[version]
    start_on(lab, "h1", vipd_host, conf_for(lab, "h1", version, adv))
    assert lab.wait_states({"h1": "BACKUP"}, 2), lab.states()
    start_on(lab, "h2", vipd_host, conf_for(lab, "h2", version, adv))
    settle(lab, "h1", timeout=4 * adv + 3)
    # keepalived times out into MASTER if it refuses our adverts, and vipd
    # would do the same: a Master_Down_Interval of calm proves neither.
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 3.5 * adv + 0.3)
    assert lab.holders() == ["h1"]
    clean_both(lab, vipd_host, ka_host)
    if vipd_host == "h2":
        assert lab.instance("h2")["master_address"] == "203.0.113.1"

    # Link cut on the Master: the Backup takes over after Master_Down_Interval.
    mdi = timers(lab, "h2")["mdi"]
    t0 = time.monotonic()
    lab.link_down("h1")
    assert lab.wait_states({"h2": "MASTER"}, mdi + 2), lab.states()
    gained = wait_for(lambda: lab.monitor.gained("h2", t0), 1)
    assert gained and gained - t0 <= mdi + scaled(0.3) + adv, \
        "takeover after %s s, Master_Down_Interval %.3f s" % (gained and gained - t0, mdi)
    assert wait_for(lambda: not lab.has_addr("h1"), 2), "cut host keeps the VIP"
    assert lab.wait_states({"h1": "FAULT"}, 2), lab.states()

    # Link back: h1 preempts.
    lab.link_up("h1")
    settle(lab, "h1", timeout=mdi + 4)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, adv + 0.2)
    clean_both(lab, vipd_host, ka_host)

    # SIGTERM on the Master: priority 0, the Backup takes over within Skew_Time.
    t = timers(lab, "h2")
    t0 = time.monotonic()
    assert lab.stop_agent("h1") == 0
    assert lab.wait_states({"h2": "MASTER"}, t["mdi"] + 2), lab.states()
    gained = wait_for(lambda: lab.monitor.gained("h2", t0), 1)
    assert gained and gained - t0 <= t["skew"] + scaled(0.35), \
        "handover after %s s; Skew_Time %.3f s (priority 0 ignored?)" % (
            gained and round(gained - t0, 3), t["skew"])
    assert lab.holders() == ["h2"]
    if vipd_host == "h2":
        assert lab.instance("h2")["counters"]["prio0_received"] == 1

    # h1 restarted: it preempts back.
    start_on(lab, "h1", vipd_host, conf_for(lab, "h1", version, adv))
    settle(lab, "h1", timeout=mdi + 4)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, adv + 0.2)
    clean_both(lab, vipd_host, ka_host)
    invariant(lab, adv)


@pytest.mark.parametrize("vipd_host", ["h1", "h2"])
@pytest.mark.parametrize("version", [2, 3])
def test_equal_priority_same_winner(make_lab, version, vipd_host):
    """Both priority 100 and Master while partitioned: once healed, the
    higher primary address (h2, 203.0.113.2) stays Master, whichever of
    vipd and keepalived holds it."""
    lab = make_lab(2)
    ka_host = "h2" if vipd_host == "h1" else "h1"
    adv = 1 if version == 2 else 0.1
    lab.bridge_down()
    for h in ("h1", "h2"):
        start_on(lab, h, vipd_host, conf_for(lab, h, version, adv, prio=100))
    assert lab.wait_states({"h1": "MASTER", "h2": "MASTER"}, 4 * adv + 3), lab.states()
    assert wait_for(lambda: lab.holders() == ["h1", "h2"], 2), lab.holders()
    t0 = time.monotonic()
    lab.bridge_up()
    settle(lab, "h2", timeout=3 * adv + 2)
    assert_stable(lab, {"h1": "BACKUP", "h2": "MASTER"}, 3.5 * adv + 0.3)
    assert lab.holders() == ["h2"]
    if vipd_host == "h1":
        assert lab.instance("h1")["master_address"] == "203.0.113.2"
    clean_both(lab, vipd_host, ka_host)
    invariant(lab, adv, since=t0 + 2 * adv + 0.2)


@pytest.mark.parametrize("vipd_host", ["h1", "h2"])
def test_v3_backup_learns_master_interval(make_lab, vipd_host):
    """VRRPv3: the Master (h1) advertises every 0.3 s, the Backup (h2) is
    configured with 1 s; the Backup must learn 0.3 s and time out after
    3 x 0.3 s + skew on a link cut, not 3.6 s."""
    lab = make_lab(2)
    ka_host = "h2" if vipd_host == "h1" else "h1"
    start_on(lab, "h1", vipd_host, conf_for(lab, "h1", 3, 0.3))
    assert lab.wait_states({"h1": "MASTER"}, 3), lab.states()
    start_on(lab, "h2", vipd_host, conf_for(lab, "h2", 3, 1))
    assert lab.wait_states({"h2": "BACKUP"}, 2), lab.states()
    learned_mdi = 3 * 0.3 + (256 - 90) * 0.3 / 256
    if vipd_host == "h2":
        assert wait_for(lambda: lab.instance("h2")["master_adver_interval_ms"] == 300, 2), \
            lab.instance("h2")
        t = timers(lab, "h2")
        assert abs(t["mdi"] - learned_mdi) < 0.002, t
    else:
        assert wait_for(lambda: kalib.keepalived_log(
            lab, "h2", r"advertisement interval updated from 1000ms to 300ms by master"), 2)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 1.5)
    t0 = time.monotonic()
    lab.link_down("h1")
    assert lab.wait_states({"h2": "MASTER"}, 5), lab.states()
    gained = wait_for(lambda: lab.monitor.gained("h2", t0), 1)
    assert gained and gained - t0 <= learned_mdi + scaled(0.4), \
        "takeover after %s s; learned Master_Down_Interval %.3f s" % (
            gained and round(gained - t0, 3), learned_mdi)
    clean_both(lab, vipd_host, ka_host)
    invariant(lab, 0.3)


def test_vip_list_order_and_excluded(make_lab):
    """keepalived refuses adverts whose address set differs from its own;
    vipd must advertise the same set whatever the order in the file, and
    leave virtual_ipaddress_excluded out, in both roles."""
    lab = make_lab(2)
    excluded = "virtual_ipaddress_excluded {\n    203.0.113.7/24\n    2001:db8::7/64\n}"

    def conf(h, prio, vips):
        lab.hosts[h].prio, lab.hosts[h].advert_int = prio, 0.1
        return vrrp_conf(h, prio, 0.1, vips=vips, extra=excluded)
    vipd_vips = ("203.0.113.5/24", "203.0.113.6/24")
    ka_vips = ("203.0.113.6/24", "203.0.113.5/24")
    lab.start_vipd("h1", conf("h1", 100, vipd_vips))
    assert lab.wait_states({"h1": "BACKUP"}, 2), lab.states()
    lab.start_keepalived("h2", conf("h2", 90, ka_vips))
    settle(lab, "h1")
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 0.6)
    assert {"203.0.113.6", "203.0.113.7", "2001:db8::7"} <= {a["addr"] for a in lab.addrs("h1")}
    assert lab.stop_agent("h1") == 0
    settle(lab, "h2")
    lab.start_vipd("h1", conf("h1", 80, vipd_vips))
    assert lab.wait_states({"h1": "BACKUP"}, 2), lab.states()
    assert_stable(lab, {"h1": "BACKUP", "h2": "MASTER"}, 0.6)
    assert lab.instance("h1")["master_address"] == "203.0.113.2"
    assert lab.instance("h1")["counters"]["adverts_received"] >= 3
    clean_both(lab, "h1", "h2")
    invariant(lab, 0.1)
