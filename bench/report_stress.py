# SPDX-License-Identifier: ISC
"""The sections of BENCHMARKS.md for the stress rows (bench/stress.py) and
the soak (bench/soak.py); bench/report.py puts them together."""

import statistics

from report_fmt import fs


STRESS_NAMES = {
    "bigqueue": "Big queue (300 000 deferred on the Master)",
    "cpu": "Busy CPUs (4 stress-ng --cpu per core)",
    "containers": "Containers coming and going (namespaces made and destroyed, busy CPUs)",
    "netlink": "Busy netlink (10 000 address changes/s on another interface)",
    "vlan": "Shared VLAN (keepalived pair, same VRID, other VIP)",
}


def yn(ok):
    return "PASS" if ok else "**FAIL**"


def machine_fact(s):
    """What bench/hiccup.c saw of the machine itself during the window."""
    m = s.get("machine")
    if not m or "cpus" not in m:
        return ""
    return ("machine: a real-time thread waited up to %.0f ms; %d stall(s) over %d ms on every "
            "CPU at once (worst %.0f ms); steal %.1f s" % (
                m["worst_ms"], m["all_cpus_at_once"], m["threshold_ms"], m["all_cpus_worst_ms"],
                m["steal_ms"] / 1000.0))


def _extra(row, s):
    """The row-specific facts of one repetition."""
    f = _row_extra(row, s)
    m = machine_fact(s)
    return "; ".join(x for x in (f, m) if x)


def _row_extra(row, s):
    if row == "netlink":
        return "%s changes/s" % ("%.0f" % s["netlink_changes_per_s"]
                                 if "netlink_changes_per_s" in s else "?")
    if row == "bigqueue":
        q = s.get("queue_reported_after")
        return "deferred in vipd's status: %s" % (q if q is not None else
                                                  "none shown" if "loop_after" in s else "–")
    if row == "vlan":
        rep = s.get("collision_reported")
        return "other VIP on %s%s; collision %s" % (
            ",".join(s.get("other_vip_holders_end") or []) or "nobody",
            " (also on its Backup for %s)" % fs(s["other_vip_duplicate_ms"] / 1000.0)
            if s.get("other_vip_duplicate_ms") else "",
            "reported (%s)" % ", ".join(sorted(rep)) if rep else
            ("not reported" if rep is not None else "–"))
    if row == "cpu":
        return s.get("stress", "")
    if row == "containers":
        return "%s namespace pairs/s beside the busy CPUs" % s.get("ns_cycles_per_s", "?")
    return ""


def stress_tables(run):
    st = run.get("stress") or []
    if not st:
        return [], []
    S = run.get("stress_settings", {})
    L = ["Window %s s per row and repetition, %s repetition(s); \"transitions\" adds the new "
         "Masters counted by the agents (vipd's became_master, keepalived's \"Entering MASTER "
         "STATE\"), the adverts the Backup sent (capture on the Backup) and the changes of the "
         "VIP's holders (ip monitor): 0 means none of them saw anything. Lateness: the gap "
         "between consecutive adverts of the Master minus advert_int, from kernel send "
         "timestamps on the Master's eth0; target p99 < %g ms (median over the repetitions). "
         "Client: probe attempts (a new connection to VIP:25 every 5 ms) that got no banner "
         "from the Master." % (S.get("window_s"), S.get("reps"), S.get("late_p99_target_ms", 5)),
         "",
         "| Stress | advert_int | agent | transitions (new Masters mx1+mx2 / Backup adverts / "
         "VIP moves, per rep) | lateness p99: median "
         "(max) | worst lateness | client: failed attempts, span (first one to recovery) | facts | "
         "targets |",
         "|---|---|---|---|---|---|---|---|---|"]
    verdicts = []
    for r in st:
        if r["row"] == "prio0":
            continue
        good = [s for s in r["samples"] if "error" not in s]
        sm = r["summary"]
        if not good:
            L.append("| %s | %g s | %s | – | – | – | – | %s | **FAIL** |" % (
                STRESS_NAMES[r["row"]], r["adv"], r["agent"],
                "; ".join(s["error"] for s in r["samples"])))
            if r["agent"] == "vipd":
                verdicts.append(("%s at %g s, vipd: ran" % (STRESS_NAMES[r["row"]], r["adv"]),
                                 False))
            continue
        p99 = [s["lateness"].get("late_p99_ms") for s in good if s["lateness"].get(
            "late_p99_ms") is not None]
        tr = "%s (%s)" % ("none" if sm["transitions_total"] == 0 else "**yes**", "; ".join(
            "%s/%d/%d%s" % ("+".join(str(v) if v is not None else "?"
                                     for v in s["new_masters"].values()),
                            s["backup_adverts"], len(s["vip_moves"]),
                            " status unanswered on %s" % ",".join(s["status_unanswered"])
                            if s.get("status_unanswered") else "") for s in good))
        checks = [(k[5:].replace("_", " "), v) for k, v in sorted(sm.items())
                  if k.startswith("pass_")]
        L.append("| %s | %g s | %s | %s | %s (%s) | %s | %d, %s | %s | %s |" % (
            STRESS_NAMES[r["row"]], r["adv"], r["agent"], tr,
            "%.1f ms" % sm["late_p99_ms_median"] if sm.get("late_p99_ms_median") is not None
            else "–", "%.1f ms" % max(p99) if p99 else "–",
            "%.1f ms" % sm["late_max_ms_max"] if sm.get("late_max_ms_max") is not None else "–",
            sum(s.get("client_failed_attempts", 0) for s in good),
            fs(max(s.get("client_away_ms", 0) for s in good) / 1000.0),
            "; ".join(_extra(r["row"], s) for s in good[:1]),
            ", ".join("%s %s" % (c, yn(ok)) for c, ok in checks)))
        for c, ok in checks if r["agent"] == "vipd" else []:   # keepalived: for comparison
            verdicts.append(("%s at %g s, %s: %s" % (STRESS_NAMES[r["row"]], r["adv"],
                                                    r["agent"], c), ok))
    pr = [r for r in st if r["row"] == "prio0"]
    if pr:
        L += ["", "Forged priority 0: an on-link host (the client) sends one priority-0 "
              "advert for VRID 51 about 1 ms after one of the Master's (so that the Backup's "
              "Skew_Time ends before the Master's next advert), with its own source address "
              "or with the Master's; each shot is watched for 7 s. \"Away\": how long new "
              "client connections did not reach the Master (the first failed attempt to the "
              "next good one). Target: at most one advert interval (plus the 5 ms probe "
              "interval).", "",
              "| advert_int | agent | forged source | shots | away: median (max) | Backup took "
              "over (shots) | Backup's first advert after the forged one | target |",
              "|---|---|---|---|---|---|---|---|"]
        for r in pr:
            shots = [sh for s in r["samples"] if "error" not in s for sh in s["shots"]]
            for src, name in (("own", "its own"), ("master", "the Master's")):
                ss = [sh for sh in shots if sh["src"] == src and "error" not in sh]
                if not ss:
                    continue
                away = sorted(sh["client_away_ms"] for sh in ss)
                took = [sh for sh in ss if sh["backup_adverts"]]
                first = [sh["backup_first_advert_ms"] for sh in took]
                ok = r["summary"].get("pass_" + src, False)
                L.append("| %g s | %s | %s | %d | %s (%s) | %d | %s | ≤ %s: %s |" % (
                    r["adv"], r["agent"], name, len(ss),
                    fs(statistics.median(away) / 1000.0), fs(away[-1] / 1000.0), len(took),
                    ", ".join(fs(x / 1000.0) for x in first[:6]) or "–",
                    fs(r["summary"].get("away_limit_ms", 0) / 1000.0), yn(ok)))
                if r["agent"] == "vipd":
                    verdicts.append(("Forged priority 0 from %s address at %g s, vipd: VIP "
                                     "away ≤ one interval" % (name, r["adv"]), ok))
    return L, verdicts


def window_note(S):
    w, reps = S.get("window_s") or 0, S.get("reps")
    if w >= 600:
        return "Windows of %d s, %s repetition(s), as the issue asks (10 minutes)." % (w, reps)
    return ("**Shorter than the issue asks**: it wants 10 minutes per row without a false "
            "transition; this run used %d s windows and %s repetition(s) to fit the time "
            "available (`BENCH_STRESS_S=600` gives the issue's window; a plain `make bench` "
            "uses 60 s and 3 repetitions)." % (w, reps))


def stress_costs(run):
    cost = {}
    for r in run.get("stress") or []:
        for s in r["samples"]:
            if "elapsed_s" in s:
                cost.setdefault(r["row"], []).append(s["elapsed_s"])
    if not cost:
        return []
    S = run.get("stress_settings", {})
    parts = ["%s %.0f s" % (k, statistics.median(v)) for k, v in sorted(cost.items())]
    return ["Cost of one row for one agent at one interval (median, this run): " +
            ", ".join(parts) + "; plus %s s to write the 300 000 queue files once (and about "
            "as long to remove them), and about 30 s of agent start-up per agent and "
            "interval." % S.get("queue_fill_s", "?")]


def soak_section(soak):
    if not soak:
        return [], []
    st = soak["settings"]
    v = soak["verdicts"]
    m = soak["mail"]
    L = ["From `%s` (%s, %s UTC, %.0f minutes): `%s`. %d faults of each kind, one kind after "
         "the other (%s), on the Master of a %s pair at advert_int %g s with real Postfix; "
         "each fault held %g s, then undone, then the pair must settle (one Master with the "
         "VIP) within 20 s. A client polled the VIP every %g s and two senders sent %g test "
         "messages a second through it all along." % (
             soak["_path"], soak["mode"], soak["date"].replace("T", " ").rstrip("Z"),
             soak["duration_s"] / 60.0, soak["command"], st["n_per_kind"],
             ", ".join(st["kinds"]), st["agent"], st["adv"], st["hold_s"],
             st["probe_every_s"], st["rate"]), "",
         "| Fault | faults | settled | client outage: median | max |", "|---|---|---|---|---|"]
    for k, b in soak["by_kind"].items():
        L.append("| %s | %d | %d | %s | %s |" % (k, b["n"], b["settled"],
                                                fs(b["client_outage_median_s"]),
                                                fs(b["client_outage_max_s"])))
    L += ["", "| Agent process | faults lived through | open fds: first / after warm-up / "
          "last (max) | RSS KiB: first / after warm-up / last (max) | flat? |",
          "|---|---|---|---|---|"]
    for p in soak["processes"][:8]:
        L.append("| %s pid %d | %d | %s / %s / %s (%s) | %s / %s / %s (%s) | %s |" % (
            p["host"], p["pid"], p["faults_seen"], p["first"][0],
            p["warm"][0] if p["warm"] else "–", p["last"][0], p["max"][0], p["first"][1],
            p["warm"][1] if p["warm"] else "–", p["last"][1], p["max"][1],
            ("fds %s, RSS %s" % (yn(p["flat_fds"]), yn(p["flat_rss"]))) if p["judged"]
            else "too short-lived to judge"))
    if len(soak["processes"]) > 8:
        L.append("| … %d more, short-lived (restarted by the SIGTERM/SIGKILL faults) | | | | |"
                 % (len(soak["processes"]) - 8))
    L += ["", "Mail: %d messages sent, %d accepted, **%d lost**, %d duplicates (%d without an "
          "UNKNOWN attempt), %d delivered copies of rejected attempts, %d never accepted; "
          "attempts %s. Longest period with two holders of the VIP: %s (VIP lifetime %s s)." % (
              m["messages"], m["accepted"], len(m["lost"]), m["duplicates"],
              len(m["unexplained_duplicates"]), len(m["phantom"]), len(m["never_accepted"]),
              ", ".join("%s %d" % kv for kv in sorted(m["outcomes"].items())),
              fs(soak["max_overlap_s"]), soak.get("vip_lifetime_s")), ""]
    names = {"faults_settled": "soak: every fault injected and settled",
             "fds_flat": "soak: open fds flat (≤ +%d after warm-up)" % st["fd_slack"],
             "rss_flat": "soak: RSS flat (≤ +%d KiB after warm-up)" % st["rss_slack_kb"],
             "overlap_within_lifetime": "soak: no two holders longer than the VIP lifetime",
             "no_mail_lost": "soak: every accepted message delivered"}
    verdicts = [("%s (%s run)" % (names[k], soak["mode"]), ok) for k, ok in v.items()]
    return L, verdicts
