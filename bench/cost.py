# SPDX-License-Identifier: ISC
"""What an agent costs: resident memory and CPU time of its processes
(from /proc), idle with one instance and busy with 200 instances at 0.1 s,
where the worst timer lateness is measured from the adverts on the wire."""

import os
import re
import statistics
import time

from outage import Spawned, LineFollower, HERE

TICK = os.sysconf("SC_CLK_TCK")


def _runtime(pid, fields):
    """CPU seconds of a process: the scheduler's nanosecond count summed
    over its threads (/proc/PID/task/*/schedstat), else utime + stime in
    clock ticks."""
    total = 0
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
        return total / 1e9
    except (OSError, ValueError, IndexError):
        return (int(fields[11]) + int(fields[12])) / TICK


def proc_sample(pids):
    """Sum over pids: CPU seconds of the processes themselves (user +
    system, from schedstat), of their reaped children (cutime + cstime:
    keepalived's check scripts), and VmRSS in KiB."""
    cpu = child = 0.0
    rss = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                st = f.read()
            with open("/proc/%d/status" % pid) as f:
                status = f.read()
        except OSError:
            continue
        fields = st[st.rfind(")") + 2:].split()
        cpu += _runtime(pid, fields)
        child += (int(fields[13]) + int(fields[14])) / TICK
        m = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        if m:
            rss += int(m.group(1))
    return {"t": time.monotonic(), "cpu_s": cpu, "children_cpu_s": child, "rss_kb": rss,
            "pids": list(pids)}


def delta(s0, s1):
    dt = s1["t"] - s0["t"]
    return {"seconds": round(dt, 2),
            "cpu_s": round(s1["cpu_s"] - s0["cpu_s"], 3),
            "children_cpu_s": round(s1["children_cpu_s"] - s0["children_cpu_s"], 3),
            "cpu_total_s": round(s1["cpu_s"] + s1["children_cpu_s"]
                                 - s0["cpu_s"] - s0["children_cpu_s"], 3),
            "cpu_pct": round(100 * (s1["cpu_s"] - s0["cpu_s"]) / dt, 3),
            "cpu_total_pct": round(100 * (s1["cpu_s"] + s1["children_cpu_s"]
                                          - s0["cpu_s"] - s0["children_cpu_s"]) / dt, 3),
            "rss_kb": s1["rss_kb"], "pids": s1["pids"],
            "same_pids": s0["pids"] == s1["pids"]}


def wait_all(ag, hosts_states, names, timeout):
    """Every instance in names has the given state on each host."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ok = True
        for h, want in hosts_states.items():
            st = ag.states(h)
            if sum(1 for n in names if st.get(n) == want) != len(names):
                ok = False
                break
        if ok:
            return True
        time.sleep(0.25)
    return False


def measure_window(ag, hosts, seconds):
    s0 = {h: proc_sample(ag.pids(h)) for h in hosts}
    time.sleep(seconds)
    s1 = {h: proc_sample(ag.pids(h)) for h in hosts}
    return {h: delta(s0[h], s1[h]) for h in hosts}


def lateness(frames, interval):
    """From one instance's advert send times: the gaps' deviation from the
    interval."""
    ts = [t for t, way, src, prio in frames]
    gaps = [b - a for a, b in zip(ts, ts[1:])]
    if not gaps:
        return {"adverts": len(ts)}
    late = sorted(g - interval for g in gaps)
    return {"adverts": len(ts),
            "late_max_ms": round(1000 * late[-1], 3),
            "early_max_ms": round(-1000 * late[0], 3),
            "late_p99_ms": round(1000 * late[int(0.99 * (len(late) - 1))], 3),
            "dev_mean_abs_ms": round(1000 * statistics.mean(abs(x) for x in late), 3),
            "gap_mean_ms": round(1000 * statistics.mean(gaps), 3)}


class SendLog:
    """advsniff.py on a host, outgoing adverts of one VRID."""

    def __init__(self, lab, host, vrid, outfile):
        self.proc = Spawned(lab, host, [os.path.join(HERE, "advsniff.py"), "eth0",
                                        str(vrid), outfile, "out"], "advsniff-out")
        self.follow = LineFollower(outfile)

    def frames(self):
        self.proc.stop()
        out = []
        for line in self.follow.new_lines():
            f = line.split()
            if len(f) == 4:
                out.append((float(f[0]), f[1], f[2], int(f[3])))
        return out
