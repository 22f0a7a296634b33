/* SPDX-License-Identifier: ISC */
/* An instance's addresses on the host: add, delete, keep alive, announce. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "agent/iface.h"
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

void
vipd_vips_add(struct vipd_instance *inst, bool quiet)
{
	const struct conf_instance *c = inst->conf;
	struct nl_addr a;
	bool ok = true;
	size_t i;

	for (i = 0; i < count(c); i++) {
		const struct conf_vip *v = nth(c, i);
		int ifx = iface_of(inst, v)->ifindex;

		to_nl(v, &a);
		if (ifx <= 0 || nl_addr_add(inst->vipd->nl, ifx, &a,
		    inst->vipd->vip_lifetime_s) < 0) {
			ok = false;
			say(inst, true, "add", v);
		} else if (!quiet) {
			say(inst, false, "added", v);
		}
	}
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

		to_nl(v, &a);
		if (ifx <= 0)
			continue;
		if (nl_addr_del(inst->vipd->nl, ifx, &a) == 0)
			say(inst, false, "deleted", v);
		else if (errno != EADDRNOTAVAIL && errno != ENODEV)
			say(inst, true, "delete", v);
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

void
vipd_vips_init(struct vipd_instance *inst)
{
	loop_timer_init(&inst->announce_timer, announce_cb, inst);
	inst->announce_left = 0;
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
