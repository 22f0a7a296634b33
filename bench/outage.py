# SPDX-License-Identifier: ISC
"""Outage as a client sees it: fault injection on the Master, the banner
prober's record, the adverts on the Backup, and the protocol's floor.

The outage of one trial is the longest gap between two good banners seen
by the client, from the last good banner before the fault up to the first
good banner from the other host (the Backup, which must take over), so a
frozen Postfix whose idle smtpd children still answer for a moment after
the fault is measured by the gap that follows, not by those few banners.
"""

import os
import signal
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FAULTS = ("link", "pf_stop", "pf_freeze", "agent_term", "handover")
FAULT_TEXT = {
    "link": "link cut (`ip link set eth0 down` on the Master)",
    "pf_stop": "Postfix stopped (`postfix stop`)",
    "pf_freeze": "Postfix master frozen (SIGSTOP: connect works, no banner)",
    "agent_term": "agent stopped with SIGTERM",
    "handover": "planned handover (vipd: `vipctl maintenance on`; "
                "keepalived: track_file -20)",
}
BACKUP_PRIO = 90
MASTER_PRIO = 100


def skew(prio, adv):
    return (256 - prio) * adv / 256.0


def mdi(prio, adv):
    return 3 * adv + skew(prio, adv)


def floor_formula(fault, adv):
    """(name, seconds) of the protocol's floor for a fault: how long VRRP
    itself makes the client wait, with the Backup at priority 90."""
    if fault == "link":
        return "Master_Down_Interval", mdi(BACKUP_PRIO, adv)
    if fault == "handover":
        return "none (the Master keeps the VIP until the Backup advertises)", 0.0
    return "Skew_Time", skew(BACKUP_PRIO, adv)


class LineFollower:
    """Reads lines appended to a file, incrementally."""

    def __init__(self, path):
        self.path = path
        self.pos = 0
        self.part = ""

    def new_lines(self):
        try:
            with open(self.path) as f:
                f.seek(self.pos)
                data = f.read()
                self.pos = f.tell()
        except FileNotFoundError:
            return []
        data = self.part + data
        lines = data.split("\n")
        self.part = lines.pop()
        return lines


class Spawned:
    """A helper script in a namespace that prints "ready" and writes a file
    until SIGTERM."""

    def __init__(self, lab, host, argv, what):
        self.lab = lab
        self.p = subprocess.Popen(["ip", "netns", "exec", lab.hosts[host].ns,
                                   "/usr/bin/python3"] + argv,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, start_new_session=True)
        lab._track(self.p.pid, what)
        line = self.p.stdout.readline()
        if line.strip() != "ready":
            self.p.wait()
            raise RuntimeError("%s failed: %s%s" % (what, line, self.p.stderr.read()))

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.lab._untrack(self.p.pid)


class Prober:
    """bench/probe.py in the client namespace, and what it has seen."""

    def __init__(self, lab, client, addr, outfile, every=0.005):
        self.proc = Spawned(lab, client, [os.path.join(HERE, "probe.py"), addr, "25",
                                          outfile, str(every)], "probe")
        self.follow = LineFollower(outfile)
        self.ok = []        # (t_end, hostname)
        self.err = []       # (t_end, reason)
        self.attempts = []  # (t_start, t_end, hostname or None)

    def poll(self):
        for line in self.follow.new_lines():
            f = line.split()
            if len(f) < 4:
                continue
            self.attempts.append((float(f[0]), float(f[1]), f[3] if f[2] == "ok" else None))
            if f[2] == "ok":
                self.ok.append((float(f[1]), f[3]))
            else:
                self.err.append((float(f[1]), f[3]))

    def steady(self, host, seconds):
        """Good banners only, all from host, for the last `seconds`."""
        self.poll()
        now = time.monotonic()
        since = now - seconds
        if any(t > since for t, _ in self.err[-400:]):
            return False
        recent = [h for t, h in self.ok[-int(seconds * 400) - 10:] if t > since]
        return len(recent) >= seconds / 0.02 and all(h == host for h in recent)

    def first_ok_from(self, host, after):
        self.poll()
        for t, h in self.ok:
            if t > after and h == host:
                return t
        return None

    def trim(self, before):
        """Forget what happened before `before` (memory stays flat)."""
        self.ok = [x for x in self.ok if x[0] >= before]
        self.err = [x for x in self.err if x[0] >= before]
        self.attempts = [x for x in self.attempts if x[1] >= before]

    def away(self, host, t0, t1):
        """How long new connections did not reach `host`, between t0 and t1:
        from the start of the first attempt that got no banner from host to
        the start of the first one after the last such attempt that did.
        (0, 0) if every attempt got host's banner; a probe that was merely
        late (no attempts at all for a while) does not count.  Returns
        (seconds, number of such attempts)."""
        self.poll()
        att = sorted(a for a in self.attempts if t0 <= a[0] <= t1)
        bad = [a for a in att if a[2] != host]
        if not bad:
            return 0.0, 0
        good_after = [a[0] for a in att if a[2] == host and a[0] > bad[-1][0]]
        end = good_after[0] if good_after else t1
        return end - bad[0][0], len(bad)


class AdvertLog:
    """bench/advsniff.py on the Backup's eth0, VRID 51."""

    def __init__(self, lab, host, vrid, outfile):
        self.proc = Spawned(lab, host, [os.path.join(HERE, "advsniff.py"), "eth0",
                                        str(vrid), outfile], "advsniff")
        self.follow = LineFollower(outfile)
        self.frames = []    # (t, way, src, prio)

    def poll(self):
        for line in self.follow.new_lines():
            f = line.split()
            if len(f) == 4:
                self.frames.append((float(f[0]), f[1], f[2], int(f[3])))

    def trim(self, before):
        self.frames = [x for x in self.frames if x[0] >= before]


def analyse(prober, adverts, tf, t_end, master_addr, backup_addr, backup_host, adv, fault):
    """One trial's numbers from the records: outage, its ends, the floor
    and the overhead above it."""
    prober.poll()
    adverts.poll()
    oks = [(t, h) for t, h in prober.ok if tf - 5 <= t <= t_end]
    before = [x for x in oks if x[0] <= tf]
    after = [x for x in oks if x[0] > tf]
    res = {"fault_at": tf}
    if not before:
        res["error"] = "no good banner before the fault"
        return res
    seq = [before[-1]] + after
    rec = next((i for i, x in enumerate(seq) if i > 0 and x[1] == backup_host), None)
    if rec is None:
        res["outage"] = None
        res["censored"] = round(t_end - before[-1][0], 4)
        res["last_good_before"] = before[-1][0]
        gap_start = before[-1][0]
    else:
        seq = seq[:rec + 1]
        gaps = [(seq[i + 1][0] - seq[i][0], i) for i in range(len(seq) - 1)]
        g, i = max(gaps)
        gap_start, gap_end = seq[i][0], seq[i + 1][0]
        res.update(outage=round(g, 5), gap_start=gap_start, gap_end=gap_end,
                   first_from_backup=seq[rec][0],
                   banners_between=len(seq) - 2)
    # Adverts seen on the Backup.
    fr = adverts.frames
    last_in = [t for t, w, s, p in fr if s == master_addr and p > 0 and t <= tf]
    prio0 = [t for t, w, s, p in fr if s == master_addr and p == 0 and t > tf]
    took = [t for t, w, s, p in fr if s == backup_addr and t > tf]
    if last_in:
        res["last_master_advert"] = last_in[-1]
    if prio0:
        res["prio0_advert"] = prio0[0]
        res["detection"] = round(prio0[0] - tf, 5)
    if took:
        res["backup_first_advert"] = took[0]
    name, floor = floor_formula(fault, adv)
    res["floor"] = round(floor, 5)
    if "outage" in res and res["outage"] is not None:
        if fault == "link" and last_in:
            # The protocol lets the Backup take over Master_Down_Interval
            # after the last advert it heard, which may be up to one
            # interval before the cut.
            allowed = last_in[-1] + mdi(BACKUP_PRIO, adv)
            res["floor_sample"] = round(max(0.0, allowed - res["gap_start"]), 5)
        else:
            res["floor_sample"] = res["floor"]
        res["overhead"] = round(res["outage"] - res["floor_sample"], 5)
    return res


def sync_to_advert(adverts, master_addr, adv):
    """Wait until the Backup has just heard an advert from the Master, so
    that a link cut always comes right after one (within about 1 ms): the
    outage is then Master_Down_Interval plus the agent's overhead in every
    trial, instead of varying by up to one advert interval with the phase
    of the cut."""
    adverts.poll()
    n = len(adverts.frames)
    deadline = time.monotonic() + 3 * adv + 1
    while time.monotonic() < deadline:
        adverts.poll()
        if any(s == master_addr and p > 0 for t, w, s, p in adverts.frames[n:]):
            return True
        n = len(adverts.frames)
        time.sleep(0.0005)
    return False


class Trial:
    """Inject one kind of fault on the Master and undo it."""

    def __init__(self, ctx, agents):
        self.ctx = ctx
        self.ag = agents
        self.lab = ctx.lab

    def inject(self, fault, host):
        pf = self.ctx.pf[host]
        if fault == "link":
            self.lab.link_down(host)
        elif fault == "pf_stop":
            pf.stop()
        elif fault == "pf_freeze":
            pf.freeze()
        elif fault == "agent_term":
            self.ag.stop(host, signal.SIGTERM)
        elif fault == "handover":
            self.ag.handover(host, True)
        else:
            raise ValueError(fault)

    def restore(self, fault, host):
        pf = self.ctx.pf[host]
        if fault == "link":
            self.lab.link_up(host)
        elif fault == "pf_stop":
            pf.start()
        elif fault == "pf_freeze":
            pf.thaw()
        elif fault == "agent_term":
            self.ag.start(host)
        elif fault == "handover":
            self.ag.handover(host, False)


def wait_ready(ctx, ag, master, backup, timeout):
    """Master is MASTER with the VIP, Backup is BACKUP, and the client has
    had only good banners from the Master for 0.5 s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (ag.state(master) == "MASTER" and ag.state(backup) == "BACKUP"
                and ctx.lab.holders() == [master]
                and ctx.prober.steady(ctx.pf[master].myhostname, 0.5)):
            return True
        time.sleep(0.05)
    return False


def run_trial(ctx, ag, fault, adv, cap):
    """One fault on mx1 (Master), mx2 (Backup) takes over; returns the
    sample (a dict)."""
    m, b = "mx1", "mx2"
    lab = ctx.lab
    t = Trial(ctx, ag)
    ctx.prober.trim(time.monotonic() - 10)
    ctx.adverts.trim(time.monotonic() - 10)
    if fault == "link":
        sync_to_advert(ctx.adverts, lab.hosts[m].addr, adv)
    tf = time.monotonic()
    t.inject(fault, m)
    t_inj = time.monotonic()
    backup_name = ctx.pf[b].myhostname
    deadline = tf + cap
    t_rec = None
    while time.monotonic() < deadline:
        t_rec = ctx.prober.first_ok_from(backup_name, tf)
        if t_rec:
            break
        time.sleep(0.02)
    # A little more record after the recovery (late adverts, stray banners).
    time.sleep(0.3)
    t_end = min(time.monotonic(), (t_rec or deadline) + 0.25)
    res = analyse(ctx.prober, ctx.adverts, tf, t_end, lab.hosts[m].addr, lab.hosts[b].addr,
                  backup_name, adv, fault)
    res["inject_took"] = round(t_inj - tf, 4)
    if "last_master_advert" in res:
        res["fault_after_advert"] = round(tf - res["last_master_advert"], 4)
    res["holders_after"] = lab.holders()
    res["cap"] = cap
    t.restore(fault, m)
    return res
