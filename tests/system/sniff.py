# SPDX-License-Identifier: ISC
"""Capture VRRP (IP protocol 112) or ARP frames on an interface; run inside
a netns.

Usage: sniff.py IFACE SECONDS [vrrp|arp].  Prints "ready" once the socket is
bound, then one line per frame: "<monotonic time> <direction> <frame hex>",
direction being "in" or "out".
"""

import select
import socket
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def main():
    iface, seconds = sys.argv[1], float(sys.argv[2])
    arp = len(sys.argv) > 3 and sys.argv[3] == "arp"
    # ETH_P_ALL: protocol-specific packet sockets do not see outgoing frames.
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, ETH_P_ALL))
    print("ready", flush=True)
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([s], [], [], left)
        if not r:
            continue
        frame, addr = s.recvfrom(65535)
        if len(frame) < 34:
            continue
        if arp and frame[12:14] != b"\x08\x06":
            continue
        if not arp and (frame[12:14] != b"\x08\x00" or frame[23] != 112):
            continue
        way = "out" if addr[2] == PACKET_OUTGOING else "in"
        print("%.6f %s %s" % (time.monotonic(), way, frame.hex()), flush=True)


if __name__ == "__main__":
    main()
