# SPDX-License-Identifier: ISC
"""Adverts on the wire, captured on a passive third host and decoded with
scapy independently of vipd's codec: TTL 255, 224.0.0.18, v3, checksum in
the IPv4 pseudo-header form (what keepalived 2.2.7 accepts), fields as
configured, interval, and the priority-0 advert on SIGTERM."""

import signal
import socket
import statistics
import struct
import time

from scapy.layers.inet import IP, in4_chksum
from scapy.layers.l2 import Ether
from scapy.layers.vrrp import VRRPv3

from helpers import assert_stable, settle, start_group
from lab import VIP, VIP_CIDR, scaled, vrrp_conf, wait_for

ADV = 0.1


def rfc1071(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def decode(frame):
    """-> (Ether, IP, raw VRRP bytes) of a captured frame."""
    eth = Ether(frame)
    ip = eth[IP]
    raw = bytes(ip)[ip.ihl * 4:ip.len]
    return eth, ip, raw


def check_advert(frame, src, prio, adv_cs, vrid=51, vips=(VIP,)):
    """Assert one captured advert is well-formed; returns the VRRPv3 layer."""
    eth, ip, raw = decode(frame)
    assert eth.dst == "01:00:5e:00:00:12", eth.dst
    assert ip.ttl == 255, "TTL %d" % ip.ttl
    assert ip.dst == "224.0.0.18", ip.dst
    assert ip.src == src, ip.src
    assert ip.proto == 112
    assert ip.len == ip.ihl * 4 + len(raw) and len(frame) >= 14 + ip.len
    assert raw[0] == 0x31, "version/type byte 0x%02x" % raw[0]
    assert len(raw) == 8 + 4 * len(vips), "VRRP length %d" % len(raw)
    v = VRRPv3(raw)
    assert v.vrid == vrid and v.priority == prio, (v.vrid, v.priority)
    addrs = [socket.inet_ntoa(raw[i:i + 4]) for i in range(8, len(raw), 4)]
    assert v.ipcount == len(vips) and addrs == list(vips), (v.ipcount, addrs)
    assert v.res == 0, "reserved bits %x" % v.res
    assert v.adv == adv_cs, "Max Adver Int %d cs" % v.adv
    got = struct.unpack("!H", raw[6:8])[0]
    zeroed = raw[:6] + b"\0\0" + raw[8:]
    want = in4_chksum(112, ip, zeroed)
    pseudo = ip.src.split(".") + ip.dst.split(".")
    ph = bytes(int(x) for x in pseudo) + struct.pack("!BBH", 0, 112, len(raw))
    assert rfc1071(ph + zeroed) == want, "scapy and RFC 1071 disagree"
    assert got == want, "checksum 0x%04x, pseudo-header form 0x%04x, message-only 0x%04x" % (
        got, want, rfc1071(zeroed))
    return v


def test_adverts_on_wire(lab):
    start_group(lab, {"h1": 100, "h2": 90}, ADV)
    settle(lab, "h1")
    frames = lab.start_sniff("h3", 1.5).frames()
    got = [(t, f) for t, way, f in frames if way == "in"]
    srcs = {decode(f)[1].src for _, f in got}
    assert srcs == {"203.0.113.1"}, "adverts from %s; only the Master should send" % srcs
    assert 10 <= len(got) <= 20, "%d adverts in 1.5 s at %.1f s interval" % (len(got), ADV)
    for _, f in got:
        check_advert(f, "203.0.113.1", 100, int(ADV * 100))
    gaps = [b[0] - a[0] for a, b in zip(got, got[1:])]
    med = statistics.median(gaps)
    assert 0.08 <= med <= 0.1 + scaled(0.03), "median advert gap %.3f s" % med
    assert max(gaps) < 3 * ADV, "largest advert gap %.3f s" % max(gaps)


def test_sigterm_sends_priority_zero(lab):
    start_group(lab, {"h1": 100, "h2": 90}, ADV)
    settle(lab, "h1")
    sniff = lab.start_sniff("h3", 2.0)
    time.sleep(0.5)
    t_stop = time.monotonic()
    assert lab.stop_agent("h1", signal.SIGTERM) == 0
    frames = [(t, decode(f)[1].src, f) for t, way, f in sniff.frames() if way == "in"]
    h1 = [(t, f) for t, src, f in frames if src == "203.0.113.1"]
    assert h1, "no adverts from h1 captured"
    zero = [(t, f) for t, f in h1 if VRRPv3(decode(f)[2]).priority == 0]
    assert len(zero) >= 1, "no priority-0 advert after SIGTERM"
    t0, f0 = zero[0]
    check_advert(f0, "203.0.113.1", 0, int(ADV * 100))
    assert t0 >= t_stop and t0 - t_stop < scaled(0.5), "priority-0 advert %.3f s after SIGTERM" % (
        t0 - t_stop)
    assert all(t <= zero[-1][0] for t, _ in h1), "h1 advertised after its priority-0 advert"
    h2 = [(t, f) for t, src, f in frames if src == "203.0.113.2"]
    assert h2 and h2[0][0] > t0, "h2 did not take over after the priority-0 advert"
    for _, f in h2:
        check_advert(f, "203.0.113.2", 90, int(ADV * 100))


def arp_frames(frames):
    """[(t, op, sender mac, sender ip, target ip)] of captured ARP frames."""
    out = []
    for t, _, f in frames:
        if len(f) < 42 or f[12:14] != b"\x08\x06":
            continue
        op = struct.unpack("!H", f[20:22])[0]
        out.append((t, op, ":".join("%02x" % b for b in f[22:28]),
                    socket.inet_ntoa(f[28:32]), socket.inet_ntoa(f[38:42])))
    return out


def test_failover_gratuitous_arp_updates_client(lab):
    """h3 is a client with the VIP cached at h1's MAC; after the link cut
    the new Master's gratuitous ARP must repoint it to h2 at once."""
    start_group(lab, {"h1": 100, "h2": 90}, ADV)
    settle(lab, "h1")
    mac1, mac2 = lab.mac("h1"), lab.mac("h2")
    lab.ip(lab.hosts["h3"].ns, "neigh", "replace", VIP, "lladdr", mac1, "dev", "eth0",
           "nud", "stale")
    sniff = lab.start_sniff("h3", 2.0, what="arp")
    t0 = time.monotonic()
    lab.link_down("h1")
    assert wait_for(lambda: lab.neigh("h3", VIP) == mac2, 3), \
        "client still has %s for the VIP (h2 is %s)" % (lab.neigh("h3", VIP), mac2)
    t_upd = time.monotonic()
    gained = lab.monitor.gained("h2", t0)
    assert gained and t_upd - gained < scaled(0.5), "client updated %.3f s after takeover" % (
        t_upd - gained)
    garps = [a for a in arp_frames(sniff.frames()) if a[3] == VIP and a[4] == VIP]
    assert garps, "no gratuitous ARP for %s captured" % VIP
    assert all(a[2] == mac2 for a in garps), garps
    assert garps[0][0] - gained < scaled(0.2), "first GARP %.3f s after takeover" % (
        garps[0][0] - gained)


def garp_bursts(frames, mac, gap=1.0):
    """Gratuitous ARPs for the VIP from mac, grouped into bursts (frames
    less than `gap` s apart): [[t, ...], ...]."""
    bursts = []
    for t, op, smac, sip, tip in arp_frames(frames):
        if sip != VIP or tip != VIP:
            continue
        assert smac == mac, "GARP for the VIP from %s, the Master is %s" % (smac, mac)
        if bursts and t - bursts[-1][-1] < gap:
            bursts[-1].append(t)
        else:
            bursts.append([t])
    return bursts


def test_garp_schedule_five_now_five_after_five_seconds(make_lab):
    """README, vipd(8): on becoming Master, 5 gratuitous ARPs at once and 5
    more 5 seconds later (garp_master_repeat 5, garp_master_delay 5), then
    none (garp_master_refresh 0).  Frame times are the kernel's."""
    lab = make_lab(2)
    sniff = lab.start_sniff("h2", 8.0, what="arp")
    t0 = time.monotonic()
    lab.start_agent("h1", vrrp_conf("h1", 100, ADV))
    settle(lab, "h1")
    gained = lab.monitor.gained("h1", t0)
    bursts = garp_bursts(sniff.frames(), lab.mac("h1"))
    assert [len(b) for b in bursts] == [5, 5], "GARP bursts %s (times since takeover)" % [
        ["%.3f" % (t - gained) for t in b] for b in bursts]
    first, second = bursts
    # "At once": the first burst is sent as the VIP is added (the monitor's
    # time is when `ip monitor` was read, hence the slack both ways).
    assert abs(first[0] - gained) <= scaled(0.3), "first GARP %.3f s from takeover" % (
        first[0] - gained)
    assert first[-1] - first[0] <= scaled(0.2), "first burst spread over %.3f s" % (
        first[-1] - first[0])
    delay = second[0] - first[0]
    assert 5.0 - 0.05 <= delay <= 5.0 + scaled(0.3), "second burst %.3f s after the first" % delay


def test_garp_refresh_while_master(make_lab):
    """vipd.conf(5): garp_master_refresh N repeats garp_master_refresh_repeat
    GARPs every N seconds while Master; garp_master_delay 0 means no second
    burst."""
    lab = make_lab(2)
    sniff = lab.start_sniff("h2", 5.6, what="arp")
    t0 = time.monotonic()
    lab.start_agent("h1", vrrp_conf("h1", 100, ADV, extra="garp_master_delay 0\n"
                                    "garp_master_repeat 3\ngarp_master_refresh 2\n"
                                    "garp_master_refresh_repeat 2"))
    settle(lab, "h1")
    assert lab.monitor.gained("h1", t0)
    bursts = garp_bursts(sniff.frames(), lab.mac("h1"))
    assert [len(b) for b in bursts] == [3, 2, 2], "GARP bursts %s" % [
        ["%.3f" % (t - bursts[0][0]) for t in b] for b in bursts]
    for i in (1, 2):
        step = bursts[i][0] - bursts[i - 1][0]
        assert 2.0 - 0.05 <= step <= 2.0 + scaled(0.3), "refresh %d after %.3f s" % (i, step)


def test_several_vips_in_one_instance(lab):
    vip2 = "203.0.113.6"
    vips = (VIP_CIDR, vip2 + "/24")
    for h, p in (("h1", 100), ("h2", 90)):
        lab.start_agent(h, vrrp_conf(h, p, ADV, vips=vips))
    settle(lab, "h1")
    assert lab.holders(vip2) == ["h1"]
    frames = lab.start_sniff("h3", 0.5).frames()
    assert frames
    for _, _, f in frames:
        check_advert(f, "203.0.113.1", 100, int(ADV * 100), vips=(VIP, vip2))
    lab.link_down("h1")
    assert wait_for(lambda: lab.holders() == ["h2"] and lab.holders(vip2) == ["h2"], 3), \
        (lab.holders(), lab.holders(vip2))


def test_backup_sigterm_is_silent(lab):
    """Only a Master resigns with priority 0; a Backup just leaves."""
    start_group(lab, {"h1": 100, "h2": 90}, ADV)
    settle(lab, "h1")
    sniff = lab.start_sniff("h3", 1.0)
    time.sleep(0.3)
    assert lab.stop_agent("h2") == 0
    srcs = {decode(f)[1].src for _, way, f in sniff.frames() if way == "in"}
    assert srcs == {"203.0.113.1"}, "adverts from %s" % srcs
    assert_stable(lab, {"h1": "MASTER"}, 0.3)


def test_master_answers_lower_priority_at_once(make_lab):
    """RFC 9568 6.4.3: a Master discarding a lower-priority advert sends one
    of its own immediately (keepalived does too)."""
    lab = make_lab(3)
    adv = 0.5
    lab.start_agent("h1", vrrp_conf("h1", 100, adv))
    settle(lab, "h1", timeout=4)
    sniff = lab.start_sniff("h3", 1.6)
    lab.inject("h3", src="203.0.113.3", prio=50, count=3, interval=0.4)
    frames = sniff.frames()
    injected = [t for t, way, f in frames if way == "out"]
    ours = [t for t, way, f in frames if way == "in" and decode(f)[1].src == "203.0.113.1"]
    assert len(injected) == 3, "capture saw %d injected adverts" % len(injected)
    late = [ti for ti in injected if not any(ti < t <= ti + scaled(0.05) for t in ours)]
    assert not late, "no advert from the Master within 50 ms of %d of 3 lower-priority " \
        "adverts (Master adverts at %s, injected at %s)" % (len(late), ours, injected)
    assert_stable(lab, {"h1": "MASTER"}, 0.2)
