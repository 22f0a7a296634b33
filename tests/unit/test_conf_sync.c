/* SPDX-License-Identifier: ISC */
/* vrrp_sync_group: parsing, errors and warnings as keepalived, printing. */

#include "conf_fixture.h"

/* Two instances (VI_PUB line 1, VI_INT line 12), then @group from line 19. */
static char *
pair(const char *group)
{
	char *s;

	assert_true(asprintf(&s,
	    "vrrp_instance VI_PUB {\n"
	    "    interface eth0\n"
	    "    virtual_router_id 51\n"
	    "    priority 150\n"
	    "    track_interface {\n        eth3 weight -20\n    }\n"
	    "    virtual_ipaddress {\n        203.0.113.10/24\n    }\n"
	    "}\n"
	    "vrrp_instance VI_INT {\n"
	    "    interface eth1\n"
	    "    virtual_router_id 52\n"
	    "    virtual_ipaddress {\n        198.51.100.10/24\n    }\n"
	    "}\n"
	    "%s", group) > 0);
	return s;
}

static struct conf *
pair_expect(const char *group, const char *want)
{
	char *s = pair(group);
	struct conf *c = parse_expect(s, want);

	free(s);
	return c;
}

static void
test_group(void **state)
{
	struct conf *c, *c2;
	char *out;

	(void)state;
	c = pair_expect("vrrp_sync_group MAIL {\n"
	    "    group {\n        VI_INT\n        VI_PUB\n    }\n"
	    "    track_interface {\n        eth2\n        eth4 weight -10\n"
	    "    }\n"
	    "    notify_master \"/usr/local/bin/ha master\"\n"
	    "    notify /usr/local/bin/ha-notify\n"
	    "}\n",
	    "t.conf:6: warning: vrrp_instance VI_PUB: track_interface eth3: "
	    "weight -20 ignored in vrrp_sync_group MAIL (as keepalived: the "
	    "interface going down is a FAULT; set sync_group_tracking_weight "
	    "to keep weights)\n");
	assert_non_null(c);
	assert_int_equal(c->nsync_groups, 1);
	assert_string_equal(c->sync_groups[0].name, "MAIL");
	assert_int_equal(c->sync_groups[0].nmembers, 2);
	assert_int_equal(c->sync_groups[0].members[0].instance, 1);
	assert_int_equal(c->sync_groups[0].members[1].instance, 0);
	assert_int_equal(c->sync_groups[0].ntrack_ifs, 2);
	assert_int_equal(c->sync_groups[0].track_ifs[1].weight, -10);
	assert_string_equal(c->sync_groups[0].notify_master,
	    "/usr/local/bin/ha master");
	assert_false(c->sync_groups[0].tracking_weight);
	/* The member's own weight is gone, as keepalived does. */
	assert_int_equal(c->instances[0].track_ifs[0].weight, 0);
	assert_ptr_equal(conf_sync_group_of(c, 0), &c->sync_groups[0]);
	assert_ptr_equal(conf_sync_group_of(c, 1), &c->sync_groups[0]);
	/* The canonical form parses back to the same group, silently. */
	out = print_to_string(c);
	assert_non_null(strstr(out, "vrrp_sync_group MAIL {\n    group {\n"
	    "        VI_INT\n        VI_PUB\n    }\n    track_interface {\n"
	    "        eth2 weight 0\n        eth4 weight -10\n    }\n"));
	c2 = parse_expect(out, "");
	assert_non_null(c2);
	assert_int_equal(c2->nsync_groups, 1);
	assert_int_equal(c2->sync_groups[0].nmembers, 2);
	free(out);
	conf_free(c2);
	conf_free(c);
}

/* global_tracking: deprecated, means sync_group_tracking_weight. */
static void
test_tracking_weight(void **state)
{
	struct conf *c;
	char *out;

	(void)state;
	c = pair_expect("vrrp_sync_group MAIL {\n    group {\n"
	    "        VI_PUB VI_INT\n    }\n    global_tracking\n}\n",
	    "t.conf:23: warning: global_tracking is deprecated (as in "
	    "keepalived): it means sync_group_tracking_weight; use "
	    "track_interface in the vrrp_sync_group instead\n");
	assert_non_null(c);
	assert_true(c->sync_groups[0].tracking_weight);
	assert_int_equal(c->instances[0].track_ifs[0].weight, -20);
	out = print_to_string(c);
	assert_non_null(strstr(out, "    sync_group_tracking_weight\n}\n"));
	free(out);
	conf_free(c);
	c = pair_expect("vrrp_sync_group MAIL {\n    group {\n"
	    "        VI_PUB VI_INT\n    }\n    sync_group_tracking_weight\n}\n",
	    "");
	assert_non_null(c);
	assert_int_equal(c->instances[0].track_ifs[0].weight, -20);
	conf_free(c);
}

/* A group's own health checks, tracked by every member. */
static void
test_track_check(void **state)
{
	struct conf *c, *c2;
	char *out;

	(void)state;
	c = pair_expect("vrrp_sync_group MAIL {\n    group {\n"
	    "        VI_PUB VI_INT\n    }\n    track_check {\n"
	    "        mx weight -30\n        relay\n    }\n}\n"
	    "smtp_check mx {\n    connect_port 25\n}\n"
	    "smtp_check relay {\n    connect_port 587\n    weight -5\n}\n",
	    "t.conf:6: warning: vrrp_instance VI_PUB: track_interface eth3: "
	    "weight -20 ignored in vrrp_sync_group MAIL (as keepalived: the "
	    "interface going down is a FAULT; set sync_group_tracking_weight "
	    "to keep weights)\n");
	assert_non_null(c);
	assert_int_equal(c->sync_groups[0].ntracks, 2);
	assert_string_equal(c->checks[c->sync_groups[0].tracks[0].check].name,
	    "mx");
	assert_int_equal(c->sync_groups[0].tracks[0].weight, -30);
	assert_int_equal(c->sync_groups[0].tracks[1].weight, -5);
	assert_int_equal(c->sync_groups[0].tracks[1].line, 25);
	out = print_to_string(c);
	assert_non_null(strstr(out, "    track_check {\n        mx weight -30\n"
	    "        relay weight -5\n    }\n}\n"));
	c2 = parse_expect(out, "");
	assert_non_null(c2);
	assert_int_equal(c2->sync_groups[0].ntracks, 2);
	free(out);
	conf_free(c2);
	conf_free(c);
	assert_null(pair_expect("vrrp_sync_group MAIL {\n    group {\n"
	    "        VI_PUB VI_INT\n    }\n    track_check {\n"
	    "        nope\n        nope\n    }\n}\n",
	    "t.conf:25: track_check: \"nope\" is listed twice (first at "
	    "line 24)\n"
	    "t.conf:24: track_check: no smtp_check or postfix_check named "
	    "\"nope\"\n"));
}

/* keepalived's trackers at group level: every member tracks them. */
static void
test_trackers(void **state)
{
	struct conf *c, *c2;
	char *out;

	(void)state;
	c = pair_expect("vrrp_script chk_relay {\n    script \"/bin/true\"\n"
	    "    weight -10\n}\n"
	    "vrrp_track_file maint {\n    file /run/mail-maintenance\n}\n"
	    "vrrp_sync_group MAIL {\n    group {\n        VI_PUB VI_INT\n"
	    "    }\n    track_script {\n        chk_relay weight -20 reverse\n"
	    "    }\n    track_file {\n        maint weight 0\n    }\n"
	    "    sync_group_tracking_weight\n}\n", "");
	assert_non_null(c);
	assert_int_equal(c->sync_groups[0].ntracks, 2);
	assert_int_equal(c->checks[c->sync_groups[0].tracks[0].check].type,
	    CONF_CHECK_SCRIPT);
	assert_int_equal(c->sync_groups[0].tracks[0].weight, -20);
	assert_true(c->sync_groups[0].tracks[0].reverse);
	assert_int_equal(c->checks[c->sync_groups[0].tracks[1].check].type,
	    CONF_CHECK_FILE);
	out = print_to_string(c);
	assert_non_null(strstr(out, "    track_script {\n        chk_relay "
	    "weight -20 reverse\n    }\n    track_file {\n        maint "
	    "weight 0 noreverse\n    }\n}\n"));
	c2 = parse_expect(out, "");
	assert_non_null(c2);
	assert_int_equal(c2->sync_groups[0].ntracks, 2);
	free(out);
	conf_free(c2);
	conf_free(c);
	assert_null(pair_expect("vrrp_sync_group MAIL {\n    group {\n"
	    "        VI_PUB VI_INT\n    }\n    track_process {\n"
	    "        postfix\n    }\n    sync_group_tracking_weight\n}\n",
	    "t.conf:24: track_process: no vrrp_track_process named "
	    "\"postfix\"\n"));
}

/* The group may come before its members, as in keepalived. */
static void
test_group_first(void **state)
{
	struct conf *c;

	(void)state;
	c = parse_expect("vrrp_sync_group G {\n group {\n  VI_1\n  VI_2\n"
	    " }\n}\n"
	    "vrrp_instance VI_2 {\n interface eth1\n virtual_router_id 2\n"
	    " virtual_ipaddress {\n  192.0.2.2\n }\n}\n"
	    "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n"
	    " virtual_ipaddress {\n  192.0.2.1\n }\n}\n", "");
	assert_non_null(c);
	assert_int_equal(c->sync_groups[0].members[0].instance, 1);
	assert_int_equal(c->sync_groups[0].members[1].instance, 0);
	conf_free(c);
}

static void
test_errors(void **state)
{
	(void)state;
	assert_null(pair_expect(
	    "vrrp_sync_group G {\n"		/* 19 */
	    "    group {\n"
	    "        VI_PUB VI_X\n"
	    "        VI_PUB\n"
	    "    }\n"
	    "    priority 5\n"			/* 24 */
	    "    notify_backup bin/relay-down\n"
	    "    notify_stop\n"
	    "    track_bfd {\n    }\n"
	    "}\n"				/* 29 */
	    "vrrp_sync_group H {\n"
	    "    group {\n"
	    "        VI_PUB\n"
	    "    }\n"
	    "}\n"				/* 34 */
	    "vrrp_sync_group G {\n}\n",
	    "t.conf:22: group: \"VI_PUB\" is listed twice (first at line 21)\n"
	    "t.conf:24: \"priority\" is not valid in vrrp_sync_group (it "
	    "belongs in vrrp_instance)\n"
	    "t.conf:25: notify_backup: \"bin/relay-down\" is a relative path "
	    "(give an absolute one, or a bare name to look up on PATH)\n"
	    "t.conf:26: notify_stop: missing argument\n"
	    "t.conf:27: \"track_bfd\" is refused by design: BFD; vipd's health "
	    "sources are its Postfix checks\n"
	    "t.conf:35: vrrp_sync_group G: duplicate name (first at "
	    "t.conf:19)\n"
	    "t.conf:21: vrrp_sync_group G: no vrrp_instance named \"VI_X\"\n"
	    "t.conf:32: vrrp_sync_group H: vrrp_instance VI_PUB is already "
	    "in vrrp_sync_group G (t.conf:21); an instance can be in one "
	    "group only\n"));
}

/* keepalived warns and goes on: one member, none, owners mixed. */
static void
test_warnings(void **state)
{
	struct conf *c;

	(void)state;
	c = pair_expect("vrrp_sync_group ONE {\n    group {\n        VI_INT\n"
	    "    }\n}\nvrrp_sync_group NONE {\n    group {\n    }\n}\n",
	    "t.conf:19: warning: vrrp_sync_group ONE has only one member; "
	    "this probably isn't what you want\n"
	    "t.conf:24: warning: vrrp_sync_group NONE has no member; "
	    "ignored (as keepalived)\n");
	assert_non_null(c);
	assert_int_equal(c->nsync_groups, 1);
	assert_string_equal(c->sync_groups[0].name, "ONE");
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group),
		cmocka_unit_test(test_tracking_weight),
		cmocka_unit_test(test_group_first),
		cmocka_unit_test(test_track_check),
		cmocka_unit_test(test_trackers),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_warnings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
