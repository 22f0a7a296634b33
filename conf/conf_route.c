/* SPDX-License-Identifier: ISC */
/*
 * keepalived's address options (virtual_ipaddress lines, static_ipaddress),
 * virtual_routes / static_routes and virtual_rules / static_rules lines:
 * the common subset of "ip address/route/rule add", anything else refused
 * by name with the reason.
 */

#include <sys/socket.h>
#include <arpa/inet.h>

#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"
#include "conf/conf_lex.h"

/* A number in decimal or 0x hex, as iproute2 reads them. */
int
conf_rt_num(struct conf_parser *p, const char *kw, const char *s, uint32_t hi,
    uint32_t *out)
{
	char r[CONF_REPR_MAX], *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (*s == '\0' || *s == '-' || *s == '+' || *end != '\0' ||
	    errno != 0 || v > hi) {
		conf_perr(p, "%s: \"%s\" is not a number in 0..%u", kw,
		    CONF_REPR(r, s), hi);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static const struct { const char *name; uint8_t v; } scopes[] = {
	{ "global", RT_SCOPE_UNIVERSE }, { "universe", RT_SCOPE_UNIVERSE },
	{ "site", RT_SCOPE_SITE }, { "link", RT_SCOPE_LINK },
	{ "host", RT_SCOPE_HOST }, { "nowhere", RT_SCOPE_NOWHERE },
};

int
conf_rt_scope(struct conf_parser *p, const char *kw, const char *s, uint8_t *out)
{
	uint32_t v;
	size_t i;

	for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
		if (!strcmp(s, scopes[i].name)) {
			*out = scopes[i].v;
			return 0;
		}
	if (conf_rt_num(p, kw, s, 255, &v) < 0)
		return -1;
	*out = (uint8_t)v;
	return 0;
}

const char *
conf_rt_scope_name(uint8_t v, char *buf)
{
	size_t i;

	for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
		if (scopes[i].v == v)
			return scopes[i].name;
	sprintf(buf, "%u", v);
	return buf;
}

/* A table number, or main/local/default: vipd reads no rt_tables file. */
int
conf_rt_table(struct conf_parser *p, const char *kw, const char *s, uint32_t *out)
{
	char r[CONF_REPR_MAX];

	if (!strcmp(s, "main"))
		*out = RT_TABLE_MAIN;
	else if (!strcmp(s, "local"))
		*out = RT_TABLE_LOCAL;
	else if (!strcmp(s, "default"))
		*out = RT_TABLE_DEFAULT;
	else if (s[0] >= '0' && s[0] <= '9') {
		if (conf_rt_num(p, kw, s, UINT32_MAX, out) < 0)
			return -1;
		if (*out == 0) {
			conf_perr(p, "%s: table 0 is not a table", kw);
			return -1;
		}
	} else {
		conf_perr(p, "%s: table \"%s\": give its number (vipd does "
		    "not read /etc/iproute2/rt_tables)", kw, CONF_REPR(r, s));
		return -1;
	}
	return 0;
}

int
conf_rt_host(struct conf_parser *p, const char *kw, const char *s, int *family,
    uint8_t addr[16])
{
	char r[CONF_REPR_MAX];

	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, addr) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, s, addr) == 1)
		*family = AF_INET6;
	else {
		conf_perr(p, "%s: \"%s\" is not an IPv4 or IPv6 address", kw,
		    CONF_REPR(r, s));
		return -1;
	}
	return 0;
}

/*
 * ADDR[/LEN], "default" or "all" (family 0: either). Host bits under the
 * prefix are refused as the kernel refuses them.
 */
int
conf_rt_prefix(struct conf_parser *p, const char *kw, const char *s, int *family,
    uint8_t addr[16], uint8_t *len)
{
	char r[CONF_REPR_MAX], a[64];
	const char *slash = strchr(s, '/');
	size_t alen = slash != NULL ? (size_t)(slash - s) : strlen(s), i;
	uint32_t plen, max;

	memset(addr, 0, 16);
	if (!strcmp(s, "default") || !strcmp(s, "all")) {
		*family = 0;
		*len = 0;
		return 0;
	}
	if (alen >= sizeof(a))
		alen = sizeof(a) - 1;
	memcpy(a, s, alen);
	a[alen] = '\0';
	if (conf_rt_host(p, kw, a, family, addr) < 0)
		return -1;
	max = *family == AF_INET ? 32 : 128;
	plen = max;
	if (slash != NULL && (conf_lex_uint(slash + 1, &plen) != 0 ||
	    plen > max)) {
		conf_perr(p, "%s: \"%s\": prefix length must be 0..%u", kw,
		    CONF_REPR(r, s), max);
		return -1;
	}
	for (i = 0; i < max / 8; i++)
		if (addr[i] & (uint8_t)~(i < plen / 8 ? 0xff : i == plen / 8 ?
		    (0xff00 >> (plen % 8)) & 0xff : 0)) {
			conf_perr(p, "%s: \"%s\" has bits set after the prefix "
			    "length", kw, CONF_REPR(r, s));
			return -1;
		}
	*len = (uint8_t)plen;
	return 0;
}

/* The same family for every address of a line; 0 is "not yet known". */
int
conf_rt_family(struct conf_parser *p, const char *kw, int *fam, int f)
{
	if (f == 0 || *fam == f || *fam == 0) {
		if (f != 0)
			*fam = f;
		return 0;
	}
	conf_perr(p, "%s: IPv4 and IPv6 addresses mixed on one line", kw);
	return -1;
}

/* The value after option st->argv[*i]; NULL (reported) if none. */
const char *
conf_rt_value(struct conf_parser *p, const char *kw, const struct conf_stmt *st,
    size_t *i)
{
	if (*i + 1 >= st->argc) {
		conf_perr(p, "%s: \"%s\" needs a value", kw, st->argv[*i]);
		return NULL;
	}
	return st->argv[++*i];
}

bool
conf_rt_in(const char *w, const char *const *list)
{
	for (; *list != NULL; list++)
		if (!strcmp(w, *list))
			return true;
	return false;
}

/* ---- address options -------------------------------------------------- */

static const struct { const char *name; uint32_t flag; } addr_flags[] = {
	{ "home", IFA_F_HOMEADDRESS }, { "-nodad", IFA_F_NODAD },
	{ "nodad", IFA_F_NODAD }, { "mngtmpaddr", IFA_F_MANAGETEMPADDR },
	{ "noprefixroute", IFA_F_NOPREFIXROUTE },
	{ "autojoin", IFA_F_MCAUTOJOIN },
};

static int
addr_brd(struct conf_parser *p, const char *kw, const char *s,
    struct conf_vip *v)
{
	int f;
	uint8_t a[16];
	uint32_t m, h;

	if (v->family != AF_INET) {
		conf_perr(p, "%s: \"brd\" is for IPv4 addresses only", kw);
		return -1;
	}
	if (!strcmp(s, "-")) {
		v->has_brd = false;
		return 0;
	}
	if (!strcmp(s, "+")) {		/* the address with host bits set */
		memcpy(&h, v->addr, 4);
		m = v->prefixlen == 0 ? 0 : htonl(~0u << (32 - v->prefixlen));
		h |= ~m;
		memcpy(v->brd, &h, 4);
		v->has_brd = true;
		return 0;
	}
	if (conf_rt_host(p, kw, s, &f, a) < 0)
		return -1;
	if (f != AF_INET) {
		conf_perr(p, "%s: brd \"%s\" is not an IPv4 address", kw, s);
		return -1;
	}
	memcpy(v->brd, a, 4);
	v->has_brd = true;
	return 0;
}

/* A label: 1..15 printable characters without blanks or quotes. */
static int
label_val(struct conf_parser *p, const char *kw, const char *s, char *dst)
{
	char r[CONF_REPR_MAX];
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] >= 0x7f ||
		    s[i] == '"' || s[i] == '\'' || s[i] == '\\')
			break;
	if (n == 0 || n >= CONF_IFNAME_MAX || i < n) {
		conf_perr(p, "%s: label \"%s\" is not 1..15 printable "
		    "characters", kw, CONF_REPR(r, s));
		return -1;
	}
	memcpy(dst, s, n + 1);
	return 0;
}

static int
addr_valued(struct conf_parser *p, const char *kw, const char *o,
    const char *s, struct conf_vip *v)
{
	char r[CONF_REPR_MAX];
	uint8_t a[16];
	int f;

	if (!strcmp(o, "brd") || !strcmp(o, "broadcast"))
		return addr_brd(p, kw, s, v);
	if (!strcmp(o, "scope"))
		return conf_rt_scope(p, kw, s, &v->scope);
	if (!strcmp(o, "label")) {
		if (v->family != AF_INET) {
			conf_perr(p, "%s: \"label\" is for IPv4 addresses only",
			    kw);
			return -1;
		}
		return label_val(p, kw, s, v->label);
	}
	if (!strcmp(o, "peer")) {
		if (conf_rt_host(p, kw, s, &f, a) < 0)
			return -1;
		if (f != v->family) {
			conf_perr(p, "%s: peer \"%s\" is not of the address's "
			    "family", kw, CONF_REPR(r, s));
			return -1;
		}
		memcpy(v->peer, a, 16);
		v->has_peer = true;
		return 0;
	}
	/* preferred_lft */
	if (strcmp(s, "forever") != 0) {
		conf_perr(p, "%s: \"preferred_lft %s\" is not supported: vipd "
		    "keeps its addresses preferred while it holds them "
		    "(preferred_lft forever)", kw, CONF_REPR(r, s));
		return -1;
	}
	return 0;
}

int
conf_route_addr_opts(struct conf_parser *p, const char *kw,
    const struct conf_stmt *st, struct conf_vip *v)
{
	static const char *const valued[] = { "brd", "broadcast", "scope",
	    "label", "peer", "preferred_lft", NULL };
	char r[CONF_REPR_MAX], dkw[64];
	const char *o, *s;
	size_t i, j;

	for (i = 1; i < st->argc; i++) {
		o = st->argv[i];
		for (j = 0; j < sizeof(addr_flags) / sizeof(addr_flags[0]);
		    j++)
			if (!strcmp(o, addr_flags[j].name))
				break;
		if (j < sizeof(addr_flags) / sizeof(addr_flags[0])) {
			v->ifa_flags |= addr_flags[j].flag;
		} else if (!strcmp(o, "no_track")) {
			v->no_track = true;
		} else if (!strcmp(o, "dev")) {
			if (i + 1 >= st->argc) {
				conf_perr(p, "%s: \"dev\" needs an interface "
				    "name", kw);
				return -1;
			}
			s = st->argv[++i];
			if (v->dev[0] != '\0') {
				conf_perr(p, "%s: \"dev\" given twice", kw);
				return -1;
			}
			snprintf(dkw, sizeof(dkw), "%s: dev", kw);
			if (conf_val_ifname(p, dkw, s, v->dev) < 0)
				return -1;
		} else if (conf_rt_in(o, valued)) {
			if ((s = conf_rt_value(p, kw, st, &i)) == NULL ||
			    addr_valued(p, kw, o, s, v) < 0)
				return -1;
		} else if (!strcmp(o, "use_vmac") || !strcmp(o, "track_group")) {
			conf_perr(p, "%s: option \"%s\" on an address line is "
			    "not supported by vipd", kw, o);
			return -1;
		} else {
			conf_perr(p, "%s: unknown option \"%s\"", kw,
			    CONF_REPR(r, o));
			return -1;
		}
	}
	return 0;
}

void
conf_route_check_label(struct conf_parser *p, const char *file,
    const char *kw, const struct conf_vip *v, const char *dev)
{
	size_t n = strlen(dev);

	if (v->label[0] == '\0' || dev[0] == '\0' ||
	    (!strncmp(v->label, dev, n) && (v->label[n] == '\0' ||
	    v->label[n] == ':')))
		return;
	conf_perr_at(p, file, v->line, "%s: label \"%s\" must be \"%s\" or "
	    "start with \"%s:\" (as \"ip address\" requires)", kw, v->label,
	    dev, dev);
}

/* ---- routes ----------------------------------------------------------- */

static const struct { const char *name; uint8_t v; } rtypes[] = {
	{ "unicast", RTN_UNICAST }, { "blackhole", RTN_BLACKHOLE },
	{ "unreachable", RTN_UNREACHABLE }, { "prohibit", RTN_PROHIBIT },
	{ "throw", RTN_THROW },
};

/* keepalived route options vipd leaves out, and why. */
static const char *
route_refused(const char *w)
{
	static const char *const metrics[] = { "advmss", "rtt", "rttvar",
	    "reordering", "window", "cwnd", "ssthresh", "rto_min",
	    "initcwnd", "initrwnd", "features", "quickack", "congctl",
	    "hoplimit", "fastopen_no_cookie", "realms", "realm", "pref",
	    "expires", "lock", NULL };

	if (!strcmp(w, "nexthop") || !strcmp(w, "or"))
		return "multipath routes are not supported by vipd";
	if (!strcmp(w, "protocol") || !strcmp(w, "proto"))
		return "vipd marks the routes it installs with protocol 118 "
		    "to recognise them; no other protocol can be set";
	if (!strcmp(w, "track_group"))
		return "track groups are not supported by vipd";
	if (!strcmp(w, "vrf") || !strcmp(w, "encap") || !strcmp(w, "via6"))
		return "VRFs and encapsulated routes are not supported by vipd";
	if (!strcmp(w, "local") || !strcmp(w, "broadcast") ||
	    !strcmp(w, "multicast") || !strcmp(w, "anycast") ||
	    !strcmp(w, "nat"))
		return "vipd installs unicast, blackhole, unreachable, "
		    "prohibit and throw routes only";
	if (conf_rt_in(w, metrics))
		return "route metrics other than mtu are not supported by vipd "
		    "(supported: src to "
		    "via/gw dev scope table metric tos onlink mtu append "
		    "no_track inet6 and the route types)";
	return NULL;
}

static int
route_type(const char *w, uint8_t *t)
{
	size_t i;

	for (i = 0; i < sizeof(rtypes) / sizeof(rtypes[0]); i++)
		if (!strcmp(w, rtypes[i].name)) {
			*t = rtypes[i].v;
			return 0;
		}
	return -1;
}

static int
route_opt(struct conf_parser *p, const char *kw, const struct conf_stmt *st,
    size_t *i, struct conf_route *r, int *fam)
{
	const char *o = st->argv[*i], *s;
	uint32_t v;
	int f;

	if ((s = conf_rt_value(p, kw, st, i)) == NULL)
		return -1;
	if (!strcmp(o, "src")) {
		r->has_src = true;
		return conf_rt_host(p, kw, s, &f, r->src) < 0 ? -1 :
		    conf_rt_family(p, kw, fam, f);
	}
	if (!strcmp(o, "via") || !strcmp(o, "gw")) {
		r->has_gw = true;
		return conf_rt_host(p, kw, s, &f, r->gw) < 0 ? -1 :
		    conf_rt_family(p, kw, fam, f);
	}
	if (!strcmp(o, "dev") || !strcmp(o, "oif"))
		return conf_val_ifname(p, kw, s, r->dev);
	if (!strcmp(o, "scope")) {
		r->has_scope = true;
		return conf_rt_scope(p, kw, s, &r->scope);
	}
	if (!strcmp(o, "table"))
		return conf_rt_table(p, kw, s, &r->table);
	if (!strcmp(o, "tos") || !strcmp(o, "dsfield")) {
		if (conf_rt_num(p, kw, s, 255, &v) < 0)
			return -1;
		r->tos = (uint8_t)v;
		return 0;
	}
	if (!strcmp(o, "mtu"))
		return conf_rt_num(p, kw, s, UINT32_MAX, &r->mtu);
	/* metric, priority, preference */
	r->has_metric = true;
	return conf_rt_num(p, kw, s, UINT32_MAX, &r->metric);
}

static int
route_words(struct conf_parser *p, const char *kw, const struct conf_stmt *st,
    struct conf_route *r, int *fam, bool *has_dst)
{
	static const char *const valued[] = { "src", "via", "gw", "dev",
	    "oif", "scope", "table", "tos", "dsfield", "mtu", "metric",
	    "priority", "preference", NULL };
	char rr[CONF_REPR_MAX];
	const char *w, *why;
	size_t i;
	int f;

	for (i = 0; i < st->argc; i++) {
		w = st->argv[i];
		if (conf_rt_in(w, valued)) {
			if (route_opt(p, kw, st, &i, r, fam) < 0)
				return -1;
		} else if (route_type(w, &r->type) == 0) {
			continue;
		} else if (!strcmp(w, "onlink")) {
			r->onlink = true;
		} else if (!strcmp(w, "append")) {
			r->append = true;
		} else if (!strcmp(w, "prepend")) {
			r->append = false;
		} else if (!strcmp(w, "no_track")) {
			r->no_track = true;
		} else if (!strcmp(w, "inet6") || !strcmp(w, "inet")) {
			if (conf_rt_family(p, kw, fam, w[4] == '6' ? AF_INET6 :
			    AF_INET) < 0)
				return -1;
		} else if ((why = route_refused(w)) != NULL) {
			conf_perr(p, "%s: \"%s\": %s", kw, w, why);
			return -1;
		} else if (!*has_dst && (!strcmp(w, "to") || strchr(w, '.') ||
		    strchr(w, ':') || !strcmp(w, "default"))) {
			if (!strcmp(w, "to") && (w = conf_rt_value(p, kw, st, &i)) ==
			    NULL)
				return -1;
			if (conf_rt_prefix(p, kw, w, &f, r->dst, &r->dst_len) < 0 ||
			    conf_rt_family(p, kw, fam, f) < 0)
				return -1;
			*has_dst = true;
		} else {
			conf_perr(p, "%s: unknown option \"%s\"", kw,
			    CONF_REPR(rr, w));
			return -1;
		}
	}
	return 0;
}

static bool
route_special(const struct conf_route *r)
{
	return r->type != 0 && r->type != RTN_UNICAST;
}

/* Checks that need the whole line; 0 or -1 (reported). */
static int
route_check(struct conf_parser *p, const char *kw, struct conf_route *r,
    bool has_dst)
{
	if (!has_dst) {
		conf_perr(p, "%s: no destination (a prefix or \"default\")",
		    kw);
		return -1;
	}
	if (route_special(r) && (r->has_gw || r->dev[0] != '\0')) {
		conf_perr(p, "%s: a blackhole, unreachable, prohibit or throw "
		    "route takes neither via/gw nor dev", kw);
		return -1;
	}
	if (!route_special(r) && !r->has_gw && r->dev[0] == '\0') {
		conf_perr(p, "%s: the route needs \"via ADDR\" or \"dev "
		    "IFNAME\"", kw);
		return -1;
	}
	if (r->onlink && !r->has_gw) {
		conf_perr(p, "%s: \"onlink\" needs a gateway (via/gw)", kw);
		return -1;
	}
	return 0;
}

void *
conf_rt_push(struct conf_parser *p, const char *kw, void *arr, size_t *n,
    const void *item, size_t size)
{
	char *na;

	if (*n == CONF_ROUTES_MAX) {
		conf_perr(p, "%s: more than %d lines", kw, CONF_ROUTES_MAX);
		return NULL;
	}
	if ((na = reallocarray(arr, *n + 1, size)) == NULL) {
		conf_perr(p, "out of memory");
		return NULL;
	}
	memcpy(na + *n * size, item, size);
	(*n)++;
	return na;
}

void
conf_route_route_line(struct conf_parser *p, const struct conf_stmt *st,
    bool is_static)
{
	const char *kw = is_static ? "static_routes" : "virtual_routes";
	struct conf_route r, **list;
	size_t *n;
	bool has_dst = false;
	int fam = 0;
	void *na;

	memset(&r, 0, sizeof(r));
	r.line = st->line;
	if (route_words(p, kw, st, &r, &fam, &has_dst) < 0 ||
	    route_check(p, kw, &r, has_dst) < 0)
		return;
	r.family = fam != 0 ? fam : AF_INET;
	if (is_static) {
		list = &p->conf->static_routes;
		n = &p->conf->nstatic_routes;
	} else {
		list = &conf_cur_inst(p)->routes;
		n = &conf_cur_inst(p)->nroutes;
	}
	if ((na = conf_rt_push(p, kw, *list, n, &r, sizeof(r))) != NULL)
		*list = na;
}
