/* SPDX-License-Identifier: ISC */
/* rtnetlink plumbing over libmnl: address requests, queries, link monitor. */

#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>

#include "netlink/nl.h"
#include "netlink/nl_priv.h"

/*
 * The kernel answers a request while handling our sendmsg() (a dump's later
 * parts while handling our recvmsg()), so the answer is normally queued
 * before we wait at all; the wait is bounded so that the loop never stalls
 * long on a lost answer. A late answer is discarded by nl_drain().
 */
#define NL_REQ_TIMEOUT_MS 5
#define NL_DUMP_TRIES	 5

/* One outstanding request on the request socket. */
struct nl_txn {
	uint32_t seq;
	int ifindex;		/* > 0: report this link's objects only */
	bool done;
	bool intr;
	int error;
	void (*event)(const struct nl_event *ev, void *arg);
	void *arg;
};

struct nl *
nl_open(void)
{
	struct nl *nl;
	int one = 1, rcvbuf = NL_MON_RCVBUF, fd, saved;
	unsigned int groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR |
			      RTMGRP_IPV6_IFADDR;

	nl = calloc(1, sizeof(*nl));
	if (nl == NULL)
		return NULL;
	nl->seq = 1;
	nl->req = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (nl->req == NULL ||
	    mnl_socket_bind(nl->req, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	/* Error replies need not echo our request back. Optional. */
	(void)mnl_socket_setsockopt(nl->req, NETLINK_CAP_ACK, &one,
				    sizeof(one));
	/* Dumps filtered by ifindex in the kernel (Linux 4.20+). Optional:
	 * without it the filter is applied here. */
	(void)mnl_socket_setsockopt(nl->req, NETLINK_GET_STRICT_CHK, &one,
				    sizeof(one));
	/* Without NETLINK_CAP_ACK an error echoes the whole request. */
	nl->asy = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (nl->asy == NULL ||
	    mnl_socket_bind(nl->asy, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	nl->mon = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (nl->mon == NULL ||
	    mnl_socket_bind(nl->mon, groups, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	/* A link flap emits a burst; a bigger queue makes ENOBUFS rarer. */
	fd = mnl_socket_get_fd(nl->mon);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				 sizeof(rcvbuf));
	return nl;
fail:
	saved = errno;
	nl_close(nl);
	errno = saved;
	return NULL;
}

void
nl_close(struct nl *nl)
{
	if (nl == NULL)
		return;
	nl_sender_stop(nl->snd);	/* before the socket it sends on */
	if (nl->req != NULL)
		mnl_socket_close(nl->req);
	if (nl->mon != NULL)
		mnl_socket_close(nl->mon);
	if (nl->asy != NULL)
		mnl_socket_close(nl->asy);
	free(nl);
}

/* ---- requests ---------------------------------------------------------- */

uint32_t
nl_next_seq(struct nl *nl)
{
	if (++nl->seq == 0)	/* 0 is what notifications carry */
		nl->seq = 1;
	return nl->seq;
}

static void
txn_event(const struct nl_event *ev, void *arg)
{
	struct nl_txn *t = arg;

	if (ev->seq != t->seq || t->done)
		return;
	if (ev->dump_intr)
		t->intr = true;
	if (t->ifindex > 0 && ev->ifindex != t->ifindex)
		return;
	if (ev->dump_intr)
		t->intr = true;
	if (t->event != NULL)
		t->event(ev, t->arg);
}

static void
txn_ctl(const struct nl_ctl *c, void *arg)
{
	struct nl_txn *t = arg;

	if (c->seq != t->seq || t->done)
		return;
	t->done = true;
	t->error = c->error;
	if (c->dump_intr)
		t->intr = true;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Discard whatever an earlier, timed-out request left queued. Reading also
 * lets an abandoned dump run to its end, which the kernel needs before it
 * accepts another dump on this socket.
 */
static void
nl_drain(struct nl *nl)
{
	ssize_t n;
	int i;

	for (i = 0; i < NL_MON_READS; i++) {
		n = mnl_socket_recvfrom(nl->req, nl->buf, sizeof(nl->buf));
		if (n < 0 && errno != EINTR)
			return;
	}
}

static int
nl_wait(struct nl *nl, uint64_t deadline)
{
	struct pollfd pfd = { .fd = mnl_socket_get_fd(nl->req),
			      .events = POLLIN };
	uint64_t now = now_ms();
	int rc;

	if (now >= deadline) {
		errno = ETIMEDOUT;
		return -1;
	}
	rc = poll(&pfd, 1, (int)(deadline - now));
	if (rc < 0 && errno != EINTR)
		return -1;
	return 0;
}

/* Send the request in nl->buf (len bytes) and collect its answer into t. */
static int
nl_txn_run(struct nl *nl, size_t len, struct nl_txn *t)
{
	const struct nl_msg_ops ops = { .event = txn_event, .ctl = txn_ctl };
	uint64_t deadline = now_ms() + NL_REQ_TIMEOUT_MS;
	ssize_t n;

	/* A refresh still queued must not re-add what this deletes. */
	if (((const struct nlmsghdr *)(void *)nl->buf)->nlmsg_type ==
	    RTM_DELADDR)
		nl_sender_cancel(nl->snd);
	if (mnl_socket_sendto(nl->req, nl->buf, len) < 0)
		return -1;
	while (!t->done) {
		n = mnl_socket_recvfrom(nl->req, nl->buf, sizeof(nl->buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			if (nl_wait(nl, deadline) < 0)
				return -1;
			continue;
		}
		if (nl_msg_parse(nl->buf, (size_t)n, &ops, t) < 0) {
			errno = EBADMSG;
			return -1;
		}
	}
	if (t->error != 0) {
		errno = t->error;
		return -1;
	}
	return 0;
}

/* Run the request a builder wrote to nl->buf; len < 0: it refused. */
static int
nl_request(struct nl *nl, int len, struct nl_txn *t)
{
	if (len < 0) {
		errno = EINVAL;
		return -1;
	}
	return nl_txn_run(nl, (size_t)len, t);
}

int
nl_exec(struct nl *nl, nl_build_fn build, const void *arg)
{
	struct nl_txn t = { .seq = nl_next_seq(nl) };

	nl_drain(nl);
	return nl_request(nl, build(nl->buf, sizeof(nl->buf), t.seq, arg),
			  &t);
}

int
nl_addr_add(struct nl *nl, int ifindex, const struct nl_addr *a,
	    uint32_t lifetime_s)
{
	return nl_addr_install(nl, ifindex, a, lifetime_s, true, 0);
}

int
nl_addr_install(struct nl *nl, int ifindex, const struct nl_addr *a,
		uint32_t lifetime_s, bool replace, uint8_t proto)
{
	struct nl_txn t = { .seq = nl_next_seq(nl) };

	nl_drain(nl);
	return nl_request(nl, nl_msg_addr_install(nl->buf, sizeof(nl->buf),
						  t.seq, ifindex, a,
						  lifetime_s, replace, proto),
			  &t);
}

int
nl_addr_del(struct nl *nl, int ifindex, const struct nl_addr *a)
{
	struct nl_txn t = { .seq = nl_next_seq(nl) };

	nl_drain(nl);
	return nl_request(nl, nl_msg_addr_del(nl->buf, sizeof(nl->buf), t.seq,
					      ifindex, a), &t);
}

/*
 * Dump the addresses of family into event(arg), calling reset(arg) before
 * each attempt: an interrupted dump (NLM_F_DUMP_INTR) is started again.
 */
int
nl_addr_list(struct nl *nl, int ifindex, int family,
	     void (*event)(const struct nl_event *, void *),
	     void (*reset)(void *), void *arg)
{
	int i;

	for (i = 0; i < NL_DUMP_TRIES; i++) {
		struct nl_txn t = { .seq = nl_next_seq(nl), .event = event,
				    .arg = arg, .ifindex = ifindex };

		reset(arg);
		nl_drain(nl);
		if (nl_request(nl, nl_msg_addr_dump(nl->buf, sizeof(nl->buf),
						    t.seq, family, ifindex),
			       &t) < 0)
			return -1;
		if (!t.intr)
			return 0;
	}
	errno = EAGAIN;
	return -1;
}

struct nl_present {
	int ifindex;
	const struct nl_addr *a;
	bool present;
};

static void
present_reset(void *arg)
{
	((struct nl_present *)arg)->present = false;
}

static void
present_event(const struct nl_event *ev, void *arg)
{
	struct nl_present *p = arg;

	if (ev->type == NL_EV_ADDR_NEW && ev->ifindex == p->ifindex &&
	    nl_addr_equal(&ev->addr, p->a))
		p->present = true;
}

int
nl_addr_present(struct nl *nl, int ifindex, const struct nl_addr *a,
		bool *present)
{
	struct nl_present p = { .ifindex = ifindex, .a = a };

	if (nl_addr_list(nl, ifindex, a->family, present_event, present_reset,
			 &p) < 0)
		return -1;
	*present = p.present;
	return 0;
}

struct nl_linkq {
	struct nl_event *out;
	bool found;
};

static void
link_event(const struct nl_event *ev, void *arg)
{
	struct nl_linkq *q = arg;

	if (ev->type == NL_EV_LINK && !q->found) {
		*q->out = *ev;
		q->found = true;
	}
}

int
nl_link_get(struct nl *nl, const char *ifname, struct nl_event *out)
{
	struct nl_linkq q = { .out = out };
	struct nl_txn t = { .seq = nl_next_seq(nl), .event = link_event,
			    .arg = &q };

	nl_drain(nl);
	if (nl_request(nl, nl_msg_link_get(nl->buf, sizeof(nl->buf), t.seq,
					   ifname), &t) < 0)
		return -1;
	if (!q.found) {
		errno = ENODEV;
		return -1;
	}
	return 0;
}

int
nl_macvlan_add(struct nl *nl, const char *ifname, int link,
	       const uint8_t mac[6], uint32_t mode)
{
	struct nl_txn t = { .seq = nl_next_seq(nl) };

	nl_drain(nl);
	return nl_request(nl, nl_msg_macvlan_new(nl->buf, sizeof(nl->buf),
						 t.seq, ifname, link, mac,
						 mode), &t);
}

int
nl_link_set_up(struct nl *nl, int ifindex, bool up)
{
	struct nl_txn t = { .seq = nl_next_seq(nl) };

	nl_drain(nl);
	return nl_request(nl, nl_msg_link_set(nl->buf, sizeof(nl->buf), t.seq,
					      ifindex, up), &t);
}

int
nl_link_del(struct nl *nl, int ifindex)
{
	struct nl_txn t = { .seq = nl_next_seq(nl) };

	nl_drain(nl);
	return nl_request(nl, nl_msg_link_del(nl->buf, sizeof(nl->buf), t.seq,
					      ifindex), &t);
}

struct nl_primary {
	int ifindex;
	int family;
	const struct nl_addr *exclude;
	size_t nexclude;
	bool found;		/* best: a primary / usable link-local */
	bool fallback;		/* IPv4: a secondary non-VIP */
	struct nl_addr best;
	struct nl_addr second;
};

static void
primary_reset(void *arg)
{
	struct nl_primary *p = arg;

	p->found = false;
	p->fallback = false;
}

static bool
primary_excluded(const struct nl_primary *p,
		 const struct nl_addr *a)
{
	size_t i;

	for (i = 0; i < p->nexclude; i++)
		if (nl_addr_equal(&p->exclude[i], a))
			return true;
	return false;
}

static void
primary_event(const struct nl_event *ev, void *arg)
{
	struct nl_primary *p = arg;
	const uint8_t *b = ev->addr.addr;

	if (ev->type != NL_EV_ADDR_NEW || ev->ifindex != p->ifindex ||
	    ev->addr.family != p->family || p->found ||
	    primary_excluded(p, &ev->addr))
		return;
	if (p->family == AF_INET6) {
		if (b[0] != 0xfe || (b[1] & 0xc0) != 0x80 ||
		    (ev->addr_flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)))
			return;
	} else if (ev->addr_flags & IFA_F_SECONDARY) {
		if (!p->fallback) {
			p->second = ev->addr;
			p->fallback = true;
		}
		return;
	}
	p->best = ev->addr;
	p->found = true;
}

int
nl_addr_primary(struct nl *nl, int ifindex, int family,
		const struct nl_addr *exclude, size_t nexclude,
		struct nl_addr *out)
{
	struct nl_primary p = { .ifindex = ifindex, .family = family,
				.exclude = exclude, .nexclude = nexclude };

	if (family != AF_INET && family != AF_INET6) {
		errno = EINVAL;
		return -1;
	}
	if (nl_addr_list(nl, ifindex, family, primary_event, primary_reset,
			 &p) < 0) {
		if (errno == ENODEV)	/* the kernel's ifindex filter */
			errno = EADDRNOTAVAIL;
		return -1;
	}
	if (!p.found && !p.fallback) {
		errno = EADDRNOTAVAIL;
		return -1;
	}
	*out = p.found ? p.best : p.second;
	return 0;
}
