/* SPDX-License-Identifier: ISC */
/* Unit tests for the SMTP reply parser: single/multi-line, incremental input, EHLO keywords, every error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "healthcheck/smtp_reply.h"

static int
parse(const char *s, struct hc_smtp_reply *r, size_t *used)
{
	return hc_smtp_reply_parse(s, strlen(s), r, used);
}

/* Expect a protocol error err for s. */
static void
expect_err(const char *s, size_t len, enum hc_smtp_reply_err err)
{
	struct hc_smtp_reply r;
	size_t used = 99;

	assert_int_equal(hc_smtp_reply_parse(s, len, &r, &used), -1);
	assert_int_equal(r.err, err);
	assert_int_equal(used, 0);
}

static void
test_single_line(void **state)
{
	const char *s = "220 mx.example.test ESMTP Postfix\r\nEXTRA";
	struct hc_smtp_reply r;
	size_t used;

	(void)state;
	assert_int_equal(parse(s, &r, &used), 1);
	assert_int_equal(r.code, 220);
	assert_int_equal(r.nlines, 1);
	assert_string_equal(r.text, "mx.example.test ESMTP Postfix");
	assert_int_equal(used, strlen(s) - strlen("EXTRA"));
	assert_int_equal(r.ext, 0);
	assert_int_equal(r.err, HC_SMTP_REPLY_OK);
}

static void
test_bare_lf_and_no_text(void **state)
{
	struct hc_smtp_reply r;
	size_t used;

	(void)state;
	assert_int_equal(parse("221 2.0.0 Bye\n", &r, &used), 1);
	assert_int_equal(r.code, 221);
	assert_string_equal(r.text, "2.0.0 Bye");
	assert_int_equal(used, 14);
	assert_int_equal(parse("250\r\n", &r, &used), 1);
	assert_int_equal(r.code, 250);
	assert_string_equal(r.text, "");
	assert_int_equal(used, 5);
	assert_int_equal(parse("354\n", &r, &used), 1);
	assert_int_equal(r.code, 354);
	/* Empty continuation text, mixed terminators. */
	assert_int_equal(parse("250-\r\n250 ok\n", &r, &used), 1);
	assert_int_equal(r.nlines, 2);
	assert_string_equal(r.text, "");
	assert_int_equal(used, 13);
}

static void
test_multiline_greeting(void **state)
{
	const char *s = "220-mx.example.test ESMTP\r\n220-no UCE\r\n"
	    "220 ready\r\n";
	struct hc_smtp_reply r;
	size_t used;

	(void)state;
	assert_int_equal(parse(s, &r, &used), 1);
	assert_int_equal(r.code, 220);
	assert_int_equal(r.nlines, 3);
	assert_string_equal(r.text, "mx.example.test ESMTP");
	assert_int_equal(used, strlen(s));
}

static void
test_ehlo_keywords(void **state)
{
	const char *s = "250-mx.example.test STARTTLS\r\n"
	    "250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n"
	    "250-ETRN\r\n250-starttls\r\n250-ENHANCEDSTATUSCODES\r\n"
	    "250-8BITMIME\r\n250-DSN\r\n250-SmtpUtf8\r\n"
	    "250-AUTH=PLAIN LOGIN\r\n250 CHUNKING\r\n";
	struct hc_smtp_reply r;
	size_t used;

	(void)state;
	assert_int_equal(parse(s, &r, &used), 1);
	assert_int_equal(r.nlines, 12);
	assert_int_equal(r.ext, HC_SMTP_EXT_STARTTLS | HC_SMTP_EXT_PIPELINING |
	    HC_SMTP_EXT_SIZE | HC_SMTP_EXT_8BITMIME |
	    HC_SMTP_EXT_ENHANCEDSTATUSCODES | HC_SMTP_EXT_SMTPUTF8 |
	    HC_SMTP_EXT_CHUNKING | HC_SMTP_EXT_DSN | HC_SMTP_EXT_AUTH);
	assert_int_equal(r.size, 10240000);
	/* The first line is the server's name, never a keyword. */
	assert_int_equal(parse("250 STARTTLS\r\n", &r, &used), 1);
	assert_int_equal(r.ext, 0);
	/* Keywords match whole words only. */
	assert_int_equal(parse("250-x\r\n250-STARTTLSX\r\n250 START\r\n",
	    &r, &used), 1);
	assert_int_equal(r.ext, 0);
	assert_int_equal(parse("250-x\r\n250-SIZE\r\n250 STARTTLS\r\n",
	    &r, &used), 1);
	assert_int_equal(r.ext, HC_SMTP_EXT_SIZE | HC_SMTP_EXT_STARTTLS);
	assert_int_equal(r.size, 0);
	assert_int_equal(parse("250-x\r\n250 SIZE 99999999999999999999999\r\n",
	    &r, &used), 1);
	assert_int_equal(r.size, UINT64_MAX);
}

/* Every proper prefix needs more bytes; the whole reply completes. */
static void
test_incremental(void **state)
{
	const char *s = "250-mx.example.test\r\n250-PIPELINING\r\n"
	    "250 STARTTLS\r\n";
	size_t len = strlen(s), i, used;
	struct hc_smtp_reply r;

	(void)state;
	for (i = 0; i < len; i++) {
		used = 99;
		assert_int_equal(hc_smtp_reply_parse(s, i, &r, &used), 0);
		assert_int_equal(used, 0);
	}
	assert_int_equal(hc_smtp_reply_parse(s, len, &r, &used), 1);
	assert_int_equal(used, len);
	assert_int_equal(r.ext, HC_SMTP_EXT_STARTTLS | HC_SMTP_EXT_PIPELINING);
	/* A CR at the end of a line waits for its LF. */
	assert_int_equal(parse("250\r", &r, &used), 0);
	assert_int_equal(parse("250 ok\r", &r, &used), 0);
}

static void
test_code_errors(void **state)
{
	(void)state;
	expect_err("abc\r\n", 5, HC_SMTP_REPLY_ERR_CODE);
	/* Reported as soon as the bad byte arrives. */
	expect_err("x", 1, HC_SMTP_REPLY_ERR_CODE);
	expect_err("2x", 2, HC_SMTP_REPLY_ERR_CODE);
	expect_err("150 x\r\n", 7, HC_SMTP_REPLY_ERR_CODE);
	expect_err("600 x\r\n", 7, HC_SMTP_REPLY_ERR_CODE);
	expect_err("099 x\r\n", 7, HC_SMTP_REPLY_ERR_CODE);
	expect_err("25\r\n", 4, HC_SMTP_REPLY_ERR_CODE);
	expect_err("\r\n", 2, HC_SMTP_REPLY_ERR_CODE);
	expect_err("250-ok\r\nxyz\r\n", 13, HC_SMTP_REPLY_ERR_CODE);
}

/* Good prefixes of a code are simply incomplete. */
static void
test_code_prefixes(void **state)
{
	struct hc_smtp_reply r;
	size_t used;

	(void)state;
	assert_int_equal(parse("", &r, &used), 0);
	assert_int_equal(parse("2", &r, &used), 0);
	assert_int_equal(parse("25", &r, &used), 0);
	assert_int_equal(parse("250", &r, &used), 0);
	assert_int_equal(parse("250-ok\r\n2", &r, &used), 0);
	assert_int_equal(parse("250-ok\r\n", &r, &used), 0);
}

static void
test_separator_and_mixed(void **state)
{
	(void)state;
	expect_err("250x\r\n", 6, HC_SMTP_REPLY_ERR_SEPARATOR);
	expect_err("250x", 4, HC_SMTP_REPLY_ERR_SEPARATOR);
	expect_err("250\rok\r\n", 8, HC_SMTP_REPLY_ERR_SEPARATOR);
	expect_err("250\tok\r\n", 8, HC_SMTP_REPLY_ERR_SEPARATOR);
	expect_err("250-a\r\n251 b\r\n", 14, HC_SMTP_REPLY_ERR_MIXED);
	expect_err("250-a\r\n250-b\r\n550 c\r\n", 21, HC_SMTP_REPLY_ERR_MIXED);
}

static void
test_line_length(void **state)
{
	static char buf[HC_SMTP_LINE_MAX + 16];
	struct hc_smtp_reply r;
	size_t used;

	(void)state;
	/* Exactly HC_SMTP_LINE_MAX bytes of content is fine. */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "250 ", 4);
	memcpy(buf + HC_SMTP_LINE_MAX, "\r\n", 2);
	assert_int_equal(hc_smtp_reply_parse(buf, HC_SMTP_LINE_MAX + 2, &r,
	    &used), 1);
	assert_int_equal(used, HC_SMTP_LINE_MAX + 2);
	assert_int_equal(strlen(r.text), HC_SMTP_TEXT_MAX - 1);
	/* One more (bare LF) is too long. */
	buf[HC_SMTP_LINE_MAX] = 'a';
	buf[HC_SMTP_LINE_MAX + 1] = '\n';
	expect_err(buf, HC_SMTP_LINE_MAX + 2, HC_SMTP_REPLY_ERR_LINE_TOO_LONG);
	/* Unterminated: LINE_MAX + CR could still end well, +2 cannot. */
	memset(buf + 4, 'a', sizeof(buf) - 4);
	assert_int_equal(hc_smtp_reply_parse(buf, HC_SMTP_LINE_MAX + 1, &r,
	    &used), 0);
	expect_err(buf, HC_SMTP_LINE_MAX + 2, HC_SMTP_REPLY_ERR_LINE_TOO_LONG);
}

static void
test_line_count(void **state)
{
	static char buf[HC_SMTP_LINES_MAX * 8 + 16];
	struct hc_smtp_reply r;
	size_t used, n = 0;
	int i;

	(void)state;
	for (i = 0; i < HC_SMTP_LINES_MAX - 1; i++)
		n += (size_t)sprintf(buf + n, "250-%02d\n", i % 100);
	n += (size_t)sprintf(buf + n, "250 end\n");
	assert_int_equal(hc_smtp_reply_parse(buf, n, &r, &used), 1);
	assert_int_equal(r.nlines, HC_SMTP_LINES_MAX);
	/* The 64th line says more follows: an error before it arrives. */
	buf[n - 8 + 3] = '-';
	expect_err(buf, n, HC_SMTP_REPLY_ERR_TOO_MANY_LINES);
}

static void
test_reply_too_long(void **state)
{
	static char buf[HC_SMTP_REPLY_MAX + 4096];
	struct hc_smtp_reply r;
	size_t used, n = 0;

	(void)state;
	/* Five lines of 2000 bytes: each fine, the whole too long. */
	while (n < 4 * 2002) {
		memset(buf + n, 'b', 2002);
		memcpy(buf + n, "250-", 4);
		buf[n + 2001] = '\n';
		n += 2002;
	}
	assert_int_equal(hc_smtp_reply_parse(buf, n, &r, &used), 0);
	memset(buf + n, 'b', 2002);
	memcpy(buf + n, "250 ", 4);
	buf[n + 2001] = '\n';
	expect_err(buf, n + 2002, HC_SMTP_REPLY_ERR_TOO_LONG);
	/* Incomplete but already HC_SMTP_REPLY_MAX bytes long. */
	buf[n + 3] = '-';
	expect_err(buf, HC_SMTP_REPLY_MAX, HC_SMTP_REPLY_ERR_TOO_LONG);
	assert_int_equal(hc_smtp_reply_parse(buf, HC_SMTP_REPLY_MAX - 1, &r,
	    &used), 0);
}

static void
test_text_sanitised(void **state)
{
	const char s[] = "554 a\x01" "b\xff" "c\0d\r\n";
	struct hc_smtp_reply r;
	size_t used;

	(void)state;
	assert_int_equal(hc_smtp_reply_parse(s, sizeof(s) - 1, &r, &used), 1);
	assert_string_equal(r.text, "a?b?c?d");
	assert_int_equal(used, sizeof(s) - 1);
}

static void
test_strerror(void **state)
{
	int i, j;

	(void)state;
	assert_string_equal(hc_smtp_reply_strerror(HC_SMTP_REPLY_ERR_CODE),
	    "bad reply code");
	for (i = 0; i < HC_SMTP_REPLY_ERR__MAX; i++) {
		const char *a = hc_smtp_reply_strerror(i);

		assert_non_null(a);
		assert_string_not_equal(a, "unknown error");
		for (j = 0; j < i; j++)
			assert_string_not_equal(a, hc_smtp_reply_strerror(j));
	}
	assert_string_equal(hc_smtp_reply_strerror(HC_SMTP_REPLY_ERR__MAX),
	    "unknown error");
	assert_string_equal(hc_smtp_reply_strerror(-1), "unknown error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_line),
		cmocka_unit_test(test_bare_lf_and_no_text),
		cmocka_unit_test(test_multiline_greeting),
		cmocka_unit_test(test_ehlo_keywords),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_code_errors),
		cmocka_unit_test(test_code_prefixes),
		cmocka_unit_test(test_separator_and_mixed),
		cmocka_unit_test(test_line_length),
		cmocka_unit_test(test_line_count),
		cmocka_unit_test(test_reply_too_long),
		cmocka_unit_test(test_text_sanitised),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
