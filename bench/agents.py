# SPDX-License-Identifier: ISC
"""The two agents the benchmark compares, driven the same way: their
configurations, start/stop, state, the planned handover, and which
processes are theirs (for memory and CPU).

vipd: its default checks (SMTP probe of 127.0.0.1:25 and the Postfix
master/queue check), with their interval set to the advert interval when
that is below 1 s (never below 0.05 s, the smallest interval vipd accepts).

keepalived: tracks Postfix the way its users do, with a vrrp_script
`/usr/bin/nc -z 127.0.0.1 25` (netcat-openbsd), interval 1, fall 2, rise 2,
weight 0 (failure = FAULT), script_user root, enable_script_security.  Its
planned handover is a track_file whose value (0, or -20 for a
handover) is added to the priority: the Master drops to 80, below the
Backup's 90; it keeps the VIP until the Backup has taken over.
"""

import json
import os
import re
import signal
import socket

VRID = 51
NC = "/usr/bin/nc"
KA_SCRIPT = "%s -z 127.0.0.1 25" % NC
HANDOVER_WEIGHT = -20


def fmt(x):
    return ("%g" % x) if isinstance(x, float) else str(x)


def check_interval(adv):
    """vipd's check interval for an advert interval: the advert interval,
    clamped to vipd's range [0.05, 1] (1 s is the default)."""
    return min(1.0, max(0.05, adv))


def vipd_conf(host, prio, adv, vips, vrid=VRID, ninst=1, vip_fn=None):
    ci = check_interval(adv)
    lines = ["global_defs {", "    router_id %s" % host, "}"]
    if ci != 1.0:
        lines += ["smtp_check default_smtp {", "    interval %s" % fmt(ci), "}",
                  "postfix_check default_postfix {", "    interval %s" % fmt(ci), "}"]
    for i in range(ninst):
        lines += _instance(i, prio, adv, vrid, vips if ninst == 1 else [vip_fn(i)])
        lines.append("}")
    return "\n".join(lines) + "\n"


def _instance(i, prio, adv, vrid, vips):
    return ["vrrp_instance VI_%d {" % (i + 1),
            "    state BACKUP",
            "    interface eth0",
            "    virtual_router_id %d" % (vrid + i),
            "    priority %d" % prio,
            "    advert_int %s" % fmt(adv),
            "    version 3",
            "    virtual_ipaddress {"] + ["        %s" % v for v in vips] + ["    }"]


def keepalived_conf(host, prio, adv, vips, track_file_path, vrid=VRID, ninst=1,
                    vip_fn=None):
    lines = ["global_defs {", "    router_id %s" % host, "    vrrp_version 3",
             "    script_user root", "    enable_script_security", "}",
             "vrrp_script chk_postfix {",
             "    script \"%s\"" % KA_SCRIPT,
             "    interval 1", "    fall 2", "    rise 2", "}"]
    if track_file_path:
        lines += ["track_file maint {", "    file \"%s\"" % track_file_path,
                  "    weight 1", "}"]
    for i in range(ninst):
        lines += _instance(i, prio, adv, vrid, vips if ninst == 1 else [vip_fn(i)])
        lines += ["    track_script {", "        chk_postfix", "    }"]
        if track_file_path:
            lines += ["    track_file {", "        maint", "    }"]
        lines.append("}")
    return "\n".join(lines) + "\n"


def vipd_call(sock, request, timeout=3.0):
    """One JSON-lines request on vipd's control socket (a path, so it works
    from any network namespace); returns the result object."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
    s.settimeout(timeout)
    try:
        s.connect(sock)
        s.sendall((json.dumps(request) + "\n").encode())
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    finally:
        s.close()
    ans = json.loads(buf)
    if not ans.get("ok"):
        raise RuntimeError("vipd: %s" % ans.get("error"))
    return ans.get("result")


class AgentSet:
    """One kind of agent on the lab's mail hosts."""

    def __init__(self, lab, kind, hosts, prios):
        self.lab = lab
        self.kind = kind
        self.hosts = hosts
        self.prios = prios
        self.confs = {}
        self.log_offset = {}
        self.track_files = {}

    # ---- configuration ------------------------------------------------
    def configure(self, adv, vips, ninst=1, vip_fn=None):
        self.adv = adv
        self.ninst = ninst
        for h in self.hosts:
            if self.kind == "vipd":
                self.confs[h] = vipd_conf(h, self.prios[h], adv, vips, ninst=ninst,
                                          vip_fn=vip_fn)
            else:
                tf = os.path.join(self.lab.hosts[h].dir, "maint.track") if ninst == 1 else None
                self.track_files[h] = tf
                self.confs[h] = keepalived_conf(h, self.prios[h], adv, vips, tf,
                                                ninst=ninst, vip_fn=vip_fn)

    # ---- processes ----------------------------------------------------
    def start(self, host):
        if self.kind == "vipd":
            a = self.lab.start_vipd(host, self.confs[host])
        else:
            tf = self.track_files.get(host)
            if tf:
                with open(tf, "w") as f:
                    f.write("0\n")
            log = os.path.join(self.lab.hosts[host].dir, "keepalived.log")
            self.log_offset[host] = os.path.getsize(log) if os.path.exists(log) else 0
            a = self.lab.start_keepalived(host, self.confs[host])
        return a

    def start_all(self):
        for h in self.hosts:
            self.start(h)

    def agent(self, host):
        return self.lab.hosts[host].agent

    def running(self, host):
        a = self.agent(host)
        return a is not None and a.running()

    def stop(self, host, sig=signal.SIGTERM):
        a = self.agent(host)
        if a is None or not a.running():
            return None
        return self.lab.stop_agent(host, sig)

    def stop_all(self):
        for h in self.hosts:
            self.stop(h)

    def pids(self, host):
        """The agent's long-lived processes: vipd, or keepalived's parent
        and its VRRP child."""
        a = self.agent(host)
        if a is None or not a.running():
            return []
        out = [a.pid]
        if self.kind == "keepalived":
            for pf in a.pidfiles[1:2]:
                try:
                    with open(pf) as f:
                        pid = int(f.read().strip())
                except (OSError, ValueError):
                    continue
                if pid != a.pid and _comm(pid) == "keepalived":
                    out.append(pid)
        return out

    # ---- state --------------------------------------------------------
    def status(self, host):
        return vipd_call(self.agent(host).sock, {"command": "status"})

    def states(self, host):
        """name -> state of every instance, or {} if it cannot tell."""
        a = self.agent(host)
        if a is None or not a.running():
            return {}
        if self.kind == "vipd":
            try:
                return {i["name"]: i["state"] for i in self.status(host)["instances"]}
            except (OSError, ValueError, RuntimeError, KeyError):
                return {}
        try:
            with open(a.log, errors="replace") as f:
                f.seek(self.log_offset.get(host, 0))
                text = f.read()
        except OSError:
            return {}
        out = {}
        for name, st in re.findall(r"\((VI_\d+)\) Entering (\w+) STATE", text):
            out[name] = st
        return out

    def state(self, host, name="VI_1"):
        return self.states(host).get(name)

    def transitions(self, host):
        """Number of state changes logged (keepalived) or counted (vipd:
        became_master) so far, for a stability check."""
        if self.kind == "vipd":
            st = self.status(host)
            return sum(i["counters"]["became_master"] for i in st["instances"])
        a = self.agent(host)
        with open(a.log, errors="replace") as f:
            f.seek(self.log_offset.get(host, 0))
            return len(re.findall(r"Entering MASTER STATE", f.read()))

    # ---- planned handover ---------------------------------------------
    def handover(self, host, on):
        """vipd: `vipctl maintenance on|off` (its control request, without
        waiting for the handover).  keepalived: write -20 (or 0) to the
        track_file."""
        if self.kind == "vipd":
            vipd_call(self.agent(host).sock, {"command": "maintenance",
                                              "mode": "on" if on else "off"})
        else:
            with open(self.track_files[host] + ".tmp", "w") as f:
                f.write("%d\n" % (HANDOVER_WEIGHT if on else 0))
            os.rename(self.track_files[host] + ".tmp", self.track_files[host])


def _comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return None
