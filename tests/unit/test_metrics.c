/* SPDX-License-Identifier: ISC */
/* Unit tests for the Prometheus exposition of a status result. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ctl/metrics.h"

/* Two instances sharing one check; a name that needs escaping. */
static const char status_text[] =
    "{\"version\":\"0.1.0\",\"router_id\":\"mx\\\"1\",\"loop\":"
    "{\"timers_fired\":7,\"late_max_us\":1500},"
    "\"interfaces\":[{\"name\":\"eth0\",\"up\":true,"
    "\"drops_unknown_vrid\":3,\"drops_undecodable\":0}],"
    "\"instances\":["
    "{\"name\":\"MAIL\",\"state\":\"MASTER\",\"priority\":100,"
    "\"effective_priority\":100,\"master_priority\":100,"
    "\"advert_interval_ms\":100,\"vips_installed\":true,"
    "\"misconfigured_peer\":null,"
    "\"transitions\":[{\"to\":\"MASTER\",\"reason\":\"master down timer "
    "expired\",\"count\":2}],"
    "\"counters\":{\"adverts_sent\":10,\"drops\":{\"auth_mismatch\":4}},"
    "\"health\":{\"maintenance\":false,\"ready\":true,\"checks\":["
    "{\"name\":\"pf\",\"type\":\"postfix\",\"state\":\"passing\","
    "\"latency_ms\":2.5,\"runs\":9,\"failures\":1,"
    "\"queue\":{\"deferred\":12,\"active\":1}}]}},"
    "{\"name\":\"SUB\\nX\",\"state\":\"BACKUP\",\"priority\":90,"
    "\"effective_priority\":90,\"master_priority\":null,"
    "\"misconfigured_peer\":\"203.0.113.9: auth\","
    "\"health\":{\"checks\":[{\"name\":\"pf\",\"type\":\"postfix\","
    "\"state\":\"passing\",\"latency_ms\":2.5}]}}]}";

static char *
render(void)
{
	json_error_t e;
	json_t *st = json_loads(status_text, 0, &e);
	char *text;
	size_t len;

	assert_non_null(st);
	text = ctl_metrics_render(st, &len);
	json_decref(st);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	return text;
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void
test_values_and_labels(void **state)
{
	char *t = render();

	(void)state;
	assert_non_null(strstr(t, "\nvipd_up 1\n"));
	assert_non_null(strstr(t, "vipd_info{version=\"0.1.0\","
	    "router_id=\"mx\\\"1\"} 1\n"));
	assert_non_null(strstr(t, "vipd_loop_timer_lateness_max_seconds "
	    "0.0015\n"));
	assert_non_null(strstr(t, "vipd_instance_state{instance=\"MAIL\","
	    "state=\"MASTER\"} 1\n"));
	assert_non_null(strstr(t, "vipd_instance_state{instance=\"MAIL\","
	    "state=\"BACKUP\"} 0\n"));
	/* A newline in a label value is escaped. */
	assert_non_null(strstr(t, "vipd_instance_state{instance=\"SUB\\nX\","
	    "state=\"BACKUP\"} 1\n"));
	assert_non_null(strstr(t, "vipd_instance_advert_interval_seconds"
	    "{instance=\"MAIL\"} 0.1\n"));
	assert_non_null(strstr(t, "vipd_transitions_total{instance=\"MAIL\","
	    "to=\"MASTER\",reason=\"master down timer expired\"} 2\n"));
	assert_non_null(strstr(t, "vipd_adverts_dropped_total{instance="
	    "\"MAIL\",reason=\"auth_mismatch\"} 4\n"));
	assert_non_null(strstr(t, "vipd_instance_misconfigured_peer{instance="
	    "\"MAIL\"} 0\n"));
	assert_non_null(strstr(t, "vipd_instance_misconfigured_peer{instance="
	    "\"SUB\\nX\"} 1\n"));
	assert_non_null(strstr(t, "vipd_postfix_queue_messages{check=\"pf\","
	    "type=\"postfix\",queue=\"deferred\"} 12\n"));
	assert_non_null(strstr(t, "vipd_check_latency_seconds{check=\"pf\","
	    "type=\"postfix\"} 0.0025\n"));
	assert_non_null(strstr(t, "vipd_interface_dropped_unknown_vrid_total"
	    "{interface=\"eth0\"} 3\n"));
	/* A null master_priority is left out, not reported as 0. */
	assert_int_equal(count(t, "vipd_instance_master_priority{"), 1);
	free(t);
}

static void
test_families_once(void **state)
{
	char *t = render();

	(void)state;
	/* Every family has one HELP and one TYPE, shared checks are listed
	 * once, and counters end in _total. */
	assert_int_equal(count(t, "# TYPE vipd_check_state gauge\n"), 1);
	assert_int_equal(count(t, "vipd_check_state{check=\"pf\","
	    "type=\"postfix\",state=\"passing\"} 1\n"), 1);
	assert_int_equal(count(t, "# HELP vipd_adverts_sent_total "), 1);
	for (const char *p = t; (p = strstr(p, "# TYPE ")) != NULL; p++) {
		const char *sp = strchr(p + 7, ' ');

		assert_non_null(sp);
		if (strncmp(sp, " counter\n", 9) == 0)
			assert_memory_equal(sp - 6, "_total", 6);
	}
	free(t);
}

static void
test_empty_status(void **state)
{
	json_t *st = json_object();
	char *t;

	(void)state;
	t = ctl_metrics_render(st, NULL);
	json_decref(st);
	assert_non_null(t);
	assert_non_null(strstr(t, "vipd_up 1\n"));
	assert_null(strstr(t, "vipd_instance_state{"));
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_and_labels),
		cmocka_unit_test(test_families_once),
		cmocka_unit_test(test_empty_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
