# SPDX-License-Identifier: ISC
"""100 SIGHUPs of an unchanged configuration on the Master while a client
in another namespace connects to the VIP every 5 ms: no failed connection,
no transition, and the same open fds and resident memory after as before."""

import os
import signal
import subprocess
import sys
import time

import pytest

from helpers import has_vipctl, settle, start_group
from lab import REPO, VIP

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="vipd reload")

ADV = 0.1
PORT = 8025
SERVER = r"""
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", %d)); s.listen(512); print("ready", flush=True)
while True:
    c, _ = s.accept(); c.sendall(b"220 ok\r\n"); c.close()
""" % PORT
CLIENT = r"""
import socket, sys, time
end = time.monotonic() + float(sys.argv[2]); ok = bad = 0; errs = {}
while time.monotonic() < end:
    t = time.monotonic()
    try:
        c = socket.create_connection((sys.argv[1], %d), timeout=1.0)
        if c.recv(16).startswith(b"220"): ok += 1
        else: bad += 1
        c.close()
    except OSError as e:
        bad += 1; errs[str(e)] = errs.get(str(e), 0) + 1
    time.sleep(max(0.0, 0.005 - (time.monotonic() - t)))
print(ok, bad, errs, flush=True)
""" % PORT


def fds(pid):
    return sorted(os.listdir("/proc/%d/fd" % pid), key=int)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_100_sighups_on_master(make_lab, monkeypatch):
    # RSS is measured on the production build: ASan's allocator keeps
    # freed memory in its own pools and grows RSS whatever vipd does (the
    # other reload tests run the sanitized build and catch memory errors).
    prod = os.path.join(REPO, "build", "vipd")
    assert os.access(prod, os.X_OK), "run make first"
    monkeypatch.setenv("VIPD_BIN", prod)
    lab = make_lab(2)
    start_group(lab, {"h1": 200, "h2": 100}, ADV)
    settle(lab, "h1")
    a = lab.hosts["h1"].agent
    srv = subprocess.Popen(["ip", "netns", "exec", lab.hosts["h1"].ns, sys.executable, "-c",
                            SERVER], stdout=subprocess.PIPE, text=True, start_new_session=True)
    lab._track(srv.pid, "tcp server h1")
    try:
        assert srv.stdout.readline().strip() == "ready"
        # Warm-up: first reloads size the allocator's pools.
        for _ in range(10):
            a.popen.send_signal(signal.SIGHUP)
            time.sleep(0.02)
        time.sleep(0.5)
        before = lab.instance("h1")
        fd0, rss0 = fds(a.pid), rss_kb(a.pid)
        cli = subprocess.Popen(["ip", "netns", "exec", lab.hosts["h2"].ns, sys.executable,
                                "-c", CLIENT, VIP, "4.0"], stdout=subprocess.PIPE, text=True,
                               start_new_session=True)
        lab._track(cli.pid, "tcp client h2")
        time.sleep(0.5)
        for _ in range(100):
            a.popen.send_signal(signal.SIGHUP)
            time.sleep(0.025)
        out, _ = cli.communicate(timeout=30)
        lab._untrack(cli.pid)
        ok, bad = (int(x) for x in out.split()[:2])
        assert bad == 0 and ok > 300, "client: %s" % out
        assert a.running()
        after = lab.instance("h1")
        assert after["state"] == "MASTER" and lab.state("h2") == "BACKUP"
        assert after["last_transition"] == before["last_transition"]
        assert after["counters"]["became_master"] == before["counters"]["became_master"]
        assert lab.status("h1")["config"]["reloads"] == 110
        time.sleep(0.3)
        fd1, rss1 = fds(a.pid), rss_kb(a.pid)
        assert fd1 == fd0, "fds %s -> %s" % (fd0, fd1)
        # "The same": within 256 KiB (allocator and page granularity).
        assert abs(rss1 - rss0) <= 256, "RSS %d kB -> %d kB" % (rss0, rss1)
        print("connections ok %d failed %d; fds %d; RSS %d kB -> %d kB"
              % (ok, bad, len(fd0), rss0, rss1))
    finally:
        srv.kill()
        srv.wait()
        lab._untrack(srv.pid)
