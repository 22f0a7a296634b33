/* SPDX-License-Identifier: ISC */
/* Unit tests for vrrp/fsm.c: two routers on a simulated link, randomized invariants. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "vrrp/fsm.h"
#include "fsm_fixture.h"

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

/*
 * A third host forges priority 0 every 10 ms for 20 s: neither router
 * moves (the Backup ignores resignations not from its Master).
 */
static void test_forged_prio0_stranger(void **state)
{
	struct sim s;
	const uint8_t a[4] = { 192, 0, 2, 1 }, b[4] = { 192, 0, 2, 2 };
	const uint8_t forger[4] = { 192, 0, 2, 66 };
	enum vrrp_reason why[2];
	uint64_t end;
	int k;

	(void)state;
	memset(&s, 0, sizeof(s));
	cfg_make(&s.rt[0].c, 3, 200, 10);
	memcpy(s.rt[0].c.primary_addr, a, 4);
	cfg_make(&s.rt[1].c, 3, 100, 10);
	memcpy(s.rt[1].c.primary_addr, b, 4);
	for (k = 0; k < 2; k++) {
		vrrp_fsm_init(&s.rt[k].f, &s.rt[k].c);
		s.up[k] = true;
		ev(&s.rt[k], VRRP_EV_STARTUP, T0);
	}
	sim_run(&s, T0 + 5 * SEC);
	assert_int_equal(s.rt[0].f.state, ST(MASTER));
	assert_int_equal(s.rt[1].f.state, ST(BACKUP));
	why[0] = s.rt[0].f.reason;
	why[1] = s.rt[1].f.reason;
	end = s.now + 20 * SEC;
	while (s.now < end) {
		sim_run(&s, s.now + 10000);
		for (k = 0; k < 2; k++) {
			unsigned act = adv(&s.rt[k], s.now, 0, 10,
			    forger)->actions;

			assert_int_equal(s.rt[k].r.changed, false);
			if (k == 1)
				assert_true(s.rt[1].r.prio0_ignored);
			/* The Master answers each at once (RFC 9568). */
			sim_deliver(&s, k, act);
		}
	}
	/* No transition at all: the last ones are still those of startup. */
	assert_int_equal(s.rt[0].f.state, ST(MASTER));
	assert_int_equal(s.rt[0].f.reason, why[0]);
	assert_int_equal(s.rt[1].f.state, ST(BACKUP));
	assert_int_equal(s.rt[1].f.reason, why[1]);
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
	/* GARP on becoming Master, or at once on hearing a rival Master. */
	assert_int_equal(!!(r->actions & VRRP_ACT_SEND_GARP),
	    to_master || r->lower_master);
	if (r->lower_master)
		assert_true(!r->changed && f->state == ST(MASTER));
	/* An ignored resignation changes nothing at all. */
	if (r->prio0_ignored)
		assert_true(!r->changed && r->actions == 0 &&
		    f->state == ST(BACKUP));
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
		T(test_two_routers),
		T(test_forged_prio0_stranger),
		T(test_random_invariants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
