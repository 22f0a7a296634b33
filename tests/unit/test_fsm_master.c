/* SPDX-License-Identifier: ISC */
/* Unit tests for vrrp/fsm.c: Master, fault, priority changes and planned handover. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "vrrp/fsm.h"
#include "fsm_fixture.h"

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

	/*
	 * RFC 9568: an immediate advert, and the timer restarts; the
	 * addresses are re-announced at once, not after a delay.
	 */
	expect(adv(x, t, 99, 100, PEER), ADVERT | VRRP_ACT_SEND_GARP,
	       ST(MASTER), RS(NONE), t + SEC);
	assert_true(x->r.lower_master);
	assert_memory_equal(x->f.master_addr, OURS, 4);
	assert_int_equal(x->f.master_adver_int_us, SEC);
	/* A resigning Master gets an advert, but is no rival Master. */
	expect(adv(x, t + 50000, 0, 100, PEER), ADVERT, ST(MASTER), RS(NONE),
	       t + 50000 + SEC);
	assert_false(x->r.lower_master);
}

/* keepalived's lower_prio_no_advert: the RFC 5798 silence. */
static void test_master_lower_prio_no_advert(void **state)
{
	struct fx *x = *state;
	uint64_t t, due;

	x->c.lower_prio_no_advert = true;
	t = boot_master(x) + 250000;
	due = x->f.deadline;
	/* No advert, but the addresses are still re-announced. */
	expect(adv(x, t, 99, 100, PEER), VRRP_ACT_SEND_GARP, ST(MASTER),
	       RS(NONE), due);
	assert_true(x->r.lower_master);
	/* A priority-0 advert is still answered (RFC 5798 6.4.3). */
	expect(adv(x, t + 1, 0, 100, PEER), ADVERT, ST(MASTER), RS(NONE),
	       t + 1 + SEC);
}

/* keepalived's higher_prio_send_advert: one advert while yielding. */
static void test_master_higher_prio_send_advert(void **state)
{
	struct fx *x = *state;
	uint64_t t;

	x->c.higher_prio_send_advert = true;
	t = boot_master(x) + 100;
	expect(adv(x, t, 200, 100, PEER), VRRP_ACT_DEL_VIPS | ADVERT,
	       ST(BACKUP), RS(HIGHER_PRIORITY), ANY);
	/* Without the option: no advert. */
	x->c.higher_prio_send_advert = false;
	t = boot_master(x) + 100;
	expect(adv(x, t, 200, 100, PEER), VRRP_ACT_DEL_VIPS, ST(BACKUP),
	       RS(HIGHER_PRIORITY), ANY);
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
	expect(adv(x, t + 1, 50, 100, PEER), ADVERT | VRRP_ACT_SEND_GARP,
	       ST(MASTER), RS(NONE), ANY);
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
		expect(&x.r, ADVERT | VRRP_ACT_SEND_GARP, ST(MASTER),
		       RS(NONE), t + SEC);
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
	/* The taker's advert, even at a low priority, completes it (only a
	 * last-resort one does not: see the next test). */
	expect(adv(x, t + 700000, 2, 100, PEER), VRRP_ACT_DEL_VIPS,
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

/* A taker at the last-resort priority resigned for health: take it back. */
static void test_handover_refuses_last_resort(void **state)
{
	struct fx *x = *state;
	uint64_t t = boot_master(x) + 100;

	handover(x, t);
	expect(adv(x, t + 700000, VRRP_PRIO_LAST_RESORT, 100, PEER),
	       ADVERT | VRRP_ACT_SEND_GARP, ST(MASTER), RS(NONE),
	       t + 700000 + SEC);
	assert_true(x->r.handover_failed);
	assert_int_equal(x->f.priority, 100);
	/* A real taker afterwards is treated as an ordinary lower priority. */
	expect(adv(x, t + 800000, 2, 100, PEER), ADVERT | VRRP_ACT_SEND_GARP,
	       ST(MASTER), RS(NONE), ANY);
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

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_master_timer_no_drift),
		T(test_master_yields_to_higher),
		T(test_master_answers_lower_and_prio0),
		T(test_master_lower_prio_no_advert),
		T(test_master_higher_prio_send_advert),
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
		T(test_handover_keeps_vips_until_taken),
		T(test_handover_fails_without_taker),
		T(test_handover_refuses_last_resort),
		T(test_handover_outside_master),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
