/* SPDX-License-Identifier: ISC */
/* Unit tests for the configuration parser: error messages and hostile input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "conf_fixture.h"

/* Parser: errors ------------------------------------------------------- */

static void test_err_instance_values(void **state)
{
	(void)state;
	inst_expect("state master",
		    "t.conf:7: warning: state: unknown state \"master\", "
		    "BACKUP is used (as keepalived does)\n");
	inst_expect("priority 0",
		    "t.conf:7: priority: \"0\" is out of range 1..255\n");
	inst_expect("priority 256",
		    "t.conf:7: priority: \"256\" is out of range 1..255\n");
	inst_expect("priority high",
		    "t.conf:7: priority: \"high\" is not a number\n");
	inst_expect("priority 99999999999",
		    "t.conf:7: priority: \"99999999999\" is out of range "
		    "1..255\n");
	inst_expect("version 4",
		    "t.conf:7: version: \"4\" must be 2 or 3\n");
	inst_expect("version 03",
		    "t.conf:7: version: \"03\" must be 2 or 3\n");
	inst_expect("nopreempt 3",
		    "t.conf:7: nopreempt: unexpected argument \"3\"\n");
	inst_expect("priority",
		    "t.conf:7: priority: missing argument\n");
	inst_expect("priority 1 2 3 4 5 6 7 8 9 10",
		    "t.conf:7: priority: unexpected argument \"2\"\n");
	inst_expect("priority 5 {\n}",
		    "t.conf:7: priority: unexpected \"{\"\n");
	inst_expect("priority 5\npriority 6",
		    "t.conf:8: duplicate \"priority\" (first at line 7)\n");
	inst_expect("preempt_delay 1001",
		    "t.conf:7: preempt_delay: \"1001\" is out of range "
		    "0..1000\n");
	inst_expect("preempt_delay 1000.001",
		    "t.conf:7: preempt_delay: \"1000.001\" is out of range "
		    "0..1000\n");
	inst_expect("preempt_delay 99999999999",
		    "t.conf:7: preempt_delay: \"99999999999\" is out of range "
		    "0..1000\n");
	inst_expect("preempt_delay 0.0005",
		    "t.conf:7: preempt_delay: \"0.0005\" is finer than 0.001 "
		    "seconds\n");
	inst_expect("preempt_delay 0.0000001",
		    "t.conf:7: preempt_delay: \"0.0000001\" is finer than "
		    "0.001 seconds\n");
	inst_expect("preempt_delay soon",
		    "t.conf:7: preempt_delay: \"soon\" is not a number of "
		    "seconds\n");
	inst_expect("interface eth1",
		    "t.conf:7: duplicate \"interface\" (first at line 2)\n");
	inst_expect("virtual_ipaddress {\n192.0.2.9\n}",
		    "t.conf:7: duplicate \"virtual_ipaddress\" (first at line "
		    "4)\n");
}

static void test_warn_preempt(void **state)
{
	struct conf *c;
	char *s;

	(void)state;
	s = inst("state MASTER\npriority 100\nnopreempt\npreempt_delay 3");
	c = parse_expect(s, "t.conf:9: warning: nopreempt is ignored with "
			 "state MASTER (as keepalived does)\n"
			 "t.conf:10: warning: preempt_delay is ignored with "
			 "state MASTER (as keepalived does)\n");
	free(s);
	assert_non_null(c);
	assert_false(c->instances[0].nopreempt);
	assert_int_equal(c->instances[0].preempt_delay_ms, 0);
	assert_round_trip(c);
	conf_free(c);
	/* Priority 255 without a state makes a MASTER, as keepalived. */
	s = inst("priority 255\nnopreempt\npreempt_delay 3\n"
		 "default_checks off");
	c = parse_expect(s, "t.conf:8: warning: nopreempt is ignored with "
			 "priority 255 (as keepalived does)\n"
			 "t.conf:9: warning: preempt_delay is ignored with "
			 "state MASTER (as keepalived does)\n");
	free(s);
	assert_non_null(c);
	assert_int_equal(c->instances[0].init_state, CONF_STATE_MASTER);
	assert_false(c->instances[0].nopreempt);
	assert_int_equal(c->instances[0].preempt_delay_ms, 0);
	assert_round_trip(c);
	conf_free(c);
	/* an owner's checks can change nothing: say so */
	inst_expect("priority 255", "t.conf:7: warning: priority 255 (address "
		    "owner) is never health-gated: this host keeps the "
		    "addresses while its checks fail, and refuses maintenance; "
		    "use 254 or lower for a health-gated Master\n");
	/* an owner tracking nothing has nothing to be warned about */
	conf_free(inst_ok("priority 255\ndefault_checks off"));
	/* the preempt_delay 0 of a canonical print is no warning */
	conf_free(inst_ok("state MASTER\npriority 100\npreempt_delay 0"));
	/*
	 * keepalived makes a MASTER without priority the address owner,
	 * whose checks change nothing: vipd keeps 100 and says so.
	 */
	s = inst("state MASTER");
	c = parse_expect(s, "t.conf:7: warning: vrrp_instance VI_1: state "
			 "MASTER without priority: keepalived would make it "
			 "the address owner (255), whose health checks change "
			 "nothing; vipd uses 100 (give the priority you "
			 "mean)\n");
	free(s);
	assert_int_equal(c->instances[0].priority, 100);
	assert_round_trip(c);
	conf_free(c);
}

static void test_err_advert(void **state)
{
	(void)state;
	inst_expect("advert_int 1.5",
		    "t.conf:7: advert_int: \"1.5\" must be a whole number of "
		    "seconds in 1..255 with VRRPv2\n");
	inst_expect("advert_int 0",
		    "t.conf:7: advert_int: \"0\" must be a whole number of "
		    "seconds in 1..255 with VRRPv2\n");
	inst_expect("advert_int 256",
		    "t.conf:7: advert_int: \"256\" must be a whole number of "
		    "seconds in 1..255 with VRRPv2\n");
	inst_expect("advert_int 0.005\nversion 3",
		    "t.conf:7: advert_int: \"0.005\" must be a multiple of "
		    "0.01 in 0.01..40.95 with VRRPv3\n");
	inst_expect("advert_int 40.96\nversion 3",
		    "t.conf:7: advert_int: \"40.96\" must be a multiple of "
		    "0.01 in 0.01..40.95 with VRRPv3\n");
	inst_expect("advert_int 0.0000001\nversion 3",
		    "t.conf:7: advert_int: \"0.0000001\" must be a multiple "
		    "of 0.01 in 0.01..40.95 with VRRPv3\n");
	inst_expect("advert_int 99999999999\nversion 3",
		    "t.conf:7: advert_int: \"99999999999\" must be a multiple "
		    "of 0.01 in 0.01..40.95 with VRRPv3\n");
	inst_expect("advert_int fast",
		    "t.conf:7: advert_int: \"fast\" is not a number of "
		    "seconds\n");
}

static void test_err_names(void **state)
{
	char *s;

	(void)state;
	inst_expect("interface eth0:1",
		    "t.conf:7: duplicate \"interface\" (first at line 2)\n");
	conf_free(parse_expect("vrrp_instance A {\n interface eth0:1\n}\n",
			       "t.conf:2: interface: \"eth0:1\" is not a valid "
			       "interface name\n"
			       "t.conf:1: vrrp_instance A: missing required "
			       "keyword \"virtual_router_id\"\n"
			       "t.conf:1: warning: vrrp_instance A: no virtual_ipaddress; "
			       "keepalived warns and runs it moving nothing, vipd leaves the "
			       "instance out\n"));
	conf_free(parse_expect("vrrp_instance A {\n interface "
			       "abcdefghijklmnop\n}\n",
			       "t.conf:2: interface: \"abcdefghijklmnop\" is "
			       "longer than 15 characters\n"
			       "t.conf:1: vrrp_instance A: missing required "
			       "keyword \"virtual_router_id\"\n"
			       "t.conf:1: warning: vrrp_instance A: no virtual_ipaddress; "
			       "keepalived warns and runs it moving nothing, vipd leaves the "
			       "instance out\n"));
	conf_free(parse_expect("vrrp_instance A {\n interface ..\n"
			       " virtual_router_id 1\n virtual_ipaddress {\n"
			       " 192.0.2.1\n }\n}\n",
			       "t.conf:2: interface: \"..\" is not a valid "
			       "interface name\n"));
	conf_free(parse_expect("vrrp_instance A {\n interface \"\"\n"
			       " virtual_router_id 1\n virtual_ipaddress {\n"
			       " 192.0.2.1\n }\n}\n",
			       "t.conf:2: interface: \"\" is not a valid "
			       "interface name\n"));
	conf_free(parse_expect("vrrp_instance \"\" {\n}\n",
			       "t.conf:1: vrrp_instance: empty name\n"));
	assert_true(asprintf(&s, "vrrp_instance %064d {\n interface e\n}\n",
			     0) > 0);
	conf_free(parse_expect(s, "t.conf:1: vrrp_instance: \"0000000000000"
			       "000000000000000000000000000...\" is longer "
			       "than 63 characters\n"));
	free(s);
	conf_free(parse_expect("global_defs {\n router_id\n}\n",
			       "t.conf:2: router_id: missing argument\n"));
	conf_free(parse_expect("vrrp_instance {\n}\n",
			       "t.conf:1: vrrp_instance: missing argument\n"));
	conf_free(parse_expect("vrrp_instance A B {\n}\n",
			       "t.conf:1: vrrp_instance: unexpected argument "
			       "\"B\"\n"));
	/* keepalived takes "{" on the next line. */
	conf_free(parse_expect("vrrp_instance A\n{\n}\n",
			       "t.conf:1: vrrp_instance A: missing required "
			       "keyword \"interface\"\n"
			       "t.conf:1: vrrp_instance A: missing required "
			       "keyword \"virtual_router_id\"\n"
			       "t.conf:1: warning: vrrp_instance A: no virtual_ipaddress; "
			       "keepalived warns and runs it moving nothing, vipd leaves the "
			       "instance out\n"));
}

static void test_err_auth(void **state)
{
	(void)state;
	inst_expect("authentication {\nauth_type AH\nauth_pass x\n}",
		    "t.conf:8: auth_type AH is not supported (IPsec AH "
		    "authentication was removed from VRRP; use PASS or "
		    "none)\n");
	inst_expect("authentication {\nauth_type pass\nauth_pass x\n}",
		    "t.conf:8: auth_type: \"pass\" must be PASS\n");
	inst_expect("authentication {\nauth_pass x\n}",
		    "t.conf:7: authentication: missing required keyword "
		    "\"auth_type\"\n");
	inst_expect("authentication {\nauth_type PASS\n}",
		    "t.conf:7: authentication: missing required keyword "
		    "\"auth_pass\"\n");
	inst_expect("authentication {\nauth_type PASS\nauth_pass \"\"\n}",
		    "t.conf:9: auth_pass: empty password\n");
	inst_expect("authentication {\nauth_type PASS\nauth_pass a\n"
		    "auth_pass b\n}",
		    "t.conf:10: duplicate \"auth_pass\" (first at line 9)\n");
	inst_expect("authentication {\nauth_type PASS\nauth_pass a\n"
		    "auth_hmac x\n}",
		    "t.conf:10: unknown keyword \"auth_hmac\" in "
		    "authentication\n");
	inst_expect("authentication {\n}\nauthentication {\n}",
		    "t.conf:9: duplicate \"authentication\" (first at line "
		    "7)\n"
		    "t.conf:7: authentication: missing required keyword "
		    "\"auth_type\"\n");
	/* keepalived takes "{" on the next line. */
	inst_expect("authentication\n{\n}",
		    "t.conf:7: authentication: missing required keyword "
		    "\"auth_type\"\n");
	inst_expect("authentication {\nauth_type PASS\nauth_pass abc\n}\n"
		    "version 3",
		    "t.conf:7: warning: authentication is ignored with VRRPv3 "
		    "(as keepalived does)\n");
}

static void test_err_vips(void **state)
{
	(void)state;
	inst_expect("virtual_ipaddress {\n}",
		    "t.conf:7: duplicate \"virtual_ipaddress\" (first at line "
		    "4)\n");
	conf_free(parse_expect("vrrp_instance A {\n interface eth0\n"
			       " virtual_router_id 1\n"
			       " virtual_ipaddress {\n }\n}\n",
			       "t.conf:4: warning: vrrp_instance A: no virtual_ipaddress; "
			       "keepalived warns and runs it moving nothing, vipd leaves the "
			       "instance out\n"
			       "t.conf: warning: no vrrp_instance defined\n"));
	conf_free(parse_expect(
		"vrrp_instance A {\n interface eth0\n virtual_router_id 1\n"
		" virtual_ipaddress {\n"
		"  192.0.2.1/24 use_vmac\n"		/* 5 */
		"  192.0.2.2 scope galaxy\n"
		"  192.0.2.3 frobnicate\n"
		"  192.0.2.4 dev\n"
		"  192.0.2.5 dev eth1 dev eth2\n"
		"  192.0.2.6 dev eth1:x\n"		/* 10 */
		"  192.0.2.300\n"
		"  192.0.2.7/33\n"
		"  192.0.2.7/0\n"
		"  192.0.2.7/x\n"
		"  224.0.0.18\n"			/* 15 */
		"  0.0.0.0\n"
		"  255.255.255.255\n"
		"  ::\n"
		"  ff02::12\n"
		"  2001:db8::1/129\n"			/* 20 */
		"  192.0.2.8 {\n  }\n"
		"  192.0.2.9\n"
		"  2001:db8::9\n"
		"  192.0.2.9/24\n"			/* 25 */
		"  192.0.2.10 dev eth1 brd 2001:db8::1\n"
		"  1.2.3\n"
		" }\n}\n",
		"t.conf:5: virtual_ipaddress: option \"use_vmac\" on an "
		"address line is not supported by vipd\n"
		"t.conf:6: virtual_ipaddress: \"galaxy\" is not a number in "
		"0..255\n"
		"t.conf:7: virtual_ipaddress: unknown option \"frobnicate\"\n"
		"t.conf:8: virtual_ipaddress: \"dev\" needs an interface name\n"
		"t.conf:9: virtual_ipaddress: \"dev\" given twice\n"
		"t.conf:10: virtual_ipaddress: dev: \"eth1:x\" is not a valid "
		"interface name\n"
		"t.conf:11: virtual_ipaddress: \"192.0.2.300\" is not an IPv4 "
		"or IPv6 address\n"
		"t.conf:12: virtual_ipaddress: \"192.0.2.7/33\": prefix length "
		"must be 1..32\n"
		"t.conf:13: virtual_ipaddress: \"192.0.2.7/0\": prefix length "
		"must be 1..32\n"
		"t.conf:14: virtual_ipaddress: \"192.0.2.7/x\": prefix length "
		"must be 1..32\n"
		"t.conf:15: virtual_ipaddress: \"224.0.0.18\" is not a unicast "
		"address\n"
		"t.conf:16: virtual_ipaddress: \"0.0.0.0\" is not a unicast "
		"address\n"
		"t.conf:17: virtual_ipaddress: \"255.255.255.255\" is not a "
		"unicast address\n"
		"t.conf:18: virtual_ipaddress: \"::\" is not a unicast "
		"address\n"
		"t.conf:19: virtual_ipaddress: \"ff02::12\" is not a unicast "
		"address\n"
		"t.conf:20: virtual_ipaddress: \"2001:db8::1/129\": prefix "
		"length must be 1..128\n"
		"t.conf:21: virtual_ipaddress: unexpected \"{\"\n"
		"t.conf:24: virtual_ipaddress: \"2001:db8::9\" is IPv6 but "
		"this instance's addresses are IPv4 (one family per "
		"vrrp_instance)\n"
		"t.conf:25: warning: virtual_ipaddress: \"192.0.2.9/24\" is "
		"listed twice (first at line 23), the copy is ignored (as "
		"keepalived does)\n"
		"t.conf:26: virtual_ipaddress: brd \"2001:db8::1\" is not an "
		"IPv4 address\n"
		"t.conf:27: virtual_ipaddress: \"1.2.3\" is not an IPv4 or "
		"IPv6 address\n"));
}

static void test_err_vip_limit(void **state)
{
	char *s, *p;
	size_t i;

	(void)state;
	s = malloc(300 * 24 + 200);
	assert_non_null(s);
	p = s + sprintf(s, "vrrp_instance A {\ninterface eth0\n"
			"virtual_router_id 1\nvirtual_ipaddress {\n");
	for (i = 0; i < 256; i++)
		p += sprintf(p, "10.0.%zu.%zu\n", i / 200, i % 200 + 1);
	strcpy(p, "}\n}\n");
	conf_free(parse_expect(s, "t.conf:260: virtual_ipaddress: more than "
			       "255 addresses\n"));
	free(s);
}

static void test_err_ipv6_version(void **state)
{
	(void)state;
	conf_free(parse_expect("vrrp_instance A {\n interface eth0\n"
			       " virtual_router_id 1\n version 2\n"
			       " virtual_ipaddress {\n 2001:db8::1\n }\n}\n",
			       "t.conf:4: version 2 cannot be used with IPv6 "
			       "addresses (VRRPv2 is IPv4 only)\n"));
	/* a global vrrp_version 2 is only a default: IPv6 forces 3 */
	conf_free(parse_expect("global_defs {\n vrrp_version 2\n}\n"
			       "vrrp_instance A {\n interface eth0\n"
			       " virtual_router_id 1\n advert_int 0.5\n"
			       " virtual_ipaddress {\n 2001:db8::1\n }\n}\n",
			       ""));
}

static void test_err_structure(void **state)
{
	(void)state;
	conf_free(parse_expect("}\n", "t.conf:1: unexpected \"}\"\n"));
	conf_free(parse_expect("vrrp_instance A {\n interface eth0\n",
			       "t.conf:1: \"vrrp_instance\" block is not "
			       "closed at the end of the file\n"
			       "t.conf:1: vrrp_instance A: missing required "
			       "keyword \"virtual_router_id\"\n"
			       "t.conf:1: warning: vrrp_instance A: no virtual_ipaddress; "
			       "keepalived warns and runs it moving nothing, vipd leaves the "
			       "instance out\n"));
	conf_free(parse_expect("virtual_server 192.0.2.1 25 {\n"
			       " real_server 192.0.2.2 25 {\n",
			       "t.conf:1: \"virtual_server\" is refused by "
			       "design: LVS load balancing; vipd does VRRP "
			       "failover only\n"
			       "t.conf:1: \"virtual_server\" block is not "
			       "closed at the end of the file\n"));
	conf_free(parse_expect("{\n", "t.conf:1: unexpected \"{\"\n"
			       "t.conf:1: block is not closed at the end of "
			       "the file\n"));
	conf_free(parse_expect("\"abc {\n}\n",
			       "t.conf:1: unterminated quoted string\n"
			       "t.conf:2: unexpected \"}\"\n"));
	conf_free(parse_expect("bad\001word {\n x y\n}\nfoo\n",
			       "t.conf:1: invalid control character\n"
			       "t.conf:4: unknown keyword \"foo\" in top "
			       "level\n"));
	conf_free(parse_expect("include /etc/x.conf\n",
			       "t.conf:1: include: not available here (the "
			       "configuration was not read from a file)\n"));
	conf_free(parse_expect("include\n",
			       "t.conf:1: include: missing argument\n"));
	conf_free(parse_expect("include conf.d/{a,b}.conf # x\n",
			       "t.conf:1: include: not available here (the "
			       "configuration was not read from a file)\n"));
	conf_free(parse_expect("include a {\n",
			       "t.conf:1: include: unexpected argument "
			       "\"{\"\n"));
	conf_free(parse_expect("global_defs { include a }\n",
			       "t.conf:1: include: not available here (the "
			       "configuration was not read from a file)\n"));
}

static void test_err_unknown(void **state)
{
	(void)state;
	conf_free(parse_expect(
		"global_defs {\n"
		" notification_email {\n  root@example.com\n }\n"
		" vrrp_strict\n"
		" router_idd x\n"
		" priority 5\n"
		"}\n"
		"vrrp_script chk {\n script \"/bin/true\"\n}\n"	/* 9 */
		"vrrp_sync_group G {\n group {\n  VI_1\n }\n}\n"
		"frobnicate\n"						/* 17 */
		"$VAR=1\n"
		"@mx1 router_id x\n"
		"~SEQ(i,1,3)\n"
		"includer x.conf\n"					/* 21 */
		"virtual_ipaddress {\n 192.0.2.1\n}\n"
		"vrrp_instance VI_1 {\n"				/* 25 */
		" interface eth0\n virtual_router_id 51\n"
		" virtual_ipaddress {\n 192.0.2.1\n }\n"
		" mcast_dst_ip 224.0.0.19\n old_unicast_checksum\n no_accept\n"	/* 31 */
		" notify_master bin/x\n"
		" preempt\n"
		" use_ipvlan\n"
		" router_id x\n"
		" auth_type PASS\n"					/* 38 */
		" bogus 1 2 {\n  { }\n }\n"
		" vrrp_instance X {\n }\n"
		"}\n",
		"t.conf:2: warning: \"notification_email\" is ignored: vipd "
		"does not send email alerts (use notify scripts)\n"
		"t.conf:6: unknown keyword \"router_idd\" in global_defs\n"
		"t.conf:7: \"priority\" is not valid in global_defs (it "
		"belongs in vrrp_instance)\n"
		"t.conf:17: unknown keyword \"frobnicate\" in top level\n"
		"t.conf:21: include: not available here (the configuration was "
		"not read from a file)\n"
		"t.conf:22: \"virtual_ipaddress\" is not valid in top level "
		"(it belongs in vrrp_instance)\n"
		"t.conf:31: \"mcast_dst_ip\" (VRRP groups other than "
		"224.0.0.18 and ff02::12) is not supported yet by vipd\n"
		"t.conf:32: \"old_unicast_checksum\" (keepalived's pre-1.3.6 "
		"unicast checksum) is not supported yet by vipd\n"
		"t.conf:33: \"no_accept\" is refused: mail needs the VIP to "
		"accept traffic (vipd always runs in Accept_Mode)\n"
		"t.conf:34: notify_master: \"bin/x\" is a relative path (give "
		"an absolute one, or a bare name to look up on PATH)\n"
		"t.conf:36: \"use_ipvlan\" (virtual MAC interfaces) is not "
		"supported yet by vipd\n"
		"t.conf:37: \"router_id\" is not valid in vrrp_instance (it "
		"belongs in global_defs)\n"
		"t.conf:38: \"auth_type\" is not valid in vrrp_instance (it "
		"belongs in authentication)\n"
		"t.conf:39: unknown keyword \"bogus\" in vrrp_instance\n"
		"t.conf:42: \"vrrp_instance\" is not valid in vrrp_instance "
		"(it belongs in top level)\n"
		"t.conf:25: vrrp_instance VI_1: strict mode without \"accept\" "
		"drops all traffic to the VIP in keepalived (no_accept); vipd "
		"always accepts it, which mail needs: add \"accept\" to the "
		"instance\n"));
}

static void test_err_duplicates(void **state)
{
	static const char text[] =
		"vrrp_instance A {\n interface eth0\n virtual_router_id 7\n"
		" virtual_ipaddress {\n 192.0.2.1\n }\n}\n"
		"vrrp_instance B {\n interface eth0\n virtual_router_id 7\n"
		" virtual_ipaddress {\n 192.0.2.2\n }\n}\n"		/* 8 */
		"vrrp_instance A {\n interface eth1\n virtual_router_id 7\n"
		" virtual_ipaddress {\n 192.0.2.3\n }\n}\n"		/* 15 */
		"vrrp_instance C {\n interface eth0\n virtual_router_id 8\n"
		" virtual_ipaddress {\n 192.0.2.4\n }\n}\n";		/* 22 */

	(void)state;
	conf_free(parse_expect(text,
			       "t.conf:15: vrrp_instance A: duplicate name "
			       "(first at t.conf:1)\n"
			       "t.conf:8: vrrp_instance B: virtual_router_id 7 "
			       "on eth0 (IPv4) is already used by "
			       "vrrp_instance A (t.conf:1)\n"));
}

/* Parser: hostile input ------------------------------------------------ */

static struct conf *parse_big(const char *buf, size_t len,
			      struct conf_diag *d)
{
	memset(d, 0, sizeof(*d));
	return conf_parse_buf("big.conf", buf, len, d);
}

static void test_hostile(void **state)
{
	size_t n = 1000000, i;
	char *buf = malloc(n + 1);
	struct conf_diag d;
	struct conf *c;

	(void)state;
	assert_non_null(buf);
	memset(buf, '{', n);
	c = parse_big(buf, n, &d);
	assert_null(c);
	assert_int_equal(d.nerrors, 3);
	assert_string_equal(d.msgs[0].text, "big.conf:1: unexpected \"{\"");
	assert_string_equal(d.msgs[1].text,
			    "big.conf:1: blocks nested more than 16 deep");
	assert_string_equal(d.msgs[2].text, "big.conf:1: block is not closed "
			    "at the end of the file");
	conf_diag_free(&d);

	memset(buf, '}', n);
	c = parse_big(buf, n, &d);
	assert_null(c);
	assert_int_equal(d.nerrors, CONF_ERRORS_MAX + 1);
	assert_int_equal(d.nmsgs, CONF_ERRORS_MAX + 1);
	assert_string_equal(d.msgs[CONF_ERRORS_MAX].text,
			    "big.conf:1: too many errors, stopping here");
	conf_diag_free(&d);

	memset(buf, '\n', n);		/* a million empty lines */
	c = parse_big(buf, n, &d);
	assert_non_null(c);
	conf_free(c);
	conf_diag_free(&d);

	memset(buf, 'a', n);		/* a huge word */
	c = parse_big(buf, n, &d);
	assert_null(c);
	assert_int_equal(d.nerrors, 1);
	assert_string_equal(d.msgs[0].text,
			    "big.conf:1: word longer than 1024 bytes");
	conf_diag_free(&d);

	for (i = 0; i < n; i++)		/* binary noise */
		buf[i] = (char)(i * 7919 >> 3);
	c = parse_big(buf, n, &d);
	assert_null(c);
	assert_true(d.nerrors >= 1 && d.nerrors <= CONF_ERRORS_MAX + 1);
	conf_diag_free(&d);

	for (i = 0; i < n; i++)		/* "{ " and "} " deeply nested */
		buf[i] = i < n / 2 ? (i % 2 ? ' ' : '{') : (i % 2 ? ' ' : '}');
	c = parse_big(buf, n, &d);
	assert_null(c);
	assert_int_equal(d.nerrors, 2);
	conf_diag_free(&d);
	free(buf);
}

static void test_many_instances(void **state)
{
	size_t n = CONF_INSTANCES_MAX + 1, i, len = 0, last = 0;
	char *buf = malloc(n * 120);
	struct conf_diag d;
	struct conf *c;

	(void)state;
	assert_non_null(buf);
	for (i = 0; i < n; i++) {
		last = len;
		len += (size_t)sprintf(buf + len, "vrrp_instance I%zu {\n"
				       "interface e%zu\nvirtual_router_id 1\n"
				       "virtual_ipaddress {\n2001:db8::%zx\n}\n"
				       "}\n", i, i, i + 1);
	}
	c = parse_big(buf, len, &d);
	assert_null(c);
	assert_int_equal(d.nerrors, 1);
	assert_string_equal(d.msgs[0].text, "big.conf:28673: vrrp_instance: "
			    "more than 4096 instances");
	conf_diag_free(&d);
	c = parse_big(buf, last, &d);		/* without the last one */
	assert_non_null(c);
	assert_int_equal(c->ninstances, CONF_INSTANCES_MAX);
	conf_free(c);
	conf_diag_free(&d);
	free(buf);
}

static void test_warning_cap(void **state)
{
	size_t n = CONF_WARNINGS_MAX + 5, i, len = 0;
	char *buf = malloc(n * 200);
	struct conf_diag d;
	struct conf *c;

	(void)state;
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(buf + len, "vrrp_instance I%zu {\n"
				       "interface e%zu\nvirtual_router_id 1\n"
				       "authentication {\nauth_type PASS\n"
				       "auth_pass 123456789\n}\n"
				       "virtual_ipaddress {\n192.0.2.%zu\n}\n}\n",
				       i, i, i + 1);
	c = parse_big(buf, len, &d);
	assert_non_null(c);
	assert_int_equal(d.nmsgs, CONF_WARNINGS_MAX + 1);
	assert_string_equal(d.msgs[CONF_WARNINGS_MAX].text,
			    "big.conf:556: warning: too many warnings, not "
			    "showing more");
	conf_free(c);
	conf_diag_free(&d);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_err_instance_values),
		cmocka_unit_test(test_warn_preempt),
		cmocka_unit_test(test_err_advert),
		cmocka_unit_test(test_err_names),
		cmocka_unit_test(test_err_auth),
		cmocka_unit_test(test_err_vips),
		cmocka_unit_test(test_err_vip_limit),
		cmocka_unit_test(test_err_ipv6_version),
		cmocka_unit_test(test_err_structure),
		cmocka_unit_test(test_err_unknown),
		cmocka_unit_test(test_err_duplicates),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_many_instances),
		cmocka_unit_test(test_warning_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
