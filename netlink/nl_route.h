/* SPDX-License-Identifier: ISC */
/* Pure builders for routes, policy rules and address options (rtnetlink). */

#ifndef VIPD_NL_ROUTE_H
#define VIPD_NL_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netlink/nl_msg.h"

/*
 * The protocol vipd stamps on the routes (rtm_protocol) and rules
 * (FRA_PROTOCOL) it installs, so that they are told apart from any other
 * after a restart: "ip route" shows "proto 118". keepalived uses 18
 * (RTPROT_KEEPALIVED); 118 is 0x76, the IFA_PROTO of vipd's addresses,
 * and no registered routing daemon uses it.
 */
#define NL_PROTO_VIPD	118

/*
 * A route. family AF_INET or AF_INET6; addresses in network byte order.
 * Deletes name every field given, so only the very route is removed.
 */
struct nl_route {
	int family;
	uint8_t dst[16];
	uint8_t dst_len;	/* 0 with dst zero: the default route */
	bool has_src;		/* RTA_PREFSRC */
	uint8_t src[16];
	bool has_gw;		/* RTA_GATEWAY */
	uint8_t gw[16];
	int ifindex;		/* RTA_OIF; 0: none */
	uint32_t table;		/* 0: main (254) */
	bool has_metric;	/* RTA_PRIORITY */
	uint32_t metric;
	uint8_t scope;		/* RT_SCOPE_*; see nl_route_scope() */
	uint8_t type;		/* RTN_UNICAST (0 too), _BLACKHOLE, ... */
	uint8_t tos;
	bool onlink;		/* RTNH_F_ONLINK */
	uint32_t mtu;		/* RTAX_MTU; 0: none */
	bool append;		/* "ip route append": NLM_F_APPEND */
};

/* A policy routing rule (FIB rule). */
struct nl_rule {
	int family;
	bool has_src;
	uint8_t src[16];
	uint8_t src_len;
	bool has_dst;
	uint8_t dst[16];
	uint8_t dst_len;
	uint32_t table;		/* 0 with action TO_TBL: main */
	uint8_t action;		/* FR_ACT_TO_TBL (0 too), _BLACKHOLE, ... */
	bool has_priority;	/* FRA_PRIORITY ("preference") */
	uint32_t priority;
	char iif[NL_IFNAMSIZ];	/* "" = any */
	char oif[NL_IFNAMSIZ];
	bool has_fwmark;
	uint32_t fwmark;
	uint32_t fwmask;	/* 0 with has_fwmark: 0xffffffff */
	uint8_t tos;
	bool invert;		/* "not": FIB_RULE_INVERT */
};

/* Options of an address line (ip address add ... brd/label/scope/peer). */
struct nl_addr_opts {
	uint8_t scope;		/* ifa_scope, RT_SCOPE_UNIVERSE = 0 */
	bool has_brd;		/* IPv4 IFA_BROADCAST */
	uint8_t brd[4];
	bool has_peer;		/* IFA_ADDRESS = peer, IFA_LOCAL = address */
	uint8_t peer[16];
	char label[NL_IFNAMSIZ];	/* IPv4 IFA_LABEL; "" = none */
	uint32_t flags;		/* IFA_F_HOMEADDRESS, _NOPREFIXROUTE, ... */
	uint8_t proto;		/* IFA_PROTO (Linux 6.1+); 0 = none */
	bool excl;		/* add: NLM_F_EXCL instead of NLM_F_REPLACE,
				 * so an existing address is left alone */
};

/*
 * The scope the kernel (and "ip route") gives a route without one:
 * host for a local route, link without a gateway (or blackhole &c:
 * universe), universe otherwise.
 */
uint8_t nl_route_scope(const struct nl_route *r);

/*
 * Build an RTM_NEWROUTE (add: NLM_F_CREATE, "ip route prepend" as
 * keepalived does, or NLM_F_APPEND with r->append; EEXIST only for an
 * identical route) or RTM_DELROUTE request with rtm_protocol proto; the
 * kernel deletes only a route of that protocol, so vipd never removes a
 * route it did not install. Returns the length, or -1 if buf is
 * too small or r is invalid (family, prefix length, table 0 on delete ...).
 */
int nl_msg_route(void *buf, size_t cap, uint32_t seq, bool add,
		 const struct nl_route *r, uint8_t proto);

/*
 * Build an RTM_NEWRULE (NLM_F_CREATE|NLM_F_EXCL) or RTM_DELRULE request
 * with FRA_PROTOCOL proto (Linux 4.17+); as for routes, a delete matches
 * only a rule of that protocol. Returns the length or -1.
 */
int nl_msg_rule(void *buf, size_t cap, uint32_t seq, bool add,
		const struct nl_rule *r, uint8_t proto);

/*
 * Apply o to the RTM_NEWADDR or RTM_DELADDR request at the start of buf
 * (built by nl_msg_addr_*): sets ifa_scope, adds IFA_BROADCAST, IFA_LABEL,
 * IFA_FLAGS (ORed into the existing one), IFA_PROTO, and, with a peer,
 * names the address by IFA_LOCAL and the peer by IFA_ADDRESS, which the
 * kernel needs to find a point-to-point address again (refresh, delete). Returns the new
 * length, or -1 if cap is too small or the message is not an address one.
 */
int nl_msg_addr_opts(void *buf, size_t cap, const struct nl_addr_opts *o);

/* ---- requests (nl_obj.c), over nl_exec() of nl.h --------------------- */

struct nl;

/*
 * Add (add) or delete a route, with protocol proto, and wait for the ACK.
 * Returns 0, or -1 with errno: EEXIST (add: the same route exists,
 * whoever installed it), ESRCH (delete: no such route of that protocol),
 * or another error of the kernel's.
 */
int nl_route_exec(struct nl *nl, bool add, const struct nl_route *r,
		  uint8_t proto);

/* The same for a rule: EEXIST, ENOENT when absent. */
int nl_rule_exec(struct nl *nl, bool add, const struct nl_rule *r,
		 uint8_t proto);

/*
 * nl_addr_add() / nl_addr_del() of nl.h with the options o applied
 * (o NULL: none).
 */
int nl_addr_exec(struct nl *nl, bool add, int ifindex,
		 const struct nl_addr *a, uint32_t lifetime_s,
		 const struct nl_addr_opts *o);

#endif
