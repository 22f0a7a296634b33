/* SPDX-License-Identifier: ISC */
/* One virtual router: carries out its state machine's actions on the host. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/instance.h"
#include "netlink/nl.h"
#include "vrrp/announce.h"
#include "vrrp/arp.h"
#include "vrrp/sock.h"

#define ALEN(fam)	vipd_alen(fam)

static const uint8_t vrrp_group4[16] = { 224, 0, 0, 18 };
static const uint8_t vrrp_group6[16] = { 0xff, 0x02, [15] = 0x12 };

static const uint8_t *
group_addr(int family)
{
	return family == AF_INET6 ? vrrp_group6 : vrrp_group4;
}

/* The address our adverts come from, or NULL if there is none yet. */
static const uint8_t *
inst_src(const struct vipd_instance *inst)
{
	const struct vipd_iface_af *af =
	    &inst->iface->af[vipd_afi(inst->conf->family)];

	return af->has_src ? af->src : NULL;
}

const char *
vipd_addr_str(int family, const uint8_t *addr, char *buf, size_t len)
{
	if (inet_ntop(family, addr, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

#define LOGI(inst, fmt, ...) log_info("vrid %u on %s: " fmt, \
	(inst)->conf->vrid, (inst)->iface->name, ##__VA_ARGS__)
#define LOGW(inst, fmt, ...) log_warn("vrid %u on %s: " fmt, \
	(inst)->conf->vrid, (inst)->iface->name, ##__VA_ARGS__)
#define LOGWX(inst, fmt, ...) log_warnx("vrid %u on %s: " fmt, \
	(inst)->conf->vrid, (inst)->iface->name, ##__VA_ARGS__)

static void apply(struct vipd_instance *, const struct vrrp_fsm_result *,
    uint64_t);

static void
fsm_event(struct vipd_instance *inst, const struct vrrp_fsm_event *ev,
    uint64_t now)
{
	struct vrrp_fsm_result res;

	vrrp_fsm_handle(&inst->fsm, ev, now, &res);
	apply(inst, &res, now);
}

static void
timer_cb(struct loop_timer *t, uint64_t now, void *arg)
{
	struct vrrp_fsm_event ev = { .type = VRRP_EV_TIMER };

	(void)t;
	fsm_event(arg, &ev, now);
}

/* VIPs: installed with a finite lifetime, refreshed while Master. */

static int
vip_ifindex(const struct vipd_instance *inst, size_t i)
{
	const struct conf_vip *v = &inst->conf->vips[i];
	size_t k;

	if (v->dev[0] == '\0')
		return inst->iface->ifindex;
	for (k = 0; k < inst->vipd->nifaces; k++)
		if (strcmp(inst->vipd->ifaces[k].name, v->dev) == 0)
			return inst->vipd->ifaces[k].ifindex;
	return 0;
}

static void
vip_nladdr(const struct conf_vip *v, struct nl_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = v->family;
	memcpy(a->addr, v->addr, ALEN(v->family));
	a->prefixlen = v->prefixlen;
}

static void
vips_add(struct vipd_instance *inst, bool quiet)
{
	char abuf[INET6_ADDRSTRLEN];
	struct nl_addr a;
	size_t i;
	int ok = 1;

	for (i = 0; i < inst->conf->nvips; i++) {
		const struct conf_vip *v = &inst->conf->vips[i];
		int ifx = vip_ifindex(inst, i);

		vip_nladdr(v, &a);
		if (ifx <= 0 || nl_addr_add(inst->vipd->nl, ifx, &a,
		    inst->vipd->vip_lifetime_s) < 0) {
			ok = 0;
			LOGW(inst, "cannot add %s/%u",
			    vipd_addr_str(v->family, v->addr, abuf,
			    sizeof(abuf)), v->prefixlen);
		} else if (!quiet) {
			LOGI(inst, "added %s/%u",
			    vipd_addr_str(v->family, v->addr, abuf,
			    sizeof(abuf)), v->prefixlen);
		}
	}
	inst->vips_installed = ok;
}

static void
vips_del(struct vipd_instance *inst)
{
	char abuf[INET6_ADDRSTRLEN];
	struct nl_addr a;
	size_t i;

	/* Cleared first, so our own RTM_DELADDR echoes are not "by hand". */
	inst->vips_installed = false;
	for (i = 0; i < inst->conf->nvips; i++) {
		const struct conf_vip *v = &inst->conf->vips[i];
		int ifx = vip_ifindex(inst, i);

		vip_nladdr(v, &a);
		if (ifx <= 0)
			continue;
		if (nl_addr_del(inst->vipd->nl, ifx, &a) < 0) {
			if (errno != EADDRNOTAVAIL && errno != ENODEV)
				LOGW(inst, "cannot delete %s/%u",
				    vipd_addr_str(v->family, v->addr, abuf,
				    sizeof(abuf)), v->prefixlen);
		} else {
			LOGI(inst, "deleted %s/%u",
			    vipd_addr_str(v->family, v->addr, abuf,
			    sizeof(abuf)), v->prefixlen);
		}
	}
}

static void
refresh_cb(struct loop_timer *t, uint64_t now, void *arg)
{
	struct vipd_instance *inst = arg;
	uint64_t period = (uint64_t)inst->vipd->vip_lifetime_s * 1000000u / 3;

	if (inst->fsm.state != VRRP_STATE_MASTER)
		return;
	vips_add(inst, inst->vips_installed);
	loop_timer_set(inst->vipd->loop, t, now + period);
}

/* Adverts and announcements. */

static void
send_advert(struct vipd_instance *inst, uint8_t prio)
{
	const struct conf_instance *c = inst->conf;
	const uint8_t *src = inst_src(inst);
	int fd = inst->iface->af[vipd_afi(c->family)].fd;
	uint8_t buf[VRRP_PKT_MAX];
	uint8_t addrs[VRRP_MAX_ADDRS * 16];
	struct vrrp_adv adv = { 0 };
	struct vrrp_ipinfo ip = { 0 };
	size_t i, n = 0;
	uint64_t missed;
	int len;

	if (fd < 0 || src == NULL)
		return;
	for (i = 0; i < c->nvips && n < VRRP_MAX_ADDRS; i++)
		memcpy(addrs + n++ * ALEN(c->family), c->vips[i].addr,
		    ALEN(c->family));
	adv.version = c->version;
	adv.type = 1;
	adv.vrid = c->vrid;
	adv.priority = prio;
	adv.naddr = (uint8_t)n;
	adv.interval_cs = (uint16_t)c->advert_int_cs;
	adv.family = c->family;
	adv.addrs = addrs;
	adv.auth_type = c->auth_type;
	memcpy(adv.auth_data, c->auth_pass, sizeof(adv.auth_data));
	ip.family = c->family;
	memcpy(ip.src, src, 16);
	memcpy(ip.dst, group_addr(c->family), 16);
	ip.ttl = 255;
	len = vrrp_pkt_encode(buf, sizeof(buf), &adv, &ip,
	    c->version == 2 ? VRRP_CSUM_V2 : VRRP_CSUM_PSEUDO);
	if (len < 0 || vrrp_sock_send(fd, c->family, inst->iface->ifindex,
	    ip.src, ip.dst, buf, (size_t)len) < 0) {
		inst->cnt.send_errors++;
		if (log_ratelimit_ok(&inst->rl, loop_now(), &missed))
			LOGW(inst, "cannot send advert");
		return;
	}
	inst->cnt.adverts_sent++;
	if (prio == 0)
		inst->cnt.prio0_sent++;
}

static struct vipd_iface *
vip_iface(struct vipd_instance *inst, const struct conf_vip *v)
{
	size_t k;

	for (k = 0; v->dev[0] && k < inst->vipd->nifaces; k++)
		if (strcmp(inst->vipd->ifaces[k].name, v->dev) == 0)
			return &inst->vipd->ifaces[k];
	return inst->iface;
}

/* Gratuitous ARP for IPv4 VIPs, unsolicited NA for IPv6 ones. */
static void
garp_burst(struct vipd_instance *inst)
{
	uint8_t frame[128];
	unsigned r;
	size_t i;

	for (i = 0; i < inst->conf->nvips; i++) {
		const struct conf_vip *v = &inst->conf->vips[i];
		struct vipd_iface *ifp = vip_iface(inst, v);
		int len;

		if (ifp->pktfd < 0 || ifp->ifindex <= 0)
			continue;
		len = v->family == AF_INET ?
		    vrrp_arp_build(frame, sizeof(frame), ifp->mac, v->addr) :
		    vrrp_na_build(frame, sizeof(frame), ifp->mac, v->addr);
		for (r = 0; len > 0 && r < inst->vipd->garp_repeat; r++) {
			if (vrrp_announce_send(ifp->pktfd, ifp->ifindex, frame,
			    (size_t)len) == 0)
				inst->cnt.garp_sent++;
		}
	}
}

static void
garp_cb(struct loop_timer *t, uint64_t now, void *arg)
{
	struct vipd_instance *inst = arg;

	(void)t;
	(void)now;
	if (inst->fsm.state == VRRP_STATE_MASTER)
		garp_burst(inst);
}

/* Carry out the state machine's actions, in the order they are defined. */
static void
apply(struct vipd_instance *inst, const struct vrrp_fsm_result *res,
    uint64_t now)
{
	struct loop *l = inst->vipd->loop;

	if (res->actions & VRRP_ACT_DEL_VIPS) {
		loop_timer_cancel(l, &inst->refresh_timer);
		loop_timer_cancel(l, &inst->garp_timer);
		vips_del(inst);
	}
	if (res->actions & VRRP_ACT_SEND_ADVERT)
		send_advert(inst, inst->fsm.priority);
	if (res->actions & VRRP_ACT_SEND_PRIO0)
		send_advert(inst, 0);
	if (res->actions & VRRP_ACT_ADD_VIPS) {
		vips_add(inst, false);
		loop_timer_set(l, &inst->refresh_timer,
		    now + (uint64_t)inst->vipd->vip_lifetime_s * 1000000u / 3);
	}
	if (res->actions & VRRP_ACT_SEND_GARP) {
		garp_burst(inst);
		if (inst->vipd->garp_delay_us > 0)
			loop_timer_set(l, &inst->garp_timer,
			    now + inst->vipd->garp_delay_us);
	}
	if (res->changed) {
		inst->last.valid = true;
		inst->last.from = res->from;
		inst->last.to = res->to;
		if (res->to == VRRP_STATE_FAULT && inst->fault_reason[0])
			snprintf(inst->last.reason, sizeof(inst->last.reason),
			    "%s", inst->fault_reason);
		else
			snprintf(inst->last.reason, sizeof(inst->last.reason),
			    "%s", vrrp_reason_str(res->reason));
		clock_gettime(CLOCK_REALTIME, &inst->last.at);
		if (res->to == VRRP_STATE_MASTER)
			inst->cnt.became_master++;
		LOGI(inst, "%s -> %s (%s)", vrrp_state_name(res->from),
		    vrrp_state_name(res->to), inst->last.reason);
	}
	loop_timer_set(l, &inst->timer, inst->fsm.deadline);
}

/* Lifecycle. */

int
vipd_instance_init(struct vipd *v, struct vipd_instance *inst,
    const struct conf_instance *c, struct vipd_iface *ifp)
{
	struct vrrp_fsm_config fc = { 0 };

	memset(inst, 0, sizeof(*inst));
	inst->vipd = v;
	inst->conf = c;
	inst->iface = ifp;
	inst->rl.interval_us = 10000000;	/* one bad-packet log per 10 s */
	inst->rl.burst = 3;
	loop_timer_init(&inst->timer, timer_cb, inst);
	loop_timer_init(&inst->garp_timer, garp_cb, inst);
	loop_timer_init(&inst->refresh_timer, refresh_cb, inst);
	fc.version = c->version;
	fc.family = c->family;
	fc.priority = c->priority;
	fc.adver_int_cs = c->advert_int_cs;
	fc.preempt = !c->nopreempt;
	fc.preempt_delay_us = (uint64_t)c->preempt_delay_ms * 1000u;
	vrrp_fsm_init(&inst->fsm, &fc);
	return 0;
}

void
vipd_instance_free(struct vipd_instance *inst)
{
	loop_timer_cancel(inst->vipd->loop, &inst->timer);
	loop_timer_cancel(inst->vipd->loop, &inst->garp_timer);
	loop_timer_cancel(inst->vipd->loop, &inst->refresh_timer);
}

/* Why the instance cannot run now, or NULL if it can. */
static const char *
fault_cause(struct vipd_instance *inst, char *buf, size_t len)
{
	const struct vipd_iface *ifp = inst->iface;
	int v6 = inst->conf->family == AF_INET6;

	if (ifp->ifindex <= 0)
		snprintf(buf, len, "interface %s not found", ifp->name);
	else if (!ifp->up)
		snprintf(buf, len, "interface %s is down", ifp->name);
	else if (inst_src(inst) == NULL)
		snprintf(buf, len, "no %s address on %s",
		    v6 ? "IPv6 link-local" : "IPv4", ifp->name);
	else if (ifp->af[vipd_afi(inst->conf->family)].fd < 0)
		snprintf(buf, len, "no VRRP socket on %s", ifp->name);
	else
		return NULL;
	return buf;
}

void
vipd_instance_start(struct vipd_instance *inst, uint64_t now)
{
	vipd_instance_link(inst, now);
}

void
vipd_instance_link(struct vipd_instance *inst, uint64_t now)
{
	struct vrrp_fsm_event ev = { 0 };
	char why[96];
	const char *cause = fault_cause(inst, why, sizeof(why));

	if (cause != NULL) {
		snprintf(inst->fault_reason, sizeof(inst->fault_reason), "%s",
		    cause);
		if (inst->fsm.state == VRRP_STATE_FAULT)
			return;
		ev.type = VRRP_EV_FAULT;
		fsm_event(inst, &ev, now);
		return;
	}
	inst->fault_reason[0] = '\0';
	/* The source address may have changed while we were away. */
	memcpy(inst->fsm.cfg.primary_addr, inst_src(inst),
	    ALEN(inst->conf->family));
	if (inst->fsm.state == VRRP_STATE_FAULT ||
	    inst->fsm.state == VRRP_STATE_INIT) {
		ev.type = VRRP_EV_STARTUP;
		fsm_event(inst, &ev, now);
	}
}

void
vipd_instance_shutdown(struct vipd_instance *inst, uint64_t now)
{
	struct vrrp_fsm_event ev = { .type = VRRP_EV_SHUTDOWN };

	snprintf(inst->fault_reason, sizeof(inst->fault_reason), "shutdown");
	fsm_event(inst, &ev, now);
	/* A Master that was faulted has nothing to send, but no VIP either. */
	if (inst->vips_installed)
		vips_del(inst);
	vipd_instance_free(inst);
}

void
vipd_instance_addr_gone(struct vipd_instance *inst, int ifindex,
    const struct nl_addr *a, uint64_t now)
{
	char abuf[INET6_ADDRSTRLEN];
	size_t i;

	if (inst->fsm.state != VRRP_STATE_MASTER || !inst->vips_installed)
		return;
	for (i = 0; i < inst->conf->nvips; i++) {
		const struct conf_vip *v = &inst->conf->vips[i];

		if (v->family != a->family || v->prefixlen != a->prefixlen ||
		    memcmp(v->addr, a->addr, ALEN(v->family)) != 0 ||
		    vip_ifindex(inst, i) != ifindex)
			continue;
		LOGWX(inst, "%s/%u was removed while Master; putting it back",
		    vipd_addr_str(v->family, v->addr, abuf, sizeof(abuf)),
		    v->prefixlen);
		vips_add(inst, true);
		garp_burst(inst);
		loop_timer_set(inst->vipd->loop, &inst->refresh_timer,
		    now + (uint64_t)inst->vipd->vip_lifetime_s * 1000000u / 3);
		return;
	}
}

/* Receive path. */

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

/* Same set of addresses, in any order (keepalived compares sets). */
static bool
same_vips(const struct vipd_instance *inst, const struct vrrp_adv *adv)
{
	size_t alen = ALEN(adv->family), i, k;

	if (adv->naddr != inst->conf->nvips)
		return false;
	for (i = 0; i < adv->naddr; i++) {
		for (k = 0; k < inst->conf->nvips; k++)
			if (memcmp(adv->addrs + i * alen,
			    inst->conf->vips[k].addr, alen) == 0)
				break;
		if (k == inst->conf->nvips)
			return false;
	}
	return true;
}

static int
validate(struct vipd_instance *inst, const struct vrrp_adv *adv,
    const struct vrrp_ipinfo *ip)
{
	const struct conf_instance *c = inst->conf;

	const uint8_t *src = inst_src(inst);
	size_t alen = ALEN(c->family);

	if (ip->ttl != 255)
		return VRRP_PKT_ERR_TTL;
	if (memcmp(ip->dst, group_addr(c->family), alen) != 0)
		return VIPD_DROP_DST;
	if (src != NULL && memcmp(ip->src, src, alen) == 0)
		return VIPD_DROP_OWN;
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

void
vipd_instance_rx(struct vipd_instance *inst, const struct vrrp_adv *adv,
    const struct vrrp_ipinfo *ip, uint64_t now)
{
	struct vrrp_fsm_event ev = { .type = VRRP_EV_ADVERT };
	char abuf[INET6_ADDRSTRLEN];
	uint64_t missed;
	int drop;

	if ((drop = validate(inst, adv, ip)) >= 0) {
		vipd_instance_drop(inst, drop, ip, now);
		return;
	}
	inst->cnt.adverts_received++;
	if (adv->priority == 0)
		inst->cnt.prio0_received++;
	if (!same_vips(inst, adv)) {
		/* RFC 5798 says log; we still follow the advert so that a
		 * misconfigured peer cannot make two hosts Master. */
		inst->cnt.address_list_mismatch++;
		vipd_addr_str(ip->family, ip->src, inst->mismatch_peer,
		    sizeof(inst->mismatch_peer));
		if (log_ratelimit_ok(&inst->rl, now, &missed))
			LOGWX(inst, "advert from %s lists other virtual "
			    "addresses than ours (%u vs %zu)",
			    vipd_addr_str(ip->family, ip->src, abuf,
			    sizeof(abuf)), adv->naddr, inst->conf->nvips);
	}
	if (adv->priority == 255 && inst->fsm.cfg.priority == 255) {
		inst->cnt.drops[VIPD_DROP_OWNER_CONFLICT]++;
		if (log_ratelimit_ok(&inst->rl, now, &missed))
			LOGWX(inst, "%s also claims to own the addresses",
			    vipd_addr_str(ip->family, ip->src, abuf,
			    sizeof(abuf)));
	}
	ev.priority = adv->priority;
	ev.adver_int_cs = adv->interval_cs;
	ev.src = ip->src;
	fsm_event(inst, &ev, now);
}
