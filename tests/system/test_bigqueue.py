# SPDX-License-Identifier: ISC
"""A big deferred queue on the Master must not make the Backup take over.

h1 (Master, 100) and h2 (Backup, 90) run vipd with the default checks of
their real Postfix at advert_int 0.1 s (Master_Down_Interval about 0.34 s).
h1's deferred queue gets BIG_QUEUE messages (bigqueue.py) before vipd
starts, so every queue pass walks them all; the walk runs in bounded slices
between VRRP work, so h1's adverts keep their pace: for HOLD seconds h2
never gains the VIP and h1 never loses it, and h1's `vipctl status` still
counts the whole queue, with passes that took more than one slice."""

import re
import time

import pytest

import bigqueue
from helpers import has_vipctl, settle
from lab import vrrp_conf, wait_for
from postfix import add_postfixes

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="vipd's own queue check")

ADV = 0.1
BIG_QUEUE = 60000      # about 6 s to write; a synchronous walk stalled ~0.1 s
HOLD = 20.0


def queue_check(lab, host):
    for c in lab.instance(host)["health"]["checks"]:
        if "queue" in c:
            return c
    raise AssertionError("no queue in %s" % lab.instance(host)["health"])


def test_big_deferred_queue_no_flap(make_lab):
    lab = make_lab(["h1", "h2"])
    pf = add_postfixes(lab, ["h1", "h2"])
    t = time.monotonic()
    bigqueue.fill_deferred(pf["h1"].queue_dir, BIG_QUEUE)
    fill_s = time.monotonic() - t
    for h, prio in (("h1", 100), ("h2", 90)):
        lab.start_vipd(h, vrrp_conf(h, prio, ADV, default_checks=True))
        lab.hosts[h].prio = prio
        lab.hosts[h].advert_int = ADV
    settle(lab, "h1", timeout=15)
    # The first full pass is in: the whole queue is counted.
    assert wait_for(lambda: queue_check(lab, "h1")["queue"]["deferred"] == BIG_QUEUE,
                    15, 0.2), queue_check(lab, "h1")
    h2_last = lab.instance("h2")["last_transition"]

    t0 = time.monotonic()
    passes = set()
    while time.monotonic() - t0 < HOLD:
        c = queue_check(lab, "h1")
        passes.add(c["queue_pass_at"])
        time.sleep(0.5)
    assert lab.monitor.gained("h2", t0) is None, "h2 took the VIP: %s" % lab.instance("h2")
    assert lab.monitor.lost("h1", t0) is None, "h1 lost the VIP: %s" % lab.instance("h1")
    assert lab.holders() == ["h1"], lab.holders()
    assert lab.instance("h2")["state"] == "BACKUP"
    assert lab.instance("h2")["last_transition"] == h2_last
    assert lab.instance("h1")["state"] == "MASTER"

    c = queue_check(lab, "h1")
    assert c["state"] == "passing", c
    assert c["queue"]["deferred"] == BIG_QUEUE, c
    # Passes kept coming, each in many slices (the walk is bounded).
    assert len(passes) >= 3, (passes, c)
    assert c["queue_slices"] > 10, c
    assert c["queue_pass_ms"] >= c["queue_walk_ms"] > 0, c
    text = lab.vipctl("h1", "status").stdout
    assert re.search(r"deferred %d .*; last pass \S+.*, \d+ ms in \d+ slices" % BIG_QUEUE,
                     text), text
    print("filled %d in %.1f s; last pass %.0f ms, %.0f ms walking, %d slices" % (
        BIG_QUEUE, fill_s, c["queue_pass_ms"], c["queue_walk_ms"], c["queue_slices"]))
