# SPDX-License-Identifier: ISC
"""The kernel-facing code on its own: build/san/nltest (netlink/nl.c:
addresses with lifetimes, IPv6, the monitor, overruns, churn) and
build/san/socktest (vrrp/sock.c, announce.c: raw VRRP sockets, GARP/NA
frames between two namespaces).  Each makes and removes namespaces of its
own (unique names with its PID, documentation addresses only)."""

import os
import re
import subprocess

import pytest

from lab import REPO, scaled

SANITIZER = re.compile(r"ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: \w+Sanitizer")


def run_selftest(name):
    path = os.path.join(REPO, "build", "san", name)
    if not os.access(path, os.X_OK):
        pytest.fail("%s missing: run `make build/san/%s`" % (path, name), pytrace=False)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    r = subprocess.run([path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=scaled(180), env=env)
    assert not SANITIZER.search(r.stdout), r.stdout
    # 77 is "not root": the system tier runs as root, so that is a failure.
    assert r.returncode == 0, "%s exited %d:\n%s" % (name, r.returncode, r.stdout)
    return r.stdout


def test_nltest():
    out = run_selftest("nltest")
    bad = [l for l in out.splitlines() if l.startswith("FAIL")]
    m = re.search(r"^(\d+) passed, (\d+) failed$", out, re.M)
    assert m and int(m.group(2)) == 0 and not bad, out
    # Every check ran: one "ok" line per pass, and at least the 39 of today.
    assert int(m.group(1)) == len(re.findall(r"^ok  : ", out, re.M)) >= 39, out


def test_socktest():
    out = run_selftest("socktest")
    m = re.search(r"^# (\d+) checks, (\d+) failed$", out, re.M)
    assert m and int(m.group(2)) == 0, out
    oks = re.findall(r"^ok (\d+) - ", out, re.M)
    assert not re.search(r"^not ok ", out, re.M), out
    assert int(m.group(1)) == len(oks) >= 80, out
    assert [int(n) for n in oks] == list(range(1, len(oks) + 1)), out
