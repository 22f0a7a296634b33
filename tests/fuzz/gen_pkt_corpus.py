#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# Writes the seed corpus for tests/fuzz/fuzz_pkt.c into tests/fuzz/corpus/pkt/.
#
# Run: /usr/bin/python3 tests/fuzz/gen_pkt_corpus.py (from the repo root).
# Files starting with 0x45 are whole IPv4 datagrams; the others are a
# selector byte (see fuzz_pkt.c) followed by a VRRP payload.

import ipaddress
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "pkt")


def a4(s):
    return ipaddress.IPv4Address(s).packed


def a6(s):
    return ipaddress.IPv6Address(s).packed


def csum(data, init=0):
    if len(data) % 2:
        data += b"\0"
    total = init + sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def psum(data):
    return 0xFFFF & ~csum(data)


def pseudo4(src, dst, length):
    return psum(a4(src) + a4(dst) + bytes([0, 112]) + struct.pack("!H", length))


def pseudo6(src, dst, length):
    return psum(a6(src) + a6(dst) + struct.pack("!I", length) + bytes([0, 0, 0, 112]))


def with_csum(msg, init):
    return msg[:6] + struct.pack("!H", csum(msg, init)) + msg[8:]


def v2(vrid, prio, addrs, adv_s, auth_type=0, auth=bytes(8)):
    body = b"".join(a4(a) for a in addrs)
    msg = bytes([0x21, vrid, prio, len(addrs), auth_type, adv_s, 0, 0]) + body + auth
    return with_csum(msg, 0)


def v3(vrid, prio, addrs, adv_cs, fam, init_fn):
    pack = a6 if fam == 6 else a4
    body = b"".join(pack(a) for a in addrs)
    msg = bytes([0x31, vrid, prio, len(addrs)]) + struct.pack("!HH", adv_cs, 0) + body
    return with_csum(msg, init_fn(len(msg)))


def ip4(payload, src, dst, ttl=255, frag=0, proto=112, options=b"", tot_delta=0):
    ihl = 5 + len(options) // 4
    tot = ihl * 4 + len(payload) + tot_delta
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0xC0, tot, 0x1234, frag, ttl,
                      proto, 0, a4(src), a4(dst)) + options
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def main():
    grp = "224.0.0.18"
    v3_ok = v3(51, 100, ["192.0.2.100"], 100, 4, lambda n: pseudo4("192.0.2.1", grp, n))
    bad_csum = bytearray(v3_ok)
    bad_csum[7] ^= 1
    count0 = bytearray(v3_ok)
    count0[3] = 0
    ll = "fe80::1"
    seeds = {
        "v2_golden.bin": ip4(v2(0x33, 0x65, ["192.168.100.100"], 1),
                             "192.168.100.1", grp),
        "v2_pass.bin": ip4(v2(7, 150, ["192.0.2.10", "192.0.2.11"], 3, 1,
                              b"secret!!"), "192.0.2.1", grp),
        "v3_ip4_pseudo.bin": ip4(v3(2, 254, ["20.0.1.2", "20.0.1.3"], 1, 4,
                                    lambda n: pseudo4("20.0.0.3", grp, n)),
                                 "20.0.0.3", grp),
        "v3_ip4_msgonly.bin": ip4(v3(2, 254, ["20.0.1.2", "20.0.1.3"], 1, 4,
                                     lambda n: 0), "20.0.0.3", grp),
        "v3_ip4_unicast_mcast.bin": ip4(v3(9, 200, ["198.51.100.7"], 4095, 4,
                                           lambda n: pseudo4("192.0.2.1", grp, n)),
                                        "192.0.2.1", "192.0.2.2", ttl=64),
        "v3_ip4_options.bin": ip4(v3_ok, "192.0.2.1", grp, options=b"\x01" * 4),
        "v3_ip6.bin": b"\x00" + v3(5, 100, [ll, "2001:db8::5"], 100, 6,
                                    lambda n: pseudo6(ll, "ff02::12", n)),
        "v3_ip6_global_src.bin": b"\x01" + v3(2, 254, ["2001:db8::2", "2001:db8::3"],
                                               1, 6, lambda n: pseudo6("2001:db8::1",
                                                                       "ff02::12", n)),
        "bad_short.bin": ip4(v3_ok, "192.0.2.1", grp)[:10],
        "bad_frag.bin": ip4(v3_ok, "192.0.2.1", grp, frag=0x2000),
        "bad_ttl.bin": ip4(v3_ok, "192.0.2.1", grp, ttl=254),
        "bad_totlen.bin": ip4(v3_ok, "192.0.2.1", grp, tot_delta=1),
        "bad_csum.bin": ip4(bytes(bad_csum), "192.0.2.1", grp),
        "bad_count0.bin": ip4(bytes(count0), "192.0.2.1", grp),
        "bad_v2_over_v6.bin": b"\x00" + v2(1, 100, ["192.0.2.100"], 1),
    }
    os.makedirs(OUT, exist_ok=True)
    for name, data in sorted(seeds.items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
