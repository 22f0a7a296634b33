/* SPDX-License-Identifier: ISC */
/* Unit tests for keepalived words: unicast peers, tracked interfaces, excluded VIPs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "conf_fixture.h"

static void test_unicast(void **state)
{
	struct conf *c;
	const struct conf_instance *in;

	(void)state;
	c = inst_ok("unicast_src_ip 203.0.113.1\nunicast_peer {\n"
		    "203.0.113.2\n  203.0.113.3\n}");
	in = &c->instances[0];
	assert_true(in->unicast);
	assert_true(in->has_unicast_src);
	assert_addr(AF_INET, in->unicast_src, "203.0.113.1");
	assert_int_equal(in->npeers, 2);
	assert_int_equal(in->peers[0].family, AF_INET);
	assert_addr(AF_INET, in->peers[0].addr, "203.0.113.2");
	assert_int_equal(in->peers[0].line, 9);
	assert_addr(AF_INET, in->peers[1].addr, "203.0.113.3");
	assert_int_equal(in->peers[1].line, 10);
	assert_round_trip(c);
	conf_free(c);

	/* a source without peers is the source of multicast adverts */
	c = inst_ok("unicast_src_ip 203.0.113.1");
	assert_false(c->instances[0].unicast);
	assert_true(c->instances[0].has_unicast_src);
	assert_int_equal(c->instances[0].npeers, 0);
	assert_round_trip(c);
	conf_free(c);

	c = inst_ok("");
	assert_false(c->instances[0].unicast);
	assert_false(c->instances[0].has_unicast_src);
	assert_null(c->instances[0].peers);
	conf_free(c);

	c = parse_expect("vrrp_instance V6 {\n interface eth0\n"
			 " virtual_router_id 1\n unicast_src_ip 2001:db8::1\n"
			 " unicast_peer {\n  2001:db8::2\n }\n"
			 " virtual_ipaddress {\n  2001:db8::5\n }\n}\n", "");
	assert_non_null(c);
	in = &c->instances[0];
	assert_true(in->unicast);
	assert_addr(AF_INET6, in->unicast_src, "2001:db8::1");
	assert_int_equal(in->peers[0].family, AF_INET6);
	assert_addr(AF_INET6, in->peers[0].addr, "2001:db8::2");
	/* keepalived sends unicast IPv6 with hop limit 64: no check. */
	assert_int_equal(in->peers[0].min_ttl, 0);
	assert_int_equal(in->peers[0].max_ttl, 255);
	assert_round_trip(c);
	conf_free(c);
}

/* keepalived's TTL words: on-link (255) unless a peer says otherwise. */
static void test_unicast_ttl(void **state)
{
	struct conf *c;
	const struct conf_instance *in;

	(void)state;
	c = inst_ok("unicast_peer {\n203.0.113.2\n203.0.113.3 min_ttl 250\n"
		    "203.0.113.4 max_ttl 254\n"
		    "203.0.113.6 max_ttl 200 min_ttl 100\n}\nunicast_ttl 64\n"
		    "check_unicast_src\nnotify_script_timeout 30");
	in = &c->instances[0];
	assert_int_equal(in->peers[0].min_ttl, 255);
	assert_int_equal(in->peers[0].max_ttl, 255);
	assert_int_equal(in->peers[1].min_ttl, 250);
	assert_int_equal(in->peers[1].max_ttl, 255);
	assert_int_equal(in->peers[2].min_ttl, 0);
	assert_int_equal(in->peers[2].max_ttl, 254);
	assert_int_equal(in->peers[3].min_ttl, 100);
	assert_int_equal(in->peers[3].max_ttl, 200);
	assert_int_equal(in->unicast_ttl, 64);
	assert_int_equal(in->notify_script_timeout_s, 30);
	assert_round_trip(c);
	conf_free(c);
	/* Defaults, and the global default of the timeout. */
	c = parse_expect("global_defs {\n vrrp_notify_script_timeout 3\n"
			 " vrrp_check_unicast_src\n}\n"
			 "vrrp_instance V {\n interface eth0\n"
			 " virtual_router_id 1\n"
			 " virtual_ipaddress {\n  192.0.2.5\n }\n}\n", "");
	assert_non_null(c);
	assert_int_equal(c->instances[0].unicast_ttl, 255);
	assert_int_equal(c->instances[0].notify_script_timeout_s, 3);
	conf_free(c);
	c = inst_ok("");
	assert_int_equal(c->instances[0].notify_script_timeout_s, 10);
	conf_free(c);
}

static void test_err_unicast(void **state)
{
	char *s, *p;
	size_t i;

	(void)state;
	inst_expect("unicast_peer {\n}",
		    "t.conf:7: unicast_peer: no peers; vipd never falls back to "
		    "multicast\n");
	inst_expect("unicast_peer {\n203.0.113.2 min_ttl 10 max_ttl 9\n}",
		    "t.conf:8: unicast_peer: min_ttl 10 > max_ttl 9: every "
		    "advert would be dropped\n");
	inst_expect("unicast_peer {\n203.0.113.2 max_ttl\n}",
		    "t.conf:8: unicast_peer: max_ttl needs a value\n");
	inst_expect("unicast_peer {\n203.0.113.2 min_ttl 256\n}",
		    "t.conf:8: min_ttl: \"256\" is out of range 0..255\n");
	inst_expect("unicast_peer {\n203.0.113.2\n}\nunicast_ttl 256",
		    "t.conf:10: unicast_ttl: \"256\" is out of range 0..255\n");
	inst_expect("notify_script_timeout 0",
		    "t.conf:7: notify_script_timeout: \"0\" is out of range "
		    "1..1000\n");
	inst_expect("unicast_peer {\n203.0.113.2 dev eth0\n}",
		    "t.conf:8: unicast_peer: unknown option \"dev\"\n");
	inst_expect("unicast_peer {\n203.0.113.2/24\n203.0.113.300\n"
		    "224.0.0.18\n203.0.113.3\n203.0.113.3\n}",
		    "t.conf:8: unicast_peer: \"203.0.113.2/24\" is not an IPv4 "
		    "or IPv6 address\n"
		    "t.conf:9: unicast_peer: \"203.0.113.300\" is not an IPv4 "
		    "or IPv6 address\n"
		    "t.conf:10: unicast_peer: \"224.0.0.18\" is not a unicast "
		    "address\n"
		    "t.conf:12: unicast_peer: \"203.0.113.3\" is listed twice "
		    "(first at line 11)\n");
	inst_expect("unicast_peer {\n2001:db8::2\n}",
		    "t.conf:8: unicast_peer: \"2001:db8::2\" is IPv6 but this "
		    "instance's addresses are IPv4\n");
	inst_expect("unicast_src_ip 2001:db8::1",
		    "t.conf:7: unicast_src_ip: \"2001:db8::1\" is IPv6 but this "
		    "instance's addresses are IPv4\n");
	inst_expect("unicast_src_ip 203.0.113.1\nunicast_peer {\n"
		    "203.0.113.1\n203.0.113.5\n}",
		    "t.conf:9: unicast_peer: \"203.0.113.1\" is this instance's "
		    "unicast_src_ip\n"
		    "t.conf:10: unicast_peer: \"203.0.113.5\" is one of this "
		    "instance's virtual addresses\n");
	inst_expect("unicast_src_ip mx1",
		    "t.conf:7: unicast_src_ip: \"mx1\" is not an IPv4 or IPv6 "
		    "address\n");
	inst_expect("unicast_src_ip 0.0.0.0",
		    "t.conf:7: unicast_src_ip: \"0.0.0.0\" is not a unicast "
		    "address\n");
	inst_expect("unicast_src_ip 203.0.113.1 203.0.113.2",
		    "t.conf:7: unicast_src_ip: unexpected argument "
		    "\"203.0.113.2\"\n");
	inst_expect("unicast_peer 203.0.113.2",
		    "t.conf:7: unicast_peer: unexpected argument "
		    "\"203.0.113.2\"\n");
	inst_expect("unicast_peer {\n203.0.113.2 {\n}\n}",
		    "t.conf:8: unicast_peer: unexpected \"{\"\n"
		    "t.conf:7: unicast_peer: no peers; vipd never falls back to "
		    "multicast\n");
	inst_expect("unicast_peer {\n203.0.113.2 a b c d e f g h\n}",
		    "t.conf:8: unicast_peer: unknown option \"a\"\n");
	/* More words than a statement keeps (CONF_ARGS_MAX). */
	inst_expect("unicast_peer {\n203.0.113.2 a b c d e f g h i j k l m n "
		    "o p q r s t u v w x y z 1 2 3 4 5 6\n}",
		    "t.conf:8: unicast_peer: too many words on one line\n");
	s = malloc(300 * 20 + 200);
	assert_non_null(s);
	p = s + sprintf(s, "vrrp_instance A {\ninterface eth0\n"
			"virtual_router_id 1\nunicast_peer {\n");
	for (i = 0; i < 256; i++)
		p += sprintf(p, "10.1.%zu.%zu\n", i / 200, i % 200 + 1);
	strcpy(p, "}\nvirtual_ipaddress {\n192.0.2.1\n}\n}\n");
	conf_free(parse_expect(s, "t.conf:260: unicast_peer: more than 255 "
			       "peers\n"));
	free(s);
}

static void test_track_interface(void **state)
{
	struct conf *c;
	const struct conf_instance *in;
	char *s, *p;
	size_t i;

	(void)state;
	c = inst_ok("track_interface {\neth1\neth2 weight -253\n"
		    "eth3 weight +253\n}\ndont_track_primary");
	in = &c->instances[0];
	assert_int_equal(in->ntrack_ifs, 3);
	assert_string_equal(in->track_ifs[0].name, "eth1");
	assert_int_equal(in->track_ifs[0].weight, 0);
	assert_int_equal(in->track_ifs[0].line, 8);
	assert_string_equal(in->track_ifs[1].name, "eth2");
	assert_int_equal(in->track_ifs[1].weight, -253);
	assert_int_equal(in->track_ifs[2].weight, 253);
	assert_int_equal(in->track_ifs[2].line, 10);
	assert_true(in->dont_track_primary);
	assert_round_trip(c);
	conf_free(c);
	c = inst_ok("track_interface {\n}");
	assert_int_equal(c->instances[0].ntrack_ifs, 0);
	assert_false(c->instances[0].dont_track_primary);
	conf_free(c);

	inst_expect("track_interface {\neth1 weight 254\neth2 weight x\n"
		    "eth3 weight\neth4 weight 1 weight 2\neth5 reverse\n"
		    "eth6 weight -1 noreverse\neth7 up\neth8:0\n"
		    "abcdefghijklmnop\neth9\neth9 weight 1\n}",
		    "t.conf:8: track_interface: weight: \"254\" is out of "
		    "range -253..253\n"
		    "t.conf:9: track_interface: weight: \"x\" is not a "
		    "number\n"
		    "t.conf:10: track_interface: \"weight\" needs a number\n"
		    "t.conf:11: track_interface: \"weight\" given twice\n"
		    "t.conf:12: track_interface: \"reverse\" is not supported "
		    "by vipd\n"
		    "t.conf:13: track_interface: \"noreverse\" is not "
		    "supported by vipd\n"
		    "t.conf:14: track_interface: unknown option \"up\"\n"
		    "t.conf:15: track_interface: \"eth8:0\" is not a valid "
		    "interface name\n"
		    "t.conf:16: track_interface: \"abcdefghijklmnop\" is "
		    "longer than 15 characters\n"
		    "t.conf:18: track_interface: \"eth9\" is listed twice "
		    "(first at line 17)\n");
	inst_expect("dont_track_primary 1",
		    "t.conf:7: dont_track_primary: unexpected argument "
		    "\"1\"\n");
	s = malloc(100 * 20 + 200);
	assert_non_null(s);
	p = s;
	*p = '\0';
	p += sprintf(p, "track_interface {\n");
	for (i = 0; i < 65; i++)
		p += sprintf(p, "e%zu\n", i);
	strcpy(p, "}");
	inst_expect(s, "t.conf:72: track_interface: more than 64 "
		    "interfaces\n");
	free(s);
}

static void test_excluded(void **state)
{
	struct conf *c;
	const struct conf_instance *in;

	(void)state;
	c = inst_ok("virtual_ipaddress_excluded {\n203.0.113.6\n"
		    "2001:db8::6/64 dev eth1\n203.0.113.7/24\n}");
	in = &c->instances[0];
	assert_int_equal(in->family, AF_INET);
	assert_int_equal(in->nvips, 1);
	assert_int_equal(in->nexcluded, 3);
	assert_int_equal(in->excluded[0].family, AF_INET);
	assert_addr(AF_INET, in->excluded[0].addr, "203.0.113.6");
	assert_int_equal(in->excluded[0].prefixlen, 32);
	assert_int_equal(in->excluded[0].line, 8);
	assert_int_equal(in->excluded[1].family, AF_INET6);
	assert_int_equal(in->excluded[1].prefixlen, 64);
	assert_string_equal(in->excluded[1].dev, "eth1");
	assert_int_equal(in->excluded[2].prefixlen, 24);
	assert_round_trip(c);
	conf_free(c);
	c = inst_ok("virtual_ipaddress_excluded {\n}");
	assert_int_equal(c->instances[0].nexcluded, 0);
	assert_null(c->instances[0].excluded);
	conf_free(c);

	inst_expect("virtual_ipaddress_excluded {\n203.0.113.6\n"
		    "203.0.113.6/24\n2001:db8::6 label x\nmx1\n"
		    "203.0.113.5/24\n203.0.113.9 {\n}\n}",
		    "t.conf:9: warning: virtual_ipaddress_excluded: "
		    "\"203.0.113.6/24\" is listed twice (first at line 8), the "
		    "copy is ignored (as keepalived does)\n"
		    "t.conf:10: virtual_ipaddress_excluded: \"label\" is for "
		    "IPv4 addresses only\n"
		    "t.conf:11: virtual_ipaddress_excluded: \"mx1\" is not an IPv4 "
		    "or IPv6 address\n"
		    "t.conf:13: virtual_ipaddress_excluded: unexpected \"{\"\n"
		    "t.conf:12: virtual_ipaddress_excluded: \"203.0.113.5\" is "
		    "also in virtual_ipaddress (line 5)\n");
}

static void test_err_excluded_limit(void **state)
{
	char *s, *p;
	size_t i;

	(void)state;
	s = malloc(4100 * 20 + 200);
	assert_non_null(s);
	p = s + sprintf(s, "virtual_ipaddress_excluded {\n");
	for (i = 0; i < 4097; i++)
		p += sprintf(p, "10.%zu.%zu.1\n", i / 200, i % 200);
	strcpy(p, "}");
	inst_expect(s, "t.conf:4104: virtual_ipaddress_excluded: more than "
		    "4096 addresses\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unicast),
		cmocka_unit_test(test_unicast_ttl),
		cmocka_unit_test(test_err_unicast),
		cmocka_unit_test(test_track_interface),
		cmocka_unit_test(test_excluded),
		cmocka_unit_test(test_err_excluded_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
