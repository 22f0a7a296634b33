# SPDX-License-Identifier: ISC
"""vrrp_sync_group: the public MX address on eth0 and the internal relay
address on eth1 move together.  Cutting one member's link takes both
addresses to the other host; the group's notify scripts run with
keepalived's arguments (GROUP name state 0); the group comes back when the
link does.  With keepalived as the peer, the two sync groups interoperate."""

import json
import os
import stat

import pytest

from helpers import has_vipctl
from lab import impl, wait_for

ADV = 0.1
MX_VIP = "203.0.113.5"
RELAY_VIP = "198.51.100.5"
NOTIFY = """#!/bin/sh
printf '%%s|%%s\\n' "$*" "$VIPD_STATE" >> %s
"""


def add_eth1(lab):
    """A second link: br1 in the bridge namespace, eth1 in every host with
    198.51.100.i/24 (the internal network of a mail pair)."""
    b = lab.bridge_ns
    lab.ip(b, "link", "add", "br1", "type", "bridge", "stp_state", "0",
           "forward_delay", "0", "mcast_snooping", "0")
    lab.ip(b, "link", "set", "br1", "up")
    for h in lab.hosts.values():
        port = "q-%s" % h.name[:12]
        lab.ip(b, "link", "add", port, "type", "veth", "peer", "name", "eth1",
               "netns", h.ns)
        lab.ip(b, "link", "set", port, "master", "br1")
        lab.ip(b, "link", "set", port, "up")
        lab.ip(h.ns, "addr", "add", "198.51.100.%d/24" % h.index, "dev", "eth1")
        lab.ip(h.ns, "link", "set", "eth1", "up")


def group_conf(name, prio, notify=None, vipd_only=True, group_extra="", group=True):
    """Two instances in one vrrp_sync_group, as a mail pair writes it."""
    inst = """vrrp_instance %(n)s {
    state BACKUP
    interface %(dev)s
    virtual_router_id %(vrid)d
    priority %(prio)d
    advert_int %(adv)s
    version 3
%(checks)s    virtual_ipaddress {
        %(vip)s/24
    }
}
"""
    checks = "    default_checks off\n" if vipd_only else ""
    text = "global_defs {\n    router_id %s\n}\n" % name
    if group:
        text += "vrrp_sync_group MAIL {\n    group {\n        VI_MX\n        VI_RELAY\n    }\n"
        if notify:
            text += "    notify_master %s\n    notify_backup %s\n    notify_fault %s\n" \
                    "    notify %s\n" % (notify, notify, notify, notify)
        text += group_extra + "}\n"
    for n, dev, vrid, vip in (("VI_MX", "eth0", 51, MX_VIP), ("VI_RELAY", "eth1", 52, RELAY_VIP)):
        text += inst % {"n": n, "dev": dev, "vrid": vrid, "prio": prio, "adv": ADV,
                        "vip": vip, "checks": checks}
    return text


def script(lab, host):
    d = lab.hosts[host].dir
    log = os.path.join(d, "group-notify.log")
    p = os.path.join(d, "group-notify.sh")
    with open(p, "w") as f:
        f.write(NOTIFY % log)
    os.chmod(p, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    return p, log


def runs(log):
    try:
        with open(log) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def holds(lab, host, addr, dev):
    return any(a["addr"] == addr for a in lab.addrs(host, dev))


def where(lab):
    """Who holds each address: {"mx": [hosts], "relay": [hosts]}."""
    return {"mx": [h for h in lab.hosts if holds(lab, h, MX_VIP, "eth0")],
            "relay": [h for h in lab.hosts if holds(lab, h, RELAY_VIP, "eth1")]}


def both(lab, host, state):
    return all(lab.state(host, n) == state for n in ("VI_MX", "VI_RELAY"))


def wait_group(lab, master, backup, timeout):
    return wait_for(lambda: both(lab, master, "MASTER") and both(lab, backup, "BACKUP")
                    and where(lab) == {"mx": [master], "relay": [master]}, timeout, 0.05)


@pytest.mark.skipif(not has_vipctl(), reason="vipd status and notify")
def test_sync_group_moves_both_vips(make_lab):
    lab = make_lab(["h1", "h2"])
    add_eth1(lab)
    s1, log1 = script(lab, "h1")
    s2, log2 = script(lab, "h2")
    lab.start_vipd("h1", group_conf("h1", 150, s1))
    lab.start_vipd("h2", group_conf("h2", 100, s2))
    assert wait_group(lab, "h1", "h2", 10), (lab.states(), where(lab))
    assert wait_for(lambda: "GROUP MAIL MASTER 0|MASTER" in runs(log1), 3), runs(log1)
    st = lab.status("h1")
    g = st["sync_groups"][0]
    assert g["name"] == "MAIL" and g["state"] == "MASTER", g
    assert [(m["name"], m["state"]) for m in g["members"]] == \
        [("VI_MX", "MASTER"), ("VI_RELAY", "MASTER")]
    assert all(i["sync_group"] == "MAIL" for i in st["instances"])
    text = lab.vipctl("h1", "status").stdout
    assert "sync group MAIL: MASTER (VI_MX MASTER, VI_RELAY MASTER)" in text, text
    assert "sync group MAIL is MASTER" in lab.vipctl("h1", "explain").stdout

    # Cut only the relay link of the Master: the MX address goes too.
    lab.ip(lab.hosts["h1"].ns, "link", "set", "eth1", "down")
    assert wait_for(lambda: both(lab, "h1", "FAULT") and both(lab, "h2", "MASTER")
                    and where(lab) == {"mx": ["h2"], "relay": ["h2"]}, 5), \
        (lab.states(), where(lab), lab.report())
    mx = lab.instance("h1", "VI_MX")
    assert mx["fault_reason"].startswith("sync group MAIL: VI_RELAY is faulted"), mx
    assert wait_for(lambda: "GROUP MAIL FAULT 0|FAULT" in runs(log1), 3), runs(log1)
    assert wait_for(lambda: "GROUP MAIL MASTER 0|MASTER" in runs(log2), 3), runs(log2)
    # The Master-side group ran notify_fault, then notify GROUP ...
    r1 = runs(log1)
    assert r1.index("|FAULT") < r1.index("GROUP MAIL FAULT 0|FAULT"), r1

    # Link back: h1 preempts with both, h2 follows to BACKUP together.
    lab.ip(lab.hosts["h1"].ns, "link", "set", "eth1", "up")
    assert wait_group(lab, "h1", "h2", 8), (lab.states(), where(lab))
    assert wait_for(lambda: "GROUP MAIL BACKUP 0|BACKUP" in runs(log2), 3), runs(log2)

    # Maintenance of one member hands the whole group over (a peer's group
    # takes over only as a whole), and back.
    r = lab.vipctl("h1", "maintenance", "on", "VI_RELAY", "--json")
    assert sorted(i["name"] for i in json.loads(r.stdout)["instances"]) == \
        ["VI_MX", "VI_RELAY"], r.stdout
    assert wait_group(lab, "h2", "h1", 5), (lab.states(), where(lab))
    assert all(i["effective_priority"] == 0 for i in lab.status("h1")["instances"])
    lab.vipctl("h1", "maintenance", "off", "VI_MX")
    assert wait_group(lab, "h1", "h2", 5), (lab.states(), where(lab))
    assert lab.stop_agent("h1") == 0
    assert lab.stop_agent("h2") == 0


@pytest.mark.skipif(not has_vipctl(), reason="vipd status")
def test_sync_group_track_interface(make_lab):
    """A group-level track_interface of weight 0 (the mail host's uplink)
    takes both members to FAULT; a weighted one lowers both priorities."""
    lab = make_lab(["h1", "h2"])
    add_eth1(lab)
    for h in ("h1", "h2"):
        for dev in ("uplink", "backbone"):     # veth: no dummy module here
            lab.ip(lab.hosts[h].ns, "link", "add", dev, "type", "veth", "peer", "name",
                   dev + "-p")
            lab.ip(lab.hosts[h].ns, "link", "set", dev + "-p", "up")
            lab.ip(lab.hosts[h].ns, "link", "set", dev, "up")
    extra = "    track_interface {\n        uplink\n        backbone weight -60\n    }\n"
    lab.start_vipd("h1", group_conf("h1", 150, group_extra=extra))
    lab.start_vipd("h2", group_conf("h2", 100, group_extra=extra))
    assert wait_group(lab, "h1", "h2", 10), (lab.states(), where(lab))
    lab.ip(lab.hosts["h1"].ns, "link", "set", "uplink", "down")
    assert wait_for(lambda: both(lab, "h1", "FAULT") and both(lab, "h2", "MASTER")
                    and where(lab) == {"mx": ["h2"], "relay": ["h2"]}, 5), \
        (lab.states(), where(lab))
    for n in ("VI_MX", "VI_RELAY"):
        assert lab.instance("h1", n)["fault_reason"] == \
            "sync group MAIL: tracked interface uplink is down"
    lab.ip(lab.hosts["h1"].ns, "link", "set", "uplink", "up")
    assert wait_group(lab, "h1", "h2", 8), (lab.states(), where(lab))
    # Weighted: 150 - 60 = 90 < 100 on both members, so h2 preempts both.
    lab.ip(lab.hosts["h1"].ns, "link", "set", "backbone", "down")
    assert wait_group(lab, "h2", "h1", 8), (lab.states(), where(lab))
    assert all(i["effective_priority"] == 90 for i in lab.status("h1")["instances"])
    lab.ip(lab.hosts["h1"].ns, "link", "set", "backbone", "up")
    assert wait_group(lab, "h1", "h2", 8), (lab.states(), where(lab))


@pytest.mark.skipif(not has_vipctl(), reason="vipd health checks")
def test_sync_group_check_fails(make_lab):
    """The group's own SMTP check (track_check in the group) fails on the
    Master when its Postfix stops: both addresses go to the other host,
    and come back with Postfix."""
    from postfix import add_postfixes
    lab = make_lab(["h1", "h2"])
    add_eth1(lab)
    pf = add_postfixes(lab, ["h1", "h2"])
    top = "smtp_check mx {\n    connect_port 25\n}\n"
    extra = "    track_check {\n        mx\n    }\n"
    lab.start_vipd("h1", top + group_conf("h1", 150, group_extra=extra))
    lab.start_vipd("h2", top + group_conf("h2", 100, group_extra=extra))
    assert wait_group(lab, "h1", "h2", 10), (lab.states(), where(lab))
    checks = lab.instance("h1", "VI_RELAY")["health"]["checks"]
    assert [(c["name"], c["state"]) for c in checks] == [("mx", "passing")], checks
    pf["h1"].stop()
    assert wait_group(lab, "h2", "h1", 6), (lab.states(), where(lab))
    relay = lab.instance("h1", "VI_RELAY")
    assert relay["effective_priority"] == 1, relay
    pf["h1"].start()
    assert wait_group(lab, "h1", "h2", 8), (lab.states(), where(lab))


@pytest.mark.skipif(not has_vipctl(), reason="vipd status")
def test_sync_group_track_file(make_lab):
    """keepalived's maintenance file, tracked by the group (weight 0): a
    non-zero number in it puts both members in FAULT."""
    lab = make_lab(["h1", "h2"])
    add_eth1(lab)
    files = {}
    for h, prio in (("h1", 150), ("h2", 100)):
        files[h] = os.path.join(lab.hosts[h].dir, "maintenance")
        with open(files[h], "w") as f:
            f.write("0\n")
        top = "vrrp_track_file maint {\n    file %s\n}\n" % files[h]
        extra = "    track_file {\n        maint weight 0\n    }\n"
        lab.start_vipd(h, top + group_conf(h, prio, group_extra=extra))
    assert wait_group(lab, "h1", "h2", 10), (lab.states(), where(lab))
    with open(files["h1"], "w") as f:
        f.write("1\n")
    assert wait_for(lambda: both(lab, "h1", "FAULT") and both(lab, "h2", "MASTER")
                    and where(lab) == {"mx": ["h2"], "relay": ["h2"]}, 5), \
        (lab.states(), where(lab))
    with open(files["h1"], "w") as f:
        f.write("0\n")
    assert wait_group(lab, "h1", "h2", 8), (lab.states(), where(lab))


@pytest.mark.skipif(not has_vipctl(), reason="vipd reload")
def test_sync_group_added_by_reload(make_lab):
    """A reload that puts two running instances in a group: nothing moves,
    and from then on they move together; a second reload keeps the group's
    state."""
    lab = make_lab(["h1", "h2"])
    add_eth1(lab)
    lab.start_vipd("h1", group_conf("h1", 150, group=False))
    lab.start_vipd("h2", group_conf("h2", 100, group=False))
    assert wait_group(lab, "h1", "h2", 10), (lab.states(), where(lab))
    assert lab.status("h1")["sync_groups"] == []
    for h, prio in (("h1", 150), ("h2", 100)):
        with open(lab.hosts[h].agent.conf, "w") as f:
            f.write(group_conf(h, prio))
        r = lab.vipctl(h, "reload", check=False)
        assert r.returncode == 0, r.stdout + r.stderr
    g = lab.status("h1")["sync_groups"][0]
    assert (g["name"], g["state"]) == ("MAIL", "MASTER"), g
    assert lab.status("h2")["sync_groups"][0]["state"] == "BACKUP"
    assert where(lab) == {"mx": ["h1"], "relay": ["h1"]}
    lab.ip(lab.hosts["h1"].ns, "link", "set", "eth1", "down")
    assert wait_for(lambda: both(lab, "h1", "FAULT") and both(lab, "h2", "MASTER")
                    and where(lab) == {"mx": ["h2"], "relay": ["h2"]}, 5), \
        (lab.states(), where(lab))
    assert lab.vipctl("h2", "reload", check=False).returncode == 0
    assert lab.status("h2")["sync_groups"][0]["state"] == "MASTER"
    lab.ip(lab.hosts["h1"].ns, "link", "set", "eth1", "up")
    assert wait_group(lab, "h1", "h2", 8), (lab.states(), where(lab))


@pytest.mark.skipif(impl() != "vipd", reason="vipd against keepalived")
def test_sync_group_with_keepalived_peer(make_lab):
    """keepalived runs the same sync group on the other host."""
    lab = make_lab(["h1", "h2"])
    add_eth1(lab)
    lab.start_vipd("h1", group_conf("h1", 150))
    lab.start_keepalived("h2", group_conf("h2", 100, vipd_only=False))
    assert wait_group(lab, "h1", "h2", 12), (lab.states(), where(lab))
    # vipd's relay link goes: keepalived takes both addresses.
    lab.ip(lab.hosts["h1"].ns, "link", "set", "eth1", "down")
    assert wait_for(lambda: both(lab, "h1", "FAULT") and both(lab, "h2", "MASTER")
                    and where(lab) == {"mx": ["h2"], "relay": ["h2"]}, 6), \
        (lab.states(), where(lab), lab.report())
    lab.ip(lab.hosts["h1"].ns, "link", "set", "eth1", "up")
    assert wait_group(lab, "h1", "h2", 10), (lab.states(), where(lab))
    # keepalived's MX link goes while it is BACKUP: its group goes to
    # FAULT (keepalived logs no state line for the synced member) and
    # vipd keeps both addresses.
    ka = lab.hosts["h2"].agent
    lab.ip(lab.hosts["h2"].ns, "link", "set", "eth0", "down")
    assert wait_for(lambda: lab.state("h2", "VI_MX") == "FAULT" and
                    "VRRP_Group(MAIL) Syncing instances to FAULT state" in ka.log_text(), 6), \
        lab.states()
    assert not wait_for(lambda: where(lab) != {"mx": ["h1"], "relay": ["h1"]}, 1.0), where(lab)
    lab.ip(lab.hosts["h2"].ns, "link", "set", "eth0", "up")
    assert wait_group(lab, "h1", "h2", 10), (lab.states(), where(lab))
