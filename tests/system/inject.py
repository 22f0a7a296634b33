# SPDX-License-Identifier: ISC
"""Send hand-built VRRP adverts as raw Ethernet frames; run inside a netns.

Builds the frame itself (AF_PACKET), so TTL, checksum form, version, type
and lengths can all be wrong on purpose.  Prints the number of frames sent.
"""

import argparse
import socket
import struct
import time


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def vrrp(a):
    addrs = b"".join(socket.inet_aton(x) for x in a.addrs)
    naddr = len(a.addrs) if a.naddr is None else a.naddr
    if a.version == 2:
        head = struct.pack("!BBBBBBH", 0x20 | a.type, a.vrid, a.prio, naddr, 0, a.adv, 0)
        msg = head + addrs + b"\0" * 8
        c = csum(msg)
    else:
        head = struct.pack("!BBBBHH", (a.version << 4) | a.type, a.vrid, a.prio, naddr,
                           a.adv & 0xfff, 0)
        msg = head + addrs
        pseudo = (socket.inet_aton(a.src) + socket.inet_aton(a.dst) +
                  struct.pack("!BBH", 0, 112, len(msg)))
        c = csum(msg) if a.csum == "msgonly" else csum(pseudo + msg)
    if a.csum == "bad":
        c ^= 0x5555
    msg = msg[:6] + struct.pack("!H", c) + msg[8:]
    return msg[:a.truncate] if a.truncate else msg


def frame(a, ifmac):
    payload = vrrp(a)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0xc0, 20 + len(payload), 0, 0, a.ttl, 112, 0,
                     socket.inet_aton(a.src), socket.inet_aton(a.dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    d = socket.inet_aton(a.dst)
    dmac = bytes([0x01, 0x00, 0x5e, d[1] & 0x7f, d[2], d[3]])
    return dmac + ifmac + b"\x08\x00" + ip + payload


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", default="eth0")
    p.add_argument("--src", required=True)
    p.add_argument("--dst", default="224.0.0.18")
    p.add_argument("--ttl", type=int, default=255)
    p.add_argument("--version", type=int, default=3)
    p.add_argument("--type", type=int, default=1)
    p.add_argument("--vrid", type=int, default=51)
    p.add_argument("--prio", type=int, default=254)
    p.add_argument("--adv", type=int, default=10, help="v3: centiseconds, v2: seconds")
    p.add_argument("--addrs", nargs="*", default=["203.0.113.5"])
    p.add_argument("--naddr", type=int, default=None, help="override the count field")
    p.add_argument("--csum", choices=["pseudo", "msgonly", "bad"], default="pseudo")
    p.add_argument("--truncate", type=int, default=0, help="cut the VRRP message to N bytes")
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--interval", type=float, default=0.05)
    a = p.parse_args()
    with open("/sys/class/net/%s/address" % a.iface) as f:
        ifmac = bytes.fromhex(f.read().strip().replace(":", ""))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    fr = frame(a, ifmac)
    for i in range(a.count):
        s.send(fr)
        if i + 1 < a.count:
            time.sleep(a.interval)
    print(a.count)


if __name__ == "__main__":
    main()
