/* SPDX-License-Identifier: ISC */
/* An instance's addresses on the host: add, delete, keep alive, announce. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/iface.h"
#include "agent/routes.h"
#include "agent/vips.h"
#include "netlink/nl.h"
#include "vrrp/announce.h"
#include "vrrp/arp.h"

const char *
vipd_addr_str(int family, const uint8_t *addr, char *buf, size_t len)
{
	if (inet_ntop(family, addr, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

/* The VIPs, then the excluded addresses: managed alike. */
static const struct conf_vip *
nth(const struct conf_instance *c, size_t i)
{
	return i < c->nvips ? &c->vips[i] : &c->excluded[i - c->nvips];
}

static size_t
count(const struct conf_instance *c)
{
	return c->nvips + c->nexcluded;
}

/*
 * Ownership per address, in conf order. NULL (out of memory on a reload)
 * reads as absent: vipd then deletes nothing and lets its own addresses
 * expire, rather than risk deleting someone else's.
 */
static uint8_t
own_get(const struct vipd_instance *inst, size_t i)
{
	return inst->vip_own != NULL ? inst->vip_own[i] : VIPD_VIP_ABSENT;
}

static void
own_set(struct vipd_instance *inst, size_t i, uint8_t own)
{
	if (inst->vip_own != NULL)
		inst->vip_own[i] = own;
}

static bool
same_vip(const struct conf_vip *a, const struct conf_vip *b)
{
	return a->family == b->family && a->prefixlen == b->prefixlen &&
	    memcmp(a->addr, b->addr, vipd_alen(a->family)) == 0 &&
	    strcmp(a->dev, b->dev) == 0;
}

void
vipd_vips_reconf(struct vipd_instance *inst, const struct conf_instance *c)
{
	uint8_t *own = calloc(count(c) + 1, 1);
	size_t i, k;

	if (own == NULL)
		log_warn("%s: address ownership", c->name);
	for (i = 0; own != NULL && i < count(c); i++)
		for (k = 0; k < count(inst->conf); k++)
			if (same_vip(nth(c, i), nth(inst->conf, k)))
				own[i] = own_get(inst, k);
	free(inst->vip_own);
	inst->vip_own = own;
}

bool
vipd_vips_owned(const struct vipd_instance *inst, const struct conf_vip *v)
{
	size_t k;

	for (k = 0; k < count(inst->conf); k++)
		if (same_vip(v, nth(inst->conf, k)))
			return own_get(inst, k) == VIPD_VIP_OURS;
	return false;
}

static struct vipd_iface *
iface_of(const struct vipd_instance *inst, const struct conf_vip *v)
{
	struct vipd_iface *ifp = NULL;

	if (v->dev[0] != '\0')
		ifp = vipd_iface_find(inst->vipd, v->dev);
	return ifp != NULL ? ifp : inst->iface;
}

static void
to_nl(const struct conf_vip *v, struct nl_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = v->family;
	memcpy(a->addr, v->addr, vipd_alen(v->family));
	a->prefixlen = v->prefixlen;
}

static void
say(const struct vipd_instance *inst, bool warn, const char *what,
    const struct conf_vip *v)
{
	char abuf[INET6_ADDRSTRLEN];

	vipd_addr_str(v->family, v->addr, abuf, sizeof(abuf));
	if (warn)
		log_warn("vrid %u on %s: cannot %s %s/%u", inst->conf->vrid,
		    inst->iface->name, what, abuf, v->prefixlen);
	else
		log_info("vrid %u on %s: %s %s/%u", inst->conf->vrid,
		    inst->iface->name, what, abuf, v->prefixlen);
}

/* Failures repeat with every refresh: rate-limited per instance. */
static void
say_limited(struct vipd_instance *inst, const char *what,
    const struct conf_vip *v)
{
	uint64_t missed;
	int saved = errno;

	if (!log_ratelimit_ok(&inst->vip_rl, loop_now(), &missed))
		return;
	errno = saved;
	say(inst, true, what, v);
}

bool
vipd_addr_is_ours(const struct nl_event *ev, uint32_t lifetime_s)
{
	if (ev->valid_lft == NL_LFT_FOREVER)
		return false;
	if (ev->proto != 0)
		return ev->proto == VIPD_ADDR_PROTO;
	return ev->valid_lft <= lifetime_s;
}

/* Same address; IPv4 also the same prefix (the kernel keeps both then). */
static bool
same_addr(const struct nl_addr *a, const struct nl_addr *b)
{
	return nl_addr_equal(a, b) &&
	    (a->family != AF_INET || a->prefixlen == b->prefixlen);
}

/* What a dump says about one address on one link. */
struct own_query {
	const struct nl_addr *a;
	uint32_t lifetime_s;
	bool exact;			/* IPv4: the prefix must match */
	size_t n;
	struct nl_event found[8];	/* equal addresses, any prefix */
};

static void
own_reset(void *arg)
{
	((struct own_query *)arg)->n = 0;
}

static void
own_event(const struct nl_event *ev, void *arg)
{
	struct own_query *q = arg;

	if (ev->type != NL_EV_ADDR_NEW || !nl_addr_equal(&ev->addr, q->a) ||
	    (q->exact && !same_addr(&ev->addr, q->a)) ||
	    q->n == sizeof(q->found) / sizeof(q->found[0]))
		return;
	q->found[q->n++] = *ev;
}

static int
own_lookup(struct vipd *vd, int ifx, struct own_query *q)
{
	return nl_addr_list(vd->nl, ifx, q->a->family, own_event, own_reset,
	    q);
}

static void
foreign_warn(struct vipd_instance *inst, const struct conf_vip *v,
    uint32_t valid_lft)
{
	char abuf[INET6_ADDRSTRLEN], lft[32] = "permanent";
	uint64_t missed;

	if (!log_ratelimit_ok(&inst->vip_rl, loop_now(), &missed))
		return;
	if (valid_lft != NL_LFT_FOREVER)
		snprintf(lft, sizeof(lft), "valid_lft %us", valid_lft);
	log_warnx("vrid %u on %s: %s/%u is on the host as an address vipd "
	    "did not install (%s); vipd leaves it alone", inst->conf->vrid,
	    inst->iface->name, vipd_addr_str(v->family, v->addr, abuf,
	    sizeof(abuf)), v->prefixlen, lft);
}

/*
 * Installs and deletes carry the line's options (brd, label, scope, peer,
 * flags). A refresh must repeat some: a peer names a point-to-point
 * address, and an IPv6 replace sets the address flags anew.
 */
static int
install(struct vipd *vd, int ifx, const struct nl_addr *a,
    const struct conf_vip *v, bool replace)
{
	struct nl_addr_opts o;

	vipd_addr_opts(v, &o);
	o.proto = VIPD_ADDR_PROTO;
	o.excl = !replace;
	return nl_addr_exec(vd->nl, true, ifx, a, vd->vip_lifetime_s, &o);
}

static bool
refresh_needs_opts(const struct conf_vip *v)
{
	return v->has_peer || v->ifa_flags != 0;
}

static int
del_addr(struct vipd *vd, int ifx, const struct nl_addr *a,
    const struct conf_vip *v)
{
	struct nl_addr_opts o;

	vipd_addr_opts(v, &o);
	return nl_addr_exec(vd->nl, false, ifx, a, 0, &o);
}

/*
 * Install one address: exclusively unless it is known to be ours, so that
 * the kernel never turns someone else's address into one of ours.
 */
static bool
add_one(struct vipd_instance *inst, size_t i, bool quiet)
{
	struct vipd *vd = inst->vipd;
	const struct conf_vip *v = nth(inst->conf, i);
	int ifx = iface_of(inst, v)->ifindex;
	struct own_query q = { .lifetime_s = vd->vip_lifetime_s, .exact = true };
	struct nl_addr a;
	bool replace = own_get(inst, i) == VIPD_VIP_OURS;

	if (own_get(inst, i) == VIPD_VIP_FOREIGN)
		return true;	/* present: the host answers for it */
	to_nl(v, &a);
	q.a = &a;
	if (ifx <= 0) {
		errno = ENODEV;
		say_limited(inst, "add", v);
		return false;
	}
	/* A periodic refresh of ours: one send, errors come back later. */
	if (replace && quiet && !refresh_needs_opts(v)) {
		if (nl_addr_refresh(vd->nl, ifx, &a, vd->vip_lifetime_s,
		    VIPD_ADDR_PROTO) == 0)
			return true;
		say_limited(inst, "refresh", v);
		return false;
	}
	if (install(vd, ifx, &a, v, replace) == 0)
		goto ok;
	if (errno != EEXIST || replace) {
		say_limited(inst, "add", v);
		return false;
	}
	if (own_lookup(vd, ifx, &q) < 0 || q.n == 0) {
		say_limited(inst, "add", v);
		return false;
	}
	if (!vipd_addr_is_ours(&q.found[0], vd->vip_lifetime_s)) {
		own_set(inst, i, VIPD_VIP_FOREIGN);
		foreign_warn(inst, v, q.found[0].valid_lft);
		return true;
	}
	/* Ours from an earlier run or a lost answer: refresh it. */
	if (install(vd, ifx, &a, v, true) < 0) {
		say_limited(inst, "add", v);
		return false;
	}
ok:
	own_set(inst, i, VIPD_VIP_OURS);
	if (!quiet)
		say(inst, false, "added", v);
	return true;
}

void
vipd_vips_add(struct vipd_instance *inst, bool quiet)
{
	bool ok = true;
	size_t i;

	for (i = 0; i < count(inst->conf); i++)
		if (!add_one(inst, i, quiet))
			ok = false;
	inst->vips_installed = ok;
}

void
vipd_vips_del(struct vipd_instance *inst)
{
	const struct conf_instance *c = inst->conf;
	struct nl_addr a;
	size_t i;

	/* Cleared first, so our own RTM_DELADDR echoes are not "by hand". */
	inst->vips_installed = false;
	for (i = 0; i < count(c); i++) {
		const struct conf_vip *v = nth(c, i);
		int ifx = iface_of(inst, v)->ifindex;

		if (own_get(inst, i) != VIPD_VIP_OURS || ifx <= 0)
			continue;
		to_nl(v, &a);
		if (del_addr(inst->vipd, ifx, &a, v) == 0) {
			own_set(inst, i, VIPD_VIP_ABSENT);
			say(inst, false, "deleted", v);
		} else if (errno == EADDRNOTAVAIL || errno == ENODEV) {
			own_set(inst, i, VIPD_VIP_ABSENT);
		} else {
			say_limited(inst, "delete", v);
		}
	}
}

void
vipd_vips_seen(struct vipd_instance *inst, const struct nl_event *ev)
{
	const struct conf_instance *c = inst->conf;
	struct nl_addr a;
	size_t i;
	uint8_t was;

	for (i = 0; i < count(c); i++) {
		const struct conf_vip *v = nth(c, i);

		to_nl(v, &a);
		if (iface_of(inst, v)->ifindex != ev->ifindex ||
		    !same_addr(&a, &ev->addr))
			continue;
		was = own_get(inst, i);
		if (ev->type == NL_EV_ADDR_DEL) {
			own_set(inst, i, VIPD_VIP_ABSENT);
		} else if (vipd_addr_is_ours(ev, inst->vipd->vip_lifetime_s)) {
			own_set(inst, i, VIPD_VIP_OURS);
		} else {
			own_set(inst, i, VIPD_VIP_FOREIGN);
			if (was != VIPD_VIP_FOREIGN)
				foreign_warn(inst, v, ev->valid_lft);
		}
	}
}

void
vipd_vips_refresh_failed(const struct nl_event *req, int error, void *arg)
{
	struct vipd *vd = arg;
	size_t k, i;

	for (k = 0; k < vd->ninsts; k++) {
		struct vipd_instance *inst = vd->insts[k];

		for (i = 0; i < count(inst->conf); i++) {
			const struct conf_vip *v = nth(inst->conf, i);
			struct nl_addr a;

			to_nl(v, &a);
			if (req->type != NL_EV_NONE &&
			    (iface_of(inst, v)->ifindex != req->ifindex ||
			    !same_addr(&a, &req->addr)))
				continue;
			/* The next refresh checks ownership again. */
			if (own_get(inst, i) == VIPD_VIP_OURS)
				own_set(inst, i, VIPD_VIP_ABSENT);
			errno = error;
			say_limited(inst, "refresh", v);
		}
	}
}

void
vipd_vips_resync(struct vipd_instance *inst)
{
	struct vipd *vd = inst->vipd;
	struct nl_addr a;
	size_t i;

	for (i = 0; i < count(inst->conf); i++) {
		const struct conf_vip *v = nth(inst->conf, i);
		struct own_query q = { .a = &a, .exact = true,
		    .lifetime_s = vd->vip_lifetime_s };
		int ifx = iface_of(inst, v)->ifindex;

		to_nl(v, &a);
		if (ifx <= 0 || own_lookup(vd, ifx, &q) < 0)
			continue;	/* keep what we knew */
		if (q.n == 0)
			own_set(inst, i, VIPD_VIP_ABSENT);
		else if (vipd_addr_is_ours(&q.found[0], vd->vip_lifetime_s))
			own_set(inst, i, VIPD_VIP_OURS);
		else
			own_set(inst, i, VIPD_VIP_FOREIGN);
	}
}

/* Start-up: one configured address on its link. */
static void
sweep_one(struct vipd *vd, const struct conf_instance *c,
    const struct conf_vip *v)
{
	struct vipd_iface *ifp = vipd_iface_find(vd,
	    v->dev[0] ? v->dev : c->interface);
	struct own_query q = { .lifetime_s = vd->vip_lifetime_s };
	char abuf[INET6_ADDRSTRLEN], lft[32];
	struct nl_addr a;
	size_t k;

	if (ifp == NULL || ifp->ifindex <= 0)
		return;
	to_nl(v, &a);
	q.a = &a;
	if (own_lookup(vd, ifp->ifindex, &q) < 0)
		return;
	vipd_addr_str(a.family, a.addr, abuf, sizeof(abuf));
	for (k = 0; k < q.n; k++) {
		const struct nl_event *ev = &q.found[k];

		if (vipd_addr_is_ours(ev, vd->vip_lifetime_s)) {
			if (del_addr(vd, ifp->ifindex, &ev->addr, v) == 0)
				log_info("%s: removed leftover %s/%u",
				    ifp->name, abuf, ev->addr.prefixlen);
			continue;
		}
		if (ev->valid_lft == NL_LFT_FOREVER)
			snprintf(lft, sizeof(lft), "permanent");
		else
			snprintf(lft, sizeof(lft), "valid_lft %us",
			    ev->valid_lft);
		log_warnx("%s: virtual address %s/%u of %s is already on %s "
		    "as %s/%u, an address vipd did not install (%s); vipd "
		    "will neither replace nor delete it", c->name, abuf,
		    v->prefixlen, c->name, ifp->name, abuf, ev->addr.prefixlen,
		    lft);
	}
}

void
vipd_vips_sweep(struct vipd *vd)
{
	size_t i, k;

	for (i = 0; i < vd->conf->ninstances; i++) {
		const struct conf_instance *c = &vd->conf->instances[i];

		for (k = 0; k < count(c); k++)
			sweep_one(vd, c, nth(c, k));
	}
}

static void
announce_round(struct vipd_instance *inst)
{
	const struct conf_instance *c = inst->conf;
	uint8_t frame[128];
	size_t i;

	for (i = 0; i < count(c); i++) {
		const struct conf_vip *v = nth(c, i);
		struct vipd_iface *ifp = iface_of(inst, v);
		int len;

		if (ifp->pktfd < 0 || ifp->ifindex <= 0)
			continue;
		len = v->family == AF_INET ?
		    vrrp_arp_build(frame, sizeof(frame), ifp->mac, v->addr) :
		    vrrp_na_build(frame, sizeof(frame), ifp->mac, v->addr);
		if (len > 0 && vrrp_announce_send(ifp->pktfd, ifp->ifindex,
		    frame, (size_t)len) == 0)
			inst->cnt.garp_sent++;
	}
}

/* vrrp_garp_interval / vrrp_gna_interval: the pause between rounds. */
static uint64_t
pace_us(const struct vipd_instance *inst)
{
	const struct conf *cf = inst->vipd->conf;

	return inst->conf->family == AF_INET6 ? cf->gna_interval_us :
	    cf->garp_interval_us;
}

static void
announce_cb(struct loop_timer *t, uint64_t now, void *arg)
{
	struct vipd_instance *inst = arg;

	if (inst->announce_left == 0)
		return;
	inst->announce_left--;
	announce_round(inst);
	if (inst->announce_left > 0)
		loop_timer_set(inst->vipd->loop, t, now + pace_us(inst));
}

int
vipd_vips_init(struct vipd_instance *inst)
{
	loop_timer_init(&inst->announce_timer, announce_cb, inst);
	inst->announce_left = 0;
	inst->vip_rl.interval_us = 10000000;
	inst->vip_rl.burst = 3;
	/* calloc: every address starts VIPD_VIP_ABSENT. */
	inst->vip_own = calloc(count(inst->conf) + 1, 1);
	return inst->vip_own == NULL ? -1 : 0;
}

void
vipd_vips_free(struct vipd_instance *inst)
{
	free(inst->vip_own);
	inst->vip_own = NULL;
}

void
vipd_vips_announce(struct vipd_instance *inst, unsigned repeat)
{
	uint64_t pace = pace_us(inst);
	unsigned r;

	if (repeat == 0)
		return;
	if (pace == 0) {
		for (r = 0; r < repeat; r++)
			announce_round(inst);
		return;
	}
	announce_round(inst);
	if (repeat - 1 > inst->announce_left)
		inst->announce_left = repeat - 1;
	if (inst->announce_left > 0 && inst->announce_timer.when == 0)
		loop_timer_set(inst->vipd->loop, &inst->announce_timer,
		    loop_now() + pace);
}

void
vipd_vips_announce_stop(struct vipd_instance *inst)
{
	inst->announce_left = 0;
	loop_timer_cancel(inst->vipd->loop, &inst->announce_timer);
}

bool
vipd_vips_match(const struct vipd_instance *inst, int ifindex,
    const struct nl_addr *a)
{
	const struct conf_instance *c = inst->conf;
	size_t i;

	for (i = 0; i < count(c); i++) {
		const struct conf_vip *v = nth(c, i);

		if (v->family == a->family && memcmp(v->addr, a->addr,
		    vipd_alen(v->family)) == 0 &&
		    iface_of(inst, v)->ifindex == ifindex)
			return true;
	}
	return false;
}
