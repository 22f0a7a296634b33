/* SPDX-License-Identifier: ISC */
/* Unit tests for keepalived words: notify scripts, script user, gratuitous ARP, the rest. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "conf_fixture.h"

static void test_notify(void **state)
{
	struct conf *c;
	const struct conf_instance *in;

	(void)state;
	c = inst_ok("notify_master \"/usr/local/bin/mx-up arg\"\n"
		    "notify_backup /bin/b\n"
		    "notify_fault \"'/opt/my dir/f' x\"\n"
		    "notify_stop \" /bin/s\"\nnotify /bin/n");
	in = &c->instances[0];
	assert_string_equal(in->notify_master, "/usr/local/bin/mx-up arg");
	assert_string_equal(in->notify_backup, "/bin/b");
	assert_string_equal(in->notify_fault, "'/opt/my dir/f' x");
	assert_string_equal(in->notify_stop, " /bin/s");
	assert_string_equal(in->notify, "/bin/n");
	assert_round_trip(c);
	conf_free(c);
	c = inst_ok("");
	in = &c->instances[0];
	assert_null(in->notify_master);
	assert_null(in->notify_backup);
	assert_null(in->notify_fault);
	assert_null(in->notify_stop);
	assert_null(in->notify);
	conf_free(c);

	/* keepalived's "CMD [user [group]]": only script_user's own. */
	inst_expect("notify_master /bin/x root", "");
	inst_expect("notify_fault /bin/x root mail",
		    "t.conf:7: notify_fault: running one script as root:mail is "
		    "not supported yet by vipd: all notify scripts run as "
		    "script_user (root)\n");
	inst_expect("notify /bin/x a b c",
		    "t.conf:7: notify: unexpected argument \"c\"\n");
	/* A bare name is looked up on PATH by the daemon, as keepalived. */
	inst_expect("notify_backup x.sh", "");
	inst_expect("notify_backup bin/x.sh",
		    "t.conf:7: notify_backup: \"bin/x.sh\" is a relative path "
		    "(give an absolute one, or a bare name to look up on "
		    "PATH)\n");
	inst_expect("notify_backup \"'x.sh'\"",
		    "t.conf:7: notify_backup: \"'x.sh'\": a quoted script name "
		    "must be an absolute path\n");
	inst_expect("notify_stop \"\"",
		    "t.conf:7: notify_stop: empty command\n");
	inst_expect("notify_stop \" \t \"",
		    "t.conf:7: notify_stop: empty command\n");
	inst_expect("notify_master",
		    "t.conf:7: notify_master: missing argument\n");
	inst_expect("notify_master /a\nnotify_master /b",
		    "t.conf:8: duplicate \"notify_master\" (first at line 7)\n");
}

static void test_script_user(void **state)
{
	struct conf *c;

	(void)state;
	c = top_ok("global_defs {\nscript_user vipd-script mail\n"
		   "enable_script_security\n}\n", "", "");
	assert_string_equal(c->script_user, "vipd-script");
	assert_string_equal(c->script_group, "mail");
	assert_true(c->enable_script_security);
	assert_round_trip(c);
	conf_free(c);
	c = top_ok("global_defs {\nscript_user host$\n}\n", "", "");
	assert_string_equal(c->script_user, "host$");
	assert_string_equal(c->script_group, "");
	assert_false(c->enable_script_security);
	assert_round_trip(c);
	conf_free(c);
	c = inst_ok("");
	assert_string_equal(c->script_user, "");
	conf_free(c);

	top_expect("global_defs {\nscript_user \"a b\"\nscript_user -x\n}\n"
		   "global_defs {\nscript_user root bad/g\n}\n"
		   "global_defs {\nscript_user a b c\n"
		   "enable_script_security yes\n}\n", "",
		   "t.conf:2: script_user: \"a b\" is not a valid user or group "
		   "name\n"
		   "t.conf:3: duplicate \"script_user\" (first at line 2)\n"
		   "t.conf:6: duplicate \"script_user\" (first at line 2)\n"
		   "t.conf:9: duplicate \"script_user\" (first at line 2)\n"
		   "t.conf:10: enable_script_security: unexpected argument "
		   "\"yes\"\n");
	top_expect("global_defs {\nscript_user root bad/g\n}\n", "",
		   "t.conf:2: script_user: \"bad/g\" is not a valid user or "
		   "group name\n");
	top_expect("global_defs {\nscript_user -x\n}\n", "",
		   "t.conf:2: script_user: \"-x\" is not a valid user or group "
		   "name\n");
	top_expect("global_defs {\nscript_user a b c\n}\n", "",
		   "t.conf:2: script_user: unexpected argument \"c\"\n");
	top_expect("global_defs {\nscript_user "
		   "a234567890123456789012345678901234567890123456789012345678"
		   "901234\n}\n", "",
		   "t.conf:2: script_user: \"a2345678901234567890123456789012"
		   "34567890...\" is not a valid user or group name\n");
}

static void test_garp(void **state)
{
	struct conf *c;
	const struct conf_instance *in;

	(void)state;
	c = inst_ok("");
	in = &c->instances[0];
	assert_int_equal(in->garp_master_delay_s, 5);
	assert_int_equal(in->garp_master_repeat, 5);
	assert_int_equal(in->garp_master_refresh_s, 0);
	assert_int_equal(in->garp_master_refresh_repeat, 1);
	assert_int_equal(in->garp_lower_prio_delay_s, 5);
	assert_int_equal(in->garp_lower_prio_repeat, 5);
	assert_false(in->lower_prio_no_advert);
	assert_false(in->higher_prio_send_advert);
	assert_int_equal(c->garp_master_delay_s, 5);
	assert_int_equal(c->garp_lower_prio_repeat, 5);
	assert_int_equal(c->garp_interval_us, 0);
	assert_int_equal(c->gna_interval_us, 0);
	assert_false(c->skip_check_adv_addr);
	conf_free(c);

	/* global defaults; the lower_prio pair follows the master pair */
	c = top_ok("global_defs {\nvrrp_garp_master_delay 0\n"
		   "vrrp_garp_master_repeat 1\nvrrp_garp_master_refresh 60\n"
		   "vrrp_garp_master_refresh_repeat 2\n"
		   "vrrp_lower_prio_no_advert\n"
		   "vrrp_higher_prio_send_advert yes\n"
		   "vrrp_garp_interval 0.001\nvrrp_gna_interval 0.000001\n"
		   "vrrp_skip_check_adv_addr\n}\n", "", "");
	in = &c->instances[0];
	assert_int_equal(in->garp_master_delay_s, 0);
	assert_int_equal(in->garp_master_repeat, 1);
	assert_int_equal(in->garp_master_refresh_s, 60);
	assert_int_equal(in->garp_master_refresh_repeat, 2);
	assert_int_equal(in->garp_lower_prio_delay_s, 0);
	assert_int_equal(in->garp_lower_prio_repeat, 1);
	assert_true(in->lower_prio_no_advert);
	assert_true(in->higher_prio_send_advert);
	assert_int_equal(c->garp_lower_prio_delay_s, 0);
	assert_int_equal(c->garp_lower_prio_repeat, 1);
	assert_int_equal(c->garp_interval_us, 1000);
	assert_int_equal(c->gna_interval_us, 1);
	assert_true(c->skip_check_adv_addr);
	assert_round_trip(c);
	conf_free(c);

	/* instance lower_prio follows the instance's master values */
	c = inst_ok("garp_master_delay 7\ngarp_master_repeat 3");
	in = &c->instances[0];
	assert_int_equal(in->garp_lower_prio_delay_s, 7);
	assert_int_equal(in->garp_lower_prio_repeat, 3);
	assert_int_equal(c->garp_lower_prio_delay_s, 5);
	assert_round_trip(c);
	conf_free(c);

	/* ... unless global_defs sets the lower_prio pair */
	c = top_ok("global_defs {\nvrrp_garp_lower_prio_delay 9\n"
		   "vrrp_garp_lower_prio_repeat 4\n}\n",
		   "garp_master_delay 7", "");
	in = &c->instances[0];
	assert_int_equal(in->garp_master_delay_s, 7);
	assert_int_equal(in->garp_lower_prio_delay_s, 9);
	assert_int_equal(in->garp_lower_prio_repeat, 4);
	assert_int_equal(c->garp_master_delay_s, 5);
	assert_round_trip(c);
	conf_free(c);

	/* instance values win; global_defs may come last */
	c = parse_expect("vrrp_instance A {\n interface eth0\n"
			 " virtual_router_id 1\n"
			 " garp_lower_prio_delay 1000\n"
			 " garp_lower_prio_repeat 255\n"
			 " garp_master_refresh 86400\n"
			 " garp_master_refresh_repeat 255\n"
			 " lower_prio_no_advert off\n"
			 " higher_prio_send_advert false\n"
			 " virtual_ipaddress {\n 192.0.2.1\n }\n}\n"
			 "global_defs {\n vrrp_lower_prio_no_advert on\n"
			 " vrrp_higher_prio_send_advert true\n"
			 " vrrp_garp_master_refresh 5\n}\n", "");
	assert_non_null(c);
	in = &c->instances[0];
	assert_int_equal(in->garp_lower_prio_delay_s, 1000);
	assert_int_equal(in->garp_lower_prio_repeat, 255);
	assert_int_equal(in->garp_master_refresh_s, 86400);
	assert_int_equal(in->garp_master_refresh_repeat, 255);
	assert_false(in->lower_prio_no_advert);
	assert_false(in->higher_prio_send_advert);
	assert_true(c->lower_prio_no_advert);
	assert_round_trip(c);
	conf_free(c);
}

static void test_err_garp(void **state)
{
	(void)state;
	inst_expect("garp_master_delay 1001\ngarp_master_repeat 0\n"
		    "garp_master_refresh 86401\ngarp_master_refresh_repeat 0\n"
		    "garp_lower_prio_delay -1\ngarp_lower_prio_repeat 256\n"
		    "lower_prio_no_advert maybe\n"
		    "higher_prio_send_advert on off\n"
		    "vrrp_garp_master_delay 1",
		    "t.conf:7: garp_master_delay: \"1001\" is out of range "
		    "0..1000\n"
		    "t.conf:8: garp_master_repeat: \"0\" is out of range "
		    "1..255\n"
		    "t.conf:9: garp_master_refresh: \"86401\" is out of range "
		    "0..86400\n"
		    "t.conf:10: garp_master_refresh_repeat: \"0\" is out of "
		    "range 1..255\n"
		    "t.conf:11: garp_lower_prio_delay: \"-1\" is not a "
		    "number\n"
		    "t.conf:12: garp_lower_prio_repeat: \"256\" is out of "
		    "range 1..255\n"
		    "t.conf:13: lower_prio_no_advert: \"maybe\" must be on or "
		    "off\n"
		    "t.conf:14: higher_prio_send_advert: unexpected argument "
		    "\"off\"\n"
		    "t.conf:15: \"vrrp_garp_master_delay\" is not valid in "
		    "vrrp_instance (it belongs in global_defs)\n");
	top_expect("global_defs {\nvrrp_garp_interval 1.5\n"
		   "vrrp_gna_interval 0.0000001\nvrrp_garp_master_repeat x\n"
		   "garp_master_delay 1\nvrrp_skip_check_adv_addr 2\n"
		   "vrrp_garp_lower_prio_delay\n}\n", "",
		   "t.conf:2: vrrp_garp_interval: \"1.5\" is out of range "
		   "0..1\n"
		   "t.conf:3: vrrp_gna_interval: \"0.0000001\" is finer than "
		   "0.000001 seconds\n"
		   "t.conf:4: vrrp_garp_master_repeat: \"x\" is not a number\n"
		   "t.conf:5: \"garp_master_delay\" is not valid in global_defs "
		   "(it belongs in vrrp_instance)\n"
		   "t.conf:6: vrrp_skip_check_adv_addr: \"2\" must be on or "
		   "off\n"
		   "t.conf:7: vrrp_garp_lower_prio_delay: missing argument\n");
	top_expect("global_defs {\nvrrp_gna_interval soon\n}\n", "",
		   "t.conf:2: vrrp_gna_interval: \"soon\" is not a number of "
		   "seconds\n");
}

/* Accepted with a warning, accepted silently, refused with a reason. */
static void test_keepalived_words(void **state)
{
	struct conf *c;
	char *out;

	(void)state;
	c = top_ok("global_defs {\n"
		   " notification_email {\n  root@example.com\n }\n"
		   " notification_email_from k@example.com\n"
		   " smtp_server 127.0.0.1 25\n"
		   " smtp_helo_name mx1\n"
		   " smtp_connect_timeout 30\n"
		   " smtp_alert\n"
		   " smtp_alert_vrrp on\n"			/* 10 */
		   " smtp_alert_checker off\n"
		   " no_email_faults\n"
		   " enable_traps\n"
		   " enable_snmp_vrrp\n"
		   " enable_snmp_checker\n"
		   " enable_snmp_rfc\n"
		   " enable_snmp_rfcv2\n"
		   " enable_snmp_rfcv3\n"
		   " snmp_socket udp:127.0.0.1:705\n"
		   " lvs_id LVS_MX1\n"				/* 20 */
		   "}\n",
		   "smtp_alert on\ndebug 2\naccept\nunicast_fault_no_peer",
		   "t.conf:2: warning: \"notification_email\" is ignored: vipd "
		   "does not send email alerts (use notify scripts)\n"
		   "t.conf:5: warning: \"notification_email_from\" is ignored: "
		   "vipd does not send email alerts (use notify scripts)\n"
		   "t.conf:6: warning: \"smtp_server\" is ignored: vipd does not "
		   "send email alerts (use notify scripts)\n"
		   "t.conf:7: warning: \"smtp_helo_name\" is ignored: vipd does "
		   "not send email alerts (use notify scripts)\n"
		   "t.conf:8: warning: \"smtp_connect_timeout\" is ignored: vipd "
		   "does not send email alerts (use notify scripts)\n"
		   "t.conf:9: warning: \"smtp_alert\" is ignored: vipd does not "
		   "send email alerts (use notify scripts)\n"
		   "t.conf:10: warning: \"smtp_alert_vrrp\" is ignored: vipd "
		   "does not send email alerts (use notify scripts)\n"
		   "t.conf:11: warning: \"smtp_alert_checker\" is ignored: vipd "
		   "does not send email alerts (use notify scripts)\n"
		   "t.conf:12: warning: \"no_email_faults\" is ignored: vipd "
		   "does not send email alerts (use notify scripts)\n"
		   "t.conf:13: warning: \"enable_traps\" is ignored: vipd has no "
		   "SNMP support (vipctl status --json gives the same facts)\n"
		   "t.conf:14: warning: \"enable_snmp_vrrp\" is ignored: vipd "
		   "has no SNMP support (vipctl status --json gives the same facts)\n"
		   "t.conf:15: warning: \"enable_snmp_checker\" is ignored: vipd "
		   "has no SNMP support (vipctl status --json gives the same facts)\n"
		   "t.conf:16: warning: \"enable_snmp_rfc\" is ignored: vipd has "
		   "no SNMP support (vipctl status --json gives the same facts)\n"
		   "t.conf:17: warning: \"enable_snmp_rfcv2\" is ignored: vipd "
		   "has no SNMP support (vipctl status --json gives the same facts)\n"
		   "t.conf:18: warning: \"enable_snmp_rfcv3\" is ignored: vipd "
		   "has no SNMP support (vipctl status --json gives the same facts)\n"
		   "t.conf:19: warning: \"snmp_socket\" is ignored: vipd has no "
		   "SNMP support (vipctl status --json gives the same facts)\n"
		   "t.conf:20: warning: \"lvs_id\" is ignored: it tunes "
		   "keepalived's LVS checker, which vipd does not have\n"
		   "t.conf:28: warning: \"smtp_alert\" is ignored: vipd does not "
		   "send email alerts (use notify scripts)\n"
		   "t.conf:29: warning: \"debug\" is ignored: use vipd -D for "
		   "detailed logs\n");
	out = print_to_string(c);
	assert_null(strstr(out, "smtp_alert"));
	assert_null(strstr(out, "notification"));
	assert_non_null(strstr(out, "    accept\n"));
	free(out);
	assert_round_trip(c);
	conf_free(c);

	top_expect("global_defs {\n vrrp_mcast_group6 ff02::13\n"
		   " vrrp_min_garp\n vrrp_garp_extra_if\n enable_dbus\n}\n",
		   "strict_mode\nuse_ipvlan\nmcast_src_ip 203.0.113.1\n"
		   "skip_check_adv_addr\ntrack_script {\n chk\n}\n"
		   "no_accept\nold_unicast_checksum\ngarp_extra_if 60",
		   "t.conf:2: vrrp_mcast_group6: \"ff02::13\" (a VRRP group other "
		   "than ff02::12) is not supported yet by vipd\n"
		   "t.conf:3: \"vrrp_min_garp\" is not supported: use "
		   "vrrp_garp_master_repeat 1 and vrrp_garp_master_delay 0\n"
		   "t.conf:4: \"vrrp_garp_extra_if\" (GARP on other interfaces) "
		   "is not supported yet by vipd\n"
		   "t.conf:5: warning: \"enable_dbus\" is ignored: vipd has no "
		   "DBus interface (vipctl does what it offers)\n"
		   "t.conf:14: \"use_ipvlan\" (virtual MAC interfaces) is not "
		   "supported yet by vipd\n"
		   "t.conf:16: \"skip_check_adv_addr\" is not supported per "
		   "instance: use vrrp_skip_check_adv_addr in global_defs\n"
		   "t.conf:20: \"no_accept\" is refused: mail needs the VIP to "
		   "accept traffic (vipd always runs in Accept_Mode)\n"
		   "t.conf:21: \"old_unicast_checksum\" (keepalived's pre-1.3.6 "
		   "unicast checksum) is not supported yet by vipd\n"
		   "t.conf:22: \"garp_extra_if\" (GARP on other interfaces) is "
		   "not supported yet by vipd\n"
		   "t.conf:7: vrrp_instance VI_1: strict mode without \"accept\" "
		   "drops all traffic to the VIP in keepalived (no_accept); vipd "
		   "always accepts it, which mail needs: add \"accept\" to the "
		   "instance\n"
		   "t.conf:18: track_script: no vrrp_script named \"chk\"\n");
	/* the decision table is per block */
	top_expect("global_defs {\n debug 1\n}\n", "lvs_id x",
		   "t.conf:2: \"debug\" is not valid in global_defs\n"
		   "t.conf:10: \"lvs_id\" is not valid in vrrp_instance\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notify),
		cmocka_unit_test(test_script_user),
		cmocka_unit_test(test_garp),
		cmocka_unit_test(test_err_garp),
		cmocka_unit_test(test_keepalived_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
