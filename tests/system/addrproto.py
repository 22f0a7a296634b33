# SPDX-License-Identifier: ISC
"""Print the IFA_PROTO of an IPv4 address on a link, as the kernel reports
it in an RTM_GETADDR dump (iproute2 6.1 does not show it).

    addrproto.py DEV ADDR

Prints the protocol number, "none" if the address has no IFA_PROTO, or
"absent" if the address is not on DEV.  Runs inside a lab namespace."""

import socket
import struct
import sys

RTM_GETADDR, RTM_NEWADDR, NLMSG_DONE, NLMSG_ERROR = 22, 20, 3, 2
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
IFA_LOCAL, IFA_PROTO = 2, 11


def attrs(buf):
    while len(buf) >= 4:
        ln, typ = struct.unpack_from("=HH", buf)
        if ln < 4:
            return
        yield typ, buf[4:ln]
        buf = buf[(ln + 3) & ~3:]


def main():
    ifindex = socket.if_nametoindex(sys.argv[1])
    want = socket.inet_aton(sys.argv[2])
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    s.bind((0, 0))
    body = struct.pack("=BBBBI", socket.AF_INET, 0, 0, 0, 0)
    s.send(struct.pack("=IHHII", 16 + len(body), RTM_GETADDR,
                       NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + body)
    result = "absent"
    while True:
        data = s.recv(65536)
        off = 0
        while off + 16 <= len(data):
            ln, typ, _flags, _seq, _pid = struct.unpack_from("=IHHII", data, off)
            if typ in (NLMSG_DONE, NLMSG_ERROR):
                print(result)
                return
            if typ == RTM_NEWADDR:
                _fam, _plen, _fl, _scope, idx = struct.unpack_from("=BBBBI", data, off + 16)
                a = dict(attrs(data[off + 24:off + ln]))
                if idx == ifindex and a.get(IFA_LOCAL) == want:
                    result = str(a[IFA_PROTO][0]) if IFA_PROTO in a else "none"
            off += (ln + 3) & ~3


if __name__ == "__main__":
    main()
