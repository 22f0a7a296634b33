/* SPDX-License-Identifier: ISC */
/* Pure rtnetlink message builders and parsers over caller byte buffers. */

#include <sys/socket.h>

#include <net/if.h>

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>

#include <limits.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "netlink/nl_msg.h"

/* Largest errno the kernel puts in NLMSG_ERROR/NLMSG_DONE (MAX_ERRNO). */
#define NL_MAX_ERRNO 4095

/* ---- builders ---------------------------------------------------------- */

static size_t
addr_len(int family)
{
	if (family == AF_INET)
		return 4;
	if (family == AF_INET6)
		return 16;
	return 0;
}

static bool
addr_ok(const struct nl_addr *a)
{
	size_t alen = addr_len(a->family);

	return alen != 0 && a->prefixlen <= alen * 8;
}

/*
 * Start a message with a fixed header of extra bytes, or NULL if cap cannot
 * hold both. mnl_nlmsg_put_header and _extra_header zero what they claim.
 */
static struct nlmsghdr *
msg_start(void *buf, size_t cap, uint16_t type,
	  uint16_t flags, uint32_t seq, size_t extra)
{
	struct nlmsghdr *nlh;

	if (cap < MNL_NLMSG_HDRLEN + MNL_ALIGN(extra) || cap > INT_MAX)
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	mnl_nlmsg_put_extra_header(nlh, extra);
	return nlh;
}

/*
 * mnl_attr_put_check() without its flaw: libmnl 1.0.4 leaves the alignment
 * padding after the payload as it found it, so stale buffer bytes would
 * reach the kernel.
 */
static bool
put_attr(struct nlmsghdr *nlh, size_t cap, uint16_t type,
	 size_t len, const void *data)
{
	size_t need = MNL_ATTR_HDRLEN + MNL_ALIGN(len);

	if (len > UINT16_MAX - MNL_ATTR_HDRLEN || nlh->nlmsg_len + need > cap)
		return false;
	memset(mnl_nlmsg_get_payload_tail(nlh), 0, need);
	mnl_attr_put(nlh, type, len, data);
	return true;
}

static struct nlmsghdr *
addr_start(void *buf, size_t cap, uint16_t type,
	   uint16_t flags, uint32_t seq, int ifindex,
	   const struct nl_addr *a)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	if (ifindex <= 0 || !addr_ok(a))
		return NULL;
	nlh = msg_start(buf, cap, type, flags, seq, sizeof(*ifa));
	if (nlh == NULL)
		return NULL;
	ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_family = (uint8_t)a->family;
	ifa->ifa_prefixlen = a->prefixlen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	return nlh;
}

int
nl_msg_addr_new(void *buf, size_t cap, uint32_t seq, int ifindex,
		const struct nl_addr *a, uint32_t lifetime_s)
{
	return nl_msg_addr_install(buf, cap, seq, ifindex, a, lifetime_s,
				   true, 0);
}

int
nl_msg_addr_install(void *buf, size_t cap, uint32_t seq, int ifindex,
		    const struct nl_addr *a, uint32_t lifetime_s,
		    bool replace, uint8_t proto)
{
	struct nlmsghdr *nlh;
	size_t alen = addr_len(a->family);
	uint32_t flags = IFA_F_NODAD;
	bool ok = true;

	nlh = addr_start(buf, cap, RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK |
			 NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL),
			 seq, ifindex, a);
	if (nlh == NULL)
		return -1;
	if (a->family == AF_INET) {
		ok = ok && put_attr(nlh, cap, IFA_LOCAL, alen, a->addr);
		ok = ok && put_attr(nlh, cap, IFA_ADDRESS, alen, a->addr);
	} else {
		/* The u8 ifa_flags too, for kernels without IFA_FLAGS. */
		struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);

		ifa->ifa_flags = IFA_F_NODAD;
		ok = ok && put_attr(nlh, cap, IFA_ADDRESS, alen, a->addr);
		ok = ok && put_attr(nlh, cap, IFA_FLAGS, sizeof(flags),
				    &flags);
	}
	if (lifetime_s > 0) {
		struct ifa_cacheinfo ci = {
			.ifa_prefered = lifetime_s,
			.ifa_valid = lifetime_s,
		};

		ok = ok && put_attr(nlh, cap, IFA_CACHEINFO, sizeof(ci), &ci);
	}
	/* Kernels before 6.1 ignore the unknown attribute. */
	if (proto != 0)
		ok = ok && put_attr(nlh, cap, IFA_PROTO, sizeof(proto), &proto);
	return ok ? (int)nlh->nlmsg_len : -1;
}

int
nl_msg_addr_del(void *buf, size_t cap, uint32_t seq, int ifindex,
		const struct nl_addr *a)
{
	struct nlmsghdr *nlh;

	nlh = addr_start(buf, cap, RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK,
			 seq, ifindex, a);
	if (nlh == NULL)
		return -1;
	/*
	 * IPv4 names the address by IFA_LOCAL and IFA_ADDRESS, so the kernel
	 * also requires the prefix length to match: an address of the same
	 * value with another prefix (someone else's) is never the one
	 * deleted. IPv6 addresses are unique per link anyway.
	 */
	if (!put_attr(nlh, cap, IFA_ADDRESS, addr_len(a->family), a->addr))
		return -1;
	if (a->family == AF_INET &&
	    !put_attr(nlh, cap, IFA_LOCAL, addr_len(a->family), a->addr))
		return -1;
	return (int)nlh->nlmsg_len;
}

int
nl_msg_addr_dump(void *buf, size_t cap, uint32_t seq, int family,
		 int ifindex)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	if (addr_len(family) == 0 || ifindex < 0)
		return -1;
	nlh = msg_start(buf, cap, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP,
			seq, sizeof(*ifa));
	if (nlh == NULL)
		return -1;
	ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_family = (uint8_t)family;
	/* Honoured by the kernel on a socket with NETLINK_GET_STRICT_CHK. */
	ifa->ifa_index = (uint32_t)ifindex;
	return (int)nlh->nlmsg_len;
}

int
nl_msg_link_get(void *buf, size_t cap, uint32_t seq, const char *ifname)
{
	struct nlmsghdr *nlh;
	size_t n = strnlen(ifname, NL_IFNAMSIZ);

	if (n == 0 || n >= NL_IFNAMSIZ)
		return -1;
	nlh = msg_start(buf, cap, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, seq,
			sizeof(struct ifinfomsg));
	if (nlh == NULL)
		return -1;
	if (!put_attr(nlh, cap, IFLA_IFNAME, n + 1, ifname))
		return -1;
	return (int)nlh->nlmsg_len;
}

int
nl_msg_macvlan_new(void *buf, size_t cap, uint32_t seq, const char *ifname,
		   int link, const uint8_t mac[6], uint32_t mode)
{
	static const char kind[] = "macvlan";
	struct nlmsghdr *nlh;
	struct nlattr *info, *data;
	size_t n = strnlen(ifname, NL_IFNAMSIZ);
	uint32_t lk = (uint32_t)link;

	if (n == 0 || n >= NL_IFNAMSIZ || link <= 0)
		return -1;
	nlh = msg_start(buf, cap, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK |
			NLM_F_CREATE | NLM_F_EXCL, seq,
			sizeof(struct ifinfomsg));
	if (nlh == NULL || !put_attr(nlh, cap, IFLA_IFNAME, n + 1, ifname) ||
	    !put_attr(nlh, cap, IFLA_LINK, sizeof(lk), &lk) ||
	    !put_attr(nlh, cap, IFLA_ADDRESS, 6, mac))
		return -1;
	/* Nest headers are 4 bytes: aligned, nothing to pad. */
	info = mnl_attr_nest_start_check(nlh, cap, IFLA_LINKINFO);
	if (info == NULL ||
	    !put_attr(nlh, cap, IFLA_INFO_KIND, sizeof(kind) - 1, kind))
		return -1;
	data = mnl_attr_nest_start_check(nlh, cap, IFLA_INFO_DATA);
	if (data == NULL ||
	    !put_attr(nlh, cap, IFLA_MACVLAN_MODE, sizeof(mode), &mode))
		return -1;
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return (int)nlh->nlmsg_len;
}

int
nl_msg_link_set(void *buf, size_t cap, uint32_t seq, int ifindex, bool up)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (ifindex <= 0)
		return -1;
	nlh = msg_start(buf, cap, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq,
			sizeof(*ifi));
	if (nlh == NULL)
		return -1;
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_index = ifindex;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return (int)nlh->nlmsg_len;
}

int
nl_msg_link_del(void *buf, size_t cap, uint32_t seq, int ifindex)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (ifindex <= 0)
		return -1;
	nlh = msg_start(buf, cap, RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, seq,
			sizeof(*ifi));
	if (nlh == NULL)
		return -1;
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_index = ifindex;
	return (int)nlh->nlmsg_len;
}

/* ---- parsers ----------------------------------------------------------- */

/*
 * Check that the attributes after a fixed header of off bytes tile the
 * message exactly. libmnl's walk bounds itself by the aligned message
 * length, which may reach past an unpadded last message; this check keeps
 * every attribute it will visit inside nlmsg_len.
 */
static bool
attrs_fit(const struct nlmsghdr *nlh, size_t off)
{
	const struct nlattr *attr = mnl_nlmsg_get_payload_offset(nlh, off);
	int rem = (int)(nlh->nlmsg_len - MNL_NLMSG_HDRLEN - off);

	while (rem > 0) {
		if (!mnl_attr_ok(attr, rem))
			return false;
		rem -= MNL_ALIGN(attr->nla_len);
		attr = mnl_attr_next(attr);
	}
	return true;
}

/* Fixed header present and attributes well framed. */
static bool
body_ok(const struct nlmsghdr *nlh, size_t fixed)
{
	return mnl_nlmsg_get_payload_len(nlh) >= fixed &&
	       attrs_fit(nlh, fixed);
}

/* The attributes inside a nest tile it exactly (as attrs_fit()). */
static bool
attrs_fit_nest(const struct nlattr *nest)
{
	const struct nlattr *attr = mnl_attr_get_payload(nest);
	int rem = (int)mnl_attr_get_payload_len(nest);

	while (rem > 0) {
		if (!mnl_attr_ok(attr, rem))
			return false;
		rem -= MNL_ALIGN(attr->nla_len);
		attr = mnl_attr_next(attr);
	}
	return true;
}

static int
link_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	switch (type) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0 ||
		    mnl_attr_get_payload_len(attr) > NL_IFNAMSIZ)
			return MNL_CB_ERROR;
		break;
	case IFLA_ADDRESS:
		break;
	case IFLA_LINK:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		break;
	case IFLA_LINKINFO:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		break;
	default:
		return MNL_CB_OK;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

/*
 * The link's kind from IFLA_LINKINFO. Only IFLA_INFO_KIND is read; the
 * kernel sends it NUL-terminated, but a missing NUL is tolerated.
 */
static int
link_kind(const struct nlattr *info, struct nl_event *ev)
{
	const struct nlattr *a;

	if (!attrs_fit_nest(info))
		return -1;
	mnl_attr_for_each_nested(a, info) {
		size_t n;

		if (mnl_attr_get_type(a) != IFLA_INFO_KIND)
			continue;
		n = strnlen(mnl_attr_get_payload(a),
			    mnl_attr_get_payload_len(a));
		if (n >= sizeof(ev->kind))
			return -1;
		memcpy(ev->kind, mnl_attr_get_payload(a), n);
		ev->kind[n] = '\0';
	}
	return 0;
}

static int
parse_link(const struct nlmsghdr *nlh, struct nl_event *ev)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { NULL };
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (!body_ok(nlh, sizeof(*ifi)) ||
	    mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, tb) != MNL_CB_OK)
		return -1;
	ev->type = nlh->nlmsg_type == RTM_NEWLINK ? NL_EV_LINK
						  : NL_EV_LINK_DEL;
	ev->ifindex = ifi->ifi_index;
	ev->flags = ifi->ifi_flags;
	ev->up = (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING);
	if (tb[IFLA_IFNAME] != NULL)
		strcpy(ev->ifname, mnl_attr_get_str(tb[IFLA_IFNAME]));
	if (tb[IFLA_LINK] != NULL)
		ev->link = (int)mnl_attr_get_u32(tb[IFLA_LINK]);
	if (tb[IFLA_LINKINFO] != NULL && link_kind(tb[IFLA_LINKINFO], ev) < 0)
		return -1;
	if (tb[IFLA_ADDRESS] != NULL &&
	    mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == sizeof(ev->mac)) {
		memcpy(ev->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]),
		       sizeof(ev->mac));
		ev->has_mac = true;
	}
	return 0;
}

struct addr_tb {
	size_t alen;
	const struct nlattr *tb[IFA_MAX + 1];
};

static int
addr_attr_cb(const struct nlattr *attr, void *data)
{
	struct addr_tb *t = data;
	uint16_t type = mnl_attr_get_type(attr);
	int rc;

	switch (type) {
	case IFA_ADDRESS:
	case IFA_LOCAL:
		rc = mnl_attr_validate2(attr, MNL_TYPE_BINARY, t->alen);
		break;
	case IFA_CACHEINFO:
		rc = mnl_attr_validate2(attr, MNL_TYPE_BINARY,
					sizeof(struct ifa_cacheinfo));
		break;
	case IFA_FLAGS:
		rc = mnl_attr_validate(attr, MNL_TYPE_U32);
		break;
	case IFA_PROTO:
		rc = mnl_attr_validate(attr, MNL_TYPE_U8);
		break;
	default:
		return MNL_CB_OK;
	}
	if (rc < 0)
		return MNL_CB_ERROR;
	t->tb[type] = attr;
	return MNL_CB_OK;
}

/* Returns 1 for an event, 0 for a family we skip, -1 if malformed. */
static int
parse_addr(const struct nlmsghdr *nlh, struct nl_event *ev)
{
	struct addr_tb t = { 0 };
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	if (!body_ok(nlh, sizeof(*ifa)))
		return -1;
	t.alen = addr_len(ifa->ifa_family);
	if (t.alen == 0)
		return 0;
	if (ifa->ifa_prefixlen > t.alen * 8 || ifa->ifa_index > INT_MAX ||
	    mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, &t) != MNL_CB_OK)
		return -1;
	a = t.tb[IFA_LOCAL] != NULL ? t.tb[IFA_LOCAL] : t.tb[IFA_ADDRESS];
	if (a == NULL)
		return -1;
	ev->type = nlh->nlmsg_type == RTM_NEWADDR ? NL_EV_ADDR_NEW
						  : NL_EV_ADDR_DEL;
	ev->ifindex = (int)ifa->ifa_index;
	ev->addr.family = ifa->ifa_family;
	ev->addr.prefixlen = ifa->ifa_prefixlen;
	memcpy(ev->addr.addr, mnl_attr_get_payload(a), t.alen);
	ev->scope = ifa->ifa_scope;
	ev->addr_flags = t.tb[IFA_FLAGS] != NULL ?
			 mnl_attr_get_u32(t.tb[IFA_FLAGS]) : ifa->ifa_flags;
	if (t.tb[IFA_PROTO] != NULL)
		ev->proto = mnl_attr_get_u8(t.tb[IFA_PROTO]);
	ev->valid_lft = NL_LFT_FOREVER;
	ev->preferred_lft = NL_LFT_FOREVER;
	if (t.tb[IFA_CACHEINFO] != NULL) {
		struct ifa_cacheinfo ci;

		memcpy(&ci, mnl_attr_get_payload(t.tb[IFA_CACHEINFO]),
		       sizeof(ci));
		ev->valid_lft = ci.ifa_valid;
		ev->preferred_lft = ci.ifa_prefered;
	}
	return 1;
}

/* Read a kernel error code: 0 or -errno. false if out of range. */
static bool
errcode(const void *p, int *out)
{
	int e;

	memcpy(&e, p, sizeof(e));
	if (e > 0 || e < -NL_MAX_ERRNO)
		return false;
	*out = -e;
	return true;
}

static int
parse_ctl(const struct nlmsghdr *nlh, const struct nl_msg_ops *ops,
	  void *arg)
{
	struct nl_ctl c = {
		.seq = nlh->nlmsg_seq,
		.dump_intr = (nlh->nlmsg_flags & NLM_F_DUMP_INTR) != 0,
	};
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	const void *p = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		if (plen < sizeof(struct nlmsgerr) || !errcode(p, &c.error))
			return -1;
		c.type = c.error == 0 ? NL_CTL_ACK : NL_CTL_ERROR;
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		/* Old kernels may send DONE without the int. */
		if (plen >= sizeof(int) && !errcode(p, &c.error))
			return -1;
		c.type = NL_CTL_DONE;
	} else {
		return 0;	/* NOOP, OVERRUN: nothing to report */
	}
	if (ops->ctl != NULL)
		ops->ctl(&c, arg);
	return 0;
}

static int
parse_one(const struct nlmsghdr *nlh, const struct nl_msg_ops *ops,
	  void *arg)
{
	struct nl_event ev = { 0 };
	int rc;

	if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
		return parse_ctl(nlh, ops, arg);
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		rc = parse_link(nlh, &ev) < 0 ? -1 : 1;
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		rc = parse_addr(nlh, &ev);
		break;
	default:
		return 0;
	}
	if (rc <= 0)
		return rc;
	ev.seq = nlh->nlmsg_seq;
	ev.dump_intr = (nlh->nlmsg_flags & NLM_F_DUMP_INTR) != 0;
	if (ops->event != NULL)
		ops->event(&ev, arg);
	return 0;
}

int
nl_msg_parse(const void *buf, size_t len, const struct nl_msg_ops *ops,
	     void *arg)
{
	static const struct nl_msg_ops none;
	const uint8_t *p = buf;
	size_t step;

	if (ops == NULL)
		ops = &none;
	if (len > INT_MAX)
		return -1;
	/* Framing is checked here in size_t, not by mnl_nlmsg_ok(). */
	while (len > 0) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)p;

		if (len < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) ||
		    nlh->nlmsg_len > len)
			return -1;
		if (parse_one(nlh, ops, arg) < 0)
			return -1;
		step = MNL_ALIGN(nlh->nlmsg_len);
		if (step > len)
			step = len;
		p += step;
		len -= step;
	}
	return 0;
}

bool
nl_addr_equal(const struct nl_addr *a, const struct nl_addr *b)
{
	size_t alen = addr_len(a->family);

	return a->family == b->family && alen != 0 &&
	       memcmp(a->addr, b->addr, alen) == 0;
}
