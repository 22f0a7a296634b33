# SPDX-License-Identifier: ISC
"""Real Postfix instances inside the lab's host namespaces, with fault
injection for vipd's health checks.

Each instance is its host's /etc/postfix: its configuration lives in
/etc/netns/<ns>/postfix, which `ip netns exec <ns>` bind-mounts over
/etc/postfix, so vipd's default checks and plain `postfix`/`postqueue`
commands run in the namespace see it.  Queue, data directory, log and
Maildir live under the host's lab directory.  Only the Postfix processes
started here are stopped, by the PID in their pid file (and that master's
children); /etc/netns/<ns> is removed with the lab.
"""

import ctypes
import email
import json
import os
import shutil
import signal
import smtplib
import socket
import subprocess
import threading
import time

from lab import SUBNET, wait_for

POSTFIX_ETC = "/etc/postfix"
SINK = "sink.test"
NOBODY = 65534
# Copied from /etc/postfix besides main.cf/master.cf: postfix-script reads
# postfix-files (and its .d) at start; dynamicmaps for cidr/inline maps.
_META = ("dynamicmaps.cf", "dynamicmaps.cf.d", "postfix-files", "postfix-files.d")


_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000


def enter_netns(ns):
    """Move the calling thread (only) into network namespace ns: sockets it
    creates from then on belong to ns, and stay there whichever thread
    uses them."""
    fd = os.open(os.path.join("/run/netns", ns), os.O_RDONLY | os.O_CLOEXEC)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns %s: %s" % (ns, os.strerror(e)))
    finally:
        os.close(fd)


def in_netns(ns, fn, *args):
    """Run fn(*args) in a short-lived thread inside network namespace ns;
    returns its result (or raises its exception)."""
    box = {}

    def run():
        try:
            enter_netns(ns)
            box["r"] = fn(*args)
        except BaseException as e:     # handed to the caller
            box["e"] = e
    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join()
    if "e" in box:
        raise box["e"]
    return box.get("r")


_QUEUE_DIRS = [(n, "root", 0o700) for n in (
    "active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming",
    "private", "saved", "trace")] + [
    ("maildrop", "postdrop", 0o730), ("public", "postdrop", 0o710), ("pid", "root", 0o755)]


def _pid_alive(pid):
    """pid exists and is not a zombie (a daemonized master is reaped by
    whatever init the machine has, maybe late)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
    except OSError:
        return False
    return st[st.rfind(")") + 2:][:1] not in ("Z", "X", "")


def _children(pid):
    """PIDs whose parent is pid (from /proc)."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        # comm may contain spaces: fields after the closing parenthesis.
        fields = st[st.rfind(")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            out.append(int(d))
    return out


def _comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return None


class Postfix:
    """A real Postfix instance inside one lab host namespace, as that host's
    /etc/postfix (via /etc/netns/<ns>/postfix, so vipd's default checks and
    plain `postfix` commands run through `ip netns exec` see it).  Own
    queue_directory, data_directory, maillog_file, myhostname (=
    <host>.mx.test by default), Maildir delivery for domain sink.test into
    <dir>/Maildir (virtual_mailbox_*; uid/gid 65534).

    Listens on every address of the namespace (inet_interfaces = all: eth0,
    127.0.0.1 and the VIP when it arrives), IPv4 only; mynetworks is the lab
    subnet and loopback.  Attributes: host, ns, dir, config_dir (outside
    path, /etc/netns/<ns>/postfix), queue_dir, data_dir, log_path,
    maildir, myhostname, ca_path/cert_path/key_path (after set_tls)."""

    def __init__(self, lab, host, myhostname=None, tls=False):
        self.lab = lab
        self.host = host
        self.ns = lab.hosts[host].ns
        self.addr = lab.hosts[host].addr
        self.myhostname = myhostname or "%s.mx.test" % host
        self.dir = os.path.join(lab.hosts[host].dir, "postfix")
        self.queue_dir = os.path.join(self.dir, "spool")
        self.data_dir = os.path.join(self.dir, "data")
        self.log_path = os.path.join(self.dir, "maillog")
        self.maildir = os.path.join(self.dir, "Maildir")
        self.tls_dir = os.path.join(self.dir, "tls")
        self.cert_path = os.path.join(self.tls_dir, "cert.pem")
        self.key_path = os.path.join(self.tls_dir, "key.pem")
        self.ca_path = os.path.join(self.tls_dir, "ca.pem")
        self.config_dir = os.path.join("/etc/netns", self.ns, "postfix")
        self.started_pids = set()   # masters we started (stopped at cleanup)
        self._greeting = None
        self._frozen = None
        self._frozen_qmgr = None
        self._setup()
        if tls:
            self.set_tls("ok")

    # ---- setup --------------------------------------------------------
    def _setup(self):
        for d in (self.dir, self.queue_dir, self.tls_dir):
            os.makedirs(d, mode=0o755, exist_ok=True)
        os.makedirs(self.data_dir, mode=0o700, exist_ok=True)
        shutil.chown(self.data_dir, "postfix", "postfix")
        # The queue as postfix-files makes it, so that `postfix start` can
        # skip its 2.5 s of checks (quick-start).
        for name, group, mode in _QUEUE_DIRS:
            d = os.path.join(self.queue_dir, name)
            os.makedirs(d, exist_ok=True)
            os.chmod(d, mode)
            shutil.chown(d, "root" if name == "pid" else "postfix", group)
        os.makedirs(self.maildir, mode=0o700, exist_ok=True)
        os.chown(self.maildir, NOBODY, NOBODY)
        etc = os.path.join("/etc/netns", self.ns)
        if not os.path.isdir(etc):
            self.lab.make_etc_netns(self.host)
        os.makedirs(self.config_dir, mode=0o755)
        for name in _META:
            src = os.path.join(POSTFIX_ETC, name)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(self.config_dir, name), symlinks=True)
            elif os.path.exists(src):
                shutil.copy2(src, os.path.join(self.config_dir, name))
        for src in (os.path.join(POSTFIX_ETC, "master.cf"),
                    "/usr/share/postfix/master.cf.dist"):
            if os.path.exists(src):
                shutil.copy2(src, os.path.join(self.config_dir, "master.cf"))
                break
        if not os.path.exists(os.path.join(self.config_dir, "dynamicmaps.cf")):
            shutil.copy2("/usr/share/postfix/dynamicmaps.cf", self.config_dir)
        for name in ("greeting.cidr", "rcpt.cidr"):
            self._write(name, "")
        self._write("main.cf", self._main_cf())
        # No chroot: the chrooted daemons would need copies of /etc files.
        self.postconf("-F", "*/*/chroot = n")
        self._master_cf = self._read("master.cf")

    def _main_cf(self):
        prefixes = self.dir
        return "\n".join([
            "# lab instance for %s (%s)" % (self.host, self.ns),
            "compatibility_level = 3.6",
            "myhostname = %s" % self.myhostname,
            "mydomain = mx.test",
            "myorigin = $myhostname",
            "mydestination = $myhostname, localhost",
            "smtpd_banner = $myhostname ESMTP",
            "queue_directory = %s" % self.queue_dir,
            "data_directory = %s" % self.data_dir,
            "inet_interfaces = all",
            "inet_protocols = ipv4",
            "mynetworks = %s 127.0.0.0/8" % SUBNET,
            "maillog_file = %s" % self.log_path,
            "maillog_file_prefixes = /var, /dev/stdout, %s" % prefixes,
            "syslog_name = postfix-%s" % self.host,
            "biff = no",
            "append_dot_mydomain = no",
            "alias_maps = inline:{ postmaster=root }",
            "alias_database =",
            "relayhost =",
            "default_transport = error:lab hosts do not relay",
            "virtual_mailbox_domains = %s" % SINK,
            "virtual_mailbox_base = %s" % self.dir,
            "virtual_mailbox_maps = static:Maildir/",
            "virtual_uid_maps = static:%d" % NOBODY,
            "virtual_gid_maps = static:%d" % NOBODY,
            "virtual_minimum_uid = 100",
            "smtpd_delay_reject = yes",
            "smtpd_client_restrictions =",
            "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination",
            "smtpd_recipient_restrictions = check_client_access cidr:%s"
            % os.path.join("/etc/postfix", "rcpt.cidr"),
            "smtpd_tls_security_level = none",
            "smtp_tls_security_level = none",
            "queue_run_delay = 10s",
            "minimal_backoff_time = 10s",
            "maximal_backoff_time = 20s",
            "",
        ])

    def _write(self, name, text):
        path = os.path.join(self.config_dir, name)
        with open(path, "w") as f:
            f.write(text)
        self._backdate()
        return path

    def _backdate(self):
        """Postfix programs wait (300 ms at a time, up to ~2.5 s) while
        main.cf or master.cf is less than a couple of seconds old, to avoid
        reading a half-written file: date our edits 10 s back."""
        t = time.time() - 10
        for name in ("main.cf", "master.cf", "greeting.cidr", "rcpt.cidr"):
            path = os.path.join(self.config_dir, name)
            if os.path.exists(path):
                os.utime(path, (t, t))

    def _read(self, name):
        with open(os.path.join(self.config_dir, name)) as f:
            return f.read()

    # ---- commands -----------------------------------------------------
    def run(self, *argv, check=True, timeout=30):
        """Run a command in the host's namespace (sees this instance as
        /etc/postfix)."""
        return self.lab.run_ns(self.ns, list(argv), check=check, timeout=timeout)

    def postconf(self, *args):
        """postconf on this instance's configuration (outside path)."""
        r = subprocess.run(["postconf", "-c", self.config_dir] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise AssertionError("postconf %s: %s" % (" ".join(args), r.stderr))
        if args and args[0] in ("-e", "-F", "-M#", "-X", "-#", "-M", "-P"):
            self._backdate()
        return r.stdout

    def set(self, **params):
        """Set main.cf parameters (postconf -e); does not reload."""
        self.postconf("-e", *["%s=%s" % (k, v) for k, v in params.items()])

    def start(self):
        """postfix start in the namespace; returns the master's PID."""
        open(os.path.join(self.queue_dir, "quick-start"), "w").close()
        self.run("postfix", "start", timeout=60)
        pid = wait_for(self._pidfile_master, 10, 0.05)
        assert pid, "%s: Postfix started but no live master pid\n%s" % (
            self.host, self.log_tail())
        self.started_pids.add(pid)
        assert wait_for(self.listening, 10, 0.05), \
            "%s: Postfix not answering on 127.0.0.1:25\n%s" % (self.host, self.log_tail())
        return pid

    def stop(self):
        """postfix stop in the namespace, then wait for the master to go
        (SIGKILL to it and its children after 5 s)."""
        pid = self._pidfile_master()
        self.thaw_all()
        self.run("postfix", "stop", check=False, timeout=30)
        if pid:
            if not wait_for(lambda: not _pid_alive(pid), 5, 0.05):
                self._kill_tree(pid)
            self.started_pids.discard(pid)

    def reload(self):
        self.run("postfix", "reload", timeout=30)

    def running(self):
        return self.run("postfix", "status", check=False).returncode == 0

    def listening(self, addr="127.0.0.1", port=25):
        """Whether addr:port accepts a connection inside the namespace."""
        def probe():
            try:
                with socket.create_connection((addr, port), timeout=1):
                    return True
            except OSError:
                return False
        return in_netns(self.ns, probe)

    def _pidfile_master(self):
        try:
            with open(os.path.join(self.queue_dir, "pid", "master.pid")) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            return None
        return pid if _pid_alive(pid) and _comm(pid) == "master" else None

    def master_pid(self):
        pid = self._pidfile_master()
        assert pid, "%s: no running Postfix master" % self.host
        return pid

    def _child_named(self, name):
        for pid in _children(self.master_pid()):
            if _comm(pid) == name:
                return pid
        return None

    def qmgr_pid(self):
        pid = wait_for(lambda: self._child_named("qmgr"), 5, 0.05)
        assert pid, "%s: no qmgr under master %d" % (self.host, self.master_pid())
        return pid

    def freeze(self, smtpd=True):
        """SIGSTOP the master by pid.  Idle smtpd children would go on
        serving connections until they reach max_idle or max_use, so by
        default they are stopped too, as if they had run out: the kernel
        still accepts connections on port 25, nobody sends a banner."""
        master = self.master_pid()
        self._frozen = [master]
        os.kill(master, signal.SIGSTOP)
        if smtpd:
            for pid in _children(master):
                if _comm(pid) == "smtpd":
                    os.kill(pid, signal.SIGSTOP)
                    self._frozen.append(pid)

    def thaw(self):
        """SIGCONT what freeze() stopped."""
        for pid in self._frozen or []:
            if _pid_alive(pid):
                os.kill(pid, signal.SIGCONT)
        self._frozen = None

    def freeze_qmgr(self):
        self._frozen_qmgr = self.qmgr_pid()
        os.kill(self._frozen_qmgr, signal.SIGSTOP)

    def thaw_qmgr(self):
        pid = self._frozen_qmgr
        if pid and _pid_alive(pid):
            os.kill(pid, signal.SIGCONT)
        self._frozen_qmgr = None

    def thaw_all(self):
        self.thaw()
        self.thaw_qmgr()

    def _kill_tree(self, pid):
        for sig in (signal.SIGCONT, signal.SIGKILL):
            for p in _children(pid) + [pid]:
                try:
                    os.kill(p, sig)
                except ProcessLookupError:
                    pass
        wait_for(lambda: not _pid_alive(pid), 3, 0.05)

    def cleanup(self):
        """Stop the masters we started, whatever state they are in: SIGTERM
        (what `postfix stop` sends), SIGKILL to the master and its children
        after 5 s."""
        self.thaw_all()
        for pid in list(self.started_pids):
            if _pid_alive(pid) and _comm(pid) == "master":
                self.kill_master(pid)
        self.started_pids.clear()

    def kill_master(self, pid=None, timeout=5):
        """SIGTERM the master (default: the running one) and wait for it to
        exit; SIGKILL it and its children after timeout."""
        pid = pid or self.master_pid()
        try:
            os.kill(pid, signal.SIGCONT)
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        if not wait_for(lambda: not _pid_alive(pid), timeout, 0.02):
            self._kill_tree(pid)
        self.started_pids.discard(pid)

    # ---- fault injection ----------------------------------------------
    def _restrictions(self):
        self.set(smtpd_delay_reject="no" if self._greeting else "yes",
                 smtpd_client_restrictions="check_client_access cidr:/etc/postfix/greeting.cidr"
                 if self._greeting else "")

    def set_greeting_reject(self, reply):
        """Answer every client's connection with `reply` (e.g. "421 4.3.2
        Fault injected" or "554 5.7.1 Fault injected") instead of the 220
        (smtpd_delay_reject=no + check_client_access); None clears.
        Reloads."""
        self._greeting = reply
        self._write("greeting.cidr", "0.0.0.0/0 %s\n" % reply if reply else "")
        self._restrictions()
        self.reload()

    def set_greeting_delay(self, seconds):
        """Delay the 220 by `seconds` (client restriction `sleep`); None or
        0 clears.  Reloads."""
        if seconds:
            self.set(smtpd_delay_reject="no",
                     smtpd_client_restrictions="sleep %d, permit" % seconds)
        else:
            self._restrictions()
        self.reload()

    def set_rcpt_reject(self, reply):
        """Answer every RCPT TO with `reply` (e.g. "550 5.7.1 Fault
        injected"); None clears.  Reloads."""
        self._write("rcpt.cidr", "0.0.0.0/0 %s\n" % reply if reply else "")
        self.reload()

    def set_rcpt_hang(self, on):
        """Comment out cleanup/unix in master.cf (postconf -M#) so that
        RCPT hangs; off restores master.cf.  Reloads."""
        if on:
            self.postconf("-M#", "cleanup/unix")
        else:
            self._write("master.cf", self._master_cf)
        self.reload()

    def _openssl(self, *args):
        r = subprocess.run(["openssl"] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, cwd=self.tls_dir)
        assert r.returncode == 0, "openssl %s: %s" % (" ".join(args), r.stderr)

    def _make_ca(self):
        """This instance's own CA (ca_path, ca.key), made once."""
        if os.path.exists(self.ca_path):
            return
        self._openssl("req", "-x509", "-newkey", "ec", "-pkeyopt",
                      "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key",
                      "-out", self.ca_path, "-days", "3650", "-subj", "/CN=lab CA %s" % self.host)

    def _make_cert(self, days):
        """Write a certificate for myhostname signed by this instance's CA
        and its key (cert_path, key_path), valid from 30 days ago until
        `days` days and one hour from now: `days` whole days left (negative:
        expired) for the next hour."""
        self._make_ca()
        t = time.time()

        def asn1(secs):
            return time.strftime("%Y%m%d%H%M%SZ", time.gmtime(secs))
        with open(os.path.join(self.tls_dir, "ca.cnf"), "w") as f:
            f.write("[ca]\ndefault_ca = lab\n[lab]\ndatabase = index.txt\n"
                    "new_certs_dir = .\nserial = serial\ndefault_md = sha256\n"
                    "policy = pol\nx509_extensions = ext\nunique_subject = no\n"
                    "[pol]\ncommonName = supplied\n[ext]\nbasicConstraints = CA:FALSE\n"
                    "subjectAltName = DNS:%s\n" % self.myhostname)
        open(os.path.join(self.tls_dir, "index.txt"), "w").close()
        with open(os.path.join(self.tls_dir, "serial"), "w") as f:
            f.write("%016X\n" % int.from_bytes(os.urandom(7), "big"))
        self._openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                      "-nodes", "-keyout", self.key_path, "-out", "req.csr",
                      "-subj", "/CN=%s" % self.myhostname)
        self._openssl("ca", "-batch", "-config", "ca.cnf", "-cert", self.ca_path,
                      "-keyfile", "ca.key", "-in", "req.csr", "-out", self.cert_path, "-notext",
                      "-startdate", asn1(t - 30 * 86400),
                      "-enddate", asn1(t + days * 86400 + 3600))
        os.chmod(self.key_path, 0o600)
        self.cert_days_left = days

    def set_tls(self, mode, days=30):
        """STARTTLS on port 25 with a certificate for myhostname signed by
        this instance's CA (ca_path: give it to the probe as tls_ca_file):
        "ok" (`days` whole days left, 30 by default), "expired" (-2 whole
        days left), "broken" (a good certificate but the key file is
        missing: STARTTLS is still offered and answered with 454), None
        (off: no STARTTLS).  Reloads if running."""
        if mode is None:
            self.set(smtpd_tls_security_level="none")
        else:
            if mode == "expired":
                self._make_cert(-2)
            elif mode in ("ok", "broken"):
                self._make_cert(days)
            else:
                raise ValueError("set_tls: unknown mode %r" % mode)
            keyfile = self.key_path if mode != "broken" else self.key_path + ".missing"
            self.set(smtpd_tls_security_level="may", smtpd_tls_cert_file=self.cert_path,
                     smtpd_tls_key_file=keyfile, smtpd_tls_loglevel="1")
        if self._pidfile_master():
            self.reload()

    # ---- mail -----------------------------------------------------------
    def maildir_ids(self):
        """X-Test-Id values of the messages delivered to the Maildir."""
        ids = set()
        for sub in ("new", "cur"):
            d = os.path.join(self.maildir, sub)
            try:
                names = os.listdir(d)
            except FileNotFoundError:
                continue
            for n in names:
                try:
                    with open(os.path.join(d, n), "rb") as f:
                        msg = email.message_from_binary_file(f)
                except OSError:
                    continue
                v = msg.get("X-Test-Id")
                if v:
                    ids.add(v.strip())
        return ids

    def queue_ids(self):
        """Queue IDs of every message in the queue (postqueue -j)."""
        out = self.run("postqueue", "-j", check=False).stdout
        ids = []
        for line in out.splitlines():
            try:
                ids.append(json.loads(line)["queue_id"])
            except (ValueError, KeyError, TypeError):
                continue    # a line of a message that changed while listed
        return ids

    def flush(self):
        self.run("postqueue", "-f", check=False)

    def log_tail(self, n=40):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return "(no maillog)"


def add_postfix(lab, host, **kw):
    """Make a Postfix instance for host and register its cleanup with the
    lab (stop it, then the lab removes /etc/netns/<ns>).  Returns it,
    not started."""
    pf = Postfix(lab, host, **kw)
    if not hasattr(lab, "postfixes"):
        lab.postfixes = []
        orig = lab._cleanup

        def cleanup_with_postfix():
            for one in lab.postfixes:
                try:
                    one.cleanup()
                except Exception:
                    pass
            return orig()
        lab._cleanup = cleanup_with_postfix
    lab.postfixes.append(pf)
    return pf


def add_postfixes(lab, hosts, start=True, **kw):
    """add_postfix for each host (started unless start=False); returns a
    dict host -> Postfix."""
    out = {}
    for h in hosts:
        out[h] = add_postfix(lab, h, **kw)
        if start:
            out[h].start()
    return out


def send_mail(lab, client_host, to_addr, test_id, server, port=25, timeout=10,
              sender="t@client.test"):
    """Send one message with header X-Test-Id from client_host's namespace
    to server:port with smtplib.  Returns the banner host name (second word
    of the 220) on success; raises smtplib/OSError exceptions."""
    def send():
        with smtplib.SMTP(server, port, timeout=timeout) as s:
            code, text = s.ehlo("client.test")
            host = text.decode(errors="replace").split()[0] if code == 250 else None
            msg = ("From: %s\r\nTo: %s\r\nSubject: lab\r\nX-Test-Id: %s\r\n\r\nbody\r\n"
                   % (sender, to_addr, test_id))
            s.sendmail(sender, [to_addr], msg)
            return host
    return in_netns(lab.hosts[client_host].ns, send)


class StepTimeout(socket.timeout):
    """A timeout, naming the step ("connect" or "banner")."""


def read_banner(addr, port=25, timeout=2.0):
    """Connect to addr:port (in the calling thread's namespace) and return
    the greeting line, stripped; raises OSError (EOF: ConnectionError; a
    timeout: StepTimeout, with the step as its message)."""
    try:
        s = socket.create_connection((addr, port), timeout=timeout)
    except socket.timeout:
        raise StepTimeout("connect") from None
    with s:
        buf = b""
        while b"\n" not in buf:
            try:
                chunk = s.recv(512)
            except socket.timeout:
                raise StepTimeout("banner") from None
            if not chunk:
                raise ConnectionError("EOF before greeting")
            buf += chunk
        try:
            s.sendall(b"QUIT\r\n")
        except OSError:
            pass
        return buf.split(b"\n", 1)[0].decode(errors="replace").strip()


def banner(lab, client_host, server, port=25, timeout=2.0):
    """The greeting line read from server:port in client_host's namespace,
    or "!timeout", or "!" + the exception's name (e.g.
    "!ConnectionRefusedError")."""
    def get():
        try:
            return read_banner(server, port, timeout)
        except socket.timeout:
            return "!timeout"
        except OSError as e:
            return "!" + type(e).__name__
    return in_netns(lab.hosts[client_host].ns, get)


class BannerPoller:
    """A thread in client_host's namespace that connects to addr:port every
    `interval` seconds and reads the greeting.  samples: list of (t
    monotonic, host or None, error or None), host being the greeting's
    second word for a 220 and error e.g. "ConnectionRefusedError",
    "ConnectionResetError", "connect timeout", "banner timeout" or the
    line of any other reply ("421 ...").  Use as a context manager
    or start()/stop()."""

    def __init__(self, lab, client_host, addr, port=25, interval=0.005, timeout=1.0):
        self.ns = lab.hosts[client_host].ns
        self.addr = addr
        self.port = port
        self.interval = interval
        self.timeout = timeout
        self.samples = []
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = None
        self.error = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(5)
        if self.error:
            raise self.error
        return self

    def stop(self):
        self._stop.set()
        if self._thread:
            self._thread.join(self.timeout + 2)
        return self

    def _run(self):
        try:
            enter_netns(self.ns)
        except OSError as e:
            self.error = e
            self._ready.set()
            return
        self._ready.set()
        while not self._stop.is_set():
            t = time.monotonic()
            try:
                line = read_banner(self.addr, self.port, self.timeout)
                if line.startswith("220 "):
                    sample = (t, line.split()[1], None)
                else:
                    sample = (t, None, line)
            except StepTimeout as e:
                sample = (t, None, "%s timeout" % e)
            except OSError as e:
                sample = (t, None, type(e).__name__)
            with self.lock:
                self.samples.append(sample)
            self._stop.wait(self.interval)

    def snapshot(self, since=0.0):
        with self.lock:
            return [s for s in self.samples if s[0] >= since]

    def wait_host(self, host, timeout, since=0.0):
        """Wait until a sample after `since` is a 220 from `host`; returns
        its time or None."""
        def seen():
            for t, h, _ in self.snapshot(since):
                if h == host:
                    return t
            return None
        return wait_for(seen, timeout, 0.02)

    def failures(self, since=0.0, until=None):
        """Samples (t, None, error) in [since, until]."""
        return [s for s in self.snapshot(since)
                if s[1] is None and (until is None or s[0] <= until)]

    def hosts_seen(self, since=0.0):
        """Banner hosts in the order first seen after `since`."""
        out = []
        for _, h, _ in self.snapshot(since):
            if h and (not out or out[-1] != h):
                out.append(h)
        return out

    def outage(self, since=0.0):
        """Longest gap between two good greetings after `since` during
        which only failures were seen (0.0 if none), in seconds."""
        worst = 0.0
        last_good = None
        failed = False
        for t, h, _ in self.snapshot(since):
            if h:
                if failed and last_good is not None:
                    worst = max(worst, t - last_good)
                last_good = t
                failed = False
            else:
                failed = True
        return worst
