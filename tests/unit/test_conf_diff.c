/* SPDX-License-Identifier: ISC */
/* Unit tests: which instances and checks a reload sees as unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf/conf.h"
#include "conf/conf_diff.h"

static const char base[] =
	"smtp_check mx {\n    connect_port 25\n    weight -10\n}\n"
	"vrrp_instance VI_1 {\n"
	"    interface eth0\n    virtual_router_id 51\n    priority 100\n"
	"    advert_int 1\n    default_checks off\n"
	"    notify_master \"/usr/local/bin/up VI_1\"\n"
	"    track_check {\n        mx\n    }\n"
	"    virtual_ipaddress {\n        203.0.113.5/24\n"
	"        203.0.113.6/24 dev eth1\n    }\n"
	"    virtual_routes {\n"
	"        src 203.0.113.5 to 198.51.100.0/24 via 203.0.113.254\n"
	"    }\n"
	"    virtual_rules {\n        from 203.0.113.5 table 100\n    }\n"
	"}\n";

static struct conf *
parse(const char *text)
{
	struct conf_diag d = { 0 };
	struct conf *c = conf_parse_buf("t.conf", text, strlen(text), &d);

	if (c == NULL && d.nmsgs > 0)
		fprintf(stderr, "%s\n", d.msgs[0].text);
	conf_diag_free(&d);
	assert_non_null(c);
	return c;
}

/* base with the first occurrence of from replaced by to. */
static struct conf *
variant(const char *from, const char *to)
{
	const char *at = strstr(base, from);
	char buf[2048];

	assert_non_null(at);
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - base), base, to,
	    at + strlen(from));
	return parse(buf);
}

static bool
same(const char *from, const char *to)
{
	struct conf *a = parse(base), *b = variant(from, to);
	bool r = conf_same_instance(a, &a->instances[0], b,
	    &b->instances[0]);

	assert_true(conf_same_router(&a->instances[0], &b->instances[0]) ||
	    !r);
	conf_free(a);
	conf_free(b);
	return r;
}

static void
test_unchanged(void **state)
{
	(void)state;
	/* Same text; comments and blank lines move every line number. */
	assert_true(same("vrrp_instance", "vrrp_instance"));
	assert_true(same("vrrp_instance", "# moved\n\nvrrp_instance"));
	/* The VIPs in the same order with another spacing. */
	assert_true(same("203.0.113.5/24", "203.0.113.5/24   "));
}

static void
test_changed(void **state)
{
	(void)state;
	assert_false(same("priority 100", "priority 150"));
	assert_false(same("advert_int 1", "advert_int 2"));
	assert_false(same("203.0.113.5/24\n", "203.0.113.5/24\n"
	    "        203.0.113.7/24\n"));
	assert_false(same("203.0.113.6/24 dev eth1", "203.0.113.6/24"));
	assert_false(same("up VI_1", "up2 VI_1"));
	assert_false(same("weight -10", "weight -20"));
	assert_false(same("    default_checks off\n",
	    "    default_checks off\n    nopreempt\n"));
	/* Address options, routes and rules count too. */
	assert_false(same("203.0.113.6/24 dev eth1",
	    "203.0.113.6/24 dev eth1 label eth1:mx"));
	assert_false(same("203.0.113.5/24\n", "203.0.113.5/24 brd +\n"));
	assert_false(same("via 203.0.113.254", "via 203.0.113.253"));
	assert_false(same("via 203.0.113.254", "via 203.0.113.254 metric 5"));
	assert_false(same("table 100\n", "table 101\n"));
	assert_false(same("    virtual_rules {", "    virtual_rules {\n"
	    "        to 192.0.2.0/24 table 7"));
	assert_true(same("via 203.0.113.254\n", "via   203.0.113.254  \n"));
}

static void
test_router_identity(void **state)
{
	struct conf *a = parse(base), *b;

	(void)state;
	b = variant("virtual_router_id 51", "virtual_router_id 52");
	assert_false(conf_same_router(&a->instances[0], &b->instances[0]));
	conf_free(b);
	b = variant("interface eth0", "interface eth2");
	assert_false(conf_same_router(&a->instances[0], &b->instances[0]));
	conf_free(b);
	b = variant("VI_1 {", "VI_9 {");
	assert_false(conf_same_router(&a->instances[0], &b->instances[0]));
	conf_free(b);
	b = variant("priority 100", "priority 200");
	assert_true(conf_same_router(&a->instances[0], &b->instances[0]));
	conf_free(b);
	conf_free(a);
}

static void
test_checks(void **state)
{
	struct conf *a = parse(base), *b;

	(void)state;
	/* The weight is the instance's business: the check keeps running. */
	b = variant("weight -10", "weight -20");
	assert_true(conf_same_check(&a->checks[0], &b->checks[0]));
	conf_free(b);
	b = variant("connect_port 25", "connect_port 2525");
	assert_false(conf_same_check(&a->checks[0], &b->checks[0]));
	conf_free(b);
	{
		struct conf_check other = a->checks[0];

		snprintf(other.name, sizeof(other.name), "mx2");
		assert_false(conf_same_check(&a->checks[0], &other));
		other = a->checks[0];
		other.line += 7;
		assert_true(conf_same_check(&a->checks[0], &other));
	}
	conf_free(a);
}

static void
test_has_vip(void **state)
{
	struct conf *a = parse(base);
	const struct conf_instance *in = &a->instances[0];
	struct conf_vip v = in->vips[1];

	(void)state;
	assert_true(conf_has_vip(in->vips, in->nvips, &in->vips[0]));
	assert_true(conf_has_vip(in->vips, in->nvips, &v));
	v.dev[0] = '\0';
	assert_false(conf_has_vip(in->vips, in->nvips, &v));
	v = in->vips[0];
	v.prefixlen = 32;
	assert_false(conf_has_vip(in->vips, in->nvips, &v));
	v = in->vips[0];
	v.line += 9;
	assert_true(conf_has_vip(in->vips, in->nvips, &v));
	strcpy(v.label, "eth0:mx");	/* cannot change in place */
	assert_false(conf_has_vip(in->vips, in->nvips, &v));
	assert_false(conf_has_vip(in->vips, 0, &in->vips[0]));
	conf_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unchanged),
		cmocka_unit_test(test_changed),
		cmocka_unit_test(test_router_identity),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_has_vip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
