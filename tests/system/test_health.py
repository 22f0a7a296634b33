# SPDX-License-Identifier: ISC
"""Health-gated mastership with a real Postfix on every mail host.

Two mail hosts h1 (priority 100) and h2 (90) run vipd with its default
checks of the local Postfix (plus the checks a test adds), and a third
namespace, client, talks SMTP to the VIP.  A fault is injected into h1's
Postfix (postfix.py): the VIP must move to h2, h1's last transition must name
the check and the cause, and h1 must come back once repaired (or not, with
nopreempt).  Timing bounds are derived from the check interval (1 s), the
step timeout (2 s) and Skew_Time."""

import os
import re
import time
import uuid

import pytest

from helpers import assert_stable, has_vipctl, invariant, settle
from lab import VIP, scaled, vrrp_conf, wait_for
from postfix import BannerPoller, add_postfixes, banner, send_mail

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="vipd's own health checks")

ADV = 0.2
PRIOS = {"h1": 100, "h2": 90}
INTERVAL = 1.0          # default check interval
STEP = 2.0              # default smtp step_timeout
MASTER_REREAD = 0.01    # README: the master's state is re-read every 10 ms (master_poll)
SKEW_H2 = (256 - 90) * ADV / 256
MDI_H2 = 3 * ADV + SKEW_H2
SLACK = scaled(0.6)     # scheduling, the 2-core machine, vipctl round trips
RESIGNED = "master resigned (priority 0 advert)"
PREEMPTED = "preempted lower priority master"


# ---- lab helpers -----------------------------------------------------------
def mx_lab(make_lab, tls=False):
    """h1, h2 with a running Postfix each, and a client namespace."""
    lab = make_lab(["h1", "h2", "client"])
    return lab, add_postfixes(lab, ["h1", "h2"], tls=tls)


def conf(host, prio, top="", extra="", **kw):
    """vipd config with default checks on; `top` holds check blocks (a
    function of the host, or text), `extra` lines for the instance."""
    if callable(top):
        top = top(host)
    return top + vrrp_conf(host, prio, ADV, default_checks=True, extra=extra, **kw)


def start_mx(lab, top="", extra="", prios=PRIOS, master="h1", **kw):
    for h, p in prios.items():
        lab.start_vipd(h, conf(h, p, top, extra, **kw))
        lab.hosts[h].prio = p
        lab.hosts[h].advert_int = ADV
    settle(lab, master, timeout=8)
    for h in prios:
        assert lab.instance(h)["health"]["ready"] is True


def check(inst, name):
    for c in inst["health"]["checks"]:
        if c["name"] == name:
            return c
    raise AssertionError("no check %s in %s" % (name, inst["health"]))


def track(*names):
    return "track_check {\n%s\n}" % "\n".join("    " + n for n in names)


def vip_banner(lab):
    return banner(lab, "client", VIP)


def fail_over(lab, fault, cause, check_name, within, to="h2", frm="h1"):
    """Inject `fault` on `frm` (the Master) and check that `to` takes the
    VIP within `within` s, `frm` resigned with a reason matching `cause`
    (a regex) and the check `check_name` is failing for that cause."""
    t0 = time.monotonic()
    fault()
    gained = wait_for(lambda: lab.monitor.gained(to, t0), within + 3, 0.02)
    assert gained, "%s never took the VIP after the fault; %s: %s" % (
        to, frm, lab.instance(frm)["health"])
    assert gained - t0 <= within, "takeover after %.3f s, allowed %.3f s" % (
        gained - t0, within)
    assert wait_for(lambda: lab.holders() == [to], 2), lab.holders()
    i = lab.instance(frm)
    assert (i["state"], i["effective_priority"], i["vips_installed"]) == ("BACKUP", 1, False), i
    last = i["last_transition"]
    assert last["from"] == "MASTER" and last["to"] == "BACKUP", last
    assert re.search(cause, last["reason"]), "reason %r does not match %r" % (
        last["reason"], cause)
    c = check(i, check_name)
    assert c["state"] == "failing" and re.search(cause, c["reason"]), c
    if lab.hosts[to].agent.kind == "vipd":
        assert lab.instance(to)["last_transition"]["reason"] == RESIGNED
    b = vip_banner(lab)
    assert b == "220 %s.mx.test ESMTP" % to, b
    return gained - t0


def comes_back(lab, repair, check_name, host="h1", within=None):
    """After `repair`, `check_name` passes again on host and host preempts
    the VIP back within one check interval plus Master_Down_Interval."""
    within = within or INTERVAL + 3 * ADV + SLACK + 0.5
    t0 = time.monotonic()
    repair()
    gained = wait_for(lambda: lab.monitor.gained(host, t0), within + 3, 0.02)
    assert gained, "%s did not take the VIP back: %s" % (host, lab.instance(host)["health"])
    assert gained - t0 <= within, "back after %.3f s, allowed %.3f s" % (gained - t0, within)
    assert wait_for(lambda: lab.holders() == [host], 2), lab.holders()
    i = lab.instance(host)
    assert i["last_transition"]["reason"] == PREEMPTED, i["last_transition"]
    assert check(i, check_name)["state"] == "passing"
    b = vip_banner(lab)
    assert b == "220 %s.mx.test ESMTP" % host, b


# ---- the lab itself ----------------------------------------------------------
def test_postfix_lab_smoke(make_lab):
    lab, pf = mx_lab(make_lab)
    for h in ("h1", "h2"):
        assert banner(lab, "client", lab.hosts[h].addr) == "220 %s.mx.test ESMTP" % h
        assert banner(lab, h, "127.0.0.1") == "220 %s.mx.test ESMTP" % h
        # Plain commands in the namespace see the host's own instance.
        r = lab.run(h, "postconf", "-h", "myhostname", "queue_directory")
        assert r.stdout.split() == ["%s.mx.test" % h, pf[h].queue_dir]
    tid = uuid.uuid4().hex
    assert send_mail(lab, "client", "box@sink.test", tid, lab.hosts["h2"].addr) == "h2.mx.test"
    assert wait_for(lambda: tid in pf["h2"].maildir_ids(), 10, 0.1), pf["h2"].log_tail()
    assert pf["h1"].maildir_ids() == set()
    assert pf["h1"].running() and pf["h2"].running()


# ---- faults on the Master's Postfix ----------------------------------------
def test_postfix_stopped(make_lab):
    lab, pf = mx_lab(make_lab)
    start_mx(lab)
    pid = pf["h1"].master_pid()
    # The master's exit is seen at once (pidfd), not at the next probe.
    fail_over(lab, pf["h1"].stop, r"^postfix master \(pid %d\) exited$" % pid,
              "default_postfix", SKEW_H2 + SLACK)
    assert banner(lab, "h1", "127.0.0.1") == "!ConnectionRefusedError"
    assert wait_for(lambda: check(lab.instance("h1"), "default_smtp")["state"] == "failing",
                    INTERVAL + 1)
    assert re.search(r"connection refused", check(lab.instance("h1"), "default_smtp")["reason"])
    comes_back(lab, pf["h1"].start, "default_postfix")
    invariant(lab, ADV)


def test_master_frozen(make_lab):
    lab, pf = mx_lab(make_lab)
    start_mx(lab)
    pid = pf["h1"].master_pid()
    # README: the master's state is re-read every 10 ms, so the freeze,
    # not the SMTP probe's greeting timeout 2 s later, makes h1 resign.
    fail_over(lab, pf["h1"].freeze, r"^postfix master \(pid %d\) is stopped$" % pid,
              "default_postfix", MASTER_REREAD + SKEW_H2 + SLACK)
    # TCP still connects, no banner: what a client of a hung Postfix sees.
    assert banner(lab, "client", lab.hosts["h1"].addr, timeout=1) == "!timeout"
    assert wait_for(lambda: check(lab.instance("h1"), "default_smtp")["state"] == "failing",
                    INTERVAL + STEP + 1)
    assert re.search(r"^smtp: timeout from 127\.0\.0\.1:25 at greeting$",
                     check(lab.instance("h1"), "default_smtp")["reason"])
    comes_back(lab, pf["h1"].thaw, "default_smtp", within=INTERVAL + STEP + 3 * ADV + 1.5)
    invariant(lab, ADV)


def log_times(agent, pattern):
    """Wall-clock seconds of day of the agent's log lines matching pattern
    (the log's HH:MM:SS.mmm prefix)."""
    out = []
    for line in agent.log_text().splitlines():
        m = re.match(r"(\d\d):(\d\d):(\d\d\.\d{3}) (.*)", line)
        if m and re.search(pattern, m.group(4)):
            out.append(int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3)))
    return out


def wall_of_day():
    t = time.time()
    lt = time.localtime(t)
    return lt.tm_hour * 3600 + lt.tm_min * 60 + lt.tm_sec + (t % 1)


def test_frozen_master_seen_within_10ms(make_lab):
    """README: while Master, the Postfix master's state is re-read every
    10 ms (master_poll).  Freeze the Master's Postfix master (its smtpd
    children go on serving, so only the master check can see it) 12 times
    and time each detection: vipd's log line against the SIGSTOP.  At least
    10 must come within one re-read plus 30 ms (the Backup's 100 ms re-read
    would put about 7 of 12 beyond that), and none later than 200 ms (both
    slacks scaled).  After each, h1 is thawed and must be Master again with
    the check passing (so it polls fast again) before the next freeze."""
    lab, pf = mx_lab(make_lab)
    start_mx(lab)
    agent = lab.hosts["h1"].agent
    pat = r"^check default_postfix: failing \(postfix master \(pid \d+\) is stopped\)$"
    lat = []
    for n in range(12):
        before = len(log_times(agent, pat))
        t = wall_of_day()
        pf["h1"].freeze(smtpd=False)
        assert wait_for(lambda: len(log_times(agent, pat)) > before, 3), agent.log_text()
        lat.append(log_times(agent, pat)[before] - t)
        pf["h1"].thaw()
        settle(lab, "h1", timeout=INTERVAL + 3 * ADV + 3)
        assert wait_for(lambda: check(lab.instance("h1"), "default_postfix")["state"]
                        == "passing", 3)
        assert check(lab.instance("h1"), "default_smtp")["state"] == "passing"
        assert check(lab.instance("h1"), "default_postfix")["master_poll"] == "10 ms (Master)"
        time.sleep(0.013 * (n % 4))     # vary the phase against the re-read
    shown = ["%.3f" % x for x in lat]
    assert sum(x <= MASTER_REREAD + scaled(0.03) for x in lat) >= 10, \
        "frozen master seen after %s s" % shown
    assert max(lat) <= MASTER_REREAD + scaled(0.2), "frozen master seen after %s s" % shown
    assert lab.holders() == ["h1"]


def test_backup_frozen_master_never_takes_over(make_lab):
    """vipd.conf(5) master_poll: a Backup re-reads its Postfix master only
    every 100 ms, but once more right before it takes over.  h2 (250,
    health_strict) gets its master frozen, and a moment later the Master h1
    (254) stops: its priority-0 advert lets h2 take over after Skew_Time
    (5 ms), far below the slow re-read, so only the re-read before the
    takeover can keep h2 out.  h2 must never hold the VIP and must show the
    check failing at priority 0; thawed, it takes over.  Five times, with
    h1 restarted (and preempting) in between, to catch the race."""
    lab, pf = mx_lab(make_lab)
    prios = {"h1": 254, "h2": 250}
    start_mx(lab, extra="health_strict", prios=prios)
    skew = (256 - prios["h2"]) * ADV / 256
    pat = r"^check default_postfix: failing \(postfix master \(pid \d+\) is stopped\)$"
    for n in range(5):
        assert check(lab.instance("h2"), "default_postfix")["master_poll"] == "100 ms (Backup)"
        t0 = time.monotonic()
        pf["h2"].freeze(smtpd=False)
        time.sleep(0.002 * (n % 3))
        lab.stop_vipd("h1")
        # Several Master_Down_Intervals with nobody else: h2 stays out.
        end = time.monotonic() + 3 * (3 * ADV + skew) + SLACK
        while time.monotonic() < end:
            assert lab.holders() == [], "h2 took the VIP with a frozen master"
            time.sleep(0.02)
        assert lab.monitor.gained("h2", t0) is None, "h2 held the VIP for a moment"
        i = lab.instance("h2")
        assert (i["state"], i["effective_priority"], i["vips_installed"]) == \
            ("BACKUP", 0, False), i
        assert re.search(r"is stopped$", check(i, "default_postfix")["reason"]), i["health"]
        assert log_times(lab.hosts["h2"].agent, pat)
        # Thawed: the check passes at the next full check and h2 takes over.
        t1 = time.monotonic()
        pf["h2"].thaw()
        assert wait_for(lambda: lab.holders() == ["h2"], INTERVAL + 3 * ADV + skew + 2), \
            lab.instance("h2")
        assert lab.monitor.gained("h2", t1)
        assert check(lab.instance("h2"), "default_postfix")["master_poll"] == "10 ms (Master)"
        lab.start_vipd("h1", conf("h1", prios["h1"], extra="health_strict"))
        settle(lab, "h1", timeout=8)
    invariant(lab, ADV)


def test_status_shows_master_poll_period(make_lab):
    """vipctl status: the Postfix master is polled every master_poll (10 ms)
    on the Master and every 100 ms on the Backup; the period follows the
    state when the Master goes away."""
    lab, pf = mx_lab(make_lab)
    start_mx(lab)
    assert check(lab.instance("h1"), "default_postfix")["master_poll"] == "10 ms (Master)"
    assert check(lab.instance("h2"), "default_postfix")["master_poll"] == "100 ms (Backup)"
    assert "default_smtp" in [c["name"] for c in lab.instance("h1")["health"]["checks"]]
    assert "master_poll" not in check(lab.instance("h1"), "default_smtp")
    text = lab.vipctl("h2", "status").stdout
    assert re.search(r"check default_postfix: passing .*; master polled every "
                     r"100 ms \(Backup\)$", text, re.M), text
    lab.stop_vipd("h1")
    assert wait_for(lambda: lab.holders() == ["h2"], MDI_H2 + 2), lab.holders()
    assert check(lab.instance("h2"), "default_postfix")["master_poll"] == "10 ms (Master)"
    text = lab.vipctl("h2", "status").stdout
    assert re.search(r"check default_postfix: passing .*; master polled every "
                     r"10 ms \(Master\)$", text, re.M), text


def test_rise_fall_hysteresis(make_lab):
    """vipd.conf(5): a check fails after `fall` failed runs in a row and
    passes again after `rise` good ones."""
    lab, pf = mx_lab(make_lab)
    top = "smtp_check hyst {\n    interval 0.5\n    fall 3\n    rise 2\n}\n"
    start_mx(lab, top=top, extra=track("hyst", "default_postfix"))

    def snap():
        c = check(lab.instance("h1"), "hyst")
        return c["state"], c["runs"], c["failures"]
    _, runs0, fails0 = snap()
    pf["h1"].set_greeting_reject("421 4.3.2 Fault injected")
    seen = []
    while True:
        st, runs, fails = snap()
        seen.append((st, runs - runs0, fails - fails0))
        if st == "failing":
            break
        assert len(seen) < 400, seen
        time.sleep(0.03)
    # Failing only at the third failure in a row, and passing before it.
    assert seen[-1][2] == 3, "failing after %d failures: %s" % (seen[-1][2], seen)
    assert any(st == "passing" and f == 2 for st, _, f in seen), seen
    assert wait_for(lambda: lab.holders() == ["h2"], MDI_H2 + 1), lab.holders()

    _, runs1, fails1 = snap()
    pf["h1"].set_greeting_reject(None)
    seen = []
    while True:
        st, runs, fails = snap()
        good = (runs - runs1) - (fails - fails1)
        seen.append((st, good))
        if st == "passing":
            break
        assert len(seen) < 400, seen
        time.sleep(0.03)
    assert seen[-1][1] == 2, "passing after %d good runs: %s" % (seen[-1][1], seen)
    assert any(st == "failing" and g == 1 for st, g in seen), seen
    assert wait_for(lambda: lab.holders() == ["h1"], 3 * ADV + 1), lab.holders()


def test_tls_days_warn_degrades_without_failover(make_lab):
    """vipd.conf(5): fewer days left than tls_days_warn degrade the check,
    and a degraded check still counts as passing: h1 stays Master."""
    lab, pf = mx_lab(make_lab, tls=True)
    for h in ("h1", "h2"):
        TLS_CA[h] = pf[h].ca_path
    top = lambda h: ("smtp_check tls {\n    starttls required\n    tls_ca_file %s\n"
                     "    tls_days_warn 60\n}\n" % TLS_CA[h])
    start_mx(lab, top=top, extra=track("tls", "default_postfix"))
    c = check(lab.instance("h1"), "tls")
    assert (c["state"], c["result"], c["tls_days_left"]) == ("passing", "degraded", 30), c
    assert re.search(r"certificate expires in 30 days", c["reason"]), c
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 2 * INTERVAL)
    i = lab.instance("h1")
    assert (i["effective_priority"], i["counters"]["became_master"]) == (100, 1), i
    assert lab.holders() == ["h1"]


def test_queue_limits_degrade(make_lab):
    """vipd.conf(5): more deferred, held or corrupt messages than
    max_deferred, max_hold, max_corrupt degrade the queue check (still
    passing: no failover)."""
    lab, pf = mx_lab(make_lab)
    top = ("postfix_check pq {\n    max_deferred 1\n    max_hold 1\n    max_corrupt 1\n}\n")
    start_mx(lab, top=top, extra=track("pq", "default_smtp"))
    q = pf["h1"].queue_dir

    def degraded_by(reason):
        c = check(lab.instance("h1"), "pq")
        return c["result"] == "degraded" and c["reason"] == reason and c["state"] == "passing"

    def ok():
        return check(lab.instance("h1"), "pq")["result"] == "ok"

    for sub, reason in (("corrupt", "queue: 2 corrupt files (limit 1)"),
                        ("hold", "queue: 2 held messages (limit 1)")):
        # Complete queue files are mode 0700 (Postfix's mark); the
        # contents do not matter to a count.
        paths = [os.path.join(q, sub, "LABTEST%d" % n) for n in range(2)]
        for n, path in enumerate(paths):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o700)
            os.write(fd, b"x")
            os.close(fd)
            if n == 0:
                time.sleep(2 * INTERVAL)
                assert ok(), check(lab.instance("h1"), "pq")   # within the limit
        assert wait_for(lambda: degraded_by(reason), INTERVAL + 1, 0.1), "%s" % \
            check(lab.instance("h1"), "pq")
        for p in paths:
            os.unlink(p)
        assert wait_for(ok, INTERVAL + 1, 0.1), check(lab.instance("h1"), "pq")
    pf["h1"].set(defer_transports="virtual")
    pf["h1"].reload()
    for _ in range(2):
        send_mail(lab, "client", "box@sink.test", uuid.uuid4().hex, lab.hosts["h1"].addr)
    assert wait_for(lambda: degraded_by("queue: 2 deferred messages (limit 1)"), 10, 0.2), \
        check(lab.instance("h1"), "pq")
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, INTERVAL)
    assert lab.instance("h1")["effective_priority"] == 100


@pytest.mark.parametrize("code,nopreempt", [(421, False), (554, True)])
def test_greeting_rejected(make_lab, code, nopreempt):
    """A 421 or 554 greeting; with nopreempt h1 does not take the VIP back
    once repaired."""
    lab, pf = mx_lab(make_lab)
    start_mx(lab, nopreempt=nopreempt)
    fail_over(lab, lambda: pf["h1"].set_greeting_reject("%d 4.3.2 Fault injected" % code),
              r"^smtp: %d from 127\.0\.0\.1:25 at greeting$" % code, "default_smtp",
              INTERVAL + SKEW_H2 + SLACK)
    c = check(lab.instance("h1"), "default_smtp")
    assert c["code"] == code and c["step"] == "greeting", c
    if not nopreempt:
        comes_back(lab, lambda: pf["h1"].set_greeting_reject(None), "default_smtp")
    else:
        pf["h1"].set_greeting_reject(None)
        assert wait_for(lambda: lab.instance("h1")["effective_priority"] == 100,
                        INTERVAL + 1), lab.instance("h1")
        assert_stable(lab, {"h1": "BACKUP", "h2": "MASTER"}, 4 * MDI_H2)
        assert lab.holders() == ["h2"]
    invariant(lab, ADV)


RCPT_CHECK = "smtp_check mx {\n    rcpt_to probe@sink.test\n}\n"


def test_rcpt_refused(make_lab):
    lab, pf = mx_lab(make_lab)
    start_mx(lab, top=RCPT_CHECK, extra=track("mx", "default_postfix"))
    # The transaction reaches Postfix's restrictions: the greeting is fine.
    fail_over(lab, lambda: pf["h1"].set_rcpt_reject("550 5.7.1 Fault injected"),
              r"^smtp: 550 from 127\.0\.0\.1:25 at rcpt$", "mx", INTERVAL + SKEW_H2 + SLACK)
    c = check(lab.instance("h1"), "mx")
    assert (c["code"], c["step"], c["banner_host"]) == (550, "rcpt", "h1.mx.test"), c
    comes_back(lab, lambda: pf["h1"].set_rcpt_reject(None), "mx")
    invariant(lab, ADV)


def test_rcpt_hangs(make_lab):
    """cleanup(8) gone from master.cf: banner and EHLO fine, RCPT hangs."""
    lab, pf = mx_lab(make_lab)
    start_mx(lab, top=RCPT_CHECK, extra=track("mx", "default_postfix"))
    fail_over(lab, lambda: pf["h1"].set_rcpt_hang(True),
              r"^smtp: timeout from 127\.0\.0\.1:25 at rcpt$", "mx",
              INTERVAL + STEP + SKEW_H2 + SLACK)
    assert check(lab.instance("h1"), "mx")["latency_ms"] >= STEP * 1000 - 50
    comes_back(lab, lambda: pf["h1"].set_rcpt_hang(False), "mx",
               within=INTERVAL + STEP + 3 * ADV + 1.5)
    invariant(lab, ADV)


def tls_check(host):
    return ("smtp_check tls {\n    starttls required\n    tls_ca_file %s\n"
            "    tls_server_name %s.mx.test\n}\n" % (TLS_CA[host], host))


TLS_CA = {}


@pytest.mark.parametrize("fault", ["broken", "expired"])
def test_starttls_required(make_lab, fault):
    lab, pf = mx_lab(make_lab, tls=True)
    for h in ("h1", "h2"):
        TLS_CA[h] = pf[h].ca_path
    start_mx(lab, top=tls_check, extra=track("tls", "default_postfix"))
    c = check(lab.instance("h1"), "tls")
    assert c["state"] == "passing" and c["tls_days_left"] == 30, c
    if fault == "broken":
        cause = r"^smtp: 454 from 127\.0\.0\.1:25 at starttls$"
    else:
        cause = r"^smtp: certificate .* at tls$"
    fail_over(lab, lambda: pf["h1"].set_tls(fault), cause, "tls",
              INTERVAL + SKEW_H2 + SLACK)
    if fault == "expired":
        assert check(lab.instance("h1"), "tls")["tls_days_left"] == -2
    comes_back(lab, lambda: pf["h1"].set_tls("ok"), "tls")
    invariant(lab, ADV)


def test_qmgr_stopped_while_mail_arrives(make_lab):
    """Mail accepted through the VIP sits in incoming/ while qmgr is
    stopped: the queue check fails after max_incoming_age; once qmgr runs
    again the message is delivered and h1 takes the VIP back."""
    lab, pf = mx_lab(make_lab)
    top = "postfix_check q {\n    max_incoming_age 3\n}\n"
    start_mx(lab, top=top, extra=track("default_smtp", "q"))
    tid = uuid.uuid4().hex

    def fault():
        pf["h1"].freeze_qmgr()
        assert send_mail(lab, "client", "box@sink.test", tid, VIP) == "h1.mx.test"
    fail_over(lab, fault, r"^queue: oldest incoming message is \d+ s old \(limit 3 s\)$", "q",
              3 + 2 * INTERVAL + SKEW_H2 + SLACK)
    c = check(lab.instance("h1"), "q")
    assert c["queue"]["incoming"] == 1 and c["oldest_incoming_age_s"] >= 3, c
    assert check(lab.instance("h1"), "default_smtp")["state"] == "passing"
    assert tid not in pf["h1"].maildir_ids()
    comes_back(lab, pf["h1"].thaw_qmgr, "q")
    assert wait_for(lambda: tid in pf["h1"].maildir_ids(), 10, 0.1), pf["h1"].log_tail()
    assert check(lab.instance("h1"), "q")["queue"]["incoming"] == 0
    invariant(lab, ADV)


# ---- several hosts unhealthy -------------------------------------------------
def test_all_hosts_unhealthy_one_keeps_the_vip(make_lab):
    lab, pf = mx_lab(make_lab)
    start_mx(lab)
    pf["h2"].set_greeting_reject("421 4.3.2 Fault injected")
    assert wait_for(lambda: lab.instance("h2")["effective_priority"] == 1, INTERVAL + 1)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 2 * MDI_H2)
    pf["h1"].set_greeting_reject("421 4.3.2 Fault injected")
    assert wait_for(lambda: lab.instance("h1")["effective_priority"] == 1, INTERVAL + 1)
    # Both at the last-resort priority 1: exactly one of them serves.
    t0 = time.monotonic()
    end = t0 + 3 * MDI_H2 + 1.0
    seen = set()
    while time.monotonic() < end:
        holders = lab.holders()
        if time.monotonic() - t0 > MDI_H2 + ADV:
            assert len(holders) == 1, "VIP holders %s with every host unhealthy" % holders
            seen.add(holders[0])
        time.sleep(0.05)
    assert len(seen) == 1, "the VIP moved between unhealthy hosts: %s" % seen
    (holder,) = seen
    assert lab.instance(holder)["state"] == "MASTER"
    assert vip_banner(lab).startswith("421 4.3.2 ")
    pf["h1"].set_greeting_reject(None)
    pf["h2"].set_greeting_reject(None)
    settle(lab, "h1", timeout=INTERVAL + 3 * ADV + 3)
    invariant(lab, ADV)


def test_health_strict_unhealthy_host_never_takes_it(make_lab):
    lab, pf = mx_lab(make_lab)
    start_mx(lab, extra="health_strict")
    assert lab.instance("h1")["health"]["strict"] is True
    pf["h2"].set_greeting_reject("421 4.3.2 Fault injected")
    assert wait_for(lambda: check(lab.instance("h2"), "default_smtp")["state"] == "failing",
                    INTERVAL + 1)
    t0 = time.monotonic()
    pf["h1"].set_greeting_reject("421 4.3.2 Fault injected")
    assert wait_for(lambda: lab.monitor.lost("h1", t0), INTERVAL + 1), lab.holders()
    # Nobody may take it while both are unhealthy: several Master_Down_Intervals.
    end = time.monotonic() + 4 * MDI_H2
    while time.monotonic() < end:
        assert lab.holders() == [], "unhealthy strict host holds the VIP: %s" % lab.holders()
        time.sleep(0.05)
    for h in ("h1", "h2"):
        i = lab.instance(h)
        assert (i["state"], i["effective_priority"], i["vips_installed"]) == \
            ("BACKUP", 0, False), i
    assert "resigned (health_strict): priority 0, never Master while failing" in \
        lab.vipctl("h1", "explain").stdout
    assert re.search(r"^smtp: 421 ", lab.instance("h1")["last_transition"]["reason"])
    # h2 recovers first: it takes over although h1 has the higher priority.
    t1 = time.monotonic()
    pf["h2"].set_greeting_reject(None)
    assert wait_for(lambda: lab.holders() == ["h2"], INTERVAL + MDI_H2 + 2), lab.states()
    assert lab.monitor.lost("h2", t1) is None
    comes_back(lab, lambda: pf["h1"].set_greeting_reject(None), "default_smtp")
    invariant(lab, ADV)


def test_not_master_before_first_verdict(make_lab):
    """A Postfix that greets only after 4 s and a probe willing to wait 8 s:
    until that first verdict the instance stays in INIT without the VIP,
    although no peer is there to take it."""
    lab, pf = mx_lab(make_lab)
    pf["h1"].set_greeting_delay(4)
    top = "smtp_check default_smtp {\n    timeout 8\n    step_timeout 8\n}\n"
    t0 = time.monotonic()
    lab.start_vipd("h1", conf("h1", 100, top))

    def unknown():
        try:
            i = lab.instance("h1")
        except (AssertionError, ValueError):
            return None         # socket not up yet
        return i
    i = wait_for(unknown, 3)
    assert i, "no status from vipd"
    while time.monotonic() - t0 < 3.5:
        i = lab.instance("h1")
        c = check(i, "default_smtp")
        assert (i["state"], i["vips_installed"], i["health"]["ready"], c["state"]) == \
            ("INIT", False, False, "unknown"), i
        assert lab.holders() == []
        time.sleep(0.1)
    assert check(i, "default_postfix")["state"] == "passing"
    settle(lab, "h1", timeout=8)
    took = lab.monitor.gained("h1", t0) - t0
    assert 4.0 <= took <= 4.0 + 3 * ADV + 1.0 + SLACK, "Master after %.3f s" % took
    c = check(lab.instance("h1"), "default_smtp")
    assert c["state"] == "passing" and c["latency_ms"] >= 3900, c


# ---- maintenance ------------------------------------------------------------
def no_failures(lab, poll, what, since=0.0, until=None):
    bad = poll.failures(since, until)
    assert not bad, "%s: the client saw %d failed connections: %s\n%s" % (
        what, len(bad), ", ".join("%s at %+.3f s" % (e, t - lab.t0) for t, _, e in bad[:5]),
        "\n".join("%+.3f s  %s %s" % (t - lab.t0, h, e) for t, h, e in poll.snapshot()
                  if abs(t - bad[0][0]) < 0.05))


def test_maintenance_handover_without_gap(make_lab):
    """A client connecting to VIP:25 every 5 ms sees no failed connection
    when h1 hands over (maintenance on), nor when it takes the VIP back
    (maintenance off, then preemption)."""
    lab, pf = mx_lab(make_lab)
    start_mx(lab)
    with BannerPoller(lab, "client", VIP, interval=0.005) as poll:
        assert poll.wait_host("h1.mx.test", 2)
        t_on = time.monotonic()
        r = lab.vipctl("h1", "maintenance", "on")
        assert "handed over; now BACKUP" in r.stdout, r.stdout
        # h1 keeps answering for up to one advert interval after yielding.
        assert wait_for(lambda: lab.holders() == ["h2"], ADV + 0.5), lab.holders()
        i = lab.instance("h1")
        assert (i["state"], i["effective_priority"], i["health"]["maintenance"]) == \
            ("BACKUP", 0, True), i
        assert lab.instance("h2")["state"] == "MASTER"
        assert poll.wait_host("h2.mx.test", 2, since=time.monotonic())
        assert_stable(lab, {"h1": "BACKUP", "h2": "MASTER"}, 2 * MDI_H2)
        t_off = time.monotonic()
        r = lab.vipctl("h1", "maintenance", "off")
        assert "back in the election" in r.stdout, r.stdout
        assert wait_for(lambda: lab.holders() == ["h1"], 3 * ADV + 2), lab.states()
        assert poll.wait_host("h1.mx.test", 2, since=time.monotonic())
        time.sleep(0.2)
    no_failures(lab, poll, "maintenance on", t_on, t_off)
    no_failures(lab, poll, "maintenance off (h1 preempts back)", t_off)
    assert poll.hosts_seen() == ["h1.mx.test", "h2.mx.test", "h1.mx.test"], poll.hosts_seen()
    assert len(poll.samples) > 100
    assert lab.instance("h1")["health"]["maintenance"] is False
    invariant(lab, ADV)


def test_maintenance_refused_when_no_peer_can_take_over(make_lab):
    """h2 is unhealthy under health_strict, so out of the election: h1 is
    the only candidate; maintenance on says so and keeps the VIP."""
    lab, pf = mx_lab(make_lab)
    start_mx(lab, extra="health_strict")
    pf["h2"].set_greeting_reject("421 4.3.2 Fault injected")
    assert wait_for(lambda: check(lab.instance("h2"), "default_smtp")["state"] == "failing",
                    INTERVAL + 1)
    with BannerPoller(lab, "client", VIP, interval=0.005) as poll:
        assert poll.wait_host("h1.mx.test", 2)
        t0 = time.monotonic()
        r = lab.vipctl("h1", "maintenance", "on", check=False)
        assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
        assert "no peer took over: still Master, maintenance off" in r.stdout, r.stdout
        assert lab.monitor.lost("h1", t0) is None
        assert lab.holders() == ["h1"]
        i = lab.instance("h1")
        assert (i["state"], i["health"]["maintenance"]) == ("MASTER", False), i
        assert_stable(lab, {"h1": "MASTER"}, 1.0)
    no_failures(lab, poll, "maintenance on refused")
    assert poll.hosts_seen() == ["h1.mx.test"]


# ---- with keepalived --------------------------------------------------------
def test_vipd_hands_over_to_keepalived_backup(make_lab):
    lab, pf = mx_lab(make_lab)
    lab.start_vipd("h1", conf("h1", 100))
    settle(lab, "h1", timeout=8)
    lab.start_keepalived("h2", vrrp_conf("h2", 90, ADV))
    assert lab.wait_states({"h2": "BACKUP"}, 3), lab.states()
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 3 * MDI_H2)
    # keepalived checks nothing here: it takes over on the priority-0 advert.
    within = INTERVAL + SKEW_H2 + SLACK
    fail_over(lab, lambda: pf["h1"].set_greeting_reject("421 4.3.2 Fault injected"),
              r"^smtp: 421 from 127\.0\.0\.1:25 at greeting$", "default_smtp", within)
    assert re.search(r"\(VI_1\) Entering MASTER STATE", lab.hosts["h2"].agent.log_text())
    assert lab.instance("h1")["counters"]["prio0_sent"] == 1
    assert lab.instance("h1")["master_address"] == "203.0.113.2"
    comes_back(lab, lambda: pf["h1"].set_greeting_reject(None), "default_smtp")
    assert lab.wait_states({"h2": "BACKUP"}, 2), lab.states()
    invariant(lab, ADV)


# ---- what vipctl shows --------------------------------------------------------
def status_top(host):
    return ("smtp_check mx {\n    starttls on\n    tls_ca_file %s\n    rcpt_to probe@sink.test\n"
            "    weight -20\n}\npostfix_check queue {\n    weight 5\n}\n" % TLS_CA[host])


def test_status_and_explain_show_checks(make_lab):
    lab, pf = mx_lab(make_lab, tls=True)
    for h in ("h1", "h2"):
        TLS_CA[h] = pf[h].ca_path
    start_mx(lab, top=status_top, extra=track("mx", "queue", "default_smtp"))
    # A deferred message in h1's queue.
    pf["h1"].set(defer_transports="virtual")
    pf["h1"].reload()
    send_mail(lab, "client", "box@sink.test", uuid.uuid4().hex, lab.hosts["h1"].addr)
    assert wait_for(lambda: check(lab.instance("h1"), "queue")["queue"]["deferred"] == 1,
                    10, 0.2), check(lab.instance("h1"), "queue")

    i = lab.instance("h1")
    mx, q = check(i, "mx"), check(i, "queue")
    assert (mx["type"], mx["state"], mx["weight"], mx["banner_host"], mx["tls_days_left"]) == \
        ("smtp", "passing", -20, "h1.mx.test", 30), mx
    assert 0 < mx["latency_ms"] < 2000, mx
    assert mx["reason"] == "smtp: ok from 127.0.0.1:25", mx
    assert (q["type"], q["state"], q["weight"], q["master_pid"]) == \
        ("postfix", "passing", 5, pf["h1"].master_pid()), q
    assert q["queue"] == {"maildrop": 0, "incoming": 0, "active": 0, "deferred": 1, "hold": 0,
                          "corrupt": 0}, q
    assert i["effective_priority"] == 105

    text = lab.vipctl("h1", "status").stdout
    assert re.search(r"check mx: passing \(weight -20\): smtp: ok from 127\.0\.0\.1:25, "
                     r"[\d.]+ ms, banner h1\.mx\.test, certificate 30 days left", text), text
    assert re.search(r"check queue: passing \(weight 5\): postfix master \(pid \d+\) is "
                     r"running, [\d.]+ ms; queue maildrop 0 incoming 0 active 0 deferred 1 "
                     r"hold 0 corrupt 0", text), text
    assert re.search(r"VI_1 .* MASTER +100\(105\)", text), text

    ex = lab.vipctl("h1", "explain").stdout
    for line in ("base priority 100", "check queue: passing, weight 5: +5",
                 "100 +5 = 105, kept within 1..254", "effective priority 105"):
        assert line in ex, ex

    # The weighted check fails: 100 + 5 - 20 = 85 < 90, h2 preempts.
    t0 = time.monotonic()
    pf["h1"].set_rcpt_reject("550 5.7.1 Fault injected")
    assert wait_for(lambda: lab.monitor.gained("h2", t0), INTERVAL + MDI_H2 + 2)
    ex = lab.vipctl("h1", "explain").stdout
    for line in ("check mx: failing, weight -20: -20; last: smtp: 550 from 127.0.0.1:25 at rcpt",
                 "100 -15 = 85, kept within 1..254", "effective priority 85",
                 "Master: 203.0.113.2 at priority"):
        assert line in ex, ex
    assert lab.instance("h1")["effective_priority"] == 85
    text = lab.vipctl("h1", "status").stdout
    assert re.search(r"MASTER -> BACKUP .*\(higher priority advert\)", text), text
    assert "check mx: failing (weight -20): smtp: 550 from 127.0.0.1:25 at rcpt" in text, text
