/* SPDX-License-Identifier: ISC */
/* Unit tests for the netlink link messages: macvlan (use_vmac), link up and delete, link events. */
#include "tests/unit/nlmsg_fixture.h"

/*
 * The macvlan that use_vmac creates, written out by hand from
 * rtnetlink(7) and <linux/if_link.h>: "vrrp.51" on ifindex 2 with the
 * VRRP virtual MAC of VRID 51, mode private (1).
 */
static const uint8_t macvlan_golden[] = {
	H32(92), H16(RTM_NEWLINK), H16(0x605), H32(SEQ), H32(0),
	/* ifinfomsg: everything 0, the kernel picks the index */
	0, 0, H16(0), H32(0), H32(0), H32(0),
	H16(12), H16(IFLA_IFNAME), 'v', 'r', 'r', 'p', '.', '5', '1', 0,
	H16(8), H16(IFLA_LINK), H32(2),
	H16(10), H16(IFLA_ADDRESS), 0x00, 0x00, 0x5e, 0x00, 0x01, 0x33, 0, 0,
	/* Nests carry NLA_F_NESTED, as iproute2's do. */
	H16(28), H16(IFLA_LINKINFO | NLA_F_NESTED),
	H16(11), H16(IFLA_INFO_KIND), 'm', 'a', 'c', 'v', 'l', 'a', 'n', 0,
	H16(12), H16(IFLA_INFO_DATA | NLA_F_NESTED),
	H16(8), H16(IFLA_MACVLAN_MODE), H32(1),
};

static const uint8_t linkup_golden[] = {
	H32(32), H16(RTM_NEWLINK), H16(0x5), H32(SEQ), H32(0),
	0, 0, H16(0), H32(7), H32(IFF_UP), H32(IFF_UP),
};

static const uint8_t linkdel_golden[] = {
	H32(32), H16(RTM_DELLINK), H16(0x5), H32(SEQ), H32(0),
	0, 0, H16(0), H32(7), H32(0), H32(0),
};

static const uint8_t vmac51[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x33 };

static int
build_link(size_t which, void *b, size_t cap)
{
	switch (which) {
	case 0:
		return nl_msg_macvlan_new(b, cap, SEQ, "vrrp.51", 2, vmac51,
					  NL_MACVLAN_PRIVATE);
	case 1:
		return nl_msg_link_set(b, cap, SEQ, 7, true);
	default:
		return nl_msg_link_del(b, cap, SEQ, 7);
	}
}

/* As test_builders_golden, for the link builders of use_vmac. */
static void
test_link_builders_golden(void **state)
{
	static const struct { const uint8_t *bytes; size_t len; } g[] = {
		{ macvlan_golden, sizeof(macvlan_golden) },
		{ linkup_golden, sizeof(linkup_golden) },
		{ linkdel_golden, sizeof(linkdel_golden) },
	};
	_Alignas(4) uint8_t buf[BUFSZ];
	size_t k, cap, i;

	(void)state;
	assert_int_equal(IFLA_MACVLAN_MODE, 1);
	assert_int_equal(NL_MACVLAN_PRIVATE, MACVLAN_MODE_PRIVATE);
	for (k = 0; k < sizeof(g) / sizeof(g[0]); k++) {
		memset(buf, 0xaa, sizeof(buf));
		assert_int_equal(build_link(k, buf, sizeof(buf)), (int)g[k].len);
		assert_memory_equal(buf, g[k].bytes, g[k].len);
		for (cap = 0; cap < g[k].len; cap++) {
			memset(buf, 0xaa, sizeof(buf));
			assert_int_equal(build_link(k, buf, cap), -1);
			for (i = cap; i < sizeof(buf); i++)
				assert_int_equal(buf[i], 0xaa);
		}
	}
	/* Down clears IFF_UP only: change mask IFF_UP, flags 0. */
	assert_int_equal(nl_msg_link_set(buf, sizeof(buf), SEQ, 7, false), 32);
	{
		static const uint8_t down[] = { H32(0), H32(IFF_UP) };

		assert_memory_equal(buf + 24, down, 8);
	}
	assert_int_equal(nl_msg_link_set(buf, sizeof(buf), SEQ, 0, true), -1);
	assert_int_equal(nl_msg_link_del(buf, sizeof(buf), SEQ, -1), -1);
	assert_int_equal(nl_msg_macvlan_new(buf, sizeof(buf), SEQ, "", 2,
					    vmac51, 1), -1);
	assert_int_equal(nl_msg_macvlan_new(buf, sizeof(buf), SEQ,
					    "abcdefghijklmnop", 2, vmac51, 1),
			 -1);
	assert_int_equal(nl_msg_macvlan_new(buf, sizeof(buf), SEQ, "v", 0,
					    vmac51, 1), -1);
}

/* A link's lower device and kind are decoded; a bad nest is refused. */
static void
test_link_kind(void **state)
{
	struct mb m = { .len = 0 };
	struct rec r = { 0 };
	struct ifinfomsg ifi = { .ifi_index = 9 };
	uint32_t lower = 2, mode = 1;
	uint8_t nest[64];
	struct nlattr *a = (struct nlattr *)nest;

	(void)state;
	/* A nest with IFLA_INFO_KIND "macvlan" then IFLA_INFO_DATA. */
	memset(nest, 0, sizeof(nest));
	a->nla_type = IFLA_INFO_KIND;
	a->nla_len = 4 + 8;
	memcpy(nest + 4, "macvlan", 8);
	a = (struct nlattr *)(nest + 12);
	a->nla_type = IFLA_INFO_DATA;
	a->nla_len = 12;
	a = (struct nlattr *)(nest + 16);
	a->nla_type = IFLA_MACVLAN_MODE;
	a->nla_len = 8;
	memcpy(nest + 20, &mode, 4);
	mb_begin(&m, RTM_NEWLINK, 0, 0);
	mb_bytes(&m, &ifi, sizeof(ifi));
	mb_attr(&m, IFLA_IFNAME, "vrrp.51", 8);
	mb_attr(&m, IFLA_LINK, &lower, 4);
	mb_attr(&m, IFLA_LINKINFO, nest, 24);
	mb_end(&m);
	assert_int_equal(nl_msg_parse(m.b, m.len, &rec_ops, &r), 0);
	assert_int_equal(r.nev, 1);
	assert_int_equal(r.ev[0].link, 2);
	assert_string_equal(r.ev[0].kind, "macvlan");
	/* Without LINKINFO: no kind, no lower link. */
	memset(&m, 0, sizeof(m));
	memset(&r, 0, sizeof(r));
	mb_link(&m, RTM_NEWLINK, 3, 0, "eth0", NULL, 0);
	assert_int_equal(nl_msg_parse(m.b, m.len, &rec_ops, &r), 0);
	assert_string_equal(r.ev[0].kind, "");
	assert_int_equal(r.ev[0].link, 0);
	/* A nested attribute running past its nest: malformed. */
	memset(&m, 0, sizeof(m));
	((struct nlattr *)nest)->nla_len = 40;
	mb_begin(&m, RTM_NEWLINK, 0, 0);
	mb_bytes(&m, &ifi, sizeof(ifi));
	mb_attr(&m, IFLA_LINKINFO, nest, 24);
	mb_end(&m);
	assert_int_equal(nl_msg_parse(m.b, m.len, NULL, NULL), -1);
	/* A kind longer than any kind the kernel has: malformed. */
	memset(&m, 0, sizeof(m));
	((struct nlattr *)nest)->nla_len = 4 + 20;
	memset(nest + 4, 'k', 20);
	mb_begin(&m, RTM_NEWLINK, 0, 0);
	mb_bytes(&m, &ifi, sizeof(ifi));
	mb_attr(&m, IFLA_LINKINFO, nest, 24);
	mb_end(&m);
	assert_int_equal(nl_msg_parse(m.b, m.len, NULL, NULL), -1);
	/* IFLA_LINK of the wrong size: malformed. */
	memset(&m, 0, sizeof(m));
	mb_begin(&m, RTM_NEWLINK, 0, 0);
	mb_bytes(&m, &ifi, sizeof(ifi));
	mb_attr(&m, IFLA_LINK, "ab", 2);
	mb_end(&m);
	assert_int_equal(nl_msg_parse(m.b, m.len, NULL, NULL), -1);
}



static void
test_link(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t ib[20] = { 1 };
	struct mb m = { .len = 0 };
	struct rec r;

	(void)state;
	mb_link(&m, RTM_NEWLINK, 5, IFF_UP | IFF_RUNNING | IFF_BROADCAST,
		"eth0", mac, 6);
	mb_link(&m, RTM_NEWLINK, 6, IFF_UP, "veth1", ib, 20);
	mb_link(&m, RTM_NEWLINK, 7, IFF_RUNNING, NULL, NULL, 0);
	mb_link(&m, RTM_DELLINK, 8, 0, "abcdefghijklmno", mac, 0);
	assert_int_equal(parse(m.b, m.len, &r), 0);
	assert_int_equal(r.nev, 4);
	assert_int_equal(r.ev[0].type, NL_EV_LINK);
	assert_int_equal(r.ev[0].ifindex, 5);
	assert_string_equal(r.ev[0].ifname, "eth0");
	assert_true(r.ev[0].up);
	assert_int_equal(r.ev[0].flags, IFF_UP | IFF_RUNNING | IFF_BROADCAST);
	assert_true(r.ev[0].has_mac);
	assert_memory_equal(r.ev[0].mac, mac, 6);
	/* Admin up without carrier is not up; 20-byte hw address no MAC. */
	assert_false(r.ev[1].up);
	assert_false(r.ev[1].has_mac);
	assert_string_equal(r.ev[1].ifname, "veth1");
	assert_false(r.ev[2].up);
	assert_string_equal(r.ev[2].ifname, "");
	assert_int_equal(r.ev[3].type, NL_EV_LINK_DEL);
	assert_int_equal(r.ev[3].ifindex, 8);
	assert_string_equal(r.ev[3].ifname, "abcdefghijklmno");
	assert_false(r.ev[3].has_mac);
	/* A last message whose nlmsg_len leaves out its tail padding. */
	memset(&m, 0, sizeof(m));
	mb_link(&m, RTM_NEWLINK, 9, 0, "eth0", NULL, 0);
	assert_int_equal(m.len, 60);
	((struct nlmsghdr *)m.b)->nlmsg_len = 57;
	assert_int_equal(parse(m.b, 57, &r), 0);
	assert_int_equal(r.nev, 1);
	assert_string_equal(r.ev[0].ifname, "eth0");
}



static void
test_bad_link_attrs(void **state)
{
	struct mb m = { .len = 0 };
	char name[17];

	(void)state;
	/* mb_end() again re-sizes the message to take one more attribute. */
	mb_link(&m, RTM_NEWLINK, 1, 0, NULL, NULL, 0);
	mb_attr(&m, IFLA_IFNAME, "eth0", 4);	/* no NUL */
	mb_end(&m);
	expect_bad(&m);
	memset(name, 'a', 16);
	name[16] = 0;
	mb_link(&m, RTM_NEWLINK, 1, 0, name, NULL, 0);	/* 17 bytes */
	expect_bad(&m);
	mb_link(&m, RTM_NEWLINK, 1, 0, NULL, NULL, 0);
	mb_attr(&m, IFLA_IFNAME, NULL, 0);	/* empty */
	mb_end(&m);
	expect_bad(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_builders_golden),
		cmocka_unit_test(test_link_kind),
		cmocka_unit_test(test_link),
		cmocka_unit_test(test_bad_link_attrs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
