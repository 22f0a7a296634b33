/* SPDX-License-Identifier: ISC */
/* Configuration keywords: tables, handlers, keepalived words vipd refuses. */

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "agent/conf.h"
#include "agent/conf_kw.h"
#include "agent/conf_lex.h"

#define DEFAULT_PRIORITY	100
#define DEFAULT_ADVERT_US	1000000

/* Values --------------------------------------------------------------- */

static int
arg_uint(struct conf_parser *p, const struct conf_stmt *st, uint32_t lo,
    uint32_t hi, uint32_t *out)
{
	char r[CONF_REPR_MAX];
	int rc = conf_lex_uint(st->argv[1], out);

	if (rc < 0)
		conf_perr(p, "%s: \"%s\" is not a number", st->argv[0],
		    CONF_REPR(r, st->argv[1]));
	else if (rc > 0 || *out < lo || *out > hi)
		conf_perr(p, "%s: \"%s\" is out of range %u..%u", st->argv[0],
		    CONF_REPR(r, st->argv[1]), lo, hi);
	else
		return 0;
	return -1;
}

static int
arg_name(struct conf_parser *p, const struct conf_stmt *st, char *dst,
    size_t cap)
{
	char r[CONF_REPR_MAX];
	const char *s = st->argv[1];

	if (*s == '\0') {
		conf_perr(p, "%s: empty name", st->argv[0]);
		return -1;
	}
	if (strlen(s) >= cap) {
		conf_perr(p, "%s: \"%s\" is longer than %zu characters",
		    st->argv[0], CONF_REPR(r, s), cap - 1);
		return -1;
	}
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

/* Linux's rules for a device name (dev_valid_name). */
static int
check_ifname(struct conf_parser *p, const char *kw, const char *s, char *dst)
{
	char r[CONF_REPR_MAX];
	size_t i, len = strlen(s);

	if (len >= CONF_IFNAME_MAX) {
		conf_perr(p, "%s: \"%s\" is longer than %d characters", kw,
		    CONF_REPR(r, s), CONF_IFNAME_MAX - 1);
		return -1;
	}
	for (i = 0; i < len; i++)
		if (s[i] == '/' || s[i] == ':' || (unsigned char)s[i] <= ' ' ||
		    s[i] == 0x7f)
			break;
	if (len == 0 || i < len || !strcmp(s, ".") || !strcmp(s, "..")) {
		conf_perr(p, "%s: \"%s\" is not a valid interface name", kw,
		    CONF_REPR(r, s));
		return -1;
	}
	memcpy(dst, s, len + 1);
	return 0;
}

/* Keyword handlers ----------------------------------------------------- */

static struct conf_instance *
cur_inst(struct conf_parser *p)
{
	return &p->conf->instances[p->conf->ninstances - 1];
}

static struct conf_pinst *
cur_pinst(struct conf_parser *p)
{
	return &p->pinst[p->conf->ninstances - 1];
}

static int
kw_router_id(struct conf_parser *p, const struct conf_stmt *st)
{
	return arg_name(p, st, p->conf->router_id, sizeof(p->conf->router_id));
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

	if (arg_name(p, st, name, sizeof(name)) < 0)
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
	pi->advert_us = DEFAULT_ADVERT_US;
	return 0;
}

static int
kw_state(struct conf_parser *p, const struct conf_stmt *st)
{
	char r[CONF_REPR_MAX];

	if (!strcmp(st->argv[1], "MASTER"))
		cur_inst(p)->init_state = CONF_STATE_MASTER;
	else if (!strcmp(st->argv[1], "BACKUP"))
		cur_inst(p)->init_state = CONF_STATE_BACKUP;
	else
		conf_perr(p, "state: \"%s\" must be MASTER or BACKUP",
		    CONF_REPR(r, st->argv[1]));
	return 0;
}

static int
kw_interface(struct conf_parser *p, const struct conf_stmt *st)
{
	return check_ifname(p, "interface", st->argv[1],
	    cur_inst(p)->interface);
}

static int
kw_vrid(struct conf_parser *p, const struct conf_stmt *st)
{
	uint32_t v;

	if (arg_uint(p, st, 1, 255, &v) == 0)
		cur_inst(p)->vrid = (uint8_t)v;
	return 0;
}

static int
kw_priority(struct conf_parser *p, const struct conf_stmt *st)
{
	uint32_t v;

	if (arg_uint(p, st, 1, 255, &v) == 0)
		cur_inst(p)->priority = (uint8_t)v;
	return 0;
}

static int
kw_version(struct conf_parser *p, const struct conf_stmt *st)
{
	if (arg_version(p, st, &cur_inst(p)->version) == 0)
		cur_pinst(p)->version = (struct conf_where){ p->file,
		    st->line };
	return 0;
}

/* The range depends on the version, known only at the end: see finish. */
static int
kw_advert_int(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_pinst *pi = cur_pinst(p);
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
kw_nopreempt(struct conf_parser *p, const struct conf_stmt *st)
{
	(void)st;
	cur_inst(p)->nopreempt = true;
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
		cur_inst(p)->preempt_delay_ms = (uint32_t)(us / 1000);
	return 0;
}

static int
kw_authentication(struct conf_parser *p, const struct conf_stmt *st)
{
	cur_pinst(p)->auth = (struct conf_where){ p->file, st->line };
	return 0;
}

static int
kw_auth_type(struct conf_parser *p, const struct conf_stmt *st)
{
	char r[CONF_REPR_MAX];

	if (!strcmp(st->argv[1], "PASS")) {
		cur_inst(p)->auth_type = CONF_AUTH_PASS;
	} else if (!strcmp(st->argv[1], "AH")) {
		cur_pinst(p)->auth_bad = true;
		conf_perr(p, "auth_type AH is not supported (IPsec AH "
		    "authentication was removed from VRRP; use PASS or none)");
	} else {
		conf_perr(p, "auth_type: \"%s\" must be PASS",
		    CONF_REPR(r, st->argv[1]));
		cur_pinst(p)->auth_bad = true;
	}
	return 0;
}

static int
kw_auth_pass(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_instance *in = cur_inst(p);
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

/* Virtual addresses ---------------------------------------------------- */

/* keepalived's per-address options that vipd does not implement (yet). */
static const char *const vip_options_unsupported[] = {
	"brd", "broadcast", "scope", "label", "peer", "home", "-nodad",
	"nodad", "mngtmpaddr", "noprefixroute", "autojoin", "no_track",
	"preferred_lft", "use_vmac", "track_group", NULL,
};

static bool
vip_is_unicast(const struct conf_vip *v)
{
	static const uint8_t zero[16];

	if (v->family == AF_INET)	/* 0.0.0.0, multicast, 240/4, bcast */
		return memcmp(v->addr, zero, 4) != 0 && v->addr[0] < 224;
	return memcmp(v->addr, zero, 16) != 0 && v->addr[0] != 0xff;
}

static int
vip_addr(struct conf_parser *p, const char *s, struct conf_vip *v)
{
	char a[INET6_ADDRSTRLEN], r[CONF_REPR_MAX];
	const char *slash = strchr(s, '/');
	size_t alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	uint32_t plen, max;

	memset(a, 0, sizeof(a));
	if (alen < sizeof(a))
		memcpy(a, s, alen);
	if (alen < sizeof(a) && inet_pton(AF_INET, a, v->addr) == 1)
		v->family = AF_INET;
	else if (alen < sizeof(a) && inet_pton(AF_INET6, a, v->addr) == 1)
		v->family = AF_INET6;
	else {
		conf_perr(p, "virtual_ipaddress: \"%s\" is not an IPv4 or IPv6 "
		    "address", CONF_REPR(r, s));
		return -1;
	}
	max = v->family == AF_INET ? 32 : 128;
	plen = max;
	if (slash != NULL && (conf_lex_uint(slash + 1, &plen) != 0 ||
	    plen < 1 || plen > max)) {
		conf_perr(p, "virtual_ipaddress: \"%s\": prefix length must be "
		    "1..%u", CONF_REPR(r, s), max);
		return -1;
	}
	v->prefixlen = (uint8_t)plen;
	if (!vip_is_unicast(v)) {
		conf_perr(p, "virtual_ipaddress: \"%s\" is not a unicast "
		    "address", CONF_REPR(r, s));
		return -1;
	}
	return 0;
}

static int
vip_options(struct conf_parser *p, const struct conf_stmt *st,
    struct conf_vip *v)
{
	char r[CONF_REPR_MAX];
	const char *o;
	size_t i, j;

	for (i = 1; i < st->argc; i += 2) {
		o = st->argv[i];
		if (!strcmp(o, "dev") && i + 1 < st->argc &&
		    v->dev[0] == '\0') {
			if (check_ifname(p, "virtual_ipaddress: dev",
			    st->argv[i + 1], v->dev) < 0)
				return -1;
			continue;
		}
		for (j = 0; vip_options_unsupported[j] != NULL; j++)
			if (!strcmp(o, vip_options_unsupported[j]))
				break;
		if (!strcmp(o, "dev"))
			conf_perr(p, "virtual_ipaddress: \"dev\" %s",
			    v->dev[0] ? "given twice" :
			    "needs an interface name");
		else if (vip_options_unsupported[j] != NULL)
			conf_perr(p, "virtual_ipaddress: option \"%s\" is not "
			    "supported by vipd", o);
		else
			conf_perr(p, "virtual_ipaddress: unknown option \"%s\"",
			    CONF_REPR(r, o));
		return -1;
	}
	return 0;
}

/* One line of a virtual_ipaddress block: ADDR[/LEN] [dev IFNAME]. */
void
conf_kw_vip_line(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_instance *in = cur_inst(p);
	struct conf_vip v, *nv;
	char r[CONF_REPR_MAX];
	size_t i;

	cur_pinst(p)->vip_lines++;
	memset(&v, 0, sizeof(v));
	v.line = st->line;
	if (vip_addr(p, st->argv[0], &v) < 0 || vip_options(p, st, &v) < 0)
		return;
	if (in->nvips > 0 && v.family != in->family) {
		conf_perr(p, "virtual_ipaddress: \"%s\" is %s but this "
		    "instance's addresses are %s (one family per "
		    "vrrp_instance)", CONF_REPR(r, st->argv[0]),
		    v.family == AF_INET ? "IPv4" : "IPv6",
		    in->family == AF_INET ? "IPv4" : "IPv6");
		return;
	}
	for (i = 0; i < in->nvips; i++)
		if (!memcmp(in->vips[i].addr, v.addr, sizeof(v.addr))) {
			conf_perr(p, "virtual_ipaddress: \"%s\" is listed "
			    "twice (first at line %d)",
			    CONF_REPR(r, st->argv[0]), in->vips[i].line);
			return;
		}
	if (in->nvips == CONF_VIPS_MAX) {
		conf_perr(p, "virtual_ipaddress: more than %d addresses",
		    CONF_VIPS_MAX);
		return;
	}
	nv = reallocarray(in->vips, in->nvips + 1, sizeof(*nv));
	if (nv == NULL) {
		conf_perr(p, "out of memory");
		return;
	}
	in->vips = nv;
	in->vips[in->nvips++] = v;
	in->family = v.family;
}

/* Keyword tables ------------------------------------------------------- */

static const struct conf_kw top_kws[] = {
	{ "global_defs", CONF_BLK_GLOBAL, 0, 0, NULL },
	{ "vrrp_instance", CONF_BLK_INSTANCE, 1, 1, kw_instance },
	{ NULL, CONF_BLK_NONE, 0, 0, NULL },
};

static const struct conf_kw global_kws[] = {
	{ "router_id", CONF_BLK_NONE, 1, 1, kw_router_id },
	{ "vrrp_version", CONF_BLK_NONE, 1, 1, kw_vrrp_version },
	{ NULL, CONF_BLK_NONE, 0, 0, NULL },
};

static const struct conf_kw instance_kws[] = {
	[CONF_IK_STATE] = { "state", CONF_BLK_NONE, 1, 1, kw_state },
	[CONF_IK_INTERFACE] = { "interface", CONF_BLK_NONE, 1, 1,
	    kw_interface },
	[CONF_IK_VRID] = { "virtual_router_id", CONF_BLK_NONE, 1, 1, kw_vrid },
	[CONF_IK_PRIORITY] = { "priority", CONF_BLK_NONE, 1, 1, kw_priority },
	[CONF_IK_ADVERT] = { "advert_int", CONF_BLK_NONE, 1, 1, kw_advert_int },
	[CONF_IK_VERSION] = { "version", CONF_BLK_NONE, 1, 1, kw_version },
	[CONF_IK_NOPREEMPT] = { "nopreempt", CONF_BLK_NONE, 0, 0,
	    kw_nopreempt },
	[CONF_IK_PREEMPT_DELAY] = { "preempt_delay", CONF_BLK_NONE, 1, 1,
	    kw_preempt_delay },
	[CONF_IK_AUTH] = { "authentication", CONF_BLK_AUTH, 0, 0,
	    kw_authentication },
	[CONF_IK_VIPS] = { "virtual_ipaddress", CONF_BLK_VIPS, 0, 0, NULL },
	[CONF_IK_END] = { NULL, CONF_BLK_NONE, 0, 0, NULL },
};

static const struct conf_kw auth_kws[] = {
	[CONF_AK_TYPE] = { "auth_type", CONF_BLK_NONE, 1, 1, kw_auth_type },
	[CONF_AK_PASS] = { "auth_pass", CONF_BLK_NONE, 1, 1, kw_auth_pass },
	[CONF_AK_END] = { NULL, CONF_BLK_NONE, 0, 0, NULL },
};

static const struct conf_kw *
kw_table(enum conf_blk b)
{
	switch (b) {
	case CONF_BLK_TOP:
		return top_kws;
	case CONF_BLK_GLOBAL:
		return global_kws;
	case CONF_BLK_INSTANCE:
		return instance_kws;
	case CONF_BLK_AUTH:
		return auth_kws;
	default:
		return NULL;
	}
}

const char *
conf_kw_blk_name(enum conf_blk b)
{
	static const char *const names[] = {
		[CONF_BLK_TOP] = "top level", [CONF_BLK_GLOBAL] = "global_defs",
		[CONF_BLK_INSTANCE] = "vrrp_instance",
		[CONF_BLK_AUTH] = "authentication",
		[CONF_BLK_VIPS] = "virtual_ipaddress",
	};

	return b > CONF_BLK_NONE && b <= CONF_BLK_VIPS ? names[b] : "?";
}

const struct conf_kw *
conf_kw_find(enum conf_blk b, const char *name, size_t *idx)
{
	const struct conf_kw *t = kw_table(b);
	size_t i;

	for (i = 0; t != NULL && t[i].name != NULL; i++)
		if (!strcmp(t[i].name, name)) {
			*idx = i;
			return &t[i];
		}
	return NULL;
}

/* keepalived vocabulary ------------------------------------------------ */

/*
 * keepalived keywords vipd refuses, so that a user's keepalived.conf gets
 * "not supported" rather than "unknown".  The note says what the feature is.
 */
struct ka_kw {
	const char *name;
	const char *note;
};

static const struct ka_kw ka_top[] = {
	{ "virtual_server", "LVS" }, { "virtual_server_group", "LVS" },
	{ "vrrp_sync_group", "sync groups" },
	{ "vrrp_script", "check scripts" },
	{ "vrrp_track_file", "track files" }, { "track_file", "track files" },
	{ "vrrp_track_process", "process tracking" },
	{ "track_process", "process tracking" },
	{ "static_ipaddress", "static addresses" },
	{ "static_routes", "static routes" },
	{ "static_rules", "static rules" },
	{ "static_track_group", "track groups" },
	{ "linkbeat_interfaces", "linkbeat" },
	{ "bfd_instance", "BFD" }, { "garp_group", "GARP groups" },
	{ "net_namespace", "network namespaces" },
	{ "includer", "include variants; use include" },
	{ "includem", "include variants; use include" },
	{ "includew", "include variants; use include" },
	{ "includeb", "include variants; use include" },
	{ "includea", "include variants; use include" },
	{ NULL, NULL },
};

static const struct ka_kw ka_global[] = {
	{ "notification_email", "email alerts" },
	{ "notification_email_from", "email alerts" },
	{ "smtp_server", "email alerts" }, { "smtp_helo_name", "email alerts" },
	{ "smtp_connect_timeout", "email alerts" },
	{ "smtp_alert", "email alerts" }, { "smtp_alert_vrrp", "email alerts" },
	{ "enable_script_security", "scripts" }, { "script_user", "scripts" },
	{ "vrrp_mcast_group4", NULL }, { "vrrp_mcast_group6", NULL },
	{ "vrrp_garp_master_delay", NULL }, { "vrrp_garp_master_repeat", NULL },
	{ "vrrp_garp_master_refresh", NULL },
	{ "vrrp_garp_master_refresh_repeat", NULL },
	{ "vrrp_garp_lower_prio_delay", NULL },
	{ "vrrp_garp_lower_prio_repeat", NULL },
	{ "vrrp_garp_interval", NULL }, { "vrrp_gna_interval", NULL },
	{ "vrrp_min_garp", NULL }, { "vrrp_lower_prio_no_advert", NULL },
	{ "vrrp_higher_prio_send_advert", NULL },
	{ "vrrp_strict", NULL }, { "vrrp_iptables", NULL },
	{ "vrrp_ipsets", NULL }, { "nftables", NULL },
	{ "vrrp_check_unicast_src", "unicast" },
	{ "vrrp_skip_check_adv_addr", NULL },
	{ "vrrp_priority", NULL }, { "vrrp_no_swap", NULL },
	{ "vrrp_rt_priority", NULL }, { "vrrp_cpu_affinity", NULL },
	{ "vrrp_startup_delay", NULL }, { "max_auto_priority", NULL },
	{ "checker_priority", "LVS" }, { "lvs_id", "LVS" },
	{ "lvs_sync_daemon", "LVS" }, { "lvs_timeouts", "LVS" },
	{ "lvs_flush", "LVS" }, { "dynamic_interfaces", NULL },
	{ "enable_snmp_vrrp", "SNMP" }, { "enable_snmp_checker", "SNMP" },
	{ "enable_snmp_rfc", "SNMP" }, { "enable_snmp_rfcv2", "SNMP" },
	{ "enable_snmp_rfcv3", "SNMP" }, { "enable_traps", "SNMP" },
	{ "snmp_socket", "SNMP" }, { "enable_dbus", "DBus" },
	{ "notify_fifo", "notify FIFOs" },
	{ "vrrp_notify_fifo", "notify FIFOs" },
	{ "notify_fifo_script", "notify FIFOs" },
	{ "vrrp_notify_fifo_script", "notify FIFOs" },
	{ "default_interface", NULL }, { "umask", NULL },
	{ "vrrp_netlink_cmd_rcv_bufs", NULL }, { "vrrp_rx_bufs_policy", NULL },
	{ "reload_check_config", NULL }, { "reload_time_file", NULL },
	{ "include_check", NULL }, { "config_save_dir", NULL },
	{ NULL, NULL },
};

static const struct ka_kw ka_instance[] = {
	{ "unicast_peer", "unicast VRRP" },
	{ "unicast_src_ip", "unicast VRRP" },
	{ "unicast_ttl", "unicast VRRP" },
	{ "unicast_fault_no_peer", "unicast VRRP" },
	{ "check_unicast_src", "unicast VRRP" },
	{ "old_unicast_checksum", "unicast VRRP" },
	{ "mcast_src_ip", NULL }, { "mcast_dst_ip", NULL },
	{ "use_vmac", "virtual MAC" }, { "use_vmac_addr", "virtual MAC" },
	{ "vmac_xmit_base", "virtual MAC" }, { "use_ipvlan", "ipvlan" },
	{ "track_interface", "tracking" }, { "track_script", "check scripts" },
	{ "track_file", "tracking" }, { "track_process", "tracking" },
	{ "track_bfd", "tracking" }, { "track_src_ip", "tracking" },
	{ "dont_track_primary", "tracking" },
	{ "notify", "notify scripts" }, { "notify_master", "notify scripts" },
	{ "notify_backup", "notify scripts" },
	{ "notify_fault", "notify scripts" },
	{ "notify_stop", "notify scripts" },
	{ "notify_deleted", "notify scripts" },
	{ "notify_master_rx_lower_pri", "notify scripts" },
	{ "notify_priority_changes", "notify scripts" },
	{ "smtp_alert", "email alerts" },
	{ "virtual_ipaddress_excluded", NULL }, { "virtual_routes", NULL },
	{ "virtual_rules", NULL }, { "promote_secondaries", NULL },
	{ "accept", NULL }, { "no_accept", NULL }, { "strict_mode", NULL },
	{ "skip_check_adv_addr", NULL }, { "garp_master_delay", NULL },
	{ "garp_master_repeat", NULL }, { "garp_lower_prio_delay", NULL },
	{ "garp_lower_prio_repeat", NULL }, { "garp_master_refresh", NULL },
	{ "garp_master_refresh_repeat", NULL }, { "garp_extra_if", NULL },
	{ "down_timer_adverts", NULL }, { "lower_prio_no_advert", NULL },
	{ "higher_prio_send_advert", NULL }, { "kernel_rx_buf_size", NULL },
	{ "linkbeat_use_polling", NULL }, { "native_ipv6", NULL },
	{ "vrf", NULL }, { "debug", NULL }, { "auth_hmac", NULL },
	{ "preempt", "preemption is the default; remove it" },
	{ NULL, NULL },
};

static const struct ka_kw *
ka_find(enum conf_blk b, const char *name)
{
	const struct ka_kw *t;

	switch (b) {
	case CONF_BLK_TOP:
		t = ka_top;
		break;
	case CONF_BLK_GLOBAL:
		t = ka_global;
		break;
	case CONF_BLK_INSTANCE:
		t = ka_instance;
		break;
	default:
		return NULL;
	}
	for (; t->name != NULL; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

void
conf_kw_unknown(struct conf_parser *p, enum conf_blk b, const char *kw)
{
	static const enum conf_blk blks[] = { CONF_BLK_TOP, CONF_BLK_GLOBAL,
	    CONF_BLK_INSTANCE, CONF_BLK_AUTH };
	const struct ka_kw *ka = ka_find(b, kw);
	char r[CONF_REPR_MAX];
	size_t i, idx;

	for (i = 0; i < sizeof(blks) / sizeof(blks[0]); i++)
		if (blks[i] != b && conf_kw_find(blks[i], kw, &idx) != NULL) {
			conf_perr(p, "\"%s\" is not valid in %s (it belongs in "
			    "%s)", kw, conf_kw_blk_name(b),
			    conf_kw_blk_name(blks[i]));
			return;
		}
	if (ka != NULL && ka->note != NULL)
		conf_perr(p, "\"%s\" (%s) is not supported by vipd", kw,
		    ka->note);
	else if (ka != NULL)
		conf_perr(p, "\"%s\" is not supported by vipd", kw);
	else if (kw[0] == '$' || kw[0] == '@' || kw[0] == '~')
		conf_perr(p, "\"%s\": keepalived's %s are not supported by "
		    "vipd", CONF_REPR(r, kw), kw[0] == '$' ?
		    "parameter substitutions" : kw[0] == '@' ?
		    "conditional lines" : "sequence and list blocks");
	else
		conf_perr(p, "unknown keyword \"%s\" in %s", CONF_REPR(r, kw),
		    conf_kw_blk_name(b));
}
