# SPDX-License-Identifier: ISC
"""Several instances in one daemon: the active/active mail pair (VI_1 with
203.0.113.5 Master on h1, VI_2 with 203.0.113.6 Master on h2), vipd on one
host and keepalived 2.2.7 on the other.  A host failure moves both VIPs to
the survivor; its recovery restores the split."""

import time

import pytest

import kalib
from helpers import has_vipctl
from lab import vrrp_conf, wait_for

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="vipd against keepalived")

VIP2 = "203.0.113.6"
PRIOS = {"h1": (100, 90), "h2": (90, 100)}


def conf2(host, version, adv):
    p1, p2 = PRIOS[host]
    extra = kalib.auth() if version == 2 else ""
    return (vrrp_conf(host, p1, adv, version=version, extra=extra) +
            vrrp_conf(host, p2, adv, version=version, extra=extra, vrid=52, name="VI_2",
                      vips=(VIP2 + "/24",), global_defs=False))


def states(lab):
    return {(h, n): lab.state(h, n) for h in ("h1", "h2") for n in ("VI_1", "VI_2")}


def wait_layout(lab, vi1, vi2, timeout, down=None):
    """VI_1 Master on vi1 and VI_2 on vi2, the other host Backup (or, for
    host `down`, not running or FAULT), and the VIPs only there."""
    def ok():
        for name, master in (("VI_1", vi1), ("VI_2", vi2)):
            for h in ("h1", "h2"):
                s = lab.state(h, name)
                if h == master:
                    if s != "MASTER":
                        return False
                elif h == down:
                    if s not in (None, "FAULT"):
                        return False
                elif s != "BACKUP":
                    return False
        return lab.holders() == [vi1] and lab.holders(VIP2) == [vi2]
    assert wait_for(ok, timeout, 0.05), "expected VI_1@%s VI_2@%s: %s, holders %s / %s" % (
        vi1, vi2, states(lab), lab.holders(), lab.holders(VIP2))


@pytest.mark.parametrize("vipd_host,version", [("h1", 2), ("h2", 3)])
def test_active_active_pair_with_keepalived(make_lab, vipd_host, version):
    lab = make_lab(2)
    ka_host = "h2" if vipd_host == "h1" else "h1"
    adv = 1 if version == 2 else 0.1
    mdi = 3 * adv + adv       # Master_Down_Interval plus skew, generously
    mon2 = kalib.watch(lab, VIP2)

    def start(h):
        if h == vipd_host:
            lab.start_vipd(h, conf2(h, version, adv))
        else:
            lab.start_keepalived(h, conf2(h, version, adv))
    start("h1")
    start("h2")
    wait_layout(lab, "h1", "h2", mdi + 3)
    time.sleep(1.5 * adv)    # a peer refusing adverts would time out into Master
    wait_layout(lab, "h1", "h2", 0.1)
    if vipd_host == "h2":
        assert lab.instance("h2", "VI_1")["master_address"] == "203.0.113.1"
    else:
        assert lab.instance("h1", "VI_2")["master_address"] == "203.0.113.2"
    kalib.assert_vipd_clean(lab, vipd_host, ("VI_1", "VI_2"))
    kalib.assert_keepalived_clean(lab, ka_host)

    # h1 fails (link cut): both VIPs on h2; back: the split returns.
    lab.link_down("h1")
    wait_layout(lab, "h2", "h2", mdi + 2, down="h1")
    lab.link_up("h1")
    wait_layout(lab, "h1", "h2", mdi + 3)

    # h2's agent stops: both on h1; restarted: the split returns.
    assert lab.stop_agent("h2") == 0
    wait_layout(lab, "h1", "h1", 2, down="h2")
    start("h2")
    wait_layout(lab, "h1", "h2", mdi + 3)
    time.sleep(adv + 0.2)
    wait_layout(lab, "h1", "h2", 0.1)
    kalib.assert_vipd_clean(lab, vipd_host, ("VI_1", "VI_2"))
    kalib.assert_keepalived_clean(lab, ka_host)
    lab.monitor.assert_single_holder(adv + 0.1)
    mon2.assert_single_holder(adv + 0.1)
