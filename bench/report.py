# SPDX-License-Identifier: ISC
"""Regenerate BENCHMARKS.md from bench/results/*.json.

    /usr/bin/python3 bench/report.py [RESULT.json]

The tables come from one run: the file given, else the newest full run
that has every phase, else the newest run.  bench/notes.md (the analysis,
written by hand) is appended as it is, and every stored run is listed.
"""

import glob
import json
import math
import os
import statistics
import sys

from report_fmt import fs
from report_stress import soak_section, stress_costs, stress_tables, window_note

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
ALL_PHASES = {"idle", "load", "outage", "crash", "mailloss"}
RESOLUTION = 0.010      # two probe intervals: differences below it are noise
FAULT_NAMES = {
    "link": "Master's link cut",
    "pf_stop": "Postfix stopped",
    "pf_freeze": "Postfix master frozen (SIGSTOP)",
    "agent_term": "agent stopped (SIGTERM)",
    "handover": "planned handover",
}


def _load(soak):
    """The stored results, oldest first: the soaks, or every other run."""
    out = []
    for p in sorted(glob.glob(os.path.join(HERE, "results", "*.json"))):
        if os.path.basename(p).startswith("soak-") != soak:
            continue
        try:
            with open(p) as f:
                r = json.load(f)
        except (OSError, ValueError):
            continue
        r["_path"] = os.path.relpath(p, REPO)
        out.append(r)
    return out


def load_runs():
    return _load(soak=False)


def pick(runs, phase=None):
    """The run to show for a phase: the newest full run that has it, else
    the newest run that has it (phase None: the newest full run with every
    phase of the classic bench, else the newest run)."""
    if phase is None:
        full = [r for r in runs if r.get("mode") == "full"
                and ALL_PHASES <= set(r.get("phases", []))]
        group = full or runs
    else:
        have = [r for r in runs if phase in r.get("phases", []) and r.get(phase)]
        group = [r for r in have if r.get("mode") == "full"] or have
    return sorted(group, key=lambda r: r["date"])[-1] if group else None


def pick_stress(runs):
    """The stress run for the main table: the newest full run of both
    agents and at least five rows (else the newest with stress rows), and
    the stress runs newer than it (extra rows, longer windows), oldest
    first, each shown in a table of its own."""
    have = [r for r in runs if r.get("stress")]
    main = [r for r in have if r.get("mode") == "full"
            and len(r.get("stress_settings", {}).get("agents", [])) >= 2
            and len(r.get("stress_settings", {}).get("rows", [])) >= 5]
    group = main or have
    if not group:
        return None, []
    srun = sorted(group, key=lambda r: r["date"])[-1]
    extra = sorted((r for r in have if r["date"] > srun["date"]), key=lambda r: r["date"])
    return srun, extra


def stress_extra_sections(extra):
    L, verdicts = [], []
    for r in extra:
        t, v = stress_tables(r)
        verdicts += v
        S = r.get("stress_settings", {})
        L += ["### Stress: %s at advert_int %s (%s)" % (
                  ", ".join(S.get("rows", [])), " and ".join("%g s" % x for x in
                                                              S.get("intervals", [])),
                  " and ".join(S.get("agents", []))), "",
              "From `%s` (%s UTC, git %s), `%s`. %s Load average (1 min) at the start and end "
              "of each row: %s." % (
                  r["_path"], r["date"].replace("T", " ").rstrip("Z"),
                  r["versions"]["vipd_git"], r["commands"].get("stress", "?"), window_note(S),
                  "; ".join("%s %s" % (x["row"], ", ".join(
                      "%s–%s" % tuple(s.get("loadavg_1m", ["?", "?"])) for s in x["samples"]))
                      for x in r["stress"])), ""] + t + [""]
    return L, verdicts


def load_soaks():
    return _load(soak=True)


def newest_soak():
    soaks = load_soaks()
    full = [s for s in soaks if s.get("mode") == "full"]
    group = full or soaks
    return sorted(group, key=lambda r: r["date"])[-1] if group else None


# ---- numbers ------------------------------------------------------------------

def values(samples, key="outage"):
    """Sample values, a censored one (never recovered) as +inf."""
    out = []
    for s in samples:
        if "error" in s:
            continue
        v = s.get(key)
        if v is None and key == "outage":
            v = math.inf
        if v is not None:
            out.append(v)
    return out


def censor_cap(samples):
    caps = [s.get("censored") for s in samples if s.get("censored")]
    return max(caps) if caps else None


def stats(vals):
    if not vals:
        return None
    return {"median": statistics.median_low(vals) if len(vals) % 2 == 0 and math.inf in vals
            else statistics.median(vals), "min": min(vals), "max": max(vals), "n": len(vals)}


def fstat(st, cap=None):
    if st is None:
        return "not run"
    return "**%s** (%s – %s)" % (fs(st["median"], cap), fs(st["min"], cap), fs(st["max"], cap))


# ---- tables ---------------------------------------------------------------------

def outage_table(run):
    rows = {(r["agent"], r["adv"], r["fault"]): r for r in run.get("outage", [])}
    keys = sorted({(f, a) for (_, a, f) in rows},
                  key=lambda k: (list(FAULT_NAMES).index(k[0]), -k[1]))
    lines = ["| Fault on the Master | advert_int | vipd: median (min – max) | "
             "keepalived: median (min – max) | vipd / keepalived | protocol floor | "
             "vipd above the floor: median (max) | keepalived above the floor | "
             "target met? |",
             "|---|---|---|---|---|---|---|---|---|"]
    verdicts = []
    for fault, adv in keys:
        v = rows.get(("vipd", adv, fault))
        k = rows.get(("keepalived", adv, fault))
        vs = stats(values(v["samples"])) if v else None
        ks = stats(values(k["samples"])) if k else None
        vcap = censor_cap(v["samples"]) if v else None
        kcap = censor_cap(k["samples"]) if k else None
        ref = v or k
        floor = "%s %s" % (ref["floor_name"].split(" (")[0], fs(ref["floor"])) \
            if ref["floor"] else "0 (%s)" % ref["floor_name"].split(" (")[1].rstrip(")")
        vo = stats(values(v["samples"], "overhead")) if v else None
        ko = stats(values(k["samples"], "overhead")) if k else None
        ratio = "–"
        if vs and ks:
            if math.isinf(ks["median"]) and not math.isinf(vs["median"]):
                ratio = "< %.3f" % (vs["median"] / kcap) if kcap else "0"
            elif not math.isinf(vs["median"]) and ks["median"] > 0:
                ratio = "%.2f" % (vs["median"] / ks["median"])
        checks = []
        if vs and ks:
            ok = vs["median"] <= ks["median"] + RESOLUTION
            checks.append(("no worse than keepalived", ok))
            if fault in ("pf_stop", "pf_freeze"):
                f = (ks["median"] / vs["median"]) if vs["median"] > 0 else math.inf
                checks.append(("≥ 10× shorter (%s×)" % ("%.0f" % f if not math.isinf(f)
                                                         else "∞"), f >= 10))
        if vo and abs(adv - 0.1) < 1e-9:
            checks.append(("above floor < 20 ms (%s)" % fs(vo["median"]),
                           vo["median"] < 0.020))
        verdict = "; ".join("%s: %s" % (c, "**yes**" if ok else "**NO**") for c, ok in checks) \
            or "–"
        verdicts += [(FAULT_NAMES[fault], adv, c, ok) for c, ok in checks]
        lines.append("| %s | %g s | %s | %s | %s | %s | %s | %s | %s |" % (
            FAULT_NAMES[fault], adv, fstat(vs, vcap), fstat(ks, kcap), ratio, floor,
            "%s (%s)" % (fs(vo["median"]), fs(vo["max"])) if vo else "–",
            fs(ko["median"]) if ko else "–", verdict))
    return lines, verdicts


def detail_table(run):
    """Detection time (fault to the priority-0 advert) per row, from the
    Backup's capture: where the time goes."""
    lines = ["| Fault | advert_int | agent | detection: fault → priority-0 advert, median "
             "(max) | Backup's first advert after the fault, median | n |",
             "|---|---|---|---|---|---|"]
    for r in run.get("outage", []):
        if r["fault"] in ("link",):
            continue
        det = stats(values(r["samples"], "detection"))
        first = [s["backup_first_advert"] - s["fault_at"] for s in r["samples"]
                 if "backup_first_advert" in s]
        lines.append("| %s | %g s | %s | %s | %s | %d |" % (
            FAULT_NAMES[r["fault"]], r["adv"], r["agent"],
            "%s (%s)" % (fs(det["median"]), fs(det["max"])) if det else "none seen",
            fs(statistics.median(first)) if first else "–",
            len([s for s in r["samples"] if "error" not in s])))
    return lines


def crash_table(run):
    lines = ["| Agent | VIP kept by the crashed host: median (min – max) | Backup took the VIP "
             "after: median | both hosts held the VIP for: median |", "|---|---|---|---|"]
    for r in run.get("crash", []):
        kept = stats(values(r["samples"], "kept_s") + [math.inf for s in r["samples"]
                                                        if s.get("censored")])
        took = stats(values(r["samples"], "backup_took_over_s"))
        dup = stats(values(r["samples"], "duplicate_s"))
        never = all(s.get("censored") for s in r["samples"] if "error" not in s)
        lines.append("| %s | %s | %s | %s |" % (
            r["agent"], ("> %d s (never released)" % r["cap"]) if never
            else fstat(kept, r["cap"]), fs(took["median"]) if took else "–",
            (fs(dup["median"]) + (" (until the cap)" if never else "")) if dup else "–"))
    return lines


def cost_tables(run):
    out = []
    idle = run.get("idle")
    verdicts = []
    if idle:
        out += ["Idle, one instance at advert_int 1 s, %d s window (CPU: user + system time of "
                "the agent's processes, from /proc/PID/task/*/schedstat; \"+ children\" adds "
                "what their reaped check scripts used, utime + stime of the children):"
                % idle["seconds"], "",
                "| Agent | RSS, Master | RSS, Backup | CPU, Master | CPU + children, Master | "
                "CPU + children, Backup | processes |", "|---|---|---|---|---|---|---|"]
        for k in ("vipd", "keepalived"):
            m = idle.get(k)
            if not m:
                continue
            out.append("| %s | %d KiB | %d KiB | %.2f s (%.3f %%) | %.2f s (%.3f %%) | "
                       "%.2f s | %d |" % (
                           k, m["mx1"]["rss_kb"], m["mx2"]["rss_kb"], m["mx1"]["cpu_s"],
                           m["mx1"]["cpu_pct"], m["mx1"]["cpu_total_s"],
                           m["mx1"]["cpu_total_pct"], m["mx2"]["cpu_total_s"],
                           len(m["mx1"]["pids"])))
        if "vipd" in idle and "keepalived" in idle:
            v, k = idle["vipd"], idle["keepalived"]
            rv = v["mx1"]["rss_kb"] / max(1, k["mx1"]["rss_kb"])
            cv = (v["mx1"]["cpu_total_s"] + 1e-9) / (k["mx1"]["cpu_total_s"] + 1e-9)
            out += ["", "vipd / keepalived on the Master: memory %.2f, CPU with children "
                    "%.2f, CPU of the processes alone %.2f." % (
                        rv, cv, (v["mx1"]["cpu_s"] + 1e-9) / (k["mx1"]["cpu_s"] + 1e-9))]
            verdicts.append(("memory no more than keepalived's (%.2f×)" % rv,
                             v["mx1"]["rss_kb"] <= k["mx1"]["rss_kb"]
                             and v["mx2"]["rss_kb"] <= k["mx2"]["rss_kb"]))
            cs = (v["mx1"]["cpu_s"] + 1e-9) / (k["mx1"]["cpu_s"] + 1e-9)
            verdicts.append(("idle CPU no more than keepalived's, check scripts included "
                             "(%.2f×)" % cv,
                             v["mx1"]["cpu_total_s"] <= k["mx1"]["cpu_total_s"]
                             and v["mx2"]["cpu_total_s"] <= k["mx2"]["cpu_total_s"]))
            verdicts.append(("idle CPU no more than keepalived's, the agents' own processes "
                             "only (%.2f×)" % cs,
                             v["mx1"]["cpu_s"] <= k["mx1"]["cpu_s"]
                             and v["mx2"]["cpu_s"] <= k["mx2"]["cpu_s"]))
    load = run.get("load")
    if load:
        out += ["", "Busy: %d instances at advert_int 0.1 s on each host (each tracking the "
                "host's Postfix as above), %d s window. Lateness: the send times of one "
                "instance's adverts (VRID 51, kernel timestamps on the Master's eth0), gap "
                "minus 100 ms:" % (load["instances"], load["seconds"]), "",
                "| Agent | all Master/Backup | time to converge | CPU + children, Master | "
                "CPU + children, Backup | RSS, Master | worst lateness | p99 lateness | "
                "vipd's own timers: worst / mean lateness since start | new Masters in "
                "the window |", "|---|---|---|---|---|---|---|---|---|---|"]
        for k in ("vipd", "keepalived"):
            m = load.get(k)
            if not m:
                continue
            lt = m["lateness_external"]
            loop = m.get("loop_after") or {}
            out.append("| %s | %s (%d/%d VIPs) | %.1f s | %.1f %% | %.1f %% | %d KiB | %s | %s | "
                       "%s | %d / %d |" % (
                           k, "yes" if m["converged"] else "**no**", m["vips_on_master"],
                           m["vips_on_backup"], m["converge_s"], m["mx1"]["cpu_total_pct"],
                           m["mx2"]["cpu_total_pct"], m["mx1"]["rss_kb"],
                           "%.1f ms" % lt["late_max_ms"] if "late_max_ms" in lt else "–",
                           "%.1f ms" % lt["late_p99_ms"] if "late_p99_ms" in lt else "–",
                           "%.1f / %.2f ms" % (loop["late_max_us"] / 1000.0,
                                               loop["late_mean_us"] / 1000.0)
                           if loop else "–",
                           m["masterships_during_window"]["mx1"],
                           m["masterships_during_window"]["mx2"]))
    return out, verdicts


def mailloss_table(run):
    rows = [m for m in (run.get("mailloss"), run.get("mailloss_keepalived")) if m]
    if not rows:
        return [], []
    lines = ["| Agent | Messages | Attempts (accepted / rejected / unknown) | Retries | Faults "
             "injected | VIP moves | **Lost** | Duplicates (all after an UNKNOWN attempt?) | "
             "Longest wait: first try → 250 | Longest wait: first try → Maildir |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    verdicts = []
    for m in rows:
        injected = len([f for f in m["faults"] if "error" not in f])
        lines.append("| %s | %d | %d (%d / %d / %d) | %d | %d | %d | **%d** | %d (%s) | %s | %s |"
                     % (m.get("agent", "vipd"), m["messages"], m["attempts"],
                        m["outcomes"]["accepted"], m["outcomes"]["rejected"],
                        m["outcomes"]["unknown"], m["retries"], injected,
                        m["failovers"], len(m["lost"]), m["duplicates"],
                        "yes" if not m["unexplained_duplicates"] else
                        "**no: %d**" % len(m["unexplained_duplicates"]),
                        fs(m["max_client_wait_s"]), fs(m["max_wait_to_delivery_s"])))
    lines.append("")
    for m in rows:
        kinds = {}
        for f in m["faults"]:
            if "error" not in f:
                kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
        unsettled = sum(1 for f in m["faults"] if not f.get("settled") and "error" not in f)
        errors = sum(1 for f in m["faults"] if "error" in f)
        lines.append("- %s: faults by kind: %s%s%s. Attempts by outcome and stage: %s." % (
            m.get("agent", "vipd"), ", ".join("%s %d" % kv for kv in sorted(kinds.items())),
            "; %d did not settle within 20 s" % unsettled if unsettled else "",
            "; %d not injected (no single Master for 10 s)" % errors if errors else "",
            ", ".join("%s %d" % kv for kv in sorted(m["attempt_outcome_by_stage"].items()))))
        if m.get("agent", "vipd") == "vipd":
            ok = not m["lost"] and not m["unexplained_duplicates"] and not m["phantom"]
            verdicts.append(("no accepted message lost (vipd: %d lost of %d)"
                             % (len(m["lost"]), m["accepted"]), ok))
    return lines, verdicts



def render(run, runs, srun=None, soak=None, pics=None, stress_extra=None):
    L = ["# Benchmarks: vipd and keepalived 2.2.7", "",
         "Generated by `bench/report.py` from `%s`%s; do not edit by hand (the analysis at "
         "the end comes from `bench/notes.md`)." % (
             run["_path"], "".join(", `%s` (stress rows)" % srun["_path"]
                                   if srun and srun is not run else "") +
             (", `%s` (soak)" % soak["_path"] if soak else "")), "",
         "- Run: %s UTC, %s mode, %d repetitions per row, %.0f minutes." % (
             run["date"].replace("T", " ").rstrip("Z"), run["mode"], run["reps"],
             run.get("duration_s", 0) / 60.0),
         "- Machine: %s, Linux %s." % (run["machine"], run["kernel"]),
         "- Versions: %s (git %s), %s, Postfix %s, netcat-openbsd %s." % (
             run["versions"]["vipd"], run["versions"]["vipd_git"],
             run["versions"]["keepalived"], run["versions"]["postfix"],
             run["versions"].get("netcat", "?")),
         "- Command: `%s` (or `make bench`); configurations, commands and raw samples are in "
         "the JSON file." % run["commands"]["run"], ""]
    st = run["settings"]
    L += ["## Method", "",
          "A lab of network namespaces: a bridge, two mail hosts (mx1 priority %d, mx2 "
          "priority %d, VRRPv3, VIP %s) each running a real Postfix, and a client. "
          % (st["priorities"]["mx1"], st["priorities"]["mx2"], st["vip"]) +
          "The agents are run one kind at a time, alternating vipd and keepalived within the "
          "same invocation (the order flips every repetition).", "",
          "- Client: %s. Outage = the longest gap between two good banners, from the last "
          "good banner before the fault to the first good banner from the Backup (so the "
          "few banners a frozen Postfix's idle smtpd children still give do not hide the "
          "gap after them). Resolution: about 5 ms." % st["probe"],
          "- vipd: %s." % st["vipd_checks"],
          "- keepalived: %s." % st["keepalived_check"],
          "- Planned handover: vipd `%s`; keepalived `%s` — its nearest equivalent: it "
          "demotes without a restart or reload and keeps the VIP until the Backup has taken "
          "over (a SIGTERM is the row above it)." % (st["handover"]["vipd"],
                                                     st["handover"]["keepalived"]),
          "- Link cut: made right after the Backup has heard an advert from the Master "
          "(within about 1 ms), the worst phase, so that every trial waits the full "
          "Master_Down_Interval.",
          "- Protocol floor: what VRRP itself makes the client wait, from the priorities and "
          "the interval (Backup at priority 90). Link cut: Master_Down_Interval = 3 × "
          "advert_int + Skew_Time, counted from the last advert the Backup heard (captured "
          "on the Backup with kernel timestamps), so per trial the floor is that moment + "
          "Master_Down_Interval − the last good banner. Priority-0 cases (Postfix stopped or "
          "frozen, agent stopped): Skew_Time = (256 − 90) / 256 × advert_int; the time the "
          "agent takes to notice the fault counts as its overhead. Planned handover: 0, "
          "since the Master can keep the VIP until the Backup advertises.",
          "- Crash: %s." % st["crash"],
          "- Idle: %s. Busy: %s." % (st["idle"], st["load"]),
          "- Mail loss: %s; the engine is `tests/system/mailloss.py` (also run briefly by "
          "`make check` as `tests/system/test_mailloss.py`)." % st["mailloss"], ""]
    verdicts = []
    if run.get("outage"):
        t, v = outage_table(run)
        verdicts += [("%s at %g s: %s" % (f, a, c), ok) for f, a, c, ok in v]
        L += ["## Outage as a client sees it", "",
              "Median of the repetitions, with min – max. \"Target met?\" applies the "
              "targets: vipd no worse than keepalived at the same interval (differences "
              "under 10 ms, two probe intervals, count as equal); at least ten times "
              "shorter for a stopped or frozen Postfix; less than 20 ms above the protocol "
              "floor at advert_int 0.1 s.", ""] + t + [
              "", "Where the time goes (from the capture on the Backup):", ""] + \
            detail_table(run) + [""]
    if run.get("crash"):
        L += ["## Crash: SIGKILL of the agent on the Master", ""] + crash_table(run) + [""]
    c, v = cost_tables(run)
    verdicts += v
    if c:
        L += ["## Cost", ""] + c + [""]
    m, v = mailloss_table(run)
    verdicts += v
    if m:
        L += ["## Mail loss under repeated failovers", ""] + m + [""]
    pics = pics or {}
    if pics.get("outage"):
        L += ["![Outage per fault, vipd against keepalived](%s)" % pics["outage"], ""]
    if srun:
        t, v = stress_tables(srun)
        verdicts += v
        S = srun.get("stress_settings", {})
        L += ["## Under stress (issue 8)", "",
              "From `%s` (%s UTC, %s mode, versions: %s, git %s). The same two mail hosts, "
              "agents and configurations as the outage rows, at advert_int %s, %s in turn; "
              "`%s`. %s The machine (2 CPUs) was shared with other engineers' builds, "
              "fuzzers and system tests while it ran: the 1-minute load average at the start "
              "and end of every row is in the JSON file (`loadavg_1m`); lateness figures "
              "include that load." % (
                  srun["_path"], srun["date"].replace("T", " ").rstrip("Z"), srun["mode"],
                  srun["versions"]["vipd"], srun["versions"]["vipd_git"],
                  " and ".join("%g s" % x for x in S.get("intervals", [])),
                  " and ".join(S.get("agents", [])), srun["commands"].get("stress", "?"),
                  window_note(S)), ""] + t + [""] + stress_costs(srun) + [""]
        if pics.get("lateness"):
            L += ["![Advert lateness under stress, vipd against keepalived](%s)" %
                  pics["lateness"], ""]
        e, v = stress_extra_sections(stress_extra or [])
        verdicts += v
        L += e
    if soak:
        t, v = soak_section(soak)
        verdicts += v
        L += ["## Soak (`make soak`)", ""] + t
        if pics.get("soak"):
            L += ["![fds and RSS over the soak](%s)" % pics["soak"], ""]
    if verdicts:
        L += ["## Targets", "", "| Target | Met? |", "|---|---|"]
        L += ["| %s | %s |" % (c, "yes" if ok else "**NO**") for c, ok in verdicts]
        L += [""]
    notes = os.path.join(HERE, "notes.md")
    if os.path.exists(notes):
        with open(notes) as f:
            L += [f.read().rstrip(), ""]
    L += ["## Stored runs", "", "| File | Date (UTC) | Mode | Reps | Phases | Minutes |",
          "|---|---|---|---|---|---|"]
    for r in runs:
        L.append("| `%s` | %s | %s | %d | %s | %.0f |" % (
            r["_path"], r["date"], r["mode"], r["reps"], ",".join(r.get("phases", [])),
            r.get("duration_s", 0) / 60.0))
    for r in load_soaks():
        L.append("| `%s` | %s | soak %s | – | %d faults × %d kinds | %.0f |" % (
            r["_path"], r["date"], r["mode"], r["settings"]["n_per_kind"],
            len(r["settings"]["kinds"]), r.get("duration_s", 0) / 60.0))
    return "\n".join(L) + "\n"


def main():
    runs = load_runs()
    if len(sys.argv) > 1:
        with open(sys.argv[1]) as f:
            run = json.load(f)
        run["_path"] = os.path.relpath(os.path.abspath(sys.argv[1]), REPO)
    else:
        run = pick(runs)
    if run is None:
        sys.exit("report: no results in bench/results")
    # The classic tables from that run; the stress rows and the soak from
    # the newest runs that have them (a stress-only run does not hide the
    # outage tables of the last full run).
    outage_run = run if run.get("outage") else pick(runs, "outage")
    srun, stress_extra = pick_stress(runs)
    soak = newest_soak()
    try:
        import plots
        pics = plots.draw(outage_run, srun, soak)
    except ImportError as e:        # python3-matplotlib missing: tables only
        print("report: no pictures (%s)" % e)
        pics = {}
    with open(os.path.join(REPO, "BENCHMARKS.md"), "w") as f:
        f.write(render(run, runs, srun, soak, pics, stress_extra))
    print("report: BENCHMARKS.md from %s%s%s; pictures %s" % (
        run["_path"], ", stress %s" % srun["_path"] if srun else "",
        ", soak %s" % soak["_path"] if soak else "", ", ".join(sorted(pics)) or "none"))


if __name__ == "__main__":
    main()
