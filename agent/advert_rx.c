/* SPDX-License-Identifier: ISC */
/* One virtual router's receive path: which adverts are its own, and why not. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "agent/history.h"
#include "agent/instance.h"
#include "agent/vips.h"

#define ALEN(fam)	vipd_alen(fam)
#define SEC		1000000ULL

#define LOGWX(inst, fmt, ...) log_warnx("vrid %u on %s: " fmt, \
	(inst)->conf->vrid, (inst)->iface->name, ##__VA_ARGS__)

void
vipd_instance_drop(struct vipd_instance *inst, int reason,
    const struct vrrp_ipinfo *ip, uint64_t now)
{
	char abuf[INET6_ADDRSTRLEN];
	uint64_t missed;

	if (reason < 0 || reason >= VIPD_DROP__MAX)
		return;
	inst->cnt.drops[reason]++;
	if (!log_ratelimit_ok(&inst->rl, now, &missed))
		return;
	LOGWX(inst, "dropped advert from %s: %s%s",
	    ip ? vipd_addr_str(ip->family, ip->src, abuf, sizeof(abuf)) : "?",
	    vipd_drop_name(reason), missed ? " (more suppressed)" : "");
}

enum overlap {
	OVERLAP_SAME,		/* the same set, in any order */
	OVERLAP_SOME,		/* some addresses in common */
	OVERLAP_NONE,		/* none: another virtual router */
};

/* How the advert's address set compares with ours (keepalived: sets). */
static enum overlap
vips_overlap(const struct vipd_instance *inst, const struct vrrp_adv *adv)
{
	const struct conf_instance *c = inst->conf;
	size_t alen = ALEN(adv->family), i, k, common = 0;

	for (i = 0; i < adv->naddr; i++) {
		for (k = 0; k < c->nvips; k++)
			if (c->vips[k].family == adv->family &&
			    memcmp(adv->addrs + i * alen, c->vips[k].addr,
			    alen) == 0)
				break;
		if (k < c->nvips)
			common++;
	}
	if (common == 0)
		return OVERLAP_NONE;
	if (common == adv->naddr && adv->naddr == c->nvips)
		return OVERLAP_SAME;
	return OVERLAP_SOME;
}

static const struct conf_peer *
find_peer(const struct conf_instance *c, const uint8_t *src)
{
	size_t i;

	for (i = 0; i < c->npeers; i++)
		if (memcmp(c->peers[i].addr, src, ALEN(c->family)) == 0)
			return &c->peers[i];
	return NULL;
}

/*
 * Unicast: the TTL / hop limit must be in the peer's range, 255 unless
 * min_ttl says the peer is routed. Without it, anyone who can route a
 * packet to us could forge adverts. -1: the kernel did not say.
 */
static int
unicast_ttl_ok(struct vipd_instance *inst, const struct conf_peer *pe,
    const struct vrrp_ipinfo *ip, uint64_t now)
{
	char abuf[INET6_ADDRSTRLEN];
	uint64_t missed;

	if (ip->ttl < 0 || (ip->ttl >= pe->min_ttl && ip->ttl <= pe->max_ttl))
		return 1;
	inst->cnt.drops[VIPD_DROP_UNICAST_TTL]++;
	if (log_ratelimit_ok(&inst->rl, now, &missed))
		LOGWX(inst, "dropped advert from %s: TTL %d not in %u..%u%s%s",
		    vipd_addr_str(ip->family, ip->src, abuf, sizeof(abuf)),
		    ip->ttl, pe->min_ttl, pe->max_ttl, pe->min_ttl == 255 ?
		    " (a routed peer needs min_ttl on its unicast_peer line)" :
		    "", missed ? " (more suppressed)" : "");
	return 0;
}

/* The checks of RFC 5798 §7.1 the codec cannot make: they need the VR. */
static int
validate(struct vipd_instance *inst, const struct vrrp_adv *adv,
    const struct vrrp_ipinfo *ip, uint64_t now)
{
	const struct conf_instance *c = inst->conf;
	const uint8_t *src = vipd_instance_src(inst);
	const struct conf_peer *pe = NULL;
	size_t alen = ALEN(c->family);

	/* Multicast-mode checks the codec was told to skip (see rx_one). */
	if (!c->unicast && ip->ttl != 255)
		return VRRP_PKT_ERR_TTL;
	if (!c->unicast && c->family == AF_INET6 &&
	    !(ip->src[0] == 0xfe && (ip->src[1] & 0xc0) == 0x80))
		return VRRP_PKT_ERR_V6_LINKLOCAL;
	if (src != NULL && memcmp(ip->src, src, alen) == 0)
		return VIPD_DROP_OWN;
	if (c->unicast && (pe = find_peer(c, ip->src)) == NULL)
		return VIPD_DROP_NOT_PEER;
	if (!c->unicast && memcmp(ip->dst, vipd_vrrp_group(c->family),
	    alen) != 0)
		return VIPD_DROP_DST;
	if (pe != NULL && !unicast_ttl_ok(inst, pe, ip, now))
		return VIPD_DROP__MAX;	/* counted and logged already */
	if (adv->version != c->version)
		return VIPD_DROP_VERSION;
	if (c->version == 2) {
		if (adv->interval_cs != c->advert_int_cs)
			return VIPD_DROP_INTERVAL;
		if (adv->auth_type != c->auth_type || (c->auth_type == 1 &&
		    memcmp(adv->auth_data, c->auth_pass, 8) != 0))
			return VIPD_DROP_AUTH;
	}
	return -1;
}

/* A peer configured differently: counted, logged, and shown in status. */
static void
misconfigured(struct vipd_instance *inst, const struct vrrp_adv *adv,
    const struct vrrp_ipinfo *ip, int reason, uint64_t now)
{
	const struct conf_instance *c = inst->conf;
	char abuf[INET6_ADDRSTRLEN], what[96], text[sizeof(inst->misconfig)];
	uint64_t missed;

	vipd_addr_str(ip->family, ip->src, abuf, sizeof(abuf));
	switch (reason) {
	case VIPD_DROP_VERSION:
		snprintf(what, sizeof(what), "sends VRRPv%u, we use v%u",
		    adv->version, c->version);
		break;
	case VIPD_DROP_INTERVAL:
		snprintf(what, sizeof(what), "advert_int %u s, ours %u s",
		    adv->interval_cs / 100, c->advert_int_cs / 100);
		break;
	case VIPD_DROP_AUTH:
		snprintf(what, sizeof(what), "authentication differs");
		break;
	default:
		snprintf(what, sizeof(what), "advertises a different address "
		    "set (%u, ours %zu, some in common): obeyed", adv->naddr,
		    c->nvips);
		break;
	}
	snprintf(text, sizeof(text), "%s: %s", abuf, what);
	if (strcmp(text, inst->misconfig) != 0)
		vipd_history_add(inst->vipd->history, VIPD_EV_PEER,
		    inst->conf->name, "", "", text);
	snprintf(inst->misconfig, sizeof(inst->misconfig), "%s", text);
	if (log_ratelimit_ok(&inst->rl, now, &missed))
		LOGWX(inst, "misconfigured peer %s", inst->misconfig);
}

/*
 * Another virtual router on our VRID and link (another team's pair: 51 is
 * every example's VRID). Obeying it would hand it our addresses, and then
 * nobody serves them; RFC 5798 §5.2.9 makes the address list part of the
 * virtual router. Dropped, remembered for status, warned about once a
 * minute (it lasts until someone renumbers).
 */
static void
other_router(struct vipd_instance *inst, const struct vrrp_adv *adv,
    const struct vrrp_ipinfo *ip, uint64_t now)
{
	struct vipd_collision *col = &inst->collision;
	size_t alen = ALEN(adv->family), n = adv->naddr;
	char abuf[INET6_ADDRSTRLEN], first[INET6_ADDRSTRLEN] = "none";
	uint64_t missed;

	inst->cnt.drops[VIPD_DROP_OTHER_VR]++;
	if (col->count == 0 || memcmp(col->src, ip->src, sizeof(col->src))) {
		char text[96];

		snprintf(text, sizeof(text), "%s: another virtual router on "
		    "this VRID, adverts ignored", vipd_addr_str(ip->family,
		    ip->src, abuf, sizeof(abuf)));
		vipd_history_add(inst->vipd->history, VIPD_EV_PEER,
		    inst->conf->name, "", "", text);
	}
	col->count++;
	col->family = ip->family;
	memcpy(col->src, ip->src, sizeof(col->src));
	col->priority = adv->priority;
	col->naddr = adv->naddr;
	if (n > VIPD_COLLISION_ADDRS)
		n = VIPD_COLLISION_ADDRS;
	memset(col->addrs, 0, sizeof(col->addrs));
	memcpy(col->addrs, adv->addrs, n * alen);
	clock_gettime(CLOCK_REALTIME, &col->at);
	if (!log_ratelimit_ok(&inst->collision_rl, now, &missed))
		return;
	if (adv->naddr > 0)
		vipd_addr_str(adv->family, adv->addrs, first, sizeof(first));
	LOGWX(inst, "another virtual router uses this VRID: %s (priority %u) "
	    "advertises %s%s, none of ours; its adverts are ignored (%llu so "
	    "far). Give one of the pairs another virtual_router_id",
	    vipd_addr_str(ip->family, ip->src, abuf, sizeof(abuf)),
	    adv->priority, first, adv->naddr > 1 ? " and more" : "",
	    (unsigned long long)col->count);
}

static void
check_owner_conflict(struct vipd_instance *inst, const struct vrrp_adv *adv,
    const struct vrrp_ipinfo *ip, uint64_t now)
{
	char abuf[INET6_ADDRSTRLEN];
	uint64_t missed;

	if (adv->priority != 255 || inst->fsm.cfg.priority != 255)
		return;
	inst->cnt.drops[VIPD_DROP_OWNER_CONFLICT]++;
	if (log_ratelimit_ok(&inst->rl, now, &missed))
		LOGWX(inst, "%s also claims to own the addresses",
		    vipd_addr_str(ip->family, ip->src, abuf, sizeof(abuf)));
}

/* Sort out what validate() found wrong; true if the advert is to be used. */
static bool
accept_advert(struct vipd_instance *inst, const struct vrrp_adv *adv,
    const struct vrrp_ipinfo *ip, uint64_t now)
{
	int drop = validate(inst, adv, ip, now);
	bool differs = drop == VIPD_DROP_VERSION ||
	    drop == VIPD_DROP_INTERVAL || drop == VIPD_DROP_AUTH;
	enum overlap ov;

	if (drop == VIPD_DROP__MAX)
		return false;
	if (drop >= 0 && !differs) {
		vipd_instance_drop(inst, drop, ip, now);
		return false;
	}
	/* Another team's pair may differ in version or interval as well. */
	if ((ov = vips_overlap(inst, adv)) == OVERLAP_NONE) {
		other_router(inst, adv, ip, now);
		return false;
	}
	if (differs) {
		inst->cnt.drops[drop]++;
		misconfigured(inst, adv, ip, drop, now);
		return false;
	}
	if (ov == OVERLAP_SOME) {
		/*
		 * The same router, misconfigured: obey it, or both hosts
		 * would be Master for the addresses in common.
		 */
		inst->cnt.address_list_mismatch++;
		if (!inst->vipd->conf->skip_check_adv_addr)
			misconfigured(inst, adv, ip, -1, now);
	}
	return true;
}

void
vipd_instance_rx(struct vipd_instance *inst, const struct vrrp_adv *adv,
    const struct vrrp_ipinfo *ip, uint64_t now)
{
	struct vrrp_fsm_event ev = { .type = VRRP_EV_ADVERT };
	char abuf[INET6_ADDRSTRLEN];
	uint64_t missed, ignored = inst->cnt.prio0_ignored;

	if (!accept_advert(inst, adv, ip, now))
		return;
	inst->cnt.adverts_received++;
	if (adv->priority == 0)
		inst->cnt.prio0_received++;
	check_owner_conflict(inst, adv, ip, now);
	/* The first set goes at once (see apply); this is the second. */
	if (inst->fsm.state == VRRP_STATE_MASTER && adv->priority > 0 &&
	    adv->priority < inst->fsm.priority &&
	    inst->conf->garp_lower_prio_delay_s > 0 &&
	    inst->garp_lower_timer.when == 0)
		loop_timer_set(inst->vipd->loop, &inst->garp_lower_timer,
		    now + inst->conf->garp_lower_prio_delay_s * SEC);
	ev.priority = adv->priority;
	ev.adver_int_cs = adv->interval_cs;
	ev.src = ip->src;
	vipd_instance_fsm(inst, &ev, now, NULL);
	if (inst->cnt.prio0_ignored != ignored &&
	    log_ratelimit_ok(&inst->rl, now, &missed))
		LOGWX(inst, "ignored priority 0 from %s: not the Master we "
		    "follow%s", vipd_addr_str(ip->family, ip->src, abuf,
		    sizeof(abuf)), missed ? " (more suppressed)" : "");
}
