# SPDX-License-Identifier: ISC
"""The stress rows of `make bench` (issue 8): the agents under what a busy
mail host and a shared VLAN do to them, at advert_int 0.1 s and 0.01 s,
vipd and keepalived 2.2.7 in turn.

- bigqueue: 300 000 messages in the Master's deferred queue
  (tests/system/bigqueue.py fills it), a window of STRESS_S seconds.
- cpu: four busy processes per core (stress-ng --cpu) beside the agents.
- containers: the cpu row's busy processes, and network namespaces with a
  veth pair made and destroyed beside them (bench/nschurn.py), as
  containers come and go: each teardown holds the kernel's RTNL lock,
  which every rtnetlink request (a VIP refresh) then waits for.
- netlink: 10 000 address changes a second on another interface of the
  Master (bench/nlchurn.py on a veth interface).
- vlan: another team's keepalived pair on the same link, same VRID 51,
  higher priorities, another VIP: both pairs must keep their VIPs, and
  vipd must report the collision.
- prio0: an on-link host forges priority-0 adverts for the VRID right
  after one of the Master's (bench/forge.py), with its own source address
  and with the Master's: the VIP must not leave the Master (as the client
  sees it) for more than one advert interval.

Every window-based row records, for the window: new Masters (the agents'
counters or logs), adverts sent by the Backup (capture on the Backup), VIP
moves (ip monitor), the client's longest gap between good banners, and the
lateness of the Master's adverts: kernel send timestamps on the Master's
eth0, the gap between consecutive adverts minus advert_int.
"""

import os
import statistics
import subprocess
import sys
import time

import agents as agentsmod
import cost
import outage

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS = ("vlan", "prio0", "netlink", "cpu", "containers", "bigqueue")
LATE_P99_MAX = 0.005            # the target for advert lateness
PROBE_EVERY = 0.005
QUANTILES = [0, 1, 5, 10, 25, 50, 75, 90, 95, 98, 99, 99.5, 99.9, 100]
BIGQUEUE_N = int(os.environ.get("BENCH_BIGQUEUE_N", "300000"))
NETLINK_RATE = 10000.0
CPU_PER_CORE = 4


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


# ---- measuring ----------------------------------------------------------------

def lateness(frames, adv):
    """cost.lateness plus the distribution (for the pictures)."""
    out = cost.lateness(frames, adv)
    ts = [t for t, w, s, p in frames]
    late = sorted(b - a - adv for a, b in zip(ts, ts[1:]))
    if late:
        out["q_ms"] = [round(1000 * late[min(len(late) - 1, int(q / 100.0 * len(late)))], 3)
                       for q in QUANTILES]
        out["worst_ms"] = [round(1000 * x, 3) for x in late[-10:]]
    return out


def loop_stats(ag, host):
    if ag.kind != "vipd":
        return None
    try:
        return ag.status(host).get("loop")
    except Exception as e:      # noqa: BLE001 (recorded, not fatal)
        return {"error": str(e)}


def safe_transitions(ag, host):
    try:
        return ag.transitions(host)
    except Exception:           # noqa: BLE001
        return None


def steal_s():
    """CPU time the hypervisor gave to others while this VM wanted to run
    (steal, all CPUs), in seconds: a stall no scheduling priority inside
    the VM can avoid."""
    with open("/proc/stat") as f:
        fields = f.readline().split()
    return int(fields[8]) / float(os.sysconf("SC_CLK_TCK"))


HICCUP = os.path.join(os.path.dirname(HERE), "build", "hiccup")
HICCUP_MS = 15


def machine_summary(out):
    """bench/hiccup.c's lines: how long this machine kept a real-time
    thread from running, per CPU, and the stalls every CPU had at once
    (the virtual machine itself not running)."""
    events, cpus = [], {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 5 and f[0] == "hiccup":
            events.append((float(f[2]), int(f[1]), float(f[3]), float(f[4])))
        elif len(f) == 10 and f[0] == "cpu":
            cpus[int(f[1])] = {"wakeups": int(f[3]), "hiccups": int(f[5]),
                               "worst_ms": float(f[7]), "steal_ms": float(f[9])}
    if not cpus:
        return {"error": out[-300:]}
    events.sort()
    together = []
    for t, cpu, late, _ in events:
        # A stall every CPU saw: each CPU has one ending within 20 ms.
        near = {c for tt, c, ll, _ in events if abs(tt - t) <= 0.02}
        if len(near) == len(cpus) and not any(abs(t - x) <= 0.02 for x, _ in together):
            together.append((t, late))
    return {"threshold_ms": HICCUP_MS, "cpus": cpus,
            "worst_ms": max(c["worst_ms"] for c in cpus.values()),
            "hiccups": len(events), "all_cpus_at_once": len(together),
            "all_cpus_worst_ms": max((late for _, late in together), default=0.0),
            "steal_ms": round(sum(c["steal_ms"] for c in cpus.values()), 0),
            "events": [(round(t, 3), c, l) for t, c, l, _ in events[:60]]}


class Window:
    """What happens on the wire, to the VIP and to the client between
    start() and stop()."""

    def __init__(self, ctx, ag, adv, tag):
        self.ctx, self.ag, self.adv, self.tag = ctx, ag, adv, tag
        self.hiccup = None

    def start(self):
        lab = self.ctx.lab
        if os.path.exists(HICCUP):
            self.hiccup = Proc(lab, [HICCUP, "86400", str(HICCUP_MS)], "hiccup")
        self.tr0 = {h: safe_transitions(self.ag, h) for h in ("mx1", "mx2")}
        self.loop0 = loop_stats(self.ag, "mx1")
        self.snd = cost.SendLog(lab, "mx1", agentsmod.VRID,
                                os.path.join(lab.workdir, "send-%s.adv" % self.tag))
        self.ctx.prober.trim(time.monotonic() - 5)
        self.ctx.adverts.trim(time.monotonic() - 5)
        self.steal0 = steal_s()
        self.t0 = time.monotonic()

    def stop(self):
        t1 = time.monotonic()
        lab = self.ctx.lab
        frames = self.snd.frames()
        mx1, mx2 = lab.hosts["mx1"].addr, lab.hosts["mx2"].addr
        frames = [f for f in frames if f[2] == mx1 and self.t0 <= f[0] <= t1]
        tr1 = {h: safe_transitions(self.ag, h) for h in ("mx1", "mx2")}
        self.ctx.adverts.poll()
        backup_adv = [t for t, w, s, p in self.ctx.adverts.frames
                      if s == mx2 and p > 0 and self.t0 <= t <= t1]
        moves = [(round(t - self.t0, 4), h) for t, h in lab.monitor.timeline()
                 if self.t0 <= t <= t1]
        self.ctx.prober.poll()
        oks = [t for t, h in self.ctx.prober.ok if self.t0 <= t <= t1
               and h == self.ctx.pf["mx1"].myhostname]
        errs = [t for t, r in self.ctx.prober.err if self.t0 <= t <= t1]
        gaps = [b - a for a, b in zip([self.t0] + oks, oks + [t1])]
        away, nbad = self.ctx.prober.away(self.ctx.pf["mx1"].myhostname, self.t0, t1 - 1.0)
        res = {"seconds": round(t1 - self.t0, 2),
               "steal_s": round(steal_s() - self.steal0, 2),
               "new_masters": {h: (tr1[h] - self.tr0[h]) if None not in (tr1[h], self.tr0[h])
                               else None for h in tr1},
               "backup_adverts": len(backup_adv),
               "vip_moves": moves,
               "client_max_gap_ms": round(1000 * max(gaps), 1) if gaps else None,
               "client_errors": len(errs),
               "client_failed_attempts": nbad,
               "client_away_ms": round(1000 * away, 1),
               "lateness": lateness(frames, self.adv)}
        if self.ag.kind == "vipd":
            res["loop_before"] = self.loop0
            res["loop_after"] = loop_stats(self.ag, "mx1")
        nm = list(res["new_masters"].values())
        # A host whose vipd does not answer `status` within 3 s counts as
        # a failure on its own (and its new Masters as unknown).
        res["status_unanswered"] = [h for h, v in res["new_masters"].items() if v is None]
        res["transitions"] = sum(v for v in nm if v) + len(backup_adv) + len(moves)
        if self.hiccup is not None:
            self.hiccup.p.terminate()
            out, err = self.hiccup.finish(10)
            res["machine"] = machine_summary(out + err)
        return res


def judge_window(res):
    lt = res["lateness"]
    ok_tr = res["transitions"] == 0 and not res["status_unanswered"]
    ok_late = "late_p99_ms" in lt and lt["late_p99_ms"] < 1000 * LATE_P99_MAX
    return ok_tr, ok_late


# ---- stress generators ---------------------------------------------------------

class Proc:
    """A process we start and stop by PID (tracked by the lab)."""

    def __init__(self, lab, argv, what, ns=None, ready=False):
        self.lab = lab
        full = (["ip", "netns", "exec", ns] if ns else []) + argv
        self.p = subprocess.Popen(full, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, start_new_session=True)
        lab._track(self.p.pid, what)
        self.what = what
        if ready:
            line = self.p.stdout.readline()
            if line.strip() != "ready":
                self.p.wait()
                raise RuntimeError("%s: %s%s" % (what, line, self.p.stderr.read()))

    def finish(self, timeout):
        """Wait for it to end (SIGTERM after timeout); returns stdout."""
        try:
            out, err = self.p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.terminate()
            out, err = self.p.communicate(timeout=10)
        self.lab._untrack(self.p.pid)
        return out, err


def cpu_hogs(lab, seconds):
    n = CPU_PER_CORE * (os.cpu_count() or 1)
    return Proc(lab, ["stress-ng", "--cpu", str(n), "--timeout", "%ds" % int(seconds),
                      "--quiet"], "stress-ng"), n


# ---- rows ------------------------------------------------------------------------

def row_window(ctx, ag, adv, seconds, row):
    """cpu, containers, netlink, bigqueue: a window under that stress."""
    lab = ctx.lab
    extra = {}
    gen = hogs = None
    if row in ("cpu", "containers"):
        hogs, n = cpu_hogs(lab, seconds + 1)
        extra["stress"] = "stress-ng --cpu %d (%d per core), nice 0" % (n, CPU_PER_CORE)
    if row == "containers":
        gen = Proc(lab, ["/usr/bin/python3", os.path.join(HERE, "nschurn.py"),
                         str(seconds + 1)], "nschurn", ready=True)
        extra["stress"] += "; bench/nschurn.py (namespaces made and destroyed)"
    elif row == "netlink":
        gen = Proc(lab, ["/usr/bin/python3", os.path.join(HERE, "nlchurn.py"), "churn0",
                         str(NETLINK_RATE), str(seconds)], "nlchurn", lab.hosts["mx1"].ns,
                   ready=True)
        extra["stress"] = "bench/nlchurn.py churn0 %d %d in the Master's namespace" % (
            NETLINK_RATE, seconds)
    elif row == "bigqueue":
        extra["queue_reported_before"] = reported_deferred(ag, "mx1")
    time.sleep(0.5)         # let the stress reach its pace before the window
    w = Window(ctx, ag, adv, "%s-%s-%g" % (row, ag.kind, adv))
    w.start()
    time.sleep(seconds)
    res = w.stop()
    if hogs is not None:
        hogs.finish(15)
    if gen is not None:
        out, err = gen.finish(15)
        if row == "containers":
            f = out.split()
            if len(f) >= 4 and f[0] == "cycles":
                extra["ns_cycles_per_s"] = round(int(f[1]) / float(f[3]), 1)
            else:
                extra["nschurn_error"] = (out + err)[-300:]
        if row == "netlink":
            f = out.split()
            if len(f) >= 8 and f[0] == "changes":
                extra["netlink_changes_per_s"] = round(int(f[1]) / float(f[7]), 0)
                extra["netlink_errors"] = int(f[3]) + int(f[5])
            else:
                extra["netlink_error"] = (out + err)[-300:]
    if row == "bigqueue":
        extra["queue_reported_after"] = reported_deferred(ag, "mx1")
    res.update(extra)
    ok_tr, ok_late = judge_window(res)
    res["pass_transitions"] = ok_tr
    if row in ("cpu", "containers", "bigqueue"):
        res["pass_lateness"] = ok_late
    if row == "netlink":
        res["pass_rate"] = res.get("netlink_changes_per_s", 0) >= 0.9 * NETLINK_RATE
    if row == "bigqueue" and ag.kind == "vipd":
        q = res.get("queue_reported_after")
        res["pass_queue_reported"] = q is not None and q >= 0.9 * ctx.queue_filled
    return res


def reported_deferred(ag, host):
    """The deferred count vipd's status shows (None: not shown)."""
    if ag.kind != "vipd":
        return None
    try:
        st = ag.status(host)
    except Exception:           # noqa: BLE001
        return None
    best = None
    for inst in st.get("instances", []):
        for ck in (inst.get("health") or {}).get("checks", []):
            q = ck.get("queue")
            if isinstance(q, dict) and isinstance(q.get("deferred"), int):
                best = max(best or 0, q["deferred"])
    return best


def spool_on_tmpfs(lab, host):
    """Put host's Postfix queue directory on a tmpfs (call before the
    Postfix instance is made).  This machine's root file system discards
    blocks synchronously on unlink (mount option `discard`), so removing
    300 000 queue files from it takes about 5 minutes; on a tmpfs it takes
    seconds.  What vipd's queue walk sees is the same as on a disk with a
    warm cache: directory entries and inodes in memory.  Returns the mount
    point (unmount_spool() removes it)."""
    mp = os.path.join(lab.hosts[host].dir, "postfix", "spool")
    os.makedirs(mp, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3g,mode=0755", "vipd-bench-spool", mp],
                   check=True)
    return mp


def unmount_spool(mp):
    subprocess.run(["umount", "-l", mp], check=False)
    try:
        os.rmdir(mp)
    except OSError:
        pass


def readdress(lab, host, index):
    """Give a lab host 203.0.113.<index> instead of its own (the lab numbers
    hosts 1, 2, ... and the VIP is .5)."""
    h = lab.hosts[host]
    lab.ip(h.ns, "addr", "del", "%s/24" % h.addr, "dev", "eth0")
    h.index = index
    h.addr = "203.0.113.%d" % index
    lab.ip(h.ns, "addr", "add", "%s/24" % h.addr, "dev", "eth0")


# ---- the phase -------------------------------------------------------------------

def run_combo(ctx, kind, adv, rows, seconds, prio0_n, rep, out, confs):
    import stress_safety    # noqa: E402 (it imports this module)
    lab = ctx.lab
    ag = agentsmod.AgentSet(lab, kind, ["mx1", "mx2"], {"mx1": outage.MASTER_PRIO,
                                                       "mx2": outage.BACKUP_PRIO})
    ag.configure(adv, [lab.vip])
    confs.setdefault("%s adv %g" % (kind, adv), dict(ag.confs))
    ag.start_all()
    try:
        for row in rows:
            ready = outage.wait_ready(ctx, ag, "mx1", "mx2", 30)
            if not ready and row in ("vlan", "prio0"):
                log("  %s adv %g: not ready before %s; restarting the agents" % (kind, adv, row))
                ag.stop_all()
                for h in ("mx1", "mx2"):
                    lab.run(h, "ip", "addr", "del", lab.vip + "/24", "dev", "eth0", check=False)
                ag.start_all()
                ready = outage.wait_ready(ctx, ag, "mx1", "mx2", 30)
                if not ready:
                    s = {"rep": rep, "error": "not ready: %s / %s, holders %s" % (
                        ag.state("mx1"), ag.state("mx2"), lab.holders())}
                    out.setdefault((row, kind, adv), []).append(s)
                    continue
            not_ready = None
            if not ready:
                # Under this stress the pair never settled (mx1 Master with
                # the VIP, the client served by it for 0.5 s): measure the
                # window all the same, it is the failure being shown.
                not_ready = "states %s / %s, holders %s" % (ag.state("mx1"), ag.state("mx2"),
                                                            lab.holders())
                log("  %s adv %g: not settled before %s (%s); measuring anyway" % (
                    kind, adv, row, not_ready))
            time.sleep(1.0)
            t_row = time.monotonic()
            load0 = os.getloadavg()
            if row == "vlan":
                # Half the window in a plain run; the full 10
                # minutes when asked for them.
                s = stress_safety.row_vlan(ctx, ag, adv, seconds if seconds >= 600
                                           else max(10, seconds // 2))
            elif row == "prio0":
                s = stress_safety.row_prio0(ctx, ag, adv, prio0_n)
            else:
                s = row_window(ctx, ag, adv, seconds, row)
            if not_ready:
                s["not_settled_before"] = not_ready
                s["pass_settled_before"] = False
            s["rep"] = rep
            s["elapsed_s"] = round(time.monotonic() - t_row, 1)
            # The machine is shared: what else ran (1-minute load average,
            # this row's own stress included).
            s["loadavg_1m"] = [round(load0[0], 2), round(os.getloadavg()[0], 2)]
            out.setdefault((row, kind, adv), []).append(s)
            log("  rep %d %-10s adv %-4g %-8s %s" % (rep, kind, adv, row, brief(row, s)))
    finally:
        ag.stop_all()
        for h in ("mx1", "mx2"):
            lab.run(h, "ip", "addr", "del", lab.vip + "/24", "dev", "eth0", check=False)


def brief(row, s):
    if "error" in s:
        return "ERROR %s" % s["error"]
    verdicts = " ".join("%s=%s" % (k[5:], "PASS" if v else "FAIL")
                        for k, v in sorted(s.items()) if k.startswith("pass_"))
    if row == "prio0":
        return "away max own %s ms, master %s ms; %s" % (
            s["away_max_ms_own"], s["away_max_ms_master"], verdicts)
    lt = s["lateness"]
    return "transitions %s (new Masters %s, Backup adverts %d, VIP moves %d), late p99 %s ms " \
           "max %s ms, client gap %s ms; %s" % (
               s["transitions"], s["new_masters"], s["backup_adverts"], len(s["vip_moves"]),
               lt.get("late_p99_ms"), lt.get("late_max_ms"), s["client_max_gap_ms"], verdicts)


def _bigqueue():
    sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "system"))
    import bigqueue         # noqa: E402 (tests/system/bigqueue.py, the fast filler)
    return bigqueue


def fill_queue(ctx, n):
    """Fill mx1's deferred queue (next retry a day ahead, so that qmgr
    leaves it alone); returns the number of messages there."""
    bq = _bigqueue()
    t0 = time.monotonic()
    ctx.queue_ids = bq.fill_deferred(ctx.pf["mx1"].queue_dir, n)
    got = bq.count_deferred(ctx.pf["mx1"].queue_dir)
    ctx.queue_fill_s = round(time.monotonic() - t0, 1)
    log("  filled mx1's deferred queue: %d messages in %.0f s" % (got, ctx.queue_fill_s))
    return got


def empty_queue(ctx):
    _bigqueue().clear_deferred(ctx.pf["mx1"].queue_dir, ctx.queue_ids)


def phase(ctx, res, kinds, intervals, rows, reps, seconds, prio0_n):
    lab = ctx.lab
    # "Another interface": a veth pair inside the Master's namespace (this
    # kernel may have no dummy driver); both ends up, no traffic.
    lab.run("mx1", "ip", "link", "add", "churn0", "type", "veth", "peer", "name", "churn1",
            check=False)
    lab.run("mx1", "ip", "link", "set", "churn0", "up")
    lab.run("mx1", "ip", "link", "set", "churn1", "up")
    samples = {}
    confs = res.setdefault("configs", {})
    plain = [r for r in rows if r != "bigqueue"]
    for rep in range(reps):
        order = kinds if rep % 2 == 0 else list(reversed(kinds))
        for adv in intervals:
            for kind in order:
                run_combo(ctx, kind, adv, plain, seconds, prio0_n, rep, samples, confs)
    if "bigqueue" in rows:
        try:
            ctx.queue_filled = fill_queue(ctx, BIGQUEUE_N)
        except Exception as e:      # noqa: BLE001 (the row reports it)
            log("  bigqueue: %s" % e)
            ctx.queue_filled = None
            for adv in intervals:
                for kind in kinds:
                    samples.setdefault(("bigqueue", kind, adv), []).append(
                        {"rep": 0, "error": "queue not filled: %s" % e})
        if ctx.queue_filled:
            res.setdefault("stress_settings", {}).update(queue_filled=ctx.queue_filled,
                                                         queue_fill_s=ctx.queue_fill_s)
            for rep in range(reps):
                order = kinds if rep % 2 == 0 else list(reversed(kinds))
                for adv in intervals:
                    for kind in order:
                        run_combo(ctx, kind, adv, ["bigqueue"], seconds, prio0_n, rep,
                                  samples, confs)
            empty_queue(ctx)
    out = []
    for (row, kind, adv), ss in sorted(samples.items(), key=lambda kv: (
            ROWS.index(kv[0][0]), -kv[0][2], kv[0][1])):
        out.append({"row": row, "agent": kind, "adv": adv, "samples": ss,
                    "summary": summarize(row, ss)})
    res["stress"] = out


def summarize(row, ss):
    """Median over the repetitions, and the verdicts: a target is met only
    if every repetition ran and met it (transitions: none in any)."""
    good = [s for s in ss if "error" not in s]
    out = {"reps": len(ss), "errors": len(ss) - len(good)}
    if not good:
        out["pass"] = False
        return out
    keys = sorted({k for s in good for k in s if k.startswith("pass_")})
    for k in keys:
        out[k] = len(good) == len(ss) and all(s.get(k) for s in good)
    if row == "prio0":
        for k in ("away_max_ms_own", "away_max_ms_master"):
            v = [s[k] for s in good if s.get(k) is not None]
            out[k] = max(v) if v else None
            out[k.replace("max", "median")] = statistics.median(
                [sh["client_away_ms"] for s in good for sh in s["shots"]
                 if "error" not in sh and sh["src"] == k.rsplit("_", 1)[1]] or [0])
        out["away_limit_ms"] = good[0]["away_limit_ms"]
    else:
        p99 = [s["lateness"]["late_p99_ms"] for s in good if "late_p99_ms" in s["lateness"]]
        mx = [s["lateness"]["late_max_ms"] for s in good if "late_max_ms" in s["lateness"]]
        out["late_p99_ms_median"] = statistics.median(p99) if p99 else None
        out["late_max_ms_max"] = max(mx) if mx else None
        out["transitions_total"] = sum(s["transitions"] or 0 for s in good)
        out["client_max_gap_ms"] = max(s["client_max_gap_ms"] or 0 for s in good)
        if "pass_lateness" in keys:
            out["pass_lateness"] = out["late_p99_ms_median"] is not None and \
                out["late_p99_ms_median"] < 1000 * LATE_P99_MAX
    out["pass"] = all(out[k] for k in keys)
    return out
