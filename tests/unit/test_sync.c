/* SPDX-License-Identifier: ISC */
/* Sync groups: the pure rules (vrrp/sync.c) and the fsm's SYNC_* events. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "vrrp/fsm.h"
#include "vrrp/sync.h"

#define B	VRRP_STATE_BACKUP
#define M	VRRP_STATE_MASTER
#define F	VRRP_STATE_FAULT
#define I	VRRP_STATE_INIT
#define SEC	1000000ULL

static void
test_state(void **state)
{
	struct vrrp_sync_member m[3] = { { B, false, false }, { M, false,
	    false }, { I, false, false } };

	(void)state;
	assert_int_equal(vrrp_sync_state(m, 3), M);
	m[2].state = F;
	assert_int_equal(vrrp_sync_state(m, 3), F);
	m[1].state = B;
	m[2].state = B;
	assert_int_equal(vrrp_sync_state(m, 3), B);
	m[0].state = m[1].state = m[2].state = I;
	assert_int_equal(vrrp_sync_state(m, 3), I);
	assert_int_equal(vrrp_sync_state(m, 0), I);
}

/* One member's FAULT takes every other along, whatever their state. */
static void
test_fault(void **state)
{
	struct vrrp_sync_member m[3] = { { F, false, true }, { M, false,
	    false }, { I, false, false } };
	enum vrrp_sync_cmd c[3];

	(void)state;
	assert_int_equal(vrrp_sync_decide(m, 3, 0, M, c), 2);
	assert_int_equal(c[0], VRRP_SYNC_NONE);
	assert_int_equal(c[1], VRRP_SYNC_FAULT);
	assert_int_equal(c[2], VRRP_SYNC_FAULT);
	/* A member held in FAULT by the group trying to leave it goes back. */
	m[1].state = F;
	m[2].state = B;
	assert_int_equal(vrrp_sync_decide(m, 3, 2, F, c), 1);
	assert_int_equal(c[2], VRRP_SYNC_FAULT);
	/* Nothing else moves while the group is faulted. */
	m[2].state = M;
	assert_int_equal(vrrp_sync_decide(m, 3, 2, B, c), 1);
	assert_int_equal(c[2], VRRP_SYNC_FAULT);
	/* The faulted member recovers: the others are let go. */
	m[0].state = B;
	m[0].faulted = false;
	m[2].state = F;
	assert_int_equal(vrrp_sync_decide(m, 3, 0, F, c), 2);
	assert_int_equal(c[0], VRRP_SYNC_NONE);
	assert_int_equal(c[1], VRRP_SYNC_RELEASE);
	assert_int_equal(c[2], VRRP_SYNC_RELEASE);
	/* Two faulted members: the first to recover frees nobody. */
	m[1].faulted = true;
	assert_int_equal(vrrp_sync_decide(m, 3, 0, F, c), 1);
	assert_int_equal(c[0], VRRP_SYNC_FAULT);
	assert_int_equal(c[1], VRRP_SYNC_NONE);
	assert_int_equal(c[2], VRRP_SYNC_NONE);
	assert_string_equal(vrrp_sync_cmd_name(VRRP_SYNC_RELEASE), "RELEASE");
}

static void
test_master_follows(void **state)
{
	struct vrrp_sync_member m[3] = { { M, false, false },
	    { B, false, false }, { B, true, false } };
	enum vrrp_sync_cmd c[3];

	(void)state;
	assert_int_equal(vrrp_sync_decide(m, 3, 0, B, c), 2);
	assert_int_equal(c[0], VRRP_SYNC_NONE);
	assert_int_equal(c[1], VRRP_SYNC_MASTER);
	assert_int_equal(c[2], VRRP_SYNC_MASTER);
	/* Already MASTER (e.g. a timer event): nothing to do. */
	assert_int_equal(vrrp_sync_decide(m, 3, 0, M, c), 0);
}

/* keepalived prefers BACKUP to a group split across routers. */
static void
test_want_master(void **state)
{
	struct vrrp_sync_member m[3] = { { B, true, false },
	    { B, false, false }, { B, true, false } };
	enum vrrp_sync_cmd c[3];

	(void)state;
	assert_int_equal(vrrp_sync_decide(m, 3, 0, B, c), 0);
	m[1].state = I;		/* a member not started yet holds it too */
	assert_int_equal(vrrp_sync_decide(m, 3, 0, B, c), 0);
	m[1].state = B;
	m[1].want_master = true;
	assert_int_equal(vrrp_sync_decide(m, 3, 1, B, c), 3);
	assert_int_equal(c[0], VRRP_SYNC_MASTER);
	assert_int_equal(c[1], VRRP_SYNC_MASTER);
	assert_int_equal(c[2], VRRP_SYNC_MASTER);
	/* The group is MASTER already: a late member joins at once. */
	m[0].state = M;
	m[2].state = M;
	assert_int_equal(vrrp_sync_decide(m, 3, 1, B, c), 1);
	assert_int_equal(c[1], VRRP_SYNC_MASTER);
	/* A member that does not ask is not moved by a BACKUP event. */
	m[1].want_master = false;
	assert_int_equal(vrrp_sync_decide(m, 3, 1, B, c), 0);
}

static void
test_lost_master(void **state)
{
	struct vrrp_sync_member m[3] = { { B, false, false },
	    { M, false, false }, { B, false, false } };
	enum vrrp_sync_cmd c[3];

	(void)state;
	assert_int_equal(vrrp_sync_decide(m, 3, 0, M, c), 1);
	assert_int_equal(c[1], VRRP_SYNC_BACKUP);
	assert_int_equal(c[2], VRRP_SYNC_NONE);
	/* From FAULT or INIT to BACKUP moves nobody. */
	assert_int_equal(vrrp_sync_decide(m, 3, 0, F, c), 0);
	assert_int_equal(vrrp_sync_decide(m, 3, 5, M, c), 0);
	assert_string_equal(vrrp_sync_cmd_name(VRRP_SYNC_FAULT), "FAULT");
}

/* The fsm side: a sync member asks instead of taking over. */

static void
start(struct vrrp_fsm *f, uint8_t prio, uint8_t last, bool sync)
{
	struct vrrp_fsm_config cfg = { .version = 2, .family = AF_INET,
	    .priority = prio, .adver_int_cs = 100, .preempt = true,
	    .sync = sync, .primary_addr = { 192, 0, 2, last } };
	struct vrrp_fsm_event ev = { .type = VRRP_EV_STARTUP };
	struct vrrp_fsm_result r;

	vrrp_fsm_init(f, &cfg);
	vrrp_fsm_handle(f, &ev, SEC, &r);
	assert_int_equal(f->state, B);
}

static void
feed(struct vrrp_fsm *f, enum vrrp_fsm_event_type t, uint64_t now,
    struct vrrp_fsm_result *r)
{
	struct vrrp_fsm_event ev = { .type = t };

	vrrp_fsm_handle(f, &ev, now, r);
}

static void
test_fsm_waits(void **state)
{
	struct vrrp_fsm f, plain;
	struct vrrp_fsm_result r;
	uint8_t src[4] = { 192, 0, 2, 9 };
	struct vrrp_fsm_event adv = { .type = VRRP_EV_ADVERT, .priority = 200,
	    .src = src };
	uint64_t t;

	(void)state;
	start(&plain, 100, 1, false);
	feed(&plain, VRRP_EV_TIMER, plain.deadline, &r);
	assert_int_equal(plain.state, M);	/* not a member: as before */
	start(&f, 100, 1, true);
	t = f.deadline;
	feed(&f, VRRP_EV_TIMER, t, &r);
	assert_int_equal(f.state, B);
	assert_true(r.want_master);
	assert_true(f.want_master);
	assert_int_equal(r.actions, 0);
	assert_int_equal(f.deadline, t + vrrp_fsm_master_down_us(&f));
	/* It asks again at the next expiry, and an advert cancels it. */
	feed(&f, VRRP_EV_TIMER, f.deadline, &r);
	assert_true(r.want_master);
	vrrp_fsm_handle(&f, &adv, f.deadline - 1, &r);
	assert_false(f.want_master);
	/* Allowed: MASTER with the reason it would have had. */
	feed(&f, VRRP_EV_TIMER, f.deadline, &r);
	feed(&f, VRRP_EV_SYNC_MASTER, f.deadline - 1, &r);
	assert_int_equal(f.state, M);
	assert_int_equal(r.reason, VRRP_REASON_MASTER_DOWN);
	assert_int_equal(r.actions, VRRP_ACT_SEND_ADVERT | VRRP_ACT_ADD_VIPS |
	    VRRP_ACT_SEND_GARP);
	assert_false(f.want_master);
	/* Pulled out of MASTER by the group: resigns, drops the VIPs. */
	t = f.deadline;
	feed(&f, VRRP_EV_SYNC_BACKUP, t, &r);
	assert_int_equal(f.state, B);
	assert_int_equal(r.reason, VRRP_REASON_SYNC);
	assert_int_equal(r.actions, VRRP_ACT_DEL_VIPS | VRRP_ACT_SEND_PRIO0);
	assert_int_equal(f.deadline, t + vrrp_fsm_master_down_us(&f));
	/* SYNC_MASTER without a wish: pulled along, reason SYNC. */
	feed(&f, VRRP_EV_SYNC_MASTER, t + 1, &r);
	assert_int_equal(f.state, M);
	assert_int_equal(r.reason, VRRP_REASON_SYNC);
	assert_string_equal(vrrp_reason_str(VRRP_REASON_SYNC), "sync group");
}

/* Priority 0 (resigned, maintenance) never wants nor is pulled to MASTER. */
static void
test_fsm_priority_zero(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_result r;
	struct vrrp_fsm_event pe = { .type = VRRP_EV_PRIORITY, .priority = 0 };

	(void)state;
	start(&f, 100, 1, true);
	feed(&f, VRRP_EV_TIMER, f.deadline, &r);
	assert_true(f.want_master);
	vrrp_fsm_handle(&f, &pe, f.deadline - 1, &r);
	assert_false(f.want_master);
	feed(&f, VRRP_EV_TIMER, f.deadline, &r);
	assert_false(r.want_master);
	feed(&f, VRRP_EV_SYNC_MASTER, f.deadline, &r);
	assert_int_equal(f.state, B);
	/* SYNC events elsewhere are ignored. */
	feed(&f, VRRP_EV_SYNC_BACKUP, f.deadline, &r);
	assert_int_equal(f.state, B);
	assert_false(r.changed);
}

/* Two members on one host, a live peer gone: both take over together. */
static void
test_fsm_group(void **state)
{
	struct vrrp_fsm f[2];
	struct vrrp_sync_member m[2];
	enum vrrp_sync_cmd c[2];
	struct vrrp_fsm_result r;
	size_t i;

	(void)state;
	start(&f[0], 100, 1, true);
	start(&f[1], 100, 2, true);
	feed(&f[0], VRRP_EV_TIMER, f[0].deadline, &r);
	for (i = 0; i < 2; i++)
		m[i] = (struct vrrp_sync_member){ f[i].state,
		    f[i].want_master, false };
	assert_int_equal(vrrp_sync_decide(m, 2, 0, B, c), 0);
	feed(&f[1], VRRP_EV_TIMER, f[1].deadline, &r);
	for (i = 0; i < 2; i++)
		m[i] = (struct vrrp_sync_member){ f[i].state,
		    f[i].want_master, false };
	assert_int_equal(vrrp_sync_decide(m, 2, 1, B, c), 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(c[i], VRRP_SYNC_MASTER);
		feed(&f[i], VRRP_EV_SYNC_MASTER, 10 * SEC, &r);
		assert_int_equal(f[i].state, M);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_fault),
		cmocka_unit_test(test_master_follows),
		cmocka_unit_test(test_want_master),
		cmocka_unit_test(test_lost_master),
		cmocka_unit_test(test_fsm_waits),
		cmocka_unit_test(test_fsm_priority_zero),
		cmocka_unit_test(test_fsm_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
