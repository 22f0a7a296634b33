/* SPDX-License-Identifier: ISC */
/* rtnetlink plumbing over libmnl: address requests, queries, link monitor. */

#ifndef VIPD_NL_H
#define VIPD_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netlink/nl_msg.h"

/*
 * Three NETLINK_ROUTE sockets: one for requests (unicast replies only,
 * never multicast, so waiting for an ACK sees nothing unrelated), one
 * subscribed to link and address notifications for the event loop, and
 * one for fire-and-forget refreshes. The kernel answers a request while
 * handling our send, so requests wait at most a few milliseconds for an
 * answer already queued (ETIMEDOUT otherwise). The send itself waits for
 * the kernel's RTNL lock, which is why the periodic refreshes, the only
 * requests of a steady state, go through a sender thread once
 * nl_async_start() is called (the rest of vipd is single-threaded,
 * and so is struct nl's API: call it from one thread). Address dumps ask the
 * kernel for one link only, so their cost does not grow with the
 * addresses of other interfaces.
 */
struct nl;

/* Open both sockets (SOCK_CLOEXEC|SOCK_NONBLOCK). NULL with errno on error. */
struct nl *nl_open(void);

/* Close both sockets and free nl. NULL is a no-op. */
void nl_close(struct nl *nl);

/*
 * The monitor fd for epoll (level-triggered, EPOLLIN), subscribed to
 * RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR.
 */
int nl_monitor_fd(const struct nl *nl);

/*
 * Let the kernel drop address notifications of every link but the n in
 * ifindex (a socket filter), so that a busy link vipd does not use costs
 * no wake-up at all; link notifications always pass (a watched link may
 * appear under a new index). Call again whenever the set changes; n == 0
 * drops every address notification; a very long list removes the filter.
 * Returns 0, or -1 with errno from setsockopt.
 */
int nl_monitor_filter(struct nl *nl, const int *ifindex, size_t n);

/*
 * Read pending notifications from the monitor socket and call cb for each
 * link and address event (see struct nl_event). Stops at EAGAIN, or after
 * a bounded number of reads so one busy socket cannot starve the loop (the
 * fd then stays readable). cb may call the request functions below (they
 * use their own buffer and socket), but not nl_monitor_read or nl_close.
 * Returns 0; or -1 with errno ENOBUFS when notifications were lost (the
 * kernel queue overran, or a message did not fit the buffer): the caller
 * must resync its view with nl_link_get()/nl_addr_present(); later
 * notifications stay queued. EBADMSG: a malformed message was dropped.
 */
int nl_monitor_read(struct nl *nl,
		    void (*cb)(const struct nl_event *ev, void *arg),
		    void *arg);

/*
 * Add a on ifindex and wait for the kernel's ACK. Adding an address that
 * exists replaces it, which refreshes its lifetime. lifetime_s > 0: the
 * kernel deletes the address after lifetime_s seconds unless it is added
 * again ("dynamic valid_lft N" in ip addr); 0: permanent. IPv6 addresses
 * skip DAD (IFA_F_NODAD). See nl_msg_addr_new().
 * Returns 0, or -1 with errno: the kernel's error (ENODEV: no such link),
 * EINVAL for a bad a/ifindex, ETIMEDOUT if no answer came.
 */
int nl_addr_add(struct nl *nl, int ifindex, const struct nl_addr *a,
		uint32_t lifetime_s);

/*
 * As nl_addr_add(), but replace = false uses NLM_F_EXCL: an address that
 * exists is left alone and the call fails with EEXIST. proto != 0 is
 * stored with the address as IFA_PROTO (Linux 6.1+), so the owner can
 * recognise it later.
 */
int nl_addr_install(struct nl *nl, int ifindex, const struct nl_addr *a,
		    uint32_t lifetime_s, bool replace, uint8_t proto);

/*
 * Dump the addresses of family on ifindex (> 0) into event(arg), calling
 * reset(arg) before each attempt: a dump interrupted by a concurrent
 * change (NLM_F_DUMP_INTR) is started again. Returns 0, or -1 with errno
 * (ENODEV: no such link; EAGAIN: kept being interrupted).
 */
int nl_addr_list(struct nl *nl, int ifindex, int family,
		 void (*event)(const struct nl_event *ev, void *arg),
		 void (*reset)(void *arg), void *arg);

/*
 * Refresh a on ifindex without waiting: an NLM_F_REPLACE install (see
 * nl_addr_install) sent with no ACK asked, on a third socket, so success
 * costs one send and no answer. A failure comes back as an error that
 * nl_async_read() reports. Returns 0, or -1 with errno from the send.
 */
int nl_addr_refresh(struct nl *nl, int ifindex, const struct nl_addr *a,
		    uint32_t lifetime_s, uint8_t proto);

/*
 * From now on nl_addr_refresh() only queues its request for a sender
 * thread, so the caller never waits while another process holds the
 * kernel's RTNL lock; deleting an address (nl_addr_del(), nl_addr_exec())
 * first cancels the refreshes still queued, so none can re-add it. Call
 * it after dropping privileges (the thread keeps the capabilities it
 * starts with); until then refreshes are sent inline. A refresh the
 * thread could not send is reported by the next nl_addr_refresh().
 * Returns 0, or -1 with errno (then refreshes go on inline).
 */
int nl_async_start(struct nl *nl);

/* The socket of nl_addr_refresh() errors, for the event loop (EPOLLIN). */
int nl_async_fd(const struct nl *nl);

/*
 * Read the errors answering nl_addr_refresh() requests: cb gets the
 * request as the kernel echoed it (an NL_EV_ADDR_NEW; NL_EV_NONE if it
 * could not be decoded) and the positive errno. Bounded like
 * nl_monitor_read(). Returns 0, or -1 with errno (ENOBUFS: errors lost).
 */
int nl_async_read(struct nl *nl,
		  void (*cb)(const struct nl_event *req, int error, void *arg),
		  void *arg);

/*
 * Build a request with build(buf, cap, seq, arg) (a pure builder such as
 * those of nl_route.h; < 0: it refused, EINVAL), send it on the request
 * socket and wait for the ACK. Returns 0, or -1 with errno (the kernel's
 * error, or ETIMEDOUT).
 */
typedef int (*nl_build_fn)(void *buf, size_t cap, uint32_t seq,
			   const void *arg);
int nl_exec(struct nl *nl, nl_build_fn build, const void *arg);

/*
 * Delete a from ifindex and wait for the ACK. Returns 0, or -1 with errno:
 * EADDRNOTAVAIL if the address is not on the link with a->prefixlen,
 * otherwise as nl_addr_add().
 */
int nl_addr_del(struct nl *nl, int ifindex, const struct nl_addr *a);

/*
 * Dump the addresses of a->family and set *present to whether a (family
 * and address; the prefix length is not compared) is on ifindex.
 * Returns 0, or -1 with errno (EAGAIN: the dump kept being interrupted by
 * concurrent changes, NLM_F_DUMP_INTR, after several retries).
 */
int nl_addr_present(struct nl *nl, int ifindex, const struct nl_addr *a,
		    bool *present);

/*
 * Look a link up by name (RTM_GETLINK). Fills out as an NL_EV_LINK event:
 * ifindex, ifname, flags, up, mac/has_mac. Returns 0, or -1 with errno
 * (ENODEV: no such link; EINVAL: empty or too long name).
 */
int nl_link_get(struct nl *nl, const char *ifname, struct nl_event *out);

/*
 * Create a macvlan called ifname on the link with index link, with MAC
 * mac and mode (NL_MACVLAN_PRIVATE), down. Returns 0, or -1 with errno
 * (EEXIST: a link of that name exists and is left alone; ENODEV: no
 * lower link; EOPNOTSUPP: no macvlan support in the kernel).
 */
int nl_macvlan_add(struct nl *nl, const char *ifname, int link,
		   const uint8_t mac[6], uint32_t mode);

/* Set (up) or clear IFF_UP on ifindex. Returns 0, or -1 with errno. */
int nl_link_set_up(struct nl *nl, int ifindex, bool up);

/* Delete the link ifindex. Returns 0, or -1 with errno (ENODEV). */
int nl_link_del(struct nl *nl, int ifindex);

/*
 * Find the address a VRRP advertisement should be sent from on ifindex,
 * skipping the nexclude addresses in exclude (the VIPs).
 * AF_INET: the first primary (not IFA_F_SECONDARY) address; if every
 * non-VIP address is secondary (because a VIP of its subnet was added
 * first and became primary), the first of those.
 * AF_INET6: the first link-local (fe80::/10) address that is neither
 * tentative nor DAD-failed; a link that has just come up may have none
 * yet: the kernel announces it with RTM_NEWADDR once DAD is over.
 * Returns 0 with *out set (prefixlen included), or -1 with errno
 * (EADDRNOTAVAIL: no such address; EINVAL: bad family).
 */
int nl_addr_primary(struct nl *nl, int ifindex, int family,
		    const struct nl_addr *exclude, size_t nexclude,
		    struct nl_addr *out);

#endif
