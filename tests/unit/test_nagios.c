/* SPDX-License-Identifier: ISC */
/* Unit tests for vipctl check: threshold ranges and verdicts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "vipctl/nagios.h"

static void
test_ranges(void **state)
{
	struct nagios_range r;

	(void)state;
	/* "10": alert outside 0..10. */
	assert_int_equal(nagios_range_parse("10", &r), 0);
	assert_false(nagios_range_alert(&r, 0));
	assert_false(nagios_range_alert(&r, 10));
	assert_true(nagios_range_alert(&r, 11));
	assert_true(nagios_range_alert(&r, -1));
	/* "50:": alert below 50. */
	assert_int_equal(nagios_range_parse("50:", &r), 0);
	assert_true(nagios_range_alert(&r, 49));
	assert_false(nagios_range_alert(&r, 250));
	/* "~:20": alert above 20. */
	assert_int_equal(nagios_range_parse("~:20", &r), 0);
	assert_false(nagios_range_alert(&r, -100));
	assert_true(nagios_range_alert(&r, 21));
	/* "@10:20": alert inside. */
	assert_int_equal(nagios_range_parse("@10:20", &r), 0);
	assert_true(nagios_range_alert(&r, 15));
	assert_false(nagios_range_alert(&r, 21));
	assert_int_equal(nagios_range_parse("", &r), -1);
	assert_int_equal(nagios_range_parse("x", &r), -1);
	assert_int_equal(nagios_range_parse("20:10", &r), -1);
	assert_int_equal(nagios_range_parse("1:2:3", &r), -1);
	memset(&r, 0, sizeof(r));
	assert_false(nagios_range_alert(&r, 1e9));
}

static enum nagios_code
eval(const char *json, const struct nagios_opts *o, char *out, size_t len)
{
	json_error_t e;
	json_t *st = json_loads(json, 0, &e);
	enum nagios_code c;

	assert_non_null(st);
	c = nagios_eval(st, o, out, len);
	json_decref(st);
	return c;
}

#define INST(name, state, prio, extra) \
	"{\"name\":\"" name "\",\"state\":\"" state "\",\"priority\":100," \
	"\"effective_priority\":" #prio extra "}"

static void
test_verdicts(void **state)
{
	struct nagios_opts o = { .expect = "any", .tls_warn = -1,
	    .tls_crit = -1 };
	char out[4096];

	(void)state;
	assert_int_equal(eval("{\"instances\":[" INST("A", "MASTER", 100, "")
	    "]}", &o, out, sizeof(out)), NAGIOS_OK);
	assert_string_equal(out, "VIPD OK - A MASTER, priority 100 of 100 | "
	    "'A_priority'=100;;;0;255 'A_master'=1;;;0;1");
	o.expect = "master";
	assert_int_equal(eval("{\"instances\":[" INST("A", "BACKUP", 100, "")
	    "]}", &o, out, sizeof(out)), NAGIOS_CRITICAL);
	assert_non_null(strstr(out, "(expected master)"));
	o.expect = "any";
	assert_int_equal(eval("{\"instances\":[" INST("A", "FAULT", 100,
	    ",\"fault_reason\":\"eth0 down\"") "]}", &o, out, sizeof(out)),
	    NAGIOS_CRITICAL);
	assert_non_null(strstr(out, "(eth0 down)"));
	/* A failing check warns; the worst instance decides. */
	assert_int_equal(eval("{\"instances\":[" INST("A", "MASTER", 100, "")
	    "," INST("B", "BACKUP", 60, ",\"health\":{\"checks\":[{\"name\":"
	    "\"smtp\",\"state\":\"failing\",\"reason\":\"421\","
	    "\"latency_ms\":12,\"tls_days_left\":5}]}") "]}", &o, out,
	    sizeof(out)), NAGIOS_WARNING);
	assert_non_null(strstr(out, "B: check smtp failing (421)"));
	assert_non_null(strstr(out, "'smtp_latency'=0.012s"));
	assert_non_null(strstr(out, "'smtp_tls_days'=5;0;0"));
	o.tls_crit = 7;
	assert_int_equal(eval("{\"instances\":[" INST("B", "BACKUP", 60,
	    ",\"health\":{\"checks\":[{\"name\":\"smtp\",\"state\":\"passing\","
	    "\"tls_days_left\":5}]}") "]}", &o, out, sizeof(out)),
	    NAGIOS_CRITICAL);
	assert_non_null(strstr(out, "certificate expires in 5 days"));
	o.tls_crit = -1;
	assert_int_equal(nagios_range_parse("80:", &o.warn), 0);
	assert_int_equal(eval("{\"instances\":[" INST("B", "BACKUP", 60, "")
	    "]}", &o, out, sizeof(out)), NAGIOS_WARNING);
	o.instance = "C";
	assert_int_equal(eval("{\"instances\":[" INST("B", "BACKUP", 60, "")
	    "]}", &o, out, sizeof(out)), NAGIOS_UNKNOWN);
	assert_string_equal(out, "VIPD UNKNOWN - no instance named C");
	/* Garbage in: an answer, never a crash. */
	o.instance = NULL;
	memset(&o.warn, 0, sizeof(o.warn));
	assert_int_equal(eval("{\"instances\":[1,\"x\",{}]}", &o, out,
	    sizeof(out)), NAGIOS_OK);
	assert_int_equal(eval("[]", &o, out, sizeof(out)), NAGIOS_UNKNOWN);
}

static void
test_quotes_in_labels(void **state)
{
	struct nagios_opts o = { .expect = "any", .tls_warn = -1,
	    .tls_crit = -1 };
	char out[4096];

	(void)state;
	eval("{\"instances\":[" INST("it's=x", "MASTER", 100, "") "]}", &o,
	    out, sizeof(out));
	assert_non_null(strstr(out, "'it_s_x_priority'=100"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_quotes_in_labels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
