/* SPDX-License-Identifier: ISC */
/* Unit tests: the reload request and vipctl's rendering of its answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "ctl/ctl_proto.h"
#include "vipctl/print.h"

static void
test_request(void **state)
{
	struct ctl_request r = { .cmd = CTL_CMD_RELOAD };
	char err[128] = "", *line;
	const char *bad = "{\"command\":\"reload\",\"instance\":\"VI_1\"}";

	(void)state;
	line = ctl_request_encode(&r);
	assert_non_null(line);
	assert_string_equal(line, "{\"command\":\"reload\"}\n");
	memset(&r, 0xff, sizeof(r));
	assert_int_equal(ctl_request_parse(line, strlen(line) - 1, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(r.cmd, CTL_CMD_RELOAD);
	free(line);
	assert_string_equal(ctl_cmd_name(CTL_CMD_RELOAD), "reload");
	assert_int_equal(ctl_cmd_lookup("reload"), CTL_CMD_RELOAD);
	/* reload takes no argument. */
	assert_int_equal(ctl_request_parse(bad, strlen(bad), &r, err,
	    sizeof(err)), -1);
	assert_true(err[0] != '\0');
}

struct out {
	char *o, *e;
	size_t ol, el;
	int rc;
};

static void
render(const char *json, struct out *res)
{
	json_error_t jerr;
	json_t *r = json ? json_loads(json, 0, &jerr) : NULL;
	FILE *o = open_memstream(&res->o, &res->ol);
	FILE *e = open_memstream(&res->e, &res->el);

	assert_non_null(o);
	assert_non_null(e);
	res->rc = vipctl_print_reload(r, o, e);
	fclose(o);
	fclose(e);
	json_decref(r);
}

static void
test_print_ok(void **state)
{
	struct out r;

	(void)state;
	render("{\"reloaded\":true,\"file\":\"/etc/vipd/vipd.conf\","
	    "\"unchanged\":[\"VI_2\"],\"changed\":[\"VI_1\"],"
	    "\"added\":[\"VI_3\",\"VI_4\"],\"removed\":[],"
	    "\"warnings\":[\"/etc/vipd/vipd.conf:3: warning: w\"]}", &r);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.o, "reloaded /etc/vipd/vipd.conf\n"
	    "  added: VI_3 VI_4\n  changed: VI_1\n  unchanged: VI_2\n");
	assert_string_equal(r.e, "/etc/vipd/vipd.conf:3: warning: w\n");
	free(r.o);
	free(r.e);
}

static void
test_print_refused(void **state)
{
	struct out r;

	(void)state;
	render("{\"reloaded\":false,\"file\":\"/x.conf\",\"errors\":"
	    "[\"/x.conf:4: unknown keyword \\\"bogus\\u0001\\\"\","
	    "\"/x.conf:9: priority: 300 is out of range\"]}", &r);
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.o, "");
	assert_string_equal(r.e,
	    "/x.conf:4: unknown keyword \"bogus?\"\n"
	    "/x.conf:9: priority: 300 is out of range\n"
	    "vipctl: reload refused; vipd keeps running the previous "
	    "configuration\n");
	free(r.o);
	free(r.e);
	/* Anything else is a refusal too, never a crash. */
	render(NULL, &r);
	assert_int_equal(r.rc, 1);
	free(r.o);
	free(r.e);
	render("{\"reloaded\":\"yes\",\"errors\":5}", &r);
	assert_int_equal(r.rc, 1);
	free(r.o);
	free(r.e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_print_ok),
		cmocka_unit_test(test_print_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
