/* SPDX-License-Identifier: ISC */
/* The netlink sockets the loop watches: notifications (and their kernel filter), refresh errors. */

#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "netlink/nl.h"
#include "netlink/nl_priv.h"

int
nl_monitor_fd(const struct nl *nl)
{
	return mnl_socket_get_fd(nl->mon);
}

int
nl_monitor_read(struct nl *nl,
		void (*cb)(const struct nl_event *ev, void *arg), void *arg)
{
	const struct nl_msg_ops ops = { .event = cb };
	ssize_t n;
	int i;

	for (i = 0; i < NL_MON_READS; i++) {
		n = mnl_socket_recvfrom(nl->mon, nl->mbuf, sizeof(nl->mbuf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			/* libmnl reports a truncated datagram as ENOSPC. */
			if (errno == ENOSPC)
				errno = ENOBUFS;
			return -1;
		}
		if (nl_msg_parse(nl->mbuf, (size_t)n, &ops, arg) < 0) {
			errno = EBADMSG;
			return -1;
		}
	}
	return 0;
}

int
nl_async_fd(const struct nl *nl)
{
	return mnl_socket_get_fd(nl->asy);
}

int
nl_addr_refresh(struct nl *nl, int ifindex, const struct nl_addr *a,
		uint32_t lifetime_s, uint8_t proto)
{
	_Alignas(struct nlmsghdr) uint8_t buf[256];
	int len = nl_msg_addr_install(buf, sizeof(buf), nl_next_seq(nl),
				      ifindex, a, lifetime_s, true, proto);

	if (len < 0) {
		errno = EINVAL;
		return -1;
	}
	/* No ACK asked: success is silent, an error comes back by itself. */
	((struct nlmsghdr *)(void *)buf)->nlmsg_flags &= ~NLM_F_ACK;
	if (nl->snd != NULL)
		return nl_sender_queue(nl->snd, buf, (size_t)len);
	return mnl_socket_sendto(nl->asy, buf, (size_t)len) < 0 ? -1 : 0;
}

int
nl_async_start(struct nl *nl)
{
	if (nl->snd != NULL)
		return 0;
	nl->snd = nl_sender_start(mnl_socket_get_fd(nl->asy));
	return nl->snd == NULL ? -1 : 0;
}

struct nl_asyerr {
	int error;
	void (*cb)(const struct nl_event *req, int error, void *arg);
	void *arg;
};

static void
asy_event(const struct nl_event *ev, void *arg)
{
	struct nl_asyerr *e = arg;

	e->cb(ev, e->error, e->arg);
}

/* One NLMSG_ERROR: decode the request it echoes. */
static int
asy_one(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nl_msg_ops ops = { .event = asy_event };
	struct nl_asyerr *e = data;
	size_t plen = mnl_nlmsg_get_payload_len(nlh);

	if (nlh->nlmsg_type != NLMSG_ERROR || plen < sizeof(*err) ||
	    err->error >= 0 || err->error < -4095)
		return MNL_CB_OK;
	e->error = -err->error;
	if (err->msg.nlmsg_len > plen - offsetof(struct nlmsgerr, msg) ||
	    nl_msg_parse(&err->msg, err->msg.nlmsg_len, &ops, e) < 0) {
		struct nl_event none = { .type = NL_EV_NONE };

		e->cb(&none, e->error, e->arg);	/* request not echoed */
	}
	return MNL_CB_OK;
}

int
nl_async_read(struct nl *nl,
	      void (*cb)(const struct nl_event *req, int error, void *arg),
	      void *arg)
{
	_Alignas(struct nlmsghdr) uint8_t buf[8192];
	struct nl_asyerr e = { .cb = cb, .arg = arg };
	const struct nlmsghdr *nlh;
	ssize_t n;
	int i, left;

	for (i = 0; i < NL_MON_READS; i++) {
		n = mnl_socket_recvfrom(nl->asy, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == ENOSPC)
				errno = ENOBUFS;
			return -1;
		}
		left = (int)n;
		for (nlh = (const void *)buf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left))
			asy_one(nlh, &e);
	}
	return 0;
}

/* Most links a monitor filter names; beyond, addresses are not filtered. */
#define NL_FILTER_MAX	200

int
nl_monitor_filter(struct nl *nl, const int *ifindex, size_t n)
{
	struct sock_filter prog[NL_FILTER_MAX + 8];
	struct sock_fprog fp = { .filter = prog };
	int fd = mnl_socket_get_fd(nl->mon);
	size_t k, i = 0;

	if (n > NL_FILTER_MAX) {
		(void)setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, NULL, 0);
		return 0;
	}
	/*
	 * Classic BPF loads in network order and netlink is in host order:
	 * compare with htons()/htonl() of the values. One notification per
	 * skb, so the header is at offset 0 and ifa_index at 16 + 4.
	 */
	prog[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_ABS,
	    offsetof(struct nlmsghdr, nlmsg_type));
	prog[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    htons(RTM_NEWADDR), 1, 0);
	prog[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    htons(RTM_DELADDR), 0, (uint8_t)(n + 2));
	prog[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    NLMSG_HDRLEN + offsetof(struct ifaddrmsg, ifa_index));
	for (k = 0; k < n; k++)
		prog[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ |
		    BPF_K, htonl((uint32_t)ifindex[k]), (uint8_t)(n - k), 0);
	prog[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	prog[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0xffffffffu);
	fp.len = (unsigned short)i;
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp));
}

