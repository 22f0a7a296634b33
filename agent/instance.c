/* SPDX-License-Identifier: ISC */
/* One virtual router: carries out its state machine's actions on the host. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmdline.h"
#include "agent/notifycmd.h"
#include "agent/fifo.h"
#include "agent/health.h"
#include "agent/history.h"
#include "agent/vmac.h"
#include "agent/iface.h"
#include "agent/instance.h"
#include "agent/notify.h"
#include "agent/routes.h"
#include "agent/sync.h"
#include "agent/vips.h"
#include "vrrp/sock.h"

#define ALEN(fam)	vipd_alen(fam)
#define SEC		1000000ULL

static const uint8_t vrrp_group4[16] = { 224, 0, 0, 18 };
static const uint8_t vrrp_group6[16] = { 0xff, 0x02, [15] = 0x12 };

#define LOGI(inst, fmt, ...) log_info("vrid %u on %s: " fmt, \
	(inst)->conf->vrid, (inst)->iface->name, ##__VA_ARGS__)
#define LOGW(inst, fmt, ...) log_warn("vrid %u on %s: " fmt, \
	(inst)->conf->vrid, (inst)->iface->name, ##__VA_ARGS__)
#define LOGWX(inst, fmt, ...) log_warnx("vrid %u on %s: " fmt, \
	(inst)->conf->vrid, (inst)->iface->name, ##__VA_ARGS__)

const uint8_t *
vipd_vrrp_group(int family)
{
	return family == AF_INET6 ? vrrp_group6 : vrrp_group4;
}

const uint8_t *
vipd_instance_src(const struct vipd_instance *inst)
{
	/* A VMAC has no address of its own: the base's is the source. */
	const struct vipd_iface_af *af =
	    &inst->base->af[vipd_afi(inst->conf->family)];

	if (inst->conf->has_unicast_src)
		return inst->conf->unicast_src;
	return af->has_src ? af->src : NULL;
}

static void apply(struct vipd_instance *, const struct vrrp_fsm_result *,
    uint64_t);

/*
 * Whether ev would make inst Master (or, in a sync group, want to be):
 * the pure machine, run on a copy.
 */
static bool
would_take_over(const struct vipd_instance *inst,
    const struct vrrp_fsm_event *ev, uint64_t now)
{
	struct vrrp_fsm f = inst->fsm;
	struct vrrp_fsm_result res;

	if (f.state == VRRP_STATE_MASTER)
		return false;
	vrrp_fsm_handle(&f, ev, now, &res);
	return (res.changed && res.to == VRRP_STATE_MASTER) ||
	    (res.want_master && !inst->fsm.want_master);
}

void
vipd_instance_fsm(struct vipd_instance *inst, const struct vrrp_fsm_event *ev,
    uint64_t now, const char *why)
{
	struct vrrp_fsm_result res;

	/*
	 * A Backup polls its Postfix master slowly: re-read it now, before
	 * the event, so that a master stopped a moment ago fails the check
	 * first (which may move inst, e.g. into FAULT, right here) and the
	 * event then meets the state that results.
	 */
	if (!inst->rereading && would_take_over(inst, ev, now)) {
		inst->rereading = true;
		vipd_health_reread(inst);
		inst->rereading = false;
	}
	inst->why = why;
	vrrp_fsm_handle(&inst->fsm, ev, now, &res);
	apply(inst, &res, now);
	inst->why = NULL;
}

static void
timer_cb(struct loop_timer *t, uint64_t now, void *arg)
{
	struct vrrp_fsm_event ev = { .type = VRRP_EV_TIMER };

	(void)t;
	vipd_instance_fsm(arg, &ev, now, NULL);
}

static uint64_t
refresh_period(const struct vipd_instance *inst)
{
	return (uint64_t)inst->vipd->vip_lifetime_s * SEC / 3;
}

static void
refresh_cb(struct loop_timer *t, uint64_t now, void *arg)
{
	struct vipd_instance *inst = arg;

	if (inst->fsm.state != VRRP_STATE_MASTER)
		return;
	vipd_vips_add(inst, inst->vips_installed);
	vipd_routes_up(inst->vipd, inst->routes, false);	/* failed ones */
	loop_timer_set(inst->vipd->loop, t, now + refresh_period(inst));
}

static void
garp_cb(struct loop_timer *t, uint64_t now, void *arg)
{
	struct vipd_instance *inst = arg;

	(void)t;
	(void)now;
	if (inst->fsm.state == VRRP_STATE_MASTER)
		vipd_vips_announce(inst, inst->conf->garp_master_repeat);
}

static void
garp_refresh_cb(struct loop_timer *t, uint64_t now, void *arg)
{
	struct vipd_instance *inst = arg;

	if (inst->fsm.state != VRRP_STATE_MASTER)
		return;
	vipd_vips_announce(inst, inst->conf->garp_master_refresh_repeat);
	loop_timer_set(inst->vipd->loop, t,
	    now + inst->conf->garp_master_refresh_s * SEC);
}

/*
 * A lower-priority Master exists: after a split heals, its ARP entries in
 * switches and hosts may still be there, so re-announce (keepalived's
 * garp_lower_prio_*).
 */
static void
garp_lower_cb(struct loop_timer *t, uint64_t now, void *arg)
{
	struct vipd_instance *inst = arg;

	(void)t;
	(void)now;
	if (inst->fsm.state == VRRP_STATE_MASTER)
		vipd_vips_announce(inst, inst->conf->garp_lower_prio_repeat);
}

/* Adverts go to the group, or to each unicast peer. */

static void
send_to(struct vipd_instance *inst, int fd, struct vrrp_adv *adv,
    struct vrrp_ipinfo *ip)
{
	const struct conf_instance *c = inst->conf;
	uint8_t buf[VRRP_PKT_MAX];
	uint64_t missed;
	int len;

	len = vrrp_pkt_encode(buf, sizeof(buf), adv, ip,
	    c->version == 2 ? VRRP_CSUM_V2 : VRRP_CSUM_PSEUDO);
	/* keepalived's unicast_ttl; multicast always leaves with 255. */
	if (len < 0 || vrrp_sock_send_ttl(fd, c->family, inst->xif->ifindex,
	    ip->src, ip->dst, ip->ttl == 255 ? -1 : ip->ttl, buf,
	    (size_t)len) < 0) {
		inst->cnt.send_errors++;
		if (log_ratelimit_ok(&inst->rl, loop_now(), &missed))
			LOGW(inst, "cannot send advert");
		return;
	}
	inst->cnt.adverts_sent++;
	if (adv->priority == 0)
		inst->cnt.prio0_sent++;
}

static void
send_advert(struct vipd_instance *inst, uint8_t prio)
{
	const struct conf_instance *c = inst->conf;
	const uint8_t *src = vipd_instance_src(inst);
	int fd = inst->xif->af[vipd_afi(c->family)].fd;
	uint8_t addrs[VRRP_MAX_ADDRS * 16];
	struct vrrp_adv adv = { 0 };
	struct vrrp_ipinfo ip = { 0 };
	size_t i, n = 0;

	if (fd < 0 || src == NULL)
		return;
	/* virtual_ipaddress_excluded is never advertised. */
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
	ip.ttl = c->unicast ? c->unicast_ttl : 255;
	memcpy(ip.src, src, ALEN(c->family));
	if (!c->unicast) {
		memcpy(ip.dst, vipd_vrrp_group(c->family), 16);
		send_to(inst, fd, &adv, &ip);
		return;
	}
	for (i = 0; i < c->npeers; i++) {
		memcpy(ip.dst, c->peers[i].addr, 16);
		send_to(inst, fd, &adv, &ip);
	}
}

/* keepalived's notify_* scripts, in transition order. */
static void
run_notify(struct vipd_instance *inst, enum vrrp_state to)
{
	static const char *const names[] = { "MASTER", "BACKUP", "FAULT",
	    "STOP" };
	struct notify_event ev;
	int k;

	switch (to) {
	case VRRP_STATE_MASTER: k = 0; break;
	case VRRP_STATE_BACKUP: k = 1; break;
	case VRRP_STATE_FAULT: k = 2; break;
	default: k = 3; break;
	}
	vipd_fifo_state(inst->vipd->fifo, inst->conf->name, names[k],
	    inst->fsm.priority);
	if (inst->notify == NULL ||
	    (inst->notify_argv[k] == NULL && inst->notify_argv[4] == NULL))
		return;
	ev.instance = inst->conf->name;
	ev.state = names[k];
	ev.priority = inst->fsm.priority;
	ev.reason = inst->last.reason;
	if (notify_transition(inst->notify, inst->notify_argv[k],
	    inst->notify_argv[4], &ev) < 0)
		LOGW(inst, "notify scripts for %s not queued", names[k]);
}

static void
record_transition(struct vipd_instance *inst, const struct vrrp_fsm_result *res)
{
	const char *why = inst->why;

	if (res->to == VRRP_STATE_FAULT && inst->fault_reason[0])
		why = inst->fault_reason;
	if (why == NULL)
		why = vrrp_reason_str(res->reason);
	inst->last.valid = true;
	inst->last.from = res->from;
	inst->last.to = res->to;
	snprintf(inst->last.reason, sizeof(inst->last.reason), "%s", why);
	clock_gettime(CLOCK_REALTIME, &inst->last.at);
	if (res->to <= VRRP_STATE_FAULT && res->reason < VRRP_REASON_COUNT)
		inst->transitions[res->to][res->reason]++;
	vipd_history_add(inst->vipd->history, VIPD_EV_TRANSITION,
	    inst->conf->name, vrrp_state_name(res->from),
	    vrrp_state_name(res->to), inst->last.reason);
	if (res->to == VRRP_STATE_MASTER)
		inst->cnt.became_master++;
	if (res->reason == VRRP_REASON_HANDOVER)
		snprintf(inst->maintenance_note, sizeof(inst->maintenance_note),
		    "handed over");
	LOGI(inst, "%s -> %s (%s)", vrrp_state_name(res->from),
	    vrrp_state_name(res->to), inst->last.reason);
	run_notify(inst, res->to);
}

/*
 * When another Master has just taken over (a planned handover, or it has
 * the higher priority) our Postfix still works, so we keep answering for a
 * moment: a client's packet already on its way to our MAC is served instead
 * of dropped. The taker's gratuitous ARPs go out before its advert.
 */
#define RELEASE_GRACE_MAX_US	100000u

static bool
graceful(enum vrrp_reason why)
{
	return why == VRRP_REASON_HANDOVER ||
	    why == VRRP_REASON_HIGHER_PRIORITY ||
	    why == VRRP_REASON_EQUAL_PRIORITY_HIGHER_ADDR;
}

static void
release_cb(struct loop_timer *t, uint64_t now, void *arg)
{
	struct vipd_instance *inst = arg;

	(void)t;
	(void)now;
	if (inst->fsm.state != VRRP_STATE_MASTER) {
		vipd_routes_down(inst->vipd, inst->routes);
		vipd_vips_del(inst);
	}
}

static void
release_vips(struct vipd_instance *inst, const struct vrrp_fsm_result *res,
    uint64_t now)
{
	struct loop *l = inst->vipd->loop;
	uint64_t grace = inst->fsm.adver_int_us;

	loop_timer_cancel(l, &inst->refresh_timer);
	loop_timer_cancel(l, &inst->garp_timer);
	loop_timer_cancel(l, &inst->garp_refresh_timer);
	loop_timer_cancel(l, &inst->garp_lower_timer);
	vipd_vips_announce_stop(inst);
	if (res->changed && graceful(res->reason) && inst->vips_installed) {
		if (grace > RELEASE_GRACE_MAX_US)
			grace = RELEASE_GRACE_MAX_US;
		loop_timer_set(l, &inst->release_timer, now + grace);
		return;
	}
	loop_timer_cancel(l, &inst->release_timer);
	vipd_routes_down(inst->vipd, inst->routes);
	vipd_vips_del(inst);
}

/*
 * Another router acts as Master below our priority (a healed split, or a
 * forged takeover): hosts and switches may have learnt its MAC, so announce
 * the addresses now rather than after garp_lower_prio_delay (which still
 * brings a second set, see vipd_instance_rx). A forger repeating takeovers
 * can make them every Skew_Time, so every one is answered, up to a budget
 * (10 bursts, then 10 a second) that keeps a flood of such adverts from
 * making us flood the link.
 */
static void
rival_announce(struct vipd_instance *inst, uint64_t now)
{
	uint64_t missed;

	if (!inst->vips_installed ||
	    !log_ratelimit_ok(&inst->rival_rl, now, &missed))
		return;
	vipd_vips_announce(inst, inst->conf->garp_lower_prio_repeat);
}

/*
 * Carry out the state machine's actions: release, then addresses and
 * their announcements before the advert, so that a Master handing over
 * (which releases on hearing our advert) never leaves a gap.
 */
static void
apply(struct vipd_instance *inst, const struct vrrp_fsm_result *res,
    uint64_t now)
{
	const struct conf_instance *c = inst->conf;
	struct loop *l = inst->vipd->loop;

	if (res->actions & VRRP_ACT_DEL_VIPS)
		release_vips(inst, res, now);
	if (res->actions & VRRP_ACT_ADD_VIPS) {
		loop_timer_cancel(l, &inst->release_timer);
		vipd_vips_add(inst, false);
		/* After the VIPs: a route may use one as its source. */
		vipd_routes_up(inst->vipd, inst->routes, false);
		loop_timer_set(l, &inst->refresh_timer,
		    now + refresh_period(inst));
	}
	if (res->lower_master) {
		inst->cnt.rival_master++;
		rival_announce(inst, now);
	} else if (res->actions & VRRP_ACT_SEND_GARP) {
		vipd_vips_announce(inst, c->garp_master_repeat);
		if (c->garp_master_delay_s > 0)
			loop_timer_set(l, &inst->garp_timer,
			    now + c->garp_master_delay_s * SEC);
		if (c->garp_master_refresh_s > 0)
			loop_timer_set(l, &inst->garp_refresh_timer,
			    now + c->garp_master_refresh_s * SEC);
	}
	if (res->actions & VRRP_ACT_SEND_ADVERT)
		send_advert(inst, inst->fsm.priority);
	if (res->actions & VRRP_ACT_SEND_PRIO0)
		send_advert(inst, 0);
	if (res->prio0_ignored)
		inst->cnt.prio0_ignored++;
	if (res->handover_failed) {
		inst->maintenance = false;
		snprintf(inst->maintenance_note, sizeof(inst->maintenance_note),
		    "no peer took over: still Master, maintenance off");
		LOGWX(inst, "planned handover failed: no healthy peer took "
		    "over; keeping the addresses");
	}
	if (res->changed)
		record_transition(inst, res);
	/* Not when stopping: a reload may be taking instances apart. */
	if (res->changed && (res->from == VRRP_STATE_MASTER ||
	    res->to == VRRP_STATE_MASTER) && res->to != VRRP_STATE_INIT)
		vipd_health_poll_update(inst->vipd);
	loop_timer_set(l, &inst->timer, inst->fsm.deadline);
	vipd_sync_member_moved(inst, res, now);
}

/* Lifecycle. */

/* Its own runner, if it has scripts; the daemon sets the user after. */
static int
notify_runner(struct vipd_instance *inst, const char *const scripts[5])
{
	int k;

	for (k = 0; k < 5 && scripts[k] == NULL; k++)
		;
	if (k == 5)
		return 0;
	inst->notify = notify_new(inst->vipd->loop,
	    inst->conf->notify_script_timeout_s * 1000u);
	if (inst->notify == NULL) {
		log_warn("%s: notify runner", inst->conf->name);
		return -1;
	}
	return 0;
}

int
vipd_instance_init(struct vipd *v, struct vipd_instance *inst,
    const struct conf_instance *c, struct vipd_iface *ifp)
{
	const char *scripts[5] = { c->notify_master, c->notify_backup,
	    c->notify_fault, c->notify_stop, c->notify };
	struct vrrp_fsm_config fc = { 0 };
	char why[256];
	int k;

	memset(inst, 0, sizeof(*inst));
	inst->vipd = v;
	inst->conf = c;
	inst->iface = ifp;
	inst->base = vipd_iface_find(v, c->interface);
	inst->xif = vipd_iface_find(v, vipd_vmac_xmit_ifname(c));
	inst->rl.interval_us = 10 * SEC;	/* bad-packet logs */
	inst->rl.burst = 3;
	inst->collision_rl.interval_us = 60 * SEC;	/* another VR: lasting */
	inst->collision_rl.burst = 1;
	inst->rival_rl.interval_us = SEC / 10;
	inst->rival_rl.burst = 10;
	inst->health_ready = c->ntracks == 0;	/* and see vipd_sync_init */
	loop_timer_init(&inst->timer, timer_cb, inst);
	loop_timer_init(&inst->garp_timer, garp_cb, inst);
	loop_timer_init(&inst->garp_refresh_timer, garp_refresh_cb, inst);
	loop_timer_init(&inst->refresh_timer, refresh_cb, inst);
	loop_timer_init(&inst->garp_lower_timer, garp_lower_cb, inst);
	loop_timer_init(&inst->release_timer, release_cb, inst);
	if (vipd_vips_init(inst) < 0) {
		log_warn("%s", c->name);
		return -1;
	}
	if ((inst->routes = vipd_routes_new(c->name, NULL, 0, c->routes,
	    c->nroutes, c->rules, c->nrules)) == NULL) {
		log_warn("%s: routes", c->name);
		return -1;
	}
	for (k = 0; k < 5; k++) {
		if (scripts[k] == NULL)
			continue;
		if (vipd_notify_argv(scripts[k], &inst->notify_argv[k], why,
		    sizeof(why)) < 0) {
			log_warnx("%s: notify script \"%s\": %s", c->name,
			    scripts[k], why);
			return -1;
		}
	}
	if (notify_runner(inst, scripts) < 0)
		return -1;
	fc.version = c->version;
	fc.family = c->family;
	fc.priority = c->priority;
	fc.adver_int_cs = c->advert_int_cs;
	fc.preempt = !c->nopreempt;
	fc.preempt_delay_us = (uint64_t)c->preempt_delay_ms * 1000u;
	fc.lower_prio_no_advert = c->lower_prio_no_advert;
	fc.higher_prio_send_advert = c->higher_prio_send_advert;
	vrrp_fsm_init(&inst->fsm, &fc);
	return 0;
}

void
vipd_instance_free(struct vipd_instance *inst)
{
	struct loop *l = inst->vipd->loop;
	int k;

	loop_timer_cancel(l, &inst->timer);
	loop_timer_cancel(l, &inst->garp_timer);
	loop_timer_cancel(l, &inst->garp_refresh_timer);
	loop_timer_cancel(l, &inst->refresh_timer);
	loop_timer_cancel(l, &inst->garp_lower_timer);
	loop_timer_cancel(l, &inst->release_timer);
	vipd_vips_announce_stop(inst);
	vipd_vips_free(inst);
	vipd_routes_free(inst->routes);
	inst->routes = NULL;
	for (k = 0; k < 5; k++) {
		cmdline_free(inst->notify_argv[k]);
		inst->notify_argv[k] = NULL;
	}
}

void
vipd_instance_start(struct vipd_instance *inst, uint64_t now)
{
	vipd_instance_link(inst, now);
	vipd_health_apply(inst, now);
}

void
vipd_instance_shutdown(struct vipd_instance *inst, uint64_t now)
{
	struct vrrp_fsm_event ev = { .type = VRRP_EV_SHUTDOWN };

	vipd_instance_fsm(inst, &ev, now, "shutdown");
	/* A faulted Master has nothing to send, but no VIP either. */
	vipd_routes_down(inst->vipd, inst->routes);
	if (inst->vips_installed)
		vipd_vips_del(inst);
	vipd_instance_free(inst);
	inst->sync = NULL;	/* its group may go before it (reload) */
}

void
vipd_instance_addr_gone(struct vipd_instance *inst, int ifindex,
    const struct nl_addr *a, uint64_t now)
{
	char abuf[INET6_ADDRSTRLEN];
	uint64_t missed;

	if (inst->fsm.state != VRRP_STATE_MASTER || !inst->vips_installed ||
	    !vipd_vips_match(inst, ifindex, a))
		return;
	/* Someone deleting it in a loop must not flood the log. */
	if (log_ratelimit_ok(&inst->vip_rl, now, &missed))
		LOGWX(inst, "%s was removed while Master; putting it back",
		    vipd_addr_str(a->family, a->addr, abuf, sizeof(abuf)));
	vipd_vips_add(inst, true);
	/* The kernel flushed the routes that had it as their source. */
	vipd_routes_up(inst->vipd, inst->routes, true);
	vipd_vips_announce(inst, inst->conf->garp_master_repeat);
	loop_timer_set(inst->vipd->loop, &inst->refresh_timer,
	    now + refresh_period(inst));
}
