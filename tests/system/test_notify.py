# SPDX-License-Identifier: ISC
"""notify_master, notify_backup, notify_fault, notify_stop and notify
(keepalived's four arguments: INSTANCE name state priority): they run in
the order of the transitions, one at a time, without a shell, with
VIPD_STATE set, and notify_stop runs before vipd exits on SIGTERM."""

import os
import stat

import pytest

from helpers import has_vipctl, settle
from lab import vrrp_conf, wait_for

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="vipd notify scripts")

ADV = 0.1
SCRIPT = """#!/bin/sh
printf 'start %%s %%s|%%s|%%s\\n' "$(date +%%s.%%N)" "$0" "$*" "$VIPD_STATE" >> %(log)s
sleep %(sleep)s
printf 'end %%s %%s\\n' "$(date +%%s.%%N)" "$0" >> %(log)s
"""


def write_scripts(d, log):
    """One script per keyword; backup.sh and notify.sh take 0.3 s, longer
    than BACKUP -> MASTER at startup, so runs would overlap if they could."""
    paths = {}
    for name, sleep in (("master", 0), ("backup", 0.3), ("fault", 0), ("stop", 0),
                        ("notify", 0.3)):
        p = os.path.join(d, "%s.sh" % name)
        with open(p, "w") as f:
            f.write(SCRIPT % {"log": log, "sleep": sleep})
        os.chmod(p, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
        paths[name] = p
    return paths


def read_runs(log):
    """[(script basename, args, VIPD_STATE, start, end)] in start order."""
    try:
        with open(log) as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return []
    runs, open_runs = [], {}
    for l in lines:
        kind, t, rest = l.split(" ", 2)
        if kind == "start":
            script, args, state = rest.split("|")
            runs.append([os.path.basename(script), args, state, float(t), None])
            open_runs[script] = runs[-1]
        else:
            open_runs.pop(rest)[4] = float(t)
    return [tuple(r) for r in runs]


def test_notify_scripts_order_args_and_stop(make_lab):
    lab = make_lab(2)
    d = lab.hosts["h1"].dir
    log = os.path.join(d, "notify.log")
    s = write_scripts(d, log)
    extra = "\n".join([
        'notify_master "%s --role mx $HOME"' % s["master"],
        "notify_backup %s" % s["backup"],
        "notify_fault %s" % s["fault"],
        "notify_stop %s" % s["stop"],
        "notify %s" % s["notify"]])
    lab.start_vipd("h1", vrrp_conf("h1", 100, ADV, extra=extra))
    settle(lab, "h1")
    lab.link_down("h1")
    assert lab.wait_states({"h1": "FAULT"}, 2), lab.states()
    lab.link_up("h1")
    settle(lab, "h1", timeout=3)
    # Let the queue drain so that only SIGTERM's scripts are left.
    assert wait_for(lambda: len(read_runs(log)) == 10 and read_runs(log)[-1][4], 5), \
        read_runs(log)
    assert lab.stop_agent("h1") == 0

    runs = read_runs(log)
    got = [(r[0], r[1], r[2]) for r in runs]

    def gen(state):
        return ("notify.sh", "INSTANCE VI_1 %s 100" % state, state)
    assert got == [
        ("backup.sh", "", "BACKUP"), gen("BACKUP"),
        ("master.sh", "--role mx $HOME", "MASTER"), gen("MASTER"),
        ("fault.sh", "", "FAULT"), gen("FAULT"),
        ("backup.sh", "", "BACKUP"), gen("BACKUP"),
        ("master.sh", "--role mx $HOME", "MASTER"), gen("MASTER"),
        ("stop.sh", "", "STOP"), gen("STOP"),
    ], "\n".join(map(str, runs))
    for r in runs:
        assert r[4] is not None, "%s never finished (killed at exit?): %s" % (r[0], runs)
    for a, b in zip(runs, runs[1:]):
        assert b[3] >= a[4], "%s started at %.3f before %s ended at %.3f" % (
            b[0], b[3], a[0], a[4])
    # The first MASTER came while backup.sh and notify.sh (0.6 s) still ran.
    assert runs[2][3] - runs[0][3] >= 0.6
    text = lab.hosts["h1"].agent.log_text()
    for name in ("master.sh", "stop.sh", "notify.sh"):
        assert name in text, "vipd did not log running %s:\n%s" % (name, text)
