/* SPDX-License-Identifier: ISC */
/* Unit tests for the route, rule and address-option builders (no root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "netlink/nl_msg.h"
#include "netlink/nl_route.h"

#define SEQ 77u

static _Alignas(4) uint8_t buf[1024];

/* Attributes of a built message, by type (last one wins). */
struct seen {
	const struct nlattr *a[64];
	int count;
};

static void
scan(const struct nlmsghdr *nlh, size_t hdr, struct seen *s)
{
	const struct nlattr *attr;

	memset(s, 0, sizeof(*s));
	mnl_attr_for_each(attr, nlh, hdr) {
		uint16_t t = mnl_attr_get_type(attr);

		assert_true(mnl_attr_ok(attr, (int)((const char *)
		    mnl_nlmsg_get_payload_tail(nlh) - (const char *)attr)));
		assert_true(t < 64);
		s->a[t] = attr;
		s->count++;
	}
}

static void
assert_attr(const struct seen *s, uint16_t t, const void *want, size_t len)
{
	assert_non_null(s->a[t]);
	assert_int_equal(mnl_attr_get_payload_len(s->a[t]), len);
	assert_memory_equal(mnl_attr_get_payload(s->a[t]), want, len);
}

static uint32_t
attr32(const struct seen *s, uint16_t t)
{
	assert_non_null(s->a[t]);
	assert_int_equal(mnl_attr_get_payload_len(s->a[t]), 4);
	return mnl_attr_get_u32(s->a[t]);
}

static struct nl_route
src_route(void)
{
	struct nl_route r = {
		.family = AF_INET, .dst = { 198, 51, 100, 0 }, .dst_len = 24,
		.has_src = true, .src = { 203, 0, 113, 100 },
		.has_gw = true, .gw = { 203, 0, 113, 254 }, .ifindex = 3,
	};

	return r;
}

static void
test_route_add(void **state)
{
	struct nl_route r = src_route();
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	uint32_t oif = 3;
	struct seen s;
	int len;

	(void)state;
	memset(buf, 0xaa, sizeof(buf));
	len = nl_msg_route(buf, sizeof(buf), SEQ, true, &r, NL_PROTO_VIPD);
	assert_true(len > 0);
	assert_int_equal(nlh->nlmsg_len, len);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWROUTE);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK |
	    NLM_F_CREATE);
	assert_int_equal(nlh->nlmsg_seq, SEQ);
	assert_int_equal(rtm->rtm_family, AF_INET);
	assert_int_equal(rtm->rtm_dst_len, 24);
	assert_int_equal(rtm->rtm_protocol, 118);
	assert_int_equal(rtm->rtm_type, RTN_UNICAST);
	assert_int_equal(rtm->rtm_table, RT_TABLE_MAIN);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(rtm->rtm_flags, 0);
	scan(nlh, sizeof(*rtm), &s);
	assert_attr(&s, RTA_DST, r.dst, 4);
	assert_attr(&s, RTA_PREFSRC, r.src, 4);
	assert_attr(&s, RTA_GATEWAY, r.gw, 4);
	assert_attr(&s, RTA_OIF, &oif, 4);
	assert_int_equal(attr32(&s, RTA_TABLE), RT_TABLE_MAIN);
	assert_null(s.a[RTA_PRIORITY]);
	assert_null(s.a[RTA_METRICS]);
	assert_int_equal(s.count, 5);
}

static void
test_route_del_matches_protocol(void **state)
{
	struct nl_route r = src_route();
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct seen s;

	(void)state;
	r.has_metric = true;
	r.metric = 50;
	r.mtu = 1400;		/* never part of a delete */
	r.scope = RT_SCOPE_UNIVERSE;
	assert_true(nl_msg_route(buf, sizeof(buf), SEQ, false, &r,
	    NL_PROTO_VIPD) > 0);
	assert_int_equal(nlh->nlmsg_type, RTM_DELROUTE);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(rtm->rtm_protocol, NL_PROTO_VIPD);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_NOWHERE);
	scan(nlh, sizeof(*rtm), &s);
	assert_int_equal(attr32(&s, RTA_PRIORITY), 50);
	assert_null(s.a[RTA_METRICS]);
}

static void
test_route_table_metrics_ipv6(void **state)
{
	struct nl_route r = {
		.family = AF_INET6, .dst = { 0x20, 0x01, 0x0d, 0xb8, 0, 1 },
		.dst_len = 48, .ifindex = 2, .table = 1000, .mtu = 1280,
		.onlink = true, .append = true,
	};
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *m;
	struct seen s;

	(void)state;
	assert_int_equal(nl_route_scope(&r), RT_SCOPE_LINK);
	r.scope = nl_route_scope(&r);
	assert_true(nl_msg_route(buf, sizeof(buf), SEQ, true, &r, 9) > 0);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK |
	    NLM_F_CREATE | NLM_F_APPEND);
	assert_int_equal(rtm->rtm_table, RT_TABLE_UNSPEC);
	assert_int_equal(rtm->rtm_protocol, 9);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_LINK);
	assert_int_equal(rtm->rtm_flags, RTNH_F_ONLINK);
	scan(nlh, sizeof(*rtm), &s);
	assert_int_equal(attr32(&s, RTA_TABLE), 1000);
	assert_attr(&s, RTA_DST, r.dst, 16);
	assert_non_null(s.a[RTA_METRICS]);
	m = mnl_attr_get_payload(s.a[RTA_METRICS]);
	assert_int_equal(mnl_attr_get_type(m), RTAX_MTU);
	assert_int_equal(mnl_attr_get_u32(m), 1280);
}

static void
test_route_special_and_invalid(void **state)
{
	struct nl_route r = { .family = AF_INET, .dst = { 192, 0, 2, 0 },
			      .dst_len = 24, .type = RTN_BLACKHOLE };
	struct nl_route bad;

	(void)state;
	assert_int_equal(nl_route_scope(&r), RT_SCOPE_UNIVERSE);
	assert_true(nl_msg_route(buf, sizeof(buf), SEQ, true, &r, 1) > 0);
	bad = r;
	bad.has_gw = true;		/* a blackhole goes nowhere */
	assert_int_equal(nl_msg_route(buf, sizeof(buf), SEQ, true, &bad, 1),
	    -1);
	bad = r;
	bad.dst_len = 16;		/* host bits under the prefix */
	assert_int_equal(nl_msg_route(buf, sizeof(buf), SEQ, true, &bad, 1),
	    -1);
	bad = r;
	bad.dst_len = 33;
	assert_int_equal(nl_msg_route(buf, sizeof(buf), SEQ, true, &bad, 1),
	    -1);
	bad = r;
	bad.type = RTN_UNICAST;		/* neither gateway nor device */
	assert_int_equal(nl_msg_route(buf, sizeof(buf), SEQ, true, &bad, 1),
	    -1);
	bad.family = AF_UNIX;
	assert_int_equal(nl_msg_route(buf, sizeof(buf), SEQ, false, &bad, 1),
	    -1);
	/* Default route: no RTA_DST at all. */
	r = src_route();
	memset(r.dst, 0, sizeof(r.dst));
	r.dst_len = 0;
	assert_true(nl_msg_route(buf, sizeof(buf), SEQ, true, &r, 1) > 0);
	{
		struct seen s;

		scan((const void *)buf, sizeof(struct rtmsg), &s);
		assert_null(s.a[RTA_DST]);
	}
}

static void
test_short_buffers(void **state)
{
	struct nl_route r = src_route();
	struct nl_rule u = { .family = AF_INET, .has_src = true,
			     .src = { 203, 0, 113, 100 }, .src_len = 32,
			     .table = 100, .iif = "eth0" };
	int full, n;
	size_t cap;

	(void)state;
	r.mtu = 1500;
	full = nl_msg_route(buf, sizeof(buf), SEQ, true, &r, 1);
	assert_true(full > 0);
	for (cap = 0; cap < (size_t)full; cap++)
		assert_int_equal(nl_msg_route(buf, cap, SEQ, true, &r, 1), -1);
	full = nl_msg_rule(buf, sizeof(buf), SEQ, true, &u, 1);
	assert_true(full > 0);
	for (cap = 0; cap < (size_t)full; cap++)
		assert_int_equal(nl_msg_rule(buf, cap, SEQ, true, &u, 1), -1);
	n = nl_msg_rule(buf, (size_t)full, SEQ, true, &u, 1);
	assert_int_equal(n, full);
}

static void
test_rule(void **state)
{
	struct nl_rule u = {
		.family = AF_INET, .has_src = true, .src = { 203, 0, 113, 0 },
		.src_len = 24, .has_dst = true, .dst = { 198, 51, 100, 0 },
		.dst_len = 24, .table = 1000, .has_priority = true,
		.priority = 100, .iif = "eth0", .oif = "eth1",
		.has_fwmark = true, .fwmark = 24, .fwmask = 12,
	};
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	uint8_t proto = NL_PROTO_VIPD;
	struct seen s;

	(void)state;
	assert_true(nl_msg_rule(buf, sizeof(buf), SEQ, true, &u,
	    NL_PROTO_VIPD) > 0);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWRULE);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK |
	    NLM_F_CREATE | NLM_F_EXCL);
	assert_int_equal(frh->family, AF_INET);
	assert_int_equal(frh->src_len, 24);
	assert_int_equal(frh->dst_len, 24);
	assert_int_equal(frh->action, FR_ACT_TO_TBL);
	assert_int_equal(frh->table, RT_TABLE_UNSPEC);
	scan(nlh, sizeof(*frh), &s);
	assert_attr(&s, FRA_SRC, u.src, 4);
	assert_attr(&s, FRA_DST, u.dst, 4);
	assert_int_equal(attr32(&s, FRA_PRIORITY), 100);
	assert_int_equal(attr32(&s, FRA_TABLE), 1000);
	assert_int_equal(attr32(&s, FRA_FWMARK), 24);
	assert_int_equal(attr32(&s, FRA_FWMASK), 12);
	assert_attr(&s, FRA_IIFNAME, "eth0", 5);
	assert_attr(&s, FRA_OIFNAME, "eth1", 5);
	assert_attr(&s, FRA_PROTOCOL, &proto, 1);
	/* Delete: same identity, no create flags. */
	u.has_fwmark = false;
	u.iif[0] = u.oif[0] = '\0';
	u.table = 7;
	assert_true(nl_msg_rule(buf, sizeof(buf), SEQ, false, &u,
	    NL_PROTO_VIPD) > 0);
	assert_int_equal(nlh->nlmsg_type, RTM_DELRULE);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(frh->table, 7);
	scan(nlh, sizeof(*frh), &s);
	assert_null(s.a[FRA_FWMARK]);
	assert_null(s.a[FRA_IIFNAME]);
	assert_attr(&s, FRA_PROTOCOL, &proto, 1);
	/* A blackhole rule names no table; host bits are refused. */
	u.action = FR_ACT_BLACKHOLE;
	assert_true(nl_msg_rule(buf, sizeof(buf), SEQ, true, &u, 1) > 0);
	scan(nlh, sizeof(*frh), &s);
	assert_null(s.a[FRA_TABLE]);
	u.src_len = 16;
	assert_int_equal(nl_msg_rule(buf, sizeof(buf), SEQ, true, &u, 1), -1);
}

static void
test_addr_opts_ipv4(void **state)
{
	const struct nl_addr a = { AF_INET, { 203, 0, 113, 100 }, 24 };
	const struct nl_addr_opts o = {
		.scope = RT_SCOPE_LINK, .has_brd = true,
		.brd = { 203, 0, 113, 255 }, .label = "eth0:mx",
		.flags = IFA_F_NOPREFIXROUTE, .proto = 0x76, .excl = true,
	};
	uint8_t proto = 0x76;
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct seen s;
	int len;

	(void)state;
	len = nl_msg_addr_new(buf, sizeof(buf), SEQ, 4, &a, 0);
	assert_true(len > 0);
	len = nl_msg_addr_opts(buf, sizeof(buf), &o);
	assert_true(len > 0);
	assert_int_equal(nlh->nlmsg_len, len);
	assert_int_equal(ifa->ifa_scope, RT_SCOPE_LINK);
	scan(nlh, sizeof(*ifa), &s);
	assert_attr(&s, IFA_LOCAL, a.addr, 4);
	assert_attr(&s, IFA_ADDRESS, a.addr, 4);
	assert_attr(&s, IFA_BROADCAST, o.brd, 4);
	assert_attr(&s, IFA_LABEL, "eth0:mx", 8);
	assert_true(attr32(&s, IFA_FLAGS) & IFA_F_NOPREFIXROUTE);
	assert_attr(&s, IFA_PROTO, &proto, 1);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK |
	    NLM_F_CREATE | NLM_F_EXCL);
	/* Too small a buffer for the additions. */
	len = nl_msg_addr_new(buf, sizeof(buf), SEQ, 4, &a, 0);
	assert_int_equal(nl_msg_addr_opts(buf, (size_t)len + 8, &o), -1);
}

static void
test_addr_opts_peer(void **state)
{
	const struct nl_addr a4 = { AF_INET, { 203, 0, 113, 100 }, 32 };
	const struct nl_addr a6 = { AF_INET6, { 0x20, 0x01, 0x0d, 0xb8,
					[15] = 1 }, 128 };
	struct nl_addr_opts o = { .has_peer = true,
				  .peer = { 203, 0, 113, 1 } };
	const struct nlmsghdr *nlh = (const void *)buf;
	struct seen s;
	uint32_t fl;

	(void)state;
	/* Delete of an IPv4 point-to-point address names its peer. */
	assert_true(nl_msg_addr_del(buf, sizeof(buf), SEQ, 4, &a4) > 0);
	assert_true(nl_msg_addr_opts(buf, sizeof(buf), &o) > 0);
	scan(nlh, sizeof(struct ifaddrmsg), &s);
	assert_attr(&s, IFA_LOCAL, a4.addr, 4);
	assert_attr(&s, IFA_ADDRESS, o.peer, 4);
	assert_null(s.a[IFA_BROADCAST]);
	assert_null(s.a[IFA_PROTO]);
	/* IPv6 add: IFA_ADDRESS becomes the peer, IFA_LOCAL the address;
	 * the flags join NODAD. */
	memset(o.peer, 0, sizeof(o.peer));
	memcpy(o.peer, a6.addr, 16);
	o.peer[15] = 2;
	o.flags = IFA_F_HOMEADDRESS;
	assert_true(nl_msg_addr_new(buf, sizeof(buf), SEQ, 4, &a6, 9) > 0);
	assert_true(nl_msg_addr_opts(buf, sizeof(buf), &o) > 0);
	scan(nlh, sizeof(struct ifaddrmsg), &s);
	assert_attr(&s, IFA_LOCAL, a6.addr, 16);
	assert_attr(&s, IFA_ADDRESS, o.peer, 16);
	fl = attr32(&s, IFA_FLAGS);
	assert_int_equal(fl, IFA_F_NODAD | IFA_F_HOMEADDRESS);
	assert_non_null(s.a[IFA_CACHEINFO]);
	/* Not an address message. */
	assert_true(nl_msg_link_get(buf, sizeof(buf), SEQ, "eth0") > 0);
	assert_int_equal(nl_msg_addr_opts(buf, sizeof(buf), &o), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_add),
		cmocka_unit_test(test_route_del_matches_protocol),
		cmocka_unit_test(test_route_table_metrics_ipv6),
		cmocka_unit_test(test_route_special_and_invalid),
		cmocka_unit_test(test_short_buffers),
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_addr_opts_ipv4),
		cmocka_unit_test(test_addr_opts_peer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
