# SPDX-License-Identifier: ISC
"""No accepted mail is lost across failovers: a client sends a few hundred
messages through the VIP while every kind of fault hits whichever host is
Master (link cut, Postfix stopped, Postfix frozen, vipd SIGTERM, vipd
SIGKILL, planned handover).  The engine is mailloss.py; `make bench` runs
a long version."""

import os

import pytest

import mailloss
from helpers import settle
from lab import impl, vrrp_conf
from postfix import add_postfixes

ADV = 0.1
N = int(os.environ.get("VIPD_MAILLOSS_N", "400"))
RATE = 15.0     # messages per second: the sending spans about 20 faults

CHECKS = """smtp_check default_smtp {
    interval 0.1
}
postfix_check default_postfix {
    interval 0.1
}
"""


@pytest.mark.skipif(impl() == "keepalived",
                    reason="vipd's checks and maintenance mode drive the faults")
def test_no_accepted_mail_lost(make_lab):
    lab = make_lab(["mx1", "mx2", "client"])
    pfs = add_postfixes(lab, ["mx1", "mx2"])
    confs = {h: vrrp_conf(h, p, ADV, default_checks=True) + CHECKS
             for h, p in (("mx1", 100), ("mx2", 90))}
    agents = mailloss.VipdAgents(lab, confs)
    for h in ("mx1", "mx2"):
        agents.start(h)
    settle(lab, "mx1", timeout=10)

    res = mailloss.run(lab, pfs, agents, "client", N, RATE, hold=1.0, pause=0.3,
                       send_deadline=100)
    summary = {k: res[k] for k in ("messages", "attempts", "accepted", "retries", "outcomes",
                                   "duplicates", "fault_count", "failovers",
                                   "max_client_wait_s", "max_wait_to_delivery_s",
                                   "send_seconds", "not_drained")}
    print("mail-loss:", summary)
    assert res["sender_errors"] == [], res["sender_errors"]
    assert res["never_accepted"] == [], "never accepted: %s" % res["never_accepted"][:10]
    assert res["lost"] == [], "LOST accepted mail: %s\n%s" % (res["lost"][:20], summary)
    assert res["unexplained_duplicates"] == [], \
        "duplicates without an UNKNOWN attempt: %s" % res["unexplained_duplicates"][:20]
    assert res["phantom"] == [], "delivered copies of rejected attempts: %s" % res["phantom"]
    assert res["not_drained"] == [], "queues not drained: %s" % res["not_drained"]
    errors = [f for f in res["faults"] if "error" in f]
    assert errors == [], errors
    kinds = {f["kind"] for f in res["faults"]}
    assert kinds == set(mailloss.FAULT_KINDS), "fault kinds run: %s" % kinds
    assert all(f.get("settled") for f in res["faults"]), res["faults"]
    assert res["failovers"] >= 6, "only %d failovers" % res["failovers"]
    # The sum of all outcomes is every attempt; at least one fault made a
    # client retry, or the test did not test anything.
    assert sum(res["outcomes"].values()) == res["attempts"]
    assert res["retries"] > 0, summary
