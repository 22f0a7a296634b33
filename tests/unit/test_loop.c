/* SPDX-License-Identifier: ISC */
/* Unit tests for the event loop: timer order, cancel, re-arm, fd removal from a callback, signals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/epoll.h>
#include <signal.h>
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_order),
		cmocka_unit_test(test_timer_past_deadline),
		cmocka_unit_test(test_fd_delete_in_callback),
		cmocka_unit_test(test_signal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
