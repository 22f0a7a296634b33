/* SPDX-License-Identifier: ISC */
/* Pure rtnetlink message builders and parsers over caller byte buffers. */

#ifndef VIPD_NL_MSG_H
#define VIPD_NL_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Lifetime value the kernel uses for "forever" (INFINITY_LIFE_TIME). */
#define NL_LFT_FOREVER 0xffffffffu

/* Size of nl_event.ifname, including the terminating NUL (IFNAMSIZ). */
#define NL_IFNAMSIZ 16

/*
 * An interface address. family is AF_INET or AF_INET6; addr holds the
 * address in network byte order (IPv4 uses addr[0..3], the rest is zero).
 */
struct nl_addr {
	int family;
	uint8_t addr[16];
	uint8_t prefixlen;
};

enum nl_event_type {
	NL_EV_NONE,
	NL_EV_LINK,	/* RTM_NEWLINK: link appeared or changed */
	NL_EV_LINK_DEL,	/* RTM_DELLINK: link removed */
	NL_EV_ADDR_NEW,	/* RTM_NEWADDR: address added, changed, dumped */
	NL_EV_ADDR_DEL,	/* RTM_DELADDR: address removed (or expired) */
};

/*
 * One rtnetlink object, decoded into host order. Fields not used by a type
 * are zero.
 */
struct nl_event {
	enum nl_event_type type;
	uint32_t seq;		/* nlmsg_seq: 0 for most notifications */
	bool dump_intr;		/* NLM_F_DUMP_INTR: retry the dump */
	int ifindex;
	/* LINK, LINK_DEL */
	char ifname[NL_IFNAMSIZ];	/* IFLA_IFNAME, "" if absent */
	unsigned int flags;	/* ifi_flags (IFF_*) */
	/*
	 * up = IFF_UP && IFF_RUNNING: administratively up and operationally
	 * up. The kernel sets IFF_RUNNING only while operstate is UP (or
	 * UNKNOWN for drivers without carrier reporting), so a veth whose
	 * peer is down, or a NIC without carrier, is not "up".
	 */
	bool up;
	uint8_t mac[6];
	bool has_mac;		/* IFLA_ADDRESS present, 6 bytes */
	int link;		/* IFLA_LINK: lower device, 0 if none */
	char kind[NL_IFNAMSIZ];	/* IFLA_INFO_KIND ("macvlan"), "" if none */
	/* ADDR_NEW, ADDR_DEL */
	struct nl_addr addr;	/* IFA_LOCAL if present, else IFA_ADDRESS */
	uint32_t addr_flags;	/* IFA_FLAGS if present, else ifa_flags */
	uint8_t scope;		/* ifa_scope (RT_SCOPE_*) */
	uint8_t proto;		/* IFA_PROTO (Linux 6.1+); 0 if absent */
	/* IFA_CACHEINFO, seconds left; NL_LFT_FOREVER when permanent */
	uint32_t valid_lft;
	uint32_t preferred_lft;
};

enum nl_ctl_type {
	NL_CTL_ACK,	/* NLMSG_ERROR with error 0 */
	NL_CTL_ERROR,	/* NLMSG_ERROR with a negative error */
	NL_CTL_DONE,	/* NLMSG_DONE: end of a dump */
};

/* A netlink control message: how a request or dump ended. */
struct nl_ctl {
	enum nl_ctl_type type;
	uint32_t seq;	/* nlmsg_seq: the seq of the request it answers */
	int error;	/* positive errno (ERROR, or DONE of a failed dump) */
	bool dump_intr;	/* NLM_F_DUMP_INTR was set on this message */
};

/* Callbacks for nl_msg_parse(). Either may be NULL to ignore that kind. */
struct nl_msg_ops {
	void (*event)(const struct nl_event *ev, void *arg);
	void (*ctl)(const struct nl_ctl *c, void *arg);
};

/*
 * The builders below write one netlink message at the start of buf, which
 * must be 4-byte aligned; the kernel fills in nlmsg_pid.
 */

/*
 * Build an RTM_NEWADDR request for a on ifindex into buf. Flags are
 * NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE and, with replace, NLM_F_REPLACE
 * (an address that exists is updated: its lifetime refreshed, a permanent
 * one made finite), else NLM_F_EXCL (the kernel answers EEXIST and leaves
 * an existing address alone).
 * Scope is global. IPv4 carries IFA_LOCAL and IFA_ADDRESS; IPv6 carries
 * IFA_ADDRESS and IFA_FLAGS=IFA_F_NODAD so the address is usable at once
 * (never tentative).
 * lifetime_s: > 0 adds IFA_CACHEINFO with valid = preferred = lifetime_s,
 * so the kernel deletes the address unless it is re-added in time; 0 makes
 * it permanent (also when replacing a dynamic address).
 * proto != 0 adds IFA_PROTO, which the kernel stores and reports with the
 * address (Linux 6.1+; older kernels ignore it).
 * Returns the message length, or -1 if buf is too small or a is invalid
 * (family not AF_INET/AF_INET6, prefixlen too long, ifindex <= 0).
 */
int nl_msg_addr_install(void *buf, size_t cap, uint32_t seq, int ifindex,
			const struct nl_addr *a, uint32_t lifetime_s,
			bool replace, uint8_t proto);

/* nl_msg_addr_install() with replace and no IFA_PROTO. */
int nl_msg_addr_new(void *buf, size_t cap, uint32_t seq, int ifindex,
		    const struct nl_addr *a, uint32_t lifetime_s);

/*
 * Build an RTM_DELADDR request (NLM_F_REQUEST|NLM_F_ACK) for a on ifindex.
 * IFA_ADDRESS (and for IPv4 IFA_LOCAL) name the address, and the kernel
 * also requires a->prefixlen to match, so an address of the same value
 * with another prefix length is never deleted.
 * Returns the message length, or -1 as for nl_msg_addr_new().
 */
int nl_msg_addr_del(void *buf, size_t cap, uint32_t seq, int ifindex,
		    const struct nl_addr *a);

/*
 * Build an RTM_GETADDR dump request (NLM_F_REQUEST|NLM_F_DUMP) for one
 * family (AF_INET or AF_INET6). ifindex > 0 asks for that link only (a
 * kernel filter honoured on sockets with NETLINK_GET_STRICT_CHK, so a
 * host with thousands of addresses elsewhere costs nothing); 0: all.
 * Returns the length or -1.
 */
int nl_msg_addr_dump(void *buf, size_t cap, uint32_t seq, int family,
		     int ifindex);

/*
 * Build an RTM_GETLINK request (NLM_F_REQUEST|NLM_F_ACK) that looks a link
 * up by IFLA_IFNAME. Returns the length, or -1 if buf is too small or
 * ifname is empty or longer than NL_IFNAMSIZ - 1.
 */
int nl_msg_link_get(void *buf, size_t cap, uint32_t seq, const char *ifname);

/* macvlan modes (IFLA_MACVLAN_MODE), as in <linux/if_link.h>. */
#define NL_MACVLAN_PRIVATE 1u

/*
 * Build an RTM_NEWLINK request (NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|
 * NLM_F_EXCL: an existing link of that name is never changed) creating
 * a macvlan called ifname on the lower device link, with MAC address mac
 * and IFLA_MACVLAN_MODE mode. The link is created down.
 * Returns the length, or -1 if buf is too small, link <= 0, or ifname is
 * empty or longer than NL_IFNAMSIZ - 1.
 */
int nl_msg_macvlan_new(void *buf, size_t cap, uint32_t seq, const char *ifname,
		       int link, const uint8_t mac[6], uint32_t mode);

/*
 * Build an RTM_NEWLINK request (NLM_F_REQUEST|NLM_F_ACK) that sets or
 * clears IFF_UP on ifindex and changes no other flag. -1 as above.
 */
int nl_msg_link_set(void *buf, size_t cap, uint32_t seq, int ifindex, bool up);

/* Build an RTM_DELLINK request (NLM_F_REQUEST|NLM_F_ACK) for ifindex. */
int nl_msg_link_del(void *buf, size_t cap, uint32_t seq, int ifindex);

/*
 * Parse len bytes as returned by one recv() on a netlink socket: zero or
 * more netlink messages. For each RTM_NEWLINK/DELLINK/NEWADDR/DELADDR
 * (addresses of AF_INET/AF_INET6 only) calls ops->event; for each
 * NLMSG_ERROR/NLMSG_DONE calls ops->ctl. Other message types are skipped,
 * as are unknown attributes. ops->ctl carries the seq so the caller can
 * match ACKs and dump ends to its requests.
 * Returns 0, or -1 on a malformed buffer: a truncated message, trailing
 * bytes, a short fixed header, a malformed or wrongly sized known
 * attribute, or an address message without an address. Parsing stops
 * there; callbacks for earlier messages have already run. Never reads
 * outside buf[0..len). buf must be 4-byte aligned (netlink alignment);
 * ops may be NULL.
 */
int nl_msg_parse(const void *buf, size_t len, const struct nl_msg_ops *ops,
		 void *arg);

/* Compare family and address bytes (not the prefix length). */
bool nl_addr_equal(const struct nl_addr *a, const struct nl_addr *b);

#endif
