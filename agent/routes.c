/* SPDX-License-Identifier: ISC */
/* Routes, rules and static addresses that vipd installs and removes. */
#include <net/if.h>

#include <linux/rtnetlink.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent/routes.h"
#include "agent/vipd.h"
#include "lib/log.h"
#include "netlink/nl.h"

/* vipd's address protocol: as the VIPs' (IFA_PROTO, Linux 6.1+). */
#define ROUTES_ADDR_PROTO	0x76

enum own {
	OWN_NO,		/* not installed (or removed) */
	OWN_YES,	/* installed by vipd */
	OWN_FOREIGN,	/* an identical one exists, not vipd's: left alone */
	OWN_FAILED,	/* the kernel refused it: retried at the next up */
};

static const char *const own_names[] = {
	[OWN_NO] = "absent", [OWN_YES] = "installed",
	[OWN_FOREIGN] = "foreign", [OWN_FAILED] = "failed",
};

struct vipd_routes {
	const char *who;
	const struct conf_vip *addrs;
	size_t naddrs;
	const struct conf_route *routes;
	size_t nroutes;
	const struct conf_rule *rules;
	size_t nrules;
	uint8_t *own;		/* addrs, then routes, then rules */
};

struct vipd_routes *
vipd_routes_new(const char *who, const struct conf_vip *addrs, size_t naddrs,
    const struct conf_route *routes, size_t nroutes,
    const struct conf_rule *rules, size_t nrules)
{
	struct vipd_routes *r = calloc(1, sizeof(*r));
	size_t n = naddrs + nroutes + nrules;

	if (r == NULL)
		return NULL;
	if ((r->own = calloc(n ? n : 1, 1)) == NULL) {
		free(r);
		return NULL;
	}
	*r = (struct vipd_routes){ who, addrs, naddrs, routes, nroutes,
	    rules, nrules, r->own };
	return r;
}

void
vipd_routes_free(struct vipd_routes *r)
{
	if (r == NULL)
		return;
	free(r->own);
	free(r);
}

bool
vipd_routes_empty(const struct vipd_routes *r)
{
	return r == NULL || r->naddrs + r->nroutes + r->nrules == 0;
}

void
vipd_addr_opts(const struct conf_vip *cv, struct nl_addr_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->scope = cv->scope;
	o->has_brd = cv->has_brd;
	memcpy(o->brd, cv->brd, sizeof(o->brd));
	o->has_peer = cv->has_peer;
	memcpy(o->peer, cv->peer, sizeof(o->peer));
	memcpy(o->label, cv->label, sizeof(o->label));
	o->flags = cv->ifa_flags;
}

/* The kernel's objects of the set; -1 (ENODEV) if a device is missing. */
static int
to_route(const struct conf_route *c, struct nl_route *r)
{
	memset(r, 0, sizeof(*r));
	r->family = c->family;
	memcpy(r->dst, c->dst, 16);
	r->dst_len = c->dst_len;
	r->has_src = c->has_src;
	memcpy(r->src, c->src, 16);
	r->has_gw = c->has_gw;
	memcpy(r->gw, c->gw, 16);
	if (c->dev[0] != '\0' &&
	    (r->ifindex = (int)if_nametoindex(c->dev)) == 0) {
		errno = ENODEV;
		return -1;
	}
	r->table = c->table;
	r->has_metric = c->has_metric;
	r->metric = c->metric;
	r->type = c->type;
	r->tos = c->tos;
	r->onlink = c->onlink;
	r->mtu = c->mtu;
	r->append = c->append;
	r->scope = c->has_scope ? c->scope : nl_route_scope(r);
	return 0;
}

static void
to_rule(const struct conf_rule *c, struct nl_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->family = c->family;
	r->has_src = c->has_src;
	memcpy(r->src, c->src, 16);
	r->src_len = c->src_len;
	r->has_dst = c->has_dst;
	memcpy(r->dst, c->dst, 16);
	r->dst_len = c->dst_len;
	r->table = c->table;
	r->action = c->action;
	r->has_priority = c->has_priority;
	r->priority = c->priority;
	memcpy(r->iif, c->iif, sizeof(r->iif));
	memcpy(r->oif, c->oif, sizeof(r->oif));
	r->has_fwmark = c->has_fwmark;
	r->fwmark = c->fwmark;
	r->fwmask = c->fwmask;
	r->tos = c->tos;
	r->invert = c->invert;
}

/* Item i of the set: its line, and add (true) or delete it. */
static void
item_str(const struct vipd_routes *r, size_t i, char *buf, size_t len)
{
	if (i < r->naddrs)
		conf_vip_str(&r->addrs[i], buf, len);
	else if ((i -= r->naddrs) < r->nroutes)
		conf_route_str(&r->routes[i], buf, len);
	else
		conf_rule_str(&r->rules[i - r->nroutes], buf, len);
}

static const char *
item_kind(const struct vipd_routes *r, size_t i)
{
	return i < r->naddrs ? "address" : i < r->naddrs + r->nroutes ?
	    "route" : "rule";
}

static int
addr_exec(struct vipd *v, const struct conf_vip *cv, bool add)
{
	struct nl_addr_opts o;
	struct nl_addr a = { .family = cv->family,
			     .prefixlen = cv->prefixlen };
	int ifx = (int)if_nametoindex(cv->dev);

	if (ifx == 0) {
		errno = ENODEV;
		return -1;
	}
	memcpy(a.addr, cv->addr, 16);
	vipd_addr_opts(cv, &o);
	o.proto = ROUTES_ADDR_PROTO;
	o.excl = true;		/* permanent, and never over someone's */
	return nl_addr_exec(v->nl, add, ifx, &a, 0, &o);
}

/* Add or delete item i with vipd's protocol: 0, or -1 with errno. */
static int
item_exec(struct vipd *v, const struct vipd_routes *r, size_t i, bool add)
{
	struct nl_route rt;
	struct nl_rule ru;

	if (i < r->naddrs)
		return addr_exec(v, &r->addrs[i], add);
	if ((i -= r->naddrs) < r->nroutes) {
		if (to_route(&r->routes[i], &rt) < 0)
			return -1;
		return nl_route_exec(v->nl, add, &rt, NL_PROTO_VIPD);
	}
	to_rule(&r->rules[i - r->nroutes], &ru);
	return nl_rule_exec(v->nl, add, &ru, NL_PROTO_VIPD);
}

static bool
gone(int err)
{
	return err == ESRCH || err == ENOENT || err == EADDRNOTAVAIL ||
	    err == ENODEV;
}

/*
 * The kernel says an identical one exists. A route or rule of ours (left by
 * an earlier vipd, or still there) goes with a delete naming our protocol;
 * then ours is installed again. Anything else is someone else's.
 */
static enum own
resolve_exists(struct vipd *v, const struct vipd_routes *r, size_t i)
{
	if (i < r->naddrs || item_exec(v, r, i, false) < 0)
		return OWN_FOREIGN;
	return item_exec(v, r, i, true) == 0 ? OWN_YES : OWN_FAILED;
}

static void
up_one(struct vipd *v, struct vipd_routes *r, size_t i, bool recheck)
{
	char line[CONF_LINE_MAX];
	enum own was = r->own[i], now;

	if ((was == OWN_YES || was == OWN_FOREIGN) && !recheck)
		return;
	item_str(r, i, line, sizeof(line));
	if (item_exec(v, r, i, true) == 0)
		now = OWN_YES;
	else if (errno == EEXIST)
		now = was == OWN_YES ? OWN_YES : resolve_exists(v, r, i);
	else {
		/* Retried at each refresh: said once, not every second. */
		if (was != OWN_FAILED)
			log_warn("%s: cannot add %s %s", r->who,
			    item_kind(r, i), line);
		r->own[i] = OWN_FAILED;
		return;
	}
	r->own[i] = (uint8_t)now;
	if (now == OWN_YES && was != OWN_YES)
		log_info("%s: added %s %s", r->who, item_kind(r, i), line);
	else if (now == OWN_FOREIGN && was != OWN_FOREIGN)
		log_warnx("%s: %s %s exists and was not installed by vipd; "
		    "left alone (and never removed)", r->who, item_kind(r, i),
		    line);
	else if (now == OWN_FAILED && was != OWN_FAILED)
		log_warn("%s: cannot replace leftover %s %s", r->who,
		    item_kind(r, i), line);
}

void
vipd_routes_up(struct vipd *v, struct vipd_routes *r, bool recheck)
{
	size_t i;

	for (i = 0; r != NULL && i < r->naddrs + r->nroutes + r->nrules; i++)
		up_one(v, r, i, recheck);
}

void
vipd_routes_down(struct vipd *v, struct vipd_routes *r)
{
	char line[CONF_LINE_MAX];
	size_t i;

	for (i = r != NULL ? r->naddrs + r->nroutes + r->nrules : 0; i-- > 0;) {
		if (r->own[i] != OWN_YES) {
			r->own[i] = OWN_NO;
			continue;
		}
		r->own[i] = OWN_NO;
		item_str(r, i, line, sizeof(line));
		if (item_exec(v, r, i, false) == 0)
			log_info("%s: removed %s %s", r->who, item_kind(r, i),
			    line);
		else if (!gone(errno))
			log_warn("%s: cannot remove %s %s", r->who,
			    item_kind(r, i), line);
	}
}

void
vipd_routes_sweep(struct vipd *v, struct vipd_routes *r)
{
	char line[CONF_LINE_MAX];
	size_t i;

	for (i = r != NULL ? r->naddrs + r->nroutes + r->nrules : 0;
	    i-- > r->naddrs;) {
		if (item_exec(v, r, i, false) < 0)
			continue;
		item_str(r, i, line, sizeof(line));
		log_info("%s: removed leftover %s %s", r->who,
		    item_kind(r, i), line);
	}
}

json_t *
vipd_routes_json(const struct vipd_routes *r)
{
	json_t *a = json_array();
	char line[CONF_LINE_MAX];
	size_t i;

	for (i = 0; r != NULL && i < r->naddrs + r->nroutes + r->nrules;
	    i++) {
		item_str(r, i, line, sizeof(line));
		json_array_append_new(a, json_pack("{s:s,s:s,s:s}",
		    "kind", item_kind(r, i), "line", line,
		    "state", own_names[r->own[i]]));
	}
	return a;
}

/* Find item i of old in r (same kind, same line) not yet claimed. */
static size_t
find_same(const struct vipd_routes *old, size_t i, const struct vipd_routes *r)
{
	char a[CONF_LINE_MAX], b[CONF_LINE_MAX];
	size_t k, n = r->naddrs + r->nroutes + r->nrules;

	item_str(old, i, a, sizeof(a));
	for (k = 0; k < n; k++) {
		if (r->own[k] != OWN_NO ||
		    strcmp(item_kind(old, i), item_kind(r, k)) != 0)
			continue;
		item_str(r, k, b, sizeof(b));
		if (strcmp(a, b) == 0)
			return k;
	}
	return n;
}

struct vipd_routes *
vipd_routes_reload(struct vipd *v, struct vipd_routes *old, const char *who,
    const struct conf_vip *addrs, size_t naddrs,
    const struct conf_route *routes, size_t nroutes,
    const struct conf_rule *rules, size_t nrules, bool up)
{
	struct vipd_routes *r = vipd_routes_new(who, addrs, naddrs, routes,
	    nroutes, rules, nrules);
	size_t i, k, n = old != NULL ? old->naddrs + old->nroutes +
	    old->nrules : 0;

	if (r == NULL)
		log_warn("%s: reload of routes", who);
	for (i = 0; r != NULL && i < n; i++) {
		if (old->own[i] == OWN_NO)
			continue;
		if ((k = find_same(old, i, r)) < naddrs + nroutes + nrules) {
			r->own[k] = old->own[i];
			old->own[i] = OWN_NO;
		}
	}
	vipd_routes_down(v, old);	/* what the new set no longer has */
	vipd_routes_free(old);
	if (up)
		vipd_routes_up(v, r, false);
	return r;
}
