# SPDX-License-Identifier: ISC
"""Signals keepalived users send, and least privilege: SIGUSR1/SIGUSR2
write the dumps beside the control socket and vipd goes on; a symlink at a
dump path is replaced, never followed; any other terminating signal stops
vipd as SIGTERM does; a running vipd has only the capabilities it needs,
while a root notify script still gets root's; the pid file is not followed
through a symlink."""

import json
import os
import signal
import stat
import subprocess
import time

import pytest

from helpers import has_vipctl, settle
from lab import vipd_bin, vrrp_conf, wait_for
from test_wire import decode

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="vipd signals and privileges")

ADV = 0.1
CAP_KILL, CAP_SETGID, CAP_SETUID = 5, 6, 7
CAP_DAC_READ_SEARCH, CAP_NET_ADMIN, CAP_NET_RAW = 2, 12, 13
BASE = (1 << CAP_NET_ADMIN) | (1 << CAP_NET_RAW) | (1 << CAP_DAC_READ_SEARCH)
SWITCH = (1 << CAP_SETUID) | (1 << CAP_SETGID) | (1 << CAP_KILL)


def caps(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k.startswith("Cap"):
                out[k] = int(v.strip(), 16)
    return out


def test_usr1_usr2_dumps(make_lab):
    lab = make_lab(1)
    a = lab.start_vipd("h1", vrrp_conf("h1", 200, ADV))
    assert wait_for(lambda: lab.state("h1") == "MASTER", 3.0)
    d = lab.hosts["h1"].dir
    data, stats = os.path.join(d, "vipd.data"), os.path.join(d, "vipd.stats")
    a.popen.send_signal(signal.SIGUSR1)
    assert wait_for(lambda: os.path.exists(data), 2.0), os.listdir(d)
    with open(data) as f:
        dump = json.load(f)
    assert dump["instances"][0]["name"] == "VI_1"
    assert dump["instances"][0]["state"] == "MASTER"
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o600
    a.popen.send_signal(signal.SIGUSR2)
    assert wait_for(lambda: os.path.exists(stats), 2.0), os.listdir(d)
    with open(stats) as f:
        st = json.load(f)
    assert st["instances"][0]["adverts_sent"] > 0, st
    # Again: the files are replaced, vipd goes on.
    sent = st["instances"][0]["adverts_sent"]
    time.sleep(0.3)
    a.popen.send_signal(signal.SIGUSR2)
    assert wait_for(lambda: json.load(open(stats))["instances"][0]["adverts_sent"] > sent, 2.0)
    assert a.running() and lab.state("h1") == "MASTER"
    assert not [n for n in os.listdir(d) if n.startswith(".vipd.")], os.listdir(d)


def test_dump_never_follows_symlink(make_lab):
    lab = make_lab(1)
    a = lab.start_vipd("h1", vrrp_conf("h1", 200, ADV))
    assert wait_for(lambda: lab.state("h1") == "MASTER", 3.0)
    d = lab.hosts["h1"].dir
    victim = os.path.join(d, "victim")
    with open(victim, "w") as f:
        f.write("precious\n")
    for name, sig in (("vipd.data", signal.SIGUSR1), ("vipd.stats", signal.SIGUSR2)):
        link = os.path.join(d, name)
        os.symlink(victim, link)
        a.popen.send_signal(sig)
        assert wait_for(lambda: not os.path.islink(link), 2.0), "%s still a symlink" % name
        assert os.path.isfile(link)
    # The temporary name is no way in either.
    tmp = os.path.join(d, ".vipd.data.%d" % a.pid)
    os.symlink(victim, tmp)
    a.popen.send_signal(signal.SIGUSR1)
    time.sleep(0.5)
    with open(victim) as f:
        assert f.read() == "precious\n"
    assert a.running()


@pytest.mark.parametrize("sig", [signal.SIGQUIT, signal.SIGALRM, signal.SIGPWR,
                                 signal.SIGRTMIN + 3])
def test_other_signals_stop_like_sigterm(make_lab, sig):
    """Priority 0 on the wire, VIP removed, notify_stop run, exit 0."""
    lab = make_lab(2)
    d = lab.hosts["h1"].dir
    log = os.path.join(d, "stop.log")
    script = os.path.join(d, "stop.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\necho stopped >> %s\n" % log)
    os.chmod(script, 0o755)
    lab.start_vipd("h1", vrrp_conf("h1", 200, ADV, extra='notify_stop "%s"' % script))
    lab.start_vipd("h2", vrrp_conf("h2", 100, ADV))
    settle(lab, "h1")
    sniff = lab.start_sniff("h2", 1.0)
    time.sleep(0.1)
    rc = lab.stop_vipd("h1", sig=sig)
    assert rc == 0, "exit %s on signal %d" % (rc, sig)
    prios = [raw[2] for t, way, f in sniff.frames() if way == "in"
             for _, ip, raw in [decode(f)] if ip.src == "203.0.113.1"]
    assert prios and prios[-1] == 0, prios[-5:]
    assert not lab.has_addr("h1")
    assert os.path.exists(log), "notify_stop did not run"
    settle(lab, "h2")


def _notify_caps_script(d, outdir=None):
    out = os.path.join(outdir or d, "caps.out")
    script = os.path.join(d, "caps.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\ngrep -E '^(Uid|CapEff|CapBnd|NoNewPrivs):' /proc/self/status > %s\n"
                % out)
    os.chmod(script, 0o755)
    return script, out


def test_only_needed_capabilities(make_lab):
    """Root scripts: vipd keeps net_admin, net_raw, dac_read_search and
    nothing else; its notify_master script runs with root's capabilities."""
    lab = make_lab(1)
    script, out = _notify_caps_script(lab.hosts["h1"].dir)
    top = "global_defs {\n    script_user root\n}\n"
    a = lab.start_vipd("h1", top + vrrp_conf("h1", 200, ADV, global_defs=False,
                                             extra='notify_master "%s"' % script))
    assert wait_for(lambda: lab.state("h1") == "MASTER", 3.0)
    c = caps(a.pid)
    assert c["CapEff"] == BASE and c["CapPrm"] == BASE, {k: hex(v) for k, v in c.items()}
    assert c["CapInh"] == 0 and c.get("CapAmb", 0) == 0
    assert wait_for(lambda: os.path.exists(out) and os.path.getsize(out) > 0, 3.0)
    with open(out) as f:
        text = f.read()
    eff = int([l for l in text.splitlines() if l.startswith("CapEff")][0].split()[1], 16)
    bnd = int([l for l in text.splitlines() if l.startswith("CapBnd")][0].split()[1], 16)
    assert eff == bnd and eff & BASE == BASE and eff != BASE, text
    # And the daemon still does its job: VIP in place, adverts going out.
    assert lab.has_addr("h1")


def test_capabilities_with_script_user(make_lab):
    lab = make_lab(1)
    d = lab.hosts["h1"].dir
    os.chmod(d, 0o755)      # nobody may run the script from here
    outdir = os.path.join(d, "out")
    os.mkdir(outdir)
    os.chmod(outdir, 0o777)     # and write caps.out there
    script, out = _notify_caps_script(d, outdir)
    top = "global_defs {\n    script_user nobody\n}\n"
    a = lab.start_vipd("h1", top + vrrp_conf("h1", 200, ADV, global_defs=False,
                                             extra='notify_master "%s"' % script))
    assert wait_for(lambda: lab.state("h1") == "MASTER", 3.0)
    c = caps(a.pid)
    assert c["CapEff"] == BASE | SWITCH, hex(c["CapEff"])
    assert wait_for(lambda: os.path.exists(out) and os.path.getsize(out) > 0, 3.0)
    with open(out) as f:
        text = f.read()
    assert "Uid:\t65534" in text and "CapEff:\t0000000000000000" in text, text
    os.chmod(d, 0o700)


def test_pidfile_symlink_refused(make_lab):
    lab = make_lab(1)
    d = lab.hosts["h1"].dir
    victim = os.path.join(d, "victim")
    with open(victim, "w") as f:
        f.write("precious\n")
    link = os.path.join(d, "link.pid")
    os.symlink(victim, link)
    conf = os.path.join(d, "pid.conf")
    with open(conf, "w") as f:
        f.write(vrrp_conf("h1", 200, ADV))
    r = subprocess.run(["ip", "netns", "exec", lab.hosts["h1"].ns, vipd_bin(), "-n", "-l",
                        "-f", conf, "-p", link, "-s", os.path.join(d, "x.sock")],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode != 0, r.stderr
    assert "pid file" in r.stderr, r.stderr
    with open(victim) as f:
        assert f.read() == "precious\n"


def test_no_scripts_bounding_set_cut(make_lab):
    """Without scripts nothing needs root's capabilities back: the bounding
    set is cut to the kept ones too, and a reload that adds a notify script
    is refused (restart needed) while the old configuration runs on."""
    lab = make_lab(1)
    a = lab.start_vipd("h1", vrrp_conf("h1", 200, ADV))
    assert wait_for(lambda: lab.state("h1") == "MASTER", 3.0)
    c = caps(a.pid)
    assert c["CapEff"] == BASE and c["CapBnd"] == BASE, {k: hex(v) for k, v in c.items()}
    script, _ = _notify_caps_script(lab.hosts["h1"].dir)
    with open(a.conf, "w") as f:
        f.write(vrrp_conf("h1", 200, ADV, extra='notify_master "%s"' % script))
    r = lab.vipctl("h1", "reload", check=False)
    assert r.returncode == 1 and "restart vipd" in r.stderr, r.stdout + r.stderr
    assert lab.state("h1") == "MASTER" and a.running()


def test_reload_to_other_script_ids_refused(make_lab):
    """Started with root scripts, vipd gave up CAP_SETUID/SETGID: a reload
    that makes scripts run as another user or group asks for a restart,
    and one that keeps root's ids goes through."""
    lab = make_lab(1)
    script, _ = _notify_caps_script(lab.hosts["h1"].dir)
    conf = lambda top: top + vrrp_conf("h1", 200, ADV, global_defs=False,
                                       extra='notify_master "%s"' % script)
    a = lab.start_vipd("h1", conf("global_defs {\n    script_user root\n}\n"))
    assert wait_for(lambda: lab.state("h1") == "MASTER", 3.0)
    for top in ("global_defs {\n    script_user root nogroup\n}\n",
                "global_defs {\n    script_user nobody\n}\n"):
        with open(a.conf, "w") as f:
            f.write(conf(top))
        r = lab.vipctl("h1", "reload", check=False)
        assert r.returncode == 1 and "restart vipd" in r.stderr, r.stdout + r.stderr
    with open(a.conf, "w") as f:
        f.write(conf("global_defs {\n    script_user root\n    router_id again\n}\n"))
    r = lab.vipctl("h1", "reload", check=False)
    assert r.returncode == 0, r.stderr
    assert lab.status("h1")["router_id"] == "again"
    assert lab.state("h1") == "MASTER"
