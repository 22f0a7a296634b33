/* SPDX-License-Identifier: ISC */
/* Unit tests: control protocol codecs, line framing and the status table. */
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

/* Requests --------------------------------------------------------- */

static int
parse(const char *line, struct ctl_request *req, char *err, size_t errlen)
{
	return ctl_request_parse(line, strlen(line), req, err, errlen);
}

static void
test_request_valid(void **state)
{
	struct ctl_request r;
	char err[128] = "";

	(void)state;
	assert_int_equal(parse("{\"command\":\"status\"}", &r, err,
	    sizeof(err)), 0);
	assert_int_equal(r.cmd, CTL_CMD_STATUS);
	assert_string_equal(r.instance, "");
	assert_string_equal(r.mode, "");

	assert_int_equal(parse(" { \"command\" : \"explain\" } \r", &r, err,
	    sizeof(err)), 0);
	assert_int_equal(r.cmd, CTL_CMD_EXPLAIN);
	assert_string_equal(r.instance, "");

	assert_int_equal(parse("{\"instance\":\"VI_1\",\"command\":\"explain\"}",
	    &r, err, sizeof(err)), 0);
	assert_int_equal(r.cmd, CTL_CMD_EXPLAIN);
	assert_string_equal(r.instance, "VI_1");

	assert_int_equal(parse("{\"command\":\"maintenance\",\"mode\":\"on\","
	    "\"instance\":\"VI_1\"}", &r, err, sizeof(err)), 0);
	assert_int_equal(r.cmd, CTL_CMD_MAINTENANCE);
	assert_string_equal(r.mode, "on");
	assert_string_equal(r.instance, "VI_1");

	assert_int_equal(parse("{\"command\":\"maintenance\",\"mode\":\"off\"}",
	    &r, err, sizeof(err)), 0);
	assert_string_equal(r.mode, "off");
	assert_string_equal(r.instance, "");

	/* 63 bytes is the longest instance name; UTF-8 is fine. */
	assert_int_equal(parse("{\"command\":\"explain\",\"instance\":\""
	    "123456789012345678901234567890123456789012345678901234567890123"
	    "\"}", &r, err, sizeof(err)), 0);
	assert_int_equal(strlen(r.instance), 63);
	assert_int_equal(parse("{\"command\":\"explain\",\"instance\":"
	    "\"m\\u00e9l\"}", &r, err, sizeof(err)), 0);
	assert_string_equal(r.instance, "m\xc3\xa9l");
	assert_string_equal(err, "");
}

struct bad_request {
	const char *line;
	const char *err;	/* exact message, or prefix if it ends in '*' */
};

static const struct bad_request bad_requests[] = {
	{ "", "invalid JSON at column 0: *" },
	{ "{", "invalid JSON at column 1: *" },
	{ "{\"command\":\"status\"} x", "invalid JSON*" },
	{ "{\"command\":\"status\"}{}", "invalid JSON*" },
	{ "{\"command\":\"status\",\"command\":\"status\"}",
	    "invalid JSON at column 29: duplicate object key*" },
	{ "{\"command\":\"st\\u0000atus\"}", "invalid JSON*" },
	/* jansson quotes the input: newlines and non-ASCII are masked. */
	{ "{\"command\":\"\xc3\xa9\\\n\"}", "invalid JSON at column 0: "
	    "invalid escape near '\"??\\?'" },
	{ "[1]", "request must be an object, not an array" },
	{ "\"status\"", "request must be an object, not a string" },
	{ "3", "request must be an object, not a number" },
	{ "1.5", "request must be an object, not a number" },
	{ "true", "request must be an object, not a boolean" },
	{ "null", "request must be an object, not null" },
	{ "{}", "missing \"command\"" },
	{ "{\"Command\":\"status\"}", "missing \"command\"" },
	{ "{\"command\":1}", "\"command\" must be a string, not a number" },
	{ "{\"command\":null}", "\"command\" must be a string, not null" },
	{ "{\"command\":{}}", "\"command\" must be a string, not an object" },
	{ "{\"command\":\"reboot\"}", "unknown command 'reboot'" },
	{ "{\"command\":\"\"}", "unknown command ''" },
	{ "{\"command\":\"STATUS\"}", "unknown command 'STATUS'" },
	{ "{\"command\":\"a\\nb\\u00e9\"}", "unknown command 'a?b?" "?'" },
	{ "{\"command\":\"0123456789012345678901234567890123456789\"}",
	    "unknown command '01234567890123456789012345678...'" },
	{ "{\"command\":\"status\",\"foo\":\"x\"}", "unknown argument 'foo'" },
	{ "{\"command\":\"status\",\"instance\":\"VI_1\"}",
	    "command 'status' takes no \"instance\"" },
	{ "{\"command\":\"status\",\"mode\":\"on\"}",
	    "command 'status' takes no \"mode\"" },
	{ "{\"command\":\"explain\",\"mode\":\"on\"}",
	    "command 'explain' takes no \"mode\"" },
	{ "{\"command\":\"explain\",\"instance\":5}",
	    "\"instance\" must be a string, not a number" },
	{ "{\"command\":\"explain\",\"instance\":[\"a\"]}",
	    "\"instance\" must be a string, not an array" },
	{ "{\"command\":\"explain\",\"instance\":false}",
	    "\"instance\" must be a string, not a boolean" },
	{ "{\"command\":\"explain\",\"instance\":\"\"}",
	    "\"instance\" must be 1 to 63 bytes long" },
	{ "{\"command\":\"explain\",\"instance\":\""
	    "1234567890123456789012345678901234567890123456789012345678901234"
	    "\"}", "\"instance\" must be 1 to 63 bytes long" },
	{ "{\"command\":\"explain\",\"instance\":\"a\\tb\"}",
	    "\"instance\" must not contain control characters" },
	{ "{\"command\":\"explain\",\"instance\":\"a\\u007fb\"}",
	    "\"instance\" must not contain control characters" },
	{ "{\"command\":\"maintenance\"}",
	    "command 'maintenance' requires \"mode\"" },
	{ "{\"command\":\"maintenance\",\"instance\":\"VI_1\"}",
	    "command 'maintenance' requires \"mode\"" },
	{ "{\"command\":\"maintenance\",\"mode\":\"maybe\"}",
	    "invalid \"mode\" 'maybe'" },
	{ "{\"command\":\"maintenance\",\"mode\":\"ON\"}",
	    "invalid \"mode\" 'ON'" },
	{ "{\"command\":\"maintenance\",\"mode\":\"disabled\"}",
	    "\"mode\" must be 1 to 7 bytes long" },
	{ "{\"command\":\"maintenance\",\"mode\":1}",
	    "\"mode\" must be a string, not a number" },
};

static void
assert_err(const char *got, const char *want, const char *line)
{
	size_t n = strlen(want);

	if (n > 0 && want[n - 1] == '*') {
		if (strncmp(got, want, n - 1) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", line, got, want);
	} else if (strcmp(got, want) != 0) {
		fail_msg("%s: got \"%s\", want \"%s\"", line, got, want);
	}
}

static void
test_request_errors(void **state)
{
	struct ctl_request r;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad_requests) / sizeof(bad_requests[0]);
	    i++) {
		memset(&r, 0xa5, sizeof(r));
		err[0] = '\0';
		assert_int_equal(parse(bad_requests[i].line, &r, err,
		    sizeof(err)), -1);
		assert_err(err, bad_requests[i].err, bad_requests[i].line);
		/* A failed parse leaves nothing half-filled. */
		assert_int_equal(r.cmd, 0);
		assert_string_equal(r.instance, "");
		assert_string_equal(r.mode, "");
	}
}

static void
test_request_limits(void **state)
{
	struct ctl_request r;
	char err[64], tiny[8];
	char *big;
	size_t n = CTL_MAX_LINE + 1;

	(void)state;
	/* A NUL inside the line is not JSON. */
	assert_int_equal(ctl_request_parse("{\"command\":\"status\"}\0",
	    21, &r, err, sizeof(err)), -1);
	assert_err(err, "invalid JSON*", "NUL");

	/* Exactly the limit is parsed; one more byte is refused unread. */
	big = malloc(n);
	assert_non_null(big);
	memset(big, ' ', n);
	memcpy(big, "{\"command\":\"status\"}", 20);
	assert_int_equal(ctl_request_parse(big, n - 1, &r, err, sizeof(err)),
	    0);
	assert_int_equal(ctl_request_parse(big, n, &r, err, sizeof(err)), -1);
	assert_string_equal(err, "request too long (65537 bytes, limit 65536)");
	free(big);

	/* The message is cut to the buffer; no buffer at all is fine. */
	assert_int_equal(parse("{}", &r, tiny, sizeof(tiny)), -1);
	assert_string_equal(tiny, "missing");
	assert_int_equal(parse("{}", &r, NULL, 0), -1);
}

static void
test_request_encode(void **state)
{
	struct ctl_request r = { .cmd = CTL_CMD_MAINTENANCE, .mode = "on",
	    .instance = "VI_1" }, back;
	char err[128];
	char *line;

	(void)state;
	line = ctl_request_encode(&r);
	assert_non_null(line);
	assert_string_equal(line,
	    "{\"command\":\"maintenance\",\"instance\":\"VI_1\",\"mode\":\"on\"}\n");
	assert_int_equal(ctl_request_parse(line, strlen(line) - 1, &back, err,
	    sizeof(err)), 0);
	assert_memory_equal(&r, &back, sizeof(r));
	free(line);

	memset(&r, 0, sizeof(r));
	r.cmd = CTL_CMD_STATUS;
	line = ctl_request_encode(&r);
	assert_string_equal(line, "{\"command\":\"status\"}\n");
	free(line);

	r.cmd = CTL_CMD__MAX;
	assert_null(ctl_request_encode(&r));
	r.cmd = (enum ctl_cmd)-1;
	assert_null(ctl_request_encode(&r));
	/* Not UTF-8: cannot be sent. */
	r.cmd = CTL_CMD_EXPLAIN;
	strcpy(r.instance, "\xff");
	assert_null(ctl_request_encode(&r));

	assert_string_equal(ctl_cmd_name(CTL_CMD_EXPLAIN), "explain");
	assert_null(ctl_cmd_name(CTL_CMD__MAX));
	assert_int_equal(ctl_cmd_lookup("maintenance"), CTL_CMD_MAINTENANCE);
	assert_int_equal(ctl_cmd_lookup("nope"), -1);
}

/* Responses -------------------------------------------------------- */

static void
test_response_roundtrip(void **state)
{
	json_t *res = NULL;
	char err[128];
	char *line;

	(void)state;
	line = ctl_response_ok(json_pack("{s:i,s:s}", "pid", 123, "x",
	    "a\nb"));
	assert_string_equal(line,
	    "{\"ok\":true,\"result\":{\"pid\":123,\"x\":\"a\\nb\"}}\n");
	assert_int_equal(ctl_response_parse(line, strlen(line) - 1, &res, err,
	    sizeof(err)), CTL_RESP_OK);
	assert_int_equal(json_integer_value(json_object_get(res, "pid")), 123);
	assert_string_equal(json_string_value(json_object_get(res, "x")),
	    "a\nb");
	json_decref(res);
	free(line);

	line = ctl_response_error("unknown instance 'VI_9'");
	assert_string_equal(line,
	    "{\"ok\":false,\"error\":\"unknown instance 'VI_9'\"}\n");
	res = (json_t *)1;
	assert_int_equal(ctl_response_parse(line, strlen(line), &res, err,
	    sizeof(err)), CTL_RESP_ERROR);
	assert_null(res);
	assert_string_equal(err, "unknown instance 'VI_9'");
	free(line);

	/* Not UTF-8 becomes '?'; NULL is a generic message. */
	line = ctl_response_error("bad \xff\xfe byte");
	assert_string_equal(line, "{\"ok\":false,\"error\":\"bad ?? byte\"}\n");
	free(line);
	line = ctl_response_error(NULL);
	assert_string_equal(line,
	    "{\"ok\":false,\"error\":\"unknown error\"}\n");
	free(line);

	/* Only objects are results; the reference is consumed anyway. */
	assert_null(ctl_response_ok(json_array()));
	assert_null(ctl_response_ok(NULL));
	line = ctl_response_ok(json_object());
	assert_string_equal(line, "{\"ok\":true,\"result\":{}}\n");
	free(line);
}

static const struct bad_request bad_responses[] = {
	{ "", "invalid JSON at column 0: *" },
	{ "{\"ok\":true,", "invalid JSON*" },
	{ "[]", "response must be an object, not an array" },
	{ "{}", "\"ok\" missing or not a boolean" },
	{ "{\"ok\":1,\"result\":{}}", "\"ok\" missing or not a boolean" },
	{ "{\"ok\":true}", "\"result\" missing or not an object" },
	{ "{\"ok\":true,\"result\":[]}", "\"result\" missing or not an object" },
	{ "{\"ok\":false}", "\"error\" missing or not a string" },
	{ "{\"ok\":false,\"error\":{}}", "\"error\" missing or not a string" },
};

static void
test_response_errors(void **state)
{
	json_t *res;
	char err[128], tiny[6];
	const char *l;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_responses) / sizeof(bad_responses[0]);
	    i++) {
		l = bad_responses[i].line;
		res = (json_t *)1;
		assert_int_equal(ctl_response_parse(l, strlen(l), &res, err,
		    sizeof(err)), CTL_RESP_INVALID);
		assert_null(res);
		assert_err(err, bad_responses[i].err, l);
	}
	/* Control characters from the daemon are masked, UTF-8 kept. */
	l = "{\"ok\":false,\"error\":\"a\\u001b[2Jb\\u00e9\"}";
	assert_int_equal(ctl_response_parse(l, strlen(l), &res, err,
	    sizeof(err)), CTL_RESP_ERROR);
	assert_string_equal(err, "a?[2Jb\xc3\xa9");
	/* A long daemon message is cut to the caller's buffer. */
	l = "{\"ok\":false,\"error\":\"abcdefgh\"}";
	assert_int_equal(ctl_response_parse(l, strlen(l), &res, tiny,
	    sizeof(tiny)), CTL_RESP_ERROR);
	assert_string_equal(tiny, "abcde");
}

/* Framing ---------------------------------------------------------- */

static void
expect_line(struct ctl_buf *b, const char *want)
{
	const char *line;
	size_t len;

	assert_int_equal(ctl_buf_pop(b, &line, &len), 1);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(line, want, len);
}

static void
expect_none(struct ctl_buf *b, int rc)
{
	const char *line = "x";
	size_t len = 1;

	assert_int_equal(ctl_buf_pop(b, &line, &len), rc);
	assert_null(line);
	assert_int_equal(len, 0);
}

static void
test_buf_split(void **state)
{
	const char *msg = "{\"command\":\"status\"}\n";
	struct ctl_buf b;

	(void)state;
	ctl_buf_init(&b, 64);
	expect_none(&b, 0);
	/* One byte at a time: nothing until the newline arrives. */
	for (size_t i = 0; i < strlen(msg) - 1; i++) {
		assert_int_equal(ctl_buf_append(&b, msg + i, 1), 0);
		expect_none(&b, 0);
	}
	assert_int_equal(ctl_buf_pending(&b), strlen(msg) - 1);
	assert_int_equal(ctl_buf_append(&b, "\n", 1), 0);
	expect_line(&b, "{\"command\":\"status\"}");
	expect_none(&b, 0);
	assert_int_equal(ctl_buf_pending(&b), 0);

	/* Several lines and a partial one in one append; empty lines too. */
	assert_int_equal(ctl_buf_append(&b, "a\n\nbc\nde", 8), 0);
	expect_line(&b, "a");
	expect_line(&b, "");
	expect_line(&b, "bc");
	expect_none(&b, 0);
	assert_int_equal(ctl_buf_pending(&b), 2);
	assert_int_equal(ctl_buf_append(&b, "f\ng\n", 4), 0);
	expect_line(&b, "def");
	expect_line(&b, "g");
	expect_none(&b, 0);
	assert_int_equal(ctl_buf_append(&b, "", 0), 0);
	expect_none(&b, 0);
	ctl_buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.max, 64);
}

static void
test_buf_overlong(void **state)
{
	struct ctl_buf b;

	(void)state;
	/* max bytes plus the newline is fine. */
	ctl_buf_init(&b, 10);
	assert_int_equal(ctl_buf_append(&b, "0123456789\n", 11), 0);
	expect_line(&b, "0123456789");
	ctl_buf_free(&b);

	/* An unterminated line beyond max, in one append. */
	ctl_buf_init(&b, 10);
	assert_int_equal(ctl_buf_append(&b, "01234567890", 11), 0);
	expect_none(&b, -1);
	expect_none(&b, -1);	/* sticky */
	assert_int_equal(ctl_buf_append(&b, "\nok\n", 4), 0);
	expect_none(&b, -1);
	ctl_buf_free(&b);

	/* The same, growing over several appends. */
	ctl_buf_init(&b, 10);
	assert_int_equal(ctl_buf_append(&b, "01234", 5), 0);
	expect_none(&b, 0);
	assert_int_equal(ctl_buf_append(&b, "56789", 5), 0);
	expect_none(&b, 0);
	assert_int_equal(ctl_buf_append(&b, "x", 1), 0);
	expect_none(&b, -1);
	ctl_buf_free(&b);

	/* A terminated line that is too long. */
	ctl_buf_init(&b, 10);
	assert_int_equal(ctl_buf_append(&b, "ok\n01234567890\nnext\n", 20), 0);
	expect_line(&b, "ok");
	expect_none(&b, -1);
	expect_none(&b, -1);
	assert_int_equal(ctl_buf_pending(&b), 0);
	ctl_buf_free(&b);

	/* Lines before an overlong tail still come out first. */
	ctl_buf_init(&b, 10);
	assert_int_equal(ctl_buf_append(&b, "a\nb\n0123456789ab", 16), 0);
	expect_line(&b, "a");
	expect_line(&b, "b");
	expect_none(&b, -1);
	ctl_buf_free(&b);
}

static void
test_buf_bounded(void **state)
{
	struct ctl_buf b;
	char chunk[100];

	(void)state;
	/* Popped bytes are reused: a long stream needs no more memory. */
	ctl_buf_init(&b, 50);
	memset(chunk, 'x', sizeof(chunk));
	for (size_t i = 0; i < sizeof(chunk); i += 25)
		chunk[i + 24] = '\n';
	for (int round = 0; round < 1000; round++) {
		assert_int_equal(ctl_buf_append(&b, chunk, sizeof(chunk)), 0);
		for (int k = 0; k < 4; k++)
			expect_line(&b, "xxxxxxxxxxxxxxxxxxxxxxxx");
		expect_none(&b, 0);
	}
	assert_true(b.cap <= 256);
	/* An overlong line is not stored while it grows. */
	for (int round = 0; round < 1000; round++)
		assert_int_equal(ctl_buf_append(&b, "yyyyyyyyyy", 10), 0);
	assert_true(b.cap <= 256);
	expect_none(&b, -1);
	ctl_buf_free(&b);
}

/* Status table ----------------------------------------------------- */

static const char sample_status[] =
	"{\"version\":\"0.1.0\",\"pid\":123,\"router_id\":\"mx1\","
	"\"started_at\":\"2026-11-28T08:00:00Z\","
	"\"instances\":[{\"name\":\"VI_1\",\"interface\":\"eth0\",\"vrid\":51,"
	"\"version\":3,\"family\":\"inet\",\"state\":\"MASTER\","
	"\"priority\":100,\"effective_priority\":100,"
	"\"advert_interval_ms\":1000,\"master_adver_interval_ms\":1000,"
	"\"skew_time_ms\":609.375,\"master_down_interval_ms\":3609.375,"
	"\"preempt\":true,\"preempt_delay_ms\":0,"
	"\"master_address\":\"203.0.113.1\","
	"\"primary_address\":\"203.0.113.1\",\"master_priority\":100,"
	"\"vips\":[\"203.0.113.5/24\"],\"vips_installed\":true,"
	"\"last_transition\":{\"from\":\"BACKUP\",\"to\":\"MASTER\","
	"\"reason\":\"master down timer expired\","
	"\"at\":\"2026-11-28T08:00:03.512Z\"},"
	"\"counters\":{\"adverts_received\":10,\"adverts_sent\":20,"
	"\"became_master\":1,\"prio0_received\":0,\"prio0_sent\":0,"
	"\"drops\":{\"ttl\":0,\"checksum\":0,\"version\":0,\"length\":0}}},"
	/* A second instance: degraded, with fields missing or null. */
	"{\"name\":\"mail_backup\",\"interface\":\"bond0.100\",\"vrid\":52,"
	"\"version\":2,\"state\":\"FAULT\",\"priority\":90,"
	"\"effective_priority\":0,\"master_address\":null,"
	"\"vips\":[\"198.51.100.25/24\",\"2001:db8::25/64\"],"
	"\"vips_installed\":false,\"fault_reason\":\"postfix: connect "
	"refused\",\"misconfigured_peer\":\"198.51.100.2: advert_int 2 s, "
	"ours 1 s\","
	"\"health\":{\"ready\":true,\"maintenance\":true,"
	"\"checks\":[{\"name\":\"default_smtp\",\"state\":\"failing\","
	"\"weight\":0,\"reason\":\"smtp: 421 from 127.0.0.1:25 at greeting\","
	"\"latency_ms\":1.25,\"banner_host\":\"mx2.example\","
	"\"tls_days_left\":30},{\"name\":\"default_postfix\","
	"\"state\":\"passing\",\"weight\":-10,\"reason\":\"queue: ok\","
	"\"queue\":{\"incoming\":2,\"deferred\":0},"
	"\"oldest_incoming_age_s\":12,\"oldest_active_age_s\":-1}]},"
	"\"last_transition\":null,\"extra\":{\"x\":1},"
	"\"counters\":{\"adverts_received\":7,\"prio0_received\":2,"
	"\"drops\":{\"ttl\":1,\"checksum\":3,\"version\":0,\"bogus\":\"x\","
	"\"length\":1}}}]}";

static const char sample_text[] =
	"vipd 0.1.0 (pid 123), router_id mx1, up since 2026-11-28T08:00:00Z\n"
	"INSTANCE     IFACE      VRID  VER  STATE   PRIO(EFF)  MASTER       "
	"VIPS                              INSTALLED\n"
	"VI_1         eth0       51    3    MASTER  100(100)   203.0.113.1  "
	"203.0.113.5/24                    yes\n"
	"  last: BACKUP -> MASTER at 2026-11-28T08:00:03.512Z "
	"(master down timer expired)\n"
	"  adverts rx 10 tx 20, became master 1; drops: none\n"
	"mail_backup  bond0.100  52    2    FAULT   90(0)      -            "
	"198.51.100.25/24,2001:db8::25/64  no\n"
	"  fault: postfix: connect refused\n"
	"  warning: misconfigured peer 198.51.100.2: advert_int 2 s, ours 1 s\n"
	"  last: -\n"
	"  maintenance: on\n"
	"  check default_smtp: failing (weight 0): smtp: 421 from "
	"127.0.0.1:25 at greeting, 1.2 ms, banner mx2.example, certificate "
	"30 days left\n"
	"  check default_postfix: passing (weight -10): queue: ok; queue "
	"incoming 2 deferred 0, oldest incoming 12 s\n"
	"  adverts rx 7 tx -, prio0 rx 2 tx -, became master -; "
	"drops: checksum 3, ttl 1, length 1\n";

static char *
render(const json_t *status)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	vipctl_print_status(status, f);
	fclose(f);
	return text;
}

static void
test_print_status(void **state)
{
	json_error_t jerr;
	json_t *st = json_loads(sample_status, 0, &jerr);
	char *text;

	(void)state;
	assert_non_null(st);
	text = render(st);
	assert_string_equal(text, sample_text);
	free(text);
	json_decref(st);
}

static void
test_print_degenerate(void **state)
{
	json_t *st;
	char *text;

	(void)state;
	text = render(NULL);
	assert_string_equal(text,
	    "vipd - (pid -), router_id -, up since -\nno instances\n");
	free(text);

	st = json_pack("{s:s,s:[]}", "version", "0\x01", "instances");
	text = render(st);
	assert_string_equal(text,
	    "vipd 0? (pid -), router_id -, up since -\nno instances\n");
	free(text);
	json_decref(st);

	/* Instances that are not objects still get a row of "-". */
	st = json_pack("{s:[i,{s:[]}]}", "instances", 5, "vips");
	text = render(st);
	assert_string_equal(text,
	    "vipd - (pid -), router_id -, up since -\n"
	    "INSTANCE  IFACE  VRID  VER  STATE  PRIO(EFF)  MASTER  VIPS  "
	    "INSTALLED\n"
	    "-         -      -     -    -      -(-)       -       -     -\n"
	    "  last: -\n"
	    "  adverts rx - tx -, became master -; drops: none\n"
	    "-         -      -     -    -      -(-)       -       -     -\n"
	    "  last: -\n"
	    "  adverts rx - tx -, became master -; drops: none\n");
	free(text);
	json_decref(st);
}

static void
test_print_json(void **state)
{
	json_t *r = json_pack("{s:i,s:[s]}", "b", 1, "a", "x");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_int_equal(vipctl_print_json(r, f), 0);
	fclose(f);
	/* Key order is kept as the daemon sent it. */
	assert_string_equal(text, "{\n  \"b\": 1,\n  \"a\": [\n    \"x\"\n  ]\n}\n");
	free(text);
	json_decref(r);
}

static void
test_history_args(void **state)
{
	struct ctl_request r;
	char err[256];

	(void)state;
	assert_int_equal(parse("{\"command\":\"history\",\"since\":\"42\","
	    "\"limit\":\"5\",\"instance\":\"MAIL\"}", &r, err, sizeof(err)), 0);
	assert_int_equal(r.cmd, CTL_CMD_HISTORY);
	assert_string_equal(r.since, "42");
	assert_string_equal(r.limit, "5");
	assert_int_equal(parse("{\"command\":\"history\",\"since\":\"-1\"}",
	    &r, err, sizeof(err)), -1);
	assert_string_equal(err, "\"since\" must be decimal digits");
	assert_int_equal(parse("{\"command\":\"history\",\"since\":"
	    "\"123456789012345678901\"}", &r, err, sizeof(err)), -1);
	assert_int_equal(parse("{\"command\":\"status\",\"since\":\"1\"}",
	    &r, err, sizeof(err)), -1);
	/* Read-only commands are open to the vipd group; the rest root's. */
	assert_true(ctl_cmd_readonly(CTL_CMD_STATUS));
	assert_true(ctl_cmd_readonly(CTL_CMD_EXPLAIN));
	assert_true(ctl_cmd_readonly(CTL_CMD_HISTORY));
	assert_false(ctl_cmd_readonly(CTL_CMD_MAINTENANCE));
	assert_false(ctl_cmd_readonly(CTL_CMD__MAX));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_valid),
		cmocka_unit_test(test_request_errors),
		cmocka_unit_test(test_request_limits),
		cmocka_unit_test(test_request_encode),
		cmocka_unit_test(test_response_roundtrip),
		cmocka_unit_test(test_response_errors),
		cmocka_unit_test(test_buf_split),
		cmocka_unit_test(test_buf_overlong),
		cmocka_unit_test(test_buf_bounded),
		cmocka_unit_test(test_print_status),
		cmocka_unit_test(test_print_degenerate),
		cmocka_unit_test(test_print_json),
		cmocka_unit_test(test_history_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
