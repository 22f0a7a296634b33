/* SPDX-License-Identifier: ISC */
/* Unit tests for the health-check blocks of the configuration. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "conf_fixture.h"

/* Health checks -------------------------------------------------------- */

static void test_checks_default(void **state)
{
	struct conf *c;
	const struct conf_check *s, *pf;
	const struct conf_instance *in;

	(void)state;
	c = inst_ok("");
	in = &c->instances[0];
	assert_int_equal(c->nchecks, 2);
	s = &c->checks[0];
	assert_string_equal(s->name, "default_smtp");
	assert_int_equal(s->type, CONF_CHECK_SMTP);
	assert_true(s->implicit);
	assert_null(s->file);
	assert_int_equal(s->line, 0);
	assert_int_equal(s->smtp.family, AF_INET);
	assert_addr(AF_INET, s->smtp.addr, "127.0.0.1");
	assert_int_equal(s->smtp.port, 25);
	assert_string_equal(s->smtp.helo_name, "");
	assert_int_equal(s->smtp.starttls, CONF_STARTTLS_OFF);
	assert_false(s->smtp.tls_verify);
	assert_string_equal(s->smtp.tls_ca_file, "");
	assert_string_equal(s->smtp.tls_server_name, "");
	assert_int_equal(s->smtp.tls_days_warn, 14);
	assert_int_equal(s->smtp.tls_days_crit, 0);
	assert_string_equal(s->smtp.mail_from, "");
	assert_string_equal(s->smtp.rcpt_to, "");
	assert_int_equal(s->interval_us, 1000000);
	assert_int_equal(s->timeout_us, 5000000);
	assert_int_equal(s->step_timeout_us, 2000000);
	assert_int_equal(s->rise, 1);
	assert_int_equal(s->fall, 1);
	assert_int_equal(s->weight, 0);
	pf = &c->checks[1];
	assert_string_equal(pf->name, "default_postfix");
	assert_int_equal(pf->type, CONF_CHECK_POSTFIX);
	assert_true(pf->implicit);
	assert_string_equal(pf->postfix.config_dir, "/etc/postfix");
	assert_string_equal(pf->postfix.queue_directory, "");
	assert_int_equal(pf->postfix.max_incoming_age_s, 300);
	assert_int_equal(pf->postfix.max_active_age_s, 900);
	assert_int_equal(pf->postfix.max_deferred, 0);
	assert_int_equal(pf->postfix.max_hold, 0);
	assert_int_equal(pf->postfix.max_corrupt, 0);
	assert_int_equal(pf->interval_us, 1000000);
	assert_int_equal(pf->timeout_us, 0);
	assert_int_equal(pf->step_timeout_us, 0);
	assert_true(in->default_checks);
	assert_false(in->health_strict);
	assert_int_equal(in->ntracks, 2);
	assert_int_equal(in->tracks[0].check, 0);
	assert_int_equal(in->tracks[0].weight, 0);
	assert_int_equal(in->tracks[0].line, 0);
	assert_int_equal(in->tracks[1].check, 1);
	assert_round_trip(c);
	conf_free(c);

	c = inst_ok("default_checks off");
	assert_int_equal(c->nchecks, 0);
	assert_false(c->instances[0].default_checks);
	assert_int_equal(c->instances[0].ntracks, 0);
	assert_null(c->instances[0].tracks);
	assert_round_trip(c);
	conf_free(c);

	/* the global defaults, even from a later global_defs */
	c = parse_expect("vrrp_instance A {\n interface eth0\n"
			 " virtual_router_id 1\n health_strict\n"
			 " virtual_ipaddress {\n 192.0.2.1\n }\n}\n"
			 "global_defs {\n postfix_config_dir /etc/postfix-in\n"
			 " default_smtp_ip ::1\n default_smtp_port 2525\n}\n",
			 "");
	assert_non_null(c);
	assert_int_equal(c->checks[0].smtp.family, AF_INET6);
	assert_addr(AF_INET6, c->checks[0].smtp.addr, "::1");
	assert_int_equal(c->checks[0].smtp.port, 2525);
	assert_string_equal(c->checks[1].postfix.config_dir,
			    "/etc/postfix-in");
	assert_string_equal(c->postfix_config_dir, "/etc/postfix-in");
	assert_true(c->instances[0].health_strict);
	assert_round_trip(c);
	conf_free(c);

	/* no instance, no implicit check */
	c = parse_expect("global_defs {\n}\n",
			 "t.conf: warning: no vrrp_instance defined\n");
	assert_non_null(c);
	assert_int_equal(c->nchecks, 0);
	assert_round_trip(c);
	conf_free(c);
}

static void test_checks_user_defaults(void **state)
{
	struct conf *c;
	const struct conf_instance *in;

	(void)state;
	/* a user's default_smtp replaces the implicit one */
	c = top_ok("smtp_check default_smtp {\n connect_port 2525\n}\n", "",
		   "");
	assert_int_equal(c->nchecks, 2);
	assert_false(c->checks[0].implicit);
	assert_int_equal(c->checks[0].line, 1);
	assert_string_equal(c->checks[0].file, "t.conf");
	assert_int_equal(c->checks[0].smtp.port, 2525);
	assert_string_equal(c->checks[1].name, "default_postfix");
	assert_true(c->checks[1].implicit);
	assert_int_equal(c->instances[0].tracks[0].check, 0);
	assert_int_equal(c->instances[0].tracks[1].check, 1);
	assert_round_trip(c);
	conf_free(c);

	/* naming a default check makes it, and only it */
	c = top_ok("smtp_check s {\n}\n",
		   "track_check {\ns\ndefault_postfix weight -5\n}", "");
	in = &c->instances[0];
	assert_int_equal(c->nchecks, 2);
	assert_string_equal(c->checks[1].name, "default_postfix");
	assert_true(c->checks[1].implicit);
	assert_int_equal(in->ntracks, 2);
	assert_int_equal(in->tracks[0].check, 0);
	assert_int_equal(in->tracks[0].weight, 0);
	assert_int_equal(in->tracks[0].line, 10);
	assert_int_equal(in->tracks[1].check, 1);
	assert_int_equal(in->tracks[1].weight, -5);
	assert_round_trip(c);
	conf_free(c);
}

static const char full_checks[] =
	"smtp_check mx_tls {\n"
	" connect_ip 192.0.2.10\n connect_port 587\n"
	" helo_name vipd.example.com\n starttls required\n"
	" tls_ca_file \"/etc/ssl/my ca.pem\"\n"
	" tls_server_name mx.example.com\n"
	" tls_days_warn 30\n tls_days_crit 7\n"
	" mail_from probe@example.com\n rcpt_to postmaster@example.com\n"
	" interval 0.5\n step_timeout 1\n fall 3\n rise 2\n weight -50\n"
	"}\n"
	"postfix_check queue {\n"
	" config_dir /etc/postfix-out\n queue_directory /var/spool/pf\n"
	" max_incoming_age 0\n max_active_age 3600\n max_deferred 100\n"
	" max_hold 5\n max_corrupt 1\n interval 10\n weight 20\n"
	"}\n";

static void test_checks_values(void **state)
{
	struct conf *c;
	const struct conf_check *s, *pf;
	const struct conf_instance *in;

	(void)state;
	c = top_ok(full_checks, "track_check {\nmx_tls\nqueue weight -10\n}",
		   "");
	assert_int_equal(c->nchecks, 2);
	s = &c->checks[0];
	assert_false(s->implicit);
	assert_addr(AF_INET, s->smtp.addr, "192.0.2.10");
	assert_int_equal(s->smtp.port, 587);
	assert_string_equal(s->smtp.helo_name, "vipd.example.com");
	assert_int_equal(s->smtp.starttls, CONF_STARTTLS_REQUIRED);
	assert_true(s->smtp.tls_verify);
	assert_string_equal(s->smtp.tls_ca_file, "/etc/ssl/my ca.pem");
	assert_string_equal(s->smtp.tls_server_name, "mx.example.com");
	assert_int_equal(s->smtp.tls_days_warn, 30);
	assert_int_equal(s->smtp.tls_days_crit, 7);
	assert_string_equal(s->smtp.mail_from, "probe@example.com");
	assert_string_equal(s->smtp.rcpt_to, "postmaster@example.com");
	assert_int_equal(s->interval_us, 500000);
	assert_int_equal(s->timeout_us, 5000000);
	assert_int_equal(s->step_timeout_us, 1000000);
	assert_int_equal(s->rise, 2);
	assert_int_equal(s->fall, 3);
	assert_int_equal(s->weight, -50);
	pf = &c->checks[1];
	assert_int_equal(pf->line, 18);
	assert_string_equal(pf->postfix.config_dir, "/etc/postfix-out");
	assert_string_equal(pf->postfix.queue_directory, "/var/spool/pf");
	assert_int_equal(pf->postfix.max_incoming_age_s, 0);
	assert_int_equal(pf->postfix.max_active_age_s, 3600);
	assert_int_equal(pf->postfix.max_deferred, 100);
	assert_int_equal(pf->postfix.max_hold, 5);
	assert_int_equal(pf->postfix.max_corrupt, 1);
	assert_int_equal(pf->interval_us, 10000000);
	assert_int_equal(pf->weight, 20);
	in = &c->instances[0];
	assert_int_equal(in->ntracks, 2);
	assert_int_equal(in->tracks[0].weight, -50);
	assert_int_equal(in->tracks[1].check, 1);
	assert_int_equal(in->tracks[1].weight, -10);
	assert_round_trip(c);
	conf_free(c);

	/* STARTTLS if offered: verification on by default, or off */
	c = top_ok("smtp_check a {\n starttls on\n}\n"
		   "smtp_check b {\n starttls on\n tls_verify no\n"
		   " rcpt_to postmaster\n connect_ip ::1\n}\n",
		   "track_check {\na\nb\n}", "");
	assert_int_equal(c->checks[0].smtp.starttls, CONF_STARTTLS_ON);
	assert_true(c->checks[0].smtp.tls_verify);
	assert_false(c->checks[1].smtp.tls_verify);
	assert_string_equal(c->checks[1].smtp.mail_from, "");
	assert_string_equal(c->checks[1].smtp.rcpt_to, "postmaster");
	assert_int_equal(c->checks[1].smtp.family, AF_INET6);
	assert_round_trip(c);
	conf_free(c);
}

static void test_checks_timeouts(void **state)
{
	struct conf *c;

	(void)state;
	c = top_ok("smtp_check a {\n interval 0.1\n}\n"
		   "smtp_check b {\n interval 0.05\n}\n"
		   "smtp_check c {\n interval 3600\n}\n"
		   "smtp_check d {\n timeout 0.5\n}\n"
		   "smtp_check e {\n timeout 10\n step_timeout 10\n}\n",
		   "track_check {\na\nb\nc\nd\ne\n}", "");
	assert_int_equal(c->checks[0].timeout_us, 1000000);
	assert_int_equal(c->checks[0].step_timeout_us, 1000000);
	assert_int_equal(c->checks[1].timeout_us, 500000);
	assert_int_equal(c->checks[1].step_timeout_us, 500000);
	assert_int_equal(c->checks[2].interval_us, 3600000000ULL);
	assert_int_equal(c->checks[2].timeout_us, 5000000);
	assert_int_equal(c->checks[2].step_timeout_us, 2000000);
	assert_int_equal(c->checks[3].timeout_us, 500000);
	assert_int_equal(c->checks[3].step_timeout_us, 500000);
	assert_int_equal(c->checks[4].timeout_us, 10000000);
	assert_int_equal(c->checks[4].step_timeout_us, 10000000);
	assert_round_trip(c);
	conf_free(c);

	top_expect("smtp_check a {\n timeout 10.000001\n}\n"
		   "smtp_check b {\n step_timeout 6\n}\n"
		   "smtp_check c {\n interval 0.1\n timeout 2\n"
		   " step_timeout 1.5\n}\n"
		   "smtp_check d {\n timeout 0\n interval 0.049\n"
		   " step_timeout 36000.1\n}\n"
		   "smtp_check e {\n interval 3600.000001\n timeout 1e3\n}\n",
		   "default_checks off",
		   "t.conf:13: timeout: \"0\" is out of range 0.001..36000\n"
		   "t.conf:14: interval: \"0.049\" is out of range "
		   "0.05..3600\n"
		   "t.conf:15: step_timeout: \"36000.1\" is out of range "
		   "0.001..36000\n"
		   "t.conf:18: interval: \"3600.000001\" is out of range "
		   "0.05..3600\n"
		   "t.conf:19: timeout: \"1e3\" is not a number of seconds\n"
		   "t.conf:2: timeout: 10.000001 s is more than 10 times the "
		   "interval (1 s)\n"
		   "t.conf:5: step_timeout: 6 s is more than the timeout "
		   "(5 s)\n"
		   "t.conf:9: timeout: 2 s is more than 10 times the interval "
		   "(0.1 s)\n");
}

static void test_checks_tls(void **state)
{
	struct conf *c;
	const struct conf_check_smtp *s;

	(void)state;
	/* TLS settings without STARTTLS: warned about and dropped */
	c = top_ok("smtp_check a {\n tls_verify on\n tls_ca_file /ca.pem\n"
		   " tls_server_name mx\n tls_days_warn 20\n"
		   " tls_days_crit 1\n mail_from a@b\n}\n",
		   "track_check {\na\n}",
		   "t.conf:2: warning: tls_verify has no effect with starttls "
		   "off\n"
		   "t.conf:3: warning: tls_ca_file has no effect with starttls "
		   "off\n"
		   "t.conf:4: warning: tls_server_name has no effect with "
		   "starttls off\n"
		   "t.conf:5: warning: tls_days_warn has no effect with "
		   "starttls off\n"
		   "t.conf:6: warning: tls_days_crit has no effect with "
		   "starttls off\n"
		   "t.conf:7: warning: mail_from has no effect without "
		   "rcpt_to\n");
	s = &c->checks[0].smtp;
	assert_false(s->tls_verify);
	assert_string_equal(s->tls_ca_file, "");
	assert_string_equal(s->tls_server_name, "");
	assert_int_equal(s->tls_days_warn, 14);
	assert_int_equal(s->tls_days_crit, 0);
	assert_string_equal(s->mail_from, "");
	assert_round_trip(c);
	conf_free(c);

	top_expect("smtp_check a {\n starttls on\n tls_days_crit 15\n}\n"
		   "smtp_check b {\n starttls on\n tls_days_warn 5\n"
		   " tls_days_crit 6\n}\n"
		   "smtp_check c {\n starttls on\n tls_days_warn 36501\n"
		   " tls_ca_file ca.pem\n tls_server_name \"a b\"\n"
		   " tls_verify 1\n}\n"
		   "smtp_check d {\n starttls yes\n}\n",
		   "default_checks off",
		   "t.conf:12: tls_days_warn: \"36501\" is out of range "
		   "0..36500\n"
		   "t.conf:13: tls_ca_file: \"ca.pem\" is not an absolute "
		   "path\n"
		   "t.conf:14: tls_server_name: \"a b\" must be printable ASCII "
		   "without spaces or angle brackets\n"
		   "t.conf:15: tls_verify: \"1\" must be on or off\n"
		   "t.conf:18: starttls: \"yes\" must be off, on or required\n"
		   "t.conf:3: tls_days_crit: 15 is more than tls_days_warn "
		   "(14)\n"
		   "t.conf:8: tls_days_crit: 6 is more than tls_days_warn "
		   "(5)\n");
}

static void test_err_checks(void **state)
{
	(void)state;
	top_expect("smtp_check a {\n connect_ip 192.0.2.300\n"
		   " connect_ip 192.0.2.1\n connect_port 65536\n"
		   " rise 0\n fall 256\n weight 254\n helo_name a<b\n"
		   " mail_from <x@y>\n rcpt_to \"\"\n config_dir /x\n"	/* 11 */
		   " frob 1\n interval\n}\n"
		   "smtp_check a {\n}\n"
		   "postfix_check default_smtp {\n timeout 5\n"		/* 17 */
		   " max_deferred -1\n max_incoming_age 31536001\n"
		   " max_hold 100000001\n config_dir etc\n"
		   " queue_directory \"\"\n weight -254\n}\n"		/* 23 */
		   "smtp_check default_postfix {\n}\n"
		   "smtp_check \"\" {\n}\n"
		   "postfix_check {\n}\n"
		   "smtp_check x y {\n}\n"				/* 32 */
		   "smtp_check z\n"
		   "postfix_check p {\n connect_ip ::1\n}\n"
		   "smtp_check o {\n connect_ip 0.0.0.0\n connect_port 0\n}\n",
		   "default_checks off",
		   "t.conf:2: connect_ip: \"192.0.2.300\" is not an IPv4 or IPv6 "
		   "address\n"
		   "t.conf:3: duplicate \"connect_ip\" (first at line 2)\n"
		   "t.conf:4: connect_port: \"65536\" is out of range "
		   "1..65535\n"
		   "t.conf:5: rise: \"0\" is out of range 1..255\n"
		   "t.conf:6: fall: \"256\" is out of range 1..255\n"
		   "t.conf:7: weight: \"254\" is out of range -253..253\n"
		   "t.conf:8: helo_name: \"a<b\" must be printable ASCII "
		   "without spaces or angle brackets\n"
		   "t.conf:9: mail_from: \"<x@y>\" must be printable ASCII "
		   "without spaces or angle brackets\n"
		   "t.conf:11: \"config_dir\" is not valid in smtp_check (it "
		   "belongs in postfix_check)\n"
		   "t.conf:12: unknown keyword \"frob\" in smtp_check\n"
		   "t.conf:13: interval: missing argument\n"
		   "t.conf:15: smtp_check a: duplicate name (first at "
		   "t.conf:1)\n"
		   "t.conf:17: postfix_check default_smtp: the name is "
		   "reserved for the default smtp_check\n"
		   "t.conf:18: \"timeout\" is not valid in postfix_check (it "
		   "belongs in smtp_check)\n"
		   "t.conf:19: max_deferred: \"-1\" is not a number\n"
		   "t.conf:20: max_incoming_age: \"31536001\" is out of range "
		   "0..31536000\n"
		   "t.conf:21: max_hold: \"100000001\" is out of range "
		   "0..100000000\n"
		   "t.conf:22: config_dir: \"etc\" is not an absolute path\n"
		   "t.conf:23: queue_directory: \"\" is not an absolute path\n"
		   "t.conf:24: weight: \"-254\" is out of range -253..253\n"
		   "t.conf:26: smtp_check default_postfix: the name is "
		   "reserved for the default postfix_check\n"
		   "t.conf:28: smtp_check: empty name\n"
		   "t.conf:30: postfix_check: missing argument\n"
		   "t.conf:32: smtp_check: unexpected argument \"y\"\n"
		   "t.conf:34: smtp_check: missing \"{\" at the end of the "
		   "line\n"
		   "t.conf:36: \"connect_ip\" is not valid in postfix_check (it "
		   "belongs in smtp_check)\n"
		   "t.conf:39: connect_ip: \"0.0.0.0\" is not a unicast "
		   "address\n"
		   "t.conf:40: connect_port: \"0\" is out of range 1..65535\n"
		   "t.conf:9: warning: mail_from has no effect without "
		   "rcpt_to\n");
}

static void test_err_check_limit(void **state)
{
	char *s, *p;
	size_t i;

	(void)state;
	s = malloc(260 * 24 + 200);
	assert_non_null(s);
	p = s;
	for (i = 0; i < 257; i++)
		p += sprintf(p, "smtp_check c%zu {\n}\n", i);
	*p = '\0';
	top_expect(s, "default_checks off",
		   "t.conf:513: smtp_check: more than 256 checks\n");
	free(s);
}

static void test_err_long_words(void **state)
{
	char name[300], *top;

	(void)state;
	memset(name, 'h', sizeof(name));
	name[256] = '\0';
	assert_true(asprintf(&top, "smtp_check a {\n helo_name %s\n}\n",
			     name) > 0);
	top_expect(top, "default_checks off",
		   "t.conf:2: helo_name: \"hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh"
		   "...\" is longer than 255 characters\n");
	free(top);
	name[255] = '\0';		/* 255 is fine */
	assert_true(asprintf(&top, "smtp_check a {\n helo_name %s\n}\n",
			     name) > 0);
	conf_free(top_ok(top, "default_checks off", ""));
	free(top);
	inst_expect("virtual_ipaddress_excluded {\n"
		    "2001:db8:0000:0000:0000:0000:0000:0000:0000:1\n}",
		    "t.conf:8: virtual_ipaddress_excluded: \"2001:db8:0000:0000:"
		    "0000:0000:0000:0000:0...\" is not an IPv4 or IPv6 "
		    "address\n");
	inst_expect("vrf blue",
		    "t.conf:7: \"vrf\" (VRFs) is not supported yet by vipd\n");
}

static void test_track_check(void **state)
{
	char *s, *t, *p;
	size_t i;

	(void)state;
	top_expect("smtp_check s {\n}\n",
		   "track_check {\nnothere\ns weight 5 weight 6\ns reverse\n"
		   "s weight 300\ns\ns\n\"\"\n}",
		   "t.conf:11: track_check: \"weight\" given twice\n"
		   "t.conf:12: track_check: \"reverse\" is not supported by "
		   "vipd\n"
		   "t.conf:13: track_check: weight: \"300\" is out of range "
		   "-253..253\n"
		   "t.conf:15: track_check: \"s\" is listed twice (first at line "
		   "14)\n"
		   "t.conf:16: track_check: empty name\n"
		   "t.conf:10: track_check: no smtp_check or postfix_check "
		   "named \"nothere\"\n");
	inst_expect("track_check s",
		    "t.conf:7: track_check: unexpected argument \"s\"\n");
	inst_expect("track_check {\n}",
		    "t.conf:7: track_check: no check (use default_checks off to "
		    "track nothing)\n");
	inst_expect("track_check {\nx {\n}\n}",
		    "t.conf:8: track_check: unexpected \"{\"\n"
		    "t.conf:7: track_check: no check (use default_checks off to "
		    "track nothing)\n");
	inst_expect("default_checks\ndefault_checks maybe\nhealth_strict on",
		    "t.conf:7: default_checks: missing argument\n"
		    "t.conf:8: duplicate \"default_checks\" (first at line 7)\n"
		    "t.conf:9: health_strict: unexpected argument \"on\"\n");
	inst_expect("default_checks maybe",
		    "t.conf:7: default_checks: \"maybe\" must be on or off\n");
	top_expect("global_defs {\n track_check {\n }\n"
		   " default_smtp_ip mx1\n default_smtp_port x\n"
		   " postfix_config_dir postfix\n}\n", "",
		   "t.conf:2: \"track_check\" is not valid in global_defs (it "
		   "belongs in vrrp_instance)\n"
		   "t.conf:4: default_smtp_ip: \"mx1\" is not an IPv4 or IPv6 "
		   "address\n"
		   "t.conf:5: default_smtp_port: \"x\" is not a number\n"
		   "t.conf:6: postfix_config_dir: \"postfix\" is not an "
		   "absolute path\n");
	s = malloc(70 * 30);
	t = malloc(70 * 12 + 100);
	assert_non_null(s);
	assert_non_null(t);
	p = s;
	for (i = 0; i < 65; i++)
		p += sprintf(p, "smtp_check c%zu {\n}\n", i);
	p = t + sprintf(t, "track_check {\n");
	for (i = 0; i < 65; i++)
		p += sprintf(p, "c%zu\n", i);
	strcpy(p, "}");
	top_expect(s, t, "t.conf:202: track_check: more than 64 checks\n");
	free(s);
	free(t);
}

/* What vipd -t says each instance tracks. */
static char *tracks_to_string(const struct conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	conf_print_tracks(f, c);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_print_tracks(void **state)
{
	struct conf *c;
	char *out;

	(void)state;
	c = inst_ok("");
	out = tracks_to_string(c);
	assert_string_equal(out, "VI_1: tracks default_smtp (smtp "
	    "127.0.0.1:25, weight 0); default_postfix (postfix /etc/postfix, "
	    "weight 0)\n");
	free(out);
	conf_free(c);
	c = top_ok("smtp_check tls { connect_ip 2001:db8::25\n"
	    "starttls required\nrcpt_to probe@sink.test\n}\n",
	    "track_check {\ntls weight -20\n}\nhealth_strict", "");
	out = tracks_to_string(c);
	assert_string_equal(out, "VI_1: tracks tls (smtp [2001:db8::25]:25, "
	    "STARTTLS required, RCPT TO probe@sink.test, weight -20), "
	    "health_strict\n");
	free(out);
	conf_free(c);
	c = inst_ok("default_checks off");
	out = tracks_to_string(c);
	assert_string_equal(out, "VI_1: tracks no health check\n");
	free(out);
	conf_free(c);
}

static void test_checks_shared(void **state)
{
	struct conf *c;

	(void)state;
	/* one check tracked by two instances, with two weights */
	c = parse_expect("smtp_check s {\n weight -20\n}\n"
			 "vrrp_instance A {\n interface eth0\n"
			 " virtual_router_id 1\n track_check {\n  s\n }\n"
			 " virtual_ipaddress {\n 192.0.2.1\n }\n}\n"
			 "vrrp_instance B {\n interface eth0\n"
			 " virtual_router_id 2\n track_check {\n  s weight 0\n"
			 " }\n virtual_ipaddress {\n 192.0.2.2\n }\n}\n", "");
	assert_non_null(c);
	assert_int_equal(c->nchecks, 1);
	assert_int_equal(c->instances[0].tracks[0].weight, -20);
	assert_int_equal(c->instances[0].tracks[0].line, 8);
	assert_int_equal(c->instances[1].tracks[0].weight, 0);
	assert_round_trip(c);
	conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checks_default),
		cmocka_unit_test(test_checks_user_defaults),
		cmocka_unit_test(test_checks_values),
		cmocka_unit_test(test_checks_timeouts),
		cmocka_unit_test(test_checks_tls),
		cmocka_unit_test(test_err_checks),
		cmocka_unit_test(test_err_check_limit),
		cmocka_unit_test(test_err_long_words),
		cmocka_unit_test(test_track_check),
		cmocka_unit_test(test_checks_shared),
		cmocka_unit_test(test_print_tracks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
