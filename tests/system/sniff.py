# SPDX-License-Identifier: ISC
"""Capture VRRP (IP protocol 112) or ARP frames on an interface; run inside
a netns.

Usage: sniff.py IFACE SECONDS [vrrp|arp].  Prints "ready" once the socket is
bound, then one line per frame: "<monotonic time> <direction> <frame hex>",
direction being "in" or "out".  The time is the kernel's timestamp of the
frame (SO_TIMESTAMPNS), moved onto CLOCK_MONOTONIC, so that a busy machine
delaying this script does not shift it.
"""

import select
import socket
import struct
import sys
import time

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def stamped_socket(iface):
    """A packet socket on iface that gets kernel timestamps; returns it and
    the offset that moves them onto the monotonic clock."""
    # ETH_P_ALL: protocol-specific packet sockets do not see outgoing frames.
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    # The kernel stamps frames with CLOCK_REALTIME.
    off = time.clock_gettime(time.CLOCK_REALTIME) - time.monotonic()
    return s, off


def recv_stamped(s, off):
    """-> (monotonic kernel timestamp, "in"/"out", frame)."""
    frame, anc, _, addr = s.recvmsg(65535, socket.CMSG_SPACE(16))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= 16:
            sec, nsec = struct.unpack("=qq", data[:16])
            way = "out" if addr[2] == PACKET_OUTGOING else "in"
            return sec + nsec / 1e9 - off, way, frame
    raise SystemExit("sniff: frame without a kernel timestamp")


def main():
    iface, seconds = sys.argv[1], float(sys.argv[2])
    arp = len(sys.argv) > 3 and sys.argv[3] == "arp"
    s, off = stamped_socket(iface)
    print("ready", flush=True)
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([s], [], [], left)
        if not r:
            continue
        t, way, frame = recv_stamped(s, off)
        if len(frame) < 34:
            continue
        if arp and frame[12:14] != b"\x08\x06":
            continue
        if not arp and (frame[12:14] != b"\x08\x00" or frame[23] != 112):
            continue
        print("%.6f %s %s" % (t, way, frame.hex()), flush=True)


if __name__ == "__main__":
    main()
