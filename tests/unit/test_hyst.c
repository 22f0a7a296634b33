/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for rise/fall (healthcheck/hyst.c), from vipd.conf(5): "A
 * check fails after fall failed runs in a row and passes again after rise
 * good ones", and from agent/health.c: the first run decides at once.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <string.h>

#include <cmocka.h>

#include "healthcheck/hyst.h"

struct hy {
	bool known, ok;
	unsigned streak;
};

/* Feed runs ("P" pass, "F" fail) and return the states after each as a
 * string of "p"/"f", upper case where the call reported a change. */
static const char *
feed(struct hy *h, const char *runs, unsigned rise, unsigned fall)
{
	static char out[64];
	size_t i;

	for (i = 0; runs[i] != '\0' && i < sizeof(out) - 1; i++) {
		bool changed = hc_hyst_feed(&h->known, &h->ok, &h->streak,
		    runs[i] == 'P', rise, fall);

		out[i] = h->ok ? (changed ? 'P' : 'p') : (changed ? 'F' : 'f');
	}
	out[i] = '\0';
	return out;
}

static void
test_first_run_decides_at_once(void **state)
{
	struct hy a = { 0 }, b = { 0 };

	(void)state;
	assert_string_equal(feed(&a, "P", 5, 5), "P");
	assert_true(a.known);
	assert_string_equal(feed(&b, "F", 5, 5), "F");
	assert_true(b.known);
}

static void
test_fall_needs_failures_in_a_row(void **state)
{
	struct hy h = { 0 };

	(void)state;
	assert_string_equal(feed(&h, "P", 1, 3), "P");
	/* Two failures, a pass (streak broken), then three in a row. */
	assert_string_equal(feed(&h, "FFPFFF", 1, 3), "pppppF");
	assert_false(h.ok);
}

static void
test_rise_needs_passes_in_a_row(void **state)
{
	struct hy h = { 0 };

	(void)state;
	assert_string_equal(feed(&h, "F", 2, 1), "F");
	assert_string_equal(feed(&h, "PFPP", 2, 1), "fffP");
	assert_true(h.ok);
	/* fall 1: the next failure fails at once. */
	assert_string_equal(feed(&h, "F", 2, 1), "F");
}

static void
test_one_and_one_follow_every_run(void **state)
{
	struct hy h = { 0 };

	(void)state;
	assert_string_equal(feed(&h, "PFFPPF", 1, 1), "PFfPpF");
}

static void
test_runs_agreeing_reset_the_streak(void **state)
{
	struct hy h = { 0 };

	(void)state;
	/* fall 2: single failures between passes never fail the check. */
	assert_string_equal(feed(&h, "PFPFPFP", 1, 2), "Ppppppp");
	assert_int_equal(h.streak, 0);
	assert_string_equal(feed(&h, "FF", 1, 2), "pF");
	assert_int_equal(h.streak, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_run_decides_at_once),
		cmocka_unit_test(test_fall_needs_failures_in_a_row),
		cmocka_unit_test(test_rise_needs_passes_in_a_row),
		cmocka_unit_test(test_one_and_one_follow_every_run),
		cmocka_unit_test(test_runs_agreeing_reset_the_streak),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
