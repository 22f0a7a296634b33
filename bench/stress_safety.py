# SPDX-License-Identifier: ISC
"""The two safety rows of bench/stress.py: another team's VRRP pair on
the same VRID (shared VLAN), and forged priority-0 adverts from an on-link
host.  See stress.py for the method common to every row."""

import os
import time

import agents as agentsmod
import outage
from stress import PROBE_EVERY, Proc, Window, safe_transitions

HERE = os.path.dirname(os.path.abspath(__file__))
OTHER_VIP = "203.0.113.50"
OTHER_PRIOS = {"ka1": 150, "ka2": 140}
OTHER_ADV = 1.0


def collision_report(st):
    """What vipd's status says about another virtual router on its VRID
    (vrid_collision, drops.other_virtual_router; any instance field or
    counter whose name mentions a collision or another router), with a
    true or non-zero value."""
    words = ("collision", "foreign", "other_router", "other_virtual_router", "disjoint")
    found = {}
    for inst in st.get("instances", []):
        cnt = inst.get("counters") or {}
        for src in (inst, cnt, cnt.get("drops") or {}):
            for k, v in src.items():
                if any(w in k.lower() for w in words) and v not in (None, 0, False, "", [], {}):
                    found["%s.%s" % (inst.get("name"), k)] = v
    return found


def row_vlan(ctx, ag, adv, seconds):
    """Another team's keepalived pair, VRID 51, higher priorities, another
    VIP, started beside the converged mail pair."""
    from lab import vrrp_conf
    from monitor import VipMonitor
    lab = ctx.lab
    mon = VipMonitor(lab, OTHER_VIP)
    mon.start()
    res = {"other_pair": "keepalived ka1/ka2, VRID %d, priorities %d/%d, advert_int %g, VIP "
                         "%s/24" % (agentsmod.VRID, OTHER_PRIOS["ka1"], OTHER_PRIOS["ka2"],
                                    OTHER_ADV, OTHER_VIP)}
    try:
        w = Window(ctx, ag, adv, "vlan-%s-%g" % (ag.kind, adv))
        w.start()
        t_start = time.monotonic()
        offs = {}
        other_ok = None
        # ka1 first, ka2 once ka1 holds its VIP: two keepalived started at
        # the same moment may both become Master for a moment, a race of
        # their own that is not what this row is about.  ka1 takes over
        # after about 3 of its intervals; from then on both VIPs must have
        # exactly their own Master.
        for h in ("ka1", "ka2"):
            lg = os.path.join(lab.hosts[h].dir, "keepalived.log")
            offs[h] = os.path.getsize(lg) if os.path.exists(lg) else 0
            lab.start_keepalived(h, vrrp_conf(h, OTHER_PRIOS[h], OTHER_ADV,
                                              vips=(OTHER_VIP + "/24",)))
            if h == "ka1":
                deadline = time.monotonic() + 5 * OTHER_ADV + 2
                while time.monotonic() < deadline:
                    if lab.holders(OTHER_VIP) == ["ka1"]:
                        other_ok = time.monotonic()
                        break
                    time.sleep(0.05)
        time.sleep(max(0.0, t_start + seconds - time.monotonic()))
        res.update(w.stop())
        res["other_converged_s"] = round(other_ok - t_start, 2) if other_ok else None
        res["mail_vip_holders_end"] = lab.holders()
        res["other_vip_holders_end"] = lab.holders(OTHER_VIP)
        # Changes of the other VIP's holders after it first had exactly ka1
        # (the monitor's own timeline: its event may come a little after
        # our poll saw the address).
        tl = [(t, h) for t, h in mon.timeline() if t >= t_start]
        first = next((i for i, (t, h) in enumerate(tl) if h == ["ka1"]), None)
        res["other_vip_moves_after_converged"] = len(tl) - first - 1 if first is not None \
            else None
        after = tl[first:] + [(time.monotonic(), None)] if first is not None else []
        res["other_vip_lost_after_converged"] = sum(
            1 for t, h in after[:-1] if "ka1" not in h) if first is not None else None
        # A second holder beside ka1 (its Backup taking over for a moment).
        res["other_vip_duplicate_ms"] = round(1000 * sum(
            b[0] - a[0] for a, b in zip(after, after[1:]) if len(a[1]) > 1), 1)
        res["other_vip_timeline"] = [(round(t - t_start, 3), h) for t, h in tl][:20]
        res["other_new_masters"] = sum(
            lab.hosts[h].agent.log_text()[offs[h]:].count("Entering MASTER STATE")
            for h in ("ka1", "ka2"))
        # The other pair's own account (state changes, complaints about our
        # adverts), for the record.
        res["other_log"] = {}
        for h in ("ka1", "ka2"):
            text = lab.hosts[h].agent.log_text()[offs[h]:]
            res["other_log"][h] = {
                "states": [l for l in text.splitlines() if "Entering" in l][:10],
                "our_adverts_refused": text.count("not present in MASTER advert")}
        if ag.kind == "vipd":
            try:
                res["collision_reported"] = collision_report(ag.status("mx1"))
                res["collision_reported_backup"] = collision_report(ag.status("mx2"))
            except Exception as e:      # noqa: BLE001
                res["collision_reported"] = {"error": str(e)}
    finally:
        for h in ("ka1", "ka2"):
            a = lab.hosts[h].agent
            if a is not None and a.running():
                lab.stop_agent(h)
            lab.run(h, "ip", "addr", "del", OTHER_VIP + "/24", "dev", "eth0", check=False)
        mon.stop()
    res["pass_mail_vip"] = (res["transitions"] == 0 and not res["status_unanswered"]
                            and res["mail_vip_holders_end"] == ["mx1"]
                            and res["client_failed_attempts"] == 0)
    # "Keeps serving its VIP": ka1 holds it from its takeover to the end.
    # A moment in which ka2 holds it as well is recorded (duplicate_ms,
    # other_log) but is not a loss of service.
    res["pass_other_vip"] = (res["other_converged_s"] is not None
                             and res["other_vip_holders_end"] == ["ka1"]
                             and res["other_vip_lost_after_converged"] == 0)
    if ag.kind == "vipd":
        res["pass_reported"] = bool(res.get("collision_reported")) and \
            "error" not in res["collision_reported"]
    return res


def row_prio0(ctx, ag, adv, count):
    """count forged priority-0 adverts, alternately from the forger's own
    address and from the Master's, each right after one of the Master's."""
    lab = ctx.lab
    mx1 = lab.hosts["mx1"].addr
    own = lab.hosts["client"].addr
    cs = int(round(adv * 100))
    forger = Proc(lab, ["/usr/bin/python3", os.path.join(HERE, "forge.py"), "eth0",
                        str(agentsmod.VRID), mx1, "3", str(cs), lab.vip], "forge",
                  lab.hosts["client"].ns, ready=True)
    shots = []
    settle = 7.0            # covers keepalived's/vipd's 5 s garp_lower_prio_delay
    try:
        for i in range(count):
            src = own if i % 2 == 0 else mx1
            if not outage.wait_ready(ctx, ag, "mx1", "mx2", 20):
                shots.append({"src": "own" if src == own else "master", "error": "not ready"})
                continue
            ctx.prober.trim(time.monotonic() - 5)
            ctx.adverts.trim(time.monotonic() - 5)
            tr0 = {h: safe_transitions(ag, h) for h in ("mx1", "mx2")}
            forger.p.stdin.write("fire %s 1\n" % src)
            forger.p.stdin.flush()
            ans = forger.p.stdout.readline().split()
            if not ans or ans[0] != "sent":
                shots.append({"src": "own" if src == own else "master",
                              "error": "forger: %s" % " ".join(ans)})
                continue
            tf = float(ans[1])
            time.sleep(max(0.0, tf + settle - time.monotonic()))
            shots.append(prio0_shot(ctx, ag, adv, tf, tf + settle, tr0,
                                    "own" if src == own else "master"))
    finally:
        forger.finish(5)        # closes its stdin: it ends
    out = {"shots": shots, "settle_s": settle}
    for kind in ("own", "master"):
        away = [s["client_away_ms"] for s in shots if s.get("src") == kind and "error" not in s]
        out["away_max_ms_" + kind] = max(away) if away else None
    # One advert interval, plus one probe interval (the resolution).
    limit = 1000 * (adv + PROBE_EVERY)
    out["away_limit_ms"] = limit
    done = [s for s in shots if "error" not in s]
    out["pass_own"] = bool(done) and all(s["client_away_ms"] <= limit for s in done
                                         if s["src"] == "own")
    out["pass_master"] = bool(done) and all(s["client_away_ms"] <= limit for s in done
                                            if s["src"] == "master")
    return out


def prio0_shot(ctx, ag, adv, tf, t1, tr0, src):
    lab = ctx.lab
    mine = ctx.pf["mx1"].myhostname
    # Attempts that start in the last second may still be waiting for
    # their banner: leave them out.
    away, nbad = ctx.prober.away(mine, tf, t1 - 1.0)
    ctx.adverts.poll()
    mx2 = lab.hosts["mx2"].addr
    backup_adv = [t for t, w, s, p in ctx.adverts.frames if s == mx2 and p > 0 and t > tf]
    gained = lab.monitor.gained("mx2", tf)
    lost = lab.monitor.lost("mx2", gained) if gained else None
    tr1 = {h: safe_transitions(ag, h) for h in ("mx1", "mx2")}
    return {"src": src, "t": tf,
            # How long new connections did not reach the Master.
            "client_away_ms": round(1000 * away, 1),
            "client_failed_attempts": nbad,
            "client_other_banners": len([1 for t, h in ctx.prober.ok
                                         if tf < t <= t1 and h != mine]),
            "backup_adverts": len(backup_adv),
            "backup_first_advert_ms": round(1000 * (backup_adv[0] - tf), 1)
            if backup_adv else None,
            "backup_held_vip_ms": round(1000 * ((lost or t1) - gained), 1) if gained else 0,
            "new_masters": {h: (tr1[h] - tr0[h]) if None not in (tr1[h], tr0[h]) else None
                            for h in tr1}}
