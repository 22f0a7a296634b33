/* SPDX-License-Identifier: ISC */
/* Unit tests for the event loop: timer order, cancel, re-arm, fd removal, signals, I/O before expired timers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/epoll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "lib/loop.h"

struct rec {
	struct loop *l;
	int order[16];
	int n;
	int stop_after;
};

struct tm_ctx {
	struct rec *r;
	int id;
};

static void
tcb(struct loop_timer *t, uint64_t now, void *arg)
{
	struct tm_ctx *c = arg;

	(void)t;
	(void)now;
	c->r->order[c->r->n++] = c->id;
	if (c->r->n == c->r->stop_after)
		loop_stop(c->r->l);
}

static void
test_timer_order(void **state)
{
	struct rec r = { .stop_after = 4 };
	struct loop_timer t[5];
	struct tm_ctx c[5];
	uint64_t now;
	int i;

	(void)state;
	r.l = loop_new();
	assert_non_null(r.l);
	now = loop_now();
	for (i = 0; i < 5; i++) {
		c[i].r = &r;
		c[i].id = i;
		loop_timer_init(&t[i], tcb, &c[i]);
	}
	/* Deadlines out of order; timer 2 cancelled; timer 4 moved earlier. */
	loop_timer_set(r.l, &t[0], now + 40000);
	loop_timer_set(r.l, &t[1], now + 10000);
	loop_timer_set(r.l, &t[2], now + 5000);
	loop_timer_set(r.l, &t[3], now + 30000);
	loop_timer_set(r.l, &t[4], now + 90000);
	loop_timer_cancel(r.l, &t[2]);
	loop_timer_set(r.l, &t[4], now + 20000);
	assert_int_equal(loop_run(r.l), 0);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.order[0], 1);
	assert_int_equal(r.order[1], 4);
	assert_int_equal(r.order[2], 3);
	assert_int_equal(r.order[3], 0);
	assert_true(loop_now() >= now + 40000);
	assert_int_equal(t[2].when, 0);
	loop_free(r.l);
}

static void
test_timer_past_deadline(void **state)
{
	struct rec r = { .stop_after = 1 };
	struct loop_timer t;
	struct tm_ctx c = { &r, 7 };
	struct loop_stats st;

	(void)state;
	r.l = loop_new();
	loop_timer_init(&t, tcb, &c);
	loop_timer_set(r.l, &t, 1);	/* long past: fires at once */
	assert_int_equal(loop_run(r.l), 0);
	assert_int_equal(r.order[0], 7);
	loop_get_stats(r.l, &st);
	assert_int_equal(st.timers_fired, 1);
	loop_free(r.l);
}

struct fd_ctx {
	struct loop *l;
	int fds[2][2];
	int calls[2];
};

/* Whichever pipe fires first removes the other one, which must not run. */
static void
fcb(int fd, uint32_t ev, void *arg)
{
	struct fd_ctx *c = arg;
	int me = fd == c->fds[0][0] ? 0 : 1;

	(void)ev;
	c->calls[me]++;
	loop_del_fd(c->l, c->fds[!me][0]);
	loop_del_fd(c->l, fd);
	loop_stop(c->l);
}

static void
test_fd_delete_in_callback(void **state)
{
	struct fd_ctx c = { 0 };

	(void)state;
	c.l = loop_new();
	assert_int_equal(pipe(c.fds[0]), 0);
	assert_int_equal(pipe(c.fds[1]), 0);
	assert_int_equal(loop_add_fd(c.l, c.fds[0][0], EPOLLIN, fcb, &c), 0);
	assert_int_equal(loop_add_fd(c.l, c.fds[1][0], EPOLLIN, fcb, &c), 0);
	assert_int_equal(write(c.fds[0][1], "x", 1), 1);
	assert_int_equal(write(c.fds[1][1], "x", 1), 1);
	assert_int_equal(loop_run(c.l), 0);
	assert_int_equal(c.calls[0] + c.calls[1], 1);
	assert_int_equal(loop_del_fd(c.l, c.fds[0][0]), -1);
	loop_free(c.l);
	close(c.fds[0][0]); close(c.fds[0][1]);
	close(c.fds[1][0]); close(c.fds[1][1]);
}

static void
scb(int signo, void *arg)
{
	struct rec *r = arg;

	r->order[r->n++] = signo;
	loop_stop(r->l);
}

static void
test_signal(void **state)
{
	struct rec r = { 0 };

	(void)state;
	r.l = loop_new();
	assert_int_equal(loop_signal(r.l, SIGUSR1, scb, &r), 0);
	assert_int_equal(kill(getpid(), SIGUSR1), 0);
	assert_int_equal(loop_run(r.l), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.order[0], SIGUSR1);
	loop_free(r.l);
}

/*
 * I/O before expired timers: "watchdog" plays a Master_Down timer, the pipe
 * an advert socket. The pipe callback records itself and, when rearm is
 * set, pushes the watchdog back as an advert would.
 */
struct race {
	struct loop *l;
	int p[2];
	struct loop_timer watchdog, stall, stop;
	int order[8];
	int n;
	bool rearm;
};

static void
race_fd(int fd, uint32_t ev, void *arg)
{
	struct race *r = arg;
	char b[16];

	(void)ev;
	assert_true(read(fd, b, sizeof(b)) > 0);
	r->order[r->n++] = 1;
	if (r->rearm)
		loop_timer_set(r->l, &r->watchdog, loop_now() + 10000000);
}

static void
race_watchdog(struct loop_timer *t, uint64_t now, void *arg)
{
	struct race *r = arg;

	(void)t;
	(void)now;
	r->order[r->n++] = 2;
}

/* A callback that hogs the loop while a packet arrives and the watchdog expires. */
static void
race_stall(struct loop_timer *t, uint64_t now, void *arg)
{
	struct race *r = arg;

	(void)t;
	(void)now;
	r->order[r->n++] = 3;
	assert_int_equal(write(r->p[1], "a", 1), 1);
	usleep(30000);
}

static void
race_stop(struct loop_timer *t, uint64_t now, void *arg)
{
	struct race *r = arg;

	(void)t;
	(void)now;
	loop_stop(r->l);
}

static void
race_setup(struct race *r, bool rearm)
{
	memset(r, 0, sizeof(*r));
	r->rearm = rearm;
	r->l = loop_new();
	assert_non_null(r->l);
	assert_int_equal(pipe(r->p), 0);
	assert_int_equal(loop_add_fd(r->l, r->p[0], EPOLLIN, race_fd, r), 0);
	loop_timer_init(&r->watchdog, race_watchdog, r);
	loop_timer_init(&r->stall, race_stall, r);
	loop_timer_init(&r->stop, race_stop, r);
}

static void
race_teardown(struct race *r)
{
	loop_free(r->l);
	close(r->p[0]);
	close(r->p[1]);
}

/* Both due when the loop starts: the fd callback runs first. */
static void
test_io_before_expired_timer(void **state)
{
	struct race r;
	uint64_t now = loop_now();

	(void)state;
	race_setup(&r, false);
	assert_int_equal(write(r.p[1], "a", 1), 1);
	loop_timer_set(r.l, &r.watchdog, now - 1000);
	loop_timer_set(r.l, &r.stop, now + 20000);
	assert_int_equal(loop_run(r.l), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.order[0], 1);
	assert_int_equal(r.order[1], 2);
	race_teardown(&r);
}

/* Same, and the fd callback re-arms the watchdog: it must not fire. */
static void
test_io_rearm_cancels_expiry(void **state)
{
	struct race r;
	uint64_t now = loop_now();

	(void)state;
	race_setup(&r, true);
	assert_int_equal(write(r.p[1], "a", 1), 1);
	loop_timer_set(r.l, &r.watchdog, now - 1000);
	loop_timer_set(r.l, &r.stop, now + 20000);
	assert_int_equal(loop_run(r.l), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.order[0], 1);
	assert_true(r.watchdog.when > now + 1000000);
	race_teardown(&r);
}

/*
 * A timer callback stalls the loop for 30 ms; meanwhile a packet arrives
 * and the watchdog expires. The packet is read first and re-arms the
 * watchdog, which therefore never fires.
 */
static void
test_stall_reads_before_timeout(void **state)
{
	struct race r;
	uint64_t now = loop_now();

	(void)state;
	race_setup(&r, true);
	loop_timer_set(r.l, &r.stall, now + 1000);
	loop_timer_set(r.l, &r.watchdog, now + 10000);
	loop_timer_set(r.l, &r.stop, now + 60000);
	assert_int_equal(loop_run(r.l), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.order[0], 3);
	assert_int_equal(r.order[1], 1);
	race_teardown(&r);
}

/* Without the packet the stalled watchdog still fires, late. */
static void
test_stall_timeout_still_fires(void **state)
{
	struct race r;
	uint64_t now = loop_now();
	struct loop_stats st;

	(void)state;
	race_setup(&r, false);
	loop_del_fd(r.l, r.p[0]);
	loop_timer_set(r.l, &r.stall, now + 1000);
	loop_timer_set(r.l, &r.watchdog, now + 10000);
	loop_timer_set(r.l, &r.stop, now + 60000);
	assert_int_equal(loop_run(r.l), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.order[0], 3);
	assert_int_equal(r.order[1], 2);
	loop_get_stats(r.l, &st);
	assert_true(st.late_max_us >= 15000);
	race_teardown(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_order),
		cmocka_unit_test(test_timer_past_deadline),
		cmocka_unit_test(test_fd_delete_in_callback),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_io_before_expired_timer),
		cmocka_unit_test(test_io_rearm_cancels_expiry),
		cmocka_unit_test(test_stall_reads_before_timeout),
		cmocka_unit_test(test_stall_timeout_still_fires),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
