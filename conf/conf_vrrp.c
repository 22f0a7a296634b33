/* SPDX-License-Identifier: ISC */
/* VRRP keywords: global_defs, vrrp_instance and authentication. */

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stddef.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"
#include "conf/conf_lex.h"

#define DEFAULT_PRIORITY	100
#define DEFAULT_ADVERT_US	1000000

/* global_defs ---------------------------------------------------------- */

void
conf_vrrp_init(struct conf *c)
{
	c->vrrp_version = 2;		/* keepalived's default */
	c->garp_master_delay_s = 5;	/* keepalived's GARP defaults */
	c->garp_master_repeat = 5;
	c->garp_master_refresh_repeat = 1;
	c->notify_script_timeout_s = 10;	/* keepalived's script default */
	memcpy(c->postfix_config_dir, "/etc/postfix", sizeof("/etc/postfix"));
	conf_sys_init(c);
	c->default_smtp_family = AF_INET;
	inet_pton(AF_INET, "127.0.0.1", c->default_smtp_ip);
	c->default_smtp_port = 25;
}

static int
kw_router_id(struct conf_parser *p, const struct conf_stmt *st)
{
	return conf_val_name(p, st->argv[0], st->argv[1], p->conf->router_id,
	    sizeof(p->conf->router_id));
}

/* "version" and "vrrp_version": 2 or 3. */
static int
arg_version(struct conf_parser *p, const struct conf_stmt *st, uint8_t *out)
{
	char r[CONF_REPR_MAX];

	if (strcmp(st->argv[1], "2") != 0 && strcmp(st->argv[1], "3") != 0) {
		conf_perr(p, "%s: \"%s\" must be 2 or 3", st->argv[0],
		    CONF_REPR(r, st->argv[1]));
		return -1;
	}
	*out = (uint8_t)(st->argv[1][0] - '0');
	return 0;
}

static int
kw_vrrp_version(struct conf_parser *p, const struct conf_stmt *st)
{
	return arg_version(p, st, &p->conf->vrrp_version);
}

/* POSIX portable user and group names (plus the trailing '$' of Samba). */
static int
user_name(struct conf_parser *p, const char *s, char *dst)
{
	char r[CONF_REPR_MAX];
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
	    "WXYZ0123456789._-");

	if (s[n] == '$' && n > 0)
		n++;
	if (n == 0 || s[n] != '\0' || s[0] == '-' || n >= CONF_NAME_MAX) {
		conf_perr(p, "script_user: \"%s\" is not a valid user or group "
		    "name", CONF_REPR(r, s));
		return -1;
	}
	memcpy(dst, s, n + 1);
	return 0;
}

static int
kw_script_user(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf *c = p->conf;

	if (user_name(p, st->argv[1], c->script_user) == 0 && st->argc > 2 &&
	    user_name(p, st->argv[2], c->script_group) < 0)
		c->script_user[0] = '\0';
	return 0;
}

static int
kw_script_security(struct conf_parser *p, const struct conf_stmt *st)
{
	(void)st;
	p->conf->enable_script_security = true;
	return 0;
}

static int
kw_garp_interval(struct conf_parser *p, const struct conf_stmt *st)
{
	uint64_t us;

	if (conf_val_seconds(p, st->argv[0], st->argv[1], 0, 1000000, &us) < 0)
		return 0;
	if (!strcmp(st->argv[0], "vrrp_gna_interval"))
		p->conf->gna_interval_us = (uint32_t)us;
	else
		p->conf->garp_interval_us = (uint32_t)us;
	return 0;
}

static int
kw_skip_check(struct conf_parser *p, const struct conf_stmt *st)
{
	conf_val_bool(p, st->argv[0], st->argc > 1 ? st->argv[1] : NULL,
	    &p->conf->skip_check_adv_addr);
	return 0;
}

static int
kw_postfix_dir(struct conf_parser *p, const struct conf_stmt *st)
{
	conf_val_path(p, st->argv[0], st->argv[1], p->conf->postfix_config_dir,
	    sizeof(p->conf->postfix_config_dir));
	return 0;
}

static int
kw_smtp_ip(struct conf_parser *p, const struct conf_stmt *st)
{
	conf_addr_host(p, st->argv[0], st->argv[1],
	    &p->conf->default_smtp_family, p->conf->default_smtp_ip);
	return 0;
}

static int
kw_smtp_port(struct conf_parser *p, const struct conf_stmt *st)
{
	uint32_t v;

	if (conf_val_uint(p, st->argv[0], st->argv[1], 1, 65535, &v) == 0)
		p->conf->default_smtp_port = (uint16_t)v;
	return 0;
}

/* metrics_listen ADDR:PORT, or [IPv6]:PORT. */
static int
kw_metrics_listen(struct conf_parser *p, const struct conf_stmt *st)
{
	char host[CONF_NAME_MAX], r[CONF_REPR_MAX];
	const char *s = st->argv[1], *colon = strrchr(s, ':');
	size_t n;
	uint32_t port;

	if (colon == NULL || colon == s) {
		conf_perr(p, "%s: \"%s\" must be ADDRESS:PORT (e.g. "
		    "127.0.0.1:9650 or [::1]:9650)", st->argv[0],
		    CONF_REPR(r, s));
		return 0;
	}
	n = (size_t)(colon - s);
	if (s[0] == '[' && colon[-1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(host)) {
		conf_perr(p, "%s: \"%s\" is not an address", st->argv[0],
		    CONF_REPR(r, st->argv[1]));
		return 0;
	}
	memcpy(host, s, n);
	host[n] = '\0';
	/* Every address ("0.0.0.0", "::") is a choice to make, not an error. */
	if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0) {
		p->conf->metrics_family = host[0] == ':' ? AF_INET6 : AF_INET;
		memset(p->conf->metrics_addr, 0, 16);
	} else if (conf_addr_host(p, st->argv[0], host,
	    &p->conf->metrics_family, p->conf->metrics_addr) != 0)
		return 0;
	if (conf_val_uint(p, st->argv[0], colon + 1, 1, 65535, &port) == 0)
		p->conf->metrics_port = (uint16_t)port;
	return 0;
}

/* GARP and advert settings: global defaults, instance values ----------- */

/*
 * "vrrp_X" in global_defs is the default of "X" in vrrp_instance.  The
 * lower_prio pair defaults to the master pair, as in keepalived; the order
 * below resolves the master pair first.
 */
static const struct garp_field {
	const char *name;
	size_t off_conf, off_inst;
	uint32_t lo, hi;
	int ik, gk;
	int falls_back;		/* index of the default; -1: the global */
} garp_fields[] = {
	{ "garp_master_delay", offsetof(struct conf, garp_master_delay_s),
	    offsetof(struct conf_instance, garp_master_delay_s), 0, 1000,
	    CONF_IK_GARP_MASTER_DELAY, CONF_GK_GARP_MASTER_DELAY, -1 },
	{ "garp_master_repeat", offsetof(struct conf, garp_master_repeat),
	    offsetof(struct conf_instance, garp_master_repeat), 1, 255,
	    CONF_IK_GARP_MASTER_REPEAT, CONF_GK_GARP_MASTER_REPEAT, -1 },
	{ "garp_master_refresh", offsetof(struct conf, garp_master_refresh_s),
	    offsetof(struct conf_instance, garp_master_refresh_s), 0, 86400,
	    CONF_IK_GARP_MASTER_REFRESH, CONF_GK_GARP_MASTER_REFRESH, -1 },
	{ "garp_master_refresh_repeat",
	    offsetof(struct conf, garp_master_refresh_repeat),
	    offsetof(struct conf_instance, garp_master_refresh_repeat), 1, 255,
	    CONF_IK_GARP_MASTER_REFRESH_REPEAT,
	    CONF_GK_GARP_MASTER_REFRESH_REPEAT, -1 },
	{ "garp_lower_prio_delay",
	    offsetof(struct conf, garp_lower_prio_delay_s),
	    offsetof(struct conf_instance, garp_lower_prio_delay_s), 0, 1000,
	    CONF_IK_GARP_LOWER_PRIO_DELAY, CONF_GK_GARP_LOWER_PRIO_DELAY, 0 },
	{ "garp_lower_prio_repeat",
	    offsetof(struct conf, garp_lower_prio_repeat),
	    offsetof(struct conf_instance, garp_lower_prio_repeat), 1, 255,
	    CONF_IK_GARP_LOWER_PRIO_REPEAT, CONF_GK_GARP_LOWER_PRIO_REPEAT, 1 },
	/* Not a GARP setting, but the same global-default pattern; the
	 * range is keepalived's for startup_script_timeout. */
	{ "notify_script_timeout",
	    offsetof(struct conf, notify_script_timeout_s),
	    offsetof(struct conf_instance, notify_script_timeout_s), 1, 1000,
	    CONF_IK_NOTIFY_SCRIPT_TIMEOUT, CONF_GK_NOTIFY_SCRIPT_TIMEOUT, -1 },
};
#define NGARP	(sizeof(garp_fields) / sizeof(garp_fields[0]))

static const struct flag_field {
	const char *name;
	size_t off_conf, off_inst;
	int ik, gk;
} flag_fields[] = {
	{ "lower_prio_no_advert", offsetof(struct conf, lower_prio_no_advert),
	    offsetof(struct conf_instance, lower_prio_no_advert),
	    CONF_IK_LOWER_PRIO_NO_ADVERT, CONF_GK_LOWER_PRIO_NO_ADVERT },
	{ "higher_prio_send_advert",
	    offsetof(struct conf, higher_prio_send_advert),
	    offsetof(struct conf_instance, higher_prio_send_advert),
	    CONF_IK_HIGHER_PRIO_SEND_ADVERT, CONF_GK_HIGHER_PRIO_SEND_ADVERT },
};
#define NFLAG	(sizeof(flag_fields) / sizeof(flag_fields[0]))

/* The struct a keyword writes: global_defs' "vrrp_" forms, or the instance. */
static char *
field_base(struct conf_parser *p, const char **name)
{
	if (strncmp(*name, "vrrp_", 5) != 0)
		return (char *)conf_cur_inst(p);
	*name += 5;
	return (char *)p->conf;
}

static int
kw_garp(struct conf_parser *p, const struct conf_stmt *st)
{
	const char *name = st->argv[0];
	char *base = field_base(p, &name);
	bool global = base == (char *)p->conf;
	uint32_t v;
	size_t i;

	for (i = 0; i < NGARP && strcmp(garp_fields[i].name, name); i++)
		;
	if (i < NGARP && conf_val_uint(p, st->argv[0], st->argv[1],
	    garp_fields[i].lo, garp_fields[i].hi, &v) == 0)
		*(uint32_t *)(base + (global ? garp_fields[i].off_conf :
		    garp_fields[i].off_inst)) = v;
	return 0;
}

static int
kw_flag(struct conf_parser *p, const struct conf_stmt *st)
{
	const char *name = st->argv[0];
	char *base = field_base(p, &name);
	bool global = base == (char *)p->conf, v;
	size_t i;

	for (i = 0; i < NFLAG && strcmp(flag_fields[i].name, name); i++)
		;
	if (i < NFLAG && conf_val_bool(p, st->argv[0], st->argc > 1 ?
	    st->argv[1] : NULL, &v) == 0)
		*(bool *)(base + (global ? flag_fields[i].off_conf :
		    flag_fields[i].off_inst)) = v;
	return 0;
}

void
conf_vrrp_finish_globals(struct conf_parser *p)
{
	const struct garp_field *f;
	char *c = (char *)p->conf;
	size_t i;

	for (i = 0; i < NGARP; i++) {
		f = &garp_fields[i];
		if (f->falls_back >= 0 && p->seen_global[f->gk].line == 0)
			*(uint32_t *)(c + f->off_conf) = *(uint32_t *)(c +
			    garp_fields[f->falls_back].off_conf);
	}
}

void
conf_vrrp_finish(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi)
{
	const struct garp_field *f;
	char *c = (char *)p->conf, *b = (char *)in;
	size_t i;

	for (i = 0; i < NGARP; i++) {
		f = &garp_fields[i];
		if (pi->seen[f->ik].line != 0)
			continue;
		if (f->falls_back >= 0 && p->seen_global[f->gk].line == 0)
			*(uint32_t *)(b + f->off_inst) = *(uint32_t *)(b +
			    garp_fields[f->falls_back].off_inst);
		else
			*(uint32_t *)(b + f->off_inst) = *(uint32_t *)(c +
			    f->off_conf);
	}
	for (i = 0; i < NFLAG; i++)
		if (pi->seen[flag_fields[i].ik].line == 0)
			*(bool *)(b + flag_fields[i].off_inst) = *(bool *)(c +
			    flag_fields[i].off_conf);
}

/* vrrp_instance -------------------------------------------------------- */

/* Room for one more instance (doubling: thousands must stay linear). */
static int
grow_instances(struct conf_parser *p)
{
	struct conf *c = p->conf;
	size_t cap = p->inst_cap ? p->inst_cap * 2 : 4;
	struct conf_instance *in;
	struct conf_pinst *pi;

	if (c->ninstances < p->inst_cap)
		return 0;
	in = reallocarray(c->instances, cap, sizeof(*in));
	if (in != NULL)
		c->instances = in;
	pi = reallocarray(p->pinst, cap, sizeof(*pi));
	if (pi != NULL)
		p->pinst = pi;
	if (in == NULL || pi == NULL)
		return -1;
	p->inst_cap = cap;
	return 0;
}

static int
kw_instance(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf *c = p->conf;
	struct conf_instance *in;
	struct conf_pinst *pi;
	char name[CONF_NAME_MAX], r[CONF_REPR_MAX];
	size_t i;

	if (conf_val_name(p, st->argv[0], st->argv[1], name, sizeof(name)) < 0)
		return -1;
	if (c->ninstances == CONF_INSTANCES_MAX) {
		conf_perr(p, "vrrp_instance: more than %d instances",
		    CONF_INSTANCES_MAX);
		return -1;
	}
	for (i = 0; i < c->ninstances; i++)
		if (!strcmp(c->instances[i].name, name))
			conf_perr(p, "vrrp_instance %s: duplicate name "
			    "(first at %s:%d)", CONF_REPR(r, name),
			    c->instances[i].file, c->instances[i].line);
	if (grow_instances(p) < 0) {
		conf_perr(p, "out of memory");
		return -1;
	}
	in = &c->instances[c->ninstances];
	pi = &p->pinst[c->ninstances++];
	memset(in, 0, sizeof(*in));
	memset(pi, 0, sizeof(*pi));
	memcpy(in->name, name, strlen(name) + 1);
	in->file = p->file;
	in->line = st->line;
	in->priority = DEFAULT_PRIORITY;
	in->unicast_ttl = 255;
	in->default_checks = true;
	pi->advert_us = DEFAULT_ADVERT_US;
	return 0;
}

static int
kw_state(struct conf_parser *p, const struct conf_stmt *st)
{
	char r[CONF_REPR_MAX];

	if (!strcmp(st->argv[1], "MASTER"))
		conf_cur_inst(p)->init_state = CONF_STATE_MASTER;
	else if (!strcmp(st->argv[1], "BACKUP"))
		conf_cur_inst(p)->init_state = CONF_STATE_BACKUP;
	else {
		/* keepalived 2.2.7 warns and goes on ("state SLAVE"). */
		conf_pwarn(p, "state: unknown state \"%s\", BACKUP is used (as "
		    "keepalived does)", CONF_REPR(r, st->argv[1]));
		conf_cur_inst(p)->init_state = CONF_STATE_BACKUP;
	}
	return 0;
}

static int
kw_interface(struct conf_parser *p, const struct conf_stmt *st)
{
	conf_val_ifname(p, "interface", st->argv[1],
	    conf_cur_inst(p)->interface);
	return 0;
}

static int
kw_vrid(struct conf_parser *p, const struct conf_stmt *st)
{
	uint32_t v;

	if (conf_val_uint(p, st->argv[0], st->argv[1], 1, 255, &v) == 0)
		conf_cur_inst(p)->vrid = (uint8_t)v;
	return 0;
}

static int
kw_priority(struct conf_parser *p, const struct conf_stmt *st)
{
	uint32_t v;

	if (conf_val_uint(p, st->argv[0], st->argv[1], 1, 255, &v) == 0)
		conf_cur_inst(p)->priority = (uint8_t)v;
	return 0;
}

static int
kw_version(struct conf_parser *p, const struct conf_stmt *st)
{
	if (arg_version(p, st, &conf_cur_inst(p)->version) == 0)
		conf_cur_pinst(p)->version = (struct conf_where){ p->file,
		    st->line };
	return 0;
}

/* The range depends on the version, known only at the end: see finish. */
static int
kw_advert_int(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_pinst *pi = conf_cur_pinst(p);
	char r[CONF_REPR_MAX];
	int rc = conf_lex_seconds(st->argv[1], &pi->advert_us);

	if (rc < 0) {
		conf_perr(p, "advert_int: \"%s\" is not a number of seconds",
		    CONF_REPR(r, st->argv[1]));
		return 0;
	}
	if (rc > 0)
		pi->advert_us = UINT64_MAX;
	pi->advert = (struct conf_where){ p->file, st->line };
	CONF_REPR(pi->advert_raw, st->argv[1]);
	return 0;
}

static int
kw_preempt_delay(struct conf_parser *p, const struct conf_stmt *st)
{
	char r[CONF_REPR_MAX];
	uint64_t us;
	int rc = conf_lex_seconds(st->argv[1], &us);

	if (rc < 0)
		conf_perr(p, "preempt_delay: \"%s\" is not a number of seconds",
		    CONF_REPR(r, st->argv[1]));
	else if (rc == 1 || us > 1000000000)
		conf_perr(p, "preempt_delay: \"%s\" is out of range 0..1000",
		    CONF_REPR(r, st->argv[1]));
	else if (rc == 2 || us % 1000 != 0)
		conf_perr(p, "preempt_delay: \"%s\" is finer than 0.001 "
		    "seconds", CONF_REPR(r, st->argv[1]));
	else
		conf_cur_inst(p)->preempt_delay_ms = (uint32_t)(us / 1000);
	return 0;
}

/* keepalived's unicast_ttl: the TTL our unicast adverts leave with. */
static int
kw_unicast_ttl(struct conf_parser *p, const struct conf_stmt *st)
{
	uint32_t v;

	if (conf_val_uint(p, st->argv[0], st->argv[1], 0, 255, &v) == 0)
		conf_cur_inst(p)->unicast_ttl = (uint8_t)v;
	return 0;
}

/* vipd always checks that a unicast advert comes from a unicast_peer. */
static int
kw_check_unicast_src(struct conf_parser *p, const struct conf_stmt *st)
{
	bool on = true;

	if (st->argc > 1 && conf_val_bool(p, st->argv[0], st->argv[1],
	    &on) == 0 && !on)
		conf_pwarn(p, "%s off is ignored: vipd always drops unicast "
		    "adverts that do not come from a unicast_peer", st->argv[0]);
	return 0;
}

/* Keywords without arguments that set a flag of the instance. */
static int
kw_inst_flag(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_instance *in = conf_cur_inst(p);

	if (!strcmp(st->argv[0], "nopreempt"))
		in->nopreempt = true;
	else if (!strcmp(st->argv[0], "dont_track_primary"))
		in->dont_track_primary = true;
	else if (!strcmp(st->argv[0], "health_strict"))
		in->health_strict = true;
	return 0;
}

/* Where a list block was opened: an empty one may be an error. */
static int
kw_list_open(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_pinst *pi = conf_cur_pinst(p);
	struct conf_where w = { p->file, st->line };

	if (!strcmp(st->argv[0], "unicast_peer"))
		pi->peers_at = w;
	else
		pi->track_check_at = w;
	return 0;
}

static int
kw_default_checks(struct conf_parser *p, const struct conf_stmt *st)
{
	conf_val_bool(p, st->argv[0], st->argv[1],
	    &conf_cur_inst(p)->default_checks);
	return 0;
}

static int
kw_authentication(struct conf_parser *p, const struct conf_stmt *st)
{
	conf_cur_pinst(p)->auth = (struct conf_where){ p->file, st->line };
	return 0;
}

static int
kw_auth_type(struct conf_parser *p, const struct conf_stmt *st)
{
	char r[CONF_REPR_MAX];

	if (!strcmp(st->argv[1], "PASS")) {
		conf_cur_inst(p)->auth_type = CONF_AUTH_PASS;
	} else if (!strcmp(st->argv[1], "AH")) {
		conf_cur_pinst(p)->auth_bad = true;
		conf_perr(p, "auth_type AH is not supported (IPsec AH "
		    "authentication was removed from VRRP; use PASS or none)");
	} else {
		conf_perr(p, "auth_type: \"%s\" must be PASS",
		    CONF_REPR(r, st->argv[1]));
		conf_cur_pinst(p)->auth_bad = true;
	}
	return 0;
}

static int
kw_auth_pass(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_instance *in = conf_cur_inst(p);
	size_t len = strlen(st->argv[1]);

	if (len == 0) {
		conf_perr(p, "auth_pass: empty password");
		return 0;
	}
	if (len > CONF_AUTH_PASS_LEN) {
		conf_pwarn_at(p, p->file, st->line, "auth_pass: longer than %d "
		    "characters, only the first %d are used (as keepalived "
		    "does)", CONF_AUTH_PASS_LEN, CONF_AUTH_PASS_LEN);
		len = CONF_AUTH_PASS_LEN;
	}
	memset(in->auth_pass, 0, sizeof(in->auth_pass));
	memcpy(in->auth_pass, st->argv[1], len);
	return 0;
}

/* Keyword tables ------------------------------------------------------- */

#define KW(n, fn, lo, hi)	{ n, CONF_BLK_NONE, lo, hi, fn }
#define BLK(n, b, fn, lo, hi)	{ n, b, lo, hi, fn }

const struct conf_kw conf_kw_top[] = {
	BLK("global_defs", CONF_BLK_GLOBAL, NULL, 0, 0),
	BLK("vrrp_instance", CONF_BLK_INSTANCE, kw_instance, 1, 1),
	BLK("smtp_check", CONF_BLK_SMTP_CHECK, conf_checks_kw_smtp, 1, 1),
	BLK("postfix_check", CONF_BLK_POSTFIX_CHECK, conf_checks_kw_postfix,
	    1, 1),
	BLK("vrrp_script", CONF_BLK_SCRIPT, conf_track_kw_open, 1, 1),
	BLK("track_file", CONF_BLK_FILE, conf_track_kw_open, 1, 1),
	BLK("vrrp_track_file", CONF_BLK_FILE, conf_track_kw_open, 1, 1),
	BLK("vrrp_track_process", CONF_BLK_PROCESS, conf_track_kw_open, 1, 1),
	BLK("static_ipaddress", CONF_BLK_SADDRS, NULL, 0, 0),
	BLK("static_routes", CONF_BLK_SROUTES, NULL, 0, 0),
	BLK("static_rules", CONF_BLK_SRULES, NULL, 0, 0),
	BLK("vrrp_sync_group", CONF_BLK_SYNC, conf_sync_kw_group, 1, 1),
	KW(NULL, NULL, 0, 0),
};

const struct conf_kw conf_kw_global[] = {
	[CONF_GK_ROUTER_ID] = KW("router_id", kw_router_id, 1, 1),
	[CONF_GK_VRRP_VERSION] = KW("vrrp_version", kw_vrrp_version, 1, 1),
	[CONF_GK_SCRIPT_USER] = KW("script_user", kw_script_user, 1, 2),
	[CONF_GK_SCRIPT_SECURITY] = KW("enable_script_security",
	    kw_script_security, 0, 0),
	[CONF_GK_GARP_MASTER_DELAY] = KW("vrrp_garp_master_delay", kw_garp,
	    1, 1),
	[CONF_GK_GARP_MASTER_REPEAT] = KW("vrrp_garp_master_repeat", kw_garp,
	    1, 1),
	[CONF_GK_GARP_MASTER_REFRESH] = KW("vrrp_garp_master_refresh",
	    kw_garp, 1, 1),
	[CONF_GK_GARP_MASTER_REFRESH_REPEAT] =
	    KW("vrrp_garp_master_refresh_repeat", kw_garp, 1, 1),
	[CONF_GK_GARP_LOWER_PRIO_DELAY] = KW("vrrp_garp_lower_prio_delay",
	    kw_garp, 1, 1),
	[CONF_GK_GARP_LOWER_PRIO_REPEAT] = KW("vrrp_garp_lower_prio_repeat",
	    kw_garp, 1, 1),
	[CONF_GK_GARP_INTERVAL] = KW("vrrp_garp_interval", kw_garp_interval,
	    1, 1),
	[CONF_GK_GNA_INTERVAL] = KW("vrrp_gna_interval", kw_garp_interval,
	    1, 1),
	[CONF_GK_LOWER_PRIO_NO_ADVERT] = KW("vrrp_lower_prio_no_advert",
	    kw_flag, 0, 1),
	[CONF_GK_HIGHER_PRIO_SEND_ADVERT] = KW("vrrp_higher_prio_send_advert",
	    kw_flag, 0, 1),
	[CONF_GK_SKIP_CHECK_ADV_ADDR] = KW("vrrp_skip_check_adv_addr",
	    kw_skip_check, 0, 1),
	[CONF_GK_POSTFIX_CONFIG_DIR] = KW("postfix_config_dir",
	    kw_postfix_dir, 1, 1),
	[CONF_GK_DEFAULT_SMTP_IP] = KW("default_smtp_ip", kw_smtp_ip, 1, 1),
	[CONF_GK_DEFAULT_SMTP_PORT] = KW("default_smtp_port", kw_smtp_port,
	    1, 1),
	[CONF_GK_METRICS_LISTEN] = KW("metrics_listen", kw_metrics_listen,
	    1, 1),
	[CONF_GK_CHECK_UNICAST_SRC] = KW("vrrp_check_unicast_src",
	    kw_check_unicast_src, 0, 1),
	[CONF_GK_NOTIFY_SCRIPT_TIMEOUT] = KW("vrrp_notify_script_timeout",
	    kw_garp, 1, 1),
	[CONF_GK_MCAST4] = KW("vrrp_mcast_group4", conf_sys_kw_global, 1, 1),
	[CONF_GK_MCAST6] = KW("vrrp_mcast_group6", conf_sys_kw_global, 1, 1),
	[CONF_GK_STRICT] = KW("vrrp_strict", conf_sys_kw_global, 0, 0),
	[CONF_GK_NICE] = KW("vrrp_priority", conf_sys_kw_global, 1, 1),
	[CONF_GK_NO_SWAP] = KW("vrrp_no_swap", conf_sys_kw_global, 0, 1),
	[CONF_GK_RT_PRIORITY] = KW("vrrp_rt_priority", conf_sys_kw_global,
	    1, 1),
	[CONF_GK_MAX_AUTO_PRIORITY] = KW("max_auto_priority",
	    conf_sys_kw_global, 0, 1),
	[CONF_GK_RLIMIT_RTTIME] = KW("vrrp_rlimit_rttime", conf_sys_kw_global,
	    1, 1),
	[CONF_GK_RLIMIT_RTIME] = KW("vrrp_rlimit_rtime", conf_sys_kw_global,
	    1, 1),
	[CONF_GK_STARTUP_DELAY] = KW("vrrp_startup_delay", conf_sys_kw_global,
	    1, 1),
	[CONF_GK_UMASK] = KW("umask", conf_sys_kw_global, 1, 1),
	[CONF_GK_NOTIFY_FIFO] = KW("notify_fifo", conf_sys_kw_global, 1, 3),
	[CONF_GK_VRRP_NOTIFY_FIFO] = KW("vrrp_notify_fifo", conf_sys_kw_global,
	    1, 3),
	[CONF_GK_NOTIFY_FIFO_SCRIPT] = KW("notify_fifo_script",
	    conf_sys_kw_global, 1, 3),
	[CONF_GK_VRRP_NOTIFY_FIFO_SCRIPT] = KW("vrrp_notify_fifo_script",
	    conf_sys_kw_global, 1, 3),
	[CONF_GK_END] = KW(NULL, NULL, 0, 0),
};

const struct conf_kw conf_kw_instance[] = {
	[CONF_IK_STATE] = KW("state", kw_state, 1, 1),
	[CONF_IK_INTERFACE] = KW("interface", kw_interface, 1, 1),
	[CONF_IK_VRID] = KW("virtual_router_id", kw_vrid, 1, 1),
	[CONF_IK_PRIORITY] = KW("priority", kw_priority, 1, 1),
	[CONF_IK_ADVERT] = KW("advert_int", kw_advert_int, 1, 1),
	[CONF_IK_VERSION] = KW("version", kw_version, 1, 1),
	[CONF_IK_NOPREEMPT] = KW("nopreempt", kw_inst_flag, 0, 0),
	[CONF_IK_PREEMPT_DELAY] = KW("preempt_delay", kw_preempt_delay, 1, 1),
	[CONF_IK_AUTH] = BLK("authentication", CONF_BLK_AUTH,
	    kw_authentication, 0, 0),
	[CONF_IK_VIPS] = BLK("virtual_ipaddress", CONF_BLK_VIPS, NULL, 0, 0),
	[CONF_IK_EXCLUDED] = BLK("virtual_ipaddress_excluded",
	    CONF_BLK_EXCLUDED, NULL, 0, 0),
	[CONF_IK_UNICAST_SRC] = KW("unicast_src_ip", conf_addr_kw_unicast_src,
	    1, 1),
	[CONF_IK_PEERS] = BLK("unicast_peer", CONF_BLK_PEERS, kw_list_open,
	    0, 0),
	[CONF_IK_TRACK_IF] = BLK("track_interface", CONF_BLK_TRACK_IF, NULL,
	    0, 0),
	[CONF_IK_DONT_TRACK_PRIMARY] = KW("dont_track_primary", kw_inst_flag,
	    0, 0),
	[CONF_IK_NOTIFY_MASTER] = KW("notify_master",
	    conf_sys_kw_notify, 1, 3),
	[CONF_IK_NOTIFY_BACKUP] = KW("notify_backup",
	    conf_sys_kw_notify, 1, 3),
	[CONF_IK_NOTIFY_FAULT] = KW("notify_fault",
	    conf_sys_kw_notify, 1, 3),
	[CONF_IK_NOTIFY_STOP] = KW("notify_stop",
	    conf_sys_kw_notify, 1, 3),
	[CONF_IK_NOTIFY] = KW("notify",
	    conf_sys_kw_notify, 1, 3),
	[CONF_IK_GARP_MASTER_DELAY] = KW("garp_master_delay", kw_garp, 1, 1),
	[CONF_IK_GARP_MASTER_REPEAT] = KW("garp_master_repeat", kw_garp, 1, 1),
	[CONF_IK_GARP_MASTER_REFRESH] = KW("garp_master_refresh", kw_garp,
	    1, 1),
	[CONF_IK_GARP_MASTER_REFRESH_REPEAT] = KW("garp_master_refresh_repeat",
	    kw_garp, 1, 1),
	[CONF_IK_GARP_LOWER_PRIO_DELAY] = KW("garp_lower_prio_delay", kw_garp,
	    1, 1),
	[CONF_IK_GARP_LOWER_PRIO_REPEAT] = KW("garp_lower_prio_repeat",
	    kw_garp, 1, 1),
	[CONF_IK_LOWER_PRIO_NO_ADVERT] = KW("lower_prio_no_advert", kw_flag,
	    0, 1),
	[CONF_IK_HIGHER_PRIO_SEND_ADVERT] = KW("higher_prio_send_advert",
	    kw_flag, 0, 1),
	[CONF_IK_TRACK_CHECK] = BLK("track_check", CONF_BLK_TRACK_CHECK,
	    kw_list_open, 0, 0),
	[CONF_IK_DEFAULT_CHECKS] = KW("default_checks", kw_default_checks,
	    1, 1),
	[CONF_IK_HEALTH_STRICT] = KW("health_strict", kw_inst_flag, 0, 0),
	[CONF_IK_UNICAST_TTL] = KW("unicast_ttl", kw_unicast_ttl, 1, 1),
	[CONF_IK_CHECK_UNICAST_SRC] = KW("check_unicast_src",
	    kw_check_unicast_src, 0, 1),
	[CONF_IK_NOTIFY_SCRIPT_TIMEOUT] = KW("notify_script_timeout", kw_garp,
	    1, 1),
	[CONF_IK_MCAST_SRC] = KW("mcast_src_ip", conf_sys_kw_instance, 1, 1),
	[CONF_IK_PREEMPT] = KW("preempt", conf_sys_kw_instance, 0, 0),
	[CONF_IK_STRICT] = KW("strict_mode", conf_sys_kw_instance, 0, 1),
	[CONF_IK_ACCEPT] = KW("accept", conf_sys_kw_instance, 0, 0),
	[CONF_IK_TRACK_SCRIPT] = BLK("track_script", CONF_BLK_TRACK_SCRIPT,
	    NULL, 0, 0),
	[CONF_IK_TRACK_FILE] = BLK("track_file", CONF_BLK_TRACK_FILE, NULL,
	    0, 0),
	[CONF_IK_TRACK_PROCESS] = BLK("track_process", CONF_BLK_TRACK_PROCESS,
	    NULL, 0, 0),
	[CONF_IK_VROUTES] = BLK("virtual_routes", CONF_BLK_VROUTES, NULL, 0, 0),
	[CONF_IK_VRULES] = BLK("virtual_rules", CONF_BLK_VRULES, NULL, 0, 0),
	[CONF_IK_USE_VMAC] = KW("use_vmac", conf_vmac_kw, 0, 2),
	[CONF_IK_VMAC_XMIT_BASE] = KW("vmac_xmit_base", conf_vmac_kw, 0, 0),
	[CONF_IK_END] = KW(NULL, NULL, 0, 0),
};

const struct conf_kw conf_kw_auth[] = {
	[CONF_AK_TYPE] = KW("auth_type", kw_auth_type, 1, 1),
	[CONF_AK_PASS] = KW("auth_pass", kw_auth_pass, 1, 1),
	[CONF_AK_END] = KW(NULL, NULL, 0, 0),
};

_Static_assert(CONF_IK_END <= CONF_SEEN_MAX && CONF_GK_END <= CONF_SEEN_MAX,
    "CONF_SEEN_MAX is too small for the keyword tables");
_Static_assert(CONF_AK_END <= 2, "seen_auth is too small");
