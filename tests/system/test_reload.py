# SPDX-License-Identifier: ISC
"""Hitless reload (SIGHUP and `vipctl reload`): one test per kind of change.
An unchanged instance keeps state, timers, VIPs and counters (no advert gap,
no transition, no gratuitous ARP); a changed one takes the smallest change;
a new one starts as Backup; a removed one stops as at shutdown; an invalid
file changes nothing and `vipctl reload` exits non-zero; unchanged checks
keep their history."""

import os
import signal
import stat
import time

import pytest

from helpers import has_vipctl, settle, start_group
from lab import VIP, VIP_CIDR, vrrp_conf, wait_for
from test_wire import arp_frames, decode

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="vipd reload")

ADV = 0.1
VIP2 = "203.0.113.6"
VIP3 = "203.0.113.7"


def rewrite(lab, host, text):
    with open(lab.hosts[host].agent.conf, "w") as f:
        f.write(text)


def reload(lab, host, text=None):
    """Rewrite host's configuration (if text) and `vipctl reload` it."""
    if text is not None:
        rewrite(lab, host, text)
    return lab.vipctl(host, "reload", check=False)


def adverts(frames, src, vrid=51):
    """[(t, priority)] of the adverts src sent for vrid."""
    out = []
    for t, way, f in frames:
        if way != "in":
            continue
        try:
            _, ip, raw = decode(f)
        except (IndexError, ValueError):
            continue
        if ip.src == src and len(raw) >= 8 and raw[1] == vrid:
            out.append((t, raw[2]))
    return out


def counters(lab, host, name="VI_1"):
    i = lab.instance(host, name)
    return i["counters"]["became_master"], i["last_transition"]


def test_unchanged_keeps_everything(make_lab):
    """Reloading the same file: no gap in the Master's adverts, no
    transition, no gratuitous ARP, counters go on."""
    lab = make_lab(3)
    start_group(lab, {"h1": 200, "h2": 100}, ADV)
    settle(lab, "h1")
    before = lab.instance("h1")
    vsniff = lab.start_sniff("h3", 2.0)
    asniff = lab.start_sniff("h3", 2.0, what="arp")
    time.sleep(0.5)
    t0 = time.monotonic()
    r = reload(lab, "h1")
    t1 = time.monotonic()
    assert r.returncode == 0, r.stdout + r.stderr
    assert "unchanged: VI_1" in r.stdout, r.stdout
    time.sleep(0.5)
    after = lab.instance("h1")
    assert after["state"] == "MASTER"
    assert after["last_transition"] == before["last_transition"]
    assert after["counters"]["became_master"] == before["counters"]["became_master"]
    assert after["counters"]["adverts_sent"] > before["counters"]["adverts_sent"]
    times = [t for t, p in adverts(vsniff.frames(), "203.0.113.1")]
    gaps = [b - a for a, b in zip(times, times[1:]) if b > t0 - 0.2 and a < t1 + 0.2]
    # 0.1 s interval; 0.1 s of scheduling slack for a loaded 2-core host.
    assert gaps and max(gaps) < 2 * ADV, "advert gap %.3f s around the reload" % max(gaps)
    garps = [a for a in arp_frames(asniff.frames()) if a[3] == VIP and a[0] > t0 - 0.05]
    assert not garps, "gratuitous ARP after an unchanged reload: %s" % garps
    assert lab.state("h2") == "BACKUP" and lab.holders() == ["h1"]
    cfg = lab.status("h1")["config"]
    assert cfg["reloads"] == 1 and cfg["file"].endswith(".conf"), cfg


def test_priority_change_advertised_at_once(make_lab):
    """The Master's new priority is in its next advert, sent at once; a
    Backup's new higher priority makes it preempt."""
    lab = make_lab(3)
    start_group(lab, {"h1": 200, "h2": 100}, ADV)
    settle(lab, "h1")
    sniff = lab.start_sniff("h3", 1.5)
    time.sleep(0.3)
    t0 = time.monotonic()
    r = reload(lab, "h1", vrrp_conf("h1", 150, ADV))
    assert r.returncode == 0 and "changed: VI_1" in r.stdout, r.stdout + r.stderr
    got = adverts(sniff.frames(), "203.0.113.1")
    first = [t for t, p in got if p == 150]
    assert first, "no advert with priority 150: %s" % got[-5:]
    # At once: well before the next scheduled advert would have gone out
    # (one interval), plus the vipctl round trip.
    assert first[0] - t0 < ADV + 0.15, "priority 150 first seen %.3f s after reload" % (
        first[0] - t0)
    assert lab.instance("h1")["effective_priority"] == 150
    assert lab.state("h1") == "MASTER"
    r = reload(lab, "h2", vrrp_conf("h2", 250, ADV))
    assert r.returncode == 0, r.stderr
    settle(lab, "h2")


def test_vips_added_and_removed_while_master(make_lab):
    lab = make_lab(2)
    start_group(lab, {"h1": 200, "h2": 100}, ADV)
    settle(lab, "h1")
    bm, last = counters(lab, "h1")
    both = (VIP_CIDR, VIP2 + "/24")
    for h in ("h2", "h1"):
        r = reload(lab, h, vrrp_conf(h, 200 if h == "h1" else 100, ADV, vips=both))
        assert r.returncode == 0, r.stderr
    assert wait_for(lambda: lab.has_addr("h1", VIP2), 1.0), lab.addrs("h1")
    assert lab.has_addr("h1", VIP) and not lab.has_addr("h2", VIP2)
    assert counters(lab, "h1") == (bm, last), "a transition happened"
    only2 = (VIP2 + "/24",)
    for h in ("h2", "h1"):
        r = reload(lab, h, vrrp_conf(h, 200 if h == "h1" else 100, ADV, vips=only2))
        assert r.returncode == 0, r.stderr
    assert wait_for(lambda: not lab.has_addr("h1", VIP), 1.0), lab.addrs("h1")
    assert lab.has_addr("h1", VIP2)
    assert counters(lab, "h1") == (bm, last), "a transition happened"
    assert lab.state("h1") == "MASTER" and lab.state("h2") == "BACKUP"
    assert lab.instance("h1")["vips"] == [VIP2 + "/24"]


def test_interval_change_from_next_advert(make_lab):
    lab = make_lab(3)
    start_group(lab, {"h1": 200, "h2": 100}, ADV)
    settle(lab, "h1")
    for h, p in (("h2", 100), ("h1", 200)):
        r = reload(lab, h, vrrp_conf(h, p, 0.3))
        assert r.returncode == 0, r.stderr
    t0 = time.monotonic()
    sniff = lab.start_sniff("h3", 2.0)
    times = [t for t, p in adverts(sniff.frames(), "203.0.113.1")]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(gaps) >= 4, times
    # 0.3 s, with 0.05 s of slack either way for scheduling.
    assert all(0.25 < g < 0.35 for g in gaps), "gaps %s" % gaps
    assert lab.instance("h1")["advert_interval_ms"] == 300
    assert lab.state("h1") == "MASTER" and lab.state("h2") == "BACKUP", t0


def test_new_instance_backup_removed_instance_stops(make_lab):
    lab = make_lab(3)
    d = lab.hosts["h1"].dir
    log = os.path.join(d, "stop.log")
    script = os.path.join(d, "stop.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\necho \"$@\" >> %s\n" % log)
    os.chmod(script, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    # Scripts from the start: a vipd started without any gives up what
    # they need (see test_signals.py).
    base = vrrp_conf("h1", 200, ADV, extra="notify_stop \"%s VI_1\"" % script)
    lab.start_vipd("h1", base)
    settle(lab, "h1")
    two = base + vrrp_conf("h1", 200, ADV, vrid=52, name="VI_2", vips=(VIP3 + "/24",),
                           global_defs=False,
                           extra="notify_stop \"%s VI_2\"" % script)
    r = reload(lab, "h1", two)
    assert r.returncode == 0 and "added: VI_2" in r.stdout, r.stdout + r.stderr
    assert wait_for(lambda: lab.state("h1", "VI_2") == "MASTER", 2.0)
    text = lab.hosts["h1"].agent.log_text()
    vi2 = [l for l in text.splitlines() if "vrid 52" in l and "->" in l]
    assert vi2 and "INIT -> BACKUP" in vi2[0], vi2
    assert lab.has_addr("h1", VIP3)
    sniff = lab.start_sniff("h3", 1.0)
    time.sleep(0.2)
    r = reload(lab, "h1", base)
    assert r.returncode == 0 and "removed: VI_2" in r.stdout, r.stdout + r.stderr
    assert [p for t, p in adverts(sniff.frames(), "203.0.113.1", vrid=52)][-1] == 0
    assert not lab.has_addr("h1", VIP3)
    assert wait_for(lambda: os.path.exists(log), 2.0), "notify_stop did not run"
    with open(log) as f:
        assert f.read() == "VI_2\n"
    assert lab.state("h1") == "MASTER"
    assert [i["name"] for i in lab.status("h1")["instances"]] == ["VI_1"]


def test_invalid_file_keeps_running(make_lab):
    lab = make_lab(2)
    start_group(lab, {"h1": 200, "h2": 100}, ADV)
    settle(lab, "h1")
    bm, last = counters(lab, "h1")
    good = open(lab.hosts["h1"].agent.conf).read()
    bad = good.replace("priority 200", "priority 300").replace(
        "virtual_router_id 51", "virtual_router_id 51\n    bogus_keyword_here 1")
    r = reload(lab, "h1", bad)
    assert r.returncode != 0, r.stdout
    conf = lab.hosts["h1"].agent.conf
    errs = [l for l in r.stderr.splitlines() if l.startswith(conf + ":")]
    assert errs, r.stderr
    assert "reload refused" in r.stderr
    # SIGHUP with the same file: logged, vipd goes on.
    lab.hosts["h1"].agent.popen.send_signal(signal.SIGHUP)
    time.sleep(0.3)
    assert lab.hosts["h1"].agent.running()
    inst = lab.instance("h1")
    assert inst["state"] == "MASTER" and inst["priority"] == 200
    assert counters(lab, "h1") == (bm, last)
    assert lab.status("h1")["config"]["reloads_refused"] == 2
    text = lab.hosts["h1"].agent.log_text()
    assert text.count(errs[0]) >= 2, "errors not logged on both reloads"
    rewrite(lab, "h1", good)
    lab.hosts["h1"].agent.popen.send_signal(signal.SIGHUP)
    assert wait_for(lambda: lab.status("h1")["config"]["reloads"] == 1, 2.0)


def test_unchanged_check_keeps_history(make_lab):
    """A failing smtp_check (nothing listens) keeps counting across a
    reload that changes the instance but not the check."""
    lab = make_lab(1)
    chk = ("smtp_check probe {\n    connect_ip 127.0.0.1\n    connect_port 2525\n"
           "    interval 0.2\n    weight -10\n}\n")
    conf = lambda prio: chk + vrrp_conf("h1", prio, ADV, extra="track_check {\n    probe\n}")
    lab.start_vipd("h1", conf(200))
    assert wait_for(lambda: lab.state("h1") == "MASTER", 3.0)

    def runs():
        c = lab.instance("h1")["health"]["checks"]
        return c[0]["runs"] if c else 0
    assert wait_for(lambda: runs() >= 3, 3.0)
    n = runs()
    r = reload(lab, "h1", conf(180))
    assert r.returncode == 0 and "changed: VI_1" in r.stdout, r.stdout + r.stderr
    after = runs()
    assert after >= n, "check history lost: %d runs before, %d after" % (n, after)
    assert lab.instance("h1")["health"]["ready"]
    assert lab.instance("h1")["effective_priority"] == 170


def test_new_instance_on_new_interface(make_lab):
    """A reload naming an interface vipd has not seen reopens its sockets:
    the running instance on eth0 must not notice."""
    lab = make_lab(2)
    ns = lab.hosts["h1"].ns
    # A veth pair inside h1's namespace: a link of its own, nobody else.
    lab.ip(ns, "link", "add", "eth1", "type", "veth", "peer", "name", "eth1p")
    lab.ip(ns, "addr", "add", "192.0.2.1/24", "dev", "eth1")
    lab.ip(ns, "link", "set", "eth1p", "up")
    lab.ip(ns, "link", "set", "eth1", "up")
    start_group(lab, {"h1": 200, "h2": 100}, ADV)
    settle(lab, "h1")
    bm, last = counters(lab, "h1")
    conf = vrrp_conf("h1", 200, ADV) + vrrp_conf(
        "h1", 200, ADV, vrid=60, name="VI_2", interface="eth1", vips=("192.0.2.10/24",),
        global_defs=False)
    r = reload(lab, "h1", conf)
    assert r.returncode == 0 and "added: VI_2" in r.stdout, r.stdout + r.stderr
    assert wait_for(lambda: lab.state("h1", "VI_2") == "MASTER", 2.0)
    assert any(a["addr"] == "192.0.2.10" for a in lab.addrs("h1", dev="eth1"))
    # eth0's sockets were reopened: h1's adverts still reach h2.
    time.sleep(0.5)
    i = lab.instance("h1")
    assert counters(lab, "h1") == (bm, last) and i["state"] == "MASTER"
    rx = lab.instance("h2")["counters"]["adverts_received"]
    assert wait_for(lambda: lab.instance("h2")["counters"]["adverts_received"] > rx + 3, 1.0)
    assert lab.state("h2") == "BACKUP"
    names = [x["name"] for x in lab.status("h1")["interfaces"]]
    assert names == ["eth0", "eth1"], names


def test_scripts_added_to_an_instance(make_lab):
    """An instance that had no script gets its own notify queue when a
    reload gives it one: the script runs at the next transition (here the
    stop)."""
    lab = make_lab(1)
    d = lab.hosts["h1"].dir
    log = os.path.join(d, "notify.log")
    script = os.path.join(d, "notify.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\necho \"$@\" >> %s\n" % log)
    os.chmod(script, 0o755)
    one = vrrp_conf("h1", 200, ADV, extra="notify_stop \"%s VI_1\"" % script)
    two = lambda extra: one + vrrp_conf("h1", 200, ADV, vrid=52, name="VI_2",
                                        vips=(VIP3 + "/24",), global_defs=False, extra=extra)
    lab.start_vipd("h1", two(""))
    assert wait_for(lambda: lab.state("h1", "VI_2") == "MASTER", 3.0)
    r = reload(lab, "h1", two("notify_stop \"%s VI_2\"\nnotify_script_timeout 5" % script))
    assert r.returncode == 0 and "changed: VI_2" in r.stdout, r.stdout + r.stderr
    assert lab.stop_vipd("h1") == 0
    with open(log) as f:
        assert sorted(f.read().split()) == ["VI_1", "VI_2"]
