# SPDX-License-Identifier: ISC
"""`make bench`: vipd and keepalived 2.2.7 side by side in a lab of network
namespaces (a bridge, two mail hosts with real Postfix, a client).

    /usr/bin/python3 bench/run.py            # root; about 35 minutes
    BENCH_QUICK=1 /usr/bin/python3 bench/run.py   # 2 reps, fewer rows

Environment: BENCH_REPS (default 5; quick 2), BENCH_QUICK=1, BENCH_PHASES
(comma list of idle,load,outage,crash,mailloss; default all),
BENCH_MAILLOSS_N (messages in the long mail-loss run), VIPD_BIN and
VIPCTL_BIN (default build/vipd and build/vipctl: the optimised build).
The stress rows (phase "stress", bench/stress.py): BENCH_STRESS_ROWS
(comma list of vlan,prio0,netlink,cpu,bigqueue), BENCH_STRESS_S (window,
default 60 s; quick 20 s), BENCH_STRESS_REPS (default 3; quick 1),
BENCH_STRESS_INTERVALS (default 0.1,0.01), BENCH_STRESS_AGENTS (default
vipd,keepalived), BENCH_PRIO0_N (forged adverts per repetition, default 6),
BENCH_BIGQUEUE_N (default 300000).

Writes bench/results/<UTC date>.json (everything, raw samples included) and
regenerates BENCHMARKS.md with bench/report.py.  See BENCHMARKS.md for the
method.
"""

import datetime
import json
import os
import platform
import shutil
import signal
import subprocess
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
import outage                   # noqa: E402
from lab import Lab, VIP_CIDR   # noqa: E402
from postfix import add_postfixes  # noqa: E402
import mailloss                 # noqa: E402
import stress                   # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"
REPS = int(os.environ.get("BENCH_REPS", "2" if QUICK else "5"))
PHASES = os.environ.get("BENCH_PHASES", "idle,load,outage,crash,mailloss,stress").split(",")
HOSTS = ["mx1", "mx2"]
PRIOS = {"mx1": outage.MASTER_PRIO, "mx2": outage.BACKUP_PRIO}
# Advert intervals per agent.  0.05 s is vipd's smallest sensible one: it
# is the smallest check interval vipd accepts, so below it the checks can
# no longer keep pace with the adverts.
INTERVALS = {"vipd": [0.1, 0.05] if QUICK else [1.0, 0.1, 0.05],
             "keepalived": [0.1] if QUICK else [1.0, 0.1]}
if os.environ.get("BENCH_INTERVALS"):      # e.g. "0.1,0.05": development runs
    _only = [float(x) for x in os.environ["BENCH_INTERVALS"].split(",")]
    INTERVALS = {k: [x for x in v if x in _only] for k, v in INTERVALS.items()}
FAULTS = [f for f in os.environ.get("BENCH_FAULTS", ",".join(outage.FAULTS)).split(",")
          if f in outage.FAULTS]
IDLE_S = 20 if QUICK else 60
LOAD_S = 10 if QUICK else 30
LOAD_INSTANCES = 200
CRASH_CAP = 10 if QUICK else 30
CRASH_ADV = 0.1
MAILLOSS_N = int(os.environ.get("BENCH_MAILLOSS_N", "400" if QUICK else "2500"))
MAILLOSS_RATE = 15.0 if QUICK else 12.0
STRESS_ROWS = [r for r in os.environ.get("BENCH_STRESS_ROWS", ",".join(stress.ROWS)).split(",")
               if r in stress.ROWS]
STRESS_S = int(os.environ.get("BENCH_STRESS_S", "20" if QUICK else "60"))
STRESS_REPS = int(os.environ.get("BENCH_STRESS_REPS", "1" if QUICK else "3"))
STRESS_INTERVALS = [float(x) for x in os.environ.get("BENCH_STRESS_INTERVALS",
                                                     "0.1,0.01").split(",")]
STRESS_AGENTS = os.environ.get("BENCH_STRESS_AGENTS", "vipd,keepalived").split(",")
PRIO0_N = int(os.environ.get("BENCH_PRIO0_N", "6"))


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def tree_path(path):
    """A binary's path as recorded in the results: relative to the tree when
    it lies inside it, so that no result names the checkout's location."""
    full = os.path.abspath(path)
    if full == REPO or full.startswith(REPO + os.sep):
        return os.path.relpath(full, REPO)
    return path if not os.path.isabs(path) else os.path.basename(path)


def cmd_out(argv):
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=10)
        return r.stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        return "? (%s)" % e


def load_vip(i):
    return "198.51.100.%d/24" % (i + 1)


class Ctx:
    def __init__(self, lab, pf):
        self.lab = lab
        self.pf = pf
        self.prober = None
        self.adverts = None


def trial_cap(kind, fault, adv):
    if kind == "keepalived" and fault == "pf_freeze":
        return 10.0     # keepalived's nc -z check does not see a frozen master
    return max(10.0, 8 * adv + 6)


def reset(ctx, ag):
    """After a trial that went wrong: undo every fault on both hosts and
    restart the agents."""
    ag.stop_all()
    for h in HOSTS:
        try:
            ctx.lab.link_up(h)
        except Exception:
            pass
        pf = ctx.pf[h]
        pf.thaw_all()
        if not pf.running():
            pf.start()
    for h in HOSTS:
        ctx.lab.run(h, "ip", "addr", "del", VIP_CIDR, "dev", "eth0", check=False)
    ag.start_all()


def phase_outage(ctx, res):
    conf_seen = res.setdefault("configs", {})
    rows = {}
    for rep in range(REPS):
        kinds = ["vipd", "keepalived"] if rep % 2 == 0 else ["keepalived", "vipd"]
        for adv in sorted(set(INTERVALS["vipd"]) | set(INTERVALS["keepalived"]), reverse=True):
            for kind in kinds:
                if adv not in INTERVALS[kind]:
                    continue
                ag = agentsmod.AgentSet(ctx.lab, kind, HOSTS, PRIOS)
                ag.configure(adv, [VIP_CIDR])
                conf_seen.setdefault("%s adv %g" % (kind, adv), dict(ag.confs))
                ag.start_all()
                for fault in FAULTS:
                    key = (kind, adv, fault)
                    row = rows.setdefault(key, {"agent": kind, "adv": adv, "fault": fault,
                                                "samples": []})
                    ready_to = 20 + 6 * adv
                    if not outage.wait_ready(ctx, ag, "mx1", "mx2", ready_to):
                        log("  %s adv %g: not ready before %s; resetting" % (kind, adv, fault))
                        reset(ctx, ag)
                        if not outage.wait_ready(ctx, ag, "mx1", "mx2", ready_to):
                            row["samples"].append({"error": "not ready: %s / %s, holders %s"
                                                   % (ag.state("mx1"), ag.state("mx2"),
                                                      ctx.lab.holders())})
                            continue
                    s = outage.run_trial(ctx, ag, fault, adv, trial_cap(kind, fault, adv))
                    s["rep"] = rep
                    row["samples"].append(s)
                    log("  rep %d %-10s adv %-4g %-10s outage %s floor %.3f overhead %s%s" % (
                        rep, kind, adv, fault,
                        "%.3f" % s["outage"] if s.get("outage") is not None
                        else "> %s" % s.get("censored"),
                        s.get("floor", 0), s.get("overhead"),
                        " ERROR %s" % s["error"] if "error" in s else ""))
                ag.stop_all()
    out = []
    for (kind, adv, fault), row in sorted(rows.items(), key=lambda kv: (
            outage.FAULTS.index(kv[0][2]), -kv[0][1], kv[0][0])):
        name, floor = outage.floor_formula(fault, adv)
        row["floor_name"] = name
        row["floor"] = round(floor, 5)
        out.append(row)
    res["outage"] = out


def phase_crash(ctx, res):
    rows = []
    for kind in ("vipd", "keepalived"):
        ag = agentsmod.AgentSet(ctx.lab, kind, HOSTS, PRIOS)
        ag.configure(CRASH_ADV, [VIP_CIDR])
        ag.start_all()
        samples = []
        for rep in range(REPS):
            if not outage.wait_ready(ctx, ag, "mx1", "mx2", 20):
                reset(ctx, ag)
                if not outage.wait_ready(ctx, ag, "mx1", "mx2", 20):
                    samples.append({"error": "not ready"})
                    continue
            tk = time.monotonic()
            ag.stop("mx1", signal.SIGKILL)
            t_killed = time.monotonic()
            gone = None
            while time.monotonic() < tk + CRASH_CAP:
                if not ctx.lab.has_addr("mx1"):
                    gone = time.monotonic()
                    break
                time.sleep(0.02)
            ctx.adverts.poll()
            took = [t for t, w, src, p in ctx.adverts.frames
                    if src == ctx.lab.hosts["mx2"].addr and t > tk]
            mx2_gain = ctx.lab.monitor.gained("mx2", tk)
            s = {"rep": rep, "kill_took": round(t_killed - tk, 4),
                 "kept_s": round(gone - tk, 3) if gone else None,
                 "censored": None if gone else CRASH_CAP,
                 "backup_took_over_s": round(mx2_gain - tk, 3) if mx2_gain else None,
                 "backup_first_advert_s": round(took[0] - tk, 4) if took else None}
            if mx2_gain:
                s["duplicate_s"] = round((gone or time.monotonic()) - mx2_gain, 3)
            samples.append(s)
            log("  crash %-10s rep %d: VIP kept %s s, backup took over after %s s" % (
                kind, rep, s["kept_s"] if gone else "> %d" % CRASH_CAP, s["backup_took_over_s"]))
            ctx.lab.run("mx1", "ip", "addr", "del", VIP_CIDR, "dev", "eth0", check=False)
            ag.start("mx1")
        ag.stop_all()
        rows.append({"agent": kind, "adv": CRASH_ADV, "cap": CRASH_CAP, "samples": samples})
    res["crash"] = rows


def phase_idle(ctx, res):
    out = {}
    for kind in ("vipd", "keepalived"):
        ag = agentsmod.AgentSet(ctx.lab, kind, HOSTS, PRIOS)
        ag.configure(1.0, [VIP_CIDR])
        res.setdefault("configs", {})["%s idle" % kind] = dict(ag.confs)
        ag.start_all()
        ok = cost.wait_all(ag, {"mx1": "MASTER", "mx2": "BACKUP"}, ["VI_1"], 20)
        time.sleep(2)
        m = cost.measure_window(ag, HOSTS, IDLE_S)
        m["converged"] = ok
        m["adv"] = 1.0
        out[kind] = m
        log("  idle %-10s master: cpu %.3f s (+children %.3f s) rss %d KiB; backup: cpu %.3f s"
            " rss %d KiB" % (kind, m["mx1"]["cpu_s"], m["mx1"]["children_cpu_s"],
                             m["mx1"]["rss_kb"], m["mx2"]["cpu_s"], m["mx2"]["rss_kb"]))
        ag.stop_all()
    out["seconds"] = IDLE_S
    res["idle"] = out


def count_load_vips(lab, host):
    return sum(1 for a in lab.addrs(host) if a["addr"].startswith("198.51.100."))


def phase_load(ctx, res):
    out = {"instances": LOAD_INSTANCES, "adv": 0.1, "seconds": LOAD_S}
    names = ["VI_%d" % (i + 1) for i in range(LOAD_INSTANCES)]
    for kind in ("vipd", "keepalived"):
        ag = agentsmod.AgentSet(ctx.lab, kind, HOSTS, PRIOS)
        ag.configure(0.1, None, ninst=LOAD_INSTANCES, vip_fn=load_vip)
        head = ag.confs["mx1"].split("\n")
        res.setdefault("configs", {})["%s load (mx1, first 40 lines)" % kind] = \
            "\n".join(head[:40]) + "\n... (%d instances: VRID 51 + i, VIP 198.51.100.(i+1)/24)\n" \
            % LOAD_INSTANCES
        t0 = time.monotonic()
        ag.start_all()
        ok = cost.wait_all(ag, {"mx1": "MASTER", "mx2": "BACKUP"}, names, 90)
        conv = time.monotonic() - t0
        time.sleep(3)
        tr0 = {h: ag.transitions(h) for h in HOSTS}
        loop0 = ag.status("mx1").get("loop") if kind == "vipd" else None
        snd = cost.SendLog(ctx.lab, "mx1", agentsmod.VRID, os.path.join(ctx.lab.workdir, "load-%s.adv" % kind))
        m = cost.measure_window(ag, HOSTS, LOAD_S)
        frames = snd.frames()
        tr1 = {h: ag.transitions(h) for h in HOSTS}
        m["converged"] = ok
        m["converge_s"] = round(conv, 2)
        m["masterships_during_window"] = {h: tr1[h] - tr0[h] for h in HOSTS}
        m["vips_on_master"] = count_load_vips(ctx.lab, "mx1")
        m["vips_on_backup"] = count_load_vips(ctx.lab, "mx2")
        m["lateness_external"] = cost.lateness(frames, 0.1)
        if kind == "vipd":
            m["loop_before"] = loop0
            m["loop_after"] = ag.status("mx1").get("loop")
        out[kind] = m
        log("  load %-10s converged %s in %.1f s; master cpu %.2f s / %d s, rss %d KiB;"
            " late max %s ms; VIPs %d/%d" % (
                kind, ok, conv, m["mx1"]["cpu_total_s"], LOAD_S, m["mx1"]["rss_kb"],
                m["lateness_external"].get("late_max_ms"), m["vips_on_master"],
                m["vips_on_backup"]))
        ag.stop_all()
    res["load"] = out


def phase_mailloss(ctx, res):
    for kind in ("vipd", "keepalived"):
        ag = agentsmod.AgentSet(ctx.lab, kind, HOSTS, PRIOS)
        ag.configure(0.1, [VIP_CIDR])
        ag.start_all()
        cost.wait_all(ag, {"mx1": "MASTER", "mx2": "BACKUP"}, ["VI_1"], 20)
        r = mailloss.run(ctx.lab, ctx.pf, ag, "client", MAILLOSS_N, MAILLOSS_RATE, hold=1.5,
                         pause=0.5, threads=3, prefix="bench-" + kind, drain_timeout=120)
        ag.stop_all()
        attempts = r.pop("attempt_log")
        # The attempts that failed or took long, for the record.
        r["slow_or_failed_attempts"] = [
            {k: (round(v, 3) if isinstance(v, float) else v) for k, v in a.items()}
            for a in attempts if a["outcome"] != mailloss.ACCEPTED or a["t1"] - a["t0"] > 1.0
        ][:100]
        r["attempt_outcome_by_stage"] = {}
        for a in attempts:
            k = "%s/%s" % (a["outcome"], a["stage"])
            r["attempt_outcome_by_stage"][k] = r["attempt_outcome_by_stage"].get(k, 0) + 1
        r["agent"] = kind
        r["adv"] = 0.1
        r["rate"] = MAILLOSS_RATE
        res["mailloss" if kind == "vipd" else "mailloss_keepalived"] = r
        log("  mail-loss %s: %d messages, %d attempts, lost %d, duplicates %d, unexplained %d,"
            " failovers %d, faults %d, longest wait %s s" % (
                kind, r["messages"], r["attempts"], len(r["lost"]), r["duplicates"],
                len(r["unexplained_duplicates"]), r["failovers"], r["fault_count"],
                r["max_wait_to_delivery_s"]))


def phase_stress(ctx, res):
    res.setdefault("stress_settings", {}).update({
        "rows": STRESS_ROWS, "window_s": STRESS_S, "reps": STRESS_REPS,
        "intervals": STRESS_INTERVALS, "agents": STRESS_AGENTS, "prio0_n": PRIO0_N,
        "bigqueue_n": stress.BIGQUEUE_N, "netlink_rate": stress.NETLINK_RATE,
        "cpu_hogs": stress.CPU_PER_CORE * (os.cpu_count() or 1),
        "late_p99_target_ms": 1000 * stress.LATE_P99_MAX})
    stress.phase(ctx, res, STRESS_AGENTS, STRESS_INTERVALS, STRESS_ROWS, STRESS_REPS,
                 STRESS_S, PRIO0_N)


def relative(obj, lab_dir):
    """Paths in the results: the tree's relative to the tree, the lab's
    temporary directory as LAB (no absolute path of this machine)."""
    if isinstance(obj, dict):
        return {k: relative(v, lab_dir) for k, v in obj.items()}
    if isinstance(obj, list):
        return [relative(v, lab_dir) for v in obj]
    if isinstance(obj, str):
        if lab_dir:
            obj = obj.replace(lab_dir, "LAB")
        return obj.replace(REPO + "/", "")
    return obj


def meta():
    return {
        "schema": 1,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "mode": "quick" if QUICK else "full",
        "reps": REPS,
        "kernel": platform.release(),
        "machine": "%s, %d CPUs" % (platform.machine(), os.cpu_count()),
        "versions": {
            "vipd": cmd_out([os.environ["VIPD_BIN"], "-v"]),
            "vipd_git": cmd_out(["git", "-C", REPO, "describe", "--always", "--dirty"]),
            "keepalived": cmd_out(["keepalived", "--version"]).splitlines()[0],
            "postfix": cmd_out(["postconf", "-d", "-h", "mail_version"]),
            "netcat": cmd_out(["dpkg-query", "-W", "-f", "${Version}", "netcat-openbsd"]),
            "stress-ng": cmd_out(["stress-ng", "--version"]),
        },
        "settings": {
            "vip": VIP_CIDR, "priorities": PRIOS, "intervals": INTERVALS,
            "probe": "bench/probe.py in the client namespace: a new TCP connection to "
                     "VIP:25 every 5 ms, 1 s timeout, reads the 220 banner, sends QUIT",
            "vipd_checks": "default_smtp + default_postfix (vipd's default checks), "
                           "interval = advert_int clamped to [0.05, 1] s, other "
                           "settings at their defaults (rise 1, fall 1, weight 0)",
            "keepalived_check": "vrrp_script `%s`, interval 1, fall 2, rise 2, weight 0, "
                                "script_user root, enable_script_security"
                                % agentsmod.KA_SCRIPT,
            "handover": {"vipd": "vipctl maintenance on (control request)",
                         "keepalived": "track_file weight 1, file value 0 -> %d "
                                       "(priority 100 -> 80, below the Backup's 90)"
                                       % agentsmod.HANDOVER_WEIGHT},
            "faults": outage.FAULT_TEXT,
            "crash": "SIGKILL of every agent process on the Master (keepalived: VRRP "
                     "child and parent); advert_int %g; cap %d s" % (CRASH_ADV, CRASH_CAP),
            "idle": "one instance, advert_int 1, %d s window on the Master and the Backup"
                    % IDLE_S,
            "load": "%d instances at advert_int 0.1 on each host, %d s window; lateness "
                    "from the send times of VRID 51's adverts (kernel timestamps)"
                    % (LOAD_INSTANCES, LOAD_S),
            "stress": "see bench/stress.py; the same agent configurations as the outage rows "
                      "(vipd: default checks at interval = advert_int clamped to [0.05, 1] s;"
                      " keepalived: nc -z check every 1 s); window %d s, %d repetition(s)"
                      % (STRESS_S, STRESS_REPS),
            "mailloss": "vipd (then keepalived, for comparison), advert_int 0.1, %d "
                        "messages at %g/s, 3 sender threads, hold 1.5 s, "
                        "faults in turn: %s" % (MAILLOSS_N, MAILLOSS_RATE,
                                                ", ".join(mailloss.FAULT_KINDS)),
        },
        "commands": {
            "vipd": "%s -n -l -D -f CONF -p PIDFILE -s SOCK" % tree_path(os.environ["VIPD_BIN"]),
            "stress": "BENCH_PHASES=stress BENCH_STRESS_S=%d BENCH_STRESS_REPS=%d "
                      "BENCH_STRESS_INTERVALS=%s BENCH_STRESS_ROWS=%s /usr/bin/python3 "
                      "bench/run.py" % (STRESS_S, STRESS_REPS,
                                        ",".join("%g" % x for x in STRESS_INTERVALS),
                                        ",".join(STRESS_ROWS)),
            "keepalived": "keepalived -f CONF -p PID -r VRRP_PID -c CHECK_PID --vrrp -l -D -n",
            "run": "BENCH_QUICK=%s BENCH_REPS=%d /usr/bin/python3 bench/run.py"
                   % ("1" if QUICK else "0", REPS),
        },
    }


def main():
    if os.geteuid() != 0:
        sys.exit("bench: needs root (network namespaces)")
    for p in (os.environ["VIPD_BIN"], os.environ["VIPCTL_BIN"], agentsmod.NC):
        if not os.access(p, os.X_OK):
            sys.exit("bench: %s missing (make all; apt-get install netcat-openbsd)" % p)
    res = meta()
    res["phases"] = PHASES
    t_start = time.monotonic()
    log("bench: %s mode, %d reps, phases %s" % (res["mode"], REPS, ",".join(PHASES)))
    hosts = ["mx1", "mx2", "client"] + (["ka1", "ka2"] if "stress" in PHASES else [])
    lab_dir = spool = None
    try:
        with Lab(hosts, ipv6=False) as lab:
            lab_dir = lab.workdir
            if "ka2" in lab.hosts:
                stress.readdress(lab, "ka2", 6)     # host 5 would have the VIP's address
            if "stress" in PHASES and "bigqueue" in STRESS_ROWS:
                spool = stress.spool_on_tmpfs(lab, "mx1")
            pf = add_postfixes(lab, HOSTS)
            ctx = Ctx(lab, pf)
            for name, fn in (("idle", phase_idle), ("load", phase_load)):
                if name in PHASES:
                    log("phase %s" % name)
                    fn(ctx, res)
            if "outage" in PHASES or "crash" in PHASES or "stress" in PHASES:
                ctx.prober = outage.Prober(lab, "client", lab.vip,
                                           os.path.join(lab.workdir, "probe.log"))
                ctx.adverts = outage.AdvertLog(lab, "mx2", agentsmod.VRID,
                                               os.path.join(lab.workdir, "adverts.log"))
                for name, fn in (("outage", phase_outage), ("crash", phase_crash),
                                 ("stress", phase_stress)):
                    if name in PHASES:
                        log("phase %s" % name)
                        fn(ctx, res)
                ctx.prober.proc.stop()
                ctx.adverts.proc.stop()
            if "mailloss" in PHASES:
                log("phase mailloss")
                phase_mailloss(ctx, res)
    finally:
        if spool:
            stress.unmount_spool(spool)
            shutil.rmtree(lab_dir, ignore_errors=True)    # what the mount kept the lab from
    res["duration_s"] = round(time.monotonic() - t_start, 1)
    res = relative(res, lab_dir)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    path = os.path.join(HERE, "results", "%s%s.json" % (
        res["date"].replace(":", ""), "-quick" if QUICK else ""))
    with open(path, "w") as f:
        json.dump(res, f, indent=1, sort_keys=True)
        f.write("\n")
    log("bench: wrote %s (%.0f s)" % (os.path.relpath(path, REPO), res["duration_s"]))
    subprocess.run(["/usr/bin/python3", os.path.join(HERE, "report.py")], check=False)


if __name__ == "__main__":
    main()
