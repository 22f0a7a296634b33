/* SPDX-License-Identifier: ISC */
/* Unit tests for the configuration lexer: words, quotes, numbers, seconds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "conf/conf_lex.h"

/* Lexer ---------------------------------------------------------------- */

/* Tokens of @line rendered as "w:word o c e:msg", space-separated. */
static void lex_expect(const char *line, size_t len, const char *want)
{
	struct conf_lexer lx;
	char buf[CONF_TOKEN_MAX + 1], out[4096] = "";
	enum conf_tok t;
	size_t n;

	conf_lex_init(&lx, line, len);
	while ((t = conf_lex_next(&lx, buf, sizeof(buf), &n)) != CONF_TOK_EOL) {
		if (out[0] != '\0')
			strcat(out, " ");
		if (t == CONF_TOK_WORD) {
			assert_int_equal(n, strlen(buf));
			strcat(out, "w:");
			strcat(out, buf);
		} else if (t == CONF_TOK_OPEN) {
			strcat(out, "o");
		} else if (t == CONF_TOK_CLOSE) {
			strcat(out, "c");
		} else {
			strcat(out, "e:");
			strcat(out, lx.err);
		}
	}
	assert_string_equal(out, want);
}

#define LEX(s, want) lex_expect((s), sizeof(s) - 1, (want))

static void test_lex_words(void **state)
{
	(void)state;
	LEX("", "");
	LEX("   \t  ", "");
	LEX("state MASTER", "w:state w:MASTER");
	LEX("  a\tb\r", "w:a w:b");
	LEX("virtual_ipaddress{", "w:virtual_ipaddress o");
	LEX("x{y}z", "w:x o w:y c w:z");
	LEX("{}{", "o c o");
	LEX("a # comment { }", "w:a");
	LEX("a ! comment", "w:a");
	LEX("# whole line", "");
	/* keepalived: a comment starts anywhere outside quotes... */
	LEX("a#b c!d", "w:a");
	LEX("pass!word", "w:pass");
	/* ...unless escaped with a backslash, which goes. */
	LEX("a\\#b c\\!d e\\f", "w:a#b w:c!d w:e\\f");
	LEX("a {# comment", "w:a o");
	LEX("\xc3\xa9t\xc3\xa9", "w:\xc3\xa9t\xc3\xa9");
}

/* keepalived 2.2.7: only '"' quotes, no escapes, backslash and ' literal. */
static void test_lex_quotes(void **state)
{
	(void)state;
	LEX("\"a b\"", "w:a b");
	LEX("ab\" c d \"ef", "w:ab c d ef");
	LEX("\"{ # }\" x", "w:{ # } w:x");
	LEX("\"!x\"!", "w:!x");
	LEX("\"\" x", "w: w:x");
	LEX("\"a\tb\"", "w:a\tb");
	LEX("'a b'", "w:'a w:b'");
	LEX("it's", "w:it's");
	LEX("\"a\\b\"", "w:a\\b");
	LEX("\"a\\\\b\"", "w:a\\\\b");
	LEX("\"a\\\"b\"", "e:unterminated quoted string");
	LEX("a\\b", "w:a\\b");
	LEX("include a{b}", "w:include w:a o w:b c");
	{
		struct conf_lexer lx;
		char buf[CONF_TOKEN_MAX + 1];
		size_t n;

		conf_lex_init(&lx, "a{b,c} }", 8);
		lx.braces_literal = true;
		assert_int_equal(conf_lex_next(&lx, buf, sizeof(buf), &n),
				 CONF_TOK_WORD);
		assert_string_equal(buf, "a{b,c}");
		assert_int_equal(conf_lex_next(&lx, buf, sizeof(buf), &n),
				 CONF_TOK_WORD);
		assert_string_equal(buf, "}");
	}
}

static void test_lex_errors(void **state)
{
	char big[CONF_TOKEN_MAX + 8];

	(void)state;
	LEX("\"abc", "e:unterminated quoted string");
	LEX("a\\\"b", "e:unterminated quoted string");
	LEX("\"a\"b\"c", "e:unterminated quoted string");
	LEX("a\001b c", "e:invalid control character w:c");
	LEX("a\0b c", "e:invalid control character w:c");
	LEX("\"a\001\" c", "e:invalid control character w:c");
	LEX("a\177b", "e:invalid control character");
	memset(big, 'a', sizeof(big));
	{
		struct conf_lexer lx;
		char buf[CONF_TOKEN_MAX + 1];
		size_t n;

		conf_lex_init(&lx, big, CONF_TOKEN_MAX);
		assert_int_equal(conf_lex_next(&lx, buf, sizeof(buf), &n),
				 CONF_TOK_WORD);
		assert_int_equal(n, CONF_TOKEN_MAX);
		conf_lex_init(&lx, big, CONF_TOKEN_MAX + 1);
		assert_int_equal(conf_lex_next(&lx, buf, sizeof(buf), &n),
				 CONF_TOK_ERROR);
		assert_string_equal(lx.err, "word longer than 1024 bytes");
		assert_int_equal(conf_lex_next(&lx, buf, sizeof(buf), &n),
				 CONF_TOK_EOL);
	}
}

static void check_print_word(const char *s, size_t len, const char *want)
{
	struct conf_lexer lx;
	char *out = NULL, buf[CONF_TOKEN_MAX + 1];
	size_t olen = 0, n;
	FILE *f = open_memstream(&out, &olen);

	conf_lex_print_word(f, s, len);
	fclose(f);
	assert_string_equal(out, want);
	conf_lex_init(&lx, out, olen);
	assert_int_equal(conf_lex_next(&lx, buf, sizeof(buf), &n),
			 CONF_TOK_WORD);
	assert_int_equal(n, len);
	assert_memory_equal(buf, s, len);
	assert_int_equal(conf_lex_next(&lx, buf, sizeof(buf), &n),
			 CONF_TOK_EOL);
	free(out);
}

#define PW(s, want) check_print_word((s), sizeof(s) - 1, (want))

static void test_lex_print_word(void **state)
{
	(void)state;
	PW("eth0", "eth0");
	PW("a#b", "\"a#b\"");
	PW("", "\"\"");
	PW("#x", "\"#x\"");
	PW("!x", "\"!x\"");
	PW("a b", "\"a b\"");
	PW("a{", "\"a{\"");
	PW("a}", "\"a}\"");
	PW("it's", "it's");
	PW("b\\s", "b\\s");
	PW("a\tb", "\"a\tb\"");
	assert_int_equal(conf_lex_needs_quote("abc", 3), 0);
	assert_int_equal(conf_lex_needs_quote("a\"", 2), 1);
}

static void test_lex_repr(void **state)
{
	char out[CONF_REPR_MAX];
	char long_s[60];

	(void)state;
	assert_string_equal(conf_lex_repr(out, sizeof(out), "ab", 2), "ab");
	assert_string_equal(conf_lex_repr(out, sizeof(out), "a\nb\xff", 4),
			    "a\\x0ab\\xff");
	memset(long_s, 'x', sizeof(long_s));
	conf_lex_repr(out, sizeof(out), long_s, sizeof(long_s));
	assert_int_equal(strlen(out), 43);
	assert_string_equal(out + 40, "...");
	assert_string_equal(conf_lex_repr(out, 4, "abc", 3), "");
}

static void test_lex_uint(void **state)
{
	uint32_t v = 7;

	(void)state;
	assert_int_equal(conf_lex_uint("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(conf_lex_uint("051", &v), 0);
	assert_int_equal(v, 51);
	assert_int_equal(conf_lex_uint("4294967295", &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(conf_lex_uint("4294967296", &v), 1);
	assert_int_equal(conf_lex_uint("99999999999999999999999", &v), 1);
	assert_int_equal(conf_lex_uint("9999999999999x", &v), -1);
	assert_int_equal(conf_lex_uint("", &v), -1);
	assert_int_equal(conf_lex_uint("-1", &v), -1);
	assert_int_equal(conf_lex_uint("+1", &v), -1);
	assert_int_equal(conf_lex_uint("1.0", &v), -1);
	assert_int_equal(conf_lex_uint("0x10", &v), -1);
}

static void test_lex_seconds(void **state)
{
	uint64_t us = 0;

	(void)state;
	assert_int_equal(conf_lex_seconds("1", &us), 0);
	assert_int_equal(us, 1000000);
	assert_int_equal(conf_lex_seconds("0.1", &us), 0);
	assert_int_equal(us, 100000);
	assert_int_equal(conf_lex_seconds("0.05", &us), 0);
	assert_int_equal(us, 50000);
	assert_int_equal(conf_lex_seconds(".5", &us), 0);
	assert_int_equal(us, 500000);
	assert_int_equal(conf_lex_seconds("2.000001", &us), 0);
	assert_int_equal(us, 2000001);
	assert_int_equal(conf_lex_seconds("1.0000000", &us), 0);
	assert_int_equal(us, 1000000);
	assert_int_equal(conf_lex_seconds("10000000", &us), 0);
	assert_int_equal(us, 10000000000000ULL);
	assert_int_equal(conf_lex_seconds("10000001", &us), 1);
	assert_int_equal(conf_lex_seconds("0.0000001", &us), 2);
	assert_int_equal(conf_lex_seconds("1.", &us), -1);
	assert_int_equal(conf_lex_seconds(".", &us), -1);
	assert_int_equal(conf_lex_seconds("", &us), -1);
	assert_int_equal(conf_lex_seconds("1e3", &us), -1);
	assert_int_equal(conf_lex_seconds("-1", &us), -1);
	assert_int_equal(conf_lex_seconds("1.2.3", &us), -1);
	assert_int_equal(conf_lex_seconds("99999999999x", &us), -1);
}

static void test_lex_fmt_seconds(void **state)
{
	char buf[CONF_SECONDS_MAX], tiny[4];
	uint64_t us = 0;

	(void)state;
	assert_string_equal(conf_lex_fmt_seconds(buf, sizeof(buf), 0), "0");
	assert_string_equal(conf_lex_fmt_seconds(buf, sizeof(buf), 1),
			    "0.000001");
	assert_string_equal(conf_lex_fmt_seconds(buf, sizeof(buf), 1500000),
			    "1.5");
	assert_string_equal(conf_lex_fmt_seconds(buf, sizeof(buf), 100000000),
			    "100");
	assert_string_equal(conf_lex_fmt_seconds(buf, sizeof(buf), 50000),
			    "0.05");
	assert_string_equal(conf_lex_fmt_seconds(buf, sizeof(buf),
						 UINT64_MAX),
			    "18446744073709.551615");
	/* what it prints reads back */
	assert_int_equal(conf_lex_seconds(conf_lex_fmt_seconds(buf,
			 sizeof(buf), 3600000001ULL), &us), 0);
	assert_int_equal(us, 3600000001ULL);
	/* too small a buffer: cut by snprintf, not overrun */
	conf_lex_fmt_seconds(tiny, sizeof(tiny), 12345678);
	assert_string_equal(tiny, "12.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lex_words),
		cmocka_unit_test(test_lex_quotes),
		cmocka_unit_test(test_lex_errors),
		cmocka_unit_test(test_lex_print_word),
		cmocka_unit_test(test_lex_repr),
		cmocka_unit_test(test_lex_uint),
		cmocka_unit_test(test_lex_seconds),
		cmocka_unit_test(test_lex_fmt_seconds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
