# SPDX-License-Identifier: ISC
"""Helpers shared by the system tests: start a group of agents, wait for a
given election result, check stability, timers and the single-holder
invariant."""

import time

from lab import impl, master_down_interval, scaled, skew_time, vrrp_conf, wait_for

OVERLAP_SLACK = scaled(0.1)     # scheduling slack on top of one advert interval


def start_group(lab, prios, advert_int=0.1, **kw):
    """Start an agent per host; prios maps host -> priority."""
    for h, p in prios.items():
        lab.start_agent(h, vrrp_conf(h, p, advert_int, **kw))
        lab.hosts[h].prio = p
        lab.hosts[h].advert_int = advert_int


def settle(lab, master, timeout=5.0, others="BACKUP"):
    """Wait until `master` is MASTER, every other host running an agent is
    in state `others`, and only `master` holds the VIP.  Every agent the
    test started and did not stop counts, so one that crashed fails here."""
    lab.assert_agents_alive()
    expected = {h: ("MASTER" if h == master else others)
                for h, host in lab.hosts.items() if host.agent and not host.agent.stopped}
    # keepalived's Backup may time out once at startup, before its socket
    # has joined the group: let its states hold for a moment.
    hold = 0.6 if impl() == "keepalived" else 0.0
    deadline = time.monotonic() + scaled(timeout)
    since = None
    while True:
        now = time.monotonic()
        if all(lab.state(h) == s for h, s in expected.items()):
            since = since or now
            if now - since >= hold:
                break
        else:
            since = None
            lab.assert_agents_alive()
        assert now < deadline, "no convergence to %s within %.1f s: %s" % (
            expected, timeout, lab.states())
        time.sleep(0.05)
    held = wait_for(lambda: lab.holders() == [master], 2.0)
    assert held, "VIP holders %s, expected only %s" % (lab.holders(), master)


def assert_stable(lab, expected, duration, interval=0.05):
    """States stay as `expected` (host -> state) for `duration` seconds."""
    end = time.monotonic() + duration
    while time.monotonic() < end:
        now = {h: lab.state(h) for h in expected}
        assert now == expected, "state changed: %s, expected %s" % (now, expected)
        time.sleep(interval)


def timers(lab, host, master_advert_int=None):
    """Timers of host's instance in seconds: advert, skew, mdi.  From the
    status JSON for vipd; computed from the config (with the Master's
    interval) for keepalived, which has no status interface."""
    if lab.hosts[host].agent.kind == "vipd":
        i = lab.instance(host)
        return {"advert": i["advert_interval_ms"] / 1000.0,
                "skew": i["skew_time_ms"] / 1000.0,
                "mdi": i["master_down_interval_ms"] / 1000.0}
    h = lab.hosts[host]
    mai = master_advert_int or h.advert_int
    return {"advert": h.advert_int, "skew": skew_time(h.prio, mai),
            "mdi": master_down_interval(h.prio, mai)}


def invariant(lab, advert_int, since=0.0):
    """At most one VIP holder, except within one advert interval of a
    transition."""
    lab.monitor.assert_single_holder(advert_int + OVERLAP_SLACK, since)


def has_vipctl():
    return impl() == "vipd"
