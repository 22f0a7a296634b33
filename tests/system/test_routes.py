# SPDX-License-Identifier: ISC
"""Addresses, routes and rules that follow mastership (virtual_routes,
virtual_rules, address-line options) and the static ones (static_ipaddress,
static_routes, static_rules): installed as asked, removed only if vipd
installed them; anything set by hand is left alone."""

import json

import pytest

from helpers import settle
from lab import impl, vrrp_conf, wait_for

pytestmark = pytest.mark.skipif(impl() != "vipd", reason="vipd's protocol 118 and vipctl")

ADV = 0.1
PROTO = "118"
MX_VIP = "203.0.113.100"
MX_LINE = "%s/24 dev eth0 label eth0:mx brd 203.0.113.255" % MX_VIP
ROUTES = """virtual_routes {
    src 203.0.113.100 to 198.51.100.0/24 via 203.0.113.254 dev eth0
}
virtual_rules {
    from 203.0.113.100 table 100 priority 100
}"""


def routes(lab, host, prefix, *fam):
    """`ip [-6] -j route show PREFIX` in host's namespace, as dicts."""
    out = lab.ip(lab.hosts[host].ns, *fam, "-j", "route", "show", prefix).stdout
    return json.loads(out or "[]")


def ours(rts):
    return [r for r in rts if str(r.get("protocol")) == PROTO]


def rules(lab, host):
    out = lab.ip(lab.hosts[host].ns, "-j", "rule", "show").stdout
    return [r for r in json.loads(out or "[]") if str(r.get("protocol")) == PROTO]


def addr_info(lab, host, addr):
    out = lab.ip(lab.hosts[host].ns, "-j", "addr", "show", "dev", "eth0").stdout
    for link in json.loads(out):
        for a in link.get("addr_info", []):
            if a.get("local") == addr:
                return a
    return None


def mx_conf(host, prio):
    return vrrp_conf(host, prio, ADV, vips=("203.0.113.5/24", MX_LINE), extra=ROUTES)


def test_src_route_moves_with_the_vip(lab):
    lab.start_agent("h1", mx_conf("h1", 100))
    lab.start_agent("h2", mx_conf("h2", 90))
    settle(lab, "h1")
    assert wait_for(lambda: ours(routes(lab, "h1", "198.51.100.0/24")), 2)
    r = ours(routes(lab, "h1", "198.51.100.0/24"))
    assert len(r) == 1 and r[0]["prefsrc"] == MX_VIP and r[0]["gateway"] == "203.0.113.254", r
    assert routes(lab, "h2", "198.51.100.0/24") == []
    ru = rules(lab, "h1")
    assert len(ru) == 1 and ru[0]["src"] == MX_VIP and ru[0]["table"] == "100" \
        and ru[0]["priority"] == 100, ru
    assert rules(lab, "h2") == []
    # The VIP line's options, as asked.
    a = addr_info(lab, "h1", MX_VIP)
    assert a and a["label"] == "eth0:mx" and a["broadcast"] == "203.0.113.255", a
    assert addr_info(lab, "h2", MX_VIP) is None
    inst = lab.instance("h1")
    assert [(x["kind"], x["state"]) for x in inst["routes"]] == \
        [("route", "installed"), ("rule", "installed")], inst["routes"]
    assert inst["routes"][0]["line"] == \
        "src 203.0.113.100 to 198.51.100.0/24 via 203.0.113.254 dev eth0"
    assert [x["state"] for x in lab.instance("h2")["routes"]] == ["absent", "absent"]

    # The Master goes: route and rule follow the VIP to h2, none stays on h1.
    lab.stop_agent("h1")
    settle(lab, "h2")
    assert wait_for(lambda: ours(routes(lab, "h2", "198.51.100.0/24")), 2), \
        routes(lab, "h2", "198.51.100.0/24")
    assert len(rules(lab, "h2")) == 1
    assert routes(lab, "h1", "198.51.100.0/24") == []
    assert rules(lab, "h1") == []

    # h1 comes back and preempts: h2 gives route, rule and VIP back.
    lab.start_agent("h1", mx_conf("h1", 100))
    settle(lab, "h1")
    assert wait_for(lambda: ours(routes(lab, "h1", "198.51.100.0/24")) and
                    not routes(lab, "h2", "198.51.100.0/24"), 2)
    assert wait_for(lambda: rules(lab, "h2") == [], 1), rules(lab, "h2")


def test_route_set_by_hand_is_left_alone(lab):
    # Same prefix as the virtual route, another gateway, set by the admin.
    lab.ip(lab.hosts["h1"].ns, "route", "add", "198.51.100.0/24", "via", "203.0.113.253",
           "dev", "eth0")
    lab.start_agent("h1", mx_conf("h1", 100))
    settle(lab, "h1")
    assert wait_for(lambda: ours(routes(lab, "h1", "198.51.100.0/24")), 2)
    rts = routes(lab, "h1", "198.51.100.0/24")
    assert len(rts) == 2, rts
    lab.stop_agent("h1")
    rts = routes(lab, "h1", "198.51.100.0/24")
    assert len(rts) == 1 and rts[0]["gateway"] == "203.0.113.253" and \
        str(rts[0].get("protocol")) != PROTO, rts


STATIC = """static_ipaddress {
    192.0.2.10/24 dev eth0 label eth0:st
    192.0.2.11/24 dev eth0
}
static_routes {
    198.51.100.0/25 via 203.0.113.254 dev eth0 metric 50
    198.51.100.128/25 via 203.0.113.254 dev eth0
}
static_rules {
    from 192.0.2.10 table 200 priority 1000
}
"""


def test_static_routes_from_start_to_stop(lab):
    ns = lab.hosts["h1"].ns
    # Set by hand before vipd starts: an address vipd also lists, and a
    # route identical to one of its static routes but for the protocol.
    lab.ip(ns, "addr", "add", "192.0.2.11/24", "dev", "eth0")
    lab.ip(ns, "route", "add", "198.51.100.128/25", "via", "203.0.113.254", "dev", "eth0")
    # h2 is Master: h1 stays BACKUP, the static ones go in all the same.
    lab.start_agent("h2", vrrp_conf("h2", 200, ADV))
    lab.start_agent("h1", STATIC + vrrp_conf("h1", 100, ADV))
    settle(lab, "h2")
    assert wait_for(lambda: ours(routes(lab, "h1", "198.51.100.0/25")), 2)
    a = addr_info(lab, "h1", "192.0.2.10")
    assert a and a["label"] == "eth0:st" and a.get("valid_life_time") == 4294967295, a
    assert len(rules(lab, "h1")) == 1
    st = {x["line"]: x["state"] for x in lab.status("h1")["static"]}
    assert st["192.0.2.10/24 dev eth0 label eth0:st"] == "installed", st
    assert st["192.0.2.11/24 dev eth0"] == "foreign", st
    assert st["to 198.51.100.0/25 via 203.0.113.254 dev eth0 metric 50"] == "installed", st
    assert st["to 198.51.100.128/25 via 203.0.113.254 dev eth0"] == "installed", st
    assert len(routes(lab, "h1", "198.51.100.128/25")) == 2
    assert lab.state("h1") == "BACKUP"

    lab.stop_agent("h1")
    assert addr_info(lab, "h1", "192.0.2.10") is None
    assert addr_info(lab, "h1", "192.0.2.11") is not None, "hand-set address removed"
    assert routes(lab, "h1", "198.51.100.0/25") == []
    rts = routes(lab, "h1", "198.51.100.128/25")
    assert len(rts) == 1 and str(rts[0].get("protocol")) != PROTO, rts
    assert rules(lab, "h1") == []


def test_leftover_virtual_route_is_swept(lab):
    ns = lab.hosts["h1"].ns
    # A crashed vipd's route (protocol 118) and the admin's (another
    # metric) for the same prefix: only the first goes at start.
    lab.ip(ns, "route", "add", "198.51.100.0/24", "via", "203.0.113.254", "dev", "eth0",
           "proto", PROTO)
    lab.ip(ns, "route", "add", "198.51.100.0/24", "via", "203.0.113.253", "dev", "eth0",
           "metric", "7")
    lab.start_agent("h2", vrrp_conf("h2", 200, ADV))
    lab.start_agent("h1", vrrp_conf("h1", 100, ADV, extra="""virtual_routes {
    198.51.100.0/24 via 203.0.113.254 dev eth0
}"""))
    settle(lab, "h2")
    rts = routes(lab, "h1", "198.51.100.0/24")
    assert len(rts) == 1 and rts[0]["gateway"] == "203.0.113.253", rts


def test_reload_changes_only_what_changed(lab):
    def conf(second, static):
        return ("static_routes {\n    %s via 203.0.113.254 dev eth0\n}\n" % static +
                vrrp_conf("h1", 100, ADV, vips=("203.0.113.5/24", MX_LINE), extra="""
virtual_routes {
    src 203.0.113.100 to 198.51.100.0/24 via 203.0.113.254 dev eth0
    %s via 203.0.113.254 dev eth0
}""" % second))

    lab.start_agent("h1", conf("192.0.2.0/26", "192.0.2.128/26"))
    settle(lab, "h1")
    assert wait_for(lambda: ours(routes(lab, "h1", "192.0.2.0/26")), 2)
    assert ours(routes(lab, "h1", "192.0.2.128/26"))
    with open(lab.hosts["h1"].agent.conf, "w") as f:
        f.write(conf("192.0.2.64/26", "192.0.2.192/26"))
    r = lab.vipctl("h1", "reload", check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    assert wait_for(lambda: ours(routes(lab, "h1", "192.0.2.64/26")), 2)
    assert routes(lab, "h1", "192.0.2.0/26") == []
    assert routes(lab, "h1", "192.0.2.128/26") == []
    assert ours(routes(lab, "h1", "192.0.2.192/26"))
    assert len(ours(routes(lab, "h1", "198.51.100.0/24"))) == 1
    log = lab.hosts["h1"].agent.log_text()
    assert "removed route src 203.0.113.100" not in log, log
    assert log.count("added route src 203.0.113.100") == 1, log
    assert [x["state"] for x in lab.instance("h1")["routes"]] == ["installed"] * 2
    lab.stop_agent("h1")
    for p in ("198.51.100.0/24", "192.0.2.64/26", "192.0.2.192/26"):
        assert routes(lab, "h1", p) == [], p


def test_ipv6_route_rule_and_peer_address(lab):
    extra = """virtual_routes {
    2001:db8:1::/48 via 2001:db8::fe dev eth0 metric 100
}
virtual_rules {
    from 2001:db8:1::/48 table 100 priority 200
}"""
    peer_line = "203.0.113.101/32 dev eth0 peer 203.0.113.201 scope link"
    lab.start_agent("h1", vrrp_conf("h1", 100, ADV, vips=("203.0.113.5/24", peer_line),
                                    extra=extra))
    settle(lab, "h1")
    assert wait_for(lambda: ours(routes(lab, "h1", "2001:db8:1::/48", "-6")), 3), \
        lab.hosts["h1"].agent.log_text()
    r = ours(routes(lab, "h1", "2001:db8:1::/48", "-6"))[0]
    assert r["gateway"] == "2001:db8::fe" and r["metric"] == 100, r
    out = lab.ip(lab.hosts["h1"].ns, "-6", "-j", "rule", "show").stdout
    ru = [x for x in json.loads(out) if str(x.get("protocol")) == PROTO]
    assert len(ru) == 1 and ru[0]["src"] == "2001:db8:1::" and ru[0]["srclen"] == 48, ru
    a = addr_info(lab, "h1", "203.0.113.101")
    assert a and a.get("address") == "203.0.113.201" and a["scope"] == "link", a
    # The peer address is found again for the refresh and the delete.
    assert wait_for(lambda: "cannot" in lab.hosts["h1"].agent.log_text(), 1.5) is False
    lab.stop_agent("h1")
    assert addr_info(lab, "h1", "203.0.113.101") is None
    assert routes(lab, "h1", "2001:db8:1::/48", "-6") == []


def test_static_route_on_a_late_device_is_retried(lab):
    ns = lab.hosts["h1"].ns
    static = """static_routes {
    192.0.2.0/24 dev vd0
}
"""
    lab.start_agent("h1", static + vrrp_conf("h1", 100, ADV))
    settle(lab, "h1")
    st = lab.status("h1")["static"]
    assert [x["state"] for x in st] == ["failed"], st
    # The device appears later (as a VLAN brought up after vipd at boot):
    # the retry (every 5 s) installs the route.
    lab.ip(ns, "link", "add", "vd0", "type", "veth", "peer", "name", "vd1")
    lab.ip(ns, "link", "set", "vd1", "up")
    lab.ip(ns, "link", "set", "vd0", "up")
    assert wait_for(lambda: ours(routes(lab, "h1", "192.0.2.0/24")), 8), \
        lab.hosts["h1"].agent.log_text()
    assert [x["state"] for x in lab.status("h1")["static"]] == ["installed"]
    log = lab.hosts["h1"].agent.log_text()
    assert log.count("cannot add route to 192.0.2.0/24") == 1, log
    lab.stop_agent("h1")
    assert routes(lab, "h1", "192.0.2.0/24") == []
