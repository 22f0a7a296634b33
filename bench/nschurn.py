# SPDX-License-Identifier: ISC
"""Containers coming and going: create and destroy network namespaces
joined by a veth pair, as a host running containers does.  Each teardown
makes the kernel hold its RTNL lock for a while (namespace cleanup), which
every rtnetlink request on the host then waits for.

Usage: nschurn.py SECONDS

Runs in the root namespace; the namespaces it makes are named
vnsc-<PID>-<n>-a/b and each is deleted before the next is made (and on
SIGTERM).  Prints "ready" at once, then at the end one line:

    cycles <n> seconds <elapsed>
"""

import os
import signal
import subprocess
import sys
import time


def ip(*args):
    subprocess.run(["ip"] + list(args), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


def main():
    seconds = float(sys.argv[1])
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    pid = os.getpid()
    print("ready", flush=True)
    t0 = time.monotonic()
    n = 0
    while not stop and time.monotonic() - t0 < seconds:
        a, b = "vnsc-%d-%d-a" % (pid, n), "vnsc-%d-%d-b" % (pid, n)
        try:
            ip("netns", "add", a)
            ip("netns", "add", b)
            ip("-n", a, "link", "add", "v0", "type", "veth", "peer", "name", "v1",
               "netns", b)
            ip("-n", a, "link", "set", "v0", "up")
            ip("-n", b, "link", "set", "v1", "up")
        finally:
            for ns in (a, b):
                subprocess.run(["ip", "netns", "del", ns], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, check=False)
        n += 1
    print("cycles %d seconds %.1f" % (n, time.monotonic() - t0), flush=True)


if __name__ == "__main__":
    main()
