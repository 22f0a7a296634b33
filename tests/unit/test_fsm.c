/* SPDX-License-Identifier: ISC */
/* Unit tests for vrrp/fsm.c: each RFC 5798/9568 §6.4 transition, fake clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "vrrp/fsm.h"

#define SEC	1000000ULL
#define T0	(1000 * SEC)	/* arbitrary non-zero boot time */
#define MDI100	3609375ULL	/* Master_Down_Interval: priority 100, 100 cs */
#define ANY	UINT64_MAX	/* deadline not checked */
#define ANNOUNCE (VRRP_ACT_SEND_ADVERT | VRRP_ACT_ADD_VIPS | VRRP_ACT_SEND_GARP)
#define RESIGN	(VRRP_ACT_DEL_VIPS | VRRP_ACT_SEND_PRIO0)
#define ADVERT	VRRP_ACT_SEND_ADVERT
#define ST(s)	VRRP_STATE_##s
#define RS(r)	VRRP_REASON_##r

static const uint8_t OURS[4] = { 10, 0, 0, 100 };
static const uint8_t PEER[4] = { 10, 0, 0, 50 };

/* Per-test fixture; setup() makes c: v3, priority 100, 100 cs, preempt. */
struct fx {
	struct vrrp_fsm_config c;
	struct vrrp_fsm f;
	struct vrrp_fsm_result r;
};

static void cfg_make(struct vrrp_fsm_config *c, uint8_t version, uint8_t prio,
		     uint32_t cs)
{
	memset(c, 0, sizeof(*c));
	c->version = version;
	c->family = AF_INET;
	c->priority = prio;
	c->adver_int_cs = cs;
	c->preempt = true;
	memcpy(c->primary_addr, OURS, sizeof(OURS));
}

static int setup(void **state)
{
	struct fx *x = test_calloc(1, sizeof(*x));

	cfg_make(&x->c, 3, 100, 100);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	test_free(*state);
	return 0;
}

static const struct vrrp_fsm_result *feed(struct fx *x,
					  struct vrrp_fsm_event e, uint64_t now)
{
	vrrp_fsm_handle(&x->f, &e, now, &x->r);
	return &x->r;
}

/* ev(x, type, now); adv(x, now, prio, cs, src); prio(x, now, p) */
#define ev(x, ty, now) feed(x, (struct vrrp_fsm_event){ .type = (ty) }, now)
#define adv(x, now, p, cs, source)					\
	feed(x, (struct vrrp_fsm_event){ .type = VRRP_EV_ADVERT,	\
	     .priority = (p), .adver_int_cs = (cs), .src = (source) }, now)
#define prio(x, now, p)							\
	feed(x, (struct vrrp_fsm_event){ .type = VRRP_EV_PRIORITY,	\
	     .priority = (p) }, now)

/* Exactly these actions, end state, reason (RS(NONE): no transition). */
static void expect(const struct vrrp_fsm_result *r, unsigned actions,
		   enum vrrp_state to, enum vrrp_reason why, uint64_t deadline)
{
	assert_int_equal(r->actions, actions);
	assert_int_equal(r->to, to);
	assert_int_equal(r->reason, why);
	assert_int_equal(r->changed, why != RS(NONE));
	assert_int_equal(r->changed, r->from != r->to);
	if (deadline != ANY)
		assert_int_equal(r->deadline, deadline);
}

/* No actions and no transition. */
static void quiet(const struct vrrp_fsm_result *r, uint64_t deadline)
{
	expect(r, 0, r->from, RS(NONE), deadline);
}

/* BACKUP at T0 from x->c. */
static void boot_backup(struct fx *x)
{
	vrrp_fsm_init(&x->f, &x->c);
	ev(x, VRRP_EV_STARTUP, T0);
	assert_int_equal(x->f.state, ST(BACKUP));
	assert_int_equal(x->f.deadline, T0 + vrrp_fsm_master_down_us(&x->f));
}

/* BACKUP at T0, then MASTER when the down timer fires; returns that time. */
static uint64_t boot_master(struct fx *x)
{
	uint64_t t;

	boot_backup(x);
	t = x->f.deadline;
	ev(x, VRRP_EV_TIMER, t);
	assert_int_equal(x->f.state, ST(MASTER));
	return t;
}

static void check_timers(uint8_t version, uint8_t p, uint32_t cs,
			 uint64_t skew, uint64_t mdi)
{
	struct vrrp_fsm_config c;
	struct vrrp_fsm f;

	cfg_make(&c, version, p, cs);
	vrrp_fsm_init(&f, &c);
	assert_int_equal(vrrp_fsm_skew_us(&f), skew);
	assert_int_equal(vrrp_fsm_master_down_us(&f), mdi);
}

/* ---- Names, init, timer arithmetic ---- */

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(vrrp_state_name(ST(INIT)), "INIT");
	assert_string_equal(vrrp_state_name(ST(BACKUP)), "BACKUP");
	assert_string_equal(vrrp_state_name(ST(MASTER)), "MASTER");
	assert_string_equal(vrrp_state_name(ST(FAULT)), "FAULT");
	assert_string_equal(vrrp_state_name((enum vrrp_state)4), "UNKNOWN");
	assert_string_equal(vrrp_state_name((enum vrrp_state)-1), "UNKNOWN");
}

static void test_reason_strings(void **state)
{
	int i, j;

	(void)state;
	assert_string_equal(vrrp_reason_str(RS(MASTER_DOWN)),
			    "master down timer expired");
	assert_string_equal(vrrp_reason_str(RS(HIGHER_PRIORITY)),
			    "higher priority advert");
	assert_string_equal(vrrp_reason_str(RS(COUNT)), "unknown");
	assert_string_equal(vrrp_reason_str((enum vrrp_reason)-1), "unknown");
	for (i = 0; i < RS(COUNT); i++) {
		assert_true(strlen(vrrp_reason_str(i)) > 0);
		for (j = 0; j < i; j++)
			assert_string_not_equal(vrrp_reason_str(i),
						vrrp_reason_str(j));
	}
}

static void test_init(void **state)
{
	struct fx *x = *state;

	vrrp_fsm_init(&x->f, &x->c);
	assert_int_equal(x->f.state, ST(INIT));
	assert_int_equal(x->f.deadline, 0);
	assert_int_equal(x->f.priority, 100);
	assert_int_equal(x->f.adver_int_us, SEC);
	assert_int_equal(x->f.master_adver_int_us, SEC);
	assert_false(x->f.master_known);
	x->c.adver_int_cs = 0;	/* a zero interval would spin the loop */
	vrrp_fsm_init(&x->f, &x->c);
	assert_int_equal(x->f.adver_int_us, 10000);
}

static void test_timer_values(void **state)
{
	(void)state;
	check_timers(3, 100, 100, 609375, MDI100);
	check_timers(3, 254, 100, 7812, 3007812);
	check_timers(3, 1, 100, 996093, 3996093);
	check_timers(3, 100, 10, 60937, 360937);
	check_timers(3, 254, 10, 781, 300781);
	check_timers(3, 1, 10, 99609, 399609);
	/* v2 skew is (256 - prio)/256 s whatever the interval. */
	check_timers(2, 100, 100, 609375, MDI100);
	check_timers(2, 100, 300, 609375, 9609375);
	check_timers(2, 254, 300, 7812, 9007812);
	check_timers(2, 1, 200, 996093, 6996093);
}

/* ---- Initialize ---- */

static void test_startup_backup(void **state)
{
	struct fx *x = *state;

	vrrp_fsm_init(&x->f, &x->c);
	expect(ev(x, VRRP_EV_STARTUP, T0), 0, ST(BACKUP), RS(STARTUP),
	       T0 + MDI100);
	assert_int_equal(x->r.from, ST(INIT));
	assert_int_equal(x->f.deadline, T0 + MDI100);
	assert_int_equal(x->f.reason, RS(STARTUP));
	assert_false(x->f.master_known);
}

static void test_startup_owner(void **state)
{
	struct fx *x = *state;

	x->c.priority = 255;
	vrrp_fsm_init(&x->f, &x->c);
	expect(ev(x, VRRP_EV_STARTUP, T0), ANNOUNCE, ST(MASTER), RS(OWNER),
	       T0 + SEC);
	assert_true(x->f.master_known);
	assert_memory_equal(x->f.master_addr, OURS, 4);
	assert_int_equal(x->f.master_priority, 255);
}

static void test_events_out_of_place(void **state)
{
	struct fx *x = *state;
	uint64_t d;

	vrrp_fsm_init(&x->f, &x->c);
	quiet(ev(x, VRRP_EV_TIMER, T0), 0);
	quiet(adv(x, T0, 200, 100, PEER), 0);
	quiet(ev(x, VRRP_EV_SHUTDOWN, T0), 0);
	quiet(ev(x, (enum vrrp_fsm_event_type)99, T0), 0);
	assert_int_equal(x->f.state, ST(INIT));
	boot_backup(x);
	quiet(ev(x, VRRP_EV_STARTUP, T0 + SEC), T0 + MDI100);
	quiet(ev(x, (enum vrrp_fsm_event_type)99, T0), T0 + MDI100);
	d = boot_master(x) + SEC;
	quiet(ev(x, VRRP_EV_STARTUP, d - 1), d);
}

/* ---- Backup ---- */

static void test_backup_master_down(void **state)
{
	struct fx *x = *state;

	boot_backup(x);
	quiet(ev(x, VRRP_EV_TIMER, T0 + MDI100 - 1), T0 + MDI100);
	expect(ev(x, VRRP_EV_TIMER, T0 + MDI100), ANNOUNCE, ST(MASTER),
	       RS(MASTER_DOWN), T0 + MDI100 + SEC);
	assert_int_equal(x->r.from, ST(BACKUP));
	assert_memory_equal(x->f.master_addr, OURS, 4);
	assert_int_equal(x->f.master_priority, 100);
}

static void test_backup_accepts_higher_and_equal(void **state)
{
	struct fx *x = *state;
	const uint8_t low[4] = { 10, 0, 0, 1 };
	uint64_t t = T0 + 3 * SEC;

	boot_backup(x);
	quiet(adv(x, t, 200, 100, PEER), t + MDI100);
	assert_true(x->f.master_known);
	assert_memory_equal(x->f.master_addr, PEER, 4);
	assert_int_equal(x->f.master_priority, 200);
	/* The old deadline has passed, but the new one has not. */
	quiet(ev(x, VRRP_EV_TIMER, T0 + MDI100), t + MDI100);
	/* Equal priority from a lower address: accepted all the same. */
	quiet(adv(x, t + SEC, 100, 100, low), t + SEC + MDI100);
	assert_int_equal(x->f.master_priority, 100);
}

static void test_backup_prio0_then_takeover(void **state)
{
	struct fx *x = *state;
	uint64_t t = T0 + 2 * SEC;

	boot_backup(x);
	adv(x, T0 + SEC, 200, 100, PEER);
	quiet(adv(x, t, 0, 100, PEER), t + 609375);	/* Skew_Time */
	assert_false(x->f.master_known);
	quiet(ev(x, VRRP_EV_TIMER, t + 609374), t + 609375);
	expect(ev(x, VRRP_EV_TIMER, t + 609375), ANNOUNCE, ST(MASTER),
	       RS(MASTER_RESIGNED), t + 609375 + SEC);
}

static void test_backup_prio0_then_new_master(void **state)
{
	struct fx *x = *state;
	const uint8_t other[4] = { 10, 0, 0, 60 };
	uint64_t t = T0 + 2 * SEC;

	boot_backup(x);
	adv(x, t, 0, 100, PEER);
	/* Another backup with a higher priority got there first. */
	quiet(adv(x, t + 100, 150, 100, other), t + 100 + MDI100);
	expect(ev(x, VRRP_EV_TIMER, t + 100 + MDI100), ANNOUNCE, ST(MASTER),
	       RS(MASTER_DOWN), ANY);
}

static void test_backup_preempts_lower(void **state)
{
	struct fx *x = *state;
	int i;

	boot_backup(x);
	/* Discarded: Master_Down_Timer keeps running. */
	for (i = 1; i <= 3; i++)
		quiet(adv(x, T0 + i * SEC, 50, 100, PEER), T0 + MDI100);
	assert_int_equal(x->f.master_priority, 50);
	expect(ev(x, VRRP_EV_TIMER, T0 + MDI100), ANNOUNCE, ST(MASTER),
	       RS(PREEMPT), ANY);
}

static void test_backup_nopreempt_accepts_lower(void **state)
{
	struct fx *x = *state;
	uint64_t t = T0;
	int i;

	x->c.preempt = false;
	x->c.preempt_delay_us = 2 * SEC;	/* no effect without preempt */
	boot_backup(x);
	for (i = 0; i < 20; i++) {
		t += SEC;
		quiet(ev(x, VRRP_EV_TIMER, t), ANY);
		quiet(adv(x, t, 50, 100, PEER), t + MDI100);
		assert_false(x->f.preempt_pending);
	}
	assert_int_equal(x->f.state, ST(BACKUP));
	assert_int_equal(x->f.master_priority, 50);
}

static void test_preempt_delay_exact(void **state)
{
	struct fx *x = *state;
	uint64_t t1 = T0 + SEC, end = t1 + 5 * SEC, t;
	int i;

	x->c.preempt_delay_us = 5 * SEC;
	boot_backup(x);
	for (i = 0; i < 5; i++) {
		t = t1 + i * SEC;
		quiet(ev(x, VRRP_EV_TIMER, t), ANY);
		quiet(adv(x, t, 50, 100, PEER),
		      t + MDI100 < end ? t + MDI100 : end);
		assert_true(x->f.preempt_pending);
		assert_int_equal(x->f.preempt_since, t1);
	}
	quiet(ev(x, VRRP_EV_TIMER, end - 1), end);
	expect(ev(x, VRRP_EV_TIMER, end), ANNOUNCE, ST(MASTER), RS(PREEMPT),
	       end + SEC);
	assert_false(x->f.preempt_pending);
}

static void test_preempt_delay_late_advert(void **state)
{
	struct fx *x = *state;
	uint64_t t1 = T0 + SEC, end = t1 + 2 * SEC;

	x->c.preempt_delay_us = 2 * SEC;
	boot_backup(x);
	quiet(adv(x, t1, 50, 100, PEER), end);
	/* An advert after the delay ended (timer not yet run) is discarded. */
	quiet(adv(x, end + 10, 50, 100, PEER), end);
	expect(ev(x, VRRP_EV_TIMER, end + 20), ANNOUNCE, ST(MASTER),
	       RS(PREEMPT), ANY);
}

static void test_preempt_delay_master_dies(void **state)
{
	struct fx *x = *state;
	uint64_t t1 = T0 + SEC;

	x->c.preempt_delay_us = 10 * SEC;
	boot_backup(x);
	quiet(adv(x, t1, 50, 100, PEER), t1 + MDI100);
	expect(ev(x, VRRP_EV_TIMER, t1 + MDI100), ANNOUNCE, ST(MASTER),
	       RS(MASTER_DOWN), ANY);
}

static void test_preempt_delay_cancelled_by_higher(void **state)
{
	struct fx *x = *state;
	const uint8_t hi[4] = { 10, 0, 0, 70 };
	uint64_t t1 = T0 + SEC;

	x->c.preempt_delay_us = 5 * SEC;
	boot_backup(x);
	adv(x, t1, 50, 100, PEER);
	assert_true(x->f.preempt_pending);
	quiet(adv(x, t1 + SEC, 150, 100, hi), t1 + SEC + MDI100);
	assert_false(x->f.preempt_pending);
	/* A lower Master heard again starts a fresh delay. */
	adv(x, t1 + 2 * SEC, 50, 100, PEER);
	assert_true(x->f.preempt_pending);
	assert_int_equal(x->f.preempt_since, t1 + 2 * SEC);
}

static void test_owner_in_backup_preempts_at_once(void **state)
{
	struct fx *x = *state;
	const uint8_t hi[4] = { 10, 0, 0, 200 };
	uint64_t t = T0 + SEC / 2, d = t + 3003906;	/* 3 s + 1 s / 256 */

	/* Two owners (a misconfiguration): the lower address yields. */
	x->c.priority = 255;
	x->c.preempt = false;		/* the owner preempts regardless */
	x->c.preempt_delay_us = 5 * SEC;	/* and never waits */
	vrrp_fsm_init(&x->f, &x->c);
	ev(x, VRRP_EV_STARTUP, T0);
	expect(adv(x, t, 255, 100, hi), VRRP_ACT_DEL_VIPS, ST(BACKUP),
	       RS(EQUAL_PRIORITY_HIGHER_ADDR), d);
	quiet(adv(x, t + SEC, 50, 100, PEER), d);
	assert_false(x->f.preempt_pending);
	expect(ev(x, VRRP_EV_TIMER, d), ANNOUNCE, ST(MASTER), RS(PREEMPT),
	       ANY);
}

static void test_backup_learns_interval_v3(void **state)
{
	struct fx *x = *state;
	uint64_t t = T0 + SEC;

	boot_backup(x);
	quiet(adv(x, t, 200, 50, PEER), t + 1804687);
	assert_int_equal(x->f.master_adver_int_us, 500000);
	assert_int_equal(vrrp_fsm_skew_us(&x->f), 304687);
	/* Interval 0 (invalid, errata 8301) is not learned. */
	adv(x, t + 1, 200, 0, PEER);
	assert_int_equal(x->f.master_adver_int_us, 500000);
	/* Our own interval for adverts is unchanged. */
	assert_int_equal(x->f.adver_int_us, SEC);
	/* Once we are Master the interval in force is our own again. */
	ev(x, VRRP_EV_TIMER, x->f.deadline);
	assert_int_equal(x->f.state, ST(MASTER));
	assert_int_equal(x->f.master_adver_int_us, SEC);
	assert_int_equal(vrrp_fsm_master_down_us(&x->f), MDI100);
}

static void test_backup_no_learning_v2(void **state)
{
	struct fx *x = *state;
	uint64_t t = T0 + SEC;

	x->c.version = 2;
	boot_backup(x);
	quiet(adv(x, t, 200, 300, PEER), t + MDI100);
	assert_int_equal(x->f.master_adver_int_us, SEC);
}

/* ---- Master ---- */

static void test_master_timer_no_drift(void **state)
{
	struct fx *x = *state;
	uint64_t d = boot_master(x) + SEC;

	assert_int_equal(x->f.deadline, d);
	quiet(ev(x, VRRP_EV_TIMER, d - 1), d);
	expect(ev(x, VRRP_EV_TIMER, d + 5000), ADVERT, ST(MASTER), RS(NONE),
	       d + SEC);
	/* More than an interval late: re-arm from now, no burst. */
	expect(ev(x, VRRP_EV_TIMER, d + 4 * SEC), ADVERT, ST(MASTER),
	       RS(NONE), d + 5 * SEC);
}

static void test_master_yields_to_higher(void **state)
{
	struct fx *x = *state;
	uint64_t t = boot_master(x) + 400000;

	/* Learns 2 s: 3 * 2 s + (156 * 2 s) / 256 */
	expect(adv(x, t, 101, 200, PEER), VRRP_ACT_DEL_VIPS, ST(BACKUP),
	       RS(HIGHER_PRIORITY), t + 7218750);
	assert_int_equal(x->r.from, ST(MASTER));
	assert_int_equal(x->f.master_adver_int_us, 2 * SEC);
	assert_memory_equal(x->f.master_addr, PEER, 4);
	assert_int_equal(x->f.master_priority, 101);
}

static void test_master_answers_lower_and_prio0(void **state)
{
	struct fx *x = *state;
	uint64_t t = boot_master(x) + 250000;

	/* RFC 9568: an immediate advert, and the timer restarts. */
	expect(adv(x, t, 99, 100, PEER), ADVERT, ST(MASTER), RS(NONE),
	       t + SEC);
	assert_memory_equal(x->f.master_addr, OURS, 4);
	assert_int_equal(x->f.master_adver_int_us, SEC);
	/* A resigning Master gets the same answer. */
	expect(adv(x, t + 50000, 0, 100, PEER), ADVERT, ST(MASTER), RS(NONE),
	       t + 50000 + SEC);
}

static void test_master_ignores_preempt_mode(void **state)
{
	struct fx *x = *state;
	uint64_t t;

	x->c.preempt = false;
	t = boot_master(x);
	expect(adv(x, t + 1, 200, 100, PEER), VRRP_ACT_DEL_VIPS, ST(BACKUP),
	       RS(HIGHER_PRIORITY), ANY);
	/* and nopreempt does not keep a lower one from being answered */
	t = boot_master(x);
	expect(adv(x, t + 1, 50, 100, PEER), ADVERT, ST(MASTER), RS(NONE),
	       ANY);
}

/* Equal priority: does theirs beat ours? Checks either outcome exactly. */
static void check_tie(int family, const uint8_t *ours, const uint8_t *theirs,
		      bool yield)
{
	struct fx x;
	size_t len = family == AF_INET6 ? 16 : 4;
	uint64_t t;

	cfg_make(&x.c, 3, 100, 100);
	x.c.family = family;
	memset(x.c.primary_addr, 0, sizeof(x.c.primary_addr));
	memcpy(x.c.primary_addr, ours, len);
	t = boot_master(&x) + 1000;
	adv(&x, t, 100, 100, theirs);
	if (yield) {
		expect(&x.r, VRRP_ACT_DEL_VIPS, ST(BACKUP),
		       RS(EQUAL_PRIORITY_HIGHER_ADDR), t + MDI100);
		assert_memory_equal(x.f.master_addr, theirs, len);
	} else {
		expect(&x.r, ADVERT, ST(MASTER), RS(NONE), t + SEC);
	}
}

static void test_tiebreak_unsigned_v4(void **state)
{
	const uint8_t a9[4] = { 10, 0, 0, 9 }, a200[4] = { 10, 0, 0, 200 };
	const uint8_t lo[4] = { 127, 255, 255, 255 }, hi[4] = { 128, 0, 0, 0 };

	(void)state;
	check_tie(AF_INET, a9, a200, true);
	check_tie(AF_INET, a200, a9, false);
	check_tie(AF_INET, lo, hi, true);
	check_tie(AF_INET, hi, lo, false);
}

static void test_tiebreak_v6(void **state)
{
	uint8_t a[16] = { 0xfe, 0x80 }, b[16] = { 0xfe, 0x80 };

	(void)state;
	a[15] = 0x7f;
	b[8] = 0x80;	/* beats a in the high bit of byte 8 */
	check_tie(AF_INET6, a, b, true);
	check_tie(AF_INET6, b, a, false);
}

static void test_only_foreign_adverts(void **state)
{
	struct fx *x = *state;
	const uint8_t garbage[16] = { 10, 0, 0, 100, 0xff, 0xff, 0xff, 0xff };
	uint64_t t = boot_master(x), d = t + SEC;

	/* Our own, looped back; IPv4 compares 4 bytes only. */
	quiet(adv(x, t + 1, 100, 100, OURS), d);
	quiet(adv(x, t + 2, 100, 100, garbage), d);
	/* A caller bug, not remote input: no source, ignored. */
	quiet(adv(x, t + 3, 200, 100, NULL), d);
	/* Our resignation looping back must not shorten our own timer. */
	boot_backup(x);
	quiet(adv(x, T0 + 1, 0, 100, OURS), T0 + MDI100);
	quiet(adv(x, T0 + 2, 0, 100, NULL), T0 + MDI100);
}

static void test_master_addr_padded(void **state)
{
	struct fx *x = *state;
	uint8_t want[16] = { 10, 0, 0, 100 };
	uint64_t t;

	/* Bytes past the IPv4 address in the config are not ours. */
	memset(x->c.primary_addr + 4, 0xff, 12);
	t = boot_master(x);
	assert_memory_equal(x->f.master_addr, want, 16);
	adv(x, t + 1, 200, 100, PEER);
	memcpy(want, PEER, 4);
	assert_memory_equal(x->f.master_addr, want, 16);
}

/* ---- Shutdown, fault ---- */

static void test_shutdown(void **state)
{
	struct fx *x = *state;
	uint64_t t = boot_master(x);

	expect(ev(x, VRRP_EV_SHUTDOWN, t + 10), RESIGN, ST(INIT),
	       RS(SHUTDOWN), 0);
	assert_int_equal(x->r.from, ST(MASTER));
	assert_int_equal(x->f.deadline, 0);
	assert_false(x->f.master_known);
	/* A timer left over from before is harmless. */
	quiet(ev(x, VRRP_EV_TIMER, t + SEC), 0);
	boot_backup(x);
	expect(ev(x, VRRP_EV_SHUTDOWN, T0 + 10), 0, ST(INIT), RS(SHUTDOWN), 0);
	/* and it can start again */
	expect(ev(x, VRRP_EV_STARTUP, T0 + 20), 0, ST(BACKUP), RS(STARTUP),
	       T0 + 20 + MDI100);
}

static void test_fault_entry(void **state)
{
	struct fx *x = *state;
	uint64_t t = boot_master(x);

	expect(ev(x, VRRP_EV_FAULT, t + 10), RESIGN, ST(FAULT), RS(FAULT), 0);
	boot_backup(x);
	expect(ev(x, VRRP_EV_FAULT, T0 + 10), 0, ST(FAULT), RS(FAULT), 0);
	assert_int_equal(x->r.from, ST(BACKUP));
	quiet(ev(x, VRRP_EV_FAULT, T0 + 20), 0);
	vrrp_fsm_init(&x->f, &x->c);
	expect(ev(x, VRRP_EV_FAULT, T0), 0, ST(FAULT), RS(FAULT), 0);
	assert_int_equal(x->r.from, ST(INIT));
}

static void test_fault_ignores_and_recovers(void **state)
{
	struct fx *x = *state;
	uint64_t t = boot_master(x);

	ev(x, VRRP_EV_FAULT, t);
	quiet(adv(x, t + 1, 0, 100, PEER), 0);
	quiet(adv(x, t + 2, 50, 100, PEER), 0);
	quiet(ev(x, VRRP_EV_TIMER, t + 10 * SEC), 0);
	assert_int_equal(x->f.state, ST(FAULT));
	/* Priority changes are remembered while in FAULT. */
	quiet(prio(x, t + 11 * SEC, 120), 0);
	assert_int_equal(x->f.priority, 120);
	expect(ev(x, VRRP_EV_STARTUP, t + 12 * SEC), 0, ST(BACKUP),
	       RS(FAULT_CLEARED), t + 12 * SEC + 3 * SEC + 531250);
	assert_int_equal(x->r.from, ST(FAULT));
}

static void test_fault_owner_recovers_master(void **state)
{
	struct fx *x = *state;

	x->c.priority = 255;
	vrrp_fsm_init(&x->f, &x->c);
	ev(x, VRRP_EV_STARTUP, T0);
	ev(x, VRRP_EV_FAULT, T0 + SEC);
	expect(ev(x, VRRP_EV_SHUTDOWN, T0 + 2 * SEC), 0, ST(INIT),
	       RS(SHUTDOWN), 0);
	ev(x, VRRP_EV_FAULT, T0 + 3 * SEC);
	expect(ev(x, VRRP_EV_STARTUP, T0 + 4 * SEC), ANNOUNCE, ST(MASTER),
	       RS(OWNER), T0 + 5 * SEC);
}

/* ---- Priority changes ---- */

static void test_priority_master_readvertises(void **state)
{
	struct fx *x = *state;
	uint64_t t = boot_master(x) + 100;

	expect(prio(x, t, 80), ADVERT, ST(MASTER), RS(NONE), t + SEC);
	assert_int_equal(x->f.priority, 80);
	assert_int_equal(x->f.master_priority, 80);
	quiet(prio(x, t + 1, 80), t + SEC);	/* unchanged: nothing to say */
}

static void test_priority_zero_resigns(void **state)
{
	struct fx *x = *state;
	uint64_t t = boot_master(x) + 100;

	/* Skew at priority 0 is a whole interval: MDI 4 s. */
	expect(prio(x, t, 0), RESIGN, ST(BACKUP), RS(PRIORITY_ZERO),
	       t + 4 * SEC);
	assert_int_equal(vrrp_fsm_skew_us(&x->f), SEC);
	/* Not eligible: the timer re-arms instead of taking over. */
	quiet(ev(x, VRRP_EV_TIMER, t + 4 * SEC), t + 8 * SEC);
	/* Any advert, even priority 1, is accepted. */
	quiet(adv(x, t + 5 * SEC, 1, 100, PEER), t + 9 * SEC);
	/* Eligible again: the running timer now leads to MASTER. */
	quiet(prio(x, t + 6 * SEC, 100), t + 9 * SEC);
	expect(ev(x, VRRP_EV_TIMER, t + 9 * SEC), ANNOUNCE, ST(MASTER),
	       RS(MASTER_DOWN), ANY);
}

static void test_priority_clamped(void **state)
{
	struct fx *x = *state;

	boot_backup(x);
	prio(x, T0, 255);
	assert_int_equal(x->f.priority, 254);
	/* The owner stays the owner whatever the health checks say. */
	x->c.priority = 255;
	vrrp_fsm_init(&x->f, &x->c);
	ev(x, VRRP_EV_STARTUP, T0);
	quiet(prio(x, T0 + 1, 10), T0 + SEC);
	quiet(prio(x, T0 + 2, 0), T0 + SEC);
	assert_int_equal(x->f.priority, 255);
	assert_int_equal(x->f.state, ST(MASTER));
}

static void test_priority_backup_raise_preempts(void **state)
{
	struct fx *x = *state;
	uint64_t t = T0 + SEC, d = t + MDI100;

	boot_backup(x);
	adv(x, t, 150, 100, PEER);
	quiet(prio(x, t + 5, 90), d);	/* no preemption pending: no re-arm */
	quiet(prio(x, t + 10, 200), d);	/* nothing immediate */
	assert_int_equal(vrrp_fsm_skew_us(&x->f), 218750);
	quiet(adv(x, t + SEC, 150, 100, PEER), d);	/* discarded */
	expect(ev(x, VRRP_EV_TIMER, d), ANNOUNCE, ST(MASTER), RS(PREEMPT),
	       ANY);
}

static void test_priority_backup_drop_cancels_preempt(void **state)
{
	struct fx *x = *state;
	uint64_t t = T0 + SEC;

	x->c.preempt_delay_us = 2 * SEC;
	boot_backup(x);
	quiet(adv(x, t, 50, 100, PEER), t + 2 * SEC);
	assert_true(x->f.preempt_pending);
	quiet(prio(x, t + SEC, 40), t + SEC + 3 * SEC + 843750);
	assert_false(x->f.preempt_pending);
	/* Same without a delay: the discarded-advert flag is cleared. */
	x->c.preempt_delay_us = 0;
	boot_backup(x);
	adv(x, t, 50, 100, PEER);
	assert_true(x->f.preempt_discarded);
	quiet(prio(x, t + 1, 50), t + 1 + 3 * SEC + 804687);
	assert_false(x->f.preempt_discarded);
	expect(ev(x, VRRP_EV_TIMER, x->f.deadline), ANNOUNCE, ST(MASTER),
	       RS(MASTER_DOWN), ANY);
}

/* ---- Planned handover (maintenance) ---- */

#define handover(x, now) ev(x, VRRP_EV_HANDOVER, now)

static void test_handover_keeps_vips_until_taken(void **state)
{
	struct fx *x = *state;
	uint64_t t = boot_master(x) + 100;

	/* Priority 0 on the wire, VIPs kept; fallback after MDI at prio 0. */
	expect(handover(x, t), VRRP_ACT_SEND_PRIO0, ST(MASTER), RS(NONE),
	       t + 4 * SEC);
	assert_int_equal(x->f.priority, 0);
	assert_false(x->r.handover_failed);
	/* A repeated request changes nothing. */
	quiet(handover(x, t + 1), t + 4 * SEC);
	/* The taker's advert, even at a low priority, completes it. */
	expect(adv(x, t + 700000, 1, 100, PEER), VRRP_ACT_DEL_VIPS,
	       ST(BACKUP), RS(HANDOVER), ANY);
	assert_int_equal(x->f.priority, 0);
	/* In maintenance: never takes the VIP back by itself. */
	quiet(ev(x, VRRP_EV_TIMER, x->f.deadline), ANY);
	assert_int_equal(x->f.state, ST(BACKUP));
}

static void test_handover_fails_without_taker(void **state)
{
	struct fx *x = *state;
	uint64_t t = boot_master(x) + 100;

	handover(x, t);
	/* Silent while waiting: no answer to a priority-0 advert either. */
	quiet(adv(x, t + 10, 0, 100, PEER), t + 4 * SEC);
	quiet(prio(x, t + 20, 90), t + 4 * SEC);
	quiet(ev(x, VRRP_EV_TIMER, t + 4 * SEC - 1), t + 4 * SEC);
	expect(ev(x, VRRP_EV_TIMER, t + 4 * SEC), ADVERT, ST(MASTER),
	       RS(NONE), t + 5 * SEC);
	assert_true(x->r.handover_failed);
	assert_int_equal(x->f.priority, 100);
	assert_false(x->f.handover);
}

static void test_handover_outside_master(void **state)
{
	struct fx *x = *state;

	boot_backup(x);
	quiet(handover(x, T0 + 1), ANY);
	assert_int_equal(x->f.priority, 0);
	/* The owner cannot hand over: it owns the addresses. */
	cfg_make(&x->c, 3, 255, 100);
	vrrp_fsm_init(&x->f, &x->c);
	ev(x, VRRP_EV_STARTUP, T0);
	quiet(handover(x, T0 + 1), ANY);
	assert_int_equal(x->f.priority, 255);
}

/* ---- Two routers on one simulated link ---- */

struct sim {
	struct fx rt[2];
	bool up[2];
	uint64_t now;
	unsigned masters_max;
};

/* Deliver router i's adverts to the other, chasing the replies. */
static void sim_deliver(struct sim *s, int i, unsigned actions)
{
	int hops = 0;

	while (s->up[1 - i] && (actions & (ADVERT | VRRP_ACT_SEND_PRIO0))) {
		struct vrrp_fsm *from = &s->rt[i].f;
		uint8_t p = actions & VRRP_ACT_SEND_PRIO0 ? 0 : from->priority;

		assert_true(hops++ < 3);
		i = 1 - i;
		actions = adv(&s->rt[i], s->now, p, from->cfg.adver_int_cs,
			      from->cfg.primary_addr)->actions;
	}
}

/* Run both routers' timers in order until the clock reaches until. */
static void sim_run(struct sim *s, uint64_t until)
{
	const struct vrrp_fsm_result *r;
	unsigned m;
	int i, k;

	for (;;) {
		i = -1;
		for (k = 0; k < 2; k++)
			if (s->up[k] && s->rt[k].f.deadline &&
			    (i < 0 ||
			     s->rt[k].f.deadline < s->rt[i].f.deadline))
				i = k;
		if (i < 0 || s->rt[i].f.deadline > until)
			break;
		s->now = s->rt[i].f.deadline;
		r = ev(&s->rt[i], VRRP_EV_TIMER, s->now);
		sim_deliver(s, i, r->actions);
		m = (s->rt[0].f.state == ST(MASTER)) +
		    (s->rt[1].f.state == ST(MASTER));
		if (m > s->masters_max)
			s->masters_max = m;
	}
	s->now = until;
}

static void test_two_routers(void **state)
{
	struct sim s;
	const uint8_t a[4] = { 192, 0, 2, 1 }, b[4] = { 192, 0, 2, 2 };

	(void)state;
	memset(&s, 0, sizeof(s));
	cfg_make(&s.rt[0].c, 3, 200, 100);
	memcpy(s.rt[0].c.primary_addr, a, 4);
	cfg_make(&s.rt[1].c, 3, 100, 100);
	memcpy(s.rt[1].c.primary_addr, b, 4);
	vrrp_fsm_init(&s.rt[0].f, &s.rt[0].c);
	vrrp_fsm_init(&s.rt[1].f, &s.rt[1].c);
	s.up[0] = s.up[1] = true;
	ev(&s.rt[0], VRRP_EV_STARTUP, T0);
	ev(&s.rt[1], VRRP_EV_STARTUP, T0);
	sim_run(&s, T0 + 30 * SEC);
	assert_int_equal(s.rt[0].f.state, ST(MASTER));
	assert_int_equal(s.rt[0].f.reason, RS(MASTER_DOWN));
	assert_int_equal(s.rt[1].f.state, ST(BACKUP));
	assert_memory_equal(s.rt[1].f.master_addr, a, 4);
	assert_int_equal(s.masters_max, 1);

	/* A stops: B takes over Skew_Time after the priority-0 advert. */
	sim_deliver(&s, 0, ev(&s.rt[0], VRRP_EV_SHUTDOWN, s.now)->actions);
	s.up[0] = false;
	assert_int_equal(s.rt[1].f.deadline, s.now + 609375);
	sim_run(&s, s.now + 609375);
	assert_int_equal(s.rt[1].f.state, ST(MASTER));
	assert_int_equal(s.rt[1].f.reason, RS(MASTER_RESIGNED));

	/* A returns and preempts B after its own Master_Down_Interval. */
	s.up[0] = true;
	ev(&s.rt[0], VRRP_EV_STARTUP, s.now);
	sim_run(&s, s.now + 30 * SEC);
	assert_int_equal(s.rt[0].f.state, ST(MASTER));
	assert_int_equal(s.rt[0].f.reason, RS(PREEMPT));
	assert_int_equal(s.rt[1].f.state, ST(BACKUP));
	assert_int_equal(s.rt[1].f.reason, RS(HIGHER_PRIORITY));
}

/* ---- Randomized invariants ---- */

static uint32_t rnd(uint64_t *seed)
{
	*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*seed >> 33);
}

static void check_invariants(const struct vrrp_fsm *f, enum vrrp_state before,
			     const struct vrrp_fsm_result *r, bool timer_due,
			     uint64_t now)
{
	bool running = f->state == ST(BACKUP) || f->state == ST(MASTER);
	bool to_master = r->changed && r->to == ST(MASTER);
	bool from_master = r->changed && r->from == ST(MASTER);

	assert_int_equal(r->from, before);
	assert_int_equal(r->to, f->state);
	assert_int_equal(r->changed, before != f->state);
	assert_int_equal(r->reason != RS(NONE), r->changed);
	assert_int_equal(r->deadline, f->deadline);
	assert_int_equal(running, f->deadline != 0);
	assert_int_equal(!!(r->actions & VRRP_ACT_ADD_VIPS), to_master);
	assert_int_equal(!!(r->actions & VRRP_ACT_SEND_GARP), to_master);
	assert_int_equal(!!(r->actions & VRRP_ACT_DEL_VIPS), from_master);
	/* Priority 0 goes out when leaving MASTER or starting a handover. */
	if (r->actions & VRRP_ACT_SEND_PRIO0)
		assert_true(from_master ||
		    (f->state == ST(MASTER) && f->handover));
	if (r->actions & ADVERT)
		assert_int_equal(f->state, ST(MASTER));
	if (f->cfg.priority == 255)
		assert_int_equal(f->priority, 255);
	else
		assert_true(f->priority <= 254);
	if (f->state == ST(MASTER)) {
		assert_true(f->master_known);
		/* Handing over: priority 0 on the wire, VIPs still here. */
		assert_true(f->priority > 0 || f->handover);
		if (!f->handover)
			assert_int_equal(f->master_priority, f->priority);
		assert_memory_equal(f->master_addr, f->cfg.primary_addr, 4);
	}
	if (!running)
		assert_false(f->master_known);
	if (timer_due && running)
		assert_true(f->deadline > now);
}

static void random_event(uint64_t *seed, struct vrrp_fsm_event *e,
			 const uint8_t *srcs)
{
	static const uint8_t prios[] = { 0, 1, 50, 100, 150, 254, 255 };
	static const uint32_t ints[] = { 0, 10, 50, 100, 300 };
	/* weights out of 21: advert 12, timer 3, priority 2, the rest 1 */
	static const uint8_t types[21] = { 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
					   2, 2, 2, 5, 5, 0, 4, 1, 6 };

	memset(e, 0, sizeof(*e));
	e->type = (enum vrrp_fsm_event_type)types[rnd(seed) % 21];
	e->priority = prios[rnd(seed) % sizeof(prios)];
	e->adver_int_cs = ints[rnd(seed) % 5];
	e->src = srcs + 4 * (rnd(seed) % 3);
}

static void test_random_invariants(void **state)
{
	static const uint8_t base[] = { 1, 100, 254, 255 };
	/* lower than OURS, OURS itself, higher than OURS */
	static const uint8_t srcs[12] = { 10, 0, 0, 9, 10, 0, 0, 100,
					  10, 0, 0, 200 };
	struct vrrp_fsm_config c;
	struct vrrp_fsm f;
	struct vrrp_fsm_event e;
	struct vrrp_fsm_result r;
	uint64_t seed = 0x5eed, now = T0;
	unsigned seen[4] = { 0 };
	enum vrrp_state before;
	int run, step;
	bool due;

	(void)state;
	for (run = 0; run < 200; run++) {
		cfg_make(&c, 2 + rnd(&seed) % 2, base[rnd(&seed) % 4],
			 rnd(&seed) % 2 ? 100 : 10);
		c.preempt = rnd(&seed) % 2;
		c.preempt_delay_us = rnd(&seed) % 2 ? 2 * SEC : 0;
		vrrp_fsm_init(&f, &c);
		for (step = 0; step < 2000; step++) {
			before = f.state;
			now += rnd(&seed) % (3 * SEC / 2);
			random_event(&seed, &e, srcs);
			/* The loop runs a due timer first, mostly. */
			if (f.deadline && now >= f.deadline && rnd(&seed) % 10)
				e.type = VRRP_EV_TIMER;
			due = e.type == VRRP_EV_TIMER && f.deadline &&
			      now >= f.deadline;
			vrrp_fsm_handle(&f, &e, now, &r);
			check_invariants(&f, before, &r, due, now);
			seen[f.state]++;
		}
	}
	for (run = 0; run < 4; run++)
		assert_true(seen[run] > 1000);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_state_names),
		T(test_reason_strings),
		T(test_init),
		T(test_timer_values),
		T(test_startup_backup),
		T(test_startup_owner),
		T(test_events_out_of_place),
		T(test_backup_master_down),
		T(test_backup_accepts_higher_and_equal),
		T(test_backup_prio0_then_takeover),
		T(test_backup_prio0_then_new_master),
		T(test_backup_preempts_lower),
		T(test_backup_nopreempt_accepts_lower),
		T(test_preempt_delay_exact),
		T(test_preempt_delay_late_advert),
		T(test_preempt_delay_master_dies),
		T(test_preempt_delay_cancelled_by_higher),
		T(test_owner_in_backup_preempts_at_once),
		T(test_backup_learns_interval_v3),
		T(test_backup_no_learning_v2),
		T(test_master_timer_no_drift),
		T(test_master_yields_to_higher),
		T(test_master_answers_lower_and_prio0),
		T(test_master_ignores_preempt_mode),
		T(test_tiebreak_unsigned_v4),
		T(test_tiebreak_v6),
		T(test_only_foreign_adverts),
		T(test_master_addr_padded),
		T(test_shutdown),
		T(test_fault_entry),
		T(test_fault_ignores_and_recovers),
		T(test_fault_owner_recovers_master),
		T(test_priority_master_readvertises),
		T(test_priority_zero_resigns),
		T(test_priority_clamped),
		T(test_priority_backup_raise_preempts),
		T(test_priority_backup_drop_cancels_preempt),
		T(test_two_routers),
		T(test_handover_keeps_vips_until_taken),
	T(test_handover_fails_without_taker),
	T(test_handover_outside_master),
	T(test_random_invariants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
