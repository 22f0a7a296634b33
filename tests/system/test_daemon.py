# SPDX-License-Identifier: ISC
"""What README, vipd(8), vipctl(8) and vipd.conf(5) promise about the daemon
and vipctl, each test written from the text it quotes: SIGINT behaves as
SIGTERM, the pid file lock keeps a second vipd out, a VIP deleted by hand
is put back and logged, dont_track_primary, the default configuration
search order, and vipctl's socket choice, its one-line error and INSTANCE
arguments."""

import os
import re
import signal
import time

import pytest

from helpers import assert_stable, has_vipctl, settle, start_group, timers
from lab import VIP, VIP_CIDR, scaled, vipctl_bin, vipd_bin, vrrp_conf, wait_for

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="vipd and vipctl")

ADV = 0.1


def test_sigint_behaves_as_sigterm(make_lab):
    """vipd(8): on SIGTERM or SIGINT each Master sends a priority-0 advert
    and removes its addresses, so a Backup takes over after Skew_Time; then
    vipd exits 0."""
    lab = make_lab(2)
    adv = 0.5
    start_group(lab, {"h1": 100, "h2": 90}, adv)
    settle(lab, "h1", timeout=8)
    t = timers(lab, "h2")
    t0 = time.monotonic()
    assert lab.stop_agent("h1", signal.SIGINT) == 0
    assert not lab.has_addr("h1"), "VIP still on h1 after SIGINT"
    assert lab.wait_states({"h2": "MASTER"}, t["mdi"] + 2), lab.states()
    gained = wait_for(lambda: lab.monitor.gained("h2", t0), 1)
    assert gained and gained - t0 <= t["skew"] + scaled(0.35), \
        "handover after %s s; Skew_Time %.3f s" % (gained and round(gained - t0, 3), t["skew"])
    assert lab.instance("h2")["counters"]["prio0_received"] == 1
    log = lab.hosts["h1"].agent.log_text()
    assert "vipd exiting" in log, log


def test_pid_file_lock_refuses_second_vipd(make_lab):
    """vipd(8) -p: the pid file is locked so that a second vipd refuses to
    start; the first one is not disturbed."""
    lab = make_lab(1)
    first = lab.start_agent("h1", vrrp_conf("h1", 100, ADV))
    settle(lab, "h1")
    pidfile = os.path.join(lab.hosts["h1"].dir, "vipd.pid")
    with open(pidfile) as f:
        assert int(f.read()) == first.pid
    other_sock = os.path.join(lab.hosts["h1"].dir, "second.sock")
    r = lab.run("h1", vipd_bin(), "-n", "-l", "-f", first.conf, "-p", pidfile,
                "-s", other_sock, check=False, timeout=scaled(10))
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert "%s is locked: is another vipd running?" % pidfile in r.stderr, r.stderr
    assert not os.path.exists(other_sock)
    with open(pidfile) as f:
        assert int(f.read()) == first.pid, "the refused vipd rewrote the pid file"
    assert first.running()
    assert_stable(lab, {"h1": "MASTER"}, 3 * ADV)
    assert lab.holders() == ["h1"]


def test_vip_deleted_by_hand_is_put_back_and_logged(make_lab):
    """README: a VIP deleted by hand while Master is put back and logged
    (and announced again)."""
    lab = make_lab(2)
    lab.start_agent("h1", vrrp_conf("h1", 100, ADV))
    settle(lab, "h1")
    time.sleep(0.2)
    sent0 = lab.instance("h1")["counters"].get("garp_sent")
    sniff = lab.start_sniff("h2", 1.0, what="arp")
    t0 = time.monotonic()
    lab.ip(lab.hosts["h1"].ns, "addr", "del", VIP_CIDR, "dev", "eth0")
    lost = wait_for(lambda: lab.monitor.lost("h1", t0), 1)
    assert lost, "the VIP was never seen deleted"
    back = wait_for(lambda: lab.monitor.gained("h1", t0), 2)
    assert back and back - lost <= scaled(0.3), "VIP back after %s s" % (
        back and round(back - lost, 3))
    assert lab.holders() == ["h1"] and lab.state("h1") == "MASTER"
    log = lab.hosts["h1"].agent.log_text()
    assert re.search(r"vrid 51 on eth0: 203\.0\.113\.5 was removed while Master; putting it "
                     r"back", log), log
    garps = [f for t, _, f in sniff.frames() if t >= t0 and f[12:14] == b"\x08\x06"]
    assert len(garps) == 5, "%d GARPs after the VIP was put back" % len(garps)
    if sent0 is not None:
        assert lab.instance("h1")["counters"]["garp_sent"] == sent0 + 5
    a = [x for x in lab.addrs("h1") if x["addr"] == VIP][0]
    assert a["valid_lft"] in ("2sec", "3sec"), a["line"]


def test_dont_track_primary(make_lab):
    """vipd.conf(5): with dont_track_primary the instance does not go to
    the Fault state when its interface goes down; without it, it does."""
    lab = make_lab(2)
    lab.start_agent("h1", vrrp_conf("h1", 100, ADV, extra="dont_track_primary"))
    lab.start_agent("h2", vrrp_conf("h2", 90, ADV))
    settle(lab, "h1")
    lab.link_down("h1")
    # h2 stops hearing h1 and takes over; h1, not tracking its link, stays
    # Master on its own side.
    assert lab.wait_states({"h2": "MASTER"}, 2), lab.states()
    assert_stable(lab, {"h1": "MASTER", "h2": "MASTER"}, 0.5)
    assert lab.instance("h1")["fault_reason"] is None
    lab.link_up("h1")
    settle(lab, "h1")
    # The control: h2 tracks its interface and goes to FAULT.
    lab.link_down("h2")
    assert lab.wait_states({"h2": "FAULT"}, 2), lab.states()
    assert lab.instance("h2")["fault_reason"], lab.instance("h2")
    lab.link_up("h2")
    settle(lab, "h1")


# ---- the default configuration -------------------------------------------------

# Inside a private mount namespace: /etc becomes an overlay whose upper
# layer is a tmpfs, /etc/vipd and /etc/keepalived are removed there and
# the files of $1/etc put in place.  The real /etc is never written.
PRIVATE_ETC = r'''set -e
d=$1; shift
mount -t tmpfs tmpfs "$d/mnt"
mkdir "$d/mnt/upper" "$d/mnt/work"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$d/mnt/upper,workdir=$d/mnt/work" /etc
rm -rf /etc/vipd /etc/keepalived
for sub in vipd keepalived; do
    if [ -d "$d/etc/$sub" ]; then cp -r "$d/etc/$sub" /etc/$sub; fi
done
mount -t tmpfs tmpfs /run
exec "$@"
'''


def run_private_etc(lab, files, *argv, host="h1"):
    """Run argv in host's namespace with only `files` (path under /etc ->
    text) in /etc/vipd and /etc/keepalived, and an empty /run."""
    d = os.path.join(lab.hosts[host].dir, "private-etc-%d" % len(os.listdir(lab.hosts[host].dir)))
    os.makedirs(os.path.join(d, "mnt"))
    for path, text in files.items():
        assert path.startswith("/etc/vipd/") or path.startswith("/etc/keepalived/")
        full = os.path.join(d, path.lstrip("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)
    return lab.run(host, "unshare", "-m", "--propagation", "private", "sh", "-c", PRIVATE_ETC,
                   "sh", d, *argv, check=False, timeout=scaled(20))


def test_default_config_search_order(make_lab):
    """vipd(8) -f: the default is /etc/vipd/vipd.conf if it exists, else
    /etc/keepalived/keepalived.conf."""
    lab = make_lab(1)
    vipd_conf = vrrp_conf("from-vipd-conf", 100, ADV)
    ka_conf = vrrp_conf("from-keepalived-conf", 100, ADV)

    def router_id(r):
        assert r.returncode == 0, (r.returncode, r.stderr)
        m = re.search(r"router_id (\S+)", r.stdout)
        assert m, r.stdout
        return m.group(1)
    both = {"/etc/vipd/vipd.conf": vipd_conf, "/etc/keepalived/keepalived.conf": ka_conf}
    assert router_id(run_private_etc(lab, both, vipd_bin(), "-t", "-D")) == "from-vipd-conf"
    only_ka = {"/etc/keepalived/keepalived.conf": ka_conf}
    assert router_id(run_private_etc(lab, only_ka, vipd_bin(), "-t", "-D")) == \
        "from-keepalived-conf"
    # Neither: the error names the last place looked.
    r = run_private_etc(lab, {}, vipd_bin(), "-t")
    assert r.returncode == 1 and "/etc/keepalived/keepalived.conf" in r.stderr, \
        (r.returncode, r.stderr)
    # A bad /etc/vipd/vipd.conf is not skipped in favour of keepalived's.
    bad = dict(both)
    bad["/etc/vipd/vipd.conf"] = "vrrp_instance {\n"
    r = run_private_etc(lab, bad, vipd_bin(), "-t")
    assert r.returncode == 1 and r.stderr.startswith("/etc/vipd/vipd.conf:"), r.stderr


# ---- vipctl ----------------------------------------------------------------------

def test_vipctl_socket_choice_and_unreachable(make_lab):
    """vipctl(8): the socket is -s, else VIPD_SOCKET, else
    /run/vipd/vipd.sock; when the daemon cannot be reached vipctl prints
    one line and exits 1."""
    lab = make_lab(1)
    a = lab.start_agent("h1", vrrp_conf("h1", 100, ADV))
    settle(lab, "h1")
    missing = os.path.join(lab.hosts["h1"].dir, "nothing.sock")
    r = lab.run("h1", "env", "VIPD_SOCKET=%s" % a.sock, vipctl_bin(), "status", "--json")
    assert '"state": "MASTER"' in r.stdout, r.stdout
    # -s wins over VIPD_SOCKET.
    r = lab.run("h1", "env", "VIPD_SOCKET=%s" % missing, vipctl_bin(), "-s", a.sock, "status")
    assert "MASTER" in r.stdout
    # VIPD_SOCKET wins over the default, and an unreachable daemon is one line.
    want = "vipctl: cannot reach vipd at %s: No such file or directory (is vipd running?)\n"
    r = lab.run("h1", "env", "VIPD_SOCKET=%s" % missing, vipctl_bin(), "status", check=False)
    assert (r.returncode, r.stdout, r.stderr) == (1, "", want % missing), r
    # Neither: the default path (an empty /run in a private namespace).
    r = run_private_etc(lab, {}, "env", "-u", "VIPD_SOCKET", vipctl_bin(), "status")
    assert (r.returncode, r.stdout, r.stderr) == (1, "", want % "/run/vipd/vipd.sock"), r
    # A socket nobody listens on: still one line, exit 1.
    stale = os.path.join(lab.hosts["h1"].dir, "stale.sock")
    lab.run("h1", "/usr/bin/python3", "-c",
            "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])", stale)
    r = lab.run("h1", vipctl_bin(), "-s", stale, "status", check=False)
    assert r.returncode == 1 and r.stdout == "" and len(r.stderr.splitlines()) == 1 and \
        r.stderr.startswith("vipctl: cannot reach vipd at %s: " % stale), r


def two_instances(host, prio):
    return vrrp_conf(host, prio, ADV) + vrrp_conf(host, prio, ADV, vrid=52, name="VI_2",
                                                  vips=("203.0.113.6/24",),
                                                  global_defs=False)


def test_vipctl_instance_argument(make_lab):
    """vipctl(8): explain and maintenance take an INSTANCE and then act on
    that instance only; an unknown one is an error (exit 1)."""
    lab = make_lab(2)
    lab.start_agent("h1", two_instances("h1", 100))
    lab.start_agent("h2", two_instances("h2", 90))
    settle(lab, "h1")
    assert lab.holders("203.0.113.6") == ["h1"]

    ex = lab.vipctl("h1", "explain", "VI_2").stdout
    assert "VI_2" in ex and "VI_1" not in ex, ex
    ex = lab.vipctl("h1", "explain").stdout
    assert "VI_2" in ex and "VI_1" in ex, ex
    r = lab.vipctl("h1", "explain", "VI_9", check=False)
    assert r.returncode == 1 and r.stdout == "" and len(r.stderr.splitlines()) == 1 and \
        r.stderr.startswith("vipctl: ") and "VI_9" in r.stderr, r

    r = lab.vipctl("h1", "maintenance", "on", "VI_2")
    assert "handed over; now BACKUP" in r.stdout, r.stdout
    assert wait_for(lambda: lab.holders("203.0.113.6") == ["h2"], 2), lab.holders("203.0.113.6")
    assert lab.instance("h1", "VI_2")["health"]["maintenance"] is True
    assert lab.instance("h1", "VI_1")["health"]["maintenance"] is False
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 0.5)   # VI_1 untouched
    assert lab.holders() == ["h1"]
    r = lab.vipctl("h1", "maintenance", "off", "VI_2")
    assert "back in the election" in r.stdout, r.stdout
    assert wait_for(lambda: lab.holders("203.0.113.6") == ["h1"], 3 * ADV + 2)
    r = lab.vipctl("h1", "maintenance", "on", "VI_9", check=False)
    assert r.returncode == 1 and "VI_9" in r.stderr, r
