/* SPDX-License-Identifier: ISC */
/* Unit tests for address options, route and rule lines (parsed values). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "conf/conf.h"
#include "conf_fixture.h"

static void
assert_ip(int family, const uint8_t *got, const char *want)
{
	uint8_t a[16] = { 0 };

	assert_int_equal(inet_pton(family, want, a), 1);
	assert_memory_equal(got, a, family == AF_INET ? 4 : 16);
}

static void
test_vip_options(void **state)
{
	struct conf *c;
	const struct conf_vip *v;

	(void)state;
	c = inst_ok("virtual_ipaddress_excluded {\n"
	    "203.0.113.7/26 brd + label eth0:mx scope 200 noprefixroute\n"
	    "203.0.113.8/32 peer 203.0.113.9 scope link no_track\n"
	    "2001:db8::7/64 dev eth1 home -nodad mngtmpaddr autojoin "
	    "preferred_lft forever\n"
	    "203.0.113.10/24 brd 203.0.113.200 brd -\n}");
	v = c->instances[0].excluded;
	assert_int_equal(c->instances[0].nexcluded, 4);
	assert_true(v[0].has_brd);
	assert_ip(AF_INET, v[0].brd, "203.0.113.63");	/* /26 */
	assert_string_equal(v[0].label, "eth0:mx");
	assert_int_equal(v[0].scope, RT_SCOPE_SITE);
	assert_int_equal(v[0].ifa_flags, IFA_F_NOPREFIXROUTE);
	assert_true(v[1].has_peer);
	assert_ip(AF_INET, v[1].peer, "203.0.113.9");
	assert_int_equal(v[1].scope, RT_SCOPE_LINK);
	assert_true(v[1].no_track);
	assert_string_equal(v[2].dev, "eth1");
	assert_int_equal(v[2].ifa_flags, IFA_F_HOMEADDRESS | IFA_F_NODAD |
	    IFA_F_MANAGETEMPADDR | IFA_F_MCAUTOJOIN);
	assert_false(v[3].has_brd);		/* the last word wins */
	conf_free(c);
}

static void
test_routes(void **state)
{
	struct conf *c;
	const struct conf_route *r;

	(void)state;
	c = inst_ok("virtual_routes {\n"
	    "src 203.0.113.5 to 198.51.100.0/24 via 203.0.113.254 dev eth0\n"
	    "default gw 203.0.113.254 table 4000000000 metric 7 tos 0x10\n"
	    "2001:db8:1::/48 dev eth0 scope link mtu 1280 onlink via "
	    "2001:db8::1 append\n"
	    "prohibit default inet6 table local\n}");
	r = c->instances[0].routes;
	assert_int_equal(c->instances[0].nroutes, 4);
	assert_int_equal(r[0].family, AF_INET);
	assert_true(r[0].has_src && r[0].has_gw);
	assert_ip(AF_INET, r[0].src, "203.0.113.5");
	assert_ip(AF_INET, r[0].dst, "198.51.100.0");
	assert_int_equal(r[0].dst_len, 24);
	assert_string_equal(r[0].dev, "eth0");
	assert_int_equal(r[0].table, 0);
	assert_int_equal(r[0].type, 0);
	assert_int_equal(r[1].dst_len, 0);
	assert_int_equal(r[1].family, AF_INET);	/* from the gateway */
	assert_int_equal(r[1].table, 4000000000u);
	assert_true(r[1].has_metric);
	assert_int_equal(r[1].metric, 7);
	assert_int_equal(r[1].tos, 0x10);
	assert_int_equal(r[2].family, AF_INET6);
	assert_true(r[2].has_scope);
	assert_int_equal(r[2].scope, RT_SCOPE_LINK);
	assert_int_equal(r[2].mtu, 1280);
	assert_true(r[2].onlink && r[2].append);
	assert_int_equal(r[3].family, AF_INET6);
	assert_int_equal(r[3].type, RTN_PROHIBIT);
	assert_int_equal(r[3].table, RT_TABLE_LOCAL);
	conf_free(c);
}

static void
test_rules(void **state)
{
	struct conf *c;
	const struct conf_rule *r;

	(void)state;
	c = inst_ok("virtual_rules {\n"
	    "from 203.0.113.5 table 100 priority 100\n"
	    "not from all to 198.51.100.0/24 fwmark 0x10/0xff lookup main "
	    "iif eth0 oif eth1 pref 7\n"
	    "fwmark 25 inet6 unreachable\n}");
	r = c->instances[0].rules;
	assert_int_equal(c->instances[0].nrules, 3);
	assert_true(r[0].has_src && !r[0].has_dst);
	assert_int_equal(r[0].src_len, 32);
	assert_int_equal(r[0].table, 100);
	assert_true(r[0].has_priority);
	assert_int_equal(r[0].priority, 100);
	assert_true(r[1].invert && !r[1].has_src && r[1].has_dst);
	assert_int_equal(r[1].fwmark, 0x10);
	assert_int_equal(r[1].fwmask, 0xff);
	assert_int_equal(r[1].table, RT_TABLE_MAIN);
	assert_string_equal(r[1].iif, "eth0");
	assert_string_equal(r[1].oif, "eth1");
	assert_int_equal(r[1].priority, 7);
	assert_int_equal(r[2].family, AF_INET6);
	assert_int_equal(r[2].action, FR_ACT_UNREACHABLE);
	conf_free(c);
}

static void
test_static_blocks_and_errors(void **state)
{
	struct conf *c;

	(void)state;
	c = parse_expect("static_routes {\n 192.0.2.0/24 dev eth1\n}\n"
	    "static_rules {\n from 192.0.2.1 table 9\n}\n"
	    "static_ipaddress {\n 192.0.2.1/24 dev eth1\n}\n",
	    "t.conf: warning: no vrrp_instance defined\n");
	assert_non_null(c);
	assert_int_equal(c->nstatic_routes, 1);
	assert_int_equal(c->nstatic_rules, 1);
	assert_int_equal(c->nstatic_addrs, 1);
	assert_int_equal(c->ninstances, 0);
	conf_free(c);
	inst_expect("virtual_routes {\n198.51.100.0/24 via 203.0.113.1 "
	    "table 99999999999\n}",
	    "t.conf:8: virtual_routes: \"99999999999\" is not a number in "
	    "0..4294967295\n");
	inst_expect("virtual_routes {\n198.51.100.0/24 via 203.0.113.1 "
	    "metric -1\n}",
	    "t.conf:8: virtual_routes: \"-1\" is not a number in "
	    "0..4294967295\n");
	inst_expect("virtual_rules {\nfrom 203.0.113.5 fwmark 1/x table 1\n}",
	    "t.conf:8: virtual_rules: \"x\" is not a number in "
	    "0..4294967295\n");
	inst_expect("virtual_ipaddress_excluded {\n203.0.113.7 peer "
	    "2001:db8::1\n}",
	    "t.conf:8: virtual_ipaddress_excluded: peer \"2001:db8::1\" is "
	    "not of the address's family\n");
	inst_expect("virtual_ipaddress_excluded {\n203.0.113.7 label\n}",
	    "t.conf:8: virtual_ipaddress_excluded: \"label\" needs a "
	    "value\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vip_options),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_static_blocks_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
