/* SPDX-License-Identifier: ISC */
/* Pure builders for routes, policy rules and address options (rtnetlink). */

#include <sys/socket.h>

#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <limits.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "netlink/nl_route.h"

static size_t
alen_of(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* Host bits set under a prefix: the kernel refuses such a destination. */
static bool
prefix_ok(const uint8_t *a, size_t alen, unsigned plen)
{
	size_t i;

	if (plen > alen * 8)
		return false;
	for (i = plen / 8; i < alen; i++) {
		uint8_t keep = i == plen / 8 ? (uint8_t)(0xff00 >> (plen % 8))
					     : 0;

		if (a[i] & (uint8_t)~keep)
			return false;
	}
	return true;
}

static struct nlmsghdr *
start(void *buf, size_t cap, uint16_t type, uint16_t flags, uint32_t seq,
      size_t extra)
{
	struct nlmsghdr *nlh;

	if (cap < MNL_NLMSG_HDRLEN + MNL_ALIGN(extra) || cap > INT_MAX)
		return NULL;
	memset(buf, 0, MNL_NLMSG_HDRLEN + MNL_ALIGN(extra));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	mnl_nlmsg_put_extra_header(nlh, extra);
	return nlh;
}

/* An attribute with its padding zeroed (libmnl leaves it as found). */
static bool
put(struct nlmsghdr *nlh, size_t cap, uint16_t type, size_t len,
    const void *data)
{
	size_t need = MNL_ATTR_HDRLEN + MNL_ALIGN(len);

	if (len > UINT16_MAX - MNL_ATTR_HDRLEN || nlh->nlmsg_len + need > cap)
		return false;
	memset(mnl_nlmsg_get_payload_tail(nlh), 0, need);
	mnl_attr_put(nlh, type, len, data);
	return true;
}

static bool
put32(struct nlmsghdr *nlh, size_t cap, uint16_t type, uint32_t v)
{
	return put(nlh, cap, type, sizeof(v), &v);
}

/* ---- routes ------------------------------------------------------------ */

static bool
route_local(const struct nl_route *r)
{
	return r->type == RTN_LOCAL;
}

static bool
route_special(const struct nl_route *r)
{
	return r->type == RTN_BLACKHOLE || r->type == RTN_UNREACHABLE ||
	       r->type == RTN_PROHIBIT || r->type == RTN_THROW;
}

uint8_t
nl_route_scope(const struct nl_route *r)
{
	if (route_local(r))
		return RT_SCOPE_HOST;
	if (!r->has_gw && !route_special(r) && r->ifindex > 0)
		return RT_SCOPE_LINK;
	return RT_SCOPE_UNIVERSE;
}

static bool
route_ok(const struct nl_route *r, bool add)
{
	size_t alen = alen_of(r->family);

	if (alen == 0 || !prefix_ok(r->dst, alen, r->dst_len) ||
	    r->ifindex < 0)
		return false;
	if (route_special(r))
		return !r->has_gw && r->ifindex == 0;
	/* A unicast route needs somewhere to go. */
	return !add || r->has_gw || r->ifindex > 0;
}

static bool
route_attrs(struct nlmsghdr *nlh, size_t cap, const struct nl_route *r,
	    bool add)
{
	size_t alen = alen_of(r->family);
	bool ok = true;

	if (r->dst_len > 0)
		ok = ok && put(nlh, cap, RTA_DST, alen, r->dst);
	if (r->has_src)
		ok = ok && put(nlh, cap, RTA_PREFSRC, alen, r->src);
	if (r->has_gw)
		ok = ok && put(nlh, cap, RTA_GATEWAY, alen, r->gw);
	if (r->ifindex > 0)
		ok = ok && put32(nlh, cap, RTA_OIF, (uint32_t)r->ifindex);
	if (r->has_metric)
		ok = ok && put32(nlh, cap, RTA_PRIORITY, r->metric);
	ok = ok && put32(nlh, cap, RTA_TABLE,
			 r->table != 0 ? r->table : RT_TABLE_MAIN);
	if (add && r->mtu != 0) {
		struct nlattr *nest;

		/* Room for the nest header and one u32 metric. */
		if (!ok || nlh->nlmsg_len + 2 * MNL_ATTR_HDRLEN + 4 > cap)
			return false;
		nest = mnl_attr_nest_start(nlh, RTA_METRICS);
		ok = put32(nlh, cap, RTAX_MTU, r->mtu);
		mnl_attr_nest_end(nlh, nest);
	}
	return ok;
}

int
nl_msg_route(void *buf, size_t cap, uint32_t seq, bool add,
	     const struct nl_route *r, uint8_t proto)
{
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	if (!route_ok(r, add))
		return -1;
	/* keepalived's default: prepend ("ip route prepend"), so a route of
	 * the same prefix installed by someone else is neither refused nor
	 * replaced: ours goes before it, and our delete names our protocol. */
	if (add)
		flags |= NLM_F_CREATE | (r->append ? NLM_F_APPEND : 0);
	nlh = start(buf, cap, add ? RTM_NEWROUTE : RTM_DELROUTE, flags, seq,
		    sizeof(*rtm));
	if (nlh == NULL)
		return -1;
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_family = (uint8_t)r->family;
	rtm->rtm_dst_len = r->dst_len;
	rtm->rtm_tos = r->tos;
	rtm->rtm_table = r->table != 0 && r->table < 256 ? (uint8_t)r->table
		       : r->table == 0 ? RT_TABLE_MAIN : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = proto;
	rtm->rtm_type = r->type != 0 ? r->type : RTN_UNICAST;
	/* A delete with scope "nowhere" matches the route whatever its
	 * scope, as "ip route del" does. */
	rtm->rtm_scope = add ? r->scope : RT_SCOPE_NOWHERE;
	if (r->onlink)
		rtm->rtm_flags |= RTNH_F_ONLINK;
	if (!route_attrs(nlh, cap, r, add))
		return -1;
	return (int)nlh->nlmsg_len;
}

/* ---- rules ------------------------------------------------------------- */

static bool
rule_ok(const struct nl_rule *r)
{
	size_t alen = alen_of(r->family);

	return alen != 0 &&
	       (!r->has_src || prefix_ok(r->src, alen, r->src_len)) &&
	       (!r->has_dst || prefix_ok(r->dst, alen, r->dst_len)) &&
	       strnlen(r->iif, NL_IFNAMSIZ) < NL_IFNAMSIZ &&
	       strnlen(r->oif, NL_IFNAMSIZ) < NL_IFNAMSIZ;
}

static bool
rule_attrs(struct nlmsghdr *nlh, size_t cap, const struct nl_rule *r,
	   uint8_t proto)
{
	size_t alen = alen_of(r->family);
	uint8_t action = r->action != 0 ? r->action : FR_ACT_TO_TBL;
	bool ok = true;

	if (r->has_src)
		ok = ok && put(nlh, cap, FRA_SRC, alen, r->src);
	if (r->has_dst)
		ok = ok && put(nlh, cap, FRA_DST, alen, r->dst);
	if (r->has_priority)
		ok = ok && put32(nlh, cap, FRA_PRIORITY, r->priority);
	if (r->iif[0] != '\0')
		ok = ok && put(nlh, cap, FRA_IIFNAME, strlen(r->iif) + 1,
			       r->iif);
	if (r->oif[0] != '\0')
		ok = ok && put(nlh, cap, FRA_OIFNAME, strlen(r->oif) + 1,
			       r->oif);
	if (r->has_fwmark) {
		ok = ok && put32(nlh, cap, FRA_FWMARK, r->fwmark);
		ok = ok && put32(nlh, cap, FRA_FWMASK,
				 r->fwmask != 0 ? r->fwmask : 0xffffffffu);
	}
	if (action == FR_ACT_TO_TBL)
		ok = ok && put32(nlh, cap, FRA_TABLE,
				 r->table != 0 ? r->table : RT_TABLE_MAIN);
	ok = ok && put(nlh, cap, FRA_PROTOCOL, 1, &proto);
	return ok;
}

int
nl_msg_rule(void *buf, size_t cap, uint32_t seq, bool add,
	    const struct nl_rule *r, uint8_t proto)
{
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	struct nlmsghdr *nlh;
	struct fib_rule_hdr *frh;

	if (!rule_ok(r))
		return -1;
	if (add)
		flags |= NLM_F_CREATE | NLM_F_EXCL;
	nlh = start(buf, cap, add ? RTM_NEWRULE : RTM_DELRULE, flags, seq,
		    sizeof(*frh));
	if (nlh == NULL)
		return -1;
	frh = mnl_nlmsg_get_payload(nlh);
	frh->family = (uint8_t)r->family;
	frh->src_len = r->has_src ? r->src_len : 0;
	frh->dst_len = r->has_dst ? r->dst_len : 0;
	frh->tos = r->tos;
	frh->action = r->action != 0 ? r->action : FR_ACT_TO_TBL;
	if (frh->action == FR_ACT_TO_TBL)
		frh->table = r->table != 0 && r->table < 256 ?
			     (uint8_t)r->table :
			     r->table == 0 ? RT_TABLE_MAIN : RT_TABLE_UNSPEC;
	if (r->invert)
		frh->flags |= FIB_RULE_INVERT;
	if (!rule_attrs(nlh, cap, r, proto))
		return -1;
	return (int)nlh->nlmsg_len;
}

/* ---- address options --------------------------------------------------- */

/* The attributes of an address request we may have to rewrite. */
struct addr_seen {
	struct nlattr *address, *local, *flags;
};

static bool
addr_scan(struct nlmsghdr *nlh, size_t alen, struct addr_seen *s)
{
	struct nlattr *attr;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifaddrmsg))
		return false;
	mnl_attr_for_each(attr, nlh, sizeof(struct ifaddrmsg)) {
		uint16_t t = mnl_attr_get_type(attr);
		uint16_t plen = mnl_attr_get_payload_len(attr);

		if ((t == IFA_ADDRESS || t == IFA_LOCAL) && plen != alen)
			return false;
		if (t == IFA_FLAGS && plen != 4)
			return false;
		if (t == IFA_ADDRESS)
			s->address = attr;
		else if (t == IFA_LOCAL)
			s->local = attr;
		else if (t == IFA_FLAGS)
			s->flags = attr;
	}
	return s->address != NULL || s->local != NULL;
}

static bool
addr_peer(struct nlmsghdr *nlh, size_t cap, const struct addr_seen *s,
	  size_t alen, const uint8_t *peer)
{
	uint8_t self[16];

	memcpy(self, mnl_attr_get_payload(s->local != NULL ? s->local
							   : s->address),
	       alen);
	if (s->address != NULL)
		memcpy(mnl_attr_get_payload(s->address), peer, alen);
	else if (!put(nlh, cap, IFA_ADDRESS, alen, peer))
		return false;
	return s->local != NULL || put(nlh, cap, IFA_LOCAL, alen, self);
}

static bool
addr_flags(struct nlmsghdr *nlh, size_t cap, const struct addr_seen *s,
	   uint32_t flags)
{
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	uint32_t f;

	if (flags == 0)
		return true;
	ifa->ifa_flags |= (uint8_t)(flags & 0xff);
	if (s->flags == NULL)
		return put32(nlh, cap, IFA_FLAGS, flags | ifa->ifa_flags);
	memcpy(&f, mnl_attr_get_payload(s->flags), sizeof(f));
	f |= flags;
	memcpy(mnl_attr_get_payload(s->flags), &f, sizeof(f));
	return true;
}

int
nl_msg_addr_opts(void *buf, size_t cap, const struct nl_addr_opts *o)
{
	struct nlmsghdr *nlh = buf;
	struct addr_seen s = { 0 };
	struct ifaddrmsg *ifa;
	size_t alen;

	if (cap < MNL_NLMSG_HDRLEN || nlh->nlmsg_len > cap ||
	    (nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR))
		return -1;
	ifa = mnl_nlmsg_get_payload(nlh);
	alen = alen_of(ifa->ifa_family);
	if (alen == 0 || !addr_scan(nlh, alen, &s))
		return -1;
	ifa->ifa_scope = o->scope;
	if (o->has_peer && !addr_peer(nlh, cap, &s, alen, o->peer))
		return -1;
	if (ifa->ifa_family == AF_INET && o->has_brd &&
	    nlh->nlmsg_type == RTM_NEWADDR &&
	    !put(nlh, cap, IFA_BROADCAST, 4, o->brd))
		return -1;
	if (ifa->ifa_family == AF_INET && o->label[0] != '\0' &&
	    (strnlen(o->label, NL_IFNAMSIZ) >= NL_IFNAMSIZ ||
	     !put(nlh, cap, IFA_LABEL, strlen(o->label) + 1, o->label)))
		return -1;
	if (nlh->nlmsg_type == RTM_NEWADDR && !addr_flags(nlh, cap, &s,
							  o->flags))
		return -1;
	/* Kernels before 6.1 ignore the attribute. */
	if (nlh->nlmsg_type == RTM_NEWADDR && o->proto != 0 &&
	    !put(nlh, cap, IFA_PROTO, 1, &o->proto))
		return -1;
	if (nlh->nlmsg_type == RTM_NEWADDR && o->excl)
		nlh->nlmsg_flags = (uint16_t)((nlh->nlmsg_flags &
			~NLM_F_REPLACE) | NLM_F_EXCL | NLM_F_CREATE);
	return (int)nlh->nlmsg_len;
}
