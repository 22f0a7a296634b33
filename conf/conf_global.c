/* SPDX-License-Identifier: ISC */
/* global_defs keywords, and the table of top-level blocks. */

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stddef.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"
#include "conf/conf_lex.h"

/* global_defs ---------------------------------------------------------- */

void
conf_global_init(struct conf *c)
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

static int
kw_vrrp_version(struct conf_parser *p, const struct conf_stmt *st)
{
	return conf_inherit_version(p, st, &p->conf->vrrp_version);
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

/* Keyword tables ------------------------------------------------------- */

#define KW(n, fn, lo, hi)	{ n, CONF_BLK_NONE, lo, hi, fn }
#define BLK(n, b, fn, lo, hi)	{ n, b, lo, hi, fn }

const struct conf_kw conf_kw_top[] = {
	BLK("global_defs", CONF_BLK_GLOBAL, NULL, 0, 0),
	BLK("vrrp_instance", CONF_BLK_INSTANCE, conf_vrrp_kw_instance, 1, 1),
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
	[CONF_GK_GARP_MASTER_DELAY] = KW("vrrp_garp_master_delay",
	    conf_inherit_kw_garp, 1, 1),
	[CONF_GK_GARP_MASTER_REPEAT] = KW("vrrp_garp_master_repeat",
	    conf_inherit_kw_garp, 1, 1),
	[CONF_GK_GARP_MASTER_REFRESH] = KW("vrrp_garp_master_refresh",
	    conf_inherit_kw_garp, 1, 1),
	[CONF_GK_GARP_MASTER_REFRESH_REPEAT] =
	    KW("vrrp_garp_master_refresh_repeat", conf_inherit_kw_garp, 1, 1),
	[CONF_GK_GARP_LOWER_PRIO_DELAY] = KW("vrrp_garp_lower_prio_delay",
	    conf_inherit_kw_garp, 1, 1),
	[CONF_GK_GARP_LOWER_PRIO_REPEAT] = KW("vrrp_garp_lower_prio_repeat",
	    conf_inherit_kw_garp, 1, 1),
	[CONF_GK_GARP_INTERVAL] = KW("vrrp_garp_interval", kw_garp_interval,
	    1, 1),
	[CONF_GK_GNA_INTERVAL] = KW("vrrp_gna_interval", kw_garp_interval,
	    1, 1),
	[CONF_GK_LOWER_PRIO_NO_ADVERT] = KW("vrrp_lower_prio_no_advert",
	    conf_inherit_kw_flag, 0, 1),
	[CONF_GK_HIGHER_PRIO_SEND_ADVERT] = KW("vrrp_higher_prio_send_advert",
	    conf_inherit_kw_flag, 0, 1),
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
	    conf_inherit_kw_unicast_src, 0, 1),
	[CONF_GK_NOTIFY_SCRIPT_TIMEOUT] = KW("vrrp_notify_script_timeout",
	    conf_inherit_kw_garp, 1, 1),
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
