# SPDX-License-Identifier: ISC
"""The pictures of BENCHMARKS.md (python3-matplotlib), from the same
results as the tables:

- bench/outage.png: per fault, the client's outage with vipd and with
  keepalived at each advert_int (median, min–max bar), and the protocol
  floor;
- bench/lateness.png: per stress row and advert_int, the distribution of
  the Master's advert lateness (gap between consecutive adverts minus
  advert_int, from kernel timestamps), vipd against keepalived, and the
  5 ms target;
- bench/soak.png: open fds and RSS of each agent process over a soak.

Called by report.py; `/usr/bin/python3 bench/plots.py` redraws them.
"""

import math
import os
import statistics

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt     # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
COLORS = {"vipd": "#1f77b4", "keepalived": "#d62728"}
FAULTS = {"link": "link cut", "pf_stop": "Postfix stopped", "pf_freeze": "Postfix frozen",
          "agent_term": "agent SIGTERM", "handover": "planned handover"}
ROW_NAMES = {"cpu": "busy CPUs", "containers": "containers", "netlink": "busy netlink", "bigqueue": "300k deferred",
             "vlan": "shared VLAN"}


def _vals(samples):
    out = []
    for s in samples:
        if "error" in s:
            continue
        v = s.get("outage")
        out.append(v if v is not None else s.get("censored") or math.inf)
    return [v for v in out if not math.isinf(v)]


def outage_png(run, path):
    rows = {(r["agent"], r["adv"], r["fault"]): r for r in run.get("outage", [])}
    if not rows:
        return None
    faults = [f for f in FAULTS if any(k[2] == f for k in rows)]
    fig, axes = plt.subplots(1, len(faults), figsize=(3.2 * len(faults), 3.6), sharey=True)
    for ax, fault in zip(axes, faults):
        advs = sorted({k[1] for k in rows if k[2] == fault}, reverse=True)
        for i, adv in enumerate(advs):
            floor = None
            for j, agent in enumerate(("vipd", "keepalived")):
                r = rows.get((agent, adv, fault))
                if not r:
                    continue
                floor = r.get("floor")
                v = [x * 1000 for x in _vals(r["samples"])]
                if not v:
                    continue
                med = statistics.median(v)
                x = i + (j - 0.5) * 0.36
                ax.bar(x, med, 0.34, color=COLORS[agent], label=agent if i == 0 else None)
                ax.errorbar(x, med, yerr=[[med - min(v)], [max(v) - med]], color="black",
                            capsize=2, lw=0.8)
            if floor:
                ax.hlines(floor * 1000, i - 0.42, i + 0.42, colors="black", linestyles="--",
                          lw=1, label="protocol floor" if i == 0 else None)
        ax.set_xticks(range(len(advs)))
        ax.set_xticklabels(["%g s" % a for a in advs])
        ax.set_title(FAULTS[fault], fontsize=10)
        ax.set_yscale("log")
        ax.grid(axis="y", which="both", alpha=0.3)
    axes[0].set_ylabel("client outage, ms (log)")
    axes[-1].legend(fontsize=8, loc="upper right")
    fig.suptitle("Outage as the client sees it, by fault and advert_int (median, min–max)",
                 fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def _median_sample(samples):
    """The repetition with the median p99 (a real distribution, not a mix)."""
    good = [s for s in samples if "error" not in s and s.get("lateness", {}).get("q_ms")]
    if not good:
        return None
    good.sort(key=lambda s: s["lateness"]["late_p99_ms"])
    return good[(len(good) - 1) // 2]


def lateness_png(run, path):
    st = [r for r in run.get("stress", []) if r["row"] in ROW_NAMES]
    if not st:
        return None
    rows = [r for r in ROW_NAMES if any(x["row"] == r for x in st)]
    advs = sorted({x["adv"] for x in st}, reverse=True)
    qs = run.get("stress_quantiles") or [0, 1, 5, 10, 25, 50, 75, 90, 95, 98, 99, 99.5,
                                         99.9, 100]
    fig, axes = plt.subplots(len(advs), len(rows), figsize=(3.3 * len(rows), 3.0 * len(advs)),
                             squeeze=False, sharey=True)
    for i, adv in enumerate(advs):
        for j, row in enumerate(rows):
            ax = axes[i][j]
            for agent in ("vipd", "keepalived"):
                r = next((x for x in st if x["row"] == row and x["adv"] == adv
                          and x["agent"] == agent), None)
                s = _median_sample(r["samples"]) if r else None
                if not s:
                    continue
                q = s["lateness"]["q_ms"]
                ax.plot([max(v, 0.01) for v in q], qs[:len(q)], marker=".", ms=4,
                        color=COLORS[agent], label="%s (p99 %.1f ms)" % (
                            agent, s["lateness"]["late_p99_ms"]))
            ax.axvline(5.0, color="black", ls="--", lw=1)
            ax.set_xscale("log")
            ax.set_xlim(0.01, 10000)
            ax.set_ylim(50, 100.5)     # the upper half: the tail is what matters
            ax.grid(alpha=0.3, which="both")
            ax.set_title("%s, advert_int %g s" % (ROW_NAMES[row], adv), fontsize=9)
            ax.legend(fontsize=7, loc="lower right")
            if i == len(advs) - 1:
                ax.set_xlabel("lateness, ms (log; ≤ 0.01 drawn at 0.01)")
            if j == 0:
                ax.set_ylabel("percentile of adverts (upper half)")
    fig.suptitle("Lateness of the Master's adverts under stress (dashed: the 5 ms target)",
                 fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def soak_png(soak, path):
    ser = soak.get("resource_series") or []
    if not ser:
        return None
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.2))
    pids = sorted({(h, p) for _, h, p, _, _ in ser}, key=lambda x: x[1])
    for h, p in pids:
        pts = [(i, f, r) for i, hh, pp, f, r in ser if pp == p]
        c = "#1f77b4" if h == "mx1" else "#2ca02c"
        a1.plot([x[0] for x in pts], [x[1] for x in pts], color=c, lw=1, marker=".", ms=2)
        a2.plot([x[0] for x in pts], [x[2] / 1024.0 for x in pts], color=c, lw=1, marker=".",
                ms=2)
    a1.set_ylabel("open fds")
    a2.set_ylabel("RSS, MiB")
    for a in (a1, a2):
        a.set_xlabel("faults so far (blue: mx1's agent processes, green: mx2's)")
        a.grid(alpha=0.3)
    fig.suptitle("Soak: %d faults of each kind (%s)" % (
        soak["settings"]["n_per_kind"], ", ".join(soak["settings"]["kinds"])), fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def draw(outage_run, stress_run, soak):
    """Write the pictures that have data; returns their paths (relative
    to bench/)."""
    made = {}
    if outage_run and outage_png(outage_run, os.path.join(HERE, "outage.png")):
        made["outage"] = "bench/outage.png"
    if stress_run and lateness_png(stress_run, os.path.join(HERE, "lateness.png")):
        made["lateness"] = "bench/lateness.png"
    if soak and soak_png(soak, os.path.join(HERE, "soak.png")):
        made["soak"] = "bench/soak.png"
    return made


if __name__ == "__main__":
    import report
    runs = report.load_runs()
    print(draw(report.pick(runs, "outage"), report.pick(runs, "stress"),
               report.newest_soak()))
