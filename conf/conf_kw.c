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

/*
 * Judge a number conf_lex_uint read (rc) with value v: 0 when it is one
 * and lo <= v <= hi, else the error, said, and -1.
 */
static int
in_range(struct conf_parser *p, const char *kw, const char *s, int rc,
    int64_t v, int64_t lo, int64_t hi)
{
	char r[CONF_REPR_MAX];

	if (rc < 0)
		conf_perr(p, "%s: \"%s\" is not a number", kw, CONF_REPR(r, s));
	else if (rc > 0 || v < lo || v > hi)
		conf_perr(p, "%s: \"%s\" is out of range %lld..%lld", kw,
		    CONF_REPR(r, s), (long long)lo, (long long)hi);
	else
		return 0;
	return -1;
}

int
conf_val_uint(struct conf_parser *p, const char *kw, const char *s,
    uint32_t lo, uint32_t hi, uint32_t *out)
{
	uint32_t v = 0;
	int rc = conf_lex_uint(s, &v);

	if (in_range(p, kw, s, rc, v, lo, hi) < 0)
		return -1;
	*out = v;
	return 0;
}

int
conf_val_int(struct conf_parser *p, const char *kw, const char *s,
    int lo, int hi, int *out)
{
	uint32_t v = 0;
	int rc = conf_lex_uint(s + (*s == '-' || *s == '+'), &v);
	int64_t sv = *s == '-' ? -(int64_t)v : (int64_t)v;

	if (in_range(p, kw, s, rc, sv, lo, hi) < 0)
		return -1;
	*out = (int)sv;
	return 0;
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

/* Whether @s is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
static bool
is_utf8(const unsigned char *s)
{
	unsigned c, n, i, min;
	uint32_t cp;

	while ((c = *s++) != 0) {
		if (c < 0x80)
			continue;
		if ((c & 0xe0) == 0xc0)
			n = 1, cp = c & 0x1f, min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			n = 2, cp = c & 0x0f, min = 0x800;
		else if ((c & 0xf8) == 0xf0)
			n = 3, cp = c & 0x07, min = 0x10000;
		else
			return false;
		for (i = 0; i < n; i++, s++) {
			if ((*s & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (*s & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}

int
conf_val_name(struct conf_parser *p, const char *kw, const char *s,
    char *dst, size_t cap)
{
	char r[CONF_REPR_MAX];

	if (*s == '\0') {
		conf_perr(p, "%s: empty name", kw);
		return -1;
	}
	/* Status and JSON carry names as text: they must be UTF-8. */
	if (!is_utf8((const unsigned char *)s)) {
		conf_perr(p, "%s: \"%s\" is not valid UTF-8", kw,
		    CONF_REPR(r, s));
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
	if (len == 0 || i < len || !strcmp(s, ".") || !strcmp(s, "..") ||
	    !is_utf8((const unsigned char *)s)) {
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
	case CONF_BLK_SYNC:
		return conf_kw_sync;
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
		[CONF_BLK_VROUTES] = "virtual_routes",
		[CONF_BLK_VRULES] = "virtual_rules",
		[CONF_BLK_SADDRS] = "static_ipaddress",
		[CONF_BLK_SROUTES] = "static_routes",
		[CONF_BLK_SRULES] = "static_rules",
		[CONF_BLK_SYNC] = "vrrp_sync_group",
		[CONF_BLK_SYNC_MEMBERS] = "group",
		[CONF_BLK_SYNC_TRACK_IF] = "track_interface",
		[CONF_BLK_SYNC_TRACK_CHECK] = "track_check",
		[CONF_BLK_SYNC_TRACK_SCRIPT] = "track_script",
		[CONF_BLK_SYNC_TRACK_FILE] = "track_file",
		[CONF_BLK_SYNC_TRACK_PROCESS] = "track_process",
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
	/* static_* blocks are at the top level, outside any instance. */
	struct conf_pinst *pi = b < CONF_BLK_SADDRS ? conf_cur_pinst(p) : NULL;

	if (b >= CONF_BLK_SYNC_MEMBERS && b <= CONF_BLK_SYNC_TRACK_PROCESS) {
		conf_sync_list_line(p, b, st);
		return;
	}
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
	case CONF_BLK_VROUTES:
	case CONF_BLK_SROUTES:
		conf_route_route_line(p, st, b == CONF_BLK_SROUTES);
		break;
	case CONF_BLK_VRULES:
	case CONF_BLK_SRULES:
		conf_route_rule_line(p, st, b == CONF_BLK_SRULES);
		break;
	case CONF_BLK_SADDRS:
		conf_route_static_addr_line(p, st);
		break;
	default:
		break;
	}
}
