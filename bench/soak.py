# SPDX-License-Identifier: ISC
"""`make soak`: SOAK_N failovers of every kind, one kind after the other
(link cut, Postfix stopped, Postfix frozen, agent SIGTERM, agent SIGKILL,
planned handover), on the Master of a vipd pair with real Postfix, while a
client polls the VIP and senders push test mail through it.

    make soak                                   # root; SOAK_N=1000: ~4 hours
    SOAK_N=5 /usr/bin/python3 bench/soak.py     # a short run, ~2 minutes

Targets, each reported PASS or FAIL:
- open file descriptors and RSS of every agent process flat: for each
  process that lived through more than SOAK_WARM faults, the last sample
  is at most 2 fds and 256 KiB above the sample taken after its
  SOAK_WARM-th fault (the warm-up: first probes, allocator arenas);
- no period with two holders of the VIP longer than the VIP's lifetime
  (read from the address's valid_lft on the Master at the start);
- every accepted test message delivered exactly once, more copies only
  after an attempt whose outcome was unknown (tests/system/mailloss.py);
- every fault injected and the pair settled again (one Master holding the
  VIP) within 20 s.

Blocks of one kind (not the kinds in turn) so that an agent process lives
through many faults of each kind: the Master's agent through the link,
Postfix stop and Postfix freeze blocks, the Backup's through all of them
(it takes over and gives back every time).

Environment: SOAK_N (faults of each kind, default 1000), SOAK_KINDS (comma
list, default all), SOAK_ADV (advert_int, default 0.1), SOAK_RATE (test
messages a second, default 2), SOAK_HOLD (seconds a fault lasts, default
1.0), SOAK_PAUSE (after settling, default 0.3), SOAK_WARM (default 5),
SOAK_AGENT (vipd, or keepalived for comparison), VIPD_BIN, VIPCTL_BIN.
Writes bench/results/soak-<UTC date>[-short].json; exits 1 if a target
is missed.
"""

import datetime
import json
import os
import platform
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
sys.path.insert(0, HERE)
os.environ.setdefault("VIPD_BIN", os.path.join(REPO, "build", "vipd"))
os.environ.setdefault("VIPCTL_BIN", os.path.join(REPO, "build", "vipctl"))

import agents as agentsmod      # noqa: E402
import cost                     # noqa: E402
import mailloss                 # noqa: E402
import outage                   # noqa: E402
from lab import Lab, VIP_CIDR   # noqa: E402
from postfix import add_postfixes  # noqa: E402

N = int(os.environ.get("SOAK_N", "1000"))
KINDS = [k for k in os.environ.get("SOAK_KINDS", ",".join(mailloss.FAULT_KINDS)).split(",")
         if k in mailloss.FAULT_KINDS]
ADV = float(os.environ.get("SOAK_ADV", "0.1"))
RATE = float(os.environ.get("SOAK_RATE", "2"))
HOLD = float(os.environ.get("SOAK_HOLD", "1.0"))
PAUSE = float(os.environ.get("SOAK_PAUSE", "0.3"))
WARM = int(os.environ.get("SOAK_WARM", "5"))
AGENT = os.environ.get("SOAK_AGENT", "vipd")
HOSTS = ["mx1", "mx2"]
PRIOS = {"mx1": outage.MASTER_PRIO, "mx2": outage.BACKUP_PRIO}
FD_SLACK = 2
RSS_SLACK_KB = 256
PROBE_EVERY = 0.01


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


class SoakSenders(mailloss.Senders):
    """Senders that stop taking new messages when told (the soak's length
    is set by its faults, not by a message count)."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.stopping = False
        self.started_ids = set()

    def _run(self):
        try:
            mailloss.enter_netns(self.ns)
            while not self.stopping:
                try:
                    k, tid = self.todo.get_nowait()
                except mailloss.queue.Empty:
                    return
                wait = self.t0 + k / self.rate - time.monotonic()
                while wait > 0 and not self.stopping:
                    time.sleep(min(wait, 0.2))
                    wait = self.t0 + k / self.rate - time.monotonic()
                if self.stopping:
                    return
                with self.lock:
                    self.started_ids.add(tid)
                self._send(tid)
        except Exception as e:     # reported with the results
            self.errors.append(repr(e))


def proc_info(pid):
    try:
        fds = len(os.listdir("/proc/%d/fd" % pid))
        with open("/proc/%d/status" % pid) as f:
            rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
        return fds, rss
    except (OSError, StopIteration, ValueError):
        return None


class Resources:
    """Per agent process: fds and RSS after every fault."""

    def __init__(self, ag):
        self.ag = ag
        self.procs = {}     # pid -> record
        self.series = []    # (fault index, host, pid, fds, rss)

    def sample(self, idx, every):
        for h in HOSTS:
            for pid in self.ag.pids(h)[:1]:     # the agent's main process
                got = proc_info(pid)
                if got is None:
                    continue
                fds, rss = got
                r = self.procs.setdefault(pid, {"host": h, "pid": pid, "faults_seen": -1,
                                                "first": [fds, rss], "warm": None,
                                                "max": [fds, rss]})
                r["faults_seen"] += 1
                r["last"] = [fds, rss]
                r["max"] = [max(r["max"][0], fds), max(r["max"][1], rss)]
                if r["faults_seen"] == WARM:
                    r["warm"] = [fds, rss]
                if idx % every == 0:
                    self.series.append((idx, h, pid, fds, rss))

    def judge(self):
        out = []
        for r in self.procs.values():
            r["judged"] = r["faults_seen"] > WARM and r["warm"] is not None
            if r["judged"]:
                r["fd_growth"] = r["last"][0] - r["warm"][0]
                r["rss_growth_kb"] = r["last"][1] - r["warm"][1]
                r["flat_fds"] = r["fd_growth"] <= FD_SLACK
                r["flat_rss"] = r["rss_growth_kb"] <= RSS_SLACK_KB
            out.append(r)
        return sorted(out, key=lambda r: -r["faults_seen"])


def vip_lifetime(lab, host):
    """The VIP's lifetime in seconds as installed (the largest valid_lft
    seen over 1.5 s), or None if it is permanent."""
    best = None
    end = time.monotonic() + 1.5
    while time.monotonic() < end:
        for a in lab.addrs(host):
            if a["addr"] == lab.vip and a["valid_lft"]:
                if a["valid_lft"] == "forever":
                    return None
                if a["valid_lft"].endswith("sec"):
                    best = max(best or 0, int(a["valid_lft"][:-3]))
        time.sleep(0.1)
    return best


def client_outage(prober, t0, t1):
    """The longest run of consecutive failed probe attempts started in
    [t0, t1]: from the first one's start to the start of the next attempt
    that got a banner."""
    prober.poll()
    att = sorted(a for a in prober.attempts if t0 <= a[0] <= t1)
    worst, start = 0.0, None
    for ts, te, host in att:
        if host is None:
            if start is None:
                start = ts
        elif start is not None:
            worst = max(worst, ts - start)
            start = None
    if start is not None:
        worst = max(worst, t1 - start)
    return worst


def run_faults(lab, pfs, ag, prober, res_track):
    floop = mailloss.FaultLoop(lab, pfs, ag, HOSTS, KINDS, hold=HOLD, pause=PAUSE)
    total = N * len(KINDS)
    every = max(1, total // 300)
    faults = []
    idx = 0
    res_track.sample(0, every)
    for kind in KINDS:
        t_kind = time.monotonic()
        for i in range(N):
            rec = floop.one(kind)
            idx += 1
            t_end = time.monotonic()
            rec = dict(rec)
            rec["client_outage_s"] = round(client_outage(prober, rec["t"] - 0.2,
                                                         t_end - 1.0), 3)
            faults.append(rec)
            res_track.sample(idx, every)
            prober.trim(t_end - 30)
            if (i + 1) % max(1, N // 10) == 0 or i + 1 == N:
                log("  %-10s %d/%d (%.0f s); settled %d; client outage max %.2f s" % (
                    kind, i + 1, N, time.monotonic() - t_kind,
                    sum(1 for f in faults if f["kind"] == kind and f.get("settled")),
                    max(f["client_outage_s"] for f in faults if f["kind"] == kind)))
    return faults


def relative(obj, lab_dir):
    if isinstance(obj, dict):
        return {k: relative(v, lab_dir) for k, v in obj.items()}
    if isinstance(obj, list):
        return [relative(v, lab_dir) for v in obj]
    if isinstance(obj, str):
        return obj.replace(lab_dir, "LAB").replace(REPO + "/", "")
    return obj


def summary(res):
    by_kind = {}
    for f in res["faults"]:
        k = by_kind.setdefault(f["kind"], {"n": 0, "settled": 0, "errors": 0,
                                           "outages": []})
        k["n"] += 1
        k["settled"] += 1 if f.get("settled") else 0
        k["errors"] += 1 if "error" in f else 0
        if "error" not in f:
            k["outages"].append(f["client_outage_s"])
    for k in by_kind.values():
        o = sorted(k.pop("outages"))
        k["client_outage_median_s"] = o[len(o) // 2] if o else None
        k["client_outage_max_s"] = o[-1] if o else None
    return by_kind


def main():
    if os.geteuid() != 0:
        sys.exit("soak: needs root (network namespaces)")
    for p in (os.environ["VIPD_BIN"], os.environ["VIPCTL_BIN"]):
        if not os.access(p, os.X_OK):
            sys.exit("soak: %s missing (make all)" % p)
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    res = {"schema": 1, "date": date, "mode": "full" if N >= 1000 else "short",
           "kernel": platform.release(),
           "machine": "%s, %d CPUs" % (platform.machine(), os.cpu_count()),
           "versions": {"vipd": cost_cmd([os.environ["VIPD_BIN"], "-v"]),
                        "vipd_git": cost_cmd(["git", "-C", REPO, "describe", "--always",
                                              "--dirty"]),
                        "keepalived": cost_cmd(["keepalived", "--version"]).split("\n")[0],
                        "postfix": cost_cmd(["postconf", "-d", "-h", "mail_version"])},
           "settings": {"n_per_kind": N, "kinds": KINDS, "agent": AGENT, "adv": ADV,
                        "rate": RATE, "hold_s": HOLD, "pause_s": PAUSE, "warm": WARM,
                        "fd_slack": FD_SLACK, "rss_slack_kb": RSS_SLACK_KB,
                        "probe_every_s": PROBE_EVERY, "priorities": PRIOS,
                        "vip": VIP_CIDR},
           "command": "SOAK_N=%d SOAK_KINDS=%s SOAK_AGENT=%s /usr/bin/python3 bench/soak.py "
                      "(or make soak)" % (N, ",".join(KINDS), AGENT)}
    t_start = time.monotonic()
    log("soak: %d faults of each of %s, %s at advert_int %g, %g messages/s" % (
        N, ",".join(KINDS), AGENT, ADV, RATE))
    with Lab(HOSTS + ["client"], ipv6=False) as lab:
        lab_dir = lab.workdir
        pfs = add_postfixes(lab, HOSTS)
        ag = agentsmod.AgentSet(lab, AGENT, HOSTS, PRIOS)
        ag.configure(ADV, [VIP_CIDR])
        res["configs"] = dict(ag.confs)
        ag.start_all()
        if not cost.wait_all(ag, {"mx1": "MASTER", "mx2": "BACKUP"}, ["VI_1"], 30):
            sys.exit("soak: the pair did not settle: %s / %s" % (ag.state("mx1"),
                                                                  ag.state("mx2")))
        lifetime = vip_lifetime(lab, "mx1") if AGENT == "vipd" else None
        res["vip_lifetime_s"] = lifetime
        prober = outage.Prober(lab, "client", lab.vip, os.path.join(lab.workdir, "probe.log"),
                               every=PROBE_EVERY)
        expect_s = N * len(KINDS) * (HOLD + PAUSE + 2.0) * 2 + 60
        ids = ["soak-%d-%06d" % (os.getpid(), i) for i in range(int(RATE * expect_s) + 10)]
        snd = SoakSenders(lab.hosts["client"].ns, lab.vip, ids, RATE, 2,
                          deadline=None)
        track = Resources(ag)
        t0 = time.monotonic()
        snd.start()
        try:
            res["faults"] = run_faults(lab, pfs, ag, prober, track)
        finally:
            snd.stopping = True
            snd.join(120)
            prober.proc.stop()
        res["fault_seconds"] = round(time.monotonic() - t0, 1)
        overlaps = lab.monitor.overlaps(t0)
        sent = [t for t in ids if t in snd.started_ids]
        log("soak: faults done in %.0f s; verifying %d messages" % (res["fault_seconds"],
                                                                     len(sent)))
        mres = mailloss.verify(pfs, snd, sent, drain_timeout=120)
        res["processes"] = track.judge()
        res["resource_series"] = track.series
        ag.stop_all()
    res["overlaps"] = [{"start_s": round(s - t0, 3), "seconds": round(e - s, 3), "holders": w}
                       for s, e, w in overlaps]
    res["max_overlap_s"] = max((e - s for s, e, w in overlaps), default=0.0)
    res["mail"] = {k: v for k, v in mres.items()}
    res["mail"]["outcomes"] = {k: sum(1 for a in snd.attempts if a["outcome"] == k)
                               for k in (mailloss.ACCEPTED, mailloss.REJECTED,
                                         mailloss.UNKNOWN)}
    res["by_kind"] = summary(res)
    res["duration_s"] = round(time.monotonic() - t_start, 1)
    judged = [p for p in res["processes"] if p["judged"]]
    res["verdicts"] = {
        "faults_settled": all(f.get("settled") and "error" not in f for f in res["faults"]),
        "fds_flat": bool(judged) and all(p["flat_fds"] for p in judged),
        "rss_flat": bool(judged) and all(p["flat_rss"] for p in judged),
        "overlap_within_lifetime": lifetime is not None
        and res["max_overlap_s"] <= lifetime,
        "no_mail_lost": mres["ok"] and not mres["not_drained"],
    }
    res = relative(res, lab_dir)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    path = os.path.join(HERE, "results", "soak-%s%s.json" % (
        date.replace(":", ""), "" if res["mode"] == "full" else "-short"))
    with open(path, "w") as f:
        json.dump(res, f, indent=1, sort_keys=True)
        f.write("\n")
    for k, v in res["by_kind"].items():
        log("  %-10s %d faults, %d settled, client outage median %s s max %s s" % (
            k, v["n"], v["settled"], v["client_outage_median_s"], v["client_outage_max_s"]))
    for p in res["processes"]:
        log("  %s pid %d: %d faults, fds %s -> %s (after warm-up %s), RSS %s -> %s KiB" % (
            p["host"], p["pid"], p["faults_seen"], p["first"][0], p["last"][0],
            p["warm"][0] if p["warm"] else "-", p["first"][1], p["last"][1]))
    m = res["mail"]
    log("  mail: %d messages, %d accepted, lost %d, duplicates %d (unexplained %d), "
        "phantom %d, never accepted %d; longest overlap %.3f s (VIP lifetime %s s)" % (
            m["messages"], m["accepted"], len(m["lost"]), m["duplicates"],
            len(m["unexplained_duplicates"]), len(m["phantom"]), len(m["never_accepted"]),
            res["max_overlap_s"], lifetime))
    for k, v in res["verdicts"].items():
        log("  %-24s %s" % (k, "PASS" if v else "FAIL"))
    log("soak: wrote %s (%.0f s)" % (os.path.relpath(path, REPO), res["duration_s"]))
    sys.exit(0 if all(res["verdicts"].values()) else 1)


def cost_cmd(argv):
    import subprocess
    try:
        return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        return "? (%s)" % e


if __name__ == "__main__":
    main()
