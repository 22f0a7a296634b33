# SPDX-License-Identifier: ISC
"""Network-namespace lab for vipd's system tests: one bridge, N hosts, agents.

Topology: a bridge namespace vb-<pid>-<n> holding br0, and one namespace per
host, vh-<pid>-<n>-<name>, whose veth eth0 is enslaved to br0 on the other
side.  Host i (1-based) gets 203.0.113.i/24 and 2001:db8::i/64.  Only
documentation addresses are used, and only inside namespaces made here.

Every process started here is remembered by PID and stopped by PID on
cleanup (SIGTERM, SIGKILL after 3 s); namespaces and /etc/netns entries made
here are deleted.  Cleanup runs from __exit__, from atexit, and on SIGTERM or
SIGHUP (turned into KeyboardInterrupt so that finally blocks and pytest
teardowns run).
"""

import atexit
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from monitor import Sniffer, VipMonitor

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SUBNET = "203.0.113.0/24"
VIP = "203.0.113.5"
VIP_CIDR = VIP + "/24"

# VIPD_TEST_TIMESCALE (default 1): how much slower than the 2-core
# development machine this one is.  Every wait and every slack on top of a
# protocol time is multiplied by it (scaled()); the protocol times themselves
# (Skew_Time, Master_Down_Interval, the VIP lifetime) and the lower bounds
# ("not before") are not.
TIMESCALE = float(os.environ.get("VIPD_TEST_TIMESCALE", "1") or "1")


def scaled(seconds):
    """A timeout or a scheduling slack, stretched by VIPD_TEST_TIMESCALE."""
    return seconds * TIMESCALE


_lab_counter = 0
_live_labs = []
_handlers_installed = False


def vipd_bin():
    return os.environ.get("VIPD_BIN", os.path.join(REPO, "build/san/vipd"))


def vipctl_bin():
    return os.environ.get("VIPCTL_BIN", os.path.join(REPO, "build/san/vipctl"))


def impl():
    """Agent under test: "vipd" (default) or "keepalived" (lab sanity check)."""
    return os.environ.get("VIPD_IMPL", "vipd")


def wait_for(predicate, timeout, interval=0.02):
    """Poll predicate until it returns something truthy or timeout seconds
    pass (times VIPD_TEST_TIMESCALE).  Returns the last value the predicate
    returned."""
    deadline = time.monotonic() + scaled(timeout)
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


VIPD_ONLY = (["default_checks"], ["health_strict"])


def vrrp_conf(router_id, priority, advert_int=0.1, vrid=51, state="BACKUP",
              vips=(VIP_CIDR,), nopreempt=False, preempt_delay=None,
              version=3, interface="eth0", name="VI_1", extra="", global_defs=True,
              default_checks=False):
    """Text of a keepalived-syntax config with one vrrp_instance (and a
    global_defs block unless global_defs=False, to append instances).
    Core VRRP tests run no Postfix, so vipd's default health checks of the
    local Postfix are off unless default_checks=True."""
    lines = ["global_defs {", "    router_id %s" % router_id, "}"] if global_defs else []
    lines += ["vrrp_instance %s {" % name,
              "    state %s" % state,
              "    interface %s" % interface,
              "    virtual_router_id %d" % vrid,
              "    priority %d" % priority,
              "    advert_int %s" % _fmt_num(advert_int),
              "    version %d" % version]
    if not default_checks:
        lines.append("    default_checks off")
    if nopreempt:
        lines.append("    nopreempt")
    if preempt_delay is not None:
        lines.append("    preempt_delay %s" % _fmt_num(preempt_delay))
    if extra:
        lines.extend("    " + l for l in extra.strip("\n").split("\n"))
    lines.append("    virtual_ipaddress {")
    lines.extend("        %s" % v for v in vips)
    lines.append("    }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _fmt_num(x):
    return ("%g" % x) if isinstance(x, float) else str(x)


def skew_time(priority, advert_int):
    """RFC 9568 Skew_Time in seconds (advert_int in seconds)."""
    return (256 - priority) * advert_int / 256.0


def master_down_interval(priority, advert_int):
    return 3 * advert_int + skew_time(priority, advert_int)


def _install_handlers():
    global _handlers_installed
    if _handlers_installed:
        return
    _handlers_installed = True
    atexit.register(_cleanup_all)

    def on_signal(signum, frame):
        raise KeyboardInterrupt("signal %d" % signum)
    for s in (signal.SIGTERM, signal.SIGHUP):
        try:
            if signal.getsignal(s) in (signal.SIG_DFL, None):
                signal.signal(s, on_signal)
        except ValueError:
            pass  # not the main thread


def _cleanup_all():
    for lab in list(_live_labs):
        try:
            lab.cleanup()
        except Exception:
            pass


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


class Host:
    def __init__(self, lab, name, index):
        self.lab = lab
        self.name = name
        self.index = index
        self.ns = "%s-%s" % (lab.prefix_hosts, name)
        self.port = "p-%s" % name[:12]
        self.addr = "203.0.113.%d" % index
        self.addr6 = "2001:db8::%x" % index
        self.dir = os.path.join(lab.workdir, name)
        self.agent = None  # Agent currently started on this host
        self.prio = None
        self.advert_int = None

    def __repr__(self):
        return "Host(%s %s)" % (self.name, self.addr)


class Agent:
    """A vipd or keepalived process started in a host namespace."""

    def __init__(self, host, kind, popen, log, conf, sock=None, pidfiles=()):
        self.host = host
        self.kind = kind
        self.popen = popen
        self.pid = popen.pid
        self.log = log
        self.conf = conf
        self.sock = sock
        self.pidfiles = list(pidfiles)
        self.started = time.monotonic()
        # Set when the test stopped it (stop_agent) or declared that it
        # exits by itself (Lab.expect_exit); any other exit is a failure.
        self.stopped = False

    def running(self):
        return self.popen.poll() is None

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""


class Lab:
    """A bridge plus hosts; use as a context manager (or call setup/cleanup)."""

    def __init__(self, hosts=3, vip=VIP, ipv6=True):
        global _lab_counter
        _lab_counter += 1
        _install_handlers()
        self.n = _lab_counter
        self.pid = os.getpid()
        self.bridge_ns = "vb-%d-%d" % (self.pid, self.n)
        self.prefix_hosts = "vh-%d-%d" % (self.pid, self.n)
        self.vip = vip
        self.ipv6 = ipv6
        self.workdir = tempfile.mkdtemp(prefix="vipd-lab-%d-%d-" % (self.pid, self.n))
        os.chmod(self.workdir, 0o755)
        names = ["h%d" % (i + 1) for i in range(hosts)] if isinstance(hosts, int) else list(hosts)
        self.hosts = {}
        for i, name in enumerate(names):
            self.hosts[name] = Host(self, name, i + 1)
        self.namespaces = []  # created by us, deleted on cleanup
        self.etc_netns = []  # /etc/netns/<ns> dirs created by us
        self.procs = {}  # pid -> description
        self.agents = []  # every Agent ever started
        self.monitor = None
        self.t0 = time.monotonic()
        self.cleaned = False

    # ---- setup / cleanup ---------------------------------------------
    def __enter__(self):
        try:
            self.setup()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False

    def setup(self):
        _live_labs.append(self)
        self._netns_add(self.bridge_ns)
        b = self.bridge_ns
        self.ip(b, "link", "set", "lo", "up")
        self.ip(b, "link", "add", "br0", "type", "bridge", "stp_state", "0",
                "forward_delay", "0", "mcast_snooping", "0")
        self.ip(b, "link", "set", "br0", "up")
        for h in self.hosts.values():
            os.makedirs(h.dir, mode=0o755, exist_ok=True)
            self._netns_add(h.ns)
            self.ip(b, "link", "add", h.port, "type", "veth", "peer", "name", "eth0",
                    "netns", h.ns)
            self.ip(b, "link", "set", h.port, "master", "br0")
            self.ip(b, "link", "set", h.port, "up")
            self._sysctl(h.ns, "net.ipv6.conf.all.accept_dad", "0")
            self._sysctl(h.ns, "net.ipv6.conf.default.accept_dad", "0")
            self._sysctl(h.ns, "net.ipv6.conf.eth0.accept_dad", "0")
            self.ip(h.ns, "link", "set", "lo", "up")
            self.ip(h.ns, "addr", "add", "%s/24" % h.addr, "dev", "eth0")
            if self.ipv6:
                self.ip(h.ns, "addr", "add", "%s/64" % h.addr6, "dev", "eth0", "nodad")
            self.ip(h.ns, "link", "set", "eth0", "up")
        self.monitor = VipMonitor(self, self.vip)
        self.monitor.start()
        self.t0 = time.monotonic()

    def cleanup(self):
        """Stop everything we started; returns a list of problems seen
        (vipd not exiting 0 on SIGTERM, sanitizer reports in vipd logs).
        Idempotent."""
        if self.cleaned:
            return []
        self.cleaned = True
        try:
            return self._cleanup()
        except BaseException:
            self.cleaned = False    # interrupted: let atexit finish the job
            raise

    def _cleanup(self):
        problems = self.unexpected_exits()
        if self.monitor:
            try:
                self.monitor.stop()
            except Exception:
                pass
        for a in self.agents:
            if a.running():
                rc = self._stop_popen(a.popen, signal.SIGTERM, 3.0)
                if a.kind == "vipd" and rc != 0:
                    problems.append("%s: vipd pid %d exited %s on SIGTERM at cleanup"
                                    % (a.host.name, a.pid, rc))
            self._reap_pidfiles(a)
            self._untrack(a.pid)
        for pid in list(self.procs):
            self._kill_pid(pid)
        problems += self.sanitizer_reports()
        for ns in reversed(self.namespaces):
            subprocess.run(["ip", "netns", "del", ns], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        self.namespaces = []
        for d in self.etc_netns:
            shutil.rmtree(d, ignore_errors=True)
        self.etc_netns = []
        if os.environ.get("VIPD_LAB_KEEP"):
            print("lab: keeping %s" % self.workdir)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)
        if self in _live_labs:
            _live_labs.remove(self)
        return problems

    def unexpected_exits(self):
        """Agents that exited although the test neither stopped them nor
        said they would exit: a crash, an abort, a fatal error."""
        out = []
        for a in self.agents:
            if a.stopped:
                continue
            rc = a.popen.poll()
            if rc is not None:
                out.append("%s: %s pid %d exited by itself during the test (exit %s)"
                           % (a.host.name, a.kind, a.pid, rc))
        return out

    def assert_agents_alive(self):
        """Fail at once if an agent exited that the test did not stop."""
        gone = self.unexpected_exits()
        assert not gone, "\n".join(gone)

    def expect_exit(self, agent):
        """The test expects `agent` to exit by itself (a refused start, a
        daemon that forks): its exit is not a crash."""
        agent.stopped = True

    def _netns_add(self, ns):
        # Our PID is in the name, and no live process shares it: one that
        # exists already was left by a killed run whose PID was ours.
        if os.path.exists(os.path.join("/run/netns", ns)):
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
        subprocess.run(["ip", "netns", "add", ns], check=True)
        self.namespaces.append(ns)

    def make_etc_netns(self, host):
        """Create /etc/netns/<ns> (removed on cleanup); returns its path."""
        d = os.path.join("/etc/netns", self.hosts[host].ns)
        os.makedirs(d, exist_ok=False)
        self.etc_netns.append(d)
        return d

    def _sysctl(self, ns, key, value):
        self.run_ns(ns, ["sysctl", "-q", "-w", "%s=%s" % (key, value)])

    def _track(self, pid, what):
        self.procs[pid] = what

    def _untrack(self, pid):
        self.procs.pop(pid, None)

    def _kill_pid(self, pid):
        """SIGTERM, then SIGKILL after 3 s, a PID we started."""
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            self._untrack(pid)
            return
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    break
            except ChildProcessError:
                if not _pid_alive(pid):
                    break
            time.sleep(0.02)
        else:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        self._untrack(pid)

    def _stop_popen(self, p, sig, timeout):
        try:
            p.send_signal(sig)
        except ProcessLookupError:
            pass
        try:
            return p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            return "killed after %.0f s" % timeout

    def _reap_pidfiles(self, agent):
        """keepalived forks a VRRP child; stop it by the PID in its pid
        file, if that PID still runs keepalived."""
        for pf in agent.pidfiles:
            try:
                with open(pf) as f:
                    pid = int(f.read().strip())
            except (OSError, ValueError):
                continue
            if pid == agent.pid or not _pid_alive(pid):
                continue
            try:
                with open("/proc/%d/cmdline" % pid, "rb") as f:
                    if b"keepalived" not in f.read():
                        continue
            except OSError:
                continue
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            if not wait_for(lambda: not _pid_alive(pid), 3):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    # ---- commands ------------------------------------------------------
    def ip(self, ns, *args):
        return subprocess.run(["ip", "-n", ns] + list(args), check=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def run_ns(self, ns, argv, check=True, timeout=30, **kw):
        r = subprocess.run(["ip", "netns", "exec", ns] + list(argv), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=timeout, **kw)
        if check and r.returncode != 0:
            raise AssertionError("in %s: %s exited %d\nstdout: %s\nstderr: %s" % (
                ns, " ".join(argv), r.returncode, r.stdout, r.stderr))
        return r

    def run(self, host, *argv, check=True, timeout=30):
        """Run a command in a host's namespace; returns CompletedProcess."""
        return self.run_ns(self.hosts[host].ns, argv, check=check, timeout=timeout)

    def link_down(self, host):
        self.ip(self.hosts[host].ns, "link", "set", "eth0", "down")

    def link_up(self, host):
        self.ip(self.hosts[host].ns, "link", "set", "eth0", "up")

    def bridge_down(self):
        """Partition every host from every other (carrier stays up)."""
        self.ip(self.bridge_ns, "link", "set", "br0", "down")

    def bridge_up(self):
        self.ip(self.bridge_ns, "link", "set", "br0", "up")

    def addrs(self, host, dev="eth0"):
        """Addresses on dev as a list of dicts: addr, prefix, dynamic, valid_lft."""
        out = subprocess.run(["ip", "-n", self.hosts[host].ns, "-o", "addr", "show",
                              "dev", dev], check=True, stdout=subprocess.PIPE,
                             text=True).stdout
        res = []
        for line in out.splitlines():
            m = re.search(r"\binet6?\s+(\S+)/(\d+)", line)
            if not m:
                continue
            lft = re.search(r"valid_lft (\S+)", line)
            res.append({"addr": m.group(1), "prefix": int(m.group(2)),
                        "dynamic": " dynamic " in line + " ",
                        "valid_lft": lft.group(1) if lft else None,
                        "line": line})
        return res

    def mac(self, host, dev="eth0"):
        return self.run(host, "cat", "/sys/class/net/%s/address" % dev).stdout.strip()

    def neigh(self, host, addr, dev="eth0"):
        """Link-layer address host's neighbour table has for addr, or None."""
        out = self.ip(self.hosts[host].ns, "neigh", "show", addr, "dev", dev).stdout
        m = re.search(r"lladdr (\S+)", out)
        return m.group(1) if m else None

    def has_addr(self, host, addr=None):
        addr = addr or self.vip
        return any(a["addr"] == addr for a in self.addrs(host))

    def holders(self, addr=None):
        """Hosts holding addr right now (fresh `ip addr` in every ns)."""
        return [h for h in self.hosts if self.has_addr(h, addr)]

    # ---- agents --------------------------------------------------------
    def _write_conf(self, host, conf_text, fname):
        h = self.hosts[host]
        path = os.path.join(h.dir, fname)
        with open(path, "w") as f:
            f.write(conf_text)
        return path

    def _note(self, log, msg):
        """Mark an event in an agent's log, with the time since lab start."""
        with open(log, "a") as f:
            f.write("==== lab: %s at %+.3f s ====\n" % (msg, time.monotonic() - self.t0))

    def _spawn(self, host, argv, log, env=None):
        h = self.hosts[host]
        logf = open(log, "ab")
        try:
            p = subprocess.Popen(["ip", "netns", "exec", h.ns] + argv, stdin=subprocess.DEVNULL,
                                 stdout=logf, stderr=subprocess.STDOUT, env=env,
                                 start_new_session=True)
        finally:
            logf.close()
        return p

    def start_vipd(self, host, conf_text, extra_args=()):
        """Start vipd (VIPD_BIN, default build/san/vipd) in host's namespace."""
        h = self.hosts[host]
        n = len(self.agents)
        conf = self._write_conf(host, conf_text, "vipd-%d.conf" % n)
        pidfile = os.path.join(h.dir, "vipd.pid")
        sock = os.path.join(h.dir, "vipd.sock")
        log = os.path.join(h.dir, "vipd.log")
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        self._note(log, "start vipd on %s" % host)
        argv = [vipd_bin(), "-n", "-l", "-D", "-f", conf, "-p", pidfile, "-s", sock]
        argv += list(extra_args)
        p = self._spawn(host, argv, log, env)
        a = Agent(h, "vipd", p, log, conf, sock=sock)
        self._track(p.pid, "vipd %s" % host)
        self.agents.append(a)
        h.agent = a
        return a

    def start_keepalived(self, host, conf_text):
        """Start keepalived (VRRP only) in host's namespace, own pid files.
        vipd's own health keywords are left out: keepalived has no built-in
        Postfix checks."""
        conf_text = "\n".join(l for l in conf_text.split("\n")
                              if l.split()[:1] not in VIPD_ONLY) + "\n"
        h = self.hosts[host]
        n = len(self.agents)
        conf = self._write_conf(host, conf_text, "keepalived-%d.conf" % n)
        pids = [os.path.join(h.dir, "keepalived-%d.%s.pid" % (n, k))
                for k in ("main", "vrrp", "check")]
        log = os.path.join(h.dir, "keepalived.log")
        self._note(log, "start keepalived on %s" % host)
        argv = ["keepalived", "-f", conf, "-p", pids[0], "-r", pids[1], "-c", pids[2],
                "--vrrp", "-l", "-D", "-n"]
        p = self._spawn(host, argv, log)
        a = Agent(h, "keepalived", p, log, conf, pidfiles=pids)
        self._track(p.pid, "keepalived %s" % host)
        self.agents.append(a)
        h.agent = a
        return a

    def start_agent(self, host, conf_text, extra_args=()):
        """Start the implementation under test (see impl())."""
        if impl() == "keepalived":
            return self.start_keepalived(host, conf_text)
        return self.start_vipd(host, conf_text, extra_args)

    def stop_agent(self, host, sig=signal.SIGTERM, timeout=5.0):
        """Signal host's agent and wait for it; returns its exit code
        (negative: killed by that signal).  With SIGKILL on keepalived,
        its VRRP child is killed as well (that is the agent that holds
        state)."""
        a = self.hosts[host].agent
        assert a is not None, "no agent on %s" % host
        self.assert_agents_alive()
        a.stopped = True
        if a.kind == "keepalived" and sig == signal.SIGKILL:
            for pf in a.pidfiles[1:2]:
                try:
                    with open(pf) as f:
                        os.kill(int(f.read().strip()), signal.SIGKILL)
                except (OSError, ValueError):
                    pass
        try:
            a.popen.send_signal(sig)
        except ProcessLookupError:
            pass
        try:
            rc = a.popen.wait(timeout=scaled(timeout))
        except subprocess.TimeoutExpired:
            a.popen.kill()
            a.popen.wait()
            rc = "did not exit within %.1f s" % timeout
        self._untrack(a.pid)
        if a.kind == "keepalived":
            self._reap_pidfiles(a)
        self._note(a.log, "%s stopped with signal %d, exit %s" % (host, sig, rc))
        return rc

    stop_vipd = stop_agent

    def vipctl(self, host, *args, check=True, timeout=10):
        """Run vipctl -s SOCK ARGS in host's namespace."""
        a = self.hosts[host].agent
        assert a is not None and a.kind == "vipd", "no vipd on %s" % host
        return self.run(host, vipctl_bin(), "-s", a.sock, *args, check=check,
                        timeout=scaled(timeout))

    def status(self, host):
        """Parsed `vipctl status --json` of host's vipd."""
        return json.loads(self.vipctl(host, "status", "--json").stdout)

    def instance(self, host, name="VI_1"):
        for inst in self.status(host)["instances"]:
            if inst["name"] == name:
                return inst
        raise AssertionError("%s: no instance %s in status" % (host, name))

    def state(self, host, name="VI_1"):
        """INIT/BACKUP/MASTER/FAULT of host's agent, or None if it has
        none running or it cannot tell.  For keepalived this is the last
        'Entering X STATE' line of its log."""
        a = self.hosts[host].agent
        if a is None or not a.running():
            return None
        if a.kind == "vipd":
            try:
                return self.instance(host, name)["state"]
            except (AssertionError, ValueError, KeyError):
                return None
        states = re.findall(r"\(%s\) Entering (\w+) STATE" % re.escape(name), a.log_text())
        return states[-1] if states else "INIT"

    def states(self):
        return {h: self.state(h) for h in self.hosts}

    def wait_states(self, expected, timeout):
        """Wait until every host in `expected` (host -> state) is in that
        state; returns True or False."""
        return bool(wait_for(lambda: all(self.state(h) == s for h, s in expected.items()),
                             timeout, 0.05))

    def start_sniff(self, host, seconds, iface="eth0", what="vrrp"):
        """Capture IP protocol 112 (what="vrrp") or ARP frames on host's
        iface for `seconds` (sniff.py in the namespace).  Returns once
        capturing; call .frames() on the result for [(t, "in"/"out", bytes)]."""
        return Sniffer(self, host, seconds, iface, what)

    def inject(self, host, **kw):
        """Send hand-built adverts from host's eth0 (inject.py; keyword
        arguments map to its options, e.g. ttl=254, csum="bad").  Returns
        the number of frames sent."""
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "inject.py")
        argv = ["/usr/bin/python3", script]
        for k, v in kw.items():
            argv.append("--" + k)
            argv.extend(str(x) for x in (v if isinstance(v, (list, tuple)) else [v]))
        return int(self.run(host, *argv).stdout.strip())

    # ---- reporting -----------------------------------------------------
    def report(self, tail=120):
        """Log tails and the VIP timeline, for a failed test's report."""
        secs = []
        for a in self.agents:
            text = a.log_text().splitlines()
            if len(text) > tail:
                text = ["... (%d lines cut)" % (len(text) - tail)] + text[-tail:]
            secs.append(("%s log (%s, pid %d)" % (a.kind, a.host.name, a.pid), "\n".join(text)))
        if self.monitor:
            secs.append(("VIP %s holders (time since lab start)" % self.vip,
                         self.monitor.format_timeline()))
        return secs

    def sanitizer_reports(self):
        """Sanitizer findings in any vipd log."""
        out = []
        pat = re.compile(r"(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|"
                         r"SUMMARY: (Address|Undefined|Leak)Sanitizer)")
        for a in self.agents:
            if a.kind != "vipd":
                continue
            for line in a.log_text().splitlines():
                if pat.search(line):
                    out.append("%s (pid %d): %s" % (a.host.name, a.pid, line.strip()))
        return out
