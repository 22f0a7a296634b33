/* SPDX-License-Identifier: ISC */
/* Shared fixtures for the configuration unit tests: parse, print, compare. */
#ifndef VIPD_TESTS_CONF_FIXTURE_H
#define VIPD_TESTS_CONF_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "conf/conf.h"

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

static inline char *join_diag(const struct conf_diag *d)
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
static inline struct conf *parse_expect(const char *text, const char *want)
{
	struct conf_diag d = { 0 };
	struct conf *c = conf_parse_buf("t.conf", text, strlen(text), &d);
	char *got = join_diag(&d);

	/* cmocka cuts long strings: show the whole of a wrong answer. */
	if (strcmp(got, want) != 0)
		fprintf(stderr, "--- got:\n%s--- want:\n%s---\n", got, want);
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
static inline char *inst(const char *extra)
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
static inline void inst_expect(const char *extra, const char *want)
{
	char *s = inst(extra);

	conf_free(parse_expect(s, want));
	free(s);
}

static inline struct conf *inst_ok(const char *extra)
{
	char *s = inst(extra);
	struct conf *c = parse_expect(s, "");

	free(s);
	assert_non_null(c);
	assert_int_equal(c->ninstances, 1);
	return c;
}

static inline char *print_to_string(const struct conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	conf_print(f, c);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static inline void assert_vips_equal(const struct conf_vip *a,
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

static inline void assert_str_or_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static inline void assert_inst_extra_equal(const struct conf_instance *a,
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

static inline void assert_inst_equal(const struct conf_instance *a,
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
static inline void assert_check_equal(const struct conf_check *a,
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

static inline void assert_global_equal(const struct conf *a,
				       const struct conf *b)
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
static inline void assert_round_trip(const struct conf *c)
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

/* keepalived vocabulary ------------------------------------------------ */

/* @top from line 1, then the instance of inst() holding @extra. */
static inline char *top_inst(const char *top, const char *extra)
{
	char *i = inst(extra), *s;

	assert_true(asprintf(&s, "%s%s", top, i) > 0);
	free(i);
	return s;
}

static inline struct conf *top_ok(const char *top, const char *extra,
				  const char *want)
{
	char *s = top_inst(top, extra);
	struct conf *c = parse_expect(s, want);

	free(s);
	assert_non_null(c);
	return c;
}

static inline void top_expect(const char *top, const char *extra,
			      const char *want)
{
	char *s = top_inst(top, extra);

	conf_free(parse_expect(s, want));
	free(s);
}

static inline void assert_addr(int family, const uint8_t *got, const char *want)
{
	uint8_t a[16] = { 0 };

	assert_int_equal(inet_pton(family, want, a), 1);
	assert_memory_equal(got, a, 16);
}

#endif
