# SPDX-License-Identifier: ISC
"""SMTP banner prober: the client's view of a VIP.  Run inside the client's
network namespace.

Usage: probe.py ADDR PORT OUTFILE [EVERY_S [TIMEOUT_S]]

Every EVERY_S seconds (default 0.005) it opens a new TCP connection to
ADDR:PORT, without waiting for earlier ones, and reads the first line.  Each
attempt ends in one line of OUTFILE:

    <t_start> <t_end> ok <hostname>      a "220 <hostname> ..." banner
    <t_start> <t_end> err <reason>       refused, reset, timeout-connect,
                                         timeout-banner, bad-banner, ...

Times are CLOCK_MONOTONIC seconds (shared by every namespace on the host),
so the orchestrator can put faults it injects on the same axis.  After a
good banner it sends QUIT and closes.  Prints "ready" on stdout once the
file is open; stops on SIGTERM or SIGINT, after finishing the file.
"""

import errno
import selectors
import signal
import socket
import sys
import time

MAX_OPEN = 600


class Attempt:
    __slots__ = ("sock", "start", "deadline", "connected", "buf")

    def __init__(self, sock, start, deadline):
        self.sock = sock
        self.start = start
        self.deadline = deadline
        self.connected = False
        self.buf = b""


def main():
    addr, port, outfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    every = float(sys.argv[4]) if len(sys.argv) > 4 else 0.005
    timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 1.0
    stop = []
    signal.signal(signal.SIGTERM, lambda s, f: stop.append(s))
    signal.signal(signal.SIGINT, lambda s, f: stop.append(s))
    out = open(outfile, "w", buffering=1)
    sel = selectors.DefaultSelector()
    live = {}
    print("ready", flush=True)

    def finish(a, what, detail):
        sel.unregister(a.sock)
        del live[a.sock.fileno()]
        a.sock.close()
        out.write("%.6f %.6f %s %s\n" % (a.start, time.monotonic(), what, detail))

    next_start = time.monotonic()
    while not stop:
        now = time.monotonic()
        if now >= next_start:
            next_start += every
            if next_start < now:            # we fell behind: do not burst
                next_start = now + every
            if len(live) < MAX_OPEN:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK)
                a = Attempt(s, now, now + timeout)
                rc = s.connect_ex((addr, port))
                if rc not in (0, errno.EINPROGRESS):
                    s.close()
                    out.write("%.6f %.6f err %s\n" % (now, time.monotonic(),
                                                      errno.errorcode.get(rc, rc)))
                else:
                    live[s.fileno()] = a
                    sel.register(s, selectors.EVENT_WRITE, a)
            else:
                out.write("%.6f %.6f err too-many-open\n" % (now, now))
        wait = max(0.0, next_start - time.monotonic())
        for key, ev in sel.select(wait):
            a = key.data
            if not a.connected:
                err = a.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    finish(a, "err", errno.errorcode.get(err, err))
                    continue
                a.connected = True
                sel.modify(a.sock, selectors.EVENT_READ, a)
                continue
            try:
                chunk = a.sock.recv(4096)
            except OSError as e:
                finish(a, "err", errno.errorcode.get(e.errno, e.errno))
                continue
            if not chunk:
                finish(a, "err", "eof")
                continue
            a.buf += chunk
            if b"\n" not in a.buf:
                continue
            line = a.buf.split(b"\n", 1)[0].decode("ascii", "replace").strip()
            parts = line.split()
            if line.startswith("220 ") and len(parts) > 1:
                try:
                    a.sock.send(b"QUIT\r\n")
                except OSError:
                    pass
                finish(a, "ok", parts[1])
            else:
                finish(a, "err", "bad-banner:" + (line[:3] or "empty"))
        now = time.monotonic()
        for a in [a for a in live.values() if a.deadline <= now]:
            finish(a, "err", "timeout-banner" if a.connected else "timeout-connect")
    for a in list(live.values()):
        finish(a, "err", "stopped")
    out.close()


if __name__ == "__main__":
    main()
