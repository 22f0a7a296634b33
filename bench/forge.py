# SPDX-License-Identifier: ISC
"""An on-link host that forges VRRP priority-0 adverts; run inside its
network namespace.

Usage: forge.py IFACE VRID MASTER_ADDR VERSION ADV_CS VIP...

Reads commands on stdin, one a line:

    fire SRC DELAY_MS     wait for the next advert from MASTER_ADDR (so the
                          forged one comes right after it: the Backup's
                          Skew_Time then ends before the Master's next
                          advert), wait DELAY_MS, send one priority-0 advert
                          with source address SRC for VRID carrying the VIPs;
                          answers "sent <CLOCK_MONOTONIC time>" or "timeout"

The frame is built by tests/system/inject.py (correct checksum, TTL 255),
so it is as good as the real Master's but for the priority.  Prints
"ready" once the capture runs.
"""

import os
import socket
import sys
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "system"))
sys.path.insert(0, HERE)

import advsniff     # noqa: E402
import inject       # noqa: E402


def forged_frame(iface, vrid, version, adv_cs, vips, src):
    a = types.SimpleNamespace(addrs=vips, naddr=None, version=version, type=1, vrid=vrid,
                              prio=0, adv=adv_cs if version == 3 else max(1, adv_cs // 100),
                              csum="pseudo", src=src, dst="224.0.0.18", truncate=0, ttl=255)
    with open("/sys/class/net/%s/address" % iface) as f:
        mac = bytes.fromhex(f.read().strip().replace(":", ""))
    return inject.frame(a, mac)


def main():
    iface, vrid, master = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    version, adv_cs, vips = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6:]
    cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(advsniff.ETH_P_ALL))
    keep = advsniff.attach(cap, advsniff.bpf_program(vrid))
    cap.bind((iface, advsniff.ETH_P_ALL))
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind((iface, 0))
    master_raw = socket.inet_aton(master)
    print("ready", flush=True)
    for line in sys.stdin:
        f = line.split()
        if len(f) != 3 or f[0] != "fire":
            print("bad command", flush=True)
            continue
        frame = forged_frame(iface, vrid, version, adv_cs, vips, f[1])
        delay = float(f[2]) / 1000.0
        # Drop what queued up since the last command, then wait for a fresh
        # advert from the Master (with a priority above 0).
        cap.setblocking(False)
        try:
            while True:
                cap.recv(65535)
        except BlockingIOError:
            pass
        cap.settimeout(2.0)
        got = False
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            try:
                data = cap.recv(2048)
            except socket.timeout:
                break
            if len(data) >= 14 + 20 + 3 and data[26:30] == master_raw and data[36] > 0:
                got = True
                break
        if not got:
            print("timeout", flush=True)
            continue
        if delay > 0:
            time.sleep(delay)
        tx.send(frame)
        print("sent %.6f" % time.monotonic(), flush=True)
    del keep


if __name__ == "__main__":
    main()
