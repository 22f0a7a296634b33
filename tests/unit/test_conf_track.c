/* SPDX-License-Identifier: ISC */
/* Unit tests for vrrp_script, track_file, vrrp_track_process and the instances' track_* lists. */
#include "conf_fixture.h"

static const char trackers[] =
	"vrrp_script chk_master {\n"				/* 1 */
	"    script \"killall -0 master\"\n"
	"    interval 2\n"
	"    weight -20 reverse\n"
	"    fall 3\n"
	"    user nobody\n"
	"}\n"
	"vrrp_script chk_port {\n"				/* 8 */
	"    script /bin/sh -c \"nc -z 127.0.0.1 25\" 'x y'\n"
	"    timeout 0.5\n"
	"    init_fail\n"
	"}\n"
	"track_file maint {\n"					/* 13 */
	"    file /run/maint\n"
	"    init_file -3 overwrite\n"
	"}\n"
	"vrrp_track_process pf {\n"				/* 17 */
	"    process /usr/lib/postfix/sbin/master -w\n"
	"    param_match initial\n"
	"    quorum_max 0\n"
	"    delay 0.25\n"
	"    terminate_delay 1\n"
	"}\n";

static const char lists[] =
	"track_script {\n"
	" chk_master\n"
	" chk_port weight 7 reverse\n"
	"}\n"
	"track_process {\n pf weight -4\n}\n"
	"track_file {\n maint weight 2 reverse\n}\n";

static const struct conf_check *
check_named(const struct conf *c, const char *name, size_t *idx)
{
	size_t i;

	for (i = 0; i < c->nchecks; i++)
		if (!strcmp(c->checks[i].name, name)) {
			*idx = i;
			return &c->checks[i];
		}
	fail_msg("no check %s", name);
	return NULL;
}

static void
test_values(void **state)
{
	struct conf *c = top_ok(trackers, lists, "");
	const struct conf_instance *in = &c->instances[0];
	const struct conf_check *k;
	size_t a, b, f, p, i;

	(void)state;
	k = check_named(c, "chk_master", &a);
	assert_int_equal(k->type, CONF_CHECK_SCRIPT);
	assert_string_equal(k->script.cmd, "killall -0 master");
	assert_int_equal(k->interval_us, 2000000);
	assert_int_equal(k->timeout_us, 2000000);	/* the interval */
	assert_int_equal(k->weight, -20);
	assert_true(k->script.reverse);
	assert_int_equal(k->rise, 1);
	assert_int_equal(k->fall, 3);
	assert_string_equal(k->script.user, "nobody");
	assert_false(k->script.init_fail);
	k = check_named(c, "chk_port", &b);
	/* several words: quoted again so that the daemon splits them back */
	assert_string_equal(k->script.cmd,
	    "/bin/sh -c 'nc -z 127.0.0.1 25' 'x y'");
	assert_int_equal(k->interval_us, 1000000);
	assert_int_equal(k->timeout_us, 500000);	/* fractions too */
	assert_int_equal(k->weight, 0);
	assert_true(k->script.init_fail);
	k = check_named(c, "maint", &f);
	assert_int_equal(k->type, CONF_CHECK_FILE);
	assert_string_equal(k->tfile.path, "/run/maint");
	assert_int_equal(k->weight, 1);
	assert_true(k->tfile.init_file && k->tfile.overwrite);
	assert_int_equal(k->tfile.init_value, -3);
	k = check_named(c, "pf", &p);
	assert_int_equal(k->type, CONF_CHECK_PROCESS);
	assert_string_equal(k->process.name, "/usr/lib/postfix/sbin/master");
	assert_int_equal(k->process.nparams, 1);
	assert_memory_equal(k->process.params, "-w", 3);
	assert_int_equal(k->process.param_match, CONF_PARAM_INITIAL);
	assert_true(k->process.full_command);
	assert_int_equal(k->process.quorum, 0);		/* quorum_max 0 */
	assert_int_equal(k->process.quorum_max, 0);
	assert_int_equal(k->process.fork_delay_us, 250000);
	assert_int_equal(k->process.terminate_delay_us, 1000000);
	assert_int_equal(k->weight, 0);
	/* The default checks first, then scripts, files and processes; a
	 * line's weight and direction replace the entry's. */
	assert_int_equal(in->ntracks, 6);
	assert_string_equal(c->checks[in->tracks[0].check].name,
	    "default_smtp");
	assert_string_equal(c->checks[in->tracks[1].check].name,
	    "default_postfix");
	assert_int_equal(in->tracks[2].check, a);
	assert_int_equal(in->tracks[2].weight, -20);
	assert_true(in->tracks[2].reverse);
	assert_int_equal(in->tracks[3].check, b);
	assert_int_equal(in->tracks[3].weight, 7);
	assert_true(in->tracks[3].reverse);
	assert_int_equal(in->tracks[4].check, f);
	assert_int_equal(in->tracks[4].weight, 2);
	assert_true(in->tracks[4].reverse);
	assert_int_equal(in->tracks[5].check, p);
	assert_int_equal(in->tracks[5].weight, -4);
	assert_false(in->tracks[5].reverse);
	for (i = 2; i < 6; i++)
		assert_int_not_equal(in->tracks[i].line, 0);
	conf_free(c);
}

/* print -> parse gives the same trackers, tracks and text. */
static void
test_round_trip(void **state)
{
	struct conf *c = top_ok(trackers, lists, ""), *c2;
	struct conf_diag d = { 0 };
	char *p1 = print_to_string(c), *p2;
	size_t i;

	(void)state;
	assert_round_trip(c);
	c2 = conf_parse_buf("rt.conf", p1, strlen(p1), &d);
	assert_non_null(c2);
	assert_int_equal(c->nchecks, c2->nchecks);
	for (i = 0; i < c->nchecks; i++) {
		assert_memory_equal(&c->checks[i].script, &c2->checks[i].script,
		    sizeof(c->checks[i].script));
		assert_memory_equal(&c->checks[i].tfile, &c2->checks[i].tfile,
		    sizeof(c->checks[i].tfile));
		assert_memory_equal(&c->checks[i].process,
		    &c2->checks[i].process, sizeof(c->checks[i].process));
	}
	for (i = 0; i < c->instances[0].ntracks; i++)
		assert_int_equal(c->instances[0].tracks[i].reverse,
		    c2->instances[0].tracks[i].reverse);
	p2 = print_to_string(c2);
	assert_string_equal(p1, p2);
	free(p1);
	free(p2);
	conf_free(c2);
	conf_diag_free(&d);
	conf_free(c);
}

/* Trackers only, without the default checks; nothing tracked unused. */
static void
test_without_defaults(void **state)
{
	struct conf *c = top_ok(trackers, "default_checks off\n"
	    "track_file {\n maint\n}\n", "");
	const struct conf_instance *in = &c->instances[0];
	char *out;

	(void)state;
	assert_int_equal(in->ntracks, 1);
	assert_string_equal(c->checks[in->tracks[0].check].name, "maint");
	out = print_to_string(c);
	assert_null(strstr(out, "track_check"));
	assert_non_null(strstr(out, "    track_file {\n        maint weight 1 "
	    "noreverse\n    }\n"));
	free(out);
	assert_round_trip(c);
	conf_free(c);
}

static void
test_errors(void **state)
{
	(void)state;
	/* a track_check cannot name a vrrp_script, nor the reverse */
	top_expect("vrrp_script s {\n script /bin/true\n}\n"
	    "smtp_check m {\n}\n",
	    "track_check {\n s\n}\ntrack_script {\n m\n}\n",
	    "t.conf:13: track_check: no smtp_check or postfix_check named "
	    "\"s\"\n"
	    "t.conf:16: track_script: no vrrp_script named \"m\"\n");
	/* names are shared with the checks and the default ones are kept */
	top_expect("smtp_check x {\n}\nvrrp_script x {\n script /bin/true\n}\n"
	    "track_file default_smtp {\n file /x\n}\n", "",
	    "t.conf:3: vrrp_script x: the name is already used by smtp_check "
	    "x (t.conf:1)\n"
	    "t.conf:6: track_file default_smtp: the name is reserved for "
	    "vipd's default checks\n");
	top_expect("vrrp_script s {\n script\n}\n"
	    "vrrp_track_process p {\n process n "
	    "p1 p2 p3 p4 p5 p6 p7 p8 p9 p10 p11 p12 p13 p14 p15 "
	    "p16 p17 p18 p19 p20 p21 p22 p23 p24 p25 p26 p27 p28 p29 p30\n}\n", "",
	    "t.conf:2: script: missing argument\n"
	    "t.conf:5: process: unexpected argument \"p30\"\n");
	top_expect("vrrp_script s {\n script \"/bin/x \\\"\n"
	    " timeout 0\n}\n", "",
	    "t.conf:2: script: backslash at the end of the command\n"
	    "t.conf:3: timeout: \"0\" is out of range 0.001..86400\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_without_defaults),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
