# SPDX-License-Identifier: ISC
"""use_vmac: the Master's VIP lives on a macvlan with the VRRP virtual MAC
(00:00:5e:00:01:VRID), so a host on the segment keeps one MAC for the VIP
across a failover and needs no gratuitous ARP to follow it."""

import os
import re
import shutil
import signal
import tempfile
import time

import pytest

from lab import VIP, impl, vrrp_conf, wait_for

ADV = 0.1
VMAC = "00:00:5e:00:01:33"      # VRID 51
DEV = "vrrp.51"                 # keepalived's default name


def link_info(lab, host, dev=DEV):
    r = lab.run(host, "ip", "-d", "link", "show", "dev", dev, check=False)
    return r.stdout if r.returncode == 0 else None


def sysctl(lab, host, path):
    return lab.run(host, "cat", "/proc/sys/net/" + path).stdout.strip()


def on_vmac(lab, host):
    return any(a["addr"] == VIP for a in lab.addrs(host, dev=DEV))


PROBE = """
import socket, sys
s = socket.socket()
s.settimeout(1)
try:
    s.connect((sys.argv[1], 9))
except ConnectionRefusedError:
    pass                # a RST: the host holding the VIP answered
except OSError:
    sys.exit(1)
"""


def ping(lab, host):
    """Whether host reaches the VIP (TCP to the discard port: refused is
    an answer; the lab has no ping)."""
    return lab.run(host, "python3", "-c", PROBE, VIP,
                   check=False).returncode == 0


def test_vmac_vip_keeps_the_virtual_mac_across_failover(lab):
    for h, prio in (("h1", 100), ("h2", 90)):
        lab.start_agent(h, vrrp_conf(h, prio, ADV, extra="use_vmac"))
    assert lab.wait_states({"h1": "MASTER", "h2": "BACKUP"}, 5), lab.states()
    assert wait_for(lambda: on_vmac(lab, "h1"), 2), lab.addrs("h1", dev=DEV)
    for h in ("h1", "h2"):
        info = link_info(lab, h)
        assert info is not None, "%s: no %s" % (h, DEV)
        assert "link/ether " + VMAC in info, info
        assert "macvlan mode private" in info, info
        assert "state UP" in info or ",UP" in info, info
        # The base never answers ARP for the VIP; the VMAC only for its own.
        assert sysctl(lab, h, "ipv4/conf/%s/arp_ignore" % DEV) == "1"
        assert sysctl(lab, h, "ipv4/conf/eth0/arp_ignore") == "1"
        assert sysctl(lab, h, "ipv4/conf/eth0/arp_filter") == "1"
        assert sysctl(lab, h, "ipv4/conf/eth0/arp_announce") == "2"
        assert not lab.has_addr(h), "%s: VIP on eth0" % h
    assert not on_vmac(lab, "h2")

    # h3 runs no agent: an upstream router's view of the segment.
    if not ping(lab, "h3"):
        dbg = [lab.run(h, *c, check=False).stdout for h in ("h1", "h3") for c in (
            ["ip", "neigh"], ["ip", "route"], ["ip", "-s", "link"], ["ip", "addr"])]
        dbg.append(lab.run_ns(lab.bridge_ns, ["bridge", "fdb"], check=False).stdout)
        raise AssertionError("h3 cannot reach the VIP on h1\n" + "\n".join(dbg))
    assert lab.neigh("h3", VIP) == VMAC, lab.neigh("h3", VIP)

    rc = lab.stop_agent("h1", signal.SIGTERM)
    assert rc == 0, rc
    assert lab.wait_states({"h2": "MASTER"}, 3), lab.states()
    assert wait_for(lambda: on_vmac(lab, "h2"), 2), lab.addrs("h2", dev=DEV)
    # vipd made h1's macvlan: gone at exit, the base's ARP settings back.
    assert link_info(lab, "h1") is None, link_info(lab, "h1")
    assert sysctl(lab, "h1", "ipv4/conf/eth0/arp_ignore") == "0"
    assert sysctl(lab, "h1", "ipv4/conf/eth0/arp_filter") == "0"
    assert sysctl(lab, "h1", "ipv4/conf/eth0/arp_announce") == "0"
    # Same MAC, now answered by h2: no ARP update was needed.
    assert wait_for(lambda: ping(lab, "h3"), 3), "h3 lost the VIP"
    assert lab.neigh("h3", VIP) == VMAC, lab.neigh("h3", VIP)


def test_vmac_found_is_left_in_place(lab):
    """A macvlan that was there before vipd started is used, not deleted."""
    if impl() == "keepalived":
        return      # keepalived deletes it at exit
    lab.ip(lab.hosts["h1"].ns, "link", "add", "link", "eth0", "name", "vmx",
           "address", VMAC, "type", "macvlan", "mode", "private")
    lab.start_agent("h1", vrrp_conf("h1", 100, ADV, extra="use_vmac vmx"))
    assert lab.wait_states({"h1": "MASTER"}, 5), lab.states()
    assert wait_for(lambda: any(a["addr"] == VIP
                                for a in lab.addrs("h1", dev="vmx")), 2)
    assert lab.stop_agent("h1", signal.SIGTERM) == 0
    assert link_info(lab, "h1", "vmx") is not None
    assert not any(a["addr"] == VIP for a in lab.addrs("h1", dev="vmx"))


def test_vmac_wrong_interface_is_a_fault(lab):
    """A link of the VMAC's name that is not our macvlan is never used."""
    if impl() == "keepalived":
        return
    lab.ip(lab.hosts["h1"].ns, "link", "add", "vmx", "type", "veth", "peer",
           "name", "vmxp")
    lab.start_agent("h1", vrrp_conf("h1", 100, ADV, extra="use_vmac vmx"))
    assert lab.wait_states({"h1": "FAULT"}, 5), lab.states()
    assert not any(a["addr"] == VIP for a in lab.addrs("h1", dev="vmx"))
    assert lab.stop_agent("h1", signal.SIGTERM) == 0
    assert link_info(lab, "h1", "vmx") is not None


VIP6 = "2001:db8::5"
VMAC6 = "00:00:5e:00:02:33"


def test_vmac_ipv6(lab):
    """An IPv6 instance: VMAC 00:00:5e:00:02:VRID, adverts from it with the
    base's link-local address, no address generated of its own."""
    for h, prio in (("h1", 100), ("h2", 90)):
        lab.start_agent(h, vrrp_conf(h, prio, ADV, vips=(VIP6 + "/64",),
                                     extra="use_vmac"))
    assert lab.wait_states({"h1": "MASTER", "h2": "BACKUP"}, 6), lab.states()
    assert wait_for(lambda: any(a["addr"] == VIP6 for a in
                                lab.addrs("h1", dev=DEV)), 2)
    for h in ("h1", "h2"):
        info = link_info(lab, h)
        assert info is not None and "link/ether " + VMAC6 in info, info
    # The Backup stays Backup: it hears the Master's adverts on its VMAC.
    time.sleep(10 * ADV)
    assert (lab.state("h1"), lab.state("h2")) == ("MASTER", "BACKUP"), \
        lab.states()
    lab.stop_agent("h1", signal.SIGTERM)
    assert lab.wait_states({"h2": "MASTER"}, 3), lab.states()
    assert wait_for(lambda: any(a["addr"] == VIP6 for a in
                                lab.addrs("h2", dev=DEV)), 2)
    # A neighbour resolving the VIP now learns the IPv6 virtual MAC.
    assert lab.run("h3", "python3", "-c", PROBE.replace(
        "socket.socket()", "socket.socket(socket.AF_INET6)"), VIP6,
        check=False).returncode == 0, "h3 cannot reach %s" % VIP6
    assert lab.neigh("h3", VIP6) == VMAC6, lab.neigh("h3", VIP6)


def keepalived_or_skip():
    if not os.access("/usr/sbin/keepalived", os.X_OK):
        pytest.skip("keepalived is not installed")


def test_vmac_with_keepalived(make_lab):
    """vipd and keepalived 2.2.7, both with use_vmac: one Master, and the
    VIP keeps the virtual MAC when it moves between them."""
    keepalived_or_skip()
    if impl() == "keepalived":
        pytest.skip("vipd against keepalived")
    lab = make_lab(3)
    adv = 0.5
    lab.start_vipd("h1", vrrp_conf("h1", 100, adv, extra="use_vmac"))
    assert lab.wait_states({"h1": "MASTER"}, 5), lab.states()
    # keepalived leaves the base's arp_announce alone; its replies from the
    # VIP would then make the base ARP with the VIP as sender and teach h3
    # the base's MAC. vipd sets it; here the keepalived host's admin does.
    lab.run("h2", "sh", "-c",
            "echo 2 > /proc/sys/net/ipv4/conf/eth0/arp_announce")
    lab.start_keepalived("h2", vrrp_conf("h2", 90, adv, extra="use_vmac"))
    assert lab.wait_states({"h2": "BACKUP"}, 5), lab.states()
    time.sleep(6 * adv)     # keepalived would time out if deaf to us
    assert (lab.state("h1"), lab.state("h2")) == ("MASTER", "BACKUP"), \
        lab.states()
    assert "link/ether " + VMAC in (link_info(lab, "h2") or ""), \
        link_info(lab, "h2")
    assert on_vmac(lab, "h1") and not on_vmac(lab, "h2")
    assert ping(lab, "h3") and lab.neigh("h3", VIP) == VMAC

    assert lab.stop_agent("h1", signal.SIGTERM) == 0
    assert lab.wait_states({"h2": "MASTER"}, 3), lab.states()
    assert wait_for(lambda: on_vmac(lab, "h2"), 2), lab.addrs("h2", dev=DEV)
    assert wait_for(lambda: ping(lab, "h3"), 3), "h3 lost the VIP"
    assert lab.neigh("h3", VIP) == VMAC, lab.neigh("h3", VIP)

    # vipd comes back with the higher priority and preempts keepalived.
    lab.start_vipd("h1", vrrp_conf("h1", 100, adv, extra="use_vmac"))
    assert lab.wait_states({"h1": "MASTER", "h2": "BACKUP"}, 3 * adv + 4), \
        lab.states()
    assert wait_for(lambda: on_vmac(lab, "h1") and not on_vmac(lab, "h2"), 2)
    assert wait_for(lambda: ping(lab, "h3"), 3)
    assert lab.neigh("h3", VIP) == VMAC


# ---- FRR vrrpd -------------------------------------------------------------

FRR = "/usr/lib/frr"
FRR_DEV = "vrrp4-51"


class Frr:
    """zebra + vrrpd in a lab host, with their own config, pid files and
    vty/zserv sockets in a directory the frr user can reach (the lab's temp
    directories are private to root)."""

    def __init__(self, lab, host, prio, adv_ms):
        self.lab, self.host = lab, host
        self.dir = tempfile.mkdtemp(prefix="vipd-frr-")
        os.chmod(self.dir, 0o777)
        self.log = os.path.join(self.dir, "vrrpd.log")
        with open(os.path.join(self.dir, "zebra.conf"), "w") as f:
            f.write("hostname %s\n" % host)
        with open(os.path.join(self.dir, "vrrpd.conf"), "w") as f:
            f.write("hostname %s\ninterface eth0\n vrrp 51 version 3\n"
                    " vrrp 51 priority %d\n vrrp 51 advertisement-interval %d\n"
                    " vrrp 51 ip %s\n!\n" % (host, prio, adv_ms, VIP))
        # FRR's macvlan is made by the admin, with the VIP on it; vrrpd
        # only sets protodown on it while not Master. The base must not
        # answer ARP for the VIP itself, nor name it in its own requests.
        ns = lab.hosts[host].ns
        lab.ip(ns, "link", "add", "link", "eth0", "name", FRR_DEV, "address",
               VMAC, "type", "macvlan", "mode", "bridge")
        lab.run(host, "sh", "-c",
                "echo 1 > /proc/sys/net/ipv6/conf/%s/addr_gen_mode;"
                "echo 1 > /proc/sys/net/ipv4/conf/eth0/arp_ignore;"
                "echo 2 > /proc/sys/net/ipv4/conf/eth0/arp_announce" % FRR_DEV)
        lab.ip(ns, "addr", "add", VIP + "/24", "dev", FRR_DEV)
        lab.ip(ns, "link", "set", FRR_DEV, "up")
        self.procs = []
        for d in ("zebra", "vrrpd"):
            argv = [os.path.join(FRR, d), "-u", "frr", "-g", "frr",
                    "-f", os.path.join(self.dir, d + ".conf"),
                    "-i", os.path.join(self.dir, d + ".pid"),
                    "-z", os.path.join(self.dir, "zserv.api"),
                    "--vty_socket", self.dir, "--log", "stdout"]
            p = lab._spawn(host, argv, os.path.join(self.dir, d + ".log"))
            lab._track(p.pid, "frr %s %s" % (d, host))
            self.procs.append(p)
            if d == "zebra":
                assert wait_for(lambda: os.path.exists(
                    os.path.join(self.dir, "zserv.api")), 5), self.text("zebra")

    def text(self, d="vrrpd"):
        try:
            with open(os.path.join(self.dir, d + ".log")) as f:
                return f.read()
        except OSError:
            return ""

    def state(self):
        """vrrpd's IPv4 state from its log: Initialize, Backup or Master."""
        s = re.findall(r"\[IPv4\] (?:\w+) -> (\w+)", self.text())
        return s[-1] if s else None

    def stop(self):
        for p in reversed(self.procs):
            self.lab._stop_popen(p, signal.SIGTERM, 3.0)
            self.lab._untrack(p.pid)
        shutil.rmtree(self.dir, ignore_errors=True)


def test_vmac_with_frr_vrrpd(make_lab):
    """vipd (use_vmac) and FRR 8 vrrpd: one Master, and the VIP answers
    with the virtual MAC whichever of them holds it."""
    if impl() == "keepalived" or not os.access(FRR + "/vrrpd", os.X_OK):
        pytest.skip("needs vipd and FRR's vrrpd")
    lab = make_lab(3)
    adv = 0.1
    lab.start_vipd("h1", vrrp_conf("h1", 100, adv, extra="use_vmac"))
    assert lab.wait_states({"h1": "MASTER"}, 5), lab.states()
    frr = Frr(lab, "h2", 90, int(adv * 1000))
    try:
        assert wait_for(lambda: frr.state() == "Backup", 5), frr.text()
        time.sleep(20 * adv)    # FRR would time out if deaf to us
        assert frr.state() == "Backup", frr.text()
        assert lab.state("h1") == "MASTER"
        # vrrpd's Backup: its VMAC is held down (protodown).
        assert "protodown on" in (link_info(lab, "h2", FRR_DEV) or ""), \
            link_info(lab, "h2", FRR_DEV)
        assert wait_for(lambda: ping(lab, "h3"), 3)
        assert lab.neigh("h3", VIP) == VMAC, lab.neigh("h3", VIP)

        assert lab.stop_agent("h1", signal.SIGTERM) == 0
        assert wait_for(lambda: frr.state() == "Master", 3), frr.text()
        assert wait_for(lambda: ping(lab, "h3"), 3), "h3 lost the VIP"
        assert lab.neigh("h3", VIP) == VMAC, lab.neigh("h3", VIP)

        lab.start_vipd("h1", vrrp_conf("h1", 100, adv, extra="use_vmac"))
        assert lab.wait_states({"h1": "MASTER"}, 5), lab.states()
        assert wait_for(lambda: frr.state() == "Backup", 3), frr.text()
        time.sleep(10 * adv)
        assert lab.state("h1") == "MASTER" and frr.state() == "Backup"
        assert wait_for(lambda: ping(lab, "h3"), 3)
        assert lab.neigh("h3", VIP) == VMAC
    finally:
        frr.stop()


def test_vmac_deleted_is_recreated(lab):
    """Someone deletes the Master's VMAC: vipd makes it again (as keepalived
    does) and the Master keeps or retakes the VIP on it."""
    if impl() == "keepalived":
        pytest.skip("vipd's own behaviour")
    lab.start_agent("h1", vrrp_conf("h1", 100, ADV, extra="use_vmac"))
    assert lab.wait_states({"h1": "MASTER"}, 5), lab.states()
    assert wait_for(lambda: on_vmac(lab, "h1"), 2)
    lab.ip(lab.hosts["h1"].ns, "link", "del", DEV)
    assert wait_for(lambda: link_info(lab, "h1") is not None and
                    "state UP" in link_info(lab, "h1"), 3), link_info(lab, "h1")
    assert wait_for(lambda: lab.state("h1") == "MASTER" and
                    on_vmac(lab, "h1"), 5), (lab.states(), lab.addrs("h1", DEV))
    assert wait_for(lambda: ping(lab, "h3"), 3)
    assert lab.neigh("h3", VIP) == VMAC
    assert lab.stop_agent("h1", signal.SIGTERM) == 0
    assert link_info(lab, "h1") is None, "the recreated VMAC outlived vipd"
