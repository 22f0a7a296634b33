/* SPDX-License-Identifier: ISC */
/* Unit tests for the pure rtnetlink builders and parser (no root needed). */
#include "tests/unit/nlmsg_fixture.h"

static const struct nl_addr vip4 = { AF_INET, { 203, 0, 113, 5 }, 24 };
static const struct nl_addr vip6 = {
	AF_INET6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x05 }, 64
};

static void
mb_addr4(struct mb *m)
{
	mb_ifa(m, RTM_NEWADDR, 0, AF_INET, 24, 0, 2);
	mb_attr(m, IFA_ADDRESS, vip4.addr, 4);
}

static const uint8_t new4_golden[] = {
	H32(60), H16(RTM_NEWADDR), H16(0x505), H32(SEQ), H32(0),
	AF_INET, 24, 0, RT_SCOPE_UNIVERSE, H32(7),
	H16(8), H16(IFA_LOCAL), 203, 0, 113, 5,
	H16(8), H16(IFA_ADDRESS), 203, 0, 113, 5,
	H16(20), H16(IFA_CACHEINFO), H32(3), H32(3), H32(0), H32(0),
};

static const uint8_t new6_golden[] = {
	H32(72), H16(RTM_NEWADDR), H16(0x505), H32(SEQ), H32(0),
	AF_INET6, 64, IFA_F_NODAD, RT_SCOPE_UNIVERSE, H32(9),
	H16(20), H16(IFA_ADDRESS), 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 5,
	H16(8), H16(IFA_FLAGS), H32(IFA_F_NODAD),
	H16(20), H16(IFA_CACHEINFO), H32(10), H32(10), H32(0), H32(0),
};

/* Exclusive (never rewrites an address that exists), vipd's IFA_PROTO. */
static const uint8_t install4_golden[] = {
	H32(68), H16(RTM_NEWADDR), H16(0x605), H32(SEQ), H32(0),
	AF_INET, 24, 0, RT_SCOPE_UNIVERSE, H32(7),
	H16(8), H16(IFA_LOCAL), 203, 0, 113, 5,
	H16(8), H16(IFA_ADDRESS), 203, 0, 113, 5,
	H16(20), H16(IFA_CACHEINFO), H32(3), H32(3), H32(0), H32(0),
	H16(5), H16(IFA_PROTO), 0x76, 0, 0, 0,
};

/* IFA_ADDRESS with the prefix length: only that exact address goes. */
static const uint8_t del4_golden[] = {
	H32(40), H16(RTM_DELADDR), H16(NLM_F_REQUEST | NLM_F_ACK), H32(SEQ),
	H32(0), AF_INET, 24, 0, RT_SCOPE_UNIVERSE, H32(7),
	H16(8), H16(IFA_ADDRESS), 203, 0, 113, 5,
	H16(8), H16(IFA_LOCAL), 203, 0, 113, 5,
};

static const uint8_t del6_golden[] = {
	H32(44), H16(RTM_DELADDR), H16(NLM_F_REQUEST | NLM_F_ACK), H32(SEQ),
	H32(0), AF_INET6, 64, 0, RT_SCOPE_UNIVERSE, H32(9),
	H16(20), H16(IFA_ADDRESS), 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 5,
};

static const uint8_t dump_golden[] = {
	H32(24), H16(RTM_GETADDR), H16(NLM_F_REQUEST | NLM_F_DUMP), H32(SEQ),
	H32(0), AF_INET6, 0, 0, 0, H32(0),
};

/* One link's addresses (the kernel filters with NETLINK_GET_STRICT_CHK). */
static const uint8_t dump9_golden[] = {
	H32(24), H16(RTM_GETADDR), H16(NLM_F_REQUEST | NLM_F_DUMP), H32(SEQ),
	H32(0), AF_INET, 0, 0, 0, H32(9),
};

/* The name's padding must be zero whatever the buffer held. */
static const uint8_t link_golden[] = {
	H32(44), H16(RTM_GETLINK), H16(NLM_F_REQUEST | NLM_F_ACK), H32(SEQ),
	H32(0), AF_UNSPEC, 0, H16(0), H32(0), H32(0), H32(0),
	H16(10), H16(IFLA_IFNAME), 'v', 'e', 't', 'h', '0', 0, 0, 0,
};

static const struct {
	const uint8_t *bytes;
	size_t len;
} goldens[] = {
	{ new4_golden, sizeof(new4_golden) },
	{ new6_golden, sizeof(new6_golden) },
	{ del4_golden, sizeof(del4_golden) },
	{ del6_golden, sizeof(del6_golden) },
	{ dump_golden, sizeof(dump_golden) },
	{ link_golden, sizeof(link_golden) },
	{ install4_golden, sizeof(install4_golden) },
	{ dump9_golden, sizeof(dump9_golden) },
};

static int
build(size_t which, void *b, size_t cap)
{
	switch (which) {
	case 0:
		return nl_msg_addr_new(b, cap, SEQ, 7, &vip4, 3);
	case 1:
		return nl_msg_addr_new(b, cap, SEQ, 9, &vip6, 10);
	case 2:
		return nl_msg_addr_del(b, cap, SEQ, 7, &vip4);
	case 3:
		return nl_msg_addr_del(b, cap, SEQ, 9, &vip6);
	case 4:
		return nl_msg_addr_dump(b, cap, SEQ, AF_INET6, 0);
	case 5:
		return nl_msg_link_get(b, cap, SEQ, "veth0");
	case 6:
		return nl_msg_addr_install(b, cap, SEQ, 7, &vip4, 3, false,
					   0x76);
	default:
		return nl_msg_addr_dump(b, cap, SEQ, AF_INET, 9);
	}
}

/*
 * Each builder writes its golden bytes exactly, into a buffer of stale
 * 0xaa; every smaller cap fails and writes nothing past cap.
 */
static void
test_builders_golden(void **state)
{
	_Alignas(4) uint8_t buf[BUFSZ];
	size_t k, cap, i, len;

	(void)state;
	assert_int_equal(NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE |
			 NLM_F_REPLACE, 0x505);
	for (k = 0; k < sizeof(goldens) / sizeof(goldens[0]); k++) {
		len = goldens[k].len;
		memset(buf, 0xaa, sizeof(buf));
		assert_int_equal(build(k, buf, sizeof(buf)), (int)len);
		assert_memory_equal(buf, goldens[k].bytes, len);
		for (cap = 0; cap < len; cap++) {
			memset(buf, 0xaa, sizeof(buf));
			assert_int_equal(build(k, buf, cap), -1);
			for (i = cap; i < sizeof(buf); i++)
				assert_int_equal(buf[i], 0xaa);
		}
		assert_int_equal(build(k, buf, len), (int)len);
		assert_memory_equal(buf, goldens[k].bytes, len);
	}
}

static void
test_builder_variants(void **state)
{
	_Alignas(4) uint8_t buf[BUFSZ];

	(void)state;
	/* Permanent: no IFA_CACHEINFO, nothing else changes. */
	assert_int_equal(nl_msg_addr_new(buf, sizeof(buf), SEQ, 7, &vip4, 0),
			 40);
	assert_int_equal(buf[0], 40);
	assert_memory_equal(buf + 4, new4_golden + 4, 36);
	assert_int_equal(nl_msg_addr_new(buf, sizeof(buf), SEQ, 9, &vip6, 0),
			 52);
	assert_memory_equal(buf + 4, new6_golden + 4, 48);
	/* Names: 15 characters fit IFNAMSIZ, 16 and "" do not. */
	assert_int_equal(nl_msg_link_get(buf, sizeof(buf), 1,
					 "abcdefghijklmno"), 52);
	assert_int_equal(nl_msg_link_get(buf, sizeof(buf), 1,
					 "abcdefghijklmnop"), -1);
	assert_int_equal(nl_msg_link_get(buf, sizeof(buf), 1, ""), -1);
	assert_int_equal(nl_msg_addr_dump(buf, sizeof(buf), 1, AF_UNSPEC, 0),
			 -1);
	assert_int_equal(nl_msg_addr_dump(buf, sizeof(buf), 1, AF_INET, -1),
			 -1);
	/* Replace with a protocol: 0x505 flags, IFA_PROTO last. */
	assert_int_equal(nl_msg_addr_install(buf, sizeof(buf), SEQ, 7, &vip4,
					     3, true, 0x76), 68);
	assert_int_equal(buf[6] | buf[7] << 8, 0x505);
	assert_memory_equal(buf + 8, install4_golden + 8, 60);
}

static void
test_builder_bad_args(void **state)
{
	_Alignas(4) uint8_t buf[BUFSZ];
	struct nl_addr a;

	(void)state;
	a = vip4;
	a.family = AF_UNSPEC;
	assert_int_equal(nl_msg_addr_new(buf, sizeof(buf), 1, 7, &a, 0), -1);
	assert_int_equal(nl_msg_addr_del(buf, sizeof(buf), 1, 7, &a), -1);
	a = vip4;
	a.prefixlen = 33;
	assert_int_equal(nl_msg_addr_new(buf, sizeof(buf), 1, 7, &a, 0), -1);
	a.prefixlen = 32;
	assert_int_equal(nl_msg_addr_new(buf, sizeof(buf), 1, 7, &a, 0), 40);
	a = vip6;
	a.prefixlen = 129;
	assert_int_equal(nl_msg_addr_del(buf, sizeof(buf), 1, 7, &a), -1);
	a.prefixlen = 128;
	assert_int_equal(nl_msg_addr_del(buf, sizeof(buf), 1, 7, &a), 44);
	a = vip4;
	a.prefixlen = 32;
	assert_int_equal(nl_msg_addr_del(buf, sizeof(buf), 1, 7, &a), 40);
	assert_int_equal(buf[17], 32);
	assert_int_equal(nl_msg_addr_new(buf, sizeof(buf), 1, 0, &vip4, 0), -1);
	assert_int_equal(nl_msg_addr_del(buf, sizeof(buf), 1, -3, &vip4), -1);
}

/* ---- parser: round trips and hand-built messages ----------------------- */

static void
test_roundtrip(void **state)
{
	_Alignas(4) uint8_t buf[BUFSZ];
	struct rec r;
	int n;

	(void)state;
	n = nl_msg_addr_new(buf, sizeof(buf), SEQ, 7, &vip4, 3);
	assert_int_equal(parse(buf, (size_t)n, &r), 0);
	assert_int_equal(r.nev, 1);
	assert_int_equal(r.nctl, 0);
	assert_int_equal(r.ev[0].type, NL_EV_ADDR_NEW);
	assert_int_equal(r.ev[0].seq, SEQ);
	assert_int_equal(r.ev[0].ifindex, 7);
	assert_memory_equal(&r.ev[0].addr, &vip4, sizeof(vip4));
	assert_int_equal(r.ev[0].valid_lft, 3);
	assert_int_equal(r.ev[0].preferred_lft, 3);
	assert_int_equal(r.ev[0].addr_flags, 0);
	assert_false(r.ev[0].dump_intr);

	n = nl_msg_addr_new(buf, sizeof(buf), 5, 9, &vip6, 0);
	assert_int_equal(parse(buf, (size_t)n, &r), 0);
	assert_int_equal(r.nev, 1);
	assert_memory_equal(&r.ev[0].addr, &vip6, sizeof(vip6));
	assert_int_equal(r.ev[0].addr_flags, IFA_F_NODAD);
	assert_int_equal(r.ev[0].valid_lft, NL_LFT_FOREVER);
	assert_int_equal(r.ev[0].preferred_lft, NL_LFT_FOREVER);

	assert_int_equal(r.ev[0].proto, 0);

	/* IFA_PROTO is reported; an empty one is malformed. */
	n = nl_msg_addr_install(buf, sizeof(buf), 5, 9, &vip6, 3, false,
				0x76);
	assert_int_equal(parse(buf, (size_t)n, &r), 0);
	assert_int_equal(r.nev, 1);
	assert_int_equal(r.ev[0].proto, 0x76);
	assert_int_equal(r.ev[0].valid_lft, 3);
	buf[n - 8] = 4;			/* nla_len: no payload */
	buf[0] = (uint8_t)(n - 4);	/* nlmsg_len */
	assert_int_equal(parse(buf, (size_t)n - 4, &r), -1);

	n = nl_msg_addr_del(buf, sizeof(buf), 6, 7, &vip4);
	assert_int_equal(parse(buf, (size_t)n, &r), 0);
	assert_int_equal(r.ev[0].type, NL_EV_ADDR_DEL);
	assert_memory_equal(&r.ev[0].addr, &vip4, sizeof(vip4));
	/* A request the parser does not know is skipped, not an error. */
	n = nl_msg_link_get(buf, sizeof(buf), 6, "eth0");
	assert_int_equal(parse(buf, (size_t)n, &r), 0);
	assert_int_equal(r.nev + r.nctl, 0);
	assert_int_equal(nl_msg_parse(buf, 0, &rec_ops, &r), 0);
	assert_int_equal(nl_msg_parse(new4_golden, sizeof(new4_golden), NULL,
				      NULL), 0);
}
static void
test_addr_attrs(void **state)
{
	static const uint8_t peer[4] = { 192, 0, 2, 1 };
	static const uint8_t ll[16] = { 0xfe, 0x80, [15] = 1 };
	struct ifa_cacheinfo ci = { 30, 60, 0, 0 };
	uint32_t fl = IFA_F_NOPREFIXROUTE | IFA_F_PERMANENT;
	struct mb m = { .len = 0 };
	struct rec r;

	(void)state;
	/* Point-to-point: IFA_LOCAL is ours even after IFA_ADDRESS. */
	mb_ifa(&m, RTM_NEWADDR, 0, AF_INET, 32, IFA_F_SECONDARY, 3);
	mb_attr(&m, IFA_ADDRESS, peer, 4);
	mb_attr(&m, IFA_LOCAL, vip4.addr, 4);
	mb_attr(&m, IFA_LABEL, "eth0:1", 7);
	mb_attr(&m, IFA_CACHEINFO, &ci, sizeof(ci));
	mb_end(&m);
	/* IPv6 with IFA_FLAGS overriding the u8 flags. */
	mb_ifa(&m, RTM_DELADDR, 77, AF_INET6, 64, IFA_F_TENTATIVE, 4);
	mb_attr(&m, IFA_ADDRESS, ll, 16);
	mb_attr(&m, IFA_FLAGS, &fl, 4);
	mb_end(&m);
	/* Other families are skipped. */
	mb_ifa(&m, RTM_NEWADDR, 0, AF_PACKET, 0, 0, 4);
	mb_attr(&m, IFA_ADDRESS, ll, 6);
	mb_end(&m);
	assert_int_equal(parse(m.b, m.len, &r), 0);
	assert_int_equal(r.nev, 2);
	assert_int_equal(r.ev[0].type, NL_EV_ADDR_NEW);
	assert_int_equal(r.ev[0].addr.family, AF_INET);
	assert_memory_equal(r.ev[0].addr.addr, vip4.addr, 4);
	assert_int_equal(r.ev[0].addr.addr[4], 0);
	assert_int_equal(r.ev[0].addr.prefixlen, 32);
	assert_int_equal(r.ev[0].addr_flags, IFA_F_SECONDARY);
	assert_int_equal(r.ev[0].scope, RT_SCOPE_LINK);
	assert_int_equal(r.ev[0].ifindex, 3);
	assert_int_equal(r.ev[0].preferred_lft, 30);
	assert_int_equal(r.ev[0].valid_lft, 60);
	assert_int_equal(r.ev[1].type, NL_EV_ADDR_DEL);
	assert_int_equal(r.ev[1].seq, 77);
	assert_memory_equal(r.ev[1].addr.addr, ll, 16);
	assert_int_equal(r.ev[1].addr_flags, fl);
	assert_int_equal(r.ev[1].valid_lft, NL_LFT_FOREVER);
}

static void
test_ctl(void **state)
{
	struct mb m = { .len = 0 };
	struct rec r;
	int e = -EINTR;

	(void)state;
	mb_err(&m, 11, 0);
	mb_ifa(&m, RTM_NEWADDR, 12, AF_INET, 24, 0, 2);
	mb_attr(&m, IFA_ADDRESS, vip4.addr, 4);
	mb_end(&m);
	((struct nlmsghdr *)(m.b + m.start))->nlmsg_flags = NLM_F_DUMP_INTR;
	mb_err(&m, 13, -EADDRNOTAVAIL);
	mb_begin(&m, NLMSG_DONE, NLM_F_MULTI, 14);	/* no payload */
	mb_end(&m);
	mb_begin(&m, NLMSG_DONE, NLM_F_MULTI | NLM_F_DUMP_INTR, 15);
	mb_bytes(&m, &e, sizeof(e));
	mb_end(&m);
	mb_begin(&m, NLMSG_NOOP, 0, 16);
	mb_end(&m);
	mb_begin(&m, RTM_NEWROUTE, 0, 17);
	mb_bytes(&m, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
	mb_end(&m);
	assert_int_equal(parse(m.b, m.len, &r), 0);
	assert_string_equal(r.order, "ceccc");
	assert_int_equal(r.ctl[0].type, NL_CTL_ACK);
	assert_int_equal(r.ctl[0].seq, 11);
	assert_int_equal(r.ctl[0].error, 0);
	assert_int_equal(r.ev[0].seq, 12);
	assert_true(r.ev[0].dump_intr);
	assert_int_equal(r.ctl[1].type, NL_CTL_ERROR);
	assert_int_equal(r.ctl[1].seq, 13);
	assert_int_equal(r.ctl[1].error, EADDRNOTAVAIL);
	assert_int_equal(r.ctl[2].type, NL_CTL_DONE);
	assert_int_equal(r.ctl[2].error, 0);
	assert_false(r.ctl[2].dump_intr);
	assert_int_equal(r.ctl[3].type, NL_CTL_DONE);
	assert_int_equal(r.ctl[3].seq, 15);
	assert_int_equal(r.ctl[3].error, EINTR);
	assert_true(r.ctl[3].dump_intr);
}

/* ---- parser: malformed input ------------------------------------------- */

static void
test_bad_framing(void **state)
{
	struct mb m = { .len = 0 };
	struct rec r;
	size_t k, b1, b2;

	(void)state;
	for (k = 1; k < 16; k++) {	/* shorter than a header */
		memset(m.b, 0x10, k);
		assert_int_equal(parse(m.b, k, &r), -1);
	}
	mb_begin(&m, NLMSG_NOOP, 0, 0);	/* nlmsg_len 0: no hang */
	expect_bad(&m);
	mb_begin(&m, NLMSG_NOOP, 0, 0);
	mb_end(&m);
	((struct nlmsghdr *)m.b)->nlmsg_len = 15;
	expect_bad(&m);
	mb_begin(&m, NLMSG_NOOP, 0, 0);
	mb_end(&m);
	((struct nlmsghdr *)m.b)->nlmsg_len = UINT32_MAX;
	expect_bad(&m);
	/* Every cut of a three-message buffer that is not a boundary fails. */
	mb_err(&m, 1, 0);
	b1 = m.len;
	mb_ifa(&m, RTM_NEWADDR, 2, AF_INET6, 64, 0, 2);
	mb_attr(&m, IFA_ADDRESS, vip6.addr, 16);
	mb_end(&m);
	b2 = m.len;
	mb_err(&m, 3, -ENODEV);
	for (k = 1; k < m.len; k++) {
		int rc = parse(m.b, k, &r);

		assert_int_equal(rc, k == b1 || k == b2 ? 0 : -1);
	}
	/* Earlier messages were reported before the bad one. */
	assert_int_equal(parse(m.b, m.len - 1, &r), -1);
	assert_string_equal(r.order, "ce");
	/* A length beyond INT_MAX is refused before anything is read. */
	assert_int_equal(parse(m.b, (size_t)INT_MAX + 1, &r), -1);
	assert_int_equal(r.nev + r.nctl, 0);
	/* Trailing bytes after the last message. */
	m.len += 4;
	assert_int_equal(parse(m.b, m.len, &r), -1);
}

static void
test_bad_fixed_and_attrs(void **state)
{
	struct mb m = { .len = 0 };
	uint16_t junk = 0;

	(void)state;
	mb_begin(&m, RTM_NEWLINK, 0, 0);	/* ifinfomsg cut short */
	mb_bytes(&m, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
	mb_end(&m);
	expect_bad(&m);
	mb_begin(&m, RTM_DELADDR, 0, 0);	/* ifaddrmsg cut short */
	mb_bytes(&m, "\x02\x18\0\0", 4);
	mb_end(&m);
	expect_bad(&m);
	mb_addr4(&m);	/* nla_len < 4 */
	mb_end(&m);
	((struct nlattr *)(m.b + 24))->nla_len = 2;
	expect_bad(&m);
	mb_addr4(&m);	/* nla_len > rest */
	mb_end(&m);
	((struct nlattr *)(m.b + 24))->nla_len = 12;
	expect_bad(&m);
	mb_addr4(&m);	/* stray tail */
	mb_bytes(&m, &junk, 2);
	mb_end(&m);
	expect_bad(&m);
	/* Unpadded last attribute reaching past nlmsg_len. */
	mb_addr4(&m);
	mb_end(&m);
	((struct nlmsghdr *)m.b)->nlmsg_len = 30;
	m.len = 30;
	expect_bad(&m);
}

/* An ADDR message with one attribute of type t and n bytes must fail. */
static void
bad_addr_attr(int family, uint16_t t, size_t n)
{
	static const uint8_t z[32];
	struct mb m = { .len = 0 };

	mb_ifa(&m, RTM_NEWADDR, 0, family, 24, 0, 2);
	if (t != IFA_ADDRESS)
		mb_attr(&m, IFA_ADDRESS, z, family == AF_INET ? 4 : 16);
	mb_attr(&m, t, z, n);
	mb_end(&m);
	expect_bad(&m);
}

static void
test_bad_addr_attrs(void **state)
{
	struct mb m = { .len = 0 };

	(void)state;
	bad_addr_attr(AF_INET6, IFA_ADDRESS, 4);
	bad_addr_attr(AF_INET, IFA_ADDRESS, 16);
	bad_addr_attr(AF_INET, IFA_LOCAL, 16);
	bad_addr_attr(AF_INET, IFA_LOCAL, 3);
	bad_addr_attr(AF_INET, IFA_CACHEINFO, 12);
	bad_addr_attr(AF_INET, IFA_CACHEINFO, 20);
	bad_addr_attr(AF_INET, IFA_FLAGS, 2);
	bad_addr_attr(AF_INET6, IFA_FLAGS, 8);
	mb_ifa(&m, RTM_NEWADDR, 0, AF_INET, 24, 0, 2);	/* no address */
	mb_attr(&m, IFA_LABEL, "eth0", 5);
	mb_end(&m);
	expect_bad(&m);
	mb_ifa(&m, RTM_NEWADDR, 0, AF_INET, 33, 0, 2);	/* prefix > 32 */
	mb_attr(&m, IFA_ADDRESS, vip4.addr, 4);
	mb_end(&m);
	expect_bad(&m);
	mb_ifa(&m, RTM_NEWADDR, 0, AF_INET6, 129, 0, 2);
	mb_attr(&m, IFA_ADDRESS, vip6.addr, 16);
	mb_end(&m);
	expect_bad(&m);
	mb_ifa(&m, RTM_NEWADDR, 0, AF_INET, 24, 0, 0x80000000u);
	mb_attr(&m, IFA_ADDRESS, vip4.addr, 4);
	mb_end(&m);
	expect_bad(&m);
}

static void
test_bad_ctl(void **state)
{
	struct mb m = { .len = 0 };
	int e;

	(void)state;
	mb_begin(&m, NLMSG_ERROR, 0, 1);	/* shorter than nlmsgerr */
	e = -ENODEV;
	mb_bytes(&m, &e, sizeof(e));
	mb_end(&m);
	expect_bad(&m);
	mb_err(&m, 1, 5);
	expect_bad(&m);
	mb_err(&m, 1, -4096);
	expect_bad(&m);
	mb_err(&m, 1, INT_MIN);
	expect_bad(&m);
	mb_err(&m, 1, -4095);
	assert_int_equal(nl_msg_parse(m.b, m.len, NULL, NULL), 0);
	memset(&m, 0, sizeof(m));
	mb_begin(&m, NLMSG_DONE, 0, 1);
	e = 1;
	mb_bytes(&m, &e, sizeof(e));
	mb_end(&m);
	expect_bad(&m);
}

/* Deterministic garbage must never crash (ASan) nor hang. */
static void
test_garbage(void **state)
{
	struct mb m = { .len = 0 };
	struct rec r;
	static const uint16_t types[4] = { RTM_NEWLINK, RTM_DELLINK,
					   RTM_NEWADDR, RTM_DELADDR };
	uint32_t x = 12345;
	size_t i, n;
	int rc;

	(void)state;
	for (n = 0; n < 4000; n++) {
		mb_ifa(&m, types[n % 4], 0,
		       n & 1 ? AF_INET : AF_INET6, 8, 0, 1);
		for (i = m.len; i < 96; i++) {
			x = x * 1103515245u + 12345u;
			m.b[i] = (uint8_t)(x >> 16);
		}
		/* Keep the lengths plausible so attributes get exercised. */
		((struct nlattr *)(m.b + 24))->nla_len = (uint16_t)(x % 80);
		((struct nlmsghdr *)m.b)->nlmsg_len = 24 + (x >> 8) % 73;
		rc = parse(m.b, 24 + (x >> 4) % 73, &r);
		assert_true(rc == 0 || rc == -1);
		memset(&m, 0, sizeof(m));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builders_golden),
		cmocka_unit_test(test_builder_variants),
		cmocka_unit_test(test_builder_bad_args),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_addr_attrs),
		cmocka_unit_test(test_ctl),
		cmocka_unit_test(test_bad_framing),
		cmocka_unit_test(test_bad_fixed_and_attrs),
		cmocka_unit_test(test_bad_addr_attrs),
		cmocka_unit_test(test_bad_ctl),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
