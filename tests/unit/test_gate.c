/* SPDX-License-Identifier: ISC */
/* Unit tests for the health gate: weights, resignation, strict mode, maintenance, explain. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "healthcheck/gate.h"

#define CHK(nm, k, o, w) { .name = nm, .known = k, .ok = o, .weight = w, \
	.reason = o ? "ok" : "smtp: 421 from 127.0.0.1:25 at greeting" }

static void
test_no_checks(void **state)
{
	struct hc_gate_result r;

	(void)state;
	hc_gate_eval(100, false, false, NULL, 0, &r);
	assert_true(r.ready);
	assert_false(r.resign);
	assert_int_equal(r.priority, 100);
}

static void
test_weights(void **state)
{
	struct hc_gate_check c[] = {
		CHK("a", true, true, 20),	/* applies: +20 */
		CHK("b", true, false, 30),	/* positive, failing: 0 */
		CHK("c", true, false, -50),	/* applies: -50 */
		CHK("d", true, true, -7),	/* negative, passing: 0 */
	};
	struct hc_gate_result r;

	(void)state;
	hc_gate_eval(100, false, false, c, 4, &r);
	assert_int_equal(r.delta, -30);
	assert_int_equal(r.priority, 70);
	/* Clamped to 1..254. */
	c[2].weight = -253;
	hc_gate_eval(100, false, false, c, 4, &r);
	assert_int_equal(r.priority, 1);
	c[0].weight = 253;
	c[2].ok = true;
	hc_gate_eval(100, false, false, c, 4, &r);
	assert_int_equal(r.priority, 254);
	/* The owner never moves. */
	hc_gate_eval(255, false, false, c, 4, &r);
	assert_int_equal(r.priority, 255);
}

/* The owner: neither a failing weight-0 check nor maintenance moves it. */
static void
test_owner_not_gated(void **state)
{
	struct hc_gate_check c[] = {
		CHK("smtp", true, false, 0),
	};
	struct hc_gate_result r;
	char buf[1024];

	(void)state;
	hc_gate_eval(255, true, true, c, 1, &r);
	assert_int_equal(r.priority, 255);
	assert_false(r.resign);
	assert_null(r.cause);
	hc_gate_explain(255, true, true, c, 1, buf, sizeof(buf));
	assert_non_null(strstr(buf, "effective priority 255\n"));
	assert_non_null(strstr(buf, "do not apply"));
	assert_null(strstr(buf, "maintenance on"));
	assert_null(strstr(buf, "resigned"));
}

static void
test_resign(void **state)
{
	struct hc_gate_check c[] = {
		CHK("smtp", true, false, 0),
		CHK("queue", true, true, 10),
	};
	struct hc_gate_result r;

	(void)state;
	hc_gate_eval(100, false, false, c, 2, &r);
	assert_true(r.resign);
	assert_int_equal(r.priority, 1);
	assert_string_equal(r.cause, "smtp: 421 from 127.0.0.1:25 at greeting");
	hc_gate_eval(100, true, false, c, 2, &r);
	assert_int_equal(r.priority, 0);
	c[0].ok = true;
	hc_gate_eval(100, true, false, c, 2, &r);
	assert_false(r.resign);
	assert_null(r.cause);
	assert_int_equal(r.priority, 110);
}

static void
test_ready_and_maintenance(void **state)
{
	struct hc_gate_check c[] = {
		CHK("smtp", true, true, 0),
		CHK("postfix", false, false, 0),
	};
	struct hc_gate_result r;

	(void)state;
	hc_gate_eval(100, false, false, c, 2, &r);
	assert_false(r.ready);
	assert_false(r.resign);	/* an unknown check is not a failing one */
	assert_int_equal(r.priority, 100);
	c[1].known = true;
	c[1].ok = true;
	hc_gate_eval(100, false, true, c, 2, &r);
	assert_true(r.ready);
	assert_int_equal(r.priority, 0);
}

static void
test_explain(void **state)
{
	struct hc_gate_check c[] = {
		CHK("default_smtp", true, false, 0),
		CHK("extra", true, true, 5),
		CHK("slow", false, false, -3),
	};
	char buf[1024], small[16];
	size_t n;

	(void)state;
	n = hc_gate_explain(90, false, false, c, 3, buf, sizeof(buf));
	assert_int_equal(n, strlen(buf));
	assert_non_null(strstr(buf, "base priority 90\n"));
	assert_non_null(strstr(buf, "check default_smtp: failing, weight 0: "
	    "resign (weight 0 and failing); last: smtp: 421 from "
	    "127.0.0.1:25 at greeting\n"));
	assert_non_null(strstr(buf, "check extra: passing, weight 5: +5"));
	assert_non_null(strstr(buf, "check slow: unknown, weight -3: no "
	    "verdict yet"));
	assert_non_null(strstr(buf, "90 +5 = 95"));
	assert_non_null(strstr(buf, "waiting for every check's first verdict"));
	assert_non_null(strstr(buf, "resigned: priority 1"));
	assert_non_null(strstr(buf, "effective priority 1\n"));
	/* Truncation keeps a terminated string. */
	n = hc_gate_explain(90, false, false, c, 3, small, sizeof(small));
	assert_int_equal(strlen(small), n);
	assert_true(n < sizeof(small));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_checks),
		cmocka_unit_test(test_weights),
		cmocka_unit_test(test_resign),
		cmocka_unit_test(test_owner_not_gated),
		cmocka_unit_test(test_ready_and_maintenance),
		cmocka_unit_test(test_explain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
