/* SPDX-License-Identifier: ISC */
/* Unit tests for reading queue_directory from Postfix main.cf. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "healthcheck/postfix_conf.h"
#include "postfix_fixture.h"

/* --- main.cf --- */

static const struct {
	const char *cf;
	enum hc_pfconf_err err;
	const char *out;
} conf_cases[] = {
	{ "queue_directory = /srv/q\n", 0, "/srv/q" },
	/* Comments, blanks, CRLF, no spaces round '=', last one wins. */
	{ "# c\n\n  # indented\nmyhostname = a\nqueue_directory=/one\r\n"
	    "queue_directory  =   /two  \r\n", 0, "/two" },
	{ "# nothing\nmyhostname = x\n", 0, "/var/spool/postfix" },
	{ "", 0, "/var/spool/postfix" },
	/* Not definitions: orphan continuation, no '=', a longer name. */
	{ "  queue_directory = /orphan\nqueue_directory /nope\n"
	    "queue_directory_x = /x\n", 0, "/var/spool/postfix" },
	/* Continuations, across a comment and a blank line. */
	{ "queue_directory =\n\t/srv/cont\n", 0, "/srv/cont" },
	{ "queue_directory = /a\n# c\n\n  b\n\tc\nx = w\n", 0, "/a b c" },
	{ "queue_directory = /eof", 0, "/eof" },
	/* Expansion. */
	{ "base = /srv\nqueue_directory = $base/q\n", 0, "/srv/q" },
	{ "queue_directory = ${b}/$(c)$$x\nb = /B\nc = $d\nd = D\n", 0,
	    "/B/D$x" },
	{ "queue_directory = $config_directory/spool\n", 0, "/etc/pf2/spool" },
	{ "queue_directory = $nope/q\n", HC_PFCONF_UNDEFINED, "" },
	{ "a = $b\nb = $a\nqueue_directory = $a\n", HC_PFCONF_LOOP, "" },
	{ "queue_directory = $queue_directory\n", HC_PFCONF_LOOP, "" },
	/* Fan-out: 4^4 empty expansions exceed the reference budget. */
	{ "queue_directory = /$a\na = $b$b$b$b\nb = $c$c$c$c\nc = $d$d$d$d\n"
	    "d = $e$e$e$e\ne =\n", HC_PFCONF_LOOP, "" },
	{ "queue_directory = /$a\na = $b$b$b$b\nb = $c$c$c$c\nc = $d$d\n"
	    "d =\n", 0, "/" },
	{ "queue_directory = ${a?/x}\n", HC_PFCONF_SYNTAX, "" },
	{ "queue_directory = /a$\n", HC_PFCONF_SYNTAX, "" },
	{ "queue_directory = /a${b\nb = c\n", HC_PFCONF_SYNTAX, "" },
	{ "queue_directory = spool\n", HC_PFCONF_RELATIVE, "" },
};

static void
test_conf_cases(void **state)
{
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(conf_cases) / sizeof(conf_cases[0]); i++) {
		strcpy(out, "junk");
		assert_int_equal(hc_pfconf_queue_dir(S(conf_cases[i].cf),
		    "/etc/pf2", out, sizeof(out)), conf_cases[i].err);
		assert_string_equal(out, conf_cases[i].out);
	}
	assert_int_equal(hc_pfconf_lookup(S("x = $queue_directory\n"), "x",
	    NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "/var/spool/postfix");
	assert_int_equal(hc_pfconf_lookup(S("a = 1\n"), "b", NULL, out,
	    sizeof(out)), HC_PFCONF_NOTFOUND);
}

static void
test_conf_errors(void **state)
{
	char out[256], big[3000], path[] = "/tmp/test_pfconf.XXXXXX", cf[300];
	enum hc_pfconf_err e;
	int fd;

	(void)state;
	assert_int_equal(hc_pfconf_queue_dir(S("queue_directory = /0123456789"),
	    "/", out, 8), HC_PFCONF_TOOLONG);
	assert_int_equal(hc_pfconf_queue_dir(S("x = 1"), "/", out, 8),
	    HC_PFCONF_TOOLONG);	/* the default does not fit either */
	memset(big, 'a', sizeof(big));
	memcpy(big, "queue_directory = /", 19);
	assert_int_equal(hc_pfconf_queue_dir(big, sizeof(big), "/", out,
	    sizeof(out)), HC_PFCONF_TOOLONG);
	assert_int_equal(hc_pfconf_queue_dir("queue_directory = /a\0b\n", 23,
	    "/", out, sizeof(out)), HC_PFCONF_BADCHAR);
	assert_string_equal(hc_pfconf_strerror(HC_PFCONF_LOOP),
	    "parameter references too deep or too many");
	assert_string_equal(hc_pfconf_strerror(99), "unknown error");
	/* From a file. */
	assert_non_null(mkdtemp(path));
	assert_int_equal(hc_pfconf_queue_dir_read(path, out, sizeof(out), &e),
	    -1);
	assert_int_equal(errno, ENOENT);
	snprintf(cf, sizeof(cf), "%s/main.cf", path);
	assert_true((fd = open(cf, O_WRONLY | O_CREAT, 0644)) >= 0);
	assert_int_equal(write(fd,
	    S("queue_directory = $config_directory/q\n")), 38);
	close(fd);
	assert_int_equal(hc_pfconf_queue_dir_read(path, out, sizeof(out), &e),
	    0);
	assert_int_equal(e, HC_PFCONF_OK);
	snprintf(cf, sizeof(cf), "%s/q", path);
	assert_string_equal(out, cf);
	snprintf(cf, sizeof(cf), "%s/main.cf", path);
	assert_true((fd = open(cf, O_WRONLY | O_TRUNC)) >= 0);
	assert_int_equal(write(fd, S("queue_directory = q\n")), 20);
	close(fd);
	assert_int_equal(hc_pfconf_queue_dir_read(path, out, sizeof(out), &e),
	    -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(e, HC_PFCONF_RELATIVE);
	unlink(cf);
	rmdir(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_cases),
		cmocka_unit_test(test_conf_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
