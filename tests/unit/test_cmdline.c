/* SPDX-License-Identifier: ISC */
/* Unit tests for the script command splitter: words, quotes, escapes, limits, join, concat. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmdline.h"

/* Split s and compare with the expected words (NULL-terminated). */
static void
check_split(const char *s, const char *const want[])
{
	char **argv = (char **)&argv;	/* poison: must be overwritten */
	int argc = -1, n;

	assert_int_equal(cmdline_split(s, &argv, &argc), CMDLINE_OK);
	assert_non_null(argv);
	for (n = 0; want[n] != NULL; n++) {
		assert_non_null(argv[n]);
		assert_string_equal(argv[n], want[n]);
	}
	assert_int_equal(argc, n);
	assert_null(argv[n]);
	cmdline_free(argv);
}

static void
check_error(const char *s, enum cmdline_err want)
{
	char **argv = (char **)&argv;
	int argc = -1;

	assert_int_equal(cmdline_split(s, &argv, &argc), want);
	assert_null(argv);
	assert_int_equal(argc, 0);
}

static void
test_plain_words(void **state)
{
	(void)state;
	check_split("/usr/local/bin/mx-up",
	    (const char *[]){ "/usr/local/bin/mx-up", NULL });
	check_split("/bin/x a b c", (const char *[]){ "/bin/x", "a", "b", "c",
	    NULL });
	/* Any run of any whitespace separates; none at the ends counts. */
	check_split(" \t/bin/x \t\r\n\v\fa   b\n",
	    (const char *[]){ "/bin/x", "a", "b", NULL });
}

static void
test_quotes(void **state)
{
	(void)state;
	check_split("/bin/x \"a b\" 'c  d'",
	    (const char *[]){ "/bin/x", "a b", "c  d", NULL });
	/* Quoted and bare parts join; empty quotes are empty words. */
	check_split("/bin/x a\"b c\"d'e'f", (const char *[]){ "/bin/x",
	    "ab cdef", NULL });
	check_split("/bin/x \"\" '' z", (const char *[]){ "/bin/x", "", "",
	    "z", NULL });
	/* Each quote is literal inside the other. */
	check_split("/bin/x \"it's\" 'say \"hi\"'",
	    (const char *[]){ "/bin/x", "it's", "say \"hi\"", NULL });
	/* The script itself may be quoted, spaces and all. */
	check_split("\"/opt/my scripts/up\" MASTER",
	    (const char *[]){ "/opt/my scripts/up", "MASTER", NULL });
}

static void
test_escapes(void **state)
{
	(void)state;
	check_split("/bin/x a\\ b \\\"c\\' \\\\",
	    (const char *[]){ "/bin/x", "a b", "\"c'", "\\", NULL });
	/* In double quotes too, any escaped character stands for itself. */
	check_split("/bin/x \"a\\\"b\\\\c\\n\"",
	    (const char *[]){ "/bin/x", "a\"b\\cn", NULL });
	/* In single quotes a backslash is literal. */
	check_split("/bin/x 'a\\b' '\\'", (const char *[]){ "/bin/x", "a\\b",
	    "\\", NULL });
	/* An escaped blank joins words; an escaped quote opens nothing. */
	check_split("/bin/x\\ y \\'z", (const char *[]){ "/bin/x y", "'z",
	    NULL });
}

static void
test_no_shell(void **state)
{
	(void)state;
	check_split("/bin/x $HOME `id` *.conf a|b c;d >/tmp/f 2>&1 ~ $(id)",
	    (const char *[]){ "/bin/x", "$HOME", "`id`", "*.conf", "a|b",
	    "c;d", ">/tmp/f", "2>&1", "~", "$(id)", NULL });
}

static void
test_errors(void **state)
{
	(void)state;
	check_error("", CMDLINE_ERR_EMPTY);
	check_error(" \t\n ", CMDLINE_ERR_EMPTY);
	check_error("/bin/x 'abc", CMDLINE_ERR_SQUOTE);
	check_error("/bin/x \"abc", CMDLINE_ERR_DQUOTE);
	check_error("/bin/x \"a'", CMDLINE_ERR_DQUOTE);
	check_error("/bin/x 'a\"", CMDLINE_ERR_SQUOTE);
	check_error("/bin/x a\\", CMDLINE_ERR_BACKSLASH);
	check_error("/bin/x \"a\\", CMDLINE_ERR_BACKSLASH);
	check_error("script.sh", CMDLINE_ERR_RELATIVE);
	check_error("./script.sh /abs", CMDLINE_ERR_RELATIVE);
	check_error("~/up", CMDLINE_ERR_RELATIVE);
	check_error("\"\" /bin/x", CMDLINE_ERR_RELATIVE);
	/* Quote and escape errors win over the path check. */
	check_error("rel 'x", CMDLINE_ERR_SQUOTE);
}

static void
test_limits(void **state)
{
	char s[CMDLINE_MAX_LEN + 2];
	char **argv;
	int argc, i;
	size_t n;

	(void)state;
	/* Exactly 4096 bytes is fine, 4097 is not. */
	memset(s, 'a', sizeof(s));
	s[0] = '/';
	s[CMDLINE_MAX_LEN] = '\0';
	assert_int_equal(cmdline_split(s, &argv, &argc), CMDLINE_OK);
	assert_int_equal(argc, 1);
	assert_int_equal(strlen(argv[0]), CMDLINE_MAX_LEN);
	cmdline_free(argv);
	s[CMDLINE_MAX_LEN] = 'a';
	s[CMDLINE_MAX_LEN + 1] = '\0';
	check_error(s, CMDLINE_ERR_TOO_LONG);

	/* 64 words are fine, 65 are not; "" counts as a word. */
	n = (size_t)snprintf(s, sizeof(s), "/bin/x");
	for (i = 1; i < CMDLINE_MAX_ARGS; i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n, " %d", i);
	assert_int_equal(cmdline_split(s, &argv, &argc), CMDLINE_OK);
	assert_int_equal(argc, CMDLINE_MAX_ARGS);
	assert_string_equal(argv[63], "63");
	assert_null(argv[64]);
	cmdline_free(argv);
	snprintf(s + n, sizeof(s) - n, " \"\"");
	check_error(s, CMDLINE_ERR_TOO_MANY_ARGS);
	/* Trailing blanks after 64 words do not make a 65th. */
	snprintf(s + n, sizeof(s) - n, "   ");
	assert_int_equal(cmdline_split(s, &argv, &argc), CMDLINE_OK);
	assert_int_equal(argc, CMDLINE_MAX_ARGS);
	cmdline_free(argv);
	cmdline_free(NULL);
}

static void
test_strerror(void **state)
{
	int e;

	(void)state;
	assert_string_equal(cmdline_strerror(CMDLINE_ERR_RELATIVE),
	    "script must be an absolute path");
	assert_string_equal(cmdline_strerror(CMDLINE_OK), "no error");
	assert_string_equal(cmdline_strerror(CMDLINE_ERR_SQUOTE),
	    "unterminated single quote");
	for (e = 0; e < CMDLINE_ERR__MAX; e++) {
		assert_non_null(cmdline_strerror((enum cmdline_err)e));
		assert_true(strlen(cmdline_strerror((enum cmdline_err)e)) > 0);
	}
	assert_string_equal(cmdline_strerror(CMDLINE_ERR__MAX),
	    "unknown command error");
	assert_string_equal(cmdline_strerror((enum cmdline_err)-1),
	    "unknown command error");
}

static void
test_join(void **state)
{
	char *const argv[] = { "/usr/bin/up", "VI_1", "a b", "", "it's",
	    "$x", "k=v,w:1@h%2^-_+.", NULL };
	const char *want = "/usr/bin/up VI_1 'a b' '' 'it'\\''s' '$x' "
	    "k=v,w:1@h%2^-_+.";
	char buf[128], **back;
	int argc, i;

	(void)state;
	assert_int_equal(cmdline_join(argv, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
	/* What join writes, split reads back word for word. */
	assert_int_equal(cmdline_split(buf, &back, &argc), CMDLINE_OK);
	assert_int_equal(argc, 7);
	for (i = 0; i < argc; i++)
		assert_string_equal(back[i], argv[i]);
	cmdline_free(back);
	/* Truncation: snprintf semantics. */
	assert_int_equal(cmdline_join(argv, buf, 8), strlen(want));
	assert_string_equal(buf, "/usr/bi");
	buf[0] = 'X';
	assert_int_equal(cmdline_join(argv, buf, 0), strlen(want));
	assert_int_equal(buf[0], 'X');
	assert_int_equal(cmdline_join(argv, buf, 1), strlen(want));
	assert_string_equal(buf, "");
}

static void
test_concat(void **state)
{
	char *const a[] = { "/bin/notify", "x y", NULL };
	char *const b[] = { "INSTANCE", "VI_1", "MASTER", "100", NULL };
	char *const none[] = { NULL };
	char **v;

	(void)state;
	v = cmdline_concat(a, b);
	assert_non_null(v);
	assert_string_equal(v[0], "/bin/notify");
	assert_string_equal(v[1], "x y");
	assert_string_equal(v[2], "INSTANCE");
	assert_string_equal(v[5], "100");
	assert_null(v[6]);
	/* A copy: the inputs' storage is not referenced. */
	assert_ptr_not_equal(v[0], a[0]);
	cmdline_free(v);
	v = cmdline_concat(a, NULL);
	assert_string_equal(v[1], "x y");
	assert_null(v[2]);
	cmdline_free(v);
	v = cmdline_concat(none, none);
	assert_non_null(v);
	assert_null(v[0]);
	cmdline_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_words),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_no_shell),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_concat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
