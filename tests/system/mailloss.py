# SPDX-License-Identifier: ISC
"""Mail-loss engine: send N messages through the VIP while faults hit
whichever host is Master, then prove that no accepted message was lost.

Used by tests/system/test_mailloss.py (a short run in `make check`) and by
bench/run.py (a long one in `make bench`).

- Senders (threads inside the client's network namespace) give each message
  a unique X-Test-Id (and X-Test-Attempt) and log every attempt as
  ACCEPTED (250 after the final dot), REJECTED (a 4xx/5xx reply, or the
  connection failed before the final dot was sent) or UNKNOWN (the
  connection was lost after the final dot, before any reply).  Everything
  not accepted is retried, with backoff.
- The fault loop finds the Master (the one host holding the VIP), injects
  the next kind of fault there, holds it, undoes it and waits until the
  group has settled, round and round until the senders are done.
- verify() flushes every queue and looks for every id: each accepted id
  must be found exactly once (in a Maildir, or in the queue of a host whose
  Postfix is down); more copies are allowed only for ids that had an
  UNKNOWN attempt.  A copy made by a REJECTED attempt is a bug too.

Agents are driven through a small duck-typed object: start(host),
stop(host, sig), state(host), handover(host, on) (VipdAgents below, or
the benchmark's AgentSet).
"""

import email
import os
import queue
import re
import signal
import socket
import threading
import time

from lab import wait_for
from postfix import enter_netns

ACCEPTED, REJECTED, UNKNOWN = "accepted", "rejected", "unknown"
FAULT_KINDS = ("link", "pf_stop", "pf_freeze", "agent_term", "agent_kill", "handover")
RCPT = "box@sink.test"
SENDER = "sender@client.test"


# ---- SMTP client ----------------------------------------------------------

class _Conn:
    def __init__(self, sock, timeout):
        self.sock = sock
        self.buf = b""
        self.timeout = timeout

    def reply(self, timeout=None):
        """(code, text) of one (possibly multi-line) reply."""
        self.sock.settimeout(timeout or self.timeout)
        lines = []
        while True:
            while b"\n" not in self.buf:
                chunk = self.sock.recv(4096)
                if not chunk:
                    raise ConnectionError("eof")
                self.buf += chunk
            line, self.buf = self.buf.split(b"\n", 1)
            line = line.rstrip(b"\r").decode("ascii", "replace")
            lines.append(line)
            if len(line) < 4 or line[3] != "-":
                break
        code = int(lines[-1][:3]) if lines[-1][:3].isdigit() else 0
        return code, "\n".join(lines)

    def cmd(self, text, timeout=None):
        self.sock.sendall(text.encode() + b"\r\n")
        return self.reply(timeout)


def message(tid, attempt):
    return ("From: <%s>\r\nTo: <%s>\r\nSubject: mail-loss %s\r\nX-Test-Id: %s\r\n"
            "X-Test-Attempt: %d\r\nMessage-ID: <%s.%d@client.test>\r\n\r\n"
            "mail-loss test message %s, attempt %d\r\n"
            % (SENDER, RCPT, tid, tid, attempt, tid, attempt, tid, attempt))


def smtp_attempt(addr, tid, attempt, step_timeout=3.0, final_timeout=5.0):
    """One try at sending message tid; returns the attempt record."""
    rec = {"id": tid, "n": attempt, "t0": time.monotonic(), "wall0": time.time(),
           "outcome": REJECTED, "stage": "connect", "code": None, "server": None,
           "qid": None, "reason": None}
    sock = None
    try:
        sock = socket.create_connection((addr, 25), timeout=step_timeout)
        c = _Conn(sock, step_timeout)
        rec["stage"] = "banner"
        code, text = c.reply()
        parts = text.split()
        rec["server"] = parts[1] if len(parts) > 1 else None
        steps = [("ehlo", "EHLO client.test", 250), ("mail", "MAIL FROM:<%s>" % SENDER, 250),
                 ("rcpt", "RCPT TO:<%s>" % RCPT, 250), ("data", "DATA", 354)]
        if code != 220:
            rec.update(code=code, reason=text[:80])
            return rec
        for stage, line, want in steps:
            rec["stage"] = stage
            code, text = c.cmd(line)
            if code != want:
                rec.update(code=code, reason=text[:80])
                return rec
        rec["stage"] = "body"
        sock.sendall(message(tid, attempt).encode() + b".\r\n")
        # The final dot is with the kernel: from here on a lost connection
        # leaves us not knowing whether the server took the message.
        rec["stage"] = "final"
        try:
            code, text = c.reply(final_timeout)
        except (OSError, ConnectionError) as e:
            rec.update(outcome=UNKNOWN, reason=type(e).__name__ + ":" + str(e)[:60])
            return rec
        rec["code"] = code
        if code == 250:
            rec["outcome"] = ACCEPTED
            m = re.search(r"queued as (\w+)", text)
            rec["qid"] = m.group(1) if m else None
            try:
                sock.sendall(b"QUIT\r\n")
            except OSError:
                pass
        else:
            rec["reason"] = text[:80]
        return rec
    except (OSError, ConnectionError) as e:
        rec["reason"] = type(e).__name__ + ":" + str(e)[:60]
        return rec
    finally:
        rec["t1"] = time.monotonic()
        rec["wall1"] = time.time()
        if sock is not None:
            sock.close()


class Senders:
    """`threads` senders in the client namespace share the ids; each id is
    first tried at start + k / rate, and retried until accepted (or the
    deadline passes)."""

    def __init__(self, ns, addr, ids, rate, threads=2, deadline=None):
        self.ns = ns
        self.addr = addr
        self.ids = list(ids)
        self.rate = rate
        self.deadline = deadline
        self.attempts = []
        self.lock = threading.Lock()
        self.todo = queue.Queue()
        for k, tid in enumerate(self.ids):
            self.todo.put((k, tid))
        self.threads = [threading.Thread(target=self._run, daemon=True)
                        for _ in range(threads)]
        self.errors = []

    def start(self):
        self.t0 = time.monotonic()
        for t in self.threads:
            t.start()

    def done(self):
        return not any(t.is_alive() for t in self.threads)

    def join(self, timeout=None):
        for t in self.threads:
            t.join(timeout)

    def _run(self):
        try:
            enter_netns(self.ns)
            while True:
                try:
                    k, tid = self.todo.get_nowait()
                except queue.Empty:
                    return
                wait = self.t0 + k / self.rate - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                self._send(tid)
        except Exception as e:     # reported by the caller
            self.errors.append(repr(e))

    def _send(self, tid):
        n = 0
        while self.deadline is None or time.monotonic() < self.deadline:
            n += 1
            rec = smtp_attempt(self.addr, tid, n)
            with self.lock:
                self.attempts.append(rec)
            if rec["outcome"] == ACCEPTED:
                return
            time.sleep(min(1.0, 0.05 * 2 ** min(n - 1, 5)))


# ---- agents and faults ----------------------------------------------------

class VipdAgents:
    """vipd on the lab's hosts, one configuration text per host."""

    def __init__(self, lab, confs):
        self.lab = lab
        self.confs = confs

    def start(self, host):
        return self.lab.start_vipd(host, self.confs[host])

    def stop(self, host, sig=signal.SIGTERM):
        a = self.lab.hosts[host].agent
        if a is None or not a.running():
            return None
        return self.lab.stop_agent(host, sig)

    def state(self, host):
        return self.lab.state(host)

    def handover(self, host, on):
        self.lab.vipctl(host, "maintenance", "on" if on else "off", "--json")


class FaultLoop:
    """Faults of every kind, in turn, on whichever host is Master."""

    def __init__(self, lab, pfs, agents, hosts, kinds=FAULT_KINDS, hold=1.0, pause=0.5,
                 settle_timeout=20.0):
        self.lab = lab
        self.pf = pfs
        self.ag = agents
        self.hosts = list(hosts)
        self.kinds = list(kinds)
        self.hold = hold
        self.pause = pause
        self.settle_timeout = settle_timeout
        self.log = []       # one record per fault

    def master(self, timeout=10.0):
        """The one mail host holding the VIP, waiting for there to be
        exactly one (a preemption overlaps two holders for a moment);
        None if that does not happen within timeout."""
        def one():
            got = [h for h in self.lab.holders() if h in self.hosts]
            return got[0] if len(got) == 1 else None
        return wait_for(one, timeout, 0.02)

    def inject(self, kind, host):
        if kind == "link":
            self.lab.link_down(host)
        elif kind == "pf_stop":
            self.pf[host].stop()
        elif kind == "pf_freeze":
            self.pf[host].freeze()
        elif kind == "agent_term":
            self.ag.stop(host, signal.SIGTERM)
        elif kind == "agent_kill":
            self.ag.stop(host, signal.SIGKILL)
        elif kind == "handover":
            self.ag.handover(host, True)
        else:
            raise ValueError(kind)

    def restore(self, kind, host):
        if kind == "link":
            self.lab.link_up(host)
        elif kind == "pf_stop":
            self.pf[host].start()
        elif kind == "pf_freeze":
            self.pf[host].thaw()
        elif kind in ("agent_term", "agent_kill"):
            self.ag.start(host)
        elif kind == "handover":
            self.ag.handover(host, False)

    def settled(self):
        states = [self.ag.state(h) for h in self.hosts]
        return (states.count("MASTER") == 1 and states.count("BACKUP") == len(states) - 1
                and len([h for h in self.lab.holders() if h in self.hosts]) == 1)

    def one(self, kind):
        m = self.master()
        rec = {"kind": kind, "host": m, "t": time.monotonic()}
        if m is None:
            rec["error"] = "no single Master for 10 s: holders %s" % self.lab.holders()
            self.log.append(rec)
            time.sleep(self.pause)
            return rec
        self.inject(kind, m)
        time.sleep(self.hold)
        self.restore(kind, m)
        rec["settled"] = bool(wait_for(self.settled, self.settle_timeout, 0.1))
        rec["settle_s"] = round(time.monotonic() - rec["t"] - self.hold, 3)
        self.log.append(rec)
        time.sleep(self.pause)
        return rec

    def run_until(self, done, max_faults=None):
        i = 0
        while not done() and (max_faults is None or i < max_faults):
            self.one(self.kinds[i % len(self.kinds)])
            i += 1
        return self.log


# ---- verification -----------------------------------------------------------

def _header_values(path):
    try:
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f)
    except OSError:
        return None, None
    tid = msg.get("X-Test-Id")
    n = msg.get("X-Test-Attempt")
    return (tid.strip() if tid else None), (int(n) if n and n.strip().isdigit() else None)


def maildir_copies(pf):
    """Every delivered message of a Postfix instance: list of (id, attempt,
    mtime)."""
    out = []
    for sub in ("new", "cur"):
        d = os.path.join(pf.maildir, sub)
        try:
            names = os.listdir(d)
        except FileNotFoundError:
            continue
        for n in names:
            p = os.path.join(d, n)
            tid, att = _header_values(p)
            if tid:
                try:
                    mt = os.stat(p).st_mtime
                except OSError:
                    continue
                out.append((tid, att, mt))
    return out


def queued_copies(pf):
    """(id, attempt) of every message in an instance's queue, read with
    postcat (as root it works with Postfix down)."""
    out = []
    for qid in pf.queue_ids():
        r = pf.run("postcat", "-hq", qid, check=False)
        m = re.search(r"^X-Test-Id:\s*(\S+)", r.stdout, re.M | re.I)
        a = re.search(r"^X-Test-Attempt:\s*(\d+)", r.stdout, re.M | re.I)
        if m:
            out.append((m.group(1), int(a.group(1)) if a else None))
    return out


def drain(pfs, timeout=60.0):
    """Flush every running instance until its queue is empty; returns the
    hosts whose queue is still not empty."""
    deadline = time.monotonic() + timeout
    left = list(pfs)
    while left and time.monotonic() < deadline:
        for h in list(left):
            pf = pfs[h]
            if not pf.running():
                continue
            if not pf.queue_ids():
                left.remove(h)
            else:
                pf.flush()
        if left:
            time.sleep(0.5)
    return left


def verify(pfs, senders, ids, drain_timeout=60.0):
    """Flush, look for every id, and judge.  Returns a dict (see keys)."""
    not_drained = drain(pfs, drain_timeout)
    copies = {}
    for h, pf in pfs.items():
        for tid, att, mt in maildir_copies(pf):
            copies.setdefault(tid, []).append({"host": h, "where": "maildir", "n": att,
                                               "mtime": mt})
        if h in not_drained or not pf.running():
            for tid, att in queued_copies(pf):
                copies.setdefault(tid, []).append({"host": h, "where": "queue", "n": att,
                                                   "mtime": None})
    by_id = {}
    for a in senders.attempts:
        by_id.setdefault(a["id"], []).append(a)
    res = {"messages": len(ids), "attempts": len(senders.attempts),
           "accepted": 0, "rejected_attempts": 0, "unknown_attempts": 0,
           "never_accepted": [], "lost": [], "duplicates": 0, "duplicate_ids": [],
           "unexplained_duplicates": [], "phantom": [], "found_in_queue": 0,
           "not_drained": not_drained, "sender_errors": list(senders.errors)}
    waits, client_waits = [], []
    for tid in ids:
        atts = sorted(by_id.get(tid, []), key=lambda a: a["n"])
        outcomes = {a["n"]: a["outcome"] for a in atts}
        res["rejected_attempts"] += sum(1 for a in atts if a["outcome"] == REJECTED)
        res["unknown_attempts"] += sum(1 for a in atts if a["outcome"] == UNKNOWN)
        acc = [a for a in atts if a["outcome"] == ACCEPTED]
        found = copies.get(tid, [])
        res["found_in_queue"] += sum(1 for c in found if c["where"] == "queue")
        for c in found:
            if outcomes.get(c["n"]) == REJECTED:
                res["phantom"].append("%s attempt %s on %s" % (tid, c["n"], c["host"]))
        if not acc:
            res["never_accepted"].append(tid)
            continue
        res["accepted"] += 1
        if not found:
            res["lost"].append(tid)
            continue
        if len(found) > 1:
            res["duplicates"] += len(found) - 1
            res["duplicate_ids"].append(tid)
            if UNKNOWN not in outcomes.values():
                res["unexplained_duplicates"].append(tid)
        client_waits.append(acc[0]["t1"] - atts[0]["t0"])
        delivered = [c["mtime"] for c in found if c["mtime"] is not None]
        if delivered:
            waits.append(min(delivered) - atts[0]["wall0"])
    res["retries"] = res["attempts"] - len([t for t in ids if t in by_id])
    res["max_client_wait_s"] = round(max(client_waits), 3) if client_waits else None
    res["max_wait_to_delivery_s"] = round(max(waits), 3) if waits else None
    res["ok"] = (not res["lost"] and not res["unexplained_duplicates"] and not res["phantom"]
                 and not res["never_accepted"] and not res["sender_errors"])
    return res


def failovers(lab, hosts, since):
    """Changes of the VIP's sole holder among hosts after `since` (from the
    lab's VIP monitor)."""
    n = 0
    last = None
    for t, holders in lab.monitor.timeline():
        hs = [h for h in holders if h in hosts]
        if len(hs) != 1:
            continue
        if last is not None and hs[0] != last and t >= since:
            n += 1
        last = hs[0]
    return n


def run(lab, pfs, agents, client, n, rate, kinds=FAULT_KINDS, hold=1.0, pause=0.5,
        threads=2, prefix="ml", send_deadline=None, drain_timeout=60.0):
    """The whole exercise: returns verify()'s dict plus the fault log,
    the number of failovers and timings."""
    hosts = list(pfs)
    ids = ["%s-%d-%05d" % (prefix, os.getpid(), i) for i in range(n)]
    t0 = time.monotonic()
    deadline = t0 + (send_deadline or (n / rate) * 3 + 120)
    snd = Senders(lab.hosts[client].ns, lab.vip, ids, rate, threads, deadline)
    snd.start()
    floop = FaultLoop(lab, pfs, agents, hosts, kinds, hold, pause)
    floop.run_until(snd.done)
    snd.join()
    t_sent = time.monotonic()
    res = verify(pfs, snd, ids, drain_timeout)
    res["faults"] = floop.log
    res["fault_count"] = len(floop.log)
    res["failovers"] = failovers(lab, hosts, t0)
    res["send_seconds"] = round(t_sent - t0, 1)
    res["total_seconds"] = round(time.monotonic() - t0, 1)
    res["outcomes"] = {k: sum(1 for a in snd.attempts if a["outcome"] == k)
                       for k in (ACCEPTED, REJECTED, UNKNOWN)}
    res["attempt_log"] = snd.attempts
    return res
