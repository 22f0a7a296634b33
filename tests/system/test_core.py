# SPDX-License-Identifier: ISC
"""Core failover behaviour: election, link cut, SIGTERM, SIGKILL, preemption,
equal priorities.  Each test builds its own lab (see lab.py)."""

import signal
import time

import pytest

from helpers import (assert_stable, has_vipctl, invariant, settle, start_group,
                     timers)
from lab import VIP, impl, scaled, vrrp_conf, wait_for

ADV = 0.1       # advert_int where timing is not what the test measures


def margin(adv):
    """Allowed lateness of a timer-driven takeover."""
    return scaled(0.3) + adv


def test_three_hosts_elect_highest(lab):
    start_group(lab, {"h1": 100, "h2": 90, "h3": 80}, ADV)
    settle(lab, "h1")
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP", "h3": "BACKUP"}, 10 * ADV)
    for h in ("h1", "h2", "h3"):
        assert lab.has_addr(h, VIP) == (h == "h1"), "%s: %s" % (h, lab.addrs(h))
    if has_vipctl():
        for h in ("h2", "h3"):
            i = lab.instance(h)
            assert i["state"] == "BACKUP"
            assert i["master_address"] == "203.0.113.1", i
            assert i["vips_installed"] is False
        assert lab.instance("h1")["vips_installed"] is True
    invariant(lab, ADV)


def test_link_cut_fails_over_and_preempts_back(lab):
    start_group(lab, {"h1": 100, "h2": 90, "h3": 80}, ADV)
    settle(lab, "h1")
    mdi = timers(lab, "h2")["mdi"]
    t0 = time.monotonic()
    lab.link_down("h1")
    assert lab.wait_states({"h2": "MASTER"}, mdi + 2), lab.states()
    gained = wait_for(lambda: lab.monitor.gained("h2", t0), 1)
    assert gained, "h2 is MASTER but never got the VIP"
    assert gained - t0 <= mdi + margin(ADV), \
        "takeover took %.3f s, Master_Down_Interval %.3f s" % (gained - t0, mdi)
    # The timer runs from the last advert heard, up to one interval before the cut.
    assert gained - t0 >= mdi - ADV - 0.05, \
        "takeover after %.3f s, before Master_Down_Interval %.3f s" % (gained - t0, mdi)
    assert lab.wait_states({"h1": "FAULT"}, 1), lab.states()
    assert wait_for(lambda: not lab.has_addr("h1"), 1), "cut host keeps the VIP"
    assert_stable(lab, {"h1": "FAULT", "h2": "MASTER", "h3": "BACKUP"}, 5 * ADV)
    assert lab.holders() == ["h2"]
    if has_vipctl():
        assert lab.instance("h3")["master_address"] == "203.0.113.2"
        assert lab.instance("h1")["vips_installed"] is False

    t1 = time.monotonic()
    lab.link_up("h1")
    settle(lab, "h1", timeout=mdi + 3)
    assert lab.monitor.gained("h1", t1) - t1 <= mdi + 1.0 + margin(ADV)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP", "h3": "BACKUP"}, 5 * ADV)
    invariant(lab, ADV)


def test_sigterm_hands_over_within_skew(lab):
    adv = 0.5   # so that Skew_Time + margin stays well below Master_Down_Interval
    start_group(lab, {"h1": 100, "h2": 90, "h3": 80}, adv)
    settle(lab, "h1", timeout=8)
    t = timers(lab, "h2")
    t0 = time.monotonic()
    rc = lab.stop_agent("h1", signal.SIGTERM)
    assert rc == 0, "agent exit code %s after SIGTERM" % rc
    assert not lab.has_addr("h1"), "VIP still on h1 after its agent exited"
    assert lab.wait_states({"h2": "MASTER"}, t["mdi"] + 2), lab.states()
    gained = wait_for(lambda: lab.monitor.gained("h2", t0), 1)
    assert gained, "h2 is MASTER but never got the VIP"
    assert gained - t0 <= t["skew"] + scaled(0.35), \
        "handover took %.3f s; Skew_Time %.3f s, Master_Down_Interval %.3f s" % (
            gained - t0, t["skew"], t["mdi"])
    lost = lab.monitor.lost("h1", t0)
    assert lost is not None and lost <= gained, "h1 lost the VIP at %s, h2 got it at %s" % (
        lost, gained)
    settle(lab, "h2")
    assert_stable(lab, {"h2": "MASTER", "h3": "BACKUP"}, 2 * adv)
    if has_vipctl():
        for h in ("h2", "h3"):
            c = lab.instance(h)["counters"]
            assert c["prio0_received"] == 1, "%s: %s" % (h, c)
    invariant(lab, adv)


def test_preempts_back_when_higher_priority_returns(make_lab):
    lab = make_lab(2)
    start_group(lab, {"h1": 100, "h2": 90}, ADV)
    settle(lab, "h1")
    assert lab.stop_agent("h1") == 0
    settle(lab, "h2")
    t0 = time.monotonic()
    lab.start_agent("h1", vrrp_conf("h1", 100, ADV))
    mdi = timers(lab, "h2")["mdi"]
    settle(lab, "h1", timeout=mdi + 3)
    assert lab.monitor.gained("h1", t0) - t0 <= mdi + 1.0 + margin(ADV)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 5 * ADV)
    invariant(lab, ADV)


def test_nopreempt_returning_host_stays_backup(make_lab):
    lab = make_lab(2)
    conf_h1 = vrrp_conf("h1", 100, ADV, nopreempt=True)
    lab.start_agent("h1", conf_h1)
    settle(lab, "h1")
    lab.start_agent("h2", vrrp_conf("h2", 90, ADV))
    assert lab.wait_states({"h2": "BACKUP"}, 2), lab.states()
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 5 * ADV)
    assert lab.stop_agent("h1") == 0
    settle(lab, "h2")
    lab.start_agent("h1", conf_h1)
    assert lab.wait_states({"h1": "BACKUP"}, 2), lab.states()
    # Long enough for several Master_Down_Intervals: it must not preempt.
    assert_stable(lab, {"h1": "BACKUP", "h2": "MASTER"}, 3.0)
    assert lab.holders() == ["h2"]
    if has_vipctl():
        assert lab.instance("h1")["master_address"] == "203.0.113.2"
    # nopreempt does not stop it taking over from a Master that leaves.
    assert lab.stop_agent("h2") == 0
    settle(lab, "h1", timeout=2)
    invariant(lab, ADV)


def test_preempt_delay_postpones_preemption(make_lab):
    lab = make_lab(2)
    delay = 2
    lab.start_agent("h2", vrrp_conf("h2", 90, ADV))
    settle(lab, "h2")
    t0 = time.monotonic()
    lab.start_agent("h1", vrrp_conf("h1", 100, ADV, preempt_delay=delay))
    assert lab.wait_states({"h1": "BACKUP"}, 1), lab.states()
    assert_stable(lab, {"h1": "BACKUP", "h2": "MASTER"}, delay - 0.5 - (time.monotonic() - t0))
    settle(lab, "h1", timeout=delay + 3)
    took = lab.monitor.gained("h1", t0) - t0
    assert delay - 0.5 <= took <= delay + 1.0 + margin(ADV), "preempted after %.3f s" % took
    invariant(lab, ADV)


@pytest.mark.parametrize("first", ["h1", "h2"])
def test_equal_priority_higher_address_wins(make_lab, first):
    """Both priority 100: after a partition heals, 203.0.113.2 must win
    whichever started first (both are Master while partitioned)."""
    lab = make_lab(2)
    second = "h2" if first == "h1" else "h1"
    lab.bridge_down()
    lab.start_agent(first, vrrp_conf(first, 100, ADV))
    time.sleep(0.2)
    lab.start_agent(second, vrrp_conf(second, 100, ADV))
    assert lab.wait_states({"h1": "MASTER", "h2": "MASTER"}, 3), lab.states()
    t0 = time.monotonic()
    lab.bridge_up()
    settle(lab, "h2", timeout=3)
    assert_stable(lab, {"h1": "BACKUP", "h2": "MASTER"}, 20 * ADV)
    assert lab.holders() == ["h2"]
    if has_vipctl():
        assert lab.instance("h1")["master_address"] == "203.0.113.2"
    invariant(lab, ADV, since=t0 + 2 * ADV)


def test_equal_priority_late_joiner_does_not_preempt(make_lab):
    """RFC 9568 sec. 6.4.2: a Backup never preempts on equal priority, so a
    later-started peer with the higher address stays Backup."""
    lab = make_lab(2)
    lab.start_agent("h1", vrrp_conf("h1", 100, ADV))
    settle(lab, "h1")
    lab.start_agent("h2", vrrp_conf("h2", 100, ADV))
    assert lab.wait_states({"h2": "BACKUP"}, 1), lab.states()
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 20 * ADV)
    assert lab.holders() == ["h1"]
    invariant(lab, ADV)


def test_sigkill_vip_expires_on_dead_host(make_lab):
    lab = make_lab(2)
    start_group(lab, {"h1": 100, "h2": 90}, ADV)
    settle(lab, "h1")
    lifetime = None
    if impl() == "vipd":
        a = [x for x in lab.addrs("h1") if x["addr"] == VIP][0]
        assert a["dynamic"] and a["valid_lft"].endswith("sec"), \
            "VIP not installed with a finite lifetime: %s" % a["line"]
        lifetime = int(a["valid_lft"][:-3])
        # README: a 3 s lifetime refreshed every second (2 s or 3 s left).
        assert lifetime in (2, 3), a["line"]
    mdi = timers(lab, "h2")["mdi"]
    t0 = time.monotonic()
    rc = lab.stop_agent("h1", signal.SIGKILL)
    assert rc == -signal.SIGKILL, rc
    assert lab.wait_states({"h2": "MASTER"}, mdi + 2), lab.states()
    gained = wait_for(lambda: lab.monitor.gained("h2", t0), 1)
    assert gained and gained - t0 <= mdi + margin(ADV), "takeover after %s" % gained
    if lifetime is None:
        pytest.skip("keepalived leaves the VIP on a SIGKILLed host (no lifetime)")
    assert wait_for(lambda: not lab.has_addr("h1"), 10, 0.1), \
        "VIP still on killed host h1 after 10 s: %s" % lab.addrs("h1")
    lost = lab.monitor.lost("h1", t0)
    # README: "the kernel removes the address by itself about 3 s later
    # (measured 2.7 to 3.2 s)".
    assert lost is not None and lost - t0 <= 3.0 + scaled(0.5), \
        "VIP outlived its 3 s lifetime: gone after %.3f s" % (lost - t0)
    # From then on only h2.
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        assert lab.holders() == ["h2"]
        time.sleep(0.1)
    # The only overlap allowed is the dead host's remaining lifetime.
    lab.monitor.assert_single_holder(lifetime + 1.0)
    invariant(lab, ADV, since=lost + 0.001)


def test_two_instances_different_masters(make_lab):
    lab = make_lab(2)
    vip2 = "203.0.113.6"

    def conf(h, p1, p2):
        return (vrrp_conf(h, p1, ADV) +
                vrrp_conf(h, p2, ADV, vrid=52, name="VI_2", vips=(vip2 + "/24",),
                          global_defs=False))
    lab.start_agent("h1", conf("h1", 100, 90))
    lab.start_agent("h2", conf("h2", 90, 100))

    def split():
        return (lab.state("h1", "VI_1") == "MASTER" and lab.state("h2", "VI_1") == "BACKUP" and
                lab.state("h1", "VI_2") == "BACKUP" and lab.state("h2", "VI_2") == "MASTER")
    assert wait_for(split, 5, 0.05), "VI_1 %s / VI_2 %s" % (
        lab.states(), {h: lab.state(h, "VI_2") for h in lab.hosts})
    assert wait_for(lambda: lab.holders() == ["h1"] and lab.holders(vip2) == ["h2"], 2), \
        (lab.holders(), lab.holders(vip2))
    if has_vipctl():
        st = lab.status("h1")
        assert sorted(i["name"] for i in st["instances"]) == ["VI_1", "VI_2"]
        assert {i["name"]: i["vrid"] for i in st["instances"]} == {"VI_1": 51, "VI_2": 52}

    lab.link_down("h1")
    assert wait_for(lambda: lab.holders() == ["h2"] and lab.holders(vip2) == ["h2"], 3), \
        (lab.holders(), lab.holders(vip2))
    assert lab.state("h1", "VI_1") == "FAULT" and lab.state("h1", "VI_2") == "FAULT"
    lab.link_up("h1")
    assert wait_for(split, 5, 0.05), "after link up: %s" % (
        {h: (lab.state(h, "VI_1"), lab.state(h, "VI_2")) for h in lab.hosts})
    assert wait_for(lambda: lab.holders() == ["h1"] and lab.holders(vip2) == ["h2"], 2)
    invariant(lab, ADV)


def test_link_flapping_converges(lab):
    start_group(lab, {"h1": 100, "h2": 90, "h3": 80}, ADV)
    settle(lab, "h1")
    for _ in range(6):
        lab.link_down("h1")
        time.sleep(0.12)
        lab.link_up("h1")
        time.sleep(0.12)
    settle(lab, "h1", timeout=3)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP", "h3": "BACKUP"}, 10 * ADV)
    for h in lab.hosts:
        assert lab.hosts[h].agent.running(), "%s's agent died" % h


def test_restart_after_crash_removes_stale_vip(make_lab):
    """A vipd restarted as Backup after a crash must not keep serving the
    VIP its predecessor left behind until the lifetime runs out."""
    if not has_vipctl():
        pytest.skip("vipd only: keepalived's leftover VIP never expires")
    lab = make_lab(2)
    start_group(lab, {"h1": 100, "h2": 90}, ADV)
    settle(lab, "h1")
    assert lab.stop_agent("h1", signal.SIGKILL) == -signal.SIGKILL
    left = [a for a in lab.addrs("h1") if a["addr"] == VIP]
    assert left and left[0]["dynamic"], "no stale VIP to test with: %s" % lab.addrs("h1")
    remaining = int(left[0]["valid_lft"][:-3])
    t0 = time.monotonic()
    lab.start_agent("h1", vrrp_conf("h1", 80, ADV))     # lower: stays Backup
    gone = wait_for(lambda: not lab.has_addr("h1"), remaining + 1.0, 0.02)
    took = time.monotonic() - t0
    assert gone, "stale VIP still on h1"
    assert took < min(1.0, remaining - 0.5), \
        "stale VIP removed only after %.2f s (lifetime left %d s): expiry, not vipd" % (
            took, remaining)
    settle(lab, "h2", timeout=3)
