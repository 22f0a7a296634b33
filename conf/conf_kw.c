/* SPDX-License-Identifier: ISC */
/* Keyword lookup, value parsers, and what vipd does with keepalived's words. */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"
#include "conf/conf_lex.h"

/* Values --------------------------------------------------------------- */

int
conf_val_uint(struct conf_parser *p, const char *kw, const char *s,
    uint32_t lo, uint32_t hi, uint32_t *out)
{
	char r[CONF_REPR_MAX];
	uint32_t v;
	int rc = conf_lex_uint(s, &v);

	if (rc < 0)
		conf_perr(p, "%s: \"%s\" is not a number", kw, CONF_REPR(r, s));
	else if (rc > 0 || v < lo || v > hi)
		conf_perr(p, "%s: \"%s\" is out of range %u..%u", kw,
		    CONF_REPR(r, s), lo, hi);
	else {
		*out = v;
		return 0;
	}
	return -1;
}

int
conf_val_int(struct conf_parser *p, const char *kw, const char *s,
    int lo, int hi, int *out)
{
	char r[CONF_REPR_MAX];
	bool neg = *s == '-';
	uint32_t v = 0;
	int64_t sv;
	int rc = conf_lex_uint(s + (*s == '-' || *s == '+'), &v);

	sv = neg ? -(int64_t)v : (int64_t)v;
	if (rc < 0)
		conf_perr(p, "%s: \"%s\" is not a number", kw, CONF_REPR(r, s));
	else if (rc > 0 || sv < lo || sv > hi)
		conf_perr(p, "%s: \"%s\" is out of range %d..%d", kw,
		    CONF_REPR(r, s), lo, hi);
	else {
		*out = (int)sv;
		return 0;
	}
	return -1;
}

int
conf_val_seconds(struct conf_parser *p, const char *kw, const char *s,
    uint64_t lo_us, uint64_t hi_us, uint64_t *out)
{
	char r[CONF_REPR_MAX], lo[CONF_SECONDS_MAX], hi[CONF_SECONDS_MAX];
	uint64_t us = 0;
	int rc = conf_lex_seconds(s, &us);

	if (rc < 0)
		conf_perr(p, "%s: \"%s\" is not a number of seconds", kw,
		    CONF_REPR(r, s));
	else if (rc == 2)
		conf_perr(p, "%s: \"%s\" is finer than 0.000001 seconds", kw,
		    CONF_REPR(r, s));
	else if (rc == 1 || us < lo_us || us > hi_us)
		conf_perr(p, "%s: \"%s\" is out of range %s..%s", kw,
		    CONF_REPR(r, s),
		    conf_lex_fmt_seconds(lo, sizeof(lo), lo_us),
		    conf_lex_fmt_seconds(hi, sizeof(hi), hi_us));
	else {
		*out = us;
		return 0;
	}
	return -1;
}

int
conf_val_bool(struct conf_parser *p, const char *kw, const char *s,
    bool *out)
{
	static const char *const yes[] = { "on", "true", "yes" };
	static const char *const no[] = { "off", "false", "no" };
	char r[CONF_REPR_MAX];
	size_t i;

	for (i = 0; i < 3; i++) {
		if (s == NULL || !strcmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	conf_perr(p, "%s: \"%s\" must be on or off", kw, CONF_REPR(r, s));
	return -1;
}

static int
too_long(struct conf_parser *p, const char *kw, const char *s, size_t cap)
{
	char r[CONF_REPR_MAX];

	if (strlen(s) < cap)
		return 0;
	conf_perr(p, "%s: \"%s\" is longer than %zu characters", kw,
	    CONF_REPR(r, s), cap - 1);
	return -1;
}

int
conf_val_name(struct conf_parser *p, const char *kw, const char *s,
    char *dst, size_t cap)
{
	if (*s == '\0') {
		conf_perr(p, "%s: empty name", kw);
		return -1;
	}
	if (too_long(p, kw, s, cap) < 0)
		return -1;
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

int
conf_val_path(struct conf_parser *p, const char *kw, const char *s,
    char *dst, size_t cap)
{
	char r[CONF_REPR_MAX];

	if (s[0] != '/') {
		conf_perr(p, "%s: \"%s\" is not an absolute path", kw,
		    CONF_REPR(r, s));
		return -1;
	}
	if (too_long(p, kw, s, cap) < 0)
		return -1;
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

/* Printable, no space, no angle bracket: cannot break an SMTP command. */
int
conf_val_token(struct conf_parser *p, const char *kw, const char *s,
    char *dst, size_t cap)
{
	char r[CONF_REPR_MAX];
	const unsigned char *c;

	for (c = (const unsigned char *)s; *c != '\0'; c++)
		if (*c <= ' ' || *c >= 0x7f || *c == '<' || *c == '>')
			break;
	if (*c != '\0') {
		conf_perr(p, "%s: \"%s\" must be printable ASCII without "
		    "spaces or angle brackets", kw, CONF_REPR(r, s));
		return -1;
	}
	if (too_long(p, kw, s, cap) < 0)
		return -1;
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

int
conf_val_ifname(struct conf_parser *p, const char *kw, const char *s,
    char *dst)
{
	char r[CONF_REPR_MAX];
	size_t i, len = strlen(s);

	if (too_long(p, kw, s, CONF_IFNAME_MAX) < 0)
		return -1;
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

int
conf_kw_weight_opt(struct conf_parser *p, const char *blk,
    const struct conf_stmt *st, int *weight, bool *has)
{
	char kw[64], r[CONF_REPR_MAX];
	const char *o;
	size_t i;

	snprintf(kw, sizeof(kw), "%s: weight", blk);
	for (i = 1; i < st->argc; i += 2) {
		o = st->argv[i];
		if (!strcmp(o, "weight") && !*has && i + 1 < st->argc) {
			if (conf_val_int(p, kw, st->argv[i + 1],
			    -CONF_WEIGHT_MAX, CONF_WEIGHT_MAX, weight) < 0)
				return -1;
			*has = true;
			continue;
		}
		if (!strcmp(o, "weight"))
			conf_perr(p, "%s: \"weight\" %s", blk, *has ?
			    "given twice" : "needs a number");
		else if (!strcmp(o, "reverse") || !strcmp(o, "noreverse") ||
		    !strcmp(o, "no_reverse"))
			conf_perr(p, "%s: \"%s\" is not supported by vipd", blk,
			    o);
		else
			conf_perr(p, "%s: unknown option \"%s\"", blk,
			    CONF_REPR(r, o));
		return -1;
	}
	return 0;
}

/* Tables --------------------------------------------------------------- */

static const struct conf_kw *
kw_table(enum conf_blk b)
{
	switch (b) {
	case CONF_BLK_TOP:
		return conf_kw_top;
	case CONF_BLK_GLOBAL:
		return conf_kw_global;
	case CONF_BLK_INSTANCE:
		return conf_kw_instance;
	case CONF_BLK_AUTH:
		return conf_kw_auth;
	case CONF_BLK_SMTP_CHECK:
		return conf_kw_smtp_check;
	case CONF_BLK_POSTFIX_CHECK:
		return conf_kw_postfix_check;
	case CONF_BLK_SCRIPT:
		return conf_kw_script;
	case CONF_BLK_FILE:
		return conf_kw_file;
	case CONF_BLK_PROCESS:
		return conf_kw_process;
	default:
		return NULL;
	}
}

const char *
conf_kw_blk_name(enum conf_blk b)
{
	static const char *const names[CONF_BLK_COUNT] = {
		[CONF_BLK_TOP] = "top level", [CONF_BLK_GLOBAL] = "global_defs",
		[CONF_BLK_INSTANCE] = "vrrp_instance",
		[CONF_BLK_AUTH] = "authentication",
		[CONF_BLK_SMTP_CHECK] = "smtp_check",
		[CONF_BLK_POSTFIX_CHECK] = "postfix_check",
		[CONF_BLK_VIPS] = "virtual_ipaddress",
		[CONF_BLK_EXCLUDED] = "virtual_ipaddress_excluded",
		[CONF_BLK_PEERS] = "unicast_peer",
		[CONF_BLK_TRACK_IF] = "track_interface",
		[CONF_BLK_TRACK_CHECK] = "track_check",
		[CONF_BLK_SCRIPT] = "vrrp_script",
		[CONF_BLK_FILE] = "track_file",
		[CONF_BLK_PROCESS] = "vrrp_track_process",
		[CONF_BLK_TRACK_SCRIPT] = "track_script",
		[CONF_BLK_TRACK_FILE] = "track_file",
		[CONF_BLK_TRACK_PROCESS] = "track_process",
	};

	return b > CONF_BLK_NONE && b < CONF_BLK_COUNT ? names[b] : "?";
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

bool
conf_kw_is_list(enum conf_blk b)
{
	return b >= CONF_BLK_VIPS && b < CONF_BLK_COUNT;
}

void
conf_kw_list_line(struct conf_parser *p, enum conf_blk b,
    const struct conf_stmt *st)
{
	struct conf_pinst *pi = conf_cur_pinst(p);

	/* Count even bad lines: "no address" would be a second error. */
	if (b == CONF_BLK_VIPS)
		pi->vip_lines++;
	else if (b == CONF_BLK_PEERS)
		pi->peer_lines++;
	else if (b == CONF_BLK_TRACK_CHECK)
		pi->track_check_lines++;
	if (st->nwords > st->argc) {
		conf_perr(p, "%s: too many words on one line",
		    conf_kw_blk_name(b));
		return;
	}
	switch (b) {
	case CONF_BLK_VIPS:
	case CONF_BLK_EXCLUDED:
		conf_addr_vip_line(p, st, b == CONF_BLK_EXCLUDED);
		break;
	case CONF_BLK_PEERS:
		conf_addr_peer_line(p, st);
		break;
	case CONF_BLK_TRACK_IF:
		conf_addr_track_if_line(p, st);
		break;
	case CONF_BLK_TRACK_CHECK:
		conf_checks_track_line(p, st);
		break;
	case CONF_BLK_TRACK_SCRIPT:
	case CONF_BLK_TRACK_FILE:
	case CONF_BLK_TRACK_PROCESS:
		conf_track_line(p, b, st);
		break;
	default:
		break;
	}
}

/* keepalived's vocabulary ---------------------------------------------- */

/*
 * The decision table for keepalived keywords that are not vipd keywords
 * (those are in the keyword tables, with their handlers).  Each is:
 *  ACCEPT  taken without a message: vipd always behaves as it asks;
 *  WARN    taken and ignored, with a warning: it changes nothing about
 *          VRRP (e-mail alerts, SNMP), so a keepalived.conf still runs;
 *  REFUSE  an error: ignoring it would change what the host does.  The
 *          text is the feature ("virtual_server" (LVS) is not supported
 *          by vipd), a reason (REASON), or the whole message (SAY).
 * vipd.conf(5) lists this table; keep the two in step.
 */
enum ka_action { KA_ACCEPT, KA_WARN, KA_REFUSE, KA_REASON, KA_SAY };

#define KA_T	(1u << CONF_BLK_TOP)
#define KA_G	(1u << CONF_BLK_GLOBAL)
#define KA_I	(1u << CONF_BLK_INSTANCE)

struct ka_kw {
	const char *name;
	unsigned blocks;
	enum ka_action action;
	const char *text;
};

#define EMAIL	"vipd does not send email alerts (use notify scripts)"
#define SNMP	"vipd has no SNMP support (see vipctl(8) for status)"
#define STRICT	"it makes the VIP unreachable for mail (no Accept_Mode)"
#define VMAC	"vipd moves the address, see vipd.conf(5)"
#define MCAST	"vipd uses the VRRP groups 224.0.0.18 and ff02::12 (or " \
	"unicast_peer)"
#define FIFO	"notify FIFOs"

static const struct ka_kw ka_table[] = {
	{ "accept", KA_I, KA_ACCEPT, "vipd always accepts traffic to the "
	    "VIP" },
	{ "unicast_fault_no_peer", KA_I, KA_ACCEPT, "vipd never falls back "
	    "to multicast" },
	{ "notification_email", KA_G, KA_WARN, EMAIL },
	{ "notification_email_from", KA_G, KA_WARN, EMAIL },
	{ "smtp_server", KA_G, KA_WARN, EMAIL },
	{ "smtp_helo_name", KA_G, KA_WARN, EMAIL },
	{ "smtp_connect_timeout", KA_G, KA_WARN, EMAIL },
	{ "smtp_alert", KA_G | KA_I, KA_WARN, EMAIL },
	{ "smtp_alert_vrrp", KA_G, KA_WARN, EMAIL },
	{ "smtp_alert_checker", KA_G, KA_WARN, EMAIL },
	{ "no_email_faults", KA_G, KA_WARN, EMAIL },
	{ "enable_traps", KA_G, KA_WARN, SNMP },
	{ "enable_snmp_vrrp", KA_G, KA_WARN, SNMP },
	{ "enable_snmp_checker", KA_G, KA_WARN, SNMP },
	{ "enable_snmp_rfc", KA_G, KA_WARN, SNMP },
	{ "enable_snmp_rfcv2", KA_G, KA_WARN, SNMP },
	{ "enable_snmp_rfcv3", KA_G, KA_WARN, SNMP },
	{ "snmp_socket", KA_G, KA_WARN, SNMP },
	{ "lvs_id", KA_G, KA_WARN, "an LVS setting, vipd has no use for it" },
	{ "debug", KA_I, KA_WARN, "use vipd -D for detailed logs" },
	{ "vrrp_strict", KA_G, KA_REASON, STRICT },
	{ "strict_mode", KA_I, KA_REASON, STRICT },
	{ "no_accept", KA_I, KA_REASON, "mail needs Accept_Mode (vipd always "
	    "accepts traffic to the VIP)" },
	{ "use_vmac", KA_I, KA_REASON, VMAC },
	{ "use_vmac_addr", KA_I, KA_REASON, VMAC },
	{ "vmac_xmit_base", KA_I, KA_REASON, VMAC },
	{ "use_ipvlan", KA_I, KA_REASON, VMAC },
	{ "vrrp_mcast_group4", KA_G, KA_REASON, MCAST },
	{ "vrrp_mcast_group6", KA_G, KA_REASON, MCAST },
	{ "mcast_dst_ip", KA_I, KA_REASON, MCAST },
	{ "mcast_src_ip", KA_I, KA_REASON, "use unicast_src_ip, which sets "
	    "the same source address" },
	{ "vrrp_min_garp", KA_G, KA_REASON, "use vrrp_garp_master_repeat 1 "
	    "and vrrp_garp_master_delay 0" },
	{ "skip_check_adv_addr", KA_I, KA_REASON, "use "
	    "vrrp_skip_check_adv_addr in global_defs" },
	{ "preempt", KA_I, KA_REFUSE, "preemption is the default; remove it" },
	{ "virtual_server", KA_T, KA_REFUSE, "LVS" },
	{ "virtual_server_group", KA_T, KA_REFUSE, "LVS" },
	{ "checker_priority", KA_G, KA_REFUSE, "LVS" },
	{ "lvs_sync_daemon", KA_G, KA_REFUSE, "LVS" },
	{ "lvs_timeouts", KA_G, KA_REFUSE, "LVS" },
	{ "lvs_flush", KA_G, KA_REFUSE, "LVS" },
	{ "vrrp_sync_group", KA_T, KA_REFUSE, "sync groups" },
	{ "track_bfd", KA_I, KA_REFUSE, "BFD" },
	{ "bfd_instance", KA_T, KA_REFUSE, "BFD" },
	{ "track_src_ip", KA_I, KA_REFUSE, "tracking" },
	{ "static_ipaddress", KA_T, KA_REFUSE, "static addresses" },
	{ "static_routes", KA_T, KA_REFUSE, "static routes" },
	{ "static_rules", KA_T, KA_REFUSE, "static rules" },
	{ "static_track_group", KA_T, KA_REFUSE, "track groups" },
	{ "linkbeat_interfaces", KA_T, KA_REFUSE, "linkbeat" },
	{ "linkbeat_use_polling", KA_I, KA_REFUSE, "linkbeat" },
	{ "garp_group", KA_T, KA_REFUSE, "GARP groups" },
	{ "garp_extra_if", KA_I, KA_REFUSE, "GARP on extra interfaces" },
	{ "vrrp_garp_extra_if", KA_G, KA_REFUSE, "GARP on extra interfaces" },
	{ "net_namespace", KA_T, KA_REFUSE, "network namespaces" },
	{ "includer", KA_T, KA_REFUSE, "include variants; use include" },
	{ "includem", KA_T, KA_REFUSE, "include variants; use include" },
	{ "includew", KA_T, KA_REFUSE, "include variants; use include" },
	{ "includeb", KA_T, KA_REFUSE, "include variants; use include" },
	{ "includea", KA_T, KA_REFUSE, "include variants; use include" },
	{ "old_unicast_checksum", KA_I, KA_REFUSE, "old unicast checksums" },
	{ "notify_deleted", KA_I, KA_REFUSE, "notify scripts" },
	{ "notify_master_rx_lower_pri", KA_I, KA_REFUSE, "notify scripts" },
	{ "notify_priority_changes", KA_I, KA_REFUSE, FIFO },
	{ "notify_fifo", KA_G, KA_REFUSE, FIFO },
	{ "vrrp_notify_fifo", KA_G, KA_REFUSE, FIFO },
	{ "notify_fifo_script", KA_G, KA_REFUSE, FIFO },
	{ "vrrp_notify_fifo_script", KA_G, KA_REFUSE, FIFO },
	{ "enable_dbus", KA_G, KA_REFUSE, "DBus" },
	{ "virtual_routes", KA_I, KA_REFUSE, NULL },
	{ "virtual_rules", KA_I, KA_REFUSE, NULL },
	{ "promote_secondaries", KA_I, KA_REFUSE, NULL },
	{ "down_timer_adverts", KA_I, KA_REFUSE, NULL },
	{ "kernel_rx_buf_size", KA_I, KA_REFUSE, NULL },
	{ "native_ipv6", KA_I, KA_REFUSE, NULL },
	{ "vrf", KA_I, KA_REFUSE, NULL },
	{ "auth_hmac", KA_I, KA_REFUSE, NULL },
	{ "vrrp_iptables", KA_G, KA_REFUSE, NULL },
	{ "vrrp_ipsets", KA_G, KA_REFUSE, NULL },
	{ "nftables", KA_G, KA_REFUSE, NULL },
	{ "vrrp_priority", KA_G, KA_REFUSE, NULL },
	{ "vrrp_no_swap", KA_G, KA_REFUSE, NULL },
	{ "vrrp_rt_priority", KA_G, KA_REFUSE, NULL },
	{ "vrrp_cpu_affinity", KA_G, KA_REFUSE, NULL },
	{ "vrrp_startup_delay", KA_G, KA_REFUSE, NULL },
	{ "max_auto_priority", KA_G, KA_REFUSE, NULL },
	{ "dynamic_interfaces", KA_G, KA_REFUSE, NULL },
	{ "default_interface", KA_G, KA_REFUSE, NULL },
	{ "umask", KA_G, KA_REFUSE, NULL },
	{ "vrrp_netlink_cmd_rcv_bufs", KA_G, KA_REFUSE, NULL },
	{ "vrrp_rx_bufs_policy", KA_G, KA_REFUSE, NULL },
	{ "reload_check_config", KA_G, KA_REFUSE, NULL },
	{ "reload_time_file", KA_G, KA_REFUSE, NULL },
	{ "include_check", KA_G, KA_REFUSE, NULL },
	{ "config_save_dir", KA_G, KA_REFUSE, NULL },
	{ NULL, 0, KA_REFUSE, NULL },
};

static const struct ka_kw *
ka_find(enum conf_blk b, const char *name)
{
	const struct ka_kw *t;

	for (t = ka_table; t->name != NULL; t++)
		if ((t->blocks & (1u << b)) && !strcmp(t->name, name))
			return t;
	return NULL;
}

static void
ka_report(struct conf_parser *p, const struct ka_kw *ka)
{
	switch (ka->action) {
	case KA_ACCEPT:
		break;
	case KA_WARN:
		conf_pwarn(p, "\"%s\" is ignored: %s", ka->name, ka->text);
		break;
	case KA_REASON:
		conf_perr(p, "\"%s\" is not supported: %s", ka->name, ka->text);
		break;
	case KA_SAY:
		conf_perr(p, "%s", ka->text);
		break;
	case KA_REFUSE:
		if (ka->text != NULL)
			conf_perr(p, "\"%s\" (%s) is not supported by vipd",
			    ka->name, ka->text);
		else
			conf_perr(p, "\"%s\" is not supported by vipd",
			    ka->name);
		break;
	}
}

void
conf_kw_unknown(struct conf_parser *p, enum conf_blk b, const char *kw)
{
	static const enum conf_blk blks[] = { CONF_BLK_TOP, CONF_BLK_GLOBAL,
	    CONF_BLK_INSTANCE, CONF_BLK_AUTH, CONF_BLK_SMTP_CHECK,
	    CONF_BLK_POSTFIX_CHECK, CONF_BLK_SCRIPT, CONF_BLK_FILE,
	    CONF_BLK_PROCESS };
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
	if (ka != NULL)
		ka_report(p, ka);
	else if (kw[0] == '$' || kw[0] == '@' || kw[0] == '~')
		conf_perr(p, "\"%s\": keepalived's %s are not supported by "
		    "vipd", CONF_REPR(r, kw), kw[0] == '$' ?
		    "parameter substitutions" : kw[0] == '@' ?
		    "conditional lines" : "sequence and list blocks");
	else
		conf_perr(p, "unknown keyword \"%s\" in %s", CONF_REPR(r, kw),
		    conf_kw_blk_name(b));
}
