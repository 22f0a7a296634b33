# SPDX-License-Identifier: ISC
"""Receive validation (protocol brief sec. 7): hand-built adverts claiming
priority 254 are injected from a third host.  Invalid ones must change
nothing and be counted as drops; a valid one must make the Master yield."""

import time

import pytest

from helpers import assert_stable, has_vipctl, settle, start_group

ADV = 0.1
SRC = "203.0.113.3"     # h3, which runs no agent

# case -> (inject.py options, drop counter expected to grow or None)
BAD = {
    "ttl_254": ({"ttl": 254}, "ttl"),
    "bad_checksum": ({"csum": "bad"}, "checksum"),
    "type_2": ({"type": 2}, "type"),
    "version_2": ({"version": 2, "adv": 1}, None),
    "count_0": ({"naddr": 0}, None),
    "truncated": ({"truncate": 7}, None),
    "other_vrid": ({"vrid": 52}, "drops_unknown_vrid"),
    "unicast_dst": ({"dst": "203.0.113.1"}, None),
}


def drops(lab, host):
    """All drop counters of host's vipd, flattened: instance drops by
    reason plus the interface ones."""
    st = lab.status(host)
    out = dict(st["instances"][0]["counters"]["drops"])
    for ifc in st.get("interfaces", []):
        for k, v in ifc.items():
            if k.startswith("drops_"):
                out[k] = out.get(k, 0) + v
    return out


def delta(before, after):
    return {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}


@pytest.mark.parametrize("case", sorted(BAD))
def test_invalid_advert_ignored(make_lab, case):
    lab = make_lab(3)
    start_group(lab, {"h1": 100, "h2": 90}, ADV)
    settle(lab, "h1")
    opts, counter = BAD[case]
    before = {h: drops(lab, h) for h in ("h1", "h2")} if has_vipctl() else {}
    sent = lab.inject("h3", src=SRC, prio=254, count=10, interval=0.03, **opts)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 3 * ADV)
    assert lab.holders() == ["h1"]
    if not has_vipctl():
        return
    # The injected adverts changed nobody's idea of the Master: h1 itself.
    for h in ("h1", "h2"):
        i = lab.instance(h)
        assert i["master_address"] == "203.0.113.1", (h, i["master_address"])
    if case == "unicast_dst":
        # Only h1 gets a frame for its own unicast address.
        hosts = ["h1"]
    else:
        hosts = ["h1", "h2"]
    for h in hosts:
        d = delta(before[h], drops(lab, h))
        if counter:
            assert d.get(counter) == sent, "%s: %d sent, drop deltas %s" % (h, sent, d)
        else:
            assert sum(d.values()) >= sent, "%s: %d sent, drop deltas %s" % (h, sent, d)


def test_valid_injected_advert_wins(make_lab):
    """Positive control for the cases above: the same advert, valid, makes
    the Master yield, and it returns once the injected adverts stop."""
    lab = make_lab(3)
    start_group(lab, {"h1": 100, "h2": 90}, ADV)
    settle(lab, "h1")
    t0 = time.monotonic()
    lab.inject("h3", src=SRC, prio=254, count=10, interval=0.05)
    assert lab.monitor.lost("h1", t0) is not None, "h1 kept the VIP"
    if has_vipctl():
        assert lab.instance("h1")["master_address"] == SRC
    settle(lab, "h1", timeout=2)


@pytest.mark.skipif(not has_vipctl(), reason="keepalived 2.2.7 rejects it")
def test_message_only_checksum_accepted(make_lab):
    """RFC 9568 sends v3/IPv4 checksums without pseudo-header (vendor
    routers); the protocol brief recommends accepting both forms."""
    lab = make_lab(3)
    start_group(lab, {"h1": 100, "h2": 90}, ADV)
    settle(lab, "h1")
    t0 = time.monotonic()
    lab.inject("h3", src=SRC, prio=254, count=10, interval=0.05, csum="msgonly")
    assert lab.monitor.lost("h1", t0) is not None, "message-only checksum not accepted"
    assert lab.instance("h1")["master_address"] == SRC
    settle(lab, "h1", timeout=2)


# Address-list mismatches (obeyed when they overlap, dropped and reported
# when disjoint) are in test_safety.py.
