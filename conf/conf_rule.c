/* SPDX-License-Identifier: ISC */
/*
 * virtual_rules / static_rules lines ("ip rule"), static_ipaddress lines,
 * and the canonical one-line form of routes, rules and addresses.
 */

#include <sys/socket.h>
#include <arpa/inet.h>

#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"
#include "conf/conf_lex.h"

/* keepalived rule options vipd leaves out, and why. */
static const char *
rule_refused(const char *w)
{
	static const char *const other[] = { "realms", "realm", "uidrange",
	    "l3mdev", "ip_proto", "ipproto", "sport", "dport",
	    "suppress_prefixlength", "suppress_ifgroup", "nat", "map-to",
	    "type", NULL };

	if (!strcmp(w, "goto"))
		return "goto rules are not supported by vipd";
	if (!strcmp(w, "protocol") || !strcmp(w, "proto"))
		return "vipd marks the rules it installs with protocol 118 to "
		    "recognise them; no other protocol can be set";
	if (!strcmp(w, "track_group"))
		return "track groups are not supported by vipd";
	if (conf_rt_in(w, other))
		return "not supported by vipd (supported: not from to "
		    "table/lookup priority/preference iif oif fwmark tos "
		    "blackhole unreachable prohibit no_track inet6)";
	return NULL;
}

static int
rule_prefix(struct conf_parser *p, const char *kw, const char *s, int *fam,
    bool *has, uint8_t addr[16], uint8_t *len)
{
	int f;

	if (conf_rt_prefix(p, kw, s, &f, addr, len) < 0 ||
	    conf_rt_family(p, kw, fam, f) < 0)
		return -1;
	*has = f != 0;		/* "all" is no selector */
	return 0;
}

static int
rule_fwmark(struct conf_parser *p, const char *kw, const char *s,
    struct conf_rule *r)
{
	char m[32];
	const char *slash = strchr(s, '/');
	size_t n = slash != NULL ? (size_t)(slash - s) : strlen(s);

	if (n >= sizeof(m))
		n = sizeof(m) - 1;
	memcpy(m, s, n);
	m[n] = '\0';
	if (conf_rt_num(p, kw, m, UINT32_MAX, &r->fwmark) < 0 ||
	    (slash != NULL && conf_rt_num(p, kw, slash + 1, UINT32_MAX,
	    &r->fwmask) < 0))
		return -1;
	r->has_fwmark = true;
	return 0;
}

static int
rule_opt(struct conf_parser *p, const char *kw, const struct conf_stmt *st,
    size_t *i, struct conf_rule *r, int *fam)
{
	const char *o = st->argv[*i], *s;
	uint32_t v;

	if ((s = conf_rt_value(p, kw, st, i)) == NULL)
		return -1;
	if (!strcmp(o, "from"))
		return rule_prefix(p, kw, s, fam, &r->has_src, r->src,
		    &r->src_len);
	if (!strcmp(o, "to"))
		return rule_prefix(p, kw, s, fam, &r->has_dst, r->dst,
		    &r->dst_len);
	if (!strcmp(o, "table") || !strcmp(o, "lookup"))
		return conf_rt_table(p, kw, s, &r->table);
	if (!strcmp(o, "iif") || !strcmp(o, "iifname"))
		return conf_val_ifname(p, kw, s, r->iif);
	if (!strcmp(o, "oif") || !strcmp(o, "oifname"))
		return conf_val_ifname(p, kw, s, r->oif);
	if (!strcmp(o, "fwmark"))
		return rule_fwmark(p, kw, s, r);
	if (!strcmp(o, "tos") || !strcmp(o, "dsfield")) {
		if (conf_rt_num(p, kw, s, 255, &v) < 0)
			return -1;
		r->tos = (uint8_t)v;
		return 0;
	}
	/* priority, preference, pref, order */
	r->has_priority = true;
	return conf_rt_num(p, kw, s, UINT32_MAX, &r->priority);
}

static int
rule_words(struct conf_parser *p, const char *kw, const struct conf_stmt *st,
    struct conf_rule *r, int *fam)
{
	static const char *const valued[] = { "from", "to", "table", "lookup",
	    "iif", "iifname", "oif", "oifname", "fwmark", "tos", "dsfield",
	    "priority", "preference", "pref", "order", NULL };
	char rr[CONF_REPR_MAX];
	const char *w, *why;
	size_t i;

	for (i = 0; i < st->argc; i++) {
		w = st->argv[i];
		if (conf_rt_in(w, valued)) {
			if (rule_opt(p, kw, st, &i, r, fam) < 0)
				return -1;
		} else if (!strcmp(w, "not")) {
			r->invert = true;
		} else if (!strcmp(w, "blackhole")) {
			r->action = FR_ACT_BLACKHOLE;
		} else if (!strcmp(w, "unreachable")) {
			r->action = FR_ACT_UNREACHABLE;
		} else if (!strcmp(w, "prohibit")) {
			r->action = FR_ACT_PROHIBIT;
		} else if (!strcmp(w, "no_track")) {
			r->no_track = true;
		} else if (!strcmp(w, "inet6") || !strcmp(w, "inet")) {
			if (conf_rt_family(p, kw, fam, w[4] == '6' ?
			    AF_INET6 : AF_INET) < 0)
				return -1;
		} else if ((why = rule_refused(w)) != NULL) {
			conf_perr(p, "%s: \"%s\": %s", kw, w, why);
			return -1;
		} else {
			conf_perr(p, "%s: unknown option \"%s\"", kw,
			    CONF_REPR(rr, w));
			return -1;
		}
	}
	return 0;
}

void
conf_route_rule_line(struct conf_parser *p, const struct conf_stmt *st,
    bool is_static)
{
	const char *kw = is_static ? "static_rules" : "virtual_rules";
	struct conf_rule r, **list;
	size_t *n;
	int fam = 0;
	void *na;

	memset(&r, 0, sizeof(r));
	r.line = st->line;
	if (rule_words(p, kw, st, &r, &fam) < 0)
		return;
	if (!r.has_src && !r.has_dst && r.iif[0] == '\0' &&
	    r.oif[0] == '\0' && !r.has_fwmark && r.tos == 0) {
		/* The kernel would take it; it would catch every packet. */
		conf_perr(p, "%s: the rule selects nothing (give from, to, "
		    "iif, oif, fwmark or tos)", kw);
		return;
	}
	if (r.action != 0 && r.table != 0) {
		conf_perr(p, "%s: a blackhole, unreachable or prohibit rule "
		    "takes no table", kw);
		return;
	}
	r.family = fam != 0 ? fam : AF_INET;
	if (is_static) {
		list = &p->conf->static_rules;
		n = &p->conf->nstatic_rules;
	} else {
		list = &conf_cur_inst(p)->rules;
		n = &conf_cur_inst(p)->nrules;
	}
	if ((na = conf_rt_push(p, kw, *list, n, &r, sizeof(r))) != NULL)
		*list = na;
}

/* static_ipaddress: as a virtual_ipaddress line, dev required. */
void
conf_route_static_addr_line(struct conf_parser *p, const struct conf_stmt *st)
{
	const char *kw = "static_ipaddress";
	struct conf *c = p->conf;
	struct conf_vip v;
	size_t i;
	void *na;

	memset(&v, 0, sizeof(v));
	v.line = st->line;
	if (conf_addr_vip_parse(p, kw, st->argv[0], &v) < 0 ||
	    conf_route_addr_opts(p, kw, st, &v) < 0)
		return;
	if (v.dev[0] == '\0') {
		conf_perr(p, "%s: \"dev IFNAME\" is required", kw);
		return;
	}
	if (v.no_track)
		conf_pwarn(p, "%s: no_track changes nothing on a static "
		    "address", kw);
	conf_route_check_label(p, p->file, kw, &v, v.dev);
	for (i = 0; i < c->nstatic_addrs; i++)
		if (c->static_addrs[i].family == v.family &&
		    !memcmp(c->static_addrs[i].addr, v.addr, 16) &&
		    !strcmp(c->static_addrs[i].dev, v.dev)) {
			conf_perr(p, "%s: listed twice (first at line %d)", kw,
			    c->static_addrs[i].line);
			return;
		}
	if ((na = conf_rt_push(p, kw, c->static_addrs, &c->nstatic_addrs, &v,
	    sizeof(v))) != NULL)
		c->static_addrs = na;
}

static bool
has_addr(const struct conf_vip *v, size_t n, int family, const uint8_t *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].family == family && !memcmp(v[i].addr, a, 16))
			return true;
	return false;
}

void
conf_route_check_src(struct conf_parser *p, const struct conf_instance *in,
    const char *file)
{
	char a[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < in->nroutes; i++) {
		const struct conf_route *r = &in->routes[i];

		if (!r->has_src || has_addr(in->vips, in->nvips, r->family,
		    r->src) || has_addr(in->excluded, in->nexcluded,
		    r->family, r->src))
			continue;
		inet_ntop(r->family, r->src, a, sizeof(a));
		conf_pwarn_at(p, file, r->line, "virtual_routes: src %s is "
		    "none of this instance's addresses: the route goes in "
		    "only if the host has it", a);
	}
}

/* ---- canonical text ---------------------------------------------------- */

struct sbuf {
	char *b;
	size_t len, at;
};

static void __attribute__((format(printf, 2, 3)))
sb(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->at >= s->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->b + s->at, s->len - s->at, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->at += (size_t)n;
}

static void
sb_addr(struct sbuf *s, const char *pre, int family, const uint8_t *a)
{
	char t[INET6_ADDRSTRLEN];

	if (inet_ntop(family, a, t, sizeof(t)) == NULL)
		strcpy(t, "?");
	sb(s, "%s%s", pre, t);
}

static void
sb_prefix(struct sbuf *s, const char *pre, int family, const uint8_t *a,
    unsigned len)
{
	if (len == 0) {
		sb(s, "%sdefault", pre);
		return;
	}
	sb_addr(s, pre, family, a);
	sb(s, "/%u", len);
}

static const char *
rtype_name(uint8_t t)
{
	switch (t) {
	case RTN_BLACKHOLE: return "blackhole";
	case RTN_UNREACHABLE: return "unreachable";
	case RTN_PROHIBIT: return "prohibit";
	case RTN_THROW: return "throw";
	default: return NULL;
	}
}

void
conf_route_str(const struct conf_route *r, char *buf, size_t len)
{
	struct sbuf s = { buf, len, 0 };
	char sc[8];

	buf[0] = '\0';
	if (r->has_src)
		sb_addr(&s, "src ", r->family, r->src);
	if (rtype_name(r->type) != NULL)
		sb(&s, "%s%s", s.at ? " " : "", rtype_name(r->type));
	sb_prefix(&s, s.at ? " to " : "to ", r->family, r->dst, r->dst_len);
	if (r->has_gw)
		sb_addr(&s, " via ", r->family, r->gw);
	if (r->dev[0] != '\0')
		sb(&s, " dev %s", r->dev);
	if (r->has_scope)
		sb(&s, " scope %s", conf_rt_scope_name(r->scope, sc));
	if (r->table != 0)
		sb(&s, " table %u", r->table);
	if (r->has_metric)
		sb(&s, " metric %u", r->metric);
	if (r->tos != 0)
		sb(&s, " tos 0x%02x", r->tos);
	if (r->mtu != 0)
		sb(&s, " mtu %u", r->mtu);
	if (r->onlink)
		sb(&s, " onlink");
	if (r->append)
		sb(&s, " append");
	if (r->no_track)
		sb(&s, " no_track");
	if (r->family == AF_INET6 && r->dst_len == 0 && !r->has_src &&
	    !r->has_gw)
		sb(&s, " inet6");
}

void
conf_rule_str(const struct conf_rule *r, char *buf, size_t len)
{
	struct sbuf s = { buf, len, 0 };

	buf[0] = '\0';
	if (r->invert)
		sb(&s, "not ");
	if (r->has_src)
		sb_prefix(&s, "from ", r->family, r->src, r->src_len);
	else
		sb(&s, "from all");
	if (r->has_dst)
		sb_prefix(&s, " to ", r->family, r->dst, r->dst_len);
	if (r->iif[0] != '\0')
		sb(&s, " iif %s", r->iif);
	if (r->oif[0] != '\0')
		sb(&s, " oif %s", r->oif);
	if (r->has_fwmark)
		sb(&s, r->fwmask != 0 ? " fwmark 0x%x/0x%x" : " fwmark 0x%x",
		    r->fwmark, r->fwmask);
	if (r->tos != 0)
		sb(&s, " tos 0x%02x", r->tos);
	if (r->has_priority)
		sb(&s, " priority %u", r->priority);
	if (r->action == FR_ACT_BLACKHOLE)
		sb(&s, " blackhole");
	else if (r->action == FR_ACT_UNREACHABLE)
		sb(&s, " unreachable");
	else if (r->action == FR_ACT_PROHIBIT)
		sb(&s, " prohibit");
	else
		sb(&s, " table %u", r->table != 0 ? r->table : RT_TABLE_MAIN);
	if (r->no_track)
		sb(&s, " no_track");
	if (r->family == AF_INET6 && !r->has_src && !r->has_dst)
		sb(&s, " inet6");
}

void
conf_vip_str(const struct conf_vip *v, char *buf, size_t len)
{
	static const struct { uint32_t f; const char *name; } flags[] = {
		{ IFA_F_HOMEADDRESS, "home" }, { IFA_F_NODAD, "-nodad" },
		{ IFA_F_MANAGETEMPADDR, "mngtmpaddr" },
		{ IFA_F_NOPREFIXROUTE, "noprefixroute" },
		{ IFA_F_MCAUTOJOIN, "autojoin" },
	};
	struct sbuf s = { buf, len, 0 };
	char sc[8];
	size_t i;

	buf[0] = '\0';
	sb_addr(&s, "", v->family, v->addr);
	sb(&s, "/%u", v->prefixlen);
	if (v->has_brd)
		sb_addr(&s, " brd ", AF_INET, v->brd);
	if (v->dev[0] != '\0')
		sb(&s, " dev %s", v->dev);
	if (v->scope != 0)
		sb(&s, " scope %s", conf_rt_scope_name(v->scope, sc));
	if (v->label[0] != '\0')
		sb(&s, " label %s", v->label);
	if (v->has_peer)
		sb_addr(&s, " peer ", v->family, v->peer);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (v->ifa_flags & flags[i].f)
			sb(&s, " %s", flags[i].name);
	if (v->no_track)
		sb(&s, " no_track");
}
