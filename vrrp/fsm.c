/* SPDX-License-Identifier: ISC */
/* Pure VRRP state machine: handlers indexed by state and event; µs timers. */
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "vrrp/fsm.h"

#define US_PER_CS	10000ULL
#define US_PER_S	1000000ULL
#define PRIO_OWNER	255

static const char *const state_names[] = {
	[VRRP_STATE_INIT] = "INIT",
	[VRRP_STATE_BACKUP] = "BACKUP",
	[VRRP_STATE_MASTER] = "MASTER",
	[VRRP_STATE_FAULT] = "FAULT",
};

static const char *const reason_strs[VRRP_REASON_COUNT] = {
	[VRRP_REASON_NONE] = "none",
	[VRRP_REASON_STARTUP] = "startup",
	[VRRP_REASON_FAULT_CLEARED] = "fault cleared",
	[VRRP_REASON_OWNER] = "address owner (priority 255)",
	[VRRP_REASON_MASTER_DOWN] = "master down timer expired",
	[VRRP_REASON_MASTER_RESIGNED] = "master resigned (priority 0 advert)",
	[VRRP_REASON_PREEMPT] = "preempted lower priority master",
	[VRRP_REASON_HIGHER_PRIORITY] = "higher priority advert",
	[VRRP_REASON_EQUAL_PRIORITY_HIGHER_ADDR] =
	    "equal priority advert from higher address",
	[VRRP_REASON_PRIORITY_ZERO] = "own priority dropped to 0",
	[VRRP_REASON_SHUTDOWN] = "shutdown",
	[VRRP_REASON_FAULT] = "fault",
	[VRRP_REASON_HANDOVER] = "handed over (maintenance)",
	[VRRP_REASON_SYNC] = "sync group",
};

const char *
vrrp_state_name(enum vrrp_state s)
{
	if ((unsigned)s >= sizeof(state_names) / sizeof(state_names[0]))
		return "UNKNOWN";
	return state_names[s];
}

const char *
vrrp_reason_str(enum vrrp_reason r)
{
	if ((unsigned)r >= VRRP_REASON_COUNT)
		return "unknown";
	return reason_strs[r];
}

/* ---- Timers ---- */

uint64_t
vrrp_fsm_skew_us(const struct vrrp_fsm *f)
{
	/* v2 skew is in seconds regardless of the interval (RFC 3768 §6.1). */
	uint64_t base = f->cfg.version == 2 ? US_PER_S : f->master_adver_int_us;

	return ((256 - (uint64_t)f->priority) * base) / 256;
}

uint64_t
vrrp_fsm_master_down_us(const struct vrrp_fsm *f)
{
	return 3 * f->master_adver_int_us + vrrp_fsm_skew_us(f);
}

static size_t
addr_len(const struct vrrp_fsm *f)
{
	return f->cfg.family == AF_INET6 ? 16 : 4;
}

/* Unsigned, network byte order (RFC 9568 §6.4.3). */
static int
addr_cmp(const struct vrrp_fsm *f, const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, addr_len(f));
}

/* Family-length copy: the rest stays zero from init, so it compares whole. */
static void
set_master(struct vrrp_fsm *f, const uint8_t *addr, uint8_t prio)
{
	memcpy(f->master_addr, addr, addr_len(f));
	f->master_priority = prio;
	f->master_known = true;
}

static uint8_t
clamp_priority(const struct vrrp_fsm *f, uint8_t want)
{
	if (f->cfg.priority == PRIO_OWNER)
		return PRIO_OWNER;
	return want == PRIO_OWNER ? PRIO_OWNER - 1 : want;
}

/* ---- Helpers shared by the handlers ---- */

static void
clear_preempt(struct vrrp_fsm *f)
{
	f->preempt_pending = false;
	f->preempt_since = 0;
	f->preempt_discarded = false;
}

static void
enter(struct vrrp_fsm *f, enum vrrp_state to, enum vrrp_reason why,
    struct vrrp_fsm_result *res)
{
	res->changed = true;
	res->to = to;
	res->reason = why;
	f->state = to;
	f->reason = why;
	f->master_resigned = false;
	f->handover = false;
	f->want_master = false;
	clear_preempt(f);
	if (to == VRRP_STATE_MASTER) {
		/* We are the Master: our interval is the Master's interval. */
		f->master_adver_int_us = f->adver_int_us;
		set_master(f, f->cfg.primary_addr, f->priority);
	} else {
		f->master_known = false;
	}
	if (to == VRRP_STATE_INIT || to == VRRP_STATE_FAULT)
		f->deadline = 0;
}

static void
become_master(struct vrrp_fsm *f, enum vrrp_reason why, uint64_t now,
    struct vrrp_fsm_result *res)
{
	enter(f, VRRP_STATE_MASTER, why, res);
	res->actions |= VRRP_ACT_SEND_ADVERT | VRRP_ACT_ADD_VIPS |
	    VRRP_ACT_SEND_GARP;
	f->deadline = now + f->adver_int_us;
}

static void
learn_interval(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev)
{
	if (f->cfg.version == 3 && ev->adver_int_cs != 0)
		f->master_adver_int_us = ev->adver_int_cs * US_PER_CS;
}

/* Leaving MASTER: priority-0 advert and VIP removal where asked. */
static unsigned
leave_master_actions(const struct vrrp_fsm *f, bool resign)
{
	if (f->state != VRRP_STATE_MASTER)
		return 0;
	return VRRP_ACT_DEL_VIPS | (resign ? VRRP_ACT_SEND_PRIO0 : 0);
}

/* ---- INIT and FAULT ---- */

static void
on_startup(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev, uint64_t now,
    struct vrrp_fsm_result *res)
{
	(void)ev;
	if (f->priority == PRIO_OWNER) {
		become_master(f, VRRP_REASON_OWNER, now, res);
		return;
	}
	enter(f, VRRP_STATE_BACKUP, f->state == VRRP_STATE_FAULT ?
	    VRRP_REASON_FAULT_CLEARED : VRRP_REASON_STARTUP, res);
	f->master_adver_int_us = f->adver_int_us;
	f->deadline = now + vrrp_fsm_master_down_us(f);
}

static void
on_shutdown(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev, uint64_t now,
    struct vrrp_fsm_result *res)
{
	(void)ev;
	(void)now;
	res->actions |= leave_master_actions(f, true);
	enter(f, VRRP_STATE_INIT, VRRP_REASON_SHUTDOWN, res);
}

static void
on_fault(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev, uint64_t now,
    struct vrrp_fsm_result *res)
{
	(void)ev;
	(void)now;
	res->actions |= leave_master_actions(f, true);
	enter(f, VRRP_STATE_FAULT, VRRP_REASON_FAULT, res);
}

static void
on_priority_idle(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
    uint64_t now, struct vrrp_fsm_result *res)
{
	(void)now;
	(void)res;
	f->priority = clamp_priority(f, ev->priority);
}

/* ---- BACKUP ---- */

static void
backup_timer(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
    uint64_t now, struct vrrp_fsm_result *res)
{
	enum vrrp_reason why = VRRP_REASON_MASTER_DOWN;

	(void)ev;
	if (now < f->deadline)
		return;
	if (f->priority == 0) {
		/* Not eligible: keep watching instead of taking over. */
		f->deadline = now + vrrp_fsm_master_down_us(f);
		return;
	}
	if (f->preempt_discarded || (f->preempt_pending &&
	    now >= f->preempt_since + f->cfg.preempt_delay_us))
		why = VRRP_REASON_PREEMPT;
	else if (f->master_resigned)
		why = VRRP_REASON_MASTER_RESIGNED;
	if (f->cfg.sync) {
		/* keepalived: wait for the group, re-arming the timer. */
		f->want_master = true;
		f->want_reason = why;
		res->want_master = true;
		f->deadline = now + vrrp_fsm_master_down_us(f);
		return;
	}
	become_master(f, why, now, res);
}

static void
backup_sync_master(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
    uint64_t now, struct vrrp_fsm_result *res)
{
	(void)ev;
	if (f->priority == 0)
		return;
	become_master(f, f->want_master ? f->want_reason : VRRP_REASON_SYNC,
	    now, res);
}

static void
master_sync_backup(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
    uint64_t now, struct vrrp_fsm_result *res)
{
	(void)ev;
	res->actions |= leave_master_actions(f, true);
	enter(f, VRRP_STATE_BACKUP, VRRP_REASON_SYNC, res);
	f->master_adver_int_us = f->adver_int_us;
	f->deadline = now + vrrp_fsm_master_down_us(f);
}

/* An advert that (re)confirms the Master: learn, reset Master_Down_Timer. */
static void
backup_accept(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
    uint64_t now)
{
	set_master(f, ev->src, ev->priority);
	learn_interval(f, ev);
	f->master_resigned = false;
	f->want_master = false;
	f->deadline = now + vrrp_fsm_master_down_us(f);
}

static void
backup_advert(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
    uint64_t now, struct vrrp_fsm_result *res)
{
	bool preempt = f->cfg.preempt || f->priority == PRIO_OWNER;
	uint64_t end;

	if (ev->priority == 0) {
		/*
		 * Only the Master we follow can resign: anyone else's
		 * priority 0 (forged, or a stray router) would cut our timer
		 * to Skew_Time and make us take the VIPs from a live Master.
		 */
		if (!f->master_known ||
		    addr_cmp(f, ev->src, f->master_addr) != 0) {
			res->prio0_ignored = true;
			return;
		}
		clear_preempt(f);
		f->master_known = false;
		f->master_resigned = true;
		f->deadline = now + vrrp_fsm_skew_us(f);
		return;
	}
	if (!preempt || ev->priority >= f->priority) {
		clear_preempt(f);
		backup_accept(f, ev, now);
		return;
	}
	/* A live lower-priority Master: we will preempt it. */
	set_master(f, ev->src, ev->priority);
	if (f->cfg.preempt_delay_us > 0 && f->priority != PRIO_OWNER) {
		if (!f->preempt_pending) {
			f->preempt_pending = true;
			f->preempt_since = now;
		}
		end = f->preempt_since + f->cfg.preempt_delay_us;
		if (now < end) {
			backup_accept(f, ev, now);
			if (f->deadline > end)
				f->deadline = end;
			return;
		}
	}
	/* Discard: Master_Down_Timer keeps running and we take over. */
	f->preempt_discarded = true;
}

static void
backup_priority(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
    uint64_t now, struct vrrp_fsm_result *res)
{
	(void)res;
	f->priority = clamp_priority(f, ev->priority);
	if (f->priority == 0)
		f->want_master = false;	/* not eligible any more */
	/*
	 * Either flag means Preempt_Mode is on and master_priority is that of
	 * a live Master whose adverts we have been discarding.
	 */
	if (!f->preempt_pending && !f->preempt_discarded)
		return;
	if (f->master_priority >= f->priority) {
		/* The Master wins again; discarded adverts did not re-arm. */
		clear_preempt(f);
		f->want_master = false;
		f->deadline = now + vrrp_fsm_master_down_us(f);
	}
}

/* ---- MASTER ---- */

static void
master_readvertise(struct vrrp_fsm *f, uint64_t now,
    struct vrrp_fsm_result *res)
{
	res->actions |= VRRP_ACT_SEND_ADVERT;
	f->deadline = now + f->adver_int_us;
}

/* Nobody (fit) took over: keep serving, say so, advertise again. */
static void
handover_failed(struct vrrp_fsm *f, uint64_t now, struct vrrp_fsm_result *res)
{
	f->handover = false;
	f->priority = f->handover_prio;
	res->handover_failed = true;
	master_readvertise(f, now, res);
}

static void
master_timer(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
    uint64_t now, struct vrrp_fsm_result *res)
{
	(void)ev;
	if (now < f->deadline)
		return;
	if (f->handover) {
		handover_failed(f, now, res);
		return;
	}
	res->actions |= VRRP_ACT_SEND_ADVERT;
	/* Stay on the original schedule unless a whole interval was missed. */
	f->deadline += f->adver_int_us;
	if (f->deadline <= now)
		f->deadline = now + f->adver_int_us;
}

static void
master_advert(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
    uint64_t now, struct vrrp_fsm_result *res)
{
	enum vrrp_reason why;

	if (ev->priority == 0) {
		/* Handing over: silence, or the taker's timer is reset. */
		if (!f->handover)
			master_readvertise(f, now, res);
		return;
	}
	if (f->handover && ev->priority <= VRRP_PRIO_LAST_RESORT) {
		/*
		 * The taker is itself a last-resort candidate (it resigned for
		 * health): it serves worse than we do. Take the VIP back; our
		 * advert makes it yield, our GARPs undo its own.
		 */
		handover_failed(f, now, res);
		res->actions |= VRRP_ACT_SEND_GARP;
		res->lower_master = true;
		return;
	}
	if (f->handover)
		why = VRRP_REASON_HANDOVER;
	else if (ev->priority > f->priority)
		why = VRRP_REASON_HIGHER_PRIORITY;
	else if (ev->priority == f->priority &&
	    addr_cmp(f, ev->src, f->cfg.primary_addr) > 0)
		why = VRRP_REASON_EQUAL_PRIORITY_HIGHER_ADDR;
	else {
		/*
		 * Another router thinks it is Master (a split, or a forged
		 * takeover): hosts and switches may have followed its GARPs,
		 * so re-announce the addresses now, and (RFC 9568) answer
		 * with an advert so that it yields at once.
		 */
		res->actions |= VRRP_ACT_SEND_GARP;
		res->lower_master = true;
		if (!f->cfg.lower_prio_no_advert)
			master_readvertise(f, now, res);
		return;
	}
	res->actions |= leave_master_actions(f, false);
	if (f->cfg.higher_prio_send_advert && why != VRRP_REASON_HANDOVER)
		res->actions |= VRRP_ACT_SEND_ADVERT;
	enter(f, VRRP_STATE_BACKUP, why, res);
	backup_accept(f, ev, now);
}

static void
master_priority(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
    uint64_t now, struct vrrp_fsm_result *res)
{
	uint8_t prio = clamp_priority(f, ev->priority);

	if (prio == f->priority || f->handover)
		return;
	f->priority = prio;
	if (prio == 0) {
		res->actions |= leave_master_actions(f, true);
		enter(f, VRRP_STATE_BACKUP, VRRP_REASON_PRIORITY_ZERO, res);
		f->deadline = now + vrrp_fsm_master_down_us(f);
		return;
	}
	f->master_priority = prio;
	master_readvertise(f, now, res);
}

/*
 * Priority 0 tells Backups to take over after Skew_Time; the VIPs stay
 * until the new Master's advert arrives (master_advert), so there is no gap.
 */
static void
master_handover(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
    uint64_t now, struct vrrp_fsm_result *res)
{
	(void)ev;
	if (f->handover || f->priority == PRIO_OWNER)
		return;
	f->handover = true;
	f->handover_prio = f->priority;
	f->priority = 0;
	res->actions |= VRRP_ACT_SEND_PRIO0;
	f->deadline = now + vrrp_fsm_master_down_us(f);
}

/* Not Master: nothing to hand over, but stay out of the election. */
static void
idle_handover(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
    uint64_t now, struct vrrp_fsm_result *res)
{
	struct vrrp_fsm_event pe = { .type = VRRP_EV_PRIORITY, .priority = 0 };

	(void)ev;
	if (f->state == VRRP_STATE_BACKUP)
		backup_priority(f, &pe, now, res);
	else
		on_priority_idle(f, &pe, now, res);
}

/* ---- Dispatch ---- */

#define N_STATES	(VRRP_STATE_FAULT + 1)
#define N_EVENTS	(VRRP_EV_SYNC_BACKUP + 1)

/* NULL: the event is ignored in that state. */
static void (*const handlers[N_STATES][N_EVENTS])(struct vrrp_fsm *,
    const struct vrrp_fsm_event *, uint64_t, struct vrrp_fsm_result *) = {
	[VRRP_STATE_INIT] = {
		[VRRP_EV_STARTUP] = on_startup,
		[VRRP_EV_FAULT] = on_fault,
		[VRRP_EV_PRIORITY] = on_priority_idle,
		[VRRP_EV_HANDOVER] = idle_handover,
	},
	[VRRP_STATE_BACKUP] = {
		[VRRP_EV_SHUTDOWN] = on_shutdown,
		[VRRP_EV_TIMER] = backup_timer,
		[VRRP_EV_ADVERT] = backup_advert,
		[VRRP_EV_FAULT] = on_fault,
		[VRRP_EV_PRIORITY] = backup_priority,
		[VRRP_EV_HANDOVER] = idle_handover,
		[VRRP_EV_SYNC_MASTER] = backup_sync_master,
	},
	[VRRP_STATE_MASTER] = {
		[VRRP_EV_SHUTDOWN] = on_shutdown,
		[VRRP_EV_TIMER] = master_timer,
		[VRRP_EV_ADVERT] = master_advert,
		[VRRP_EV_FAULT] = on_fault,
		[VRRP_EV_PRIORITY] = master_priority,
		[VRRP_EV_HANDOVER] = master_handover,
		[VRRP_EV_SYNC_BACKUP] = master_sync_backup,
	},
	[VRRP_STATE_FAULT] = {
		[VRRP_EV_STARTUP] = on_startup,
		[VRRP_EV_SHUTDOWN] = on_shutdown,
		[VRRP_EV_PRIORITY] = on_priority_idle,
		[VRRP_EV_HANDOVER] = idle_handover,
	},
};

void
vrrp_fsm_init(struct vrrp_fsm *f, const struct vrrp_fsm_config *cfg)
{
	uint32_t cs = cfg->adver_int_cs ? cfg->adver_int_cs : 1;

	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	f->state = VRRP_STATE_INIT;
	f->reason = VRRP_REASON_NONE;
	f->priority = cfg->priority;
	f->adver_int_us = cs * US_PER_CS;
	f->master_adver_int_us = f->adver_int_us;
}

void
vrrp_fsm_handle(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
    uint64_t now, struct vrrp_fsm_result *res)
{
	void (*fn)(struct vrrp_fsm *, const struct vrrp_fsm_event *, uint64_t,
	    struct vrrp_fsm_result *) = NULL;

	memset(res, 0, sizeof(*res));
	res->from = res->to = f->state;
	res->reason = VRRP_REASON_NONE;
	if ((unsigned)f->state < N_STATES && (unsigned)ev->type < N_EVENTS)
		fn = handlers[f->state][ev->type];
	/* Our own advert looped back must not count as another router's. */
	if (ev->type == VRRP_EV_ADVERT && (!ev->src ||
	    addr_cmp(f, ev->src, f->cfg.primary_addr) == 0))
		fn = NULL;
	if (fn)
		fn(f, ev, now, res);
	res->changed = res->from != res->to;
	res->deadline = f->deadline;
}
