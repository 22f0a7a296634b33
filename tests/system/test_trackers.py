# SPDX-License-Identifier: ISC
"""keepalived's trackers in vipd, beside keepalived 2.2.7 on the same lab.

- vrrp_script: two pairs side by side, vipd (h1) + keepalived (h2) on one
  VIP and keepalived (h3) + keepalived (h4) on another, h1 and h3 running
  the same script with the same weight, rise and fall.  A flag file makes
  the script fail and then pass again: both VIPs must move at the same
  moments (within one script interval and an advert, the phases of the two
  daemons' script timers being independent), and neither before rise/fall
  allows it.
- track_file: the maintenance-file pattern (weight 0): writing 1 puts vipd
  in FAULT and the VIP moves to keepalived, writing 0 brings it back, and
  so does removing the file.
- track_process on Postfix's master: stopping Postfix moves the VIP,
  starting it brings the VIP back.  Other Postfix masters run on the
  machine (other hosts, other labs), so h1's master runs from its own
  daemon_directory and is told apart by its command line (full_command)."""

import os
import subprocess
import time

import pytest

import kalib
from helpers import has_vipctl, invariant, settle
from lab import VIP, vrrp_conf, wait_for

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="vipd's trackers")

ADV = 0.2
VIP_B = "203.0.113.50"
INTERVAL = 1            # script interval: keepalived 2.2.7 takes whole seconds
SLACK = 0.5             # scheduling on a shared 2-core machine


def script_block(flag, weight, rise, fall):
    """The same vrrp_script for vipd and keepalived: passes while the flag
    file does not exist (test ! -e FLAG, no shell)."""
    return ("vrrp_script chk_flag {\n"
            "    script \"/usr/bin/test ! -e %s\"\n"
            "    interval %g\n"
            "    timeout 1\n"
            "    weight %d\n"
            "    rise %d\n"
            "    fall %d\n"
            "}\n" % (flag, INTERVAL, weight, rise, fall))


TRACK = "track_script {\n    chk_flag\n}"


def pair_conf(host, prio, script=None, vrid=51, vip=VIP):
    flag = script is not None
    top = script_block(*script) if flag else ""
    return top + vrrp_conf(host, prio, ADV, vrid=vrid, vips=(vip + "/24",),
                           extra=TRACK if flag else "")


def moved(mon, host, t0, timeout):
    return wait_for(lambda: mon.gained(host, t0), timeout, 0.02)


@pytest.mark.parametrize("weight,rise,fall", [(-20, 2, 3), (0, 1, 2)])
def test_vrrp_script_moves_vip_like_keepalived(make_lab, weight, rise, fall):
    """weight -20: the priority drops below the peer's, which preempts after
    Master_Down_Interval; weight 0: FAULT, a priority-0 advert, takeover
    after Skew_Time."""
    lab = make_lab(4)
    flag = os.path.join(lab.workdir, "script-flag")
    script = (flag, weight, rise, fall)
    mon_b = kalib.watch(lab, VIP_B)
    for h, p in (("h1", 100), ("h2", 90), ("h3", 100), ("h4", 90)):
        lab.hosts[h].prio, lab.hosts[h].advert_int = p, ADV
    lab.start_vipd("h1", pair_conf("h1", 100, script))
    lab.start_keepalived("h2", pair_conf("h2", 90))
    lab.start_keepalived("h3", pair_conf("h3", 100, script, 52, VIP_B))
    lab.start_keepalived("h4", pair_conf("h4", 90, vrid=52, vip=VIP_B))
    assert wait_for(lambda: lab.holders() == ["h1"] and lab.holders(VIP_B) == ["h3"], 8), \
        (lab.holders(), lab.holders(VIP_B), lab.states())
    assert lab.wait_states({"h1": "MASTER", "h2": "BACKUP", "h3": "MASTER",
                            "h4": "BACKUP"}, 3), lab.states()
    c = [c for c in lab.instance("h1")["health"]["checks"] if c["name"] == "chk_flag"][0]
    assert (c["type"], c["state"], c["weight"]) == ("script", "passing", weight), c

    # The script fails: `fall` failures in a row, then priority 80 < 90,
    # or FAULT.
    t0 = time.monotonic()
    open(flag, "w").close()
    earliest = (fall - 1) * INTERVAL
    latest = fall * INTERVAL + 3 * ADV + ADV + SLACK + 1.0
    ta = moved(lab.monitor, "h2", t0, latest + 2)
    tb = moved(mon_b, "h4", t0, latest + 2)
    assert ta and tb, "VIP A to h2: %s, VIP B to h4: %s; %s" % (ta, tb, lab.states())
    da, db = ta - t0, tb - t0
    print("script failing: vipd's VIP moved after %.3f s, keepalived's after %.3f s" % (da, db))
    assert earliest <= da <= latest, "vipd moved after %.3f s" % da
    assert earliest <= db <= latest, "keepalived moved after %.3f s" % db
    assert abs(da - db) <= INTERVAL + ADV + SLACK, \
        "vipd after %.3f s, keepalived after %.3f s" % (da, db)
    i = lab.instance("h1")
    if weight:
        assert (i["state"], i["effective_priority"]) == ("BACKUP", 80), i
    else:
        assert i["state"] == "FAULT" and "chk_flag" in i["fault_reason"], i
    c = [c for c in i["health"]["checks"] if c["name"] == "chk_flag"][0]
    assert c["state"] == "failing" and c["reason"] == "script exited with status 1", c
    explain = lab.vipctl("h1", "explain").stdout
    assert "chk_flag" in explain and ("-20" if weight else "FAULT") in explain, explain

    # It passes again: `rise` successes, then 100 preempts 90.
    t1 = time.monotonic()
    os.unlink(flag)
    earliest = (rise - 1) * INTERVAL
    latest = rise * INTERVAL + 3 * ADV + ADV + SLACK + 1.0
    ta = moved(lab.monitor, "h1", t1, latest + 2)
    tb = moved(mon_b, "h3", t1, latest + 2)
    assert ta and tb, "VIP A to h1: %s, VIP B to h3: %s; %s" % (ta, tb, lab.states())
    da, db = ta - t1, tb - t1
    print("script passing: vipd's VIP back after %.3f s, keepalived's after %.3f s" % (da, db))
    assert earliest <= da <= latest, "vipd came back after %.3f s" % da
    assert earliest <= db <= latest, "keepalived came back after %.3f s" % db
    assert abs(da - db) <= INTERVAL + ADV + SLACK, \
        "vipd after %.3f s, keepalived after %.3f s" % (da, db)
    i = lab.instance("h1")
    assert i["effective_priority"] == 100
    # Pair B's adverts (VRID 52) reach h1 too: only the instance's own
    # counters must be clean.
    assert not any(i["counters"]["drops"].values()), i["counters"]["drops"]
    assert i["misconfigured_peer"] is None, i
    kalib.assert_keepalived_clean(lab, "h2")
    invariant(lab, ADV)


def test_vrrp_script_that_cannot_run_fails(make_lab):
    """A script not found on PATH is said at start and counts as failing:
    with weight 0 the instance stays in FAULT and never takes the VIP."""
    lab = make_lab(2)
    top = "vrrp_script chk_gone {\n    script \"no-such-check-cmd --x\"\n}\n"
    lab.hosts["h2"].prio, lab.hosts["h2"].advert_int = 90, ADV
    lab.start_keepalived("h2", vrrp_conf("h2", 90, ADV))
    lab.start_vipd("h1", top + vrrp_conf("h1", 100, ADV, extra="track_script {\n"
                                         "    chk_gone\n}"))
    assert lab.wait_states({"h1": "FAULT", "h2": "MASTER"}, 4), lab.states()
    i = lab.instance("h1")
    assert "chk_gone" in (i["fault_reason"] or ""), i
    c = i["health"]["checks"][0]
    assert c["state"] == "failing" and "not found on PATH" in c["reason"], c
    assert "not found on PATH" in lab.hosts["h1"].agent.log_text()
    time.sleep(1)
    assert lab.holders() == ["h2"]


def test_track_file_maintenance(make_lab):
    lab = make_lab(2)
    path = os.path.join(lab.workdir, "maintenance")
    top = "track_file maint {\n    file %s\n    weight 0\n    init_file\n}\n" % path
    lab.hosts["h1"].prio, lab.hosts["h2"].prio = 100, 90
    lab.hosts["h1"].advert_int = lab.hosts["h2"].advert_int = ADV
    lab.start_vipd("h1", top + vrrp_conf("h1", 100, ADV, extra="track_file {\n    maint\n}"))
    lab.start_keepalived("h2", vrrp_conf("h2", 90, ADV))
    settle(lab, "h1", timeout=6)
    with open(path) as f:
        assert f.read().strip() == "0"      # init_file created it

    for i, (text, holder, state) in enumerate([("1\n", "h2", "FAULT"), ("0\n", "h1", "MASTER"),
                                               ("5\n", "h2", "FAULT"), (None, "h1", "MASTER")]):
        t0 = time.monotonic()
        if text is None:
            os.unlink(path)
        else:
            with open(path, "w") as f:
                f.write(text)
        # inotify: no polling delay; only the VRRP timers count.
        within = 3 * ADV + ADV + SLACK + (0 if holder == "h2" else 3 * ADV)
        got = moved(lab.monitor, holder, t0, within + 2)
        assert got, "step %d: %s never took the VIP: %s" % (i, holder, lab.states())
        assert got - t0 <= within, "step %d: after %.3f s" % (i, got - t0)
        assert lab.wait_states({"h1": state}, 2), lab.states()
        c = lab.instance("h1")["health"]["checks"][0]
        assert c["type"] == "file" and c["value"] == int((text or "0").strip()), c
    assert "maint" not in (lab.instance("h1")["fault_reason"] or "")
    kalib.assert_keepalived_clean(lab, "h2")
    invariant(lab, ADV)


def own_daemon_dir(pf):
    """Postfix on pf's host runs its daemons from a directory of its own
    (symlinks to the real ones), so that its master's command line is
    unique on the machine.  Returns the master's path."""
    real = pf.postconf("-h", "daemon_directory").strip()
    d = os.path.join(pf.dir, "libexec")
    os.makedirs(d, exist_ok=True)
    for name in os.listdir(real):
        link = os.path.join(d, name)
        if not os.path.lexists(link):
            os.symlink(os.path.join(real, name), link)
    pf.set(daemon_directory=d)
    return os.path.join(d, "master")


def test_track_process_postfix_master(make_lab):
    from postfix import add_postfixes

    lab = make_lab(2)
    pf = add_postfixes(lab, ["h1"], start=False)["h1"]
    master = own_daemon_dir(pf)
    pf.start()
    top = ("vrrp_track_process postfix_master {\n"
           "    process %s\n"
           "    full_command\n"
           "    quorum 1\n"
           "    weight 0\n"
           "}\n" % master)
    lab.hosts["h1"].prio, lab.hosts["h2"].prio = 100, 90
    lab.hosts["h1"].advert_int = lab.hosts["h2"].advert_int = ADV
    lab.start_vipd("h1", top + vrrp_conf("h1", 100, ADV,
                                         extra="track_process {\n    postfix_master\n}"))
    lab.start_keepalived("h2", vrrp_conf("h2", 90, ADV))
    settle(lab, "h1", timeout=6)
    assert wait_for(lambda: lab.instance("h1")["health"]["checks"][0]["count"] == 1, 3)
    c = lab.instance("h1")["health"]["checks"][0]
    assert (c["type"], c["state"], c["count"]) == ("process", "passing", 1), c

    t0 = time.monotonic()
    pf.stop()
    # The master's exit is a kernel event: no polling interval.
    got = moved(lab.monitor, "h2", t0, 8)
    assert got, lab.states()
    assert lab.wait_states({"h1": "FAULT", "h2": "MASTER"}, 2), lab.states()
    c = lab.instance("h1")["health"]["checks"][0]
    assert (c["state"], c["count"]) == ("failing", 0), c
    assert "postfix_master" in lab.instance("h1")["fault_reason"]

    t1 = time.monotonic()
    pf.start()
    got = moved(lab.monitor, "h1", t1, 10)
    assert got, lab.states()
    assert lab.wait_states({"h1": "MASTER"}, 2), lab.states()
    # The master's children count until they exec their own programs.
    assert wait_for(lambda: lab.instance("h1")["health"]["checks"][0]["count"] == 1, 3), \
        lab.instance("h1")["health"]["checks"][0]
    kalib.assert_keepalived_clean(lab, "h2")
    invariant(lab, ADV)


def test_reload_keeps_and_adds_trackers(make_lab):
    """A reload keeps unchanged trackers running (a vrrp_script's runs go
    on counting, its verdict stays; a vrrp_track_process still follows
    process events) and starts a track_file it adds."""
    lab = make_lab(1)
    d = lab.workdir
    flag = os.path.join(d, "reload-flag")
    top = ("vrrp_script chk {\n    script \"/usr/bin/test ! -e %s\"\n"
           "    weight -10\n}\n"
           "vrrp_track_process sleeper {\n    process sleep 4242\n"
           "    weight -7\n}\n" % flag)
    added = "track_file maint {\n    file %s/maint\n    weight -1\n}\n" % d
    tracks = "track_script {\n    chk\n}\ntrack_process {\n    sleeper\n}"
    one = top + vrrp_conf("h1", 200, ADV, extra=tracks)
    two = top + added + vrrp_conf("h1", 200, ADV, extra=tracks + "\ntrack_file {\n    maint\n}")
    lab.start_vipd("h1", one)
    assert wait_for(lambda: lab.state("h1") == "MASTER", 3.0)
    open(flag, "w").close()
    # chk failing: -10; no "sleep 4242" running: -7.
    assert wait_for(lambda: lab.instance("h1")["effective_priority"] == 183, 3), \
        lab.instance("h1")["health"]

    def by_name(name):
        return [c for c in lab.instance("h1")["health"]["checks"] if c["name"] == name][0]
    n = by_name("chk")["runs"]
    with open(lab.hosts["h1"].agent.conf, "w") as f:
        f.write(two)
    with open(os.path.join(d, "maint"), "w") as f:
        f.write("3\n")
    r = lab.vipctl("h1", "reload", check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    c = by_name("chk")
    assert c["runs"] >= n and c["state"] == "failing", c
    # The file holds 3, weight -1: -3 more.
    assert wait_for(lambda: lab.instance("h1")["effective_priority"] == 180, 3), \
        lab.instance("h1")["health"]
    p = subprocess.Popen(["sleep", "4242"], start_new_session=True)
    lab._track(p.pid, "sleep 4242")
    try:
        assert wait_for(lambda: by_name("sleeper")["count"] == 1, 3), by_name("sleeper")
        assert wait_for(lambda: lab.instance("h1")["effective_priority"] == 187, 3)
    finally:
        p.kill()
        p.wait()
        lab._untrack(p.pid)
    assert wait_for(lambda: lab.instance("h1")["effective_priority"] == 180, 3)
    os.unlink(flag)
    assert wait_for(lambda: lab.instance("h1")["effective_priority"] == 190, 3)
