/* SPDX-License-Identifier: ISC */
/* Shared fixtures for the vrrp/fsm.c unit tests: config, fake clock, expectations. */
#ifndef VIPD_TESTS_FSM_FIXTURE_H
#define VIPD_TESTS_FSM_FIXTURE_H

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

static inline void cfg_make(struct vrrp_fsm_config *c, uint8_t version,
			    uint8_t prio, uint32_t cs)
{
	memset(c, 0, sizeof(*c));
	c->version = version;
	c->family = AF_INET;
	c->priority = prio;
	c->adver_int_cs = cs;
	c->preempt = true;
	memcpy(c->primary_addr, OURS, sizeof(OURS));
}

static inline int setup(void **state)
{
	struct fx *x = test_calloc(1, sizeof(*x));

	cfg_make(&x->c, 3, 100, 100);
	*state = x;
	return 0;
}

static inline int teardown(void **state)
{
	test_free(*state);
	return 0;
}

static inline const struct vrrp_fsm_result *feed(struct fx *x,
						 struct vrrp_fsm_event e,
						 uint64_t now)
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
static inline void expect(const struct vrrp_fsm_result *r, unsigned actions,
			  enum vrrp_state to, enum vrrp_reason why,
			  uint64_t deadline)
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
static inline void quiet(const struct vrrp_fsm_result *r, uint64_t deadline)
{
	expect(r, 0, r->from, RS(NONE), deadline);
}

/* BACKUP at T0 from x->c. */
static inline void boot_backup(struct fx *x)
{
	vrrp_fsm_init(&x->f, &x->c);
	ev(x, VRRP_EV_STARTUP, T0);
	assert_int_equal(x->f.state, ST(BACKUP));
	assert_int_equal(x->f.deadline, T0 + vrrp_fsm_master_down_us(&x->f));
}

/* BACKUP at T0, then MASTER when the down timer fires; returns that time. */
static inline uint64_t boot_master(struct fx *x)
{
	uint64_t t;

	boot_backup(x);
	t = x->f.deadline;
	ev(x, VRRP_EV_TIMER, t);
	assert_int_equal(x->f.state, ST(MASTER));
	return t;
}

#endif
