/* SPDX-License-Identifier: ISC */
/* Address keywords: virtual addresses, unicast peers, tracked interfaces. */

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"
#include "conf/conf_lex.h"

static const char *
family_name(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

static bool
is_unicast(int family, const uint8_t *a)
{
	static const uint8_t zero[16];

	if (family == AF_INET)	/* 0.0.0.0, multicast, 240/4, broadcast */
		return memcmp(a, zero, 4) != 0 && a[0] < 224;
	return memcmp(a, zero, 16) != 0 && a[0] != 0xff;
}

/* The first @len bytes of @s as an address: 0, or -1. */
static int
parse_ip(const char *s, size_t len, int *family, uint8_t addr[16])
{
	char a[INET6_ADDRSTRLEN];

	if (len >= sizeof(a))
		return -1;
	memset(addr, 0, 16);
	memcpy(a, s, len);
	a[len] = '\0';
	if (inet_pton(AF_INET, a, addr) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, a, addr) == 1)
		*family = AF_INET6;
	else
		return -1;
	return 0;
}

static const char *
addr_str(char *buf, int family, const uint8_t *addr)
{
	if (inet_ntop(family, addr, buf, INET6_ADDRSTRLEN) == NULL)
		strcpy(buf, "?");
	return buf;
}

int
conf_addr_host(struct conf_parser *p, const char *kw, const char *s,
    int *family, uint8_t addr[16])
{
	char r[CONF_REPR_MAX];
	uint8_t a[16];
	int f;

	if (parse_ip(s, strlen(s), &f, a) < 0) {
		conf_perr(p, "%s: \"%s\" is not an IPv4 or IPv6 address", kw,
		    CONF_REPR(r, s));
		return -1;
	}
	if (!is_unicast(f, a)) {
		conf_perr(p, "%s: \"%s\" is not a unicast address", kw,
		    CONF_REPR(r, s));
		return -1;
	}
	*family = f;
	memcpy(addr, a, 16);
	return 0;
}

/* ADDR[/LEN] into @v (family, addr, prefixlen). */
int
conf_addr_vip_parse(struct conf_parser *p, const char *kw, const char *s,
    struct conf_vip *v)
{
	char r[CONF_REPR_MAX];
	const char *slash = strchr(s, '/');
	size_t alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	uint32_t plen, max;

	if (parse_ip(s, alen, &v->family, v->addr) < 0) {
		conf_perr(p, "%s: \"%s\" is not an IPv4 or IPv6 address", kw,
		    CONF_REPR(r, s));
		return -1;
	}
	max = v->family == AF_INET ? 32 : 128;
	plen = max;
	if (slash != NULL && (conf_lex_uint(slash + 1, &plen) != 0 ||
	    plen < 1 || plen > max)) {
		conf_perr(p, "%s: \"%s\": prefix length must be 1..%u", kw,
		    CONF_REPR(r, s), max);
		return -1;
	}
	v->prefixlen = (uint8_t)plen;
	if (!is_unicast(v->family, v->addr)) {
		conf_perr(p, "%s: \"%s\" is not a unicast address", kw,
		    CONF_REPR(r, s));
		return -1;
	}
	return 0;
}

/* @arr of @n items of @size with @item appended, or NULL (reported). */
static void *
append(struct conf_parser *p, void *arr, size_t n, const void *item,
    size_t size)
{
	char *na = reallocarray(arr, n + 1, size);

	if (na == NULL) {
		conf_perr(p, "out of memory");
		return NULL;
	}
	memcpy(na + n * size, item, size);
	return na;
}

/*
 * One line of virtual_ipaddress or virtual_ipaddress_excluded:
 * ADDR[/LEN] [options], see conf_route_addr_opts().  The excluded ones may
 * be of either family.
 */
void
conf_addr_vip_line(struct conf_parser *p, const struct conf_stmt *st,
    bool excluded)
{
	struct conf_instance *in = conf_cur_inst(p);
	const char *kw = excluded ? "virtual_ipaddress_excluded" :
	    "virtual_ipaddress";
	struct conf_vip v, *nl, **list = excluded ? &in->excluded : &in->vips;
	size_t i, *n = excluded ? &in->nexcluded : &in->nvips;
	size_t max = excluded ? CONF_EXCLUDED_MAX : CONF_VIPS_MAX;
	char r[CONF_REPR_MAX];

	memset(&v, 0, sizeof(v));
	v.line = st->line;
	if (conf_addr_vip_parse(p, kw, st->argv[0], &v) < 0 ||
	    conf_route_addr_opts(p, kw, st, &v) < 0)
		return;
	if (!excluded && in->nvips > 0 && v.family != in->family) {
		conf_perr(p, "%s: \"%s\" is %s but this instance's addresses "
		    "are %s (one family per vrrp_instance)", kw,
		    CONF_REPR(r, st->argv[0]), family_name(v.family),
		    family_name(in->family));
		return;
	}
	for (i = 0; i < *n; i++)
		if ((*list)[i].family == v.family &&
		    !memcmp((*list)[i].addr, v.addr, sizeof(v.addr))) {
			/* keepalived 2.2.7 warns and drops the copy. */
			conf_pwarn(p, "%s: \"%s\" is listed twice (first at "
			    "line %d), the copy is ignored (as keepalived does)",
			    kw, CONF_REPR(r, st->argv[0]), (*list)[i].line);
			return;
		}
	if (*n == max) {
		conf_perr(p, "%s: more than %zu addresses", kw, max);
		return;
	}
	if ((nl = append(p, *list, *n, &v, sizeof(v))) == NULL)
		return;
	*list = nl;
	(*n)++;
	if (!excluded)
		in->family = v.family;
}

/*
 * keepalived's [min_ttl N] [max_ttl N] after a peer.  Unlike keepalived,
 * a peer without them must be on-link (255): a routed peer is allowed only
 * by saying how many hops it is away.
 */
static int
peer_ttl_opts(struct conf_parser *p, const struct conf_stmt *st,
    struct conf_peer *peer, bool *given)
{
	char r[CONF_REPR_MAX];
	bool min_seen = false, max_seen = false;
	uint32_t v;
	size_t i;

	peer->min_ttl = peer->max_ttl = 255;
	*given = st->argc > 1;
	if (st->nwords > st->argc) {
		conf_perr(p, "unicast_peer: too many words");
		return -1;
	}
	for (i = 1; i < st->argc; i += 2) {
		bool is_min = !strcmp(st->argv[i], "min_ttl");

		if (!is_min && strcmp(st->argv[i], "max_ttl")) {
			conf_perr(p, "unicast_peer: unknown option \"%s\"",
			    CONF_REPR(r, st->argv[i]));
			return -1;
		}
		if (i + 1 >= st->argc) {
			conf_perr(p, "unicast_peer: %s needs a value",
			    st->argv[i]);
			return -1;
		}
		if (conf_val_uint(p, st->argv[i], st->argv[i + 1], 0, 255,
		    &v) < 0)
			return -1;
		if (is_min) {
			peer->min_ttl = (uint8_t)v;
			min_seen = true;
		} else {
			peer->max_ttl = (uint8_t)v;
			max_seen = true;
		}
	}
	if (max_seen && !min_seen)
		peer->min_ttl = 0;	/* keepalived's default */
	if (peer->min_ttl > peer->max_ttl) {
		conf_perr(p, "unicast_peer: min_ttl %u > max_ttl %u: every "
		    "advert would be dropped", peer->min_ttl, peer->max_ttl);
		return -1;
	}
	return 0;
}

/* One line of unicast_peer: ADDR [min_ttl N] [max_ttl N]. */
void
conf_addr_peer_line(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_instance *in = conf_cur_inst(p);
	struct conf_peer peer, *np;
	char r[CONF_REPR_MAX];
	bool given;
	size_t i;

	memset(&peer, 0, sizeof(peer));
	peer.line = st->line;
	if (peer_ttl_opts(p, st, &peer, &given) < 0)
		return;
	if (conf_addr_host(p, "unicast_peer", st->argv[0], &peer.family,
	    peer.addr) < 0)
		return;
	if (!given)
		peer.min_ttl = conf_peer_min_ttl_default(peer.family);
	for (i = 0; i < in->npeers; i++)
		if (in->peers[i].family == peer.family &&
		    !memcmp(in->peers[i].addr, peer.addr, 16)) {
			conf_perr(p, "unicast_peer: \"%s\" is listed twice "
			    "(first at line %d)", CONF_REPR(r, st->argv[0]),
			    in->peers[i].line);
			return;
		}
	if (in->npeers == CONF_PEERS_MAX) {
		conf_perr(p, "unicast_peer: more than %d peers",
		    CONF_PEERS_MAX);
		return;
	}
	if ((np = append(p, in->peers, in->npeers, &peer, sizeof(peer))) !=
	    NULL) {
		in->peers = np;
		in->npeers++;
	}
}

/* One line of track_interface: IFNAME [weight N]. */
void
conf_addr_track_if_line(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_instance *in = conf_cur_inst(p);

	conf_addr_track_if_into(p, st, &in->track_ifs, &in->ntrack_ifs);
}

void
conf_addr_track_if_into(struct conf_parser *p, const struct conf_stmt *st,
    struct conf_track_if **v, size_t *n)
{
	struct conf_track_if t, *nt;
	char r[CONF_REPR_MAX];
	bool has = false;
	size_t i;

	memset(&t, 0, sizeof(t));
	t.line = st->line;
	if (conf_val_ifname(p, "track_interface", st->argv[0], t.name) < 0 ||
	    conf_kw_weight_opt(p, "track_interface", st, &t.weight, &has) < 0)
		return;
	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i].name, t.name)) {
			conf_perr(p, "track_interface: \"%s\" is listed twice "
			    "(first at line %d)", CONF_REPR(r, t.name),
			    (*v)[i].line);
			return;
		}
	if (*n == CONF_TRACK_IFS_MAX) {
		conf_perr(p, "track_interface: more than %d interfaces",
		    CONF_TRACK_IFS_MAX);
		return;
	}
	if ((nt = append(p, *v, *n, &t, sizeof(t))) != NULL) {
		*v = nt;
		(*n)++;
	}
}

int
conf_addr_kw_unicast_src(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_instance *in = conf_cur_inst(p);

	if (conf_addr_host(p, st->argv[0], st->argv[1],
	    &conf_cur_pinst(p)->src_family, in->unicast_src) == 0)
		in->has_unicast_src = true;
	return 0;
}

/* Addresses of the other family than the VIPs', known only at the end. */
static void
finish_families(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi)
{
	const struct conf_where *ps = &pi->seen[CONF_IK_PEERS];
	const struct conf_where *src = &pi->seen[CONF_IK_UNICAST_SRC];
	char a[INET6_ADDRSTRLEN];
	size_t i, j;

	if (in->has_unicast_src && pi->src_family != in->family)
		conf_perr_at(p, src->file, src->line, "unicast_src_ip: \"%s\" "
		    "is %s but this instance's addresses are %s",
		    addr_str(a, pi->src_family, in->unicast_src),
		    family_name(pi->src_family), family_name(in->family));
	for (i = 0; i < in->npeers; i++) {
		const struct conf_peer *pe = &in->peers[i];

		addr_str(a, pe->family, pe->addr);
		if (pe->family != in->family)
			conf_perr_at(p, ps->file, pe->line, "unicast_peer: "
			    "\"%s\" is %s but this instance's addresses are "
			    "%s", a, family_name(pe->family),
			    family_name(in->family));
		else if (in->has_unicast_src &&
		    !memcmp(pe->addr, in->unicast_src, 16))
			conf_perr_at(p, ps->file, pe->line, "unicast_peer: "
			    "\"%s\" is this instance's unicast_src_ip", a);
		for (j = 0; j < in->nvips; j++)
			if (pe->family == in->family &&
			    !memcmp(pe->addr, in->vips[j].addr, 16))
				conf_perr_at(p, ps->file, pe->line,
				    "unicast_peer: \"%s\" is one of this "
				    "instance's virtual addresses", a);
	}
}

void
conf_addr_finish(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi)
{
	const struct conf_where *ps = &pi->peers_at;
	const struct conf_where *ex = &pi->seen[CONF_IK_EXCLUDED];
	char a[INET6_ADDRSTRLEN];
	size_t i, j;

	if (ps->line != 0 && pi->peer_lines == 0)
		conf_perr_at(p, ps->file, ps->line, "unicast_peer: no peers; "
		    "vipd never falls back to multicast");
	in->unicast = in->npeers > 0;
	if (in->nvips > 0)
		finish_families(p, in, pi);
	conf_route_check_src(p, in, pi->seen[CONF_IK_VROUTES].file);
	for (i = 0; i < in->nvips; i++)
		conf_route_check_label(p, pi->seen[CONF_IK_VIPS].file,
		    "virtual_ipaddress", &in->vips[i], in->vips[i].dev[0] ?
		    in->vips[i].dev : in->interface);
	for (i = 0; i < in->nexcluded; i++)
		conf_route_check_label(p, ex->file,
		    "virtual_ipaddress_excluded", &in->excluded[i],
		    in->excluded[i].dev[0] ? in->excluded[i].dev :
		    in->interface);
	for (i = 0; i < in->nexcluded; i++)
		for (j = 0; j < in->nvips; j++)
			if (in->excluded[i].family == in->vips[j].family &&
			    !memcmp(in->excluded[i].addr, in->vips[j].addr,
			    16))
				conf_perr_at(p, ex->file, in->excluded[i].line,
				    "virtual_ipaddress_excluded: \"%s\" is "
				    "also in virtual_ipaddress (line %d)",
				    addr_str(a, in->excluded[i].family,
				    in->excluded[i].addr), in->vips[j].line);
}
