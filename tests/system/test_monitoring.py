# SPDX-License-Identifier: ISC
"""Monitoring: `vipctl check` (Nagios plugin), `vipctl metrics` and the
daemon's own /metrics (parsed with prometheus_client's parser), `vipctl
history` and `watch`, and read-only access for the vipd group."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from helpers import has_vipctl, settle
from lab import Agent, vipctl_bin, vipd_bin, vrrp_conf, wait_for

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="needs vipctl")

METRICS_PORT = 9650
# A check that fails at once: nothing listens on port 9 in a lab host.
FAILING = ("smtp_check closed {\n    connect_ip 127.0.0.1\n    connect_port 9\n"
           "    interval 0.2\n}\n")


def check(lab, host, *args):
    r = lab.vipctl(host, "check", *args, check=False)
    return r.returncode, r.stdout.strip()


def samples(text):
    """{(name, frozenset(labels)): value} of a Prometheus text page."""
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def families(text):
    return {f.name: f.type for f in text_string_to_metric_families(text)}


def test_check_plugin_exit_codes(make_lab):
    lab = make_lab(2)
    lab.start_agent("h1", vrrp_conf("h1", 100))
    settle(lab, "h1")
    lab.start_agent("h2", FAILING + vrrp_conf("h2", 90, extra="track_check {\n    closed weight -10\n}"))
    assert lab.wait_states({"h2": "BACKUP"}, 3), lab.states()

    rc, out = check(lab, "h1", "--expect", "master")
    assert rc == 0 and out.startswith("VIPD OK - VI_1 MASTER"), out
    perf = out.split(" | ", 1)[1]
    assert "'VI_1_priority'=100;;;0;255" in perf and "'VI_1_master'=1;;;0;1" in perf, perf

    rc, out = check(lab, "h1", "--expect", "backup")
    assert rc == 2 and out.startswith("VIPD CRITICAL") and "expected backup" in out, out
    rc, out = check(lab, "h1", "-w", "120:")
    assert rc == 1 and out.startswith("VIPD WARNING"), out
    rc, out = check(lab, "h1", "-w", "120:", "-c", "110:")
    assert rc == 2, out
    rc, out = check(lab, "h1", "NO_SUCH")
    assert rc == 3 and "no instance named NO_SUCH" in out, out
    rc, out = check(lab, "h1", "--expect", "sideways")
    assert rc == 3 and out.startswith("VIPD UNKNOWN"), out

    # The failing check: a Backup that keeps running, degraded.
    assert wait_for(lambda: check(lab, "h2", "--expect", "backup")[0] == 1, 5), \
        check(lab, "h2", "--expect", "backup")
    rc, out = check(lab, "h2", "--expect", "backup")
    assert out.startswith("VIPD WARNING") and "check closed failing" in out, out
    assert "'closed_latency'=" in out, out
    assert "'VI_1_priority'=80;;;0;255" in out, out

    # The daemon down: no failover on this host, so CRITICAL.
    assert lab.stop_agent("h2") == 0
    r = lab.run("h2", vipctl_bin(), "-s", lab.hosts["h2"].agent.sock, "check", check=False)
    assert r.returncode == 2, r
    assert r.stdout.startswith("VIPD CRITICAL - cannot reach vipd"), r.stdout


def _http_get(lab, host, url):
    code = ("import sys, urllib.request, urllib.error\n"
            "try:\n"
            "    r = urllib.request.urlopen(sys.argv[1], timeout=5)\n"
            "    print(r.status); print(r.headers['Content-Type']); sys.stdout.write(r.read().decode())\n"
            "except urllib.error.HTTPError as e:\n"
            "    print(e.code); print(e.headers['Content-Type'])\n")
    r = lab.run(host, "/usr/bin/python3", "-c", code, url)
    status, ctype, body = r.stdout.split("\n", 2)
    return int(status), ctype, body


def test_metrics_exposition(make_lab):
    lab = make_lab(2)
    gd = "global_defs {\n    router_id h1\n    metrics_listen 127.0.0.1:%d\n}\n" % METRICS_PORT
    lab.start_agent("h1", gd + FAILING + vrrp_conf(
        "h1", 100, global_defs=False, extra="track_check {\n    closed weight -1\n}"))
    settle(lab, "h1")
    lab.start_agent("h2", vrrp_conf("h2", 90))
    assert lab.wait_states({"h2": "BACKUP"}, 3), lab.states()

    status, ctype, body = _http_get(lab, "h1", "http://127.0.0.1:%d/metrics" % METRICS_PORT)
    assert status == 200 and ctype.startswith("text/plain; version=0.0.4"), (status, ctype)
    s = samples(body)
    inst = ("instance", "VI_1")
    assert s[("vipd_up", frozenset())] == 1
    assert s[("vipd_instance_state", frozenset([inst, ("state", "MASTER")]))] == 1
    assert s[("vipd_instance_state", frozenset([inst, ("state", "BACKUP")]))] == 0
    assert s[("vipd_instance_effective_priority", frozenset([inst]))] == 99
    assert s[("vipd_adverts_sent_total", frozenset([inst]))] > 0
    assert s[("vipd_transitions_total", frozenset([inst, ("to", "MASTER"),
              ("reason", "master down timer expired")]))] == 1
    assert s[("vipd_instance_advert_interval_seconds", frozenset([inst]))] == pytest.approx(0.1)
    fams = families(body)
    # The parser strips _total from counter families: every counter had it.
    for name, kind in fams.items():
        assert kind in ("counter", "gauge"), (name, kind)
    assert fams["vipd_adverts_sent"] == "counter" and fams["vipd_adverts_dropped"] == "counter"
    ck = frozenset([("check", "closed"), ("type", "smtp")])
    assert s[("vipd_check_state", ck | {("state", "failing")})] == 1
    assert s[("vipd_check_state", ck | {("state", "passing")})] == 0
    assert s[("vipd_check_runs_total", ck)] >= 1
    assert ("vipd_check_latency_seconds", ck) in s

    status, _, _ = _http_get(lab, "h1", "http://127.0.0.1:%d/other" % METRICS_PORT)
    assert status == 404

    # vipctl metrics: the same exposition, over the control socket.
    out = lab.vipctl("h2", "metrics").stdout
    s2 = samples(out)
    assert s2[("vipd_instance_state", frozenset([inst, ("state", "BACKUP")]))] == 1
    assert s2[("vipd_instance_master_priority", frozenset([inst]))] == 99
    assert s2[("vipd_adverts_received_total", frozenset([inst]))] > 0
    # vipd down: vipd_up 0 for the textfile collector, and a failure exit.
    assert lab.stop_agent("h2") == 0
    r = lab.run("h2", vipctl_bin(), "-s", lab.hosts["h2"].agent.sock, "metrics", check=False)
    assert r.returncode == 1 and samples(r.stdout)[("vipd_up", frozenset())] == 0, r


def test_history_and_watch(make_lab):
    lab = make_lab(2)
    lab.start_agent("h1", vrrp_conf("h1", 100))
    settle(lab, "h1")
    lab.start_agent("h2", vrrp_conf("h2", 90))
    assert lab.wait_states({"h2": "BACKUP"}, 3), lab.states()
    h2 = lab.hosts["h2"]
    watch = subprocess.Popen(["ip", "netns", "exec", h2.ns, vipctl_bin(), "-s", h2.agent.sock,
                              "watch", "--json", "--count", "1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        # Let watch take its starting point before the event.
        time.sleep(0.6)
        assert lab.stop_agent("h1") == 0
        out, err = watch.communicate(timeout=10)
    finally:
        if watch.poll() is None:
            watch.kill()
            watch.wait()
    assert watch.returncode == 0, err
    ev = json.loads(out.strip().split("\n")[-1])
    assert (ev["kind"], ev["instance"], ev["from"], ev["to"]) == \
        ("transition", "VI_1", "BACKUP", "MASTER"), ev

    text = lab.vipctl("h2", "history").stdout
    lines = text.strip().split("\n")
    assert re.search(r"VI_1: INIT -> BACKUP \(startup\)$", lines[0]), text
    assert re.search(r"VI_1: BACKUP -> MASTER \(.+\)$", lines[-1]), text
    evs = [json.loads(l) for l in lab.vipctl("h2", "history", "--json").stdout.split("\n") if l]
    assert [e["seq"] for e in evs] == sorted(e["seq"] for e in evs) and len(evs) == len(lines), evs
    one = lab.vipctl("h2", "history", "--limit", "1").stdout.strip().split("\n")
    assert len(one) == 1 and "BACKUP -> MASTER" in one[0], one
    r = lab.vipctl("h2", "history", "NO_SUCH", check=False)
    assert r.returncode == 1 and "no instance named" in r.stderr, r


def _start_vipd_with_group(lab, host, conf_text, group_file, sockdir):
    """start_vipd, but with /etc/group replaced by group_file in the
    agent's own mount namespace (ip netns exec makes one), so the test
    needs no vipd group on the machine."""
    h = lab.hosts[host]
    conf = lab._write_conf(host, conf_text, "vipd-grp.conf")
    sock = os.path.join(sockdir, "vipd.sock")
    log = os.path.join(h.dir, "vipd.log")
    argv = ["sh", "-c", 'mount --bind "$0" /etc/group && exec "$@"', group_file,
            vipd_bin(), "-n", "-l", "-D", "-f", conf, "-p", os.path.join(h.dir, "vipd.pid"),
            "-s", sock]
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1")
    p = lab._spawn(host, argv, log, env)
    a = Agent(h, "vipd", p, log, conf, sock=sock)
    lab._track(p.pid, "vipd %s" % host)
    lab.agents.append(a)
    h.agent = a
    return a


def test_group_members_read_only(make_lab):
    gid = 64913    # not a group of this machine's: only the bind-mounted file names it
    lab = make_lab(1)
    sockdir = tempfile.mkdtemp(prefix="vipd-grp-")
    try:
        os.chmod(sockdir, 0o755)
        gfile = os.path.join(sockdir, "group")
        with open("/etc/group") as f:
            base = [l for l in f if not l.startswith("vipd:")]
        with open(gfile, "w") as f:
            f.writelines(base + ["vipd:x:%d:\n" % gid])
        a = _start_vipd_with_group(lab, "h1", vrrp_conf("h1", 100), gfile, sockdir)
        # bind() makes the file, chown() gives it the group a moment later.
        def grouped():
            try:
                st = os.stat(a.sock)
            except OSError:
                return False
            return st.st_gid == gid
        assert wait_for(grouped, 5), lab.report()
        st = os.stat(a.sock)
        assert (st.st_mode & 0o777, st.st_gid) == (0o660, gid), (oct(st.st_mode), st.st_gid)

        def as_nobody(groups, *args):
            return lab.run("h1", "setpriv", "--reuid=65534", "--regid=65534",
                           "--groups=%s" % groups if groups else "--clear-groups",
                           vipctl_bin(), "-s", a.sock, *args, check=False)

        r = as_nobody(str(gid), "status", "--json")
        assert r.returncode == 0 and json.loads(r.stdout)["instances"][0]["name"] == "VI_1", r
        for cmd in (["explain"], ["history"], ["metrics"], ["check"]):
            r = as_nobody(str(gid), *cmd)
            assert r.returncode == 0, (cmd, r)
        r = as_nobody(str(gid), "maintenance", "on")
        assert r.returncode == 1 and "permission denied" in r.stderr, r
        assert lab.instance("h1")["health"]["maintenance"] is False
        r = as_nobody(None, "status")
        assert r.returncode == 1 and "Permission denied" in r.stderr, r
        # root keeps every command.
        assert lab.vipctl("h1", "maintenance", "off").returncode == 0
    finally:
        shutil.rmtree(sockdir, ignore_errors=True)
