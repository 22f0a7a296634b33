/* SPDX-License-Identifier: ISC */
/* Raw IP protocol 112 sockets for VRRP adverts over IPv4 and IPv6. */
#include <sys/socket.h>
#include <sys/uio.h>

#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "vrrp/sock.h"

static const uint8_t sock_group4[4] = { 224, 0, 0, 18 };
static const uint8_t sock_group6[16] = { 0xff, 0x02, [15] = 0x12 };

/* Room for every cmsg we ask for, with the largest pktinfo. */
#define SOCK_CTL_SPACE \
	(CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int)))

static void sock_close_keep_errno(int);
static int sock_setint(int, int, int, int);
static int sock_raw(int, const char *, int);
static void sock_prep4(struct msghdr *, struct sockaddr_in *, int,
		       const uint8_t *, const uint8_t *);
static void sock_prep6(struct msghdr *, struct sockaddr_in6 *, int,
		       const uint8_t *, const uint8_t *);
static void sock_cmsg(struct vrrp_rxmeta *, const struct cmsghdr *);

static void
sock_close_keep_errno(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
}

static int
sock_setint(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val));
}

/* A raw protocol-112 socket of the given family, bound to ifname. */
static int
sock_raw(int family, const char *ifname, int ifindex)
{
	size_t n;
	int fd;

	if (ifname == NULL || ifindex <= 0) {
		errno = EINVAL;
		return -1;
	}
	n = strlen(ifname);
	if (n == 0 || n >= IFNAMSIZ) {
		errno = EINVAL;
		return -1;
	}
	fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    VRRP_IPPROTO);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		       (socklen_t)n) < 0) {
		sock_close_keep_errno(fd);
		return -1;
	}
	return fd;
}

int
vrrp_sock_open4(const char *ifname, int ifindex)
{
	struct ip_mreqn mr;
	int fd;

	fd = sock_raw(AF_INET, ifname, ifindex);
	if (fd < 0)
		return -1;
	/* IP_MULTICAST_IF reads only imr_ifindex/imr_address. */
	memset(&mr, 0, sizeof(mr));
	memcpy(&mr.imr_multiaddr, sock_group4, sizeof(sock_group4));
	mr.imr_ifindex = ifindex;
	if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0 ||
	    sock_setint(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0) < 0 ||
	    sock_setint(fd, IPPROTO_IP, IP_MULTICAST_TTL, 255) < 0 ||
	    sock_setint(fd, IPPROTO_IP, IP_TTL, 255) < 0 ||
	    /*
	     * Linux otherwise hands a raw socket every group any socket on
	     * the interface joined (solicited-node, mDNS, ...).
	     */
	    sock_setint(fd, IPPROTO_IP, IP_MULTICAST_ALL, 0) < 0 ||
	    sock_setint(fd, IPPROTO_IP, IP_PKTINFO, 1) < 0) {
		sock_close_keep_errno(fd);
		return -1;
	}
	return fd;
}

int
vrrp_sock_open6(const char *ifname, int ifindex)
{
	struct ipv6_mreq mr;
	int fd;

	fd = sock_raw(AF_INET6, ifname, ifindex);
	if (fd < 0)
		return -1;
	memset(&mr, 0, sizeof(mr));
	memcpy(&mr.ipv6mr_multiaddr, sock_group6, sizeof(sock_group6));
	mr.ipv6mr_interface = (unsigned int)ifindex;
	/* No IPV6_CHECKSUM: see sock.h. */
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)) ||
	    sock_setint(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex) < 0 ||
	    sock_setint(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0) < 0 ||
	    sock_setint(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255) < 0 ||
	    sock_setint(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255) < 0 ||
	    sock_setint(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0) < 0 ||
	    sock_setint(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1) < 0 ||
	    sock_setint(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) < 0) {
		sock_close_keep_errno(fd);
		return -1;
	}
	return fd;
}

/* msg_controllen must already hold at least one pktinfo cmsg. */
static void
sock_prep4(struct msghdr *msg, struct sockaddr_in *sin, int ifindex,
	   const uint8_t *src, const uint8_t *dst)
{
	struct in_pktinfo pi;
	struct cmsghdr *cm;

	sin->sin_family = AF_INET;
	memcpy(&sin->sin_addr, dst, 4);
	msg->msg_name = sin;
	msg->msg_namelen = sizeof(*sin);
	msg->msg_controllen = CMSG_SPACE(sizeof(pi));
	memset(&pi, 0, sizeof(pi));
	pi.ipi_ifindex = ifindex;
	/* ipi_spec_dst is the source address of an outgoing packet. */
	memcpy(&pi.ipi_spec_dst, src, 4);
	cm = CMSG_FIRSTHDR(msg);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
}

static void
sock_prep6(struct msghdr *msg, struct sockaddr_in6 *sin6, int ifindex,
	   const uint8_t *src, const uint8_t *dst)
{
	struct in6_pktinfo pi;
	struct cmsghdr *cm;

	sin6->sin6_family = AF_INET6;
	memcpy(&sin6->sin6_addr, dst, 16);
	/* Used by the kernel only for link-scoped destinations. */
	sin6->sin6_scope_id = (uint32_t)ifindex;
	msg->msg_name = sin6;
	msg->msg_namelen = sizeof(*sin6);
	msg->msg_controllen = CMSG_SPACE(sizeof(pi));
	memset(&pi, 0, sizeof(pi));
	pi.ipi6_ifindex = (unsigned int)ifindex;
	memcpy(&pi.ipi6_addr, src, 16);
	cm = CMSG_FIRSTHDR(msg);
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
}

/* A per-packet TTL / hop limit after the pktinfo cmsg (room is reserved). */
static void
sock_add_ttl(struct msghdr *msg, int family, int ttl)
{
	struct cmsghdr *cm = CMSG_FIRSTHDR(msg);

	cm = (struct cmsghdr *)((char *)cm + CMSG_ALIGN(cm->cmsg_len));
	cm->cmsg_level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
	cm->cmsg_type = family == AF_INET ? IP_TTL : IPV6_HOPLIMIT;
	cm->cmsg_len = CMSG_LEN(sizeof(ttl));
	memcpy(CMSG_DATA(cm), &ttl, sizeof(ttl));
	msg->msg_controllen += CMSG_SPACE(sizeof(ttl));
}

int
vrrp_sock_send(int fd, int family, int ifindex, const uint8_t *src,
	       const uint8_t *dst, const void *payload, size_t len)
{
	return vrrp_sock_send_ttl(fd, family, ifindex, src, dst, -1, payload,
	    len);
}

int
vrrp_sock_send_ttl(int fd, int family, int ifindex, const uint8_t *src,
		   const uint8_t *dst, int ttl, const void *payload,
		   size_t len)
{
	union {
		struct cmsghdr align;
		char buf[SOCK_CTL_SPACE];
	} ctl;
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} sa;
	struct iovec iov;
	struct msghdr msg;
	ssize_t n;

	if (src == NULL || dst == NULL || (payload == NULL && len > 0)) {
		errno = EINVAL;
		return -1;
	}
	memset(&ctl, 0, sizeof(ctl));
	memset(&sa, 0, sizeof(sa));
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = (void *)(uintptr_t)payload;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	if (family == AF_INET)
		sock_prep4(&msg, &sa.v4, ifindex, src, dst);
	else if (family == AF_INET6)
		sock_prep6(&msg, &sa.v6, ifindex, src, dst);
	else {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (ttl >= 0 && ttl <= 255)
		sock_add_ttl(&msg, family, ttl);
	n = sendmsg(fd, &msg, 0);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		/* Raw sends are all or nothing; never seen, but be exact. */
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

/* Ancillary data of the socket's own family only; short cmsgs ignored. */
static void
sock_cmsg(struct vrrp_rxmeta *meta, const struct cmsghdr *cm)
{
	struct in6_pktinfo pi6;
	struct in_pktinfo pi4;
	int hl;

	if (meta->family == AF_INET && cm->cmsg_level == IPPROTO_IP &&
	    cm->cmsg_type == IP_PKTINFO &&
	    cm->cmsg_len >= CMSG_LEN(sizeof(pi4))) {
		memcpy(&pi4, CMSG_DATA(cm), sizeof(pi4));
		meta->ifindex = pi4.ipi_ifindex;
		memcpy(meta->dst, &pi4.ipi_addr, 4);
	} else if (meta->family == AF_INET6 && cm->cmsg_level == IPPROTO_IPV6 &&
		   cm->cmsg_type == IPV6_PKTINFO &&
		   cm->cmsg_len >= CMSG_LEN(sizeof(pi6))) {
		memcpy(&pi6, CMSG_DATA(cm), sizeof(pi6));
		meta->ifindex = (int)pi6.ipi6_ifindex;
		memcpy(meta->dst, &pi6.ipi6_addr, 16);
	} else if (meta->family == AF_INET6 && cm->cmsg_level == IPPROTO_IPV6 &&
		   cm->cmsg_type == IPV6_HOPLIMIT &&
		   cm->cmsg_len >= CMSG_LEN(sizeof(hl))) {
		memcpy(&hl, CMSG_DATA(cm), sizeof(hl));
		meta->hoplimit = hl;
	}
}

ssize_t
vrrp_sock_recv(int fd, int family, void *buf, size_t cap,
	       struct vrrp_rxmeta *meta)
{
	union {
		struct cmsghdr align;
		char buf[SOCK_CTL_SPACE];
	} ctl;
	struct sockaddr_storage from;
	struct cmsghdr *cm;
	struct iovec iov;
	struct msghdr msg;
	ssize_t n;

	if (meta == NULL) {
		errno = EINVAL;
		return -1;
	}
	memset(meta, 0, sizeof(*meta));
	meta->family = family;
	meta->hoplimit = -1;
	if (family != AF_INET && family != AF_INET6) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (buf == NULL && cap > 0) {
		errno = EINVAL;
		return -1;
	}
	memset(&from, 0, sizeof(from));
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = buf;
	iov.iov_len = cap;
	msg.msg_name = &from;
	msg.msg_namelen = sizeof(from);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	n = recvmsg(fd, &msg, 0);
	if (n < 0)
		return -1;
	if (family == AF_INET && from.ss_family == AF_INET)
		memcpy(meta->src, &((struct sockaddr_in *)&from)->sin_addr, 4);
	else if (family == AF_INET6 && from.ss_family == AF_INET6)
		memcpy(meta->src, &((struct sockaddr_in6 *)&from)->sin6_addr,
		       16);
	/* MSG_CTRUNC just leaves fields at their fail-closed defaults. */
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
		sock_cmsg(meta, cm);
	if (msg.msg_flags & MSG_TRUNC) {
		errno = EMSGSIZE;
		return -1;
	}
	return n;
}
