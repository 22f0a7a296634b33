/* SPDX-License-Identifier: ISC */
/* vrrp_instance and authentication keywords. */

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

int
conf_vrrp_kw_instance(struct conf_parser *p, const struct conf_stmt *st)
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
	if (conf_inherit_version(p, st, &conf_cur_inst(p)->version) == 0)
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
	[CONF_IK_GARP_MASTER_DELAY] = KW("garp_master_delay",
	    conf_inherit_kw_garp, 1, 1),
	[CONF_IK_GARP_MASTER_REPEAT] = KW("garp_master_repeat",
	    conf_inherit_kw_garp, 1, 1),
	[CONF_IK_GARP_MASTER_REFRESH] = KW("garp_master_refresh",
	    conf_inherit_kw_garp, 1, 1),
	[CONF_IK_GARP_MASTER_REFRESH_REPEAT] = KW("garp_master_refresh_repeat",
	    conf_inherit_kw_garp, 1, 1),
	[CONF_IK_GARP_LOWER_PRIO_DELAY] = KW("garp_lower_prio_delay",
	    conf_inherit_kw_garp, 1, 1),
	[CONF_IK_GARP_LOWER_PRIO_REPEAT] = KW("garp_lower_prio_repeat",
	    conf_inherit_kw_garp, 1, 1),
	[CONF_IK_LOWER_PRIO_NO_ADVERT] = KW("lower_prio_no_advert",
	    conf_inherit_kw_flag, 0, 1),
	[CONF_IK_HIGHER_PRIO_SEND_ADVERT] = KW("higher_prio_send_advert",
	    conf_inherit_kw_flag, 0, 1),
	[CONF_IK_TRACK_CHECK] = BLK("track_check", CONF_BLK_TRACK_CHECK,
	    kw_list_open, 0, 0),
	[CONF_IK_DEFAULT_CHECKS] = KW("default_checks", kw_default_checks,
	    1, 1),
	[CONF_IK_HEALTH_STRICT] = KW("health_strict", kw_inst_flag, 0, 0),
	[CONF_IK_UNICAST_TTL] = KW("unicast_ttl", kw_unicast_ttl, 1, 1),
	[CONF_IK_CHECK_UNICAST_SRC] = KW("check_unicast_src",
	    conf_inherit_kw_unicast_src, 0, 1),
	[CONF_IK_NOTIFY_SCRIPT_TIMEOUT] = KW("notify_script_timeout",
	    conf_inherit_kw_garp, 1, 1),
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
