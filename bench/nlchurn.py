# SPDX-License-Identifier: ISC
"""Busy netlink: add and delete addresses on one interface at a steady
rate, as a host with containers or a routing daemon does.  Run inside a
host's network namespace.

Usage: nlchurn.py IFACE RATE SECONDS

Every 10 ms it sends one batch of RTM_NEWADDR / RTM_DELADDR requests
(192.0.2.1-200/32 on IFACE, each added then deleted), so that RATE address
changes a second reach every rtnetlink listener in the namespace, and reads
the kernel's acknowledgements.  Prints "ready" once the socket is open,
then at the end one line:

    changes <acknowledged without error> errors <n> seconds <elapsed>

so the caller can check the rate that was really reached.  Stops early on
SIGTERM (still printing the line).
"""

import errno
import signal
import socket
import struct
import sys
import time

RTM_NEWADDR, RTM_DELADDR = 20, 21
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 0x1, 0x4, 0x200, 0x400
NLMSG_ERROR = 2
IFA_ADDRESS, IFA_LOCAL = 1, 2
POOL = 200
TICK = 0.010


def addr_msg(kind, seq, ifindex, addr):
    flags = NLM_F_REQUEST | NLM_F_ACK
    if kind == RTM_NEWADDR:
        flags |= NLM_F_CREATE | NLM_F_EXCL
    a = socket.inet_aton(addr)
    body = struct.pack("BBBBI", socket.AF_INET, 32, 0, 0, ifindex)
    body += struct.pack("HH4s", 8, IFA_LOCAL, a) + struct.pack("HH4s", 8, IFA_ADDRESS, a)
    return struct.pack("IHHII", 16 + len(body), kind, flags, seq, 0) + body


def read_acks(s, counts):
    while True:
        try:
            data = s.recv(1 << 20, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return
        except OSError as e:
            if e.errno == errno.ENOBUFS:    # our own receive buffer: count as lost
                counts["enobufs"] += 1
                continue
            raise
        off = 0
        while off + 16 <= len(data):
            ln, typ = struct.unpack_from("IH", data, off)
            if ln < 16:
                break
            if typ == NLMSG_ERROR:
                err = struct.unpack_from("i", data, off + 16)[0]
                counts["ok" if err == 0 else "err"] += 1
            off += (ln + 3) & ~3


def main():
    iface, rate, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    stop = []
    signal.signal(signal.SIGTERM, lambda sg, f: stop.append(sg))
    ifindex = socket.if_nametoindex(iface)
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)     # NETLINK_ROUTE
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((0, 0))
    addrs = ["192.0.2.%d" % (i + 1) for i in range(POOL)]
    per_tick = max(2, int(round(rate * TICK)))
    half = per_tick // 2
    counts = {"ok": 0, "err": 0, "enobufs": 0}
    seq = 0
    k = 0
    print("ready", flush=True)
    t0 = time.monotonic()
    nxt = t0
    while not stop and time.monotonic() - t0 < seconds:
        batch = []
        group = [addrs[(k + i) % POOL] for i in range(half)]
        k = (k + half) % POOL
        for kind in (RTM_NEWADDR, RTM_DELADDR):
            for a in group:
                seq += 1
                batch.append(addr_msg(kind, seq, ifindex, a))
        s.send(b"".join(batch))
        read_acks(s, counts)
        nxt += TICK
        delay = nxt - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        elif delay < -1.0:       # far behind: do not burst to catch up
            nxt = time.monotonic()
    time.sleep(0.05)
    read_acks(s, counts)
    print("changes %d errors %d enobufs %d seconds %.3f" % (
        counts["ok"], counts["err"], counts["enobufs"], time.monotonic() - t0), flush=True)


if __name__ == "__main__":
    main()
