/* SPDX-License-Identifier: ISC */
/* Pure VRRP v2/v3 state machine (RFC 5798/9568 §6.4): events in, actions out */
#ifndef VIPD_VRRP_FSM_H
#define VIPD_VRRP_FSM_H

#include <stdbool.h>
#include <stdint.h>

/*
 * One instance per virtual router. The caller owns the storage, feeds it
 * events with the current CLOCK_MONOTONIC time in microseconds, carries out
 * the returned actions and delivers VRRP_EV_TIMER once fsm->deadline has
 * passed. There is one deadline: Master_Down_Timer in BACKUP, Adver_Timer
 * in MASTER, none (0) in INIT and FAULT. No syscalls, logging or allocation.
 *
 * Timers are kept in µs and never rounded to centiseconds:
 *   v3: Skew_Time = ((256 - priority) * Master_Adver_Interval) / 256
 *   v2: Skew_Time = ((256 - priority) * 1 s) / 256, and Master_Adver_Interval
 *       is always the local interval (v2 does not learn it)
 *   Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time
 * where priority is the local effective priority.
 */

/* The priority of a router that resigned for health but stays a candidate. */
#define VRRP_PRIO_LAST_RESORT	1

enum vrrp_state {
	VRRP_STATE_INIT,
	VRRP_STATE_BACKUP,
	VRRP_STATE_MASTER,
	VRRP_STATE_FAULT,
};

/* "INIT", "BACKUP", "MASTER", "FAULT"; "UNKNOWN" out of range. */
const char *vrrp_state_name(enum vrrp_state);

struct vrrp_fsm_config {
	uint8_t version;	/* 2 or 3 */
	int family;		/* AF_INET or AF_INET6 */
	uint8_t priority;	/* base priority 1..255; 255 = address owner */
	/* Advertisement_Interval, cs (v2: a multiple of 100); 0 reads as 1. */
	uint32_t adver_int_cs;
	bool preempt;		/* false = nopreempt; owner always preempts */
	/* Wait this long after first hearing a lower-priority Master. */
	uint64_t preempt_delay_us;
	/* The source address we transmit from, for the equal-priority tie. */
	uint8_t primary_addr[16];
	/* keepalived's lower_prio_no_advert: a Master does not answer a
	 * lower-priority advert at once (RFC 5798 behaviour). */
	bool lower_prio_no_advert;
	/* keepalived's higher_prio_send_advert: a Master yielding to a higher
	 * priority sends one last advert, so that the new Master re-announces
	 * the addresses (heals ARP caches after a split). */
	bool higher_prio_send_advert;
	/* Member of a sync group (keepalived's vrrp_sync_group): when
	 * Master_Down_Timer expires it does not take over but asks, with
	 * res.want_master, and re-arms the timer; the caller lets it (and
	 * the group) take over with VRRP_EV_SYNC_MASTER once every member
	 * wants to, so that a group never ends up split across routers. */
	bool sync;
};

enum vrrp_fsm_event_type {
	VRRP_EV_STARTUP,	/* start; also leaves FAULT (link back up) */
	VRRP_EV_SHUTDOWN,	/* daemon stopping */
	VRRP_EV_TIMER,		/* fsm->deadline passed; early ones ignored */
	VRRP_EV_ADVERT,		/* valid advert for this VR (caller checked) */
	VRRP_EV_FAULT,		/* interface down, health fault: go FAULT */
	VRRP_EV_PRIORITY,	/* effective priority is now .priority */
	/*
	 * Planned handover (maintenance): a Master advertises priority 0 but
	 * keeps its VIPs until another router's advert shows it has taken
	 * over, so service has no gap. If none does within
	 * Master_Down_Interval, or the taker advertises priority
	 * VRRP_PRIO_LAST_RESORT or less (a router that resigned for health),
	 * it stays or becomes Master again at its former priority and
	 * res.handover_failed is set. After a handover (or this event outside
	 * MASTER) the effective priority is 0, so the router stays out of the
	 * election until the caller restores it with VRRP_EV_PRIORITY.
	 */
	VRRP_EV_HANDOVER,
	/*
	 * Sync groups (cfg.sync). SYNC_MASTER: BACKUP becomes MASTER now, as
	 * on Master_Down_Timer, unless its priority is 0. SYNC_BACKUP: MASTER
	 * resigns (priority-0 advert, VIPs dropped) and goes BACKUP, because
	 * another member of its group lost mastership.
	 */
	VRRP_EV_SYNC_MASTER,
	VRRP_EV_SYNC_BACKUP,
};

struct vrrp_fsm_event {
	enum vrrp_fsm_event_type type;
	/* ADVERT: the sender's priority; PRIORITY: new effective priority. */
	uint8_t priority;
	/* ADVERT: the sender's Max Adver Int, cs (v3 learns it; 0: not). */
	uint32_t adver_int_cs;
	/* ADVERT: IP source, 4 or 16 bytes by family; NULL: event ignored. */
	const uint8_t *src;
};

/*
 * Bit flags. The agent deletes VIPs first and adds them before it
 * advertises, so a Master handing over never releases before the taker
 * holds them; GARP/NA go last.
 */
enum vrrp_fsm_action {
	VRRP_ACT_DEL_VIPS = 1 << 0,
	VRRP_ACT_SEND_ADVERT = 1 << 1,	/* advert with fsm->priority */
	VRRP_ACT_SEND_PRIO0 = 1 << 2,	/* advert with priority 0 (resign) */
	VRRP_ACT_ADD_VIPS = 1 << 3,
	VRRP_ACT_SEND_GARP = 1 << 4,	/* GARP / unsolicited NA per VIP */
};

/* Why the last transition happened. */
enum vrrp_reason {
	VRRP_REASON_NONE,
	VRRP_REASON_STARTUP,		/* INIT -> BACKUP */
	VRRP_REASON_FAULT_CLEARED,	/* FAULT -> BACKUP */
	VRRP_REASON_OWNER,		/* INIT/FAULT -> MASTER, priority 255 */
	VRRP_REASON_MASTER_DOWN,	/* BACKUP -> MASTER: Master silent */
	VRRP_REASON_MASTER_RESIGNED,	/* BACKUP -> MASTER: priority 0 heard */
	VRRP_REASON_PREEMPT,		/* BACKUP -> MASTER over a live lower */
	VRRP_REASON_HIGHER_PRIORITY,	/* MASTER -> BACKUP */
	VRRP_REASON_EQUAL_PRIORITY_HIGHER_ADDR, /* MASTER -> BACKUP: tie lost */
	VRRP_REASON_PRIORITY_ZERO,	/* MASTER -> BACKUP: own priority 0 */
	VRRP_REASON_SHUTDOWN,		/* -> INIT */
	VRRP_REASON_FAULT,		/* -> FAULT */
	VRRP_REASON_HANDOVER,		/* MASTER -> BACKUP: planned handover done */
	VRRP_REASON_SYNC,		/* its sync group moved (SYNC_* events) */
	VRRP_REASON_COUNT
};

/* Human text, e.g. "master down timer expired"; "unknown" out of range. */
const char *vrrp_reason_str(enum vrrp_reason);

/* All state of one virtual router; read-only for the caller. */
struct vrrp_fsm {
	struct vrrp_fsm_config cfg;
	enum vrrp_state state;
	enum vrrp_reason reason;	/* of the last transition */
	uint8_t priority;		/* effective: owner 255, else 0..254 */
	uint64_t adver_int_us;		/* local Advertisement_Interval */
	/* Learned in v3 BACKUP; the local interval in v2 and in MASTER. */
	uint64_t master_adver_int_us;
	uint64_t deadline;		/* 0 = none; VRRP_EV_TIMER due then */
	/* Who we think is Master (we, in MASTER); zero past the family. */
	uint8_t master_addr[16];
	bool master_known;
	uint8_t master_priority;
	/* BACKUP bookkeeping for preemption and the reason of a takeover. */
	bool preempt_pending;		/* preempt_delay runs since _since */
	uint64_t preempt_since;
	bool preempt_discarded;		/* lower adverts discarded */
	bool handover;			/* MASTER handing over (VRRP_EV_HANDOVER) */
	uint8_t handover_prio;		/* priority to go back to if it fails */
	bool master_resigned;		/* priority 0 heard */
	/* cfg.sync: Master_Down_Timer expired, waiting for the group. */
	bool want_master;
	enum vrrp_reason want_reason;	/* the takeover's, when allowed */
};

struct vrrp_fsm_result {
	unsigned actions;		/* VRRP_ACT_* */
	bool changed;			/* from != to */
	enum vrrp_state from, to;
	enum vrrp_reason reason;	/* VRRP_REASON_NONE unless changed */
	uint64_t deadline;		/* fsm->deadline after the event */
	bool handover_failed;		/* no router took over in time */
	/* BACKUP: a priority-0 advert not from the Master we follow. */
	bool prio0_ignored;
	/* MASTER: a lower-priority router advertised as Master. */
	bool lower_master;
	/* cfg.sync BACKUP: the timer expired; fsm->want_master is set. */
	bool want_master;
};

/* Set up in INIT with no deadline and the configured priority. */
void vrrp_fsm_init(struct vrrp_fsm *, const struct vrrp_fsm_config *);

/*
 * Feed one event at time now (µs, CLOCK_MONOTONIC); res is always filled.
 * Events that do not apply to the current state are ignored (no actions,
 * deadline unchanged). Choices beyond the RFC:
 *  - An advert whose source equals cfg.primary_addr is our own looped back
 *    and is ignored in every state.
 *  - MASTER re-arms Adver_Timer from the old deadline (no drift), or from
 *    now if it is more than an interval late. It sends an advert at once on a
 *    lower-priority or equal-priority-lower-address advert (RFC 9568).
 *  - A non-owner's effective priority is clamped to 254; the owner's stays
 *    255 whatever PRIORITY events say (use VRRP_EV_FAULT for the owner).
 *  - A priority-0 advert is honoured in BACKUP only from the Master last
 *    accepted (master_addr); from any other source it is ignored and
 *    res.prio0_ignored is set, so a forged one cannot cut the timer.
 *  - MASTER hearing a lower-priority advert (another router acting as
 *    Master) asks for GARP/NA at once (VRRP_ACT_SEND_GARP, res.lower_master)
 *    besides the advert; the caller paces repeats.
 *  - Priority 0 means "not eligible": going to 0 in MASTER sends a priority-0
 *    advert, drops the VIPs and goes BACKUP (deadline now + MDI); a BACKUP at
 *    priority 0 accepts every advert and re-arms instead of taking over.
 *  - A priority change in BACKUP leaves the running timer alone (the next
 *    advert uses the new Skew_Time). Raising it above the Master's lets the
 *    next lower-priority advert be discarded, so the timer expires (PREEMPT).
 *    Lowering it so the Master wins again cancels a pending preemption and
 *    re-arms now + MDI, since the discarded adverts did not reset the timer.
 *  - preempt_delay_us (not the owner): the first lower-priority advert starts
 *    the delay; until it ends such adverts count as accepted but the deadline
 *    is min(now + MDI, start + delay), so takeover is exactly at the end.
 *  - A learned v3 interval of 0 is ignored (keeps the previous value).
 *  - MASTER -> FAULT sends a priority-0 advert too: useful when the fault is
 *    a health fault, harmless when the link is down.
 *  - SHUTDOWN in FAULT goes to INIT with no actions; STARTUP from INIT or
 *    FAULT always restarts from the local interval.
 */
void vrrp_fsm_handle(struct vrrp_fsm *, const struct vrrp_fsm_event *,
    uint64_t now, struct vrrp_fsm_result *res);

/* Skew_Time and Master_Down_Interval in µs for the current state. */
uint64_t vrrp_fsm_skew_us(const struct vrrp_fsm *);
uint64_t vrrp_fsm_master_down_us(const struct vrrp_fsm *);

#endif
