/* SPDX-License-Identifier: ISC */
/* Raw IP protocol 112 (VRRP) sockets: open, send, receive with metadata. */
#ifndef VRRP_SOCK_H
#define VRRP_SOCK_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

/* IANA protocol number for VRRP; not every libc defines IPPROTO_VRRP. */
#define VRRP_IPPROTO 112

/*
 * What the kernel told us about one received datagram.
 *   family   AF_INET or AF_INET6 (copied from the vrrp_sock_recv argument).
 *   ifindex  receiving interface, from IP_PKTINFO / IPV6_PKTINFO; 0 if absent.
 *   src, dst IPv4 uses the first 4 bytes (rest zero), IPv6 all 16; src comes
 *            from the socket address, dst from pktinfo (all zero if absent).
 *   hoplimit IPv6: from the IPV6_HOPLIMIT cmsg, -1 if absent (so a check for
 *            255 fails closed). IPv4: always -1; the TTL is in the IP header
 *            at the start of the buffer, which the codec reads.
 * For IPv4 the header in the buffer is authoritative; src/dst here are for
 * logging and sanity checks only.
 */
struct vrrp_rxmeta {
	int family;
	int ifindex;
	uint8_t src[16];
	uint8_t dst[16];
	int hoplimit;
};

/*
 * Open a raw IPv4 socket for protocol 112 on one interface.
 * ifname and ifindex must name the same interface (ifname for
 * SO_BINDTODEVICE, ifindex for the multicast options).
 * The socket is SOCK_NONBLOCK|SOCK_CLOEXEC, bound to the device, has joined
 * 224.0.0.18 on ifindex, sends multicast out of ifindex with TTL 255 and
 * no loopback, sends unicast with TTL 255, receives only groups it joined
 * itself (IP_MULTICAST_ALL 0) and reports IP_PKTINFO.
 * Needs CAP_NET_RAW. Returns the fd, or -1 with errno (EINVAL for a bad
 * ifname/ifindex).
 */
int vrrp_sock_open4(const char *ifname, int ifindex);

/*
 * Same for IPv6: joins ff02::12 on ifindex, multicast and unicast hop limit
 * 255, no loopback, IPV6_MULTICAST_ALL 0, IPV6_RECVHOPLIMIT and
 * IPV6_RECVPKTINFO. IPV6_CHECKSUM is deliberately left unset: the kernel
 * would silently drop bad checksums and our checksum counter would never
 * see them; the codec computes and verifies the checksum instead.
 * Returns the fd, or -1 with errno.
 */
int vrrp_sock_open6(const char *ifname, int ifindex);

/*
 * Send one VRRP payload (no IP header; the kernel builds it) from src to
 * dst, both family-length addresses (4 or 16 bytes), out of ifindex.
 * The source is forced with IP_PKTINFO/IPV6_PKTINFO, so it must be an
 * address configured on the interface (the kernel refuses others, and on
 * IPv6 also tentative ones). dst may be the group or a unicast peer.
 * Returns 0, or -1 with errno (EAGAIN if the send buffer is full,
 * EAFNOSUPPORT for an unknown family, EINVAL for NULL arguments).
 */
int vrrp_sock_send(int fd, int family, int ifindex, const uint8_t *src,
		   const uint8_t *dst, const void *payload, size_t len);

/*
 * The same with the TTL / hop limit of this packet set to ttl (0..255);
 * -1 keeps the socket's 255. keepalived's unicast_ttl, for routed peers.
 */
int vrrp_sock_send_ttl(int fd, int family, int ifindex, const uint8_t *src,
		       const uint8_t *dst, int ttl, const void *payload,
		       size_t len);

/*
 * Receive one datagram from a socket opened by vrrp_sock_open4/6.
 * IPv4: buf gets the whole datagram including the IP header.
 * IPv6: buf gets the VRRP payload only; addresses and hop limit go to *meta.
 * meta is always fully written (see struct vrrp_rxmeta), even on error.
 * Returns the number of bytes in buf, or -1 with errno: EAGAIN when the
 * socket is drained; EMSGSIZE when the datagram was larger than cap (it is
 * consumed; count it as a length error). A length larger than cap is never
 * returned, so (buf, return value) is always safe to hand to a decoder.
 */
ssize_t vrrp_sock_recv(int fd, int family, void *buf, size_t cap,
		       struct vrrp_rxmeta *meta);

#endif /* VRRP_SOCK_H */
