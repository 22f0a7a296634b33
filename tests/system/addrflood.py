# SPDX-License-Identifier: ISC
"""Busy netlink: add and delete addresses on one link at a steady rate.

    addrflood.py DEV RATE SECONDS [PREFIX]

Runs inside a lab namespace (ip netns exec).  Each change is one
RTM_NEWADDR or RTM_DELADDR of PREFIX.N/32 (default 198.51.100, N cycling
over 1..250) on DEV, sent without waiting for the kernel's answer, in
batches every 10 ms so the rate is steady.  Prints "changes N seconds S"
and exits 0; the kernel's error answers are read and counted but never
stop the flood."""

import socket
import struct
import sys
import time

NETLINK_ROUTE = 0
RTM_NEWADDR, RTM_DELADDR = 20, 21
NLM_F_REQUEST, NLM_F_CREATE, NLM_F_REPLACE = 0x1, 0x400, 0x100
IFA_LOCAL, IFA_ADDRESS = 2, 1
AF_INET = 2
TICK = 0.01


def addr_msg(kind, seq, ifindex, ip):
    raw = socket.inet_aton(ip)
    attrs = b"".join(struct.pack("=HH", 8, t) + raw for t in (IFA_LOCAL, IFA_ADDRESS))
    body = struct.pack("=BBBBI", AF_INET, 32, 0, 0, ifindex) + attrs
    flags = NLM_F_REQUEST | (NLM_F_CREATE | NLM_F_REPLACE if kind == RTM_NEWADDR else 0)
    return struct.pack("=IHHII", 16 + len(body), kind, flags, seq, 0) + body


def main():
    dev, rate, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    prefix = sys.argv[4] if len(sys.argv) > 4 else "198.51.100"
    ifindex = socket.if_nametoindex(dev)
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((0, 0))
    s.setblocking(False)
    per_tick = max(1, int(rate * TICK))
    sent = seq = 0
    start = time.monotonic()
    nxt = start
    while time.monotonic() - start < seconds:
        for _ in range(per_tick):
            n = 1 + (seq // 2) % 250
            kind = RTM_NEWADDR if seq % 2 == 0 else RTM_DELADDR
            seq += 1
            try:
                s.send(addr_msg(kind, seq, ifindex, "%s.%d" % (prefix, n)))
                sent += 1
            except BlockingIOError:
                pass
        try:
            while s.recv(65536):
                pass
        except (BlockingIOError, OSError):
            pass
        nxt += TICK
        delay = nxt - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    for n in range(1, 251):
        try:
            s.send(addr_msg(RTM_DELADDR, seq + n, ifindex, "%s.%d" % (prefix, n)))
        except OSError:
            pass
    print("changes %d seconds %.3f" % (sent, time.monotonic() - start))


if __name__ == "__main__":
    main()
