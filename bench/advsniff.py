# SPDX-License-Identifier: ISC
"""Record the VRRP adverts of one virtual router on an interface; run inside
a host's network namespace.

Usage: advsniff.py IFACE VRID OUTFILE [out]

A classic BPF filter in the kernel passes only IPv4 protocol 112 frames
whose VRID byte is VRID (so 200 busy instances cost this process nothing
but the one it watches); with "out" only frames this host sends.  Each
frame becomes a line of OUTFILE:

    <t> <in|out> <source address> <priority>

t is the kernel's receive timestamp (SO_TIMESTAMPNS, CLOCK_REALTIME)
moved onto CLOCK_MONOTONIC with the offset between the two clocks read at
that moment, so it compares with other monotonic times on the host.
Prints "ready" once capturing; stops on SIGTERM or SIGINT.
"""

import ctypes
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SO_ATTACH_FILTER = 26
SO_TIMESTAMPNS = 35

# BPF opcodes.
LDH_ABS = 0x28
LDB_ABS = 0x30
JEQ_K = 0x15
RET_K = 0x06


def bpf_program(vrid):
    """Ethertype 0x0800, IP protocol 112, IHL 5 (no options: VRRP sends
    none), VRID at frame offset 35."""
    return [
        (LDH_ABS, 0, 0, 12),
        (JEQ_K, 0, 7, 0x0800),
        (LDB_ABS, 0, 0, 23),
        (JEQ_K, 0, 5, 112),
        (LDB_ABS, 0, 0, 14),
        (JEQ_K, 0, 3, 0x45),
        (LDB_ABS, 0, 0, 35),
        (JEQ_K, 0, 1, vrid),
        (RET_K, 0, 0, 0x40000),
        (RET_K, 0, 0, 0),
    ]


def attach(sock, prog):
    raw = b"".join(struct.pack("HBBI", *ins) for ins in prog)
    buf = ctypes.create_string_buffer(raw)
    fprog = struct.pack("HL", len(prog), ctypes.addressof(buf))
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, fprog)
    return buf     # keep alive while attached (the kernel copies it, but cheap)


def main():
    iface, vrid, outfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    only_out = len(sys.argv) > 4 and sys.argv[4] == "out"
    stop = []
    signal.signal(signal.SIGTERM, lambda s, f: stop.append(s))
    signal.signal(signal.SIGINT, lambda s, f: stop.append(s))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    keep = attach(s, bpf_program(vrid))
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind((iface, ETH_P_ALL))
    # Frames that arrived before the filter was attached: drop them.
    s.setblocking(False)
    try:
        while True:
            s.recv(65535)
    except BlockingIOError:
        pass
    s.settimeout(0.2)
    out = open(outfile, "w", buffering=1)
    print("ready", flush=True)
    while not stop:
        try:
            data, anc, _, addr = s.recvmsg(2048, socket.CMSG_SPACE(16))
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        off = time.time() - time.monotonic()
        ts = None
        for level, typ, cdata in anc:
            if level == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", cdata[:16])
                ts = sec + nsec / 1e9 - off
        if ts is None:
            ts = time.monotonic()
        way = "out" if addr[2] == PACKET_OUTGOING else "in"
        if only_out and way != "out":
            continue
        if len(data) < 14 + 20 + 8:
            continue
        src = socket.inet_ntoa(data[26:30])
        prio = data[14 + 20 + 2]
        out.write("%.6f %s %s %d\n" % (ts, way, src, prio))
    out.close()
    del keep


if __name__ == "__main__":
    main()
