/* SPDX-License-Identifier: ISC */
/* Unit tests for vrrp/fsm.c: names, timers, start-up and the Backup state (RFC 5798 6.4.2). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "vrrp/fsm.h"
#include "fsm_fixture.h"

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
	adv(x, t - SEC, 200, 100, PEER);
	adv(x, t, 0, 100, PEER);
	/* Another backup with a higher priority got there first. */
	quiet(adv(x, t + 100, 150, 100, other), t + 100 + MDI100);
	expect(ev(x, VRRP_EV_TIMER, t + 100 + MDI100), ANNOUNCE, ST(MASTER),
	       RS(MASTER_DOWN), ANY);
}

/* A priority 0 not from the Master we follow is ignored (forgery). */
static void test_backup_prio0_from_stranger_ignored(void **state)
{
	struct fx *x = *state;
	const uint8_t forger[4] = { 10, 0, 0, 66 };
	uint64_t t = T0 + 2 * SEC;

	boot_backup(x);
	adv(x, T0 + SEC, 200, 100, PEER);
	quiet(adv(x, t, 0, 100, forger), T0 + SEC + MDI100);
	assert_true(x->r.prio0_ignored);
	assert_true(x->f.master_known);
	assert_memory_equal(x->f.master_addr, PEER, 4);
	/* The real Master's adverts keep us Backup. */
	quiet(adv(x, T0 + 2 * SEC, 200, 100, PEER), T0 + 2 * SEC + MDI100);
	quiet(ev(x, VRRP_EV_TIMER, t + 609375), T0 + 2 * SEC + MDI100);
	assert_int_equal(x->f.state, ST(BACKUP));
	/* Its own resignation is honoured. */
	quiet(adv(x, t + SEC, 0, 100, PEER), t + SEC + 609375);
	assert_false(x->r.prio0_ignored);
	expect(ev(x, VRRP_EV_TIMER, t + SEC + 609375), ANNOUNCE, ST(MASTER),
	       RS(MASTER_RESIGNED), ANY);
}

/* Before any Master is known, nobody can resign: the full timer runs. */
static void test_backup_prio0_no_master_ignored(void **state)
{
	struct fx *x = *state;

	boot_backup(x);
	quiet(adv(x, T0 + 10, 0, 100, PEER), T0 + MDI100);
	assert_true(x->r.prio0_ignored);
	/* and a second resignation, after the first, is no longer from
	 * the Master either (it is forgotten once it resigned) */
	adv(x, T0 + SEC, 200, 100, PEER);
	quiet(adv(x, T0 + 2 * SEC, 0, 100, PEER), T0 + 2 * SEC + 609375);
	quiet(adv(x, T0 + 2 * SEC + 1, 0, 100, PEER), T0 + 2 * SEC + 609375);
	assert_true(x->r.prio0_ignored);
}

/* A Master we follow replaced by a higher one: the old one cannot resign. */
static void test_backup_prio0_from_old_master_ignored(void **state)
{
	struct fx *x = *state;
	const uint8_t other[4] = { 10, 0, 0, 60 };

	boot_backup(x);
	adv(x, T0 + SEC, 150, 100, PEER);
	adv(x, T0 + SEC + 10, 200, 100, other);
	quiet(adv(x, T0 + SEC + 20, 0, 100, PEER), T0 + SEC + 10 + MDI100);
	assert_true(x->r.prio0_ignored);
	assert_memory_equal(x->f.master_addr, other, 4);
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
		T(test_backup_prio0_from_stranger_ignored),
		T(test_backup_prio0_no_master_ignored),
		T(test_backup_prio0_from_old_master_ignored),
		T(test_backup_preempts_lower),
		T(test_backup_nopreempt_accepts_lower),
		T(test_preempt_delay_exact),
		T(test_preempt_delay_late_advert),
		T(test_preempt_delay_master_dies),
		T(test_preempt_delay_cancelled_by_higher),
		T(test_owner_in_backup_preempts_at_once),
		T(test_backup_learns_interval_v3),
		T(test_backup_no_learning_v2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
