/* SPDX-License-Identifier: ISC */
/* Unit tests for use_vmac / vmac_xmit_base in the configuration parser. */
#include "conf_fixture.h"

static void
test_default_name(void **state)
{
	struct conf *c;
	char *out;

	(void)state;
	c = inst_ok("use_vmac");
	assert_true(c->instances[0].use_vmac);
	assert_false(c->instances[0].vmac_xmit_base);
	assert_string_equal(c->instances[0].vmac_name, "vrrp.51");
	out = print_to_string(c);
	assert_non_null(strstr(out, "    use_vmac vrrp.51\n"));
	assert_null(strstr(out, "vmac_xmit_base"));
	free(out);
	conf_free(c);
	/* Without use_vmac nothing is printed or set. */
	c = inst_ok("");
	assert_false(c->instances[0].use_vmac);
	out = print_to_string(c);
	assert_null(strstr(out, "use_vmac"));
	free(out);
	conf_free(c);
}

static void
test_named_xmit_base(void **state)
{
	struct conf *c;
	char *out;

	(void)state;
	c = inst_ok("use_vmac vmac-mx\nvmac_xmit_base");
	assert_string_equal(c->instances[0].vmac_name, "vmac-mx");
	assert_true(c->instances[0].vmac_xmit_base);
	out = print_to_string(c);
	assert_non_null(strstr(out, "    use_vmac vmac-mx\n"
	    "    vmac_xmit_base\n"));
	free(out);
	conf_free(c);
}

/* A v4 and a v6 instance of VRID 51: keepalived names them vrrp.51, vrrp6.51. */
static void
test_name_clash_defaults(void **state)
{
	static const char text[] =
	    "vrrp_instance A {\n interface eth0\n virtual_router_id 51\n"
	    " use_vmac\n virtual_ipaddress {\n  192.0.2.10/24\n }\n}\n"
	    "vrrp_instance B {\n interface eth0\n virtual_router_id 51\n"
	    " use_vmac\n virtual_ipaddress {\n  2001:db8::10/64\n }\n}\n"
	    "vrrp_instance C {\n interface eth1\n virtual_router_id 51\n"
	    " use_vmac\n virtual_ipaddress {\n  198.51.100.10/24\n }\n}\n";
	struct conf *c = parse_expect(text, "");

	(void)state;
	assert_non_null(c);
	assert_string_equal(c->instances[0].vmac_name, "vrrp.51");
	assert_string_equal(c->instances[1].vmac_name, "vrrp6.51");
	assert_string_equal(c->instances[2].vmac_name, "vrrp1.51");
	conf_free(c);
}

static void
test_errors(void **state)
{
	static const char two[] =
	    "vrrp_instance A {\n interface eth0\n virtual_router_id 51\n"
	    " use_vmac vm0\n virtual_ipaddress {\n  192.0.2.10/24\n }\n}\n"
	    "vrrp_instance B {\n interface eth0\n virtual_router_id 52\n"
	    " use_vmac vm0\n virtual_ipaddress {\n  192.0.2.11/24\n }\n}\n";

	(void)state;
	inst_expect("use_vmac 00:00:5e:00:01:33",
	    "t.conf:7: use_vmac: a MAC address other than the VRRP virtual "
	    "MAC (00:00:5e:00:01:VRID) is not supported\n");
	inst_expect("use_vmac vm0 00:00:5e:00:01",
	    "t.conf:7: use_vmac: a MAC address other than the VRRP virtual "
	    "MAC (00:00:5e:00:01:VRID) is not supported\n");
	inst_expect("use_vmac abcdefghijklmnop",
	    "t.conf:7: use_vmac: abcdefghijklmnop is not a valid "
	    "interface name\n");
	inst_expect("use_vmac a/b",
	    "t.conf:7: use_vmac: a/b is not a valid interface name\n");
	inst_expect("use_vmac eth0",
	    "t.conf:7: use_vmac: eth0 is already an interface or "
	    "virtual MAC interface of this file\n");
	conf_free(parse_expect(two,
	    "t.conf:12: use_vmac: vm0 is already an interface or "
	    "virtual MAC interface of this file\n"));
	inst_expect("vmac_xmit_base x",
	    "t.conf:7: vmac_xmit_base: unexpected argument \"x\"\n"
	    "t.conf:7: warning: vmac_xmit_base has no effect without "
	    "use_vmac\n");
}

static void
test_warnings(void **state)
{
	struct conf *c;

	(void)state;
	inst_expect("vmac_xmit_base",
	    "t.conf:7: warning: vmac_xmit_base has no effect without "
	    "use_vmac\n");
	c = parse_expect("vrrp_instance A {\n interface eth0\n"
	    " virtual_router_id 51\n use_vmac\n"
	    " unicast_peer {\n  192.0.2.2\n }\n"
	    " virtual_ipaddress {\n  192.0.2.10/24\n }\n}\n",
	    "t.conf:4: warning: use_vmac with unicast_peer needs "
	    "vmac_xmit_base: adverts are sent and received on eth0\n");
	assert_non_null(c);
	assert_true(c->instances[0].vmac_xmit_base);
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_name),
		cmocka_unit_test(test_named_xmit_base),
		cmocka_unit_test(test_name_clash_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_warnings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
