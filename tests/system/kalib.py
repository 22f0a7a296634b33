# SPDX-License-Identifier: ISC
"""Helpers for the tests that put vipd beside keepalived 2.2.7 (interop,
seeds, VRRPv2, IPv6, unicast, several instances, notify, track_interface,
command line): config fragments, keepalived's refusal lines, vipd's drop
counters, an IPv6-capable sniffer, and vipd started by keepalived's own
command line in a private /run."""

import os
import re
import shutil
import socket
import struct
import subprocess

from lab import Agent, vipd_bin, wait_for
from monitor import VipMonitor

HERE = os.path.dirname(os.path.abspath(__file__))

# What keepalived 2.2.7 logs when it ignores an advert (its own strings, and
# any line saying "checksum" or "auth").  Its normal lines never contain
# them; "Truncating auth_pass", the one benign line with "auth", and the
# lines echoing file names are left out explicitly.
KA_REFUSAL = re.compile(
    r"checksum|interval mismatch|ip number count|not present in MASTER advert|"
    r"expected \d+ VIPs|invalid passwd|received a \d+ auth|auth|invalid TTL|"
    r"wrong version|vrrp packet too|ip_tot_len mismatch|icast packet but received|"
    r"not a unicast peer|Invalid packet type|TTL/HL|our IP address|"
    r"both configured as address owner", re.I)
KA_BENIGN = re.compile(r"Truncating auth_pass|Command line:|Configuration file|Opening file")


def keepalived_refusals(lab, host):
    """Lines of host's keepalived log saying it ignored an advert."""
    a = lab.hosts[host].agent
    assert a is not None and a.kind == "keepalived", "no keepalived on %s" % host
    return [l for l in a.log_text().splitlines()
            if KA_REFUSAL.search(l) and not KA_BENIGN.search(l)]


def keepalived_log(lab, host, pattern):
    """Lines of host's keepalived log (every run) matching pattern."""
    out = []
    for a in lab.agents:
        if a.host.name == host and a.kind == "keepalived":
            out += [l for l in a.log_text().splitlines() if re.search(pattern, l)]
    return sorted(set(out), key=out.index)


def vipd_drops(lab, host, name="VI_1"):
    """Nonzero drop counters of an instance plus its interface's."""
    st = lab.status(host)
    inst = [i for i in st["instances"] if i["name"] == name][0]
    out = {k: v for k, v in inst["counters"]["drops"].items() if v}
    for ifc in st.get("interfaces", []):
        if ifc["name"] == inst["interface"]:
            out.update({k: v for k, v in ifc.items() if k.startswith("drops_") and v})
    return out


def wait_status(lab, host, timeout=3.0):
    """Wait until host's vipd answers `vipctl status` (its socket exists)."""
    a = lab.hosts[host].agent
    ok = wait_for(lambda: os.path.exists(a.sock) and
                  lab.vipctl(host, "status", "--json", check=False).returncode == 0,
                  timeout, 0.05)
    assert ok, "%s: vipd does not answer on %s" % (host, a.sock)


def assert_vipd_clean(lab, host, names=("VI_1",)):
    """No advert dropped, no misconfigured peer, on every named instance."""
    for n in names:
        i = lab.instance(host, n)
        d = vipd_drops(lab, host, n)
        assert d == {}, "%s %s dropped adverts: %s" % (host, n, d)
        assert i["misconfigured_peer"] is None, "%s %s: %s" % (host, n, i["misconfigured_peer"])
        assert i["counters"]["address_list_mismatch"] == 0, i["counters"]


def assert_keepalived_clean(lab, host):
    bad = keepalived_refusals(lab, host)
    assert bad == [], "keepalived on %s refused adverts:\n%s" % (host, "\n".join(bad))


def auth(password="SecurePass123"):
    """An authentication block (PASS) for vrrp_conf(extra=...)."""
    return "authentication {\n    auth_type PASS\n    auth_pass %s\n}" % password


def unicast(src, peers):
    """unicast_src_ip and unicast_peer lines for vrrp_conf(extra=...)."""
    return "unicast_src_ip %s\nunicast_peer {\n%s}" % (
        src, "".join("    %s\n" % p for p in peers))


def only_holder(lab, host, addr=None, timeout=3.0):
    """Wait until host is the only one holding addr (default the lab VIP)."""
    want = [host] if host else []
    return wait_for(lambda: lab.holders(addr) == want, timeout, 0.05)


def watch(lab, addr):
    """A second VipMonitor for another address (stopped by lab cleanup,
    which kills its `ip monitor` processes by PID)."""
    m = VipMonitor(lab, addr)
    m.start()
    return m


# ---- capture -----------------------------------------------------------------

class Capture:
    """kasniff.py in a host namespace: what = vrrp4, vrrp6 or na."""

    def __init__(self, lab, host, seconds, what, iface="eth0"):
        self.lab = lab
        argv = ["ip", "netns", "exec", lab.hosts[host].ns, "/usr/bin/python3",
                os.path.join(HERE, "kasniff.py"), iface, str(seconds), what]
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, start_new_session=True)
        lab._track(self.p.pid, "kasniff %s" % host)
        self.seconds = seconds
        line = self.p.stdout.readline()
        if line.strip() != "ready":
            self.p.wait()
            raise RuntimeError("kasniff failed: %s%s" % (line, self.p.stderr.read()))

    def frames(self):
        out, err = self.p.communicate(timeout=self.seconds + 10)
        self.lab._untrack(self.p.pid)
        assert self.p.returncode == 0, "kasniff exited %d: %s" % (self.p.returncode, err)
        res = []
        for line in out.splitlines():
            t, way, hexdata = line.split()
            res.append((float(t), way, bytes.fromhex(hexdata)))
        return res


def parse4(frame):
    """(src, dst, ttl, vrrp bytes) of an IPv4 VRRP frame."""
    ihl = (frame[14] & 0x0f) * 4
    return (socket.inet_ntoa(frame[26:30]), socket.inet_ntoa(frame[30:34]), frame[22],
            frame[14 + ihl:])


def parse6(frame):
    """(src, dst, hop limit, next header, payload) of an IPv6 frame."""
    ip = frame[14:54]
    return (socket.inet_ntop(socket.AF_INET6, ip[8:24]),
            socket.inet_ntop(socket.AF_INET6, ip[24:40]), ip[7], ip[6], frame[54:])


def vrrp6_fields(payload):
    """version, vrid, prio, interval cs and addresses of a VRRPv3/IPv6 advert."""
    ver, vrid, prio, n, adv = payload[0] >> 4, payload[1], payload[2], payload[3], \
        struct.unpack("!H", payload[4:6])[0] & 0xfff
    addrs = [socket.inet_ntop(socket.AF_INET6, payload[8 + 16 * i:24 + 16 * i])
             for i in range(n)]
    return {"version": ver, "vrid": vrid, "prio": prio, "adv": adv, "addrs": addrs}


def rfc1071(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def v6_checksum_ok(src, dst, nh, payload):
    pseudo = (socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst) +
              struct.pack("!IxxxB", len(payload), nh))
    return rfc1071(pseudo + payload) == 0


# ---- interfaces --------------------------------------------------------------

def add_macvlan(lab, host, name="trk0"):
    """A macvlan on host's eth0 (up), to be tracked."""
    ns = lab.hosts[host].ns
    lab.ip(ns, "link", "add", name, "link", "eth0", "type", "macvlan", "mode", "bridge")
    lab.ip(ns, "link", "set", name, "up")


def set_link(lab, host, dev, up):
    lab.ip(lab.hosts[host].ns, "link", "set", dev, "up" if up else "down")


# ---- vipd started as keepalived is -------------------------------------------

def start_vipd_plain(lab, host, conf_text, args, fname="keepalived.conf"):
    """Start vipd with exactly `args` (FILE in them is replaced by the
    config's path, VRRP_PID by /run/vipd-vrrp.pid), no -s and no -p: its
    defaults /run/vipd.pid and /run/vipd/vipd.sock then land in the host
    dir, which is bind-mounted over /run in a private mount namespace
    (other labs' vipds use the real /run).  Returns the Agent; its sock is
    the socket's path seen from outside."""
    h = lab.hosts[host]
    conf = os.path.join(h.dir, fname)
    with open(conf, "w") as f:
        f.write(conf_text)
    run = os.path.join(h.dir, "run")
    os.makedirs(run, mode=0o755, exist_ok=True)
    args = [a.replace("VRRP_PID", "/run/vipd-vrrp.pid").replace("FILE", conf) for a in args]
    log = os.path.join(h.dir, "vipd.log")
    lab._note(log, "start vipd on %s: vipd %s" % (host, " ".join(args)))
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    script = 'mount --bind "$1" /run && shift && exec "$@"'
    argv = ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", run,
            vipd_bin()] + args
    p = lab._spawn(host, argv, log, env)
    a = Agent(h, "vipd", p, log, conf, sock=os.path.join(run, "vipd", "vipd.sock"))
    a.rundir = run
    lab._track(p.pid, "vipd %s" % host)
    lab.agents.append(a)
    h.agent = a
    return a


def start_verbatim(lab, host, kind, src):
    """Start vipd or keepalived on a byte-for-byte copy of the file src
    (lab.start_keepalived rewrites its text).  Returns the Agent."""
    h = lab.hosts[host]
    n = len(lab.agents)
    with open(src, "rb") as f:
        data = f.read()
    if kind == "vipd":
        a = lab.start_vipd(host, data.decode())
        with open(a.conf, "rb") as f:
            assert f.read() == data, "%s: not a verbatim copy of %s" % (a.conf, src)
        return a
    conf = os.path.join(h.dir, "%s-%d-%s" % (kind, n, os.path.basename(src)))
    shutil.copyfile(src, conf)
    pids = [os.path.join(h.dir, "keepalived-%d.%s.pid" % (n, k)) for k in ("main", "vrrp", "check")]
    log = os.path.join(h.dir, "keepalived.log")
    lab._note(log, "start keepalived on %s with %s" % (host, src))
    argv = ["keepalived", "-f", conf, "-p", pids[0], "-r", pids[1], "-c", pids[2],
            "--vrrp", "-l", "-D", "-n"]
    p = lab._spawn(host, argv, log)
    a = Agent(h, "keepalived", p, log, conf, pidfiles=pids)
    lab._track(p.pid, "keepalived %s" % host)
    lab.agents.append(a)
    h.agent = a
    return a


def pid_running(pid):
    """pid exists and is not a zombie (a daemon's reaper may be late)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
    except OSError:
        return False
    return st[st.rfind(")") + 2:][:1] not in ("Z", "X", "")
