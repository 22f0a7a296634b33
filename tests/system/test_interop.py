# SPDX-License-Identifier: ISC
"""vipd with keepalived 2.2.7 peers on the same segment (VRRPv3, IPv4
pseudo-header checksum): neither may split-brain, and each must hand over
to the other on SIGTERM's priority-0 advert."""

import re
import time

import pytest

from helpers import assert_stable, has_vipctl, invariant, settle, timers
from lab import vrrp_conf, wait_for

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
    assert gained and gained - t0 <= skew + 0.35, \
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
    assert gained and gained - t0 <= t["skew"] + 0.35, \
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
