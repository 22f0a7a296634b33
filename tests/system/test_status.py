# SPDX-License-Identifier: ISC
"""`vipctl status --json`: fields, timers (with the Master's interval learnt,
RFC 9568 6.4.2), counters, and the VIP's finite lifetime."""

import re
import subprocess
import time

import pytest

from helpers import has_vipctl, settle
from lab import VIP, VIP_CIDR, scaled, vrrp_conf, wait_for

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="needs vipctl")


def near(x, want, tol=1.0):
    return abs(float(x) - want) <= tol


def test_status_fields_timers_counters(make_lab):
    lab = make_lab(2)
    a1 = lab.start_agent("h1", vrrp_conf("h1", 100, 0.1))
    settle(lab, "h1")
    # h2 is configured with 1 s but must learn the Master's 100 ms.
    a2 = lab.start_agent("h2", vrrp_conf("h2", 90, 1))
    assert lab.wait_states({"h2": "BACKUP"}, 2), lab.states()
    time.sleep(0.5)

    s1 = lab.status("h1")
    assert s1["pid"] == a1.pid, (s1["pid"], a1.pid)
    assert isinstance(s1["version"], str) and s1["version"]
    assert len(s1["instances"]) == 1
    m = s1["instances"][0]
    assert (m["name"], m["interface"], m["vrid"], m["version"]) == ("VI_1", "eth0", 51, 3), m
    assert (m["state"], m["priority"], m["effective_priority"]) == ("MASTER", 100, 100), m
    assert m["advert_interval_ms"] == 100, m
    assert m["vips"] == [VIP_CIDR] and m["vips_installed"] is True, m
    assert m["last_transition"]["to"] == "MASTER", m["last_transition"]
    assert m["last_transition"]["from"] == "BACKUP", m["last_transition"]
    assert m["counters"]["became_master"] == 1, m["counters"]
    # Its own looped-back adverts are not "received" (h2 never sent any).
    assert m["counters"]["adverts_received"] == 0, m["counters"]
    assert isinstance(m["counters"]["drops"], dict)

    s2 = lab.status("h2")
    assert s2["pid"] == a2.pid
    b = s2["instances"][0]
    assert (b["state"], b["priority"], b["effective_priority"]) == ("BACKUP", 90, 90), b
    assert b["advert_interval_ms"] == 1000, b
    assert b["master_address"] == "203.0.113.1", b
    assert b["vips_installed"] is False, b
    # Skew = (256-90)*10cs/256 = 6.484 cs; MDI = 3*100 ms + skew.
    assert near(b["skew_time_ms"], 64.84), "skew %s: not from the learnt 100 ms" % b["skew_time_ms"]
    assert near(b["master_down_interval_ms"], 364.84), b["master_down_interval_ms"]
    assert b["counters"]["became_master"] == 0 and b["counters"]["adverts_sent"] == 0, b

    # Counters move at the advert rate: about 10 per second.
    sent0 = m["counters"]["adverts_sent"]
    recv0 = b["counters"]["adverts_received"]
    t0 = time.monotonic()
    time.sleep(1.0)
    sent1 = lab.instance("h1")["counters"]["adverts_sent"]
    recv1 = lab.instance("h2")["counters"]["adverts_received"]
    dt = time.monotonic() - t0
    assert 0.7 * 10 * dt <= sent1 - sent0 <= 1.3 * 10 * dt + 1, (sent0, sent1, dt)
    assert 0.7 * 10 * dt <= recv1 - recv0 <= 1.3 * 10 * dt + 1, (recv0, recv1, dt)


VIP_LIFETIME = 3        # README: "a finite lifetime (3 s)"
VIP_REFRESH = 1         # README: "that vipd refreshes every second"


def test_vip_has_finite_refreshed_lifetime(make_lab):
    """README: the VIP is installed with a 3 s lifetime that vipd refreshes
    every second while Master."""
    lab = make_lab(1)
    lab.start_agent("h1", vrrp_conf("h1", 100, 0.1))
    settle(lab, "h1")

    def lft():
        a = [x for x in lab.addrs("h1") if x["addr"] == VIP][0]
        assert a["dynamic"] and a["valid_lft"].endswith("sec"), a["line"]
        assert a["valid_lft"] == a["line"].split("preferred_lft ")[1].split()[0], a["line"]
        return int(a["valid_lft"][:-3])
    # Refreshed every second, a 3 s lifetime never shows less than 2 s left
    # (whole seconds, rounded down): sampled for 4 refresh periods.
    seen = []
    mon = subprocess.Popen(["ip", "-n", lab.hosts["h1"].ns, "-o", "monitor", "address"],
                           stdout=subprocess.PIPE, text=True, start_new_session=True)
    lab._track(mon.pid, "ip monitor h1")
    end = time.monotonic() + 4 * VIP_REFRESH
    while time.monotonic() < end:
        seen.append(lft())
        time.sleep(0.1)
    mon.terminate()
    out = mon.communicate(timeout=5)[0]
    lab._untrack(mon.pid)
    assert max(seen) == VIP_LIFETIME, "valid_lft samples %s" % seen
    assert min(seen) >= VIP_LIFETIME - VIP_REFRESH - (1 if scaled(1) > 1 else 0), \
        "valid_lft samples %s: not refreshed every %d s" % (seen, VIP_REFRESH)
    # Each refresh is an RTM_NEWADDR: about one a second.
    refreshes = [l for l in out.splitlines() if " %s/" % VIP in l and not l.startswith("Deleted")]
    assert 3 <= len(refreshes) <= 6, "%d refreshes in 4 s:\n%s" % (len(refreshes), out)


STATUS_HEAD = ["INSTANCE", "IFACE", "VRID", "VER", "STATE", "PRIO(EFF)", "MASTER", "VIPS",
               "INSTALLED"]


def test_human_status(make_lab):
    """vipctl(8): a first line with version, pid, router ID and start time,
    a second with the configuration file and its reloads, the table with one row per instance, then its last transition and
    counters."""
    lab = make_lab(2)
    a1 = lab.start_agent("h1", vrrp_conf("h1", 100, 0.1))
    settle(lab, "h1")
    lab.start_agent("h2", vrrp_conf("h2", 90, 0.1))
    settle(lab, "h1")
    # A Backup is BACKUP from its start, before it has heard the Master.
    assert wait_for(lambda: lab.instance("h2")["master_address"] == "203.0.113.1", 2)
    iso = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
    for h, state, prio, installed in (("h1", "MASTER", 100, "yes"), ("h2", "BACKUP", 90, "no")):
        lines = lab.vipctl(h, "status").stdout.splitlines()
        assert re.fullmatch(r"vipd \S+ \(pid %d\), router_id %s, up since %s"
                            % (lab.hosts[h].agent.pid, h, iso), lines[0]), lines
        conf = lab.hosts[h].agent.conf
        assert re.fullmatch(r"configuration %s, loaded %s \(reloads 0, refused 0\)"
                            % (re.escape(conf), iso), lines[1]), lines
        del lines[1]
        assert lines[1].split() == STATUS_HEAD, lines
        assert lines[2].split() == ["VI_1", "eth0", "51", "3", state, "%d(%d)" % (prio, prio),
                                    "203.0.113.1", VIP_CIDR, installed], lines
        # Columns line up under their headings.
        for word, head in zip(lines[2].split(), STATUS_HEAD):
            assert lines[2].index(word) == lines[1].index(head) or head == "INSTANCE", lines
        below = lines[3:]
        last = [l for l in below if l.startswith("  last: ")]
        assert len(last) == 1 and re.fullmatch(r"  last: (INIT|BACKUP) -> %s at %s \(.+\)"
                                               % (state, iso), last[0]), lines
        assert "  checks: none" in below, lines
        cnt = [l for l in below if l.startswith("  adverts ")]
        assert len(cnt) == 1 and re.fullmatch(
            r"  adverts rx \d+ tx \d+, became master %d; drops: .+"
            % (1 if h == "h1" else 0), cnt[0]), lines
        assert all(l.startswith("  ") for l in below), lines
    assert a1.running()
