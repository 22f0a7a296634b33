# SPDX-License-Identifier: ISC
"""Watching a lab: who holds an address over time (from `ip monitor`), and
frame capture through sniff.py in a namespace."""

import os
import re
import subprocess
import threading
import time


class VipMonitor:
    """Follows, per host, which hosts hold an address, from `ip monitor`
    events (one `ip -o monitor address` per namespace, timestamped on
    arrival), seeded from a dump at start."""

    def __init__(self, lab, addr):
        self.lab = lab
        self.addr = addr
        self.lock = threading.Lock()
        self.events = []  # (t, host name, present)
        self.state = {}
        self.procs = []
        self.threads = []

    def start(self):
        for h in self.lab.hosts.values():
            p = subprocess.Popen(["ip", "-n", h.ns, "-o", "monitor", "address"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 text=True, bufsize=1, start_new_session=True)
            self.lab._track(p.pid, "ip monitor %s" % h.name)
            self.procs.append(p)
            t = threading.Thread(target=self._reader, args=(h.name, p), daemon=True)
            t.start()
            self.threads.append(t)
        time.sleep(0.15)  # let the monitors subscribe before we dump
        now = time.monotonic()
        with self.lock:
            for h in self.lab.hosts.values():
                present = self.lab.has_addr(h.name, self.addr)
                self.state[h.name] = present
                self.events.append((now, h.name, present))

    def _reader(self, name, p):
        pat = re.compile(r"\binet6?\s+%s/" % re.escape(self.addr))
        for line in p.stdout:
            if not pat.search(line):
                continue
            present = not line.startswith("Deleted")
            now = time.monotonic()
            with self.lock:
                if self.state.get(name) != present:
                    self.state[name] = present
                    self.events.append((now, name, present))

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=2)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            self.lab._untrack(p.pid)
        self.procs = []

    def holders(self):
        with self.lock:
            return sorted(n for n, v in self.state.items() if v)

    def timeline(self):
        """List of (t, sorted holders) after each change."""
        with self.lock:
            ev = list(self.events)
        cur = {}
        out = []
        for t, name, present in ev:
            cur[name] = present
            holders = sorted(n for n, v in cur.items() if v)
            if not out or out[-1][1] != holders:
                out.append((t, holders))
        return out

    def gained(self, host, after):
        """Time host first gained the address at or after `after`, or None."""
        with self.lock:
            for t, name, present in self.events:
                if name == host and present and t >= after:
                    return t
        return None

    def lost(self, host, after):
        with self.lock:
            for t, name, present in self.events:
                if name == host and not present and t >= after:
                    return t
        return None

    def overlaps(self, since=0.0):
        """Periods (start, end, holders) during which >1 host held the
        address; an open period ends now."""
        tl = self.timeline()
        out = []
        start = None
        who = None
        for t, holders in tl:
            if len(holders) > 1 and start is None:
                start, who = t, holders
            elif len(holders) > 1:
                who = sorted(set(who) | set(holders))
            elif start is not None:
                out.append((start, t, who))
                start = None
        if start is not None:
            out.append((start, time.monotonic(), who))
        return [(s, e, w) for s, e, w in out if e >= since]

    def assert_single_holder(self, max_overlap, since=0.0):
        """Invariant: at most one host holds the address, except for
        overlaps of at most max_overlap seconds around a transition."""
        bad = [(s, e, w) for s, e, w in self.overlaps(since) if e - s > max_overlap]
        assert not bad, "several holders of %s for too long (> %.3f s): %s\n%s" % (
            self.addr, max_overlap,
            ", ".join("%s for %.3f s" % (w, e - s) for s, e, w in bad),
            self.format_timeline())

    def format_timeline(self):
        t0 = self.lab.t0
        return "\n".join("%+9.3f s  %s" % (t - t0, ",".join(h) or "-")
                         for t, h in self.timeline())


class Sniffer:
    def __init__(self, lab, host, seconds, iface, what):
        self.lab = lab
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sniff.py")
        argv = ["ip", "netns", "exec", lab.hosts[host].ns, "/usr/bin/python3", script, iface,
                str(seconds), what]
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, start_new_session=True)
        lab._track(self.p.pid, "sniff %s" % host)
        self.seconds = seconds
        line = self.p.stdout.readline()
        if line.strip() != "ready":
            self.p.wait()
            raise RuntimeError("sniffer failed: %s%s" % (line, self.p.stderr.read()))

    def frames(self):
        out, err = self.p.communicate(timeout=self.seconds + 10)
        self.lab._untrack(self.p.pid)
        assert self.p.returncode == 0, "sniffer exited %d: %s" % (self.p.returncode, err)
        res = []
        for line in out.splitlines():
            t, way, hexdata = line.split()
            res.append((float(t), way, bytes.fromhex(hexdata)))
        return res
