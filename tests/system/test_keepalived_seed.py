# SPDX-License-Identifier: ISC
"""The mail admins' keepalived.conf files, byte for byte, one under vipd and
the other under keepalived 2.2.7 (VRRPv2, advert_int 1, PASS auth with a
13-character password both truncate to 8): election, failover by SIGTERM,
preemption back.  vipd's default checks watch the local Postfix, so a real
Postfix runs on the vipd host (postfix.py)."""

import os
import time

import pytest

import kalib
from helpers import assert_stable, has_vipctl, invariant, settle, timers
from lab import scaled, vipd_bin, wait_for
from postfix import add_postfix

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="vipd against keepalived")

# The seeds, kept in the tree next to their golden vipd -t output.
CONFDIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "config")

SEED = {"h1": os.path.join(CONFDIR, "seed-master.conf"),
        "h2": os.path.join(CONFDIR, "seed-backup.conf")}
PRIO = {"h1": 100, "h2": 90}
ADV = 1


def start(lab, host, vipd_host):
    lab.hosts[host].prio = PRIO[host]
    lab.hosts[host].advert_int = ADV
    return kalib.start_verbatim(lab, host, "vipd" if host == vipd_host else "keepalived",
                                SEED[host])


def assert_healthy(lab, host):
    h = lab.instance(host)["health"]
    names = sorted(c["name"] for c in h["checks"])
    assert names == ["default_postfix", "default_smtp"], h
    assert h["ready"] is True, h


def test_seed_passes_vipd_check(make_lab):
    """vipd -t accepts both seeds, warning only about the truncated password."""
    lab = make_lab(1)
    for path in SEED.values():
        r = lab.run("h1", vipd_bin(), "-t", "-f", path, check=False)
        assert r.returncode == 0, r.stderr
        with open(path) as f:
            line = [n + 1 for n, l in enumerate(f) if "auth_pass" in l][0]
        warnings = [l for l in r.stderr.splitlines() if l.strip()]
        assert len(warnings) == 1 and warnings[0].startswith(
            "%s:%d: warning: auth_pass" % (path, line)), r.stderr


@pytest.mark.parametrize("vipd_host", ["h1", "h2"])
def test_seed_configs_unchanged(make_lab, vipd_host):
    lab = make_lab(2)
    ka_host = "h2" if vipd_host == "h1" else "h1"
    pf = add_postfix(lab, vipd_host)
    pf.start()
    start(lab, "h1", vipd_host)
    assert lab.wait_states({"h1": "BACKUP"}, 3), lab.states()
    start(lab, "h2", vipd_host)
    settle(lab, "h1", timeout=4 * ADV + 3)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 4 * ADV)
    assert lab.holders() == ["h1"]
    assert_healthy(lab, vipd_host)
    kalib.assert_vipd_clean(lab, vipd_host)
    kalib.assert_keepalived_clean(lab, ka_host)
    i = lab.instance(vipd_host)
    assert (i["version"], i["advert_interval_ms"], i["priority"]) == (2, 1000, PRIO[vipd_host])
    assert i["master_address"] == "203.0.113.1", i

    # Failover: SIGTERM on the Master, the Backup takes over within Skew_Time.
    t = timers(lab, "h2")
    t0 = time.monotonic()
    assert lab.stop_agent("h1") == 0
    assert lab.wait_states({"h2": "MASTER"}, t["mdi"] + 2), lab.states()
    gained = wait_for(lambda: lab.monitor.gained("h2", t0), 1)
    assert gained and gained - t0 <= t["skew"] + scaled(0.35), \
        "handover after %s s; Skew_Time %.3f s" % (gained and round(gained - t0, 3), t["skew"])
    assert lab.holders() == ["h2"]

    # Preemption back when h1's agent returns.
    start(lab, "h1", vipd_host)
    settle(lab, "h1", timeout=t["mdi"] + 4)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, ADV + 0.2)
    kalib.assert_vipd_clean(lab, vipd_host)
    kalib.assert_keepalived_clean(lab, ka_host)
    assert_healthy(lab, vipd_host)
    invariant(lab, ADV)
