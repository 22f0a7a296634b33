/* SPDX-License-Identifier: ISC */
/* Unit tests for the configuration lexer, parser, printer and loader. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "agent/conf.h"
#include "agent/conf_lex.h"

static const char seed_master[] =
	"# /etc/keepalived/keepalived.conf on MX1 (Master)\n"
	"vrrp_instance VI_1 {\n"
	"    state MASTER\n"
	"    interface eth0\n"
	"    virtual_router_id 51\n"
	"    priority 100\n"
	"    advert_int 1\n"
	"    \n"
	"    authentication {\n"
	"        auth_type PASS\n"
	"        auth_pass SecurePass123\n"
	"    }\n"
	"    \n"
	"    virtual_ipaddress {\n"
	"        203.0.113.5/24\n"
	"    }\n"
	"}\n";

/* Helpers -------------------------------------------------------------- */

static char *join_diag(const struct conf_diag *d)
{
	size_t i, len = 1;
	char *s;

	for (i = 0; i < d->nmsgs; i++)
		len += strlen(d->msgs[i].text) + 1;
	s = calloc(1, len);
	assert_non_null(s);
	for (i = 0; i < d->nmsgs; i++) {
		strcat(s, d->msgs[i].text);
		strcat(s, "\n");
	}
	return s;
}

/* Parse @text as "t.conf"; the messages must be exactly @want. */
static struct conf *parse_expect(const char *text, const char *want)
{
	struct conf_diag d = { 0 };
	struct conf *c = conf_parse_buf("t.conf", text, strlen(text), &d);
	char *got = join_diag(&d);

	assert_string_equal(got, want);
	if (c == NULL)
		assert_true(d.nerrors > 0);
	else
		assert_int_equal(d.nerrors, 0);
	free(got);
	conf_diag_free(&d);
	return c;
}

/* A valid instance with @extra as line 7, inside the instance block. */
static char *inst(const char *extra)
{
	char *s;

	assert_true(asprintf(&s,
	    "vrrp_instance VI_1 {\n"
	    "    interface eth0\n"
	    "    virtual_router_id 51\n"
	    "    virtual_ipaddress {\n"
	    "        203.0.113.5/24\n"
	    "    }\n"
	    "%s\n"
	    "}\n", extra) > 0);
	return s;
}

/* @extra inside a valid instance must give exactly @want. */
static void inst_expect(const char *extra, const char *want)
{
	char *s = inst(extra);

	conf_free(parse_expect(s, want));
	free(s);
}

static struct conf *inst_ok(const char *extra)
{
	char *s = inst(extra);
	struct conf *c = parse_expect(s, "");

	free(s);
	assert_non_null(c);
	assert_int_equal(c->ninstances, 1);
	return c;
}

static char *print_to_string(const struct conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	conf_print(f, c);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void assert_vips_equal(const struct conf_vip *a,
			      const struct conf_vip *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		assert_int_equal(a[i].family, b[i].family);
		assert_memory_equal(a[i].addr, b[i].addr, 16);
		assert_int_equal(a[i].prefixlen, b[i].prefixlen);
		assert_string_equal(a[i].dev, b[i].dev);
	}
}

static void assert_str_or_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void assert_inst_extra_equal(const struct conf_instance *a,
				    const struct conf_instance *b)
{
	size_t i;

	assert_int_equal(a->unicast, b->unicast);
	assert_int_equal(a->has_unicast_src, b->has_unicast_src);
	assert_memory_equal(a->unicast_src, b->unicast_src, 16);
	assert_int_equal(a->npeers, b->npeers);
	for (i = 0; i < a->npeers; i++) {
		assert_int_equal(a->peers[i].family, b->peers[i].family);
		assert_memory_equal(a->peers[i].addr, b->peers[i].addr, 16);
	}
	assert_int_equal(a->nexcluded, b->nexcluded);
	assert_vips_equal(a->excluded, b->excluded, a->nexcluded);
	assert_int_equal(a->ntrack_ifs, b->ntrack_ifs);
	for (i = 0; i < a->ntrack_ifs; i++) {
		assert_string_equal(a->track_ifs[i].name, b->track_ifs[i].name);
		assert_int_equal(a->track_ifs[i].weight,
				 b->track_ifs[i].weight);
	}
	assert_int_equal(a->dont_track_primary, b->dont_track_primary);
	assert_str_or_null(a->notify_master, b->notify_master);
	assert_str_or_null(a->notify_backup, b->notify_backup);
	assert_str_or_null(a->notify_fault, b->notify_fault);
	assert_str_or_null(a->notify_stop, b->notify_stop);
	assert_str_or_null(a->notify, b->notify);
	assert_int_equal(a->garp_master_delay_s, b->garp_master_delay_s);
	assert_int_equal(a->garp_master_repeat, b->garp_master_repeat);
	assert_int_equal(a->garp_master_refresh_s, b->garp_master_refresh_s);
	assert_int_equal(a->garp_master_refresh_repeat,
			 b->garp_master_refresh_repeat);
	assert_int_equal(a->garp_lower_prio_delay_s,
			 b->garp_lower_prio_delay_s);
	assert_int_equal(a->garp_lower_prio_repeat, b->garp_lower_prio_repeat);
	assert_int_equal(a->lower_prio_no_advert, b->lower_prio_no_advert);
	assert_int_equal(a->higher_prio_send_advert,
			 b->higher_prio_send_advert);
	assert_int_equal(a->ntracks, b->ntracks);
	for (i = 0; i < a->ntracks; i++) {
		assert_int_equal(a->tracks[i].check, b->tracks[i].check);
		assert_int_equal(a->tracks[i].weight, b->tracks[i].weight);
	}
	assert_int_equal(a->default_checks, b->default_checks);
	assert_int_equal(a->health_strict, b->health_strict);
}

static void assert_inst_equal(const struct conf_instance *a,
			      const struct conf_instance *b)
{
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->init_state, b->init_state);
	assert_string_equal(a->interface, b->interface);
	assert_int_equal(a->vrid, b->vrid);
	assert_int_equal(a->priority, b->priority);
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->family, b->family);
	assert_int_equal(a->advert_int_cs, b->advert_int_cs);
	assert_int_equal(a->nopreempt, b->nopreempt);
	assert_int_equal(a->preempt_delay_ms, b->preempt_delay_ms);
	assert_int_equal(a->auth_type, b->auth_type);
	assert_memory_equal(a->auth_pass, b->auth_pass, 8);
	assert_int_equal(a->nvips, b->nvips);
	assert_vips_equal(a->vips, b->vips, a->nvips);
	assert_inst_extra_equal(a, b);
}

/* All but the implicit flag and where it was written. */
static void assert_check_equal(const struct conf_check *a,
			       const struct conf_check *b)
{
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->type, b->type);
	assert_memory_equal(&a->smtp, &b->smtp, sizeof(a->smtp));
	assert_memory_equal(&a->postfix, &b->postfix, sizeof(a->postfix));
	assert_int_equal(a->interval_us, b->interval_us);
	assert_int_equal(a->timeout_us, b->timeout_us);
	assert_int_equal(a->step_timeout_us, b->step_timeout_us);
	assert_int_equal(a->rise, b->rise);
	assert_int_equal(a->fall, b->fall);
	assert_int_equal(a->weight, b->weight);
}

static void assert_global_equal(const struct conf *a, const struct conf *b)
{
	size_t i;

	assert_string_equal(a->router_id, b->router_id);
	assert_int_equal(a->vrrp_version, b->vrrp_version);
	assert_string_equal(a->script_user, b->script_user);
	assert_string_equal(a->script_group, b->script_group);
	assert_int_equal(a->enable_script_security, b->enable_script_security);
	assert_int_equal(a->garp_master_delay_s, b->garp_master_delay_s);
	assert_int_equal(a->garp_master_repeat, b->garp_master_repeat);
	assert_int_equal(a->garp_master_refresh_s, b->garp_master_refresh_s);
	assert_int_equal(a->garp_master_refresh_repeat,
			 b->garp_master_refresh_repeat);
	assert_int_equal(a->garp_lower_prio_delay_s,
			 b->garp_lower_prio_delay_s);
	assert_int_equal(a->garp_lower_prio_repeat, b->garp_lower_prio_repeat);
	assert_int_equal(a->garp_interval_us, b->garp_interval_us);
	assert_int_equal(a->gna_interval_us, b->gna_interval_us);
	assert_int_equal(a->lower_prio_no_advert, b->lower_prio_no_advert);
	assert_int_equal(a->higher_prio_send_advert,
			 b->higher_prio_send_advert);
	assert_int_equal(a->skip_check_adv_addr, b->skip_check_adv_addr);
	assert_string_equal(a->postfix_config_dir, b->postfix_config_dir);
	assert_int_equal(a->default_smtp_family, b->default_smtp_family);
	assert_memory_equal(a->default_smtp_ip, b->default_smtp_ip, 16);
	assert_int_equal(a->default_smtp_port, b->default_smtp_port);
	assert_int_equal(a->nchecks, b->nchecks);
	for (i = 0; i < a->nchecks; i++)
		assert_check_equal(&a->checks[i], &b->checks[i]);
}

/* print -> parse must give the same struct and the same print. */
static void assert_round_trip(const struct conf *c)
{
	struct conf_diag d = { 0 };
	char *p1 = print_to_string(c), *p2;
	struct conf *c2 = conf_parse_buf("rt.conf", p1, strlen(p1), &d);
	size_t i;

	assert_non_null(c2);
	assert_int_equal(d.nerrors, 0);
	assert_int_equal(d.nwarnings, c->ninstances == 0 ? 1 : 0);
	assert_global_equal(c, c2);
	assert_int_equal(c->ninstances, c2->ninstances);
	for (i = 0; i < c->ninstances; i++)
		assert_inst_equal(&c->instances[i], &c2->instances[i]);
	p2 = print_to_string(c2);
	assert_string_equal(p1, p2);
	free(p1);
	free(p2);
	conf_free(c2);
	conf_diag_free(&d);
}

/* Lexer ---------------------------------------------------------------- */

/* Tokens of @line rendered as "w:word o c e:msg", space-separated. */
static void lex_expect(const char *line, size_t len, const char *want)
{
	struct conf_lexer lx;
	char buf[CONF_TOKEN_MAX + 1], out[4096] = "";
	enum conf_tok t;
	size_t n;

	conf_lex_init(&lx, line, len);
	while ((t = conf_lex_next(&lx, buf, sizeof(buf), &n)) != CONF_TOK_EOL) {
		if (out[0] != '\0')
			strcat(out, " ");
		if (t == CONF_TOK_WORD) {
			assert_int_equal(n, strlen(buf));
			strcat(out, "w:");
			strcat(out, buf);
		} else if (t == CONF_TOK_OPEN) {
			strcat(out, "o");
		} else if (t == CONF_TOK_CLOSE) {
			strcat(out, "c");
		} else {
			strcat(out, "e:");
			strcat(out, lx.err);
		}
	}
	assert_string_equal(out, want);
}

#define LEX(s, want) lex_expect((s), sizeof(s) - 1, (want))

static void test_lex_words(void **state)
{
	(void)state;
	LEX("", "");
	LEX("   \t  ", "");
	LEX("state MASTER", "w:state w:MASTER");
	LEX("  a\tb\r", "w:a w:b");
	LEX("virtual_ipaddress{", "w:virtual_ipaddress o");
	LEX("x{y}z", "w:x o w:y c w:z");
	LEX("{}{", "o c o");
	LEX("a # comment { }", "w:a");
	LEX("a ! comment", "w:a");
	LEX("# whole line", "");
	LEX("a#b c!d", "w:a#b w:c!d");
	LEX("a {# comment", "w:a o");
	LEX("\xc3\xa9t\xc3\xa9", "w:\xc3\xa9t\xc3\xa9");
}

/* keepalived 2.2.7: only '"' quotes, no escapes, backslash and ' literal. */
static void test_lex_quotes(void **state)
{
	(void)state;
	LEX("\"a b\"", "w:a b");
	LEX("ab\" c d \"ef", "w:ab c d ef");
	LEX("\"{ # }\" x", "w:{ # } w:x");
	LEX("\"!x\"!", "w:!x!");
	LEX("\"\" x", "w: w:x");
	LEX("\"a\tb\"", "w:a\tb");
	LEX("'a b'", "w:'a w:b'");
	LEX("it's", "w:it's");
	LEX("\"a\\b\"", "w:a\\b");
	LEX("\"a\\\\b\"", "w:a\\\\b");
	LEX("\"a\\\"b\"", "e:unterminated quoted string");
	LEX("a\\b", "w:a\\b");
	LEX("include a{b}", "w:include w:a o w:b c");
	{
		struct conf_lexer lx;
		char buf[CONF_TOKEN_MAX + 1];
		size_t n;

		conf_lex_init(&lx, "a{b,c} }", 8);
		lx.braces_literal = true;
		assert_int_equal(conf_lex_next(&lx, buf, sizeof(buf), &n),
				 CONF_TOK_WORD);
		assert_string_equal(buf, "a{b,c}");
		assert_int_equal(conf_lex_next(&lx, buf, sizeof(buf), &n),
				 CONF_TOK_WORD);
		assert_string_equal(buf, "}");
	}
}

static void test_lex_errors(void **state)
{
	char big[CONF_TOKEN_MAX + 8];

	(void)state;
	LEX("\"abc", "e:unterminated quoted string");
	LEX("a\\\"b", "e:unterminated quoted string");
	LEX("\"a\"b\"c", "e:unterminated quoted string");
	LEX("a\001b c", "e:invalid control character w:c");
	LEX("a\0b c", "e:invalid control character w:c");
	LEX("\"a\001\" c", "e:invalid control character w:c");
	LEX("a\177b", "e:invalid control character");
	memset(big, 'a', sizeof(big));
	{
		struct conf_lexer lx;
		char buf[CONF_TOKEN_MAX + 1];
		size_t n;

		conf_lex_init(&lx, big, CONF_TOKEN_MAX);
		assert_int_equal(conf_lex_next(&lx, buf, sizeof(buf), &n),
				 CONF_TOK_WORD);
		assert_int_equal(n, CONF_TOKEN_MAX);
		conf_lex_init(&lx, big, CONF_TOKEN_MAX + 1);
		assert_int_equal(conf_lex_next(&lx, buf, sizeof(buf), &n),
				 CONF_TOK_ERROR);
		assert_string_equal(lx.err, "word longer than 1024 bytes");
		assert_int_equal(conf_lex_next(&lx, buf, sizeof(buf), &n),
				 CONF_TOK_EOL);
	}
}

static void check_print_word(const char *s, size_t len, const char *want)
{
	struct conf_lexer lx;
	char *out = NULL, buf[CONF_TOKEN_MAX + 1];
	size_t olen = 0, n;
	FILE *f = open_memstream(&out, &olen);

	conf_lex_print_word(f, s, len);
	fclose(f);
	assert_string_equal(out, want);
	conf_lex_init(&lx, out, olen);
	assert_int_equal(conf_lex_next(&lx, buf, sizeof(buf), &n),
			 CONF_TOK_WORD);
	assert_int_equal(n, len);
	assert_memory_equal(buf, s, len);
	assert_int_equal(conf_lex_next(&lx, buf, sizeof(buf), &n),
			 CONF_TOK_EOL);
	free(out);
}

#define PW(s, want) check_print_word((s), sizeof(s) - 1, (want))

static void test_lex_print_word(void **state)
{
	(void)state;
	PW("eth0", "eth0");
	PW("a#b", "a#b");
	PW("", "\"\"");
	PW("#x", "\"#x\"");
	PW("!x", "\"!x\"");
	PW("a b", "\"a b\"");
	PW("a{", "\"a{\"");
	PW("a}", "\"a}\"");
	PW("it's", "it's");
	PW("b\\s", "b\\s");
	PW("a\tb", "\"a\tb\"");
	assert_int_equal(conf_lex_needs_quote("abc", 3), 0);
	assert_int_equal(conf_lex_needs_quote("a\"", 2), 1);
}

static void test_lex_repr(void **state)
{
	char out[CONF_REPR_MAX];
	char long_s[60];

	(void)state;
	assert_string_equal(conf_lex_repr(out, sizeof(out), "ab", 2), "ab");
	assert_string_equal(conf_lex_repr(out, sizeof(out), "a\nb\xff", 4),
			    "a\\x0ab\\xff");
	memset(long_s, 'x', sizeof(long_s));
	conf_lex_repr(out, sizeof(out), long_s, sizeof(long_s));
	assert_int_equal(strlen(out), 43);
	assert_string_equal(out + 40, "...");
	assert_string_equal(conf_lex_repr(out, 4, "abc", 3), "");
}

static void test_lex_uint(void **state)
{
	uint32_t v = 7;

	(void)state;
	assert_int_equal(conf_lex_uint("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(conf_lex_uint("051", &v), 0);
	assert_int_equal(v, 51);
	assert_int_equal(conf_lex_uint("4294967295", &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(conf_lex_uint("4294967296", &v), 1);
	assert_int_equal(conf_lex_uint("99999999999999999999999", &v), 1);
	assert_int_equal(conf_lex_uint("9999999999999x", &v), -1);
	assert_int_equal(conf_lex_uint("", &v), -1);
	assert_int_equal(conf_lex_uint("-1", &v), -1);
	assert_int_equal(conf_lex_uint("+1", &v), -1);
	assert_int_equal(conf_lex_uint("1.0", &v), -1);
	assert_int_equal(conf_lex_uint("0x10", &v), -1);
}

static void test_lex_seconds(void **state)
{
	uint64_t us = 0;

	(void)state;
	assert_int_equal(conf_lex_seconds("1", &us), 0);
	assert_int_equal(us, 1000000);
	assert_int_equal(conf_lex_seconds("0.1", &us), 0);
	assert_int_equal(us, 100000);
	assert_int_equal(conf_lex_seconds("0.05", &us), 0);
	assert_int_equal(us, 50000);
	assert_int_equal(conf_lex_seconds(".5", &us), 0);
	assert_int_equal(us, 500000);
	assert_int_equal(conf_lex_seconds("2.000001", &us), 0);
	assert_int_equal(us, 2000001);
	assert_int_equal(conf_lex_seconds("1.0000000", &us), 0);
	assert_int_equal(us, 1000000);
	assert_int_equal(conf_lex_seconds("10000000", &us), 0);
	assert_int_equal(us, 10000000000000ULL);
	assert_int_equal(conf_lex_seconds("10000001", &us), 1);
	assert_int_equal(conf_lex_seconds("0.0000001", &us), 2);
	assert_int_equal(conf_lex_seconds("1.", &us), -1);
	assert_int_equal(conf_lex_seconds(".", &us), -1);
	assert_int_equal(conf_lex_seconds("", &us), -1);
	assert_int_equal(conf_lex_seconds("1e3", &us), -1);
	assert_int_equal(conf_lex_seconds("-1", &us), -1);
	assert_int_equal(conf_lex_seconds("1.2.3", &us), -1);
	assert_int_equal(conf_lex_seconds("99999999999x", &us), -1);
}

static void test_lex_fmt_seconds(void **state)
{
	char buf[CONF_SECONDS_MAX], tiny[4];
	uint64_t us = 0;

	(void)state;
	assert_string_equal(conf_lex_fmt_seconds(buf, sizeof(buf), 0), "0");
	assert_string_equal(conf_lex_fmt_seconds(buf, sizeof(buf), 1),
			    "0.000001");
	assert_string_equal(conf_lex_fmt_seconds(buf, sizeof(buf), 1500000),
			    "1.5");
	assert_string_equal(conf_lex_fmt_seconds(buf, sizeof(buf), 100000000),
			    "100");
	assert_string_equal(conf_lex_fmt_seconds(buf, sizeof(buf), 50000),
			    "0.05");
	assert_string_equal(conf_lex_fmt_seconds(buf, sizeof(buf),
						 UINT64_MAX),
			    "18446744073709.551615");
	/* what it prints reads back */
	assert_int_equal(conf_lex_seconds(conf_lex_fmt_seconds(buf,
			 sizeof(buf), 3600000001ULL), &us), 0);
	assert_int_equal(us, 3600000001ULL);
	/* too small a buffer: cut by snprintf, not overrun */
	conf_lex_fmt_seconds(tiny, sizeof(tiny), 12345678);
	assert_string_equal(tiny, "12.");
}

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

/* Parser: errors ------------------------------------------------------- */

static void test_err_instance_values(void **state)
{
	(void)state;
	inst_expect("state master",
		    "t.conf:7: state: \"master\" must be MASTER or BACKUP\n");
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
	s = inst("state MASTER\nnopreempt\npreempt_delay 3");
	c = parse_expect(s, "t.conf:8: warning: nopreempt is ignored with "
			 "state MASTER (as keepalived does)\n"
			 "t.conf:9: warning: preempt_delay is ignored with "
			 "state MASTER (as keepalived does)\n");
	free(s);
	assert_non_null(c);
	assert_false(c->instances[0].nopreempt);
	assert_int_equal(c->instances[0].preempt_delay_ms, 0);
	assert_round_trip(c);
	conf_free(c);
	s = inst("priority 255\nnopreempt\npreempt_delay 3");
	c = parse_expect(s, "t.conf:8: warning: nopreempt is ignored with "
			 "priority 255 (as keepalived does)\n");
	free(s);
	assert_non_null(c);
	assert_false(c->instances[0].nopreempt);
	assert_int_equal(c->instances[0].preempt_delay_ms, 3000);
	assert_round_trip(c);
	conf_free(c);
	/* the preempt_delay 0 of a canonical print is no warning */
	conf_free(inst_ok("state MASTER\npreempt_delay 0"));
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
			       "t.conf:1: vrrp_instance A: missing required "
			       "keyword \"virtual_ipaddress\"\n"));
	conf_free(parse_expect("vrrp_instance A {\n interface "
			       "abcdefghijklmnop\n}\n",
			       "t.conf:2: interface: \"abcdefghijklmnop\" is "
			       "longer than 15 characters\n"
			       "t.conf:1: vrrp_instance A: missing required "
			       "keyword \"virtual_router_id\"\n"
			       "t.conf:1: vrrp_instance A: missing required "
			       "keyword \"virtual_ipaddress\"\n"));
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
	conf_free(parse_expect("vrrp_instance A\n{\n}\n",
			       "t.conf:1: vrrp_instance: missing \"{\" at the "
			       "end of the line\n"
			       "t.conf:2: unexpected \"{\"\n"));
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
	inst_expect("authentication\n{\n}",
		    "t.conf:7: authentication: missing \"{\" at the end of "
		    "the line\n"
		    "t.conf:8: unexpected \"{\"\n");
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
			       "t.conf:4: virtual_ipaddress: no address (at "
			       "least one is required)\n"));
	conf_free(parse_expect(
		"vrrp_instance A {\n interface eth0\n virtual_router_id 1\n"
		" virtual_ipaddress {\n"
		"  192.0.2.1/24 label eth0:1\n"		/* 5 */
		"  192.0.2.2 scope link\n"
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
		"  192.0.2.10 dev eth1 brd 192.0.2.255\n"
		"  1.2.3\n"
		" }\n}\n",
		"t.conf:5: virtual_ipaddress: option \"label\" is not "
		"supported by vipd\n"
		"t.conf:6: virtual_ipaddress: option \"scope\" is not "
		"supported by vipd\n"
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
		"t.conf:25: virtual_ipaddress: \"192.0.2.9/24\" is listed "
		"twice (first at line 23)\n"
		"t.conf:26: virtual_ipaddress: option \"brd\" is not "
		"supported by vipd\n"
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
			       "t.conf:1: vrrp_instance A: missing required "
			       "keyword \"virtual_ipaddress\"\n"));
	conf_free(parse_expect("virtual_server 192.0.2.1 25 {\n"
			       " real_server 192.0.2.2 25 {\n",
			       "t.conf:1: \"virtual_server\" (LVS) is not "
			       "supported by vipd\n"
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
		" mcast_dst_ip 224.0.0.19\n unicast_ttl 5\n no_accept\n"	/* 31 */
		" notify_master bin/x\n"
		" preempt\n"
		" use_vmac\n"
		" router_id x\n"
		" auth_type PASS\n"					/* 38 */
		" bogus 1 2 {\n  { }\n }\n"
		" vrrp_instance X {\n }\n"
		"}\n",
		"t.conf:2: warning: \"notification_email\" is ignored: vipd "
		"does not send email alerts (use notify scripts)\n"
		"t.conf:5: \"vrrp_strict\" is not supported: it makes the VIP "
		"unreachable for mail (no Accept_Mode)\n"
		"t.conf:6: unknown keyword \"router_idd\" in global_defs\n"
		"t.conf:7: \"priority\" is not valid in global_defs (it "
		"belongs in vrrp_instance)\n"
		"t.conf:9: vrrp_script/track_script are not supported; vipd "
		"checks Postfix itself (see smtp_check and postfix_check in "
		"vipd.conf(5))\n"
		"t.conf:12: \"vrrp_sync_group\" (sync groups) is not "
		"supported by vipd\n"
		"t.conf:17: unknown keyword \"frobnicate\" in top level\n"
		"t.conf:18: \"$VAR=1\": keepalived's parameter substitutions "
		"are not supported by vipd\n"
		"t.conf:19: \"@mx1\": keepalived's conditional lines are not "
		"supported by vipd\n"
		"t.conf:20: \"~SEQ(i,1,3)\": keepalived's sequence and list "
		"blocks are not supported by vipd\n"
		"t.conf:21: \"includer\" (include variants; use include) is "
		"not supported by vipd\n"
		"t.conf:22: \"virtual_ipaddress\" is not valid in top level "
		"(it belongs in vrrp_instance)\n"
		"t.conf:31: \"mcast_dst_ip\" is not supported: vipd uses the "
		"VRRP groups 224.0.0.18 and ff02::12 (or unicast_peer)\n"
		"t.conf:32: \"unicast_ttl\" (unicast TTL) is not supported by "
		"vipd\n"
		"t.conf:33: \"no_accept\" is not supported: mail needs "
		"Accept_Mode (vipd always accepts traffic to the VIP)\n"
		"t.conf:34: notify_master: \"bin/x\" does not start with an "
		"absolute path\n"
		"t.conf:35: \"preempt\" (preemption is the default; remove "
		"it) is not supported by vipd\n"
		"t.conf:36: \"use_vmac\" is not supported: vipd moves the "
		"address, see vipd.conf(5)\n"
		"t.conf:37: \"router_id\" is not valid in vrrp_instance (it "
		"belongs in global_defs)\n"
		"t.conf:38: \"auth_type\" is not valid in vrrp_instance (it "
		"belongs in authentication)\n"
		"t.conf:39: unknown keyword \"bogus\" in vrrp_instance\n"
		"t.conf:42: \"vrrp_instance\" is not valid in vrrp_instance "
		"(it belongs in top level)\n"));
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

/* keepalived vocabulary ------------------------------------------------ */

/* @top from line 1, then the instance of inst() holding @extra. */
static char *top_inst(const char *top, const char *extra)
{
	char *i = inst(extra), *s;

	assert_true(asprintf(&s, "%s%s", top, i) > 0);
	free(i);
	return s;
}

static struct conf *top_ok(const char *top, const char *extra,
			   const char *want)
{
	char *s = top_inst(top, extra);
	struct conf *c = parse_expect(s, want);

	free(s);
	assert_non_null(c);
	return c;
}

static void top_expect(const char *top, const char *extra, const char *want)
{
	char *s = top_inst(top, extra);

	conf_free(parse_expect(s, want));
	free(s);
}

static void assert_addr(int family, const uint8_t *got, const char *want)
{
	uint8_t a[16] = { 0 };

	assert_int_equal(inet_pton(family, want, a), 1);
	assert_memory_equal(got, a, 16);
}

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
	assert_round_trip(c);
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
	inst_expect("unicast_peer {\n203.0.113.2 min_ttl 10\n}",
		    "t.conf:8: unicast_peer: keepalived's per-peer \"min_ttl\" "
		    "and \"max_ttl\" are not supported by vipd\n");
	inst_expect("unicast_peer {\n203.0.113.2 max_ttl 255\n}",
		    "t.conf:8: unicast_peer: keepalived's per-peer \"min_ttl\" "
		    "and \"max_ttl\" are not supported by vipd\n");
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

	inst_expect("notify_master /bin/x root",
		    "t.conf:7: notify_master: a user after the script is not "
		    "supported (use script_user, or quote the command if "
		    "\"root\" is an argument)\n");
	inst_expect("notify_fault /bin/x root mail",
		    "t.conf:7: notify_fault: a user after the script is not "
		    "supported (use script_user, or quote the command if "
		    "\"root\" is an argument)\n");
	inst_expect("notify /bin/x a b c",
		    "t.conf:7: notify: unexpected argument \"c\"\n");
	inst_expect("notify_backup x.sh",
		    "t.conf:7: notify_backup: \"x.sh\" does not start with an "
		    "absolute path\n");
	inst_expect("notify_backup \"'x.sh'\"",
		    "t.conf:7: notify_backup: \"'x.sh'\" does not start with an "
		    "absolute path\n");
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
		    "t.conf:9: virtual_ipaddress_excluded: \"203.0.113.6/24\" is "
		    "listed twice (first at line 8)\n"
		    "t.conf:10: virtual_ipaddress_excluded: option \"label\" is "
		    "not supported by vipd\n"
		    "t.conf:11: virtual_ipaddress_excluded: \"mx1\" is not an "
		    "IPv4 or IPv6 address\n"
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
		   "SNMP support (see vipctl(8) for status)\n"
		   "t.conf:14: warning: \"enable_snmp_vrrp\" is ignored: vipd "
		   "has no SNMP support (see vipctl(8) for status)\n"
		   "t.conf:15: warning: \"enable_snmp_checker\" is ignored: vipd "
		   "has no SNMP support (see vipctl(8) for status)\n"
		   "t.conf:16: warning: \"enable_snmp_rfc\" is ignored: vipd has "
		   "no SNMP support (see vipctl(8) for status)\n"
		   "t.conf:17: warning: \"enable_snmp_rfcv2\" is ignored: vipd "
		   "has no SNMP support (see vipctl(8) for status)\n"
		   "t.conf:18: warning: \"enable_snmp_rfcv3\" is ignored: vipd "
		   "has no SNMP support (see vipctl(8) for status)\n"
		   "t.conf:19: warning: \"snmp_socket\" is ignored: vipd has no "
		   "SNMP support (see vipctl(8) for status)\n"
		   "t.conf:20: warning: \"lvs_id\" is ignored: an LVS setting, "
		   "vipd has no use for it\n"
		   "t.conf:28: warning: \"smtp_alert\" is ignored: vipd does not "
		   "send email alerts (use notify scripts)\n"
		   "t.conf:29: warning: \"debug\" is ignored: use vipd -D for "
		   "detailed logs\n");
	out = print_to_string(c);
	assert_null(strstr(out, "smtp_alert"));
	assert_null(strstr(out, "notification"));
	assert_null(strstr(out, "accept"));
	free(out);
	assert_round_trip(c);
	conf_free(c);

	top_expect("global_defs {\n vrrp_mcast_group6 ff02::13\n"
		   " vrrp_min_garp\n vrrp_check_unicast_src\n enable_dbus\n}\n",
		   "strict_mode\nuse_ipvlan\nmcast_src_ip 203.0.113.1\n"
		   "skip_check_adv_addr\ntrack_script {\n chk\n}\n"
		   "no_accept\nunicast_ttl 255\ngarp_extra_if 60",
		   "t.conf:2: \"vrrp_mcast_group6\" is not supported: vipd uses "
		   "the VRRP groups 224.0.0.18 and ff02::12 (or "
		   "unicast_peer)\n"
		   "t.conf:3: \"vrrp_min_garp\" is not supported: use "
		   "vrrp_garp_master_repeat 1 and vrrp_garp_master_delay 0\n"
		   "t.conf:4: \"vrrp_check_unicast_src\" (unicast source checks) "
		   "is not supported by vipd\n"
		   "t.conf:5: \"enable_dbus\" (DBus) is not supported by vipd\n"
		   "t.conf:13: \"strict_mode\" is not supported: it makes the "
		   "VIP unreachable for mail (no Accept_Mode)\n"
		   "t.conf:14: \"use_ipvlan\" is not supported: vipd moves the "
		   "address, see vipd.conf(5)\n"
		   "t.conf:15: \"mcast_src_ip\" is not supported: use "
		   "unicast_src_ip, which sets the same source address\n"
		   "t.conf:16: \"skip_check_adv_addr\" is not supported: use "
		   "vrrp_skip_check_adv_addr in global_defs\n"
		   "t.conf:17: vrrp_script/track_script are not supported; vipd "
		   "checks Postfix itself (see smtp_check and postfix_check in "
		   "vipd.conf(5))\n"
		   "t.conf:20: \"no_accept\" is not supported: mail needs "
		   "Accept_Mode (vipd always accepts traffic to the VIP)\n"
		   "t.conf:21: \"unicast_ttl\" (unicast TTL) is not supported by "
		   "vipd\n"
		   "t.conf:22: \"garp_extra_if\" (GARP on extra interfaces) is "
		   "not supported by vipd\n");
	/* the decision table is per block */
	top_expect("global_defs {\n debug 1\n}\n", "lvs_id x",
		   "t.conf:2: unknown keyword \"debug\" in global_defs\n"
		   "t.conf:10: unknown keyword \"lvs_id\" in vrrp_instance\n");
}

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
		    "t.conf:7: \"vrf\" is not supported by vipd\n");
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
				       "virtual_ipaddress {\n192.0.2.1\n}\n}\n",
				       i, i);
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
				       "virtual_ipaddress {\n192.0.2.1\n}\n}\n",
				       i, i);
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

/* Loader --------------------------------------------------------------- */

static char tmpdir[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void rm_tmpdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
}

static struct conf *load_expect(const char *rel, const char *want)
{
	char path[256], *got, *w = NULL;
	struct conf_diag d = { 0 };
	struct conf *c;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	c = conf_load(path, &d);
	got = join_diag(&d);
	/* "@" in @want stands for the temporary directory */
	for (; *want != '\0'; want++) {
		char *t = NULL, ch[2] = { *want, '\0' };

		assert_true(asprintf(&t, "%s%s", w ? w : "",
				     *want == '@' ? tmpdir : ch) > 0);
		free(w);
		w = t;
	}
	assert_string_equal(got, w ? w : "");
	free(got);
	free(w);
	conf_diag_free(&d);
	return c;
}

static const char vi_a[] =
	"vrrp_instance A {\n interface eth0\n virtual_router_id 1\n"
	" virtual_ipaddress {\n  192.0.2.1\n }\n}\n";
static const char vi_b[] =
	"vrrp_instance B {\n interface eth0\n virtual_router_id 2\n"
	" virtual_ipaddress {\n  192.0.2.2\n }\n}\n";

static void test_load(void **state)
{
	struct conf *c;
	char path[300];
	int i;

	(void)state;
	strcpy(tmpdir, "/tmp/test_conf.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/conf.d", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/empty.d", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);

	put("main.conf", "global_defs {\n router_id x\n}\n"
	    "include conf.d/*.conf\n");
	put("conf.d/a.conf", vi_a);
	put("conf.d/b.conf", vi_b);
	put("conf.d/skip.txt", "garbage\n");
	c = load_expect("main.conf", "");
	assert_non_null(c);
	assert_int_equal(c->ninstances, 2);
	assert_string_equal(c->instances[0].name, "A");
	assert_string_equal(c->instances[1].name, "B");
	assert_int_equal(c->nfiles, 3);
	snprintf(path, sizeof(path), "%s/conf.d/b.conf", tmpdir);
	assert_string_equal(c->instances[1].file, path);
	assert_int_equal(c->instances[1].line, 1);
	conf_free(c);

	/* errors carry the included file's name and line */
	put("conf.d/b.conf", "vrrp_instance B {\n priority 0\n}\n");
	conf_free(load_expect("main.conf",
			      "@/conf.d/b.conf:2: priority: \"0\" is out of "
			      "range 1..255\n"
			      "@/conf.d/b.conf:1: vrrp_instance B: missing "
			      "required keyword \"interface\"\n"
			      "@/conf.d/b.conf:1: vrrp_instance B: missing "
			      "required keyword \"virtual_router_id\"\n"
			      "@/conf.d/b.conf:1: vrrp_instance B: missing "
			      "required keyword \"virtual_ipaddress\"\n"));
	put("conf.d/b.conf", vi_b);

	/* include inside a block, with braces and an absolute path */
	snprintf(path, sizeof(path), "vrrp_instance A {\n include "
		 "\"%s/part.inc\"\n virtual_ipaddress {\n 192.0.2.1\n"
		 " }\n}\n", tmpdir);
	put("inblock.conf", path);
	put("part.inc", "interface eth0\nvirtual_router_id x1\n");
	conf_free(load_expect("inblock.conf",
			      "@/part.inc:2: virtual_router_id: \"x1\" is not "
			      "a number\n"));
	put("part.inc", "interface eth0\nvirtual_router_id 5\n");
	c = load_expect("inblock.conf", "");
	assert_non_null(c);
	assert_int_equal(c->instances[0].vrid, 5);
	conf_free(c);

	/* brace globs, no match, a missing literal, a directory */
	put("brace.conf", "include conf.d/{a,b}.conf\n");
	c = load_expect("brace.conf", "");
	assert_non_null(c);
	assert_int_equal(c->ninstances, 2);
	conf_free(c);
	put("nomatch.conf", "include empty.d/*.conf\n");
	c = load_expect("nomatch.conf",
			"@/nomatch.conf:1: warning: include: no file matches "
			"\"@/empty.d/*.conf\"\n"
			"@/nomatch.conf: warning: no vrrp_instance defined\n");
	assert_non_null(c);
	conf_free(c);
	put("missing.conf", "include nothere.conf\n");
	assert_null(load_expect("missing.conf",
				"@/missing.conf:1: include: cannot read "
				"\"@/nothere.conf\": No such file or "
				"directory\n"));
	put("dir.conf", "include conf.d\n");
	assert_null(load_expect("dir.conf",
				"@/dir.conf:1: include: cannot read "
				"\"@/conf.d\": Is a directory\n"));
	assert_null(load_expect("absent.conf",
				"@/absent.conf: cannot read: No such file or "
				"directory\n"));
	assert_null(load_expect("conf.d",
				"@/conf.d: cannot read: Is a directory\n"));

	/* loops and depth */
	put("self.conf", "include self.conf\n");
	assert_null(load_expect("self.conf",
				"@/self.conf:1: include: \"@/self.conf\" "
				"includes itself\n"));
	for (i = 0; i < 10; i++) {
		char name[32], text[64];

		snprintf(name, sizeof(name), "d%d.conf", i);
		snprintf(text, sizeof(text), "include d%d.conf\n", i + 1);
		put(name, text);
	}
	put("d10.conf", vi_a);
	assert_null(load_expect("d0.conf",
				"@/d8.conf:1: include: nested more than 8 "
				"deep\n"));
	put("d2.conf", vi_a);
	c = load_expect("d0.conf", "");
	assert_non_null(c);
	assert_int_equal(c->nfiles, 3);
	conf_free(c);

	/* too many files, a file too large */
	snprintf(path, sizeof(path), "%s/many", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	for (i = 0; i < 257; i++) {
		char name[32];

		snprintf(name, sizeof(name), "many/%03d.conf", i);
		put(name, "");
	}
	put("many.conf", "include many/*.conf\n");
	assert_null(load_expect("many.conf",
				"@/many.conf:1: include: more than 256 "
				"files\n"));
	snprintf(path, sizeof(path), "%s/huge.conf", tmpdir);
	put("huge.conf", "");
	assert_int_equal(truncate(path, CONF_FILE_MAX + 1), 0);
	assert_null(load_expect("huge.conf",
				"@/huge.conf: cannot read: larger than 16 "
				"MiB\n"));
	assert_null(load_expect("../../../dev/null",
				"@/../../../dev/null: cannot read: not a "
				"regular file\n"));

	/* the relative path is relative to the including file */
	put("conf.d/rel.conf", "include a.conf\n");
	put("rel.conf", "include conf.d/rel.conf\n");
	c = load_expect("rel.conf", "");
	assert_non_null(c);
	assert_int_equal(c->ninstances, 1);
	conf_free(c);

	rm_tmpdir();
}

static void test_load_relative_name(void **state)
{
	struct conf_diag d = { 0 };
	struct conf *c;
	char cwd[512];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	strcpy(tmpdir, "/tmp/test_conf.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	put("r.conf", "include s.conf\n");
	put("s.conf", "bogus\n");
	assert_int_equal(chdir(tmpdir), 0);
	c = conf_load("r.conf", &d);
	assert_null(c);
	assert_int_equal(d.nmsgs, 1);
	assert_string_equal(d.msgs[0].text,
			    "s.conf:1: unknown keyword \"bogus\" in top level");
	conf_diag_free(&d);
	assert_int_equal(chdir(cwd), 0);
	rm_tmpdir();
}

static void test_diag_append(void **state)
{
	struct conf_diag d = { 0 };
	struct conf *c;

	(void)state;
	c = conf_parse_buf("a.conf", "x\n", 2, &d);
	assert_null(c);
	c = conf_parse_buf("b.conf", seed_master, sizeof(seed_master) - 1, &d);
	assert_non_null(c);		/* earlier errors do not count */
	assert_int_equal(d.nerrors, 1);
	assert_int_equal(d.nwarnings, 1);
	assert_int_equal(d.nmsgs, 2);
	assert_int_equal(d.msgs[0].severity, CONF_SEV_ERROR);
	assert_int_equal(d.msgs[1].severity, CONF_SEV_WARNING);
	conf_free(c);
	conf_diag_free(&d);
	assert_int_equal(d.nmsgs, 0);
	conf_diag_free(NULL);
	conf_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lex_words),
		cmocka_unit_test(test_lex_quotes),
		cmocka_unit_test(test_lex_errors),
		cmocka_unit_test(test_lex_print_word),
		cmocka_unit_test(test_lex_repr),
		cmocka_unit_test(test_lex_uint),
		cmocka_unit_test(test_lex_seconds),
		cmocka_unit_test(test_lex_fmt_seconds),
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_seed_backup_print),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_global),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_quoted_values),
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
		cmocka_unit_test(test_unicast),
		cmocka_unit_test(test_err_unicast),
		cmocka_unit_test(test_track_interface),
		cmocka_unit_test(test_notify),
		cmocka_unit_test(test_script_user),
		cmocka_unit_test(test_garp),
		cmocka_unit_test(test_err_garp),
		cmocka_unit_test(test_excluded),
		cmocka_unit_test(test_err_excluded_limit),
		cmocka_unit_test(test_keepalived_words),
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
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_many_instances),
		cmocka_unit_test(test_warning_cap),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_load_relative_name),
		cmocka_unit_test(test_diag_append),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
