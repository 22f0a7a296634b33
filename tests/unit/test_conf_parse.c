/* SPDX-License-Identifier: ISC */
/* Unit tests for the configuration parser: values, defaults and print round trips. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "conf_fixture.h"

/* Parser: values ------------------------------------------------------- */

static void test_seed(void **state)
{
	struct conf_diag d = { 0 };
	struct conf *c;
	const struct conf_instance *in;
	uint8_t a[4];

	(void)state;
	c = conf_parse_buf("keepalived.conf", seed_master,
			   sizeof(seed_master) - 1, &d);
	assert_non_null(c);
	assert_int_equal(d.nerrors, 0);
	assert_int_equal(d.nwarnings, 1);
	assert_int_equal(d.nmsgs, 1);
	assert_int_equal(d.msgs[0].severity, CONF_SEV_WARNING);
	assert_string_equal(d.msgs[0].text, "keepalived.conf:11: warning: "
			    "auth_pass: longer than 8 characters, only the "
			    "first 8 are used (as keepalived does)");
	assert_string_equal(c->router_id, "");
	assert_int_equal(c->vrrp_version, 2);
	assert_int_equal(c->ninstances, 1);
	assert_int_equal(c->nfiles, 1);
	assert_string_equal(c->files[0], "keepalived.conf");
	in = &c->instances[0];
	assert_string_equal(in->name, "VI_1");
	assert_ptr_equal(in->file, c->files[0]);
	assert_int_equal(in->line, 2);
	assert_int_equal(in->init_state, CONF_STATE_MASTER);
	assert_string_equal(in->interface, "eth0");
	assert_int_equal(in->vrid, 51);
	assert_int_equal(in->priority, 100);
	assert_int_equal(in->version, 2);
	assert_int_equal(in->family, AF_INET);
	assert_int_equal(in->advert_int_cs, 100);
	assert_false(in->nopreempt);
	assert_int_equal(in->preempt_delay_ms, 0);
	assert_int_equal(in->auth_type, CONF_AUTH_PASS);
	assert_memory_equal(in->auth_pass, "SecurePa", 8);
	assert_int_equal(in->nvips, 1);
	inet_pton(AF_INET, "203.0.113.5", a);
	assert_int_equal(in->vips[0].family, AF_INET);
	assert_memory_equal(in->vips[0].addr, a, 4);
	assert_int_equal(in->vips[0].prefixlen, 24);
	assert_string_equal(in->vips[0].dev, "");
	assert_int_equal(in->vips[0].line, 15);
	assert_round_trip(c);
	conf_free(c);
	conf_diag_free(&d);
}

static void test_seed_backup_print(void **state)
{
	static const char want[] =
		"global_defs {\n"
		"    vrrp_version 2\n"
		"    vrrp_garp_master_delay 5\n"
		"    vrrp_garp_master_repeat 5\n"
		"    vrrp_garp_master_refresh 0\n"
		"    vrrp_garp_master_refresh_repeat 1\n"
		"    vrrp_garp_lower_prio_delay 5\n"
		"    vrrp_garp_lower_prio_repeat 5\n"
		"    vrrp_lower_prio_no_advert off\n"
		"    vrrp_higher_prio_send_advert off\n"
		"    vrrp_skip_check_adv_addr off\n"
		"    postfix_config_dir /etc/postfix\n"
		"    default_smtp_ip 127.0.0.1\n"
		"    default_smtp_port 25\n"
		"}\n"
		"\n"
		"smtp_check default_smtp {\n"
		"    connect_ip 127.0.0.1\n"
		"    connect_port 25\n"
		"    starttls off\n"
		"    interval 1\n"
		"    timeout 5\n"
		"    step_timeout 2\n"
		"    rise 1\n"
		"    fall 1\n"
		"    weight 0\n"
		"}\n"
		"\n"
		"postfix_check default_postfix {\n"
		"    config_dir /etc/postfix\n"
		"    max_incoming_age 300\n"
		"    max_active_age 900\n"
		"    max_deferred 0\n"
		"    max_hold 0\n"
		"    max_corrupt 0\n"
		"    master_poll 0.01\n"
		"    interval 1\n"
		"    rise 1\n"
		"    fall 1\n"
		"    weight 0\n"
		"}\n"
		"\n"
		"vrrp_instance VI_1 {\n"
		"    state BACKUP\n"
		"    interface eth0\n"
		"    virtual_router_id 51\n"
		"    priority 90\n"
		"    version 2\n"
		"    advert_int 1\n"
		"    preempt_delay 0\n"
		"    garp_master_delay 5\n"
		"    garp_master_repeat 5\n"
		"    garp_master_refresh 0\n"
		"    garp_master_refresh_repeat 1\n"
		"    garp_lower_prio_delay 5\n"
		"    garp_lower_prio_repeat 5\n"
		"    lower_prio_no_advert off\n"
		"    higher_prio_send_advert off\n"
		"    authentication {\n"
		"        auth_type PASS\n"
		"        auth_pass SecurePa\n"
		"    }\n"
		"    virtual_ipaddress {\n"
		"        203.0.113.5/24\n"
		"    }\n"
		"    default_checks on\n"
		"    track_check {\n"
		"        default_smtp weight 0\n"
		"        default_postfix weight 0\n"
		"    }\n"
		"}\n";
	char text[sizeof(seed_master) + 8], *p, *out;
	struct conf *c;

	(void)state;
	strcpy(text, seed_master);
	p = strstr(text, "MASTER\n");
	memcpy(p, "BACKUP", 6);
	p = strstr(text, "priority 100");
	memcpy(p, "priority 90 ", 12);
	c = parse_expect(text, "t.conf:11: warning: auth_pass: longer than 8 "
			 "characters, only the first 8 are used (as "
			 "keepalived does)\n");
	assert_non_null(c);
	assert_int_equal(c->instances[0].init_state, CONF_STATE_BACKUP);
	assert_int_equal(c->instances[0].priority, 90);
	out = print_to_string(c);
	assert_string_equal(out, want);
	free(out);
	conf_free(c);
}

static void test_defaults(void **state)
{
	struct conf *c = inst_ok("");
	const struct conf_instance *in = &c->instances[0];

	(void)state;
	assert_int_equal(in->init_state, CONF_STATE_BACKUP);
	assert_int_equal(in->priority, 100);
	assert_int_equal(in->version, 2);
	assert_int_equal(in->advert_int_cs, 100);
	assert_false(in->nopreempt);
	assert_int_equal(in->preempt_delay_ms, 0);
	assert_int_equal(in->auth_type, CONF_AUTH_NONE);
	assert_memory_equal(in->auth_pass, "\0\0\0\0\0\0\0\0", 8);
	assert_round_trip(c);
	conf_free(c);
}

static void test_values(void **state)
{
	struct conf *c;
	const struct conf_instance *in;

	(void)state;
	c = inst_ok("state BACKUP\npriority 254\nnopreempt\n"
		    "preempt_delay 2.5\nversion 3\nadvert_int 0.1");
	in = &c->instances[0];
	assert_int_equal(in->priority, 254);
	assert_true(in->nopreempt);
	assert_int_equal(in->preempt_delay_ms, 2500);
	assert_int_equal(in->version, 3);
	assert_int_equal(in->advert_int_cs, 10);
	assert_round_trip(c);
	conf_free(c);

	c = inst_ok("version 3\nadvert_int 0.05\npreempt_delay 1000");
	assert_int_equal(c->instances[0].advert_int_cs, 5);
	assert_int_equal(c->instances[0].preempt_delay_ms, 1000000);
	assert_round_trip(c);
	conf_free(c);

	c = inst_ok("version 3\nadvert_int 40.95\npreempt_delay 0.001");
	assert_int_equal(c->instances[0].advert_int_cs, 4095);
	assert_int_equal(c->instances[0].preempt_delay_ms, 1);
	assert_round_trip(c);
	conf_free(c);

	c = inst_ok("version 3\nadvert_int 0.100\npriority 1");
	assert_int_equal(c->instances[0].advert_int_cs, 10);
	assert_int_equal(c->instances[0].priority, 1);
	conf_free(c);

	c = inst_ok("advert_int 255");
	assert_int_equal(c->instances[0].advert_int_cs, 25500);
	conf_free(c);

	c = inst_ok("advert_int 3.000");
	assert_int_equal(c->instances[0].advert_int_cs, 300);
	conf_free(c);
}

static void test_global(void **state)
{
	struct conf *c;

	(void)state;
	c = parse_expect("global_defs {\n router_id mx1\n vrrp_version 3\n}\n"
			 "vrrp_instance A {\n interface eth0\n"
			 " virtual_router_id 1\n advert_int 0.5\n"
			 " virtual_ipaddress {\n 192.0.2.1\n }\n}\n"
			 "vrrp_instance B {\n interface eth0\n"
			 " virtual_router_id 2\n version 2\n"
			 " virtual_ipaddress {\n 192.0.2.2\n }\n}\n", "");
	assert_non_null(c);
	assert_string_equal(c->router_id, "mx1");
	assert_int_equal(c->vrrp_version, 3);
	assert_int_equal(c->instances[0].version, 3);
	assert_int_equal(c->instances[0].advert_int_cs, 50);
	assert_int_equal(c->instances[0].vips[0].prefixlen, 32);
	assert_int_equal(c->instances[1].version, 2);
	assert_round_trip(c);
	conf_free(c);

	/* global_defs after the instance still sets the default */
	c = parse_expect("vrrp_instance A {\n interface eth0\n"
			 " virtual_router_id 1\n advert_int 0.5\n"
			 " virtual_ipaddress {\n 192.0.2.1\n }\n}\n"
			 "global_defs {\n vrrp_version 3\n}\n", "");
	assert_non_null(c);
	assert_int_equal(c->instances[0].version, 3);
	conf_free(c);

	/* two global_defs blocks are fine; a repeated keyword is not */
	conf_free(parse_expect("global_defs {\n router_id a\n}\n"
			       "global_defs {\n router_id b\n}\n",
			       "t.conf:5: duplicate \"router_id\" (first at "
			       "line 2)\n"));
	c = parse_expect("global_defs {\n router_id \"mail host\"\n}\n",
			 "t.conf: warning: no vrrp_instance defined\n");
	assert_non_null(c);
	assert_int_equal(c->ninstances, 0);
	assert_string_equal(c->router_id, "mail host");
	assert_round_trip(c);
	conf_free(c);
	c = parse_expect("", "t.conf: warning: no vrrp_instance defined\n");
	assert_non_null(c);
	conf_free(c);
}

static void test_ipv6(void **state)
{
	static const char text[] =
		"vrrp_instance V6 {\n"
		"    interface eth0\n"
		"    virtual_router_id 51\n"
		"    advert_int 0.25\n"
		"    authentication {\n"
		"        auth_type PASS\n"
		"        auth_pass secret\n"
		"    }\n"
		"    virtual_ipaddress {\n"
		"        2001:db8::5\n"
		"        2001:db8:0:1::5/64 dev eth1\n"
		"    }\n"
		"}\n"
		"vrrp_instance V4 {\n"
		"    interface eth0\n"
		"    virtual_router_id 51\n"
		"    virtual_ipaddress {\n"
		"        203.0.113.5\n"
		"    }\n"
		"}\n";
	struct conf *c;
	const struct conf_instance *in;
	uint8_t a[16];

	(void)state;
	c = parse_expect(text, "t.conf:5: warning: authentication is ignored "
			 "with VRRPv3 (as keepalived does)\n");
	assert_non_null(c);
	in = &c->instances[0];
	assert_int_equal(in->family, AF_INET6);
	assert_int_equal(in->version, 3);
	assert_int_equal(in->advert_int_cs, 25);
	assert_int_equal(in->auth_type, CONF_AUTH_NONE);
	assert_memory_equal(in->auth_pass, "\0\0\0\0\0\0\0\0", 8);
	assert_int_equal(in->nvips, 2);
	inet_pton(AF_INET6, "2001:db8::5", a);
	assert_memory_equal(in->vips[0].addr, a, 16);
	assert_int_equal(in->vips[0].prefixlen, 128);
	assert_int_equal(in->vips[1].prefixlen, 64);
	assert_string_equal(in->vips[1].dev, "eth1");
	/* same VRID and interface, other family: allowed */
	assert_int_equal(c->instances[1].family, AF_INET);
	assert_int_equal(c->instances[1].version, 2);
	assert_round_trip(c);
	conf_free(c);
}

static void test_quoted_values(void **state)
{
	struct conf *c;

	(void)state;
	c = parse_expect("vrrp_instance \"my vi\" {\n interface eth0\n"
			 " virtual_router_id 9\n authentication {\n"
			 "  auth_type PASS\n  auth_pass \"a b#{\"\n }\n"
			 " virtual_ipaddress {\n 192.0.2.1 dev \"eth1\"\n }\n"
			 "}\n", "");
	assert_non_null(c);
	assert_string_equal(c->instances[0].name, "my vi");
	assert_memory_equal(c->instances[0].auth_pass, "a b#{\0\0\0", 8);
	assert_string_equal(c->instances[0].vips[0].dev, "eth1");
	assert_round_trip(c);
	conf_free(c);

	/* exactly 8 bytes; backslashes, quotes and tabs kept as written */
	c = inst_ok("authentication {\nauth_type PASS\nauth_pass 12345678\n}");
	assert_memory_equal(c->instances[0].auth_pass, "12345678", 8);
	assert_round_trip(c);
	conf_free(c);
	c = inst_ok("authentication {\nauth_type PASS\nauth_pass it's\\n\n}");
	assert_memory_equal(c->instances[0].auth_pass, "it's\\n\0\0", 8);
	assert_round_trip(c);
	conf_free(c);
	c = inst_ok("authentication {\nauth_type PASS\nauth_pass \"\t\"\n}");
	assert_memory_equal(c->instances[0].auth_pass, "\t\0", 2);
	assert_round_trip(c);
	conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_seed_backup_print),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_global),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_quoted_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
