# SPDX-License-Identifier: ISC
"""Capture VRRP over IPv4 or IPv6, or ICMPv6 neighbour advertisements, on an
interface; run inside a netns (the IPv6 companion of sniff.py).

Usage: kasniff.py IFACE SECONDS vrrp4|vrrp6|na.  Prints "ready" once the
socket is bound, then one line per frame: "<monotonic time> <in|out> <hex>",
the time being the kernel's timestamp (see sniff.py).
"""

import select
import sys
import time

from sniff import recv_stamped, stamped_socket


def wanted(frame, what):
    etype = frame[12:14]
    if what == "vrrp4":
        return len(frame) >= 34 and etype == b"\x08\x00" and frame[23] == 112
    if len(frame) < 54 or etype != b"\x86\xdd":
        return False
    if what == "vrrp6":
        return frame[20] == 112
    # na: ICMPv6 directly after the fixed header, type 136
    return frame[20] == 58 and frame[54] == 136


def main():
    iface, seconds, what = sys.argv[1], float(sys.argv[2]), sys.argv[3]
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
        if not wanted(frame, what):
            continue
        print("%.6f %s %s" % (t, way, frame.hex()), flush=True)


if __name__ == "__main__":
    main()
