# SPDX-License-Identifier: ISC
"""systemd: the notify protocol as vipd speaks it to a NOTIFY_SOCKET of the
test's own (READY=1 with STATUS=, STATUS= following the states, RELOADING=1
and READY=1 around a reload, WATCHDOG=1 at half WATCHDOG_USEC, STOPPING=1),
and `systemd-analyze verify` on dist/vipd.service."""

import os
import shutil
import socket
import subprocess
import threading
import time

import pytest

from helpers import has_vipctl
from lab import REPO, vrrp_conf, wait_for

ADV = 0.1
WATCHDOG_USEC = 400000          # vipd pings every 0.2 s


class NotifyListener:
    """A NOTIFY_SOCKET: collects (monotonic time, {key: value}) per datagram."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.1)
        self.msgs = []
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop:
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            kv = dict(l.split("=", 1) for l in data.decode().splitlines() if "=" in l)
            self.msgs.append((time.monotonic(), kv))

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()

    def having(self, key, since=0.0):
        return [(t, m) for t, m in list(self.msgs) if key in m and t >= since]


@pytest.mark.skipif(not has_vipctl(), reason="vipd's notify protocol")
def test_notify_protocol(make_lab, monkeypatch):
    lab = make_lab(1)
    listener = NotifyListener(os.path.join(lab.hosts["h1"].dir, "notify.sock"))
    try:
        monkeypatch.setenv("NOTIFY_SOCKET", listener.path)
        monkeypatch.setenv("WATCHDOG_USEC", str(WATCHDOG_USEC))
        monkeypatch.delenv("WATCHDOG_PID", raising=False)
        lab.start_vipd("h1", vrrp_conf("h1", 200, ADV))
        monkeypatch.delenv("NOTIFY_SOCKET")
        monkeypatch.delenv("WATCHDOG_USEC")
        assert wait_for(lambda: listener.having("READY"), 5.0), listener.msgs
        t_ready, ready = listener.having("READY")[0]
        assert ready["READY"] == "1" and ready["STATUS"].startswith("VI_1 "), ready
        assert wait_for(lambda: [m for _, m in listener.having("STATUS")
                                 if m["STATUS"] == "VI_1 MASTER"], 3.0), listener.msgs
        # Watchdog: at half of WATCHDOG_USEC, measured over 2 s.
        time.sleep(2.0)
        wd = [t for t, _ in listener.having("WATCHDOG", t_ready)]
        gaps = [b - a for a, b in zip(wd, wd[1:])]
        assert len(gaps) >= 7, wd
        # 0.2 s each; 0.1 s of slack for a loaded host and the ASan build.
        assert all(0.1 < g < 0.3 for g in gaps), gaps
        t0 = time.monotonic()
        r = lab.vipctl("h1", "reload", check=False)
        assert r.returncode == 0, r.stderr
        rel = listener.having("RELOADING", t0)
        assert rel and rel[0][1]["RELOADING"] == "1" and "MONOTONIC_USEC" in rel[0][1], rel
        after = [(t, m) for t, m in listener.having("READY", t0) if t >= rel[0][0]]
        assert after and after[0][1]["STATUS"] == "VI_1 MASTER", after
        t1 = time.monotonic()
        rc = lab.stop_vipd("h1")
        assert rc == 0, rc
        stop = listener.having("STOPPING", t1)
        assert stop and stop[0][1]["STOPPING"] == "1", listener.msgs[-5:]
    finally:
        listener.close()


def test_unit_file_verifies(tmp_path):
    """systemd-analyze verify, offline, on the unit with ExecStart pointing
    at the binary just built (it checks that the command exists)."""
    sa = shutil.which("systemd-analyze")
    if sa is None:
        pytest.skip("systemd-analyze is not installed (package systemd)")
    vipd = os.path.join(REPO, "build", "vipd")
    assert os.access(vipd, os.X_OK), "run make first"
    with open(os.path.join(REPO, "dist", "vipd.service")) as f:
        text = f.read()
    assert "ExecStart=/usr/sbin/vipd " in text
    unit = tmp_path / "vipd.service"
    unit.write_text(text.replace("ExecStart=/usr/sbin/vipd ", "ExecStart=%s " % vipd))
    r = subprocess.run([sa, "verify", "--man=no", str(unit)], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0 and r.stderr.strip() == "", r.stdout + r.stderr
    for key in ("Type=notify", "ExecReload=/bin/kill -HUP $MAINPID", "Restart=on-failure",
                "EnvironmentFile=-/etc/default/vipd", "RuntimeDirectory=vipd",
                "ProtectSystem=strict", "WatchdogSec="):
        assert key in text, key
