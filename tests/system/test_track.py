# SPDX-License-Identifier: ISC
"""track_interface with keepalived 2.2.7 as the peer: a tracked macvlan
going down puts vipd in FAULT (weight 0) and the VIP moves, or lowers its
effective priority (negative weight) so that keepalived preempts; the
interface coming back restores vipd as Master."""

import time

import pytest

import kalib
from helpers import assert_stable, has_vipctl, invariant, settle, timers
from lab import scaled, vrrp_conf, wait_for

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="vipd track_interface")

ADV = 0.1


def start_pair(lab, track, adv=ADV):
    kalib.add_macvlan(lab, "h1", "trk0")
    lab.hosts["h1"].prio, lab.hosts["h2"].prio = 100, 90
    lab.hosts["h1"].advert_int = lab.hosts["h2"].advert_int = adv
    lab.start_vipd("h1", vrrp_conf("h1", 100, adv, extra="track_interface {\n    %s\n}" % track))
    assert lab.wait_states({"h1": "BACKUP"}, 2), lab.states()
    lab.start_keepalived("h2", vrrp_conf("h2", 90, adv))
    settle(lab, "h1", timeout=4 * adv + 3)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 4 * adv)


def test_track_interface_weight_0_faults(make_lab):
    lab = make_lab(2)
    adv = 0.5   # Skew_Time + margin must stay below Master_Down_Interval
    start_pair(lab, "trk0", adv)
    skew = timers(lab, "h2")["skew"]
    t0 = time.monotonic()
    kalib.set_link(lab, "h1", "trk0", False)
    assert lab.wait_states({"h1": "FAULT", "h2": "MASTER"}, 2), lab.states()
    i = lab.instance("h1")
    assert "trk0" in (i["fault_reason"] or ""), i["fault_reason"]
    assert kalib.only_holder(lab, "h2", timeout=2), lab.holders()
    gained = lab.monitor.gained("h2", t0)
    # Leaving Master for FAULT sends priority 0: takeover within Skew_Time.
    assert gained - t0 <= skew + scaled(0.35), "takeover after %.3f s" % (gained - t0)
    assert_stable(lab, {"h1": "FAULT", "h2": "MASTER"}, adv + 0.2)
    kalib.set_link(lab, "h1", "trk0", True)
    settle(lab, "h1", timeout=4 * adv + 3)
    assert lab.instance("h1")["fault_reason"] is None
    kalib.assert_vipd_clean(lab, "h1")
    kalib.assert_keepalived_clean(lab, "h2")
    invariant(lab, adv)


def test_track_interface_negative_weight_lets_peer_preempt(make_lab):
    lab = make_lab(2)
    start_pair(lab, "trk0 weight -20")
    kalib.set_link(lab, "h1", "trk0", False)
    assert wait_for(lambda: lab.instance("h1")["effective_priority"] == 80, 2), \
        lab.instance("h1")
    assert lab.wait_states({"h1": "BACKUP", "h2": "MASTER"}, 3), lab.states()
    assert kalib.only_holder(lab, "h2", timeout=2), lab.holders()
    i = lab.instance("h1")
    assert (i["priority"], i["effective_priority"], i["master_address"]) == \
        (100, 80, "203.0.113.2"), i
    assert_stable(lab, {"h1": "BACKUP", "h2": "MASTER"}, 5 * ADV)
    kalib.set_link(lab, "h1", "trk0", True)
    assert wait_for(lambda: lab.instance("h1")["effective_priority"] == 100, 2)
    settle(lab, "h1", timeout=3)
    kalib.assert_vipd_clean(lab, "h1")
    kalib.assert_keepalived_clean(lab, "h2")
    invariant(lab, ADV)
