# SPDX-License-Identifier: ISC
"""VRRPv2 against keepalived 2.2.7 when the two are configured differently:
another advert_int, another password or no authentication.  Both sides must
drop the other's adverts (a split brain is the expected, visible result),
vipd must count the drops, name the peer in misconfigured_peer, and go on
answering; once the peer is fixed they converge."""

import time

import pytest

import kalib
from helpers import assert_stable, has_vipctl, invariant, settle
from lab import vrrp_conf, wait_for

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="vipd against keepalived")

PEER = "203.0.113.2"


def vipd_conf(adv=1, password="SecurePass123"):
    return vrrp_conf("h1", 100, adv, version=2, extra=kalib.auth(password))


def ka_conf(adv=1, password="SecurePass123"):
    extra = kalib.auth(password) if password else ""
    return vrrp_conf("h2", 90, adv, version=2, extra=extra)


def drop_count(lab, reason):
    return lab.instance("h1")["counters"]["drops"][reason]


def both_masters_and_counted(lab, reason, ka_pattern, misconfig, timeout):
    """Both sides become Master, vipd counts `reason` and names the peer,
    keepalived logs ka_pattern; vipd answers status all along.

    keepalived 2.2.7 as Master sends one advert on taking over and then no
    more while it keeps receiving adverts it refuses at least as often as
    its own advert_int (seen on the wire here): vipd sees one advert from
    it, not one per interval."""
    kalib.wait_status(lab, "h1")
    deadline = time.monotonic() + timeout
    while True:
        i = lab.instance("h1")     # raises if vipd stopped answering
        ok = (i["counters"]["drops"][reason] >= 1 and i["state"] == "MASTER" and
              lab.state("h2") == "MASTER" and
              kalib.keepalived_log(lab, "h2", ka_pattern))
        if ok:
            break
        assert time.monotonic() < deadline, "after %.0f s: %s, drops %s, keepalived: %s" % (
            timeout, lab.states(), kalib.vipd_drops(lab, "h1"),
            kalib.keepalived_refusals(lab, "h2"))
        time.sleep(0.1)
    assert i["misconfigured_peer"] == misconfig, i["misconfigured_peer"]
    others = {k: v for k, v in kalib.vipd_drops(lab, "h1").items() if k != reason}
    assert others == {}, others
    # Adverts vipd refuses never touch its state machine.
    assert i["master_address"] in (None, "203.0.113.1"), i["master_address"]
    assert i["counters"]["adverts_received"] == 0, i["counters"]
    assert lab.hosts["h1"].agent.running()


def fix_peer_and_converge(lab, conf):
    """Restart keepalived configured like vipd: h1 stays Master, h2 Backup."""
    assert lab.stop_agent("h2") == 0
    t0 = time.monotonic()
    lab.start_keepalived("h2", conf)
    settle(lab, "h1", timeout=5)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 2.0)
    before = kalib.vipd_drops(lab, "h1")
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 1.2)
    assert kalib.vipd_drops(lab, "h1") == before, "still dropping the fixed peer"
    invariant(lab, 1, since=t0 + 1.5)


def test_interval_mismatch_dropped_and_reported(make_lab):
    lab = make_lab(2)
    # keepalived (advert_int 1) is Master after 3.6 s and then sends every
    # second; vipd (advert_int 2) drops each one and is Master after 6.6 s.
    lab.start_vipd("h1", vipd_conf(adv=2))
    lab.start_keepalived("h2", ka_conf(adv=1))
    both_masters_and_counted(lab, "interval_mismatch",
                             r"advertisement interval mismatch mine=1 sec rcv'd=2 sec",
                             "%s: advert_int 1 s, ours 2 s" % PEER, 10)
    # Each later advert is counted too (keepalived's own adverts thin out
    # once it receives vipd's: it re-arms its timer on every packet).
    before = drop_count(lab, "interval_mismatch")
    assert wait_for(lambda: drop_count(lab, "interval_mismatch") > before, 3, 0.1)
    i = lab.instance("h1")
    assert i["state"] == "MASTER" and lab.hosts["h1"].agent.running()
    fix_peer_and_converge(lab, ka_conf(adv=2))


AUTH_CASES = {
    # keepalived password, its log line, vipd's misconfigured_peer
    "wrong_password": ("WrongPass", r"received an invalid passwd",
                       "%s: authentication differs" % PEER),
    "no_authentication": (None, r"received a 1 auth, expecting 0",
                          "%s: authentication differs" % PEER),
}


@pytest.mark.parametrize("case", sorted(AUTH_CASES))
def test_auth_mismatch_dropped_and_reported(make_lab, case):
    password, pattern, misconfig = AUTH_CASES[case]
    lab = make_lab(2)
    lab.start_vipd("h1", vipd_conf())
    lab.start_keepalived("h2", ka_conf(password=password))
    both_masters_and_counted(lab, "auth_mismatch", pattern, misconfig, 8)
    fix_peer_and_converge(lab, ka_conf())


def test_password_equal_in_first_8_characters(make_lab):
    """Both truncate auth_pass to 8 characters: SecurePass123 and
    SecurePaXYZ are the same password on the wire."""
    lab = make_lab(2)
    lab.start_vipd("h1", vipd_conf(password="SecurePass123"))
    assert lab.wait_states({"h1": "BACKUP"}, 2), lab.states()
    lab.start_keepalived("h2", ka_conf(password="SecurePaXYZ"))
    settle(lab, "h1", timeout=6)
    assert_stable(lab, {"h1": "MASTER", "h2": "BACKUP"}, 4.0)
    kalib.assert_vipd_clean(lab, "h1")
    kalib.assert_keepalived_clean(lab, "h2")
    invariant(lab, 1)
