/* SPDX-License-Identifier: ISC */
/* Canonical dump of struct conf in keepalived syntax (for vipd -t -D). */

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_lex.h"
#include "conf/conf_print.h"

void
conf_pr_us(FILE *out, uint64_t us)
{
	char buf[CONF_SECONDS_MAX];

	fputs(conf_lex_fmt_seconds(buf, sizeof(buf), us), out);
}

void
conf_pr_word(FILE *out, const char *s)
{
	conf_lex_print_word(out, s, strlen(s));
}

void
conf_pr_addr(FILE *out, int family, const uint8_t *addr)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(family, addr, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	fputs(a, out);
}

const char *
conf_pr_onoff(bool b)
{
	return b ? "on" : "off";
}

/* "    KW VALUE\n" with VALUE quoted if needed; nothing if VALUE is "". */
void
conf_pr_opt(FILE *out, const char *indent, const char *kw, const char *s)
{
	if (s == NULL || s[0] == '\0')
		return;
	fprintf(out, "%s%s ", indent, kw);
	conf_pr_word(out, s);
	fputc('\n', out);
}

static void
print_fifo(FILE *out, const char *kw, const struct conf_fifo *f)
{
	if (f->path[0] == '\0')
		return;
	fprintf(out, "    %s ", kw);
	conf_pr_word(out, f->path);
	if (f->user[0] != '\0') {
		fputc(' ', out);
		conf_pr_word(out, f->user);
	}
	if (f->group[0] != '\0') {
		fputc(' ', out);
		conf_pr_word(out, f->group);
	}
	fputc('\n', out);
	if (f->script[0] == '\0')
		return;
	fprintf(out, "    %s_script ", kw);
	conf_pr_word(out, f->script);
	if (f->script_user[0] != '\0') {
		fputc(' ', out);
		conf_pr_word(out, f->script_user);
	}
	if (f->script_group[0] != '\0') {
		fputc(' ', out);
		conf_pr_word(out, f->script_group);
	}
	fputc('\n', out);
}

/* The daemon's settings, where they differ from the defaults. */
static void
print_sys(FILE *out, const struct conf *c)
{
	if (c->strict)
		fprintf(out, "    vrrp_strict\n");
	if (c->rt_priority == 0)
		fprintf(out, "    max_auto_priority 0\n");
	else if (c->rt_priority != CONF_RT_PRIORITY_DEFAULT)
		fprintf(out, "    vrrp_rt_priority %u\n", c->rt_priority);
	if (!c->lock_memory)
		fprintf(out, "    vrrp_no_swap off\n");
	if (c->has_nice)
		fprintf(out, "    vrrp_priority %d\n", c->nice);
	if (c->rlimit_rttime_us != 0)
		fprintf(out, "    vrrp_rlimit_rttime %u\n", c->rlimit_rttime_us);
	if (c->startup_delay_us != 0) {
		fprintf(out, "    vrrp_startup_delay ");
		conf_pr_us(out, c->startup_delay_us);
		fputc('\n', out);
	}
	if (c->has_umask)
		fprintf(out, "    umask 0%03o\n", c->umask);
	print_fifo(out, "notify_fifo", &c->fifo[0]);
	print_fifo(out, "vrrp_notify_fifo", &c->fifo[1]);
}

static void
print_global(FILE *out, const struct conf *c)
{
	fprintf(out, "global_defs {\n");
	conf_pr_opt(out, "    ", "router_id", c->router_id);
	fprintf(out, "    vrrp_version %u\n", c->vrrp_version);
	if (c->script_user[0] != '\0') {
		fprintf(out, "    script_user %s", c->script_user);
		if (c->script_group[0] != '\0')
			fprintf(out, " %s", c->script_group);
		fputc('\n', out);
	}
	if (c->enable_script_security)
		fprintf(out, "    enable_script_security\n");
	fprintf(out, "    vrrp_garp_master_delay %u\n"
	    "    vrrp_garp_master_repeat %u\n"
	    "    vrrp_garp_master_refresh %u\n"
	    "    vrrp_garp_master_refresh_repeat %u\n"
	    "    vrrp_garp_lower_prio_delay %u\n"
	    "    vrrp_garp_lower_prio_repeat %u\n",
	    c->garp_master_delay_s, c->garp_master_repeat,
	    c->garp_master_refresh_s, c->garp_master_refresh_repeat,
	    c->garp_lower_prio_delay_s, c->garp_lower_prio_repeat);
	/* keepalived refuses an explicit 0, its default */
	if (c->garp_interval_us != 0) {
		fprintf(out, "    vrrp_garp_interval ");
		conf_pr_us(out, c->garp_interval_us);
		fputc('\n', out);
	}
	if (c->gna_interval_us != 0) {
		fprintf(out, "    vrrp_gna_interval ");
		conf_pr_us(out, c->gna_interval_us);
		fputc('\n', out);
	}
	fprintf(out, "    vrrp_lower_prio_no_advert %s\n"
	    "    vrrp_higher_prio_send_advert %s\n"
	    "    vrrp_skip_check_adv_addr %s\n",
	    conf_pr_onoff(c->lower_prio_no_advert),
	    conf_pr_onoff(c->higher_prio_send_advert),
	    conf_pr_onoff(c->skip_check_adv_addr));
	conf_pr_opt(out, "    ", "postfix_config_dir", c->postfix_config_dir);
	fprintf(out, "    default_smtp_ip ");
	conf_pr_addr(out, c->default_smtp_family, c->default_smtp_ip);
	fprintf(out, "\n    default_smtp_port %u\n", c->default_smtp_port);
	if (c->metrics_port != 0) {
		fprintf(out, "    metrics_listen %s", c->metrics_family ==
		    AF_INET6 ? "[" : "");
		conf_pr_addr(out, c->metrics_family, c->metrics_addr);
		fprintf(out, "%s:%u\n", c->metrics_family == AF_INET6 ? "]" :
		    "", c->metrics_port);
	}
	print_sys(out, c);
	fputs("}\n", out);
}

/* vrrp_instance -------------------------------------------------------- */

static void
print_vips(FILE *out, const char *kw, const struct conf_vip *v, size_t n)
{
	size_t i;

	char line[CONF_LINE_MAX];

	fprintf(out, "    %s {\n", kw);
	for (i = 0; i < n; i++) {
		conf_vip_str(&v[i], line, sizeof(line));
		fprintf(out, "        %s\n", line);
	}
	fprintf(out, "    }\n");
}

/*
 * A block of routes, rules or addresses at @indent: each is printed by @str
 * (the words are names and addresses, checked when parsed: no quoting).
 */
static void
print_lines(FILE *out, const char *indent, const char *kw, const void *arr,
    size_t n, size_t size, void (*str)(const void *, char *, size_t))
{
	char line[CONF_LINE_MAX];
	size_t i;

	if (n == 0)
		return;
	fprintf(out, "%s%s {\n", indent, kw);
	for (i = 0; i < n; i++) {
		str((const char *)arr + i * size, line, sizeof(line));
		fprintf(out, "%s    %s\n", indent, line);
	}
	fprintf(out, "%s}\n", indent);
}

static void
route_str(const void *r, char *buf, size_t len)
{
	conf_route_str(r, buf, len);
}

static void
rule_str(const void *r, char *buf, size_t len)
{
	conf_rule_str(r, buf, len);
}

static void
vip_str(const void *v, char *buf, size_t len)
{
	conf_vip_str(v, buf, len);
}

static void
print_unicast(FILE *out, const struct conf_instance *in)
{
	size_t i;

	if (in->has_unicast_src) {
		fprintf(out, "    unicast_src_ip ");
		conf_pr_addr(out, in->family, in->unicast_src);
		fputc('\n', out);
	}
	if (in->npeers == 0)
		return;
	fprintf(out, "    unicast_peer {\n");
	for (i = 0; i < in->npeers; i++) {
		fprintf(out, "        ");
		conf_pr_addr(out, in->peers[i].family, in->peers[i].addr);
		if (in->peers[i].min_ttl != conf_peer_min_ttl_default(
		    in->peers[i].family) || in->peers[i].max_ttl != 255)
			fprintf(out, " min_ttl %u max_ttl %u",
			    in->peers[i].min_ttl, in->peers[i].max_ttl);
		fputc('\n', out);
	}
	fprintf(out, "    }\n");
	if (in->unicast_ttl != 255)
		fprintf(out, "    unicast_ttl %u\n", in->unicast_ttl);
}

static void
print_garp(FILE *out, const struct conf_instance *in)
{
	fprintf(out, "    garp_master_delay %u\n    garp_master_repeat %u\n"
	    "    garp_master_refresh %u\n    garp_master_refresh_repeat %u\n"
	    "    garp_lower_prio_delay %u\n    garp_lower_prio_repeat %u\n"
	    "    lower_prio_no_advert %s\n    higher_prio_send_advert %s\n",
	    in->garp_master_delay_s, in->garp_master_repeat,
	    in->garp_master_refresh_s, in->garp_master_refresh_repeat,
	    in->garp_lower_prio_delay_s, in->garp_lower_prio_repeat,
	    conf_pr_onoff(in->lower_prio_no_advert),
	    conf_pr_onoff(in->higher_prio_send_advert));
	if (in->notify_script_timeout_s != 10)
		fprintf(out, "    notify_script_timeout %u\n",
		    in->notify_script_timeout_s);
}

static void
print_track_ifs(FILE *out, const struct conf_track_if *t, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	fprintf(out, "    track_interface {\n");
	for (i = 0; i < n; i++) {
		fprintf(out, "        ");
		conf_pr_word(out, t[i].name);
		fprintf(out, " weight %d\n", t[i].weight);
	}
	fprintf(out, "    }\n");
}

static void
print_tracking(FILE *out, const struct conf_instance *in)
{
	if (in->dont_track_primary)
		fprintf(out, "    dont_track_primary\n");
	if (in->use_vmac) {
		fprintf(out, "    use_vmac ");
		conf_pr_word(out, in->vmac_name);
		fprintf(out, "\n%s", in->vmac_xmit_base ?
		    "    vmac_xmit_base\n" : "");
	}
	print_track_ifs(out, in->track_ifs, in->ntrack_ifs);
}

/*
 * vipd's own keywords come last: keepalived reads "track_check {" as an
 * unknown word and a stray brace, and takes the block's "}" for the end
 * of the instance, which then costs nothing.
 */
static void
print_track_list(FILE *out, const struct conf *c,
    const struct conf_track *trs, size_t ntrs, enum conf_check_type t,
    const char *kw)
{
	const struct conf_track *tr;
	size_t i, n = 0;

	for (i = 0; i < ntrs; i++) {
		tr = &trs[i];
		if (c->checks[tr->check].type != t)
			continue;
		if (n++ == 0)
			fprintf(out, "    %s {\n", kw);
		fprintf(out, "        ");
		conf_pr_word(out, c->checks[tr->check].name);
		fprintf(out, " weight %d", tr->weight);
		if (t != CONF_CHECK_SMTP)
			fprintf(out, " %s", tr->reverse ? "reverse" :
			    "noreverse");
		fputc('\n', out);
	}
	if (n > 0)
		fprintf(out, "    }\n");
}

static void
print_health(FILE *out, const struct conf *c, const struct conf_instance *in)
{
	size_t i, n = 0;

	print_track_list(out, c, in->tracks, in->ntracks, CONF_CHECK_SCRIPT,
	    "track_script");
	print_track_list(out, c, in->tracks, in->ntracks, CONF_CHECK_FILE,
	    "track_file");
	print_track_list(out, c, in->tracks, in->ntracks, CONF_CHECK_PROCESS,
	    "track_process");
	fprintf(out, "    default_checks %s\n", conf_pr_onoff(in->default_checks));
	if (in->health_strict)
		fprintf(out, "    health_strict\n");
	for (i = 0; i < in->ntracks; i++)
		if (c->checks[in->tracks[i].check].type == CONF_CHECK_SMTP ||
		    c->checks[in->tracks[i].check].type == CONF_CHECK_POSTFIX)
			n++;
	if (n == 0)
		return;
	fprintf(out, "    track_check {\n");
	for (i = 0; i < in->ntracks; i++) {
		const struct conf_check *ck = &c->checks[in->tracks[i].check];

		if (ck->type != CONF_CHECK_SMTP &&
		    ck->type != CONF_CHECK_POSTFIX)
			continue;
		fprintf(out, "        ");
		conf_pr_word(out, ck->name);
		fprintf(out, " weight %d\n", in->tracks[i].weight);
	}
	fprintf(out, "    }\n");
}

static void
print_instance(FILE *out, const struct conf *c, const struct conf_instance *in)
{
	fprintf(out, "\nvrrp_instance ");
	conf_pr_word(out, in->name);
	fprintf(out, " {\n    state %s\n    interface ",
	    in->init_state == CONF_STATE_MASTER ? "MASTER" : "BACKUP");
	conf_pr_word(out, in->interface);
	fprintf(out, "\n    virtual_router_id %u\n    priority %u\n"
	    "    version %u\n    advert_int ", in->vrid, in->priority,
	    in->version);
	conf_pr_us(out, (uint64_t)in->advert_int_cs * 10000);
	if (in->nopreempt)
		fprintf(out, "\n    nopreempt");
	fprintf(out, "\n    preempt_delay ");
	conf_pr_us(out, (uint64_t)in->preempt_delay_ms * 1000);
	fputc('\n', out);
	if (in->strict)
		fprintf(out, "    strict_mode\n");
	if (in->accept)
		fprintf(out, "    accept\n");
	print_unicast(out, in);
	print_garp(out, in);
	conf_pr_opt(out, "    ", "notify_master", in->notify_master);
	conf_pr_opt(out, "    ", "notify_backup", in->notify_backup);
	conf_pr_opt(out, "    ", "notify_fault", in->notify_fault);
	conf_pr_opt(out, "    ", "notify_stop", in->notify_stop);
	conf_pr_opt(out, "    ", "notify", in->notify);
	print_tracking(out, in);
	if (in->auth_type == CONF_AUTH_PASS) {
		fprintf(out, "    authentication {\n        auth_type PASS\n"
		    "        auth_pass ");
		conf_lex_print_word(out, (const char *)in->auth_pass,
		    strnlen((const char *)in->auth_pass, CONF_AUTH_PASS_LEN));
		fprintf(out, "\n    }\n");
	}
	print_vips(out, "virtual_ipaddress", in->vips, in->nvips);
	if (in->nexcluded > 0)
		print_vips(out, "virtual_ipaddress_excluded", in->excluded,
		    in->nexcluded);
	print_lines(out, "    ", "virtual_routes", in->routes, in->nroutes,
	    sizeof(*in->routes), route_str);
	print_lines(out, "    ", "virtual_rules", in->rules, in->nrules,
	    sizeof(*in->rules), rule_str);
	print_health(out, c, in);
	fprintf(out, "}\n");
}

/* global_tracking prints as what it means, sync_group_tracking_weight. */
static void
print_sync(FILE *out, const struct conf *c, const struct conf_sync_group *g)
{
	size_t i, n;

	fprintf(out, "\nvrrp_sync_group ");
	conf_pr_word(out, g->name);
	fprintf(out, " {\n    group {\n");
	for (i = 0; i < g->nmembers; i++) {
		fprintf(out, "        ");
		conf_pr_word(out, g->members[i].name);
		fputc('\n', out);
	}
	fprintf(out, "    }\n");
	print_track_ifs(out, g->track_ifs, g->ntrack_ifs);
	conf_pr_opt(out, "    ", "notify_master", g->notify_master);
	conf_pr_opt(out, "    ", "notify_backup", g->notify_backup);
	conf_pr_opt(out, "    ", "notify_fault", g->notify_fault);
	conf_pr_opt(out, "    ", "notify_stop", g->notify_stop);
	conf_pr_opt(out, "    ", "notify", g->notify);
	if (g->tracking_weight)
		fprintf(out, "    sync_group_tracking_weight\n");
	print_track_list(out, c, g->tracks, g->ntracks, CONF_CHECK_SCRIPT,
	    "track_script");
	print_track_list(out, c, g->tracks, g->ntracks, CONF_CHECK_FILE,
	    "track_file");
	print_track_list(out, c, g->tracks, g->ntracks, CONF_CHECK_PROCESS,
	    "track_process");
	/* vipd's own keyword last, as in an instance. */
	for (i = n = 0; i < g->ntracks; i++) {
		const struct conf_check *ck = &c->checks[g->tracks[i].check];

		if (ck->type != CONF_CHECK_SMTP &&
		    ck->type != CONF_CHECK_POSTFIX)
			continue;
		if (n++ == 0)
			fprintf(out, "    track_check {\n");
		fprintf(out, "        ");
		conf_pr_word(out, ck->name);
		fprintf(out, " weight %d\n", g->tracks[i].weight);
	}
	if (n > 0)
		fprintf(out, "    }\n");
	fprintf(out, "}\n");
}

void
conf_print(FILE *out, const struct conf *conf)
{
	size_t i;

	print_global(out, conf);
	if (conf->nstatic_addrs + conf->nstatic_routes + conf->nstatic_rules)
		fputc('\n', out);
	print_lines(out, "", "static_ipaddress", conf->static_addrs,
	    conf->nstatic_addrs, sizeof(*conf->static_addrs), vip_str);
	print_lines(out, "", "static_routes", conf->static_routes,
	    conf->nstatic_routes, sizeof(*conf->static_routes), route_str);
	print_lines(out, "", "static_rules", conf->static_rules,
	    conf->nstatic_rules, sizeof(*conf->static_rules), rule_str);
	for (i = 0; i < conf->nchecks; i++)
		conf_pr_check(out, &conf->checks[i]);
	for (i = 0; i < conf->ninstances; i++)
		print_instance(out, conf, &conf->instances[i]);
	for (i = 0; i < conf->nsync_groups; i++)
		print_sync(out, conf, &conf->sync_groups[i]);
}
