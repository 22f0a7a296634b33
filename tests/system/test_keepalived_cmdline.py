# SPDX-License-Identifier: ISC
"""keepalived's command line and keepalived.conf files as admins have them:
`vipd -f FILE -n -l -D` and the long forms of a systemd unit start vipd like
keepalived (default pid file and socket under /run, here a private one);
`vipd -t -f` accepts realistic keepalived.conf files with warnings for
e-mail alerts, takes vrrp_script beside its own checks, and refuses
virtual_server by name.  Each
file is checked with `keepalived -t` too, to keep the samples honest."""

import os
import signal
import subprocess

import pytest

import kalib
from helpers import has_vipctl, settle
from lab import vipd_bin, vrrp_conf, wait_for

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="vipd command line")

ARGV = {
    "short": ["-f", "FILE", "-n", "-l", "-D"],
    "long": ["--dont-fork", "--log-console", "--log-detail", "-f", "FILE"],
    "long_use_file": ["--use-file=FILE", "--dont-fork", "--log-console", "--log-detail"],
    "vrrp_only_flags": ["-P", "-R", "-B", "-r", "VRRP_PID", "-f", "FILE", "-n", "-l", "-D"],
    "vrrp_only_long": ["--vrrp", "--dont-respawn", "--no_bfd", "--vrrp_pid", "VRRP_PID",
                       "--use-file", "FILE", "--dont-fork", "--log-console", "--log-detail"],
}


@pytest.mark.parametrize("form", sorted(ARGV))
def test_started_like_keepalived(make_lab, form):
    lab = make_lab(1)
    a = kalib.start_vipd_plain(lab, "h1", vrrp_conf("h1", 100, 0.1), ARGV[form])
    assert wait_for(lambda: os.path.exists(a.sock), 3), \
        "no control socket at /run/vipd/vipd.sock:\n%s" % a.log_text()
    settle(lab, "h1")
    # -l: the log goes to stderr (the lab's log file), naming the file used.
    assert "starting with %s" % a.conf in a.log_text(), a.log_text()
    with open(os.path.join(a.rundir, "vipd.pid")) as f:
        assert int(f.read()) == a.pid
    if "VRRP_PID" in ARGV[form]:
        with open(os.path.join(a.rundir, "vipd-vrrp.pid")) as f:
            assert int(f.read()) == a.pid
    assert lab.stop_agent("h1") == 0
    assert lab.holders() == []
    assert not os.path.exists(os.path.join(a.rundir, "vipd.pid"))


def test_forks_without_dont_fork(make_lab):
    """keepalived's default (a Type=forking unit with PIDFile=): the
    command returns 0 at once, the daemon's PID is in the pid file, and
    SIGTERM to that PID stops it cleanly."""
    lab = make_lab(1)
    a = kalib.start_vipd_plain(lab, "h1", vrrp_conf("h1", 100, 0.1), ["-f", "FILE", "-D"])
    lab.expect_exit(a)
    assert a.popen.wait(timeout=5) == 0, a.log_text()
    lab._untrack(a.pid)
    pidfile = os.path.join(a.rundir, "vipd.pid")
    assert wait_for(lambda: os.path.exists(pidfile) and open(pidfile).read().strip(), 3)
    with open(pidfile) as f:
        pid = int(f.read())
    assert pid != a.pid
    lab._track(pid, "forked vipd h1")
    try:
        assert wait_for(lambda: os.path.exists(a.sock), 3)
        assert wait_for(lambda: lab.instance("h1")["state"] == "MASTER", 3)
        assert lab.status("h1")["pid"] == pid
        assert kalib.only_holder(lab, "h1")
    finally:
        os.kill(pid, signal.SIGTERM)
        gone = wait_for(lambda: not kalib.pid_running(pid), 5)
        lab._untrack(pid)
    assert gone, "forked vipd %d still running 5 s after SIGTERM" % pid
    assert lab.holders() == []
    assert not os.path.exists(pidfile)


def test_check_flag_refused(make_lab):
    """-C/--check (keepalived's LVS checker process) has nothing to run."""
    lab = make_lab(1)
    path = os.path.join(lab.workdir, "k.conf")
    with open(path, "w") as f:
        f.write(vrrp_conf("h1", 100, 1))
    for flag in ("-C", "--check"):
        r = lab.run("h1", vipd_bin(), flag, "-t", "-f", path, check=False)
        assert r.returncode == 2 and "LVS" in r.stderr, (flag, r.returncode, r.stderr)


NOTIFICATION = """! Configuration File for keepalived on mx1.example.com
global_defs {
   notification_email {
     postmaster@example.com
     ops@example.com
   }
   notification_email_from keepalived@mx1.example.com
   smtp_server 127.0.0.1
   smtp_connect_timeout 30
   router_id MX1
   enable_script_security
   script_user root
}

vrrp_instance VI_MAIL {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    smtp_alert
    authentication {
        auth_type PASS
        auth_pass mailpass
    }
    virtual_ipaddress {
        203.0.113.5/24
    }
}
"""

TRACK_SCRIPT = """global_defs {
   router_id MX1
   enable_script_security
   script_user root
}

vrrp_script chk_postfix {
    script "/usr/bin/pgrep -x master"
    interval 2
    weight -20
    fall 2
    rise 2
}

vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    virtual_ipaddress {
        203.0.113.5/24
    }
    track_script {
        chk_postfix
    }
}
"""

LVS = """global_defs {
   notification_email {
     postmaster@example.com
   }
   notification_email_from lvs@example.com
   smtp_server 127.0.0.1
   smtp_connect_timeout 30
   router_id LVS_MAIL
}

vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 90
    advert_int 1
    virtual_ipaddress {
        203.0.113.5/24
    }
}

virtual_server 203.0.113.5 25 {
    delay_loop 6
    lb_algo rr
    lb_kind DR
    protocol TCP

    real_server 203.0.113.1 25 {
        weight 1
        SMTP_CHECK {
            connect_timeout 10
        }
    }
}
"""

SPLIT_MAIN = """# Debian-style: the instances live in conf.d
global_defs {
    router_id mx2
    vrrp_garp_master_refresh 60
}
include conf.d/*.conf
"""

SPLIT_MX = """vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 90
    advert_int 1
    virtual_ipaddress {
        203.0.113.5/24
    }
    virtual_ipaddress_excluded {
        2001:db8::5/64
    }
    notify_master "/usr/local/bin/mx-role master"
}
"""


def line_of(text, word):
    return [n + 1 for n, l in enumerate(text.splitlines()) if l.split()[:1] == [word]]


def check_both(lab, name, text, files=()):
    """Write the config (and extra files), run keepalived -t and vipd -t in
    h1's namespace; returns (path, vipd's CompletedProcess)."""
    d = os.path.join(lab.workdir, name)
    os.makedirs(d)
    for rel, body in files:
        os.makedirs(os.path.dirname(os.path.join(d, rel)), exist_ok=True)
        with open(os.path.join(d, rel), "w") as f:
            f.write(body)
    path = os.path.join(d, "keepalived.conf")
    with open(path, "w") as f:
        f.write(text)
    k = lab.run("h1", "keepalived", "-t", "-f", path, check=False)
    assert k.returncode == 0, "keepalived -t refuses the sample: %s" % k.stderr
    return path, lab.run("h1", vipd_bin(), "-t", "-f", path, check=False)


def test_config_check_notification_email_warns(make_lab):
    lab = make_lab(1)
    path, r = check_both(lab, "notify", NOTIFICATION)
    assert r.returncode == 0, r.stderr
    for kw in ("notification_email", "notification_email_from", "smtp_server",
               "smtp_connect_timeout", "smtp_alert"):
        (line,) = line_of(NOTIFICATION, kw)
        assert '%s:%d: warning: "%s"' % (path, line, kw) in r.stderr, (kw, r.stderr)
    assert len(r.stderr.strip().splitlines()) == 5, r.stderr


def test_config_check_takes_vrrp_script(make_lab):
    """vrrp_script/track_script run as keepalived runs them, in addition to
    vipd's default Postfix checks (a chk_postfix gets both)."""
    lab = make_lab(1)
    path, r = check_both(lab, "vrrp_script", TRACK_SCRIPT)
    assert r.returncode == 0 and r.stderr.strip() == "", (r.returncode, r.stderr)
    line = r.stdout.strip()
    assert line.startswith("VI_1: tracks default_smtp (smtp 127.0.0.1:25, weight 0); "
                           "default_postfix ("), line
    assert "chk_postfix (script /usr/bin/pgrep -x master, weight -20)" in line, line


def test_config_check_refuses_lvs(make_lab):
    lab = make_lab(1)
    path, r = check_both(lab, "virtual_server", LVS)
    assert r.returncode == 1, (r.returncode, r.stderr)
    (line,) = line_of(LVS, "virtual_server")
    errors = [l for l in r.stderr.splitlines() if ": warning: " not in l]
    assert any(l.startswith("%s:%d: " % (path, line)) and "virtual_server" in l
               for l in errors), r.stderr
    # Only the LVS part is an error; the e-mail keywords stay warnings.
    assert len(errors) == 1, r.stderr


def test_config_check_include_glob(make_lab):
    lab = make_lab(1)
    path, r = check_both(lab, "split", SPLIT_MAIN, [("conf.d/mx.conf", SPLIT_MX)])
    assert r.returncode == 0 and r.stderr.strip() == "", (r.returncode, r.stderr)
    r = lab.run("h1", vipd_bin(), "-t", "-D", "-f", path, check=False)
    assert r.returncode == 0, r.stderr
    assert "2001:db8::5/64" in r.stdout and "mx-role master" in r.stdout, r.stdout


# Every option of keepalived 2.2.7 (keepalived --help): works, warns, or is
# refused with a one-line reason.  Only `vipd -t` runs here: no namespace.


WARNED = {
    "-x": "SNMP", "--snmp": "SNMP", "-X": "leaves MASTER", "--release-vips": "leaves MASTER",
    "-I": "LVS", "--dont-release-ipvs": "LVS", "-a": "address",
    "--address-monitoring": "address", "-M": "core pattern",
    "--core-dump-pattern=core": "core pattern",
}
WARNED_ARG = {"-c": "checker", "--checkers_pid": "checker", "-b": "BFD", "--bfd_pid": "BFD",
              "-A": "SNMP", "--snmp-agent-socket": "SNMP"}
SILENT = ["-P", "--vrrp", "-B", "--no_bfd", "-R", "--dont-respawn", "--all", "-m",
          "--core-dump", "-d", "--dump-conf", "-G", "--no-syslog", "-e", "--all-config"]
SILENT_ARG = {"-S": "local3", "--log-facility": "daemon", "-u": "022", "--umask": "0077",
              "-i": "mx1", "--config-id": "mx2", "-r": "/nonexistent/vrrp.pid"}
REFUSED = {"-C": "LVS", "--check": "LVS", "-T": "genhash", "--genhash": "genhash",
           "-V": "removes its VIPs", "--dont-release-vrrp": "removes its VIPs",
           "--namespace=mail": "ip netns exec"}


def vipd_t(tmp_path, *args, text=None):
    path = tmp_path / "keepalived.conf"
    path.write_text(text if text is not None else vrrp_conf("h1", 100, 1))
    return subprocess.run([vipd_bin(), *args, "-t", "-f", str(path)],
                          capture_output=True, text=True, timeout=10)


@pytest.mark.parametrize("opt", sorted(WARNED) + sorted(WARNED_ARG))
def test_keepalived_option_warned(tmp_path, opt):
    args = [opt, "/nonexistent/x"] if opt in WARNED_ARG else [opt]
    want = WARNED_ARG.get(opt) or WARNED[opt]
    r = vipd_t(tmp_path, *args)
    assert r.returncode == 0, (opt, r.stderr)
    assert "vipd: warning: " in r.stderr and want in r.stderr, (opt, r.stderr)


@pytest.mark.parametrize("opt", SILENT + sorted(SILENT_ARG))
def test_keepalived_option_accepted(tmp_path, opt):
    args = [opt, SILENT_ARG[opt]] if opt in SILENT_ARG else [opt]
    r = vipd_t(tmp_path, *args)
    assert r.returncode == 0 and r.stderr == "", (opt, r.returncode, r.stderr)


@pytest.mark.parametrize("opt", sorted(REFUSED))
def test_keepalived_option_refused(tmp_path, opt):
    r = vipd_t(tmp_path, opt)
    assert r.returncode == 2, (opt, r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert REFUSED[opt] in lines[0], (opt, r.stderr)


@pytest.mark.parametrize("name", ["STOP", "RELOAD", "DATA", "STATS"])
def test_signum_as_keepalived(name):
    k = subprocess.run(["keepalived", "--signum=" + name], capture_output=True, text=True)
    v = subprocess.run([vipd_bin(), "--signum=" + name], capture_output=True, text=True)
    assert v.returncode == 0 and k.returncode == 0
    assert v.stdout == k.stdout, (k.stdout, v.stdout)


@pytest.mark.parametrize("name", ["STATS_CLEAR", "JSON", "NOPE"])
def test_signum_refused(name):
    v = subprocess.run([vipd_bin(), "--signum=" + name], capture_output=True, text=True)
    assert v.returncode == 1 and v.stdout == "" and name in v.stderr, v


def test_bad_facility_refused(tmp_path):
    r = vipd_t(tmp_path, "-S", "local9")
    assert r.returncode == 2 and "FACILITY" in r.stderr, r.stderr


def test_config_test_log_file(tmp_path):
    log = tmp_path / "t.log"
    r = vipd_t(tmp_path, "--config-test=%s" % log, text="vrrp_instance X {\n state SLAVE\n}\n")
    assert r.returncode == 1 and r.stderr == "", r.stderr
    assert "unknown state \"SLAVE\"" in log.read_text()


COND = """global_defs {
@mx1    router_id MX1
@mx2    router_id MX2
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
@mx1    priority 150
@^mx1   priority 100
    virtual_ipaddress {
        203.0.113.5/24
    }
}
"""


@pytest.mark.parametrize("cid,router,prio", [("mx1", "MX1", 150), ("mx2", "MX2", 100)])
def test_config_id(tmp_path, cid, router, prio):
    """-i picks the @ID lines, as keepalived -i does."""
    r = vipd_t(tmp_path, "-D", "-i", cid, text=COND)
    assert r.returncode == 0, r.stderr
    assert "router_id %s\n" % router in r.stdout and "priority %d\n" % prio in r.stdout, r.stdout


@pytest.mark.parametrize("globs,policy,prio", [
    ("", os.SCHED_RR, 10),
    ("vrrp_rt_priority 20\n", os.SCHED_RR, 20),
    ("max_auto_priority 0\n", os.SCHED_OTHER, 0),
])
def test_daemon_scheduling(make_lab, globs, policy, prio):
    """vipd runs its loop at SCHED_RR 10 by default (issue 8 item 9), with
    keepalived's vrrp_rt_priority / max_auto_priority as knobs, and says so
    in its log; scripts would start at normal priority (SCHED_RESET_ON_FORK,
    seen as the flag in the policy the kernel reports)."""
    lab = make_lab(1)
    text = "global_defs {\n%s}\n" % globs + vrrp_conf("h1", 100, 0.1)
    a = kalib.start_vipd_plain(lab, "h1", text, ["-f", "FILE", "-n", "-l", "-D"])
    assert wait_for(lambda: os.path.exists(a.sock), 5), a.log_text()
    # The exec'd vipd keeps the pid unshare/sh had.
    got = os.sched_getscheduler(a.pid) & ~0x40000000    # SCHED_RESET_ON_FORK
    assert got == policy, (got, a.log_text())
    assert os.sched_getparam(a.pid).sched_priority == prio
    if prio:
        assert "running at SCHED_RR priority %d" % prio in a.log_text(), a.log_text()
    assert lab.stop_agent("h1") == 0


def test_notify_fifo(make_lab):
    """notify_fifo / vrrp_notify_fifo: vipd makes the FIFO, writes
    keepalived's `INSTANCE "NAME" STATE PRIORITY` line on each transition,
    never blocks without a reader, and removes the FIFO it made at exit."""
    lab = make_lab(1)
    fifo = os.path.join(lab.workdir, "keepalived.fifo")
    text = vrrp_conf("h1", 100, 0.1).replace(
        "global_defs {", "global_defs {\n    notify_fifo %s\n    vrrp_notify_fifo %s"
        % (fifo, fifo), 1)
    lab.start_vipd("h1", text)
    assert lab.wait_states({"h1": "MASTER"}, 5)
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        data = os.read(fd, 65536).decode()
        assert data.splitlines()[-2:] == ['INSTANCE "VI_1" BACKUP 100',
                                          'INSTANCE "VI_1" MASTER 100'], data
        assert lab.stop_agent("h1") == 0
        assert wait_for(lambda: not os.path.exists(fifo), 3)
        assert os.read(fd, 65536).decode() == 'INSTANCE "VI_1" STOP 100\n'
    finally:
        os.close(fd)


def test_notify_fifo_script(make_lab):
    """notify_fifo_script: vipd starts it once with the FIFO's path as its
    last argument (as keepalived), and it reads the state lines."""
    lab = make_lab(1)
    fifo = os.path.join(lab.workdir, "k.fifo")
    out = os.path.join(lab.workdir, "reader.out")
    text = vrrp_conf("h1", 100, 0.1).replace(
        "global_defs {", "global_defs {\n    vrrp_notify_fifo %s\n"
        "    vrrp_notify_fifo_script \"/bin/sh -c 'exec cat $0 > %s'\"" % (fifo, out), 1)
    lab.start_vipd("h1", text)
    assert lab.wait_states({"h1": "MASTER"}, 5)
    assert wait_for(lambda: os.path.exists(out) and "MASTER" in open(out).read(), 3)
    with open(out) as f:
        assert f.read().splitlines()[:2] == ['INSTANCE "VI_1" BACKUP 100',
                                             'INSTANCE "VI_1" MASTER 100']
    assert lab.stop_agent("h1") == 0
    assert not os.path.exists(fifo)


def test_reload_keeps_config_id(make_lab):
    """A reload reads "@ID" lines with the same -i as the start did."""
    lab = make_lab(1)
    text = vrrp_conf("h1", 100, 0.1).replace("    priority 100",
                                             "@mx1 priority 150\n@^mx1 priority 50")
    lab.start_vipd("h1", text, extra_args=["-i", "mx1"])
    assert lab.wait_states({"h1": "MASTER"}, 5)
    assert lab.instance("h1")["effective_priority"] == 150
    r = lab.vipctl("h1", "reload", check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    assert lab.instance("h1")["effective_priority"] == 150
