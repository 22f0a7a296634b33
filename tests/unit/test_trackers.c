/* SPDX-License-Identifier: ISC */
/* Unit tests for keepalived's trackers: script rise/fall and argv, track_file values, proc events and matching, the gate's tracker rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "healthcheck/gate.h"
#include "healthcheck/proc.h"
#include "healthcheck/script.h"
#include "healthcheck/trackfile.h"
#include "lib/cmdline.h"

/* vrrp_script rise/fall ------------------------------------------------ */

/* Feed a sequence ('s' success, 'f' failure); the changes as "+-0". */
static void
run_seq(struct hc_script_state *s, const char *seq, char *changes)
{
	int c;

	for (; *seq; seq++) {
		c = hc_script_state_update(s, *seq == 's');
		*changes++ = c > 0 ? '+' : c < 0 ? '-' : '0';
	}
	*changes = '\0';
}

static void
test_script_rise_fall(void **state)
{
	struct hc_script_state s;
	char ch[32];

	(void)state;
	/* Init: the first result decides, whatever rise and fall. */
	hc_script_state_init(&s, 3, 2, false);
	assert_false(hc_script_state_ok(&s));
	run_seq(&s, "s", ch);
	assert_string_equal(ch, "+");
	assert_true(hc_script_state_ok(&s));
	/* Passing: fall 2 failures in a row to fail, a success resets. */
	run_seq(&s, "fsffs", ch);
	assert_string_equal(ch, "000-0");
	assert_false(hc_script_state_ok(&s));
	/* Failing (one success counted): a failure starts again from
	 * zero, then rise 3 successes in a row pass. */
	run_seq(&s, "fsss", ch);
	assert_string_equal(ch, "000+");
	assert_true(hc_script_state_ok(&s));

	hc_script_state_init(&s, 3, 2, false);
	run_seq(&s, "f", ch);
	assert_string_equal(ch, "-");
	assert_false(hc_script_state_ok(&s));

	/* init_fail: failing from the start, rise successes to pass, and
	 * a failure on the way is no change. */
	hc_script_state_init(&s, 2, 1, true);
	assert_false(hc_script_state_ok(&s));
	run_seq(&s, "fsfss", ch);
	assert_string_equal(ch, "0000+");
	run_seq(&s, "f", ch);
	assert_string_equal(ch, "-");

	/* rise 1 fall 1: every result counts. */
	hc_script_state_init(&s, 1, 1, false);
	run_seq(&s, "ssffsf", ch);
	assert_string_equal(ch, "+0-0+-");
}

static void
test_script_argv(void **state)
{
	char why[256], dir[] = "/tmp/vipd-trk-XXXXXX", path[512], **argv;
	FILE *f;

	(void)state;
	/* keepalived's quoting, no shell. */
	assert_int_equal(hc_script_argv("/bin/sh -c 'nc -z 127.0.0.1 25'",
	    NULL, &argv, why, sizeof(why)), 0);
	assert_string_equal(argv[0], "/bin/sh");
	assert_string_equal(argv[2], "nc -z 127.0.0.1 25");
	assert_null(argv[3]);
	cmdline_free(argv);
	assert_int_equal(hc_script_argv("/usr/bin/x \"a b\" c\\ d $HOME",
	    NULL, &argv, why, sizeof(why)), 0);
	assert_string_equal(argv[1], "a b");
	assert_string_equal(argv[2], "c d");
	assert_string_equal(argv[3], "$HOME");
	cmdline_free(argv);
	/* A bare name is looked up on PATH, the first executable wins. */
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/chk_fake", dir);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	snprintf(path, sizeof(path), "/nonexistent:%s", dir);
	assert_int_equal(hc_script_argv("chk_fake -0 master", path, &argv,
	    why, sizeof(why)), -1);		/* not executable */
	assert_non_null(strstr(why, "not found on PATH"));
	snprintf(path, sizeof(path), "%s/chk_fake", dir);
	assert_int_equal(chmod(path, 0755), 0);
	snprintf(path, sizeof(path), "relative:%s", dir);
	assert_int_equal(hc_script_argv("chk_fake -0 master", path, &argv,
	    why, sizeof(why)), 0);
	snprintf(path, sizeof(path), "%s/chk_fake", dir);
	assert_string_equal(argv[0], path);
	assert_string_equal(argv[1], "-0");
	assert_string_equal(argv[2], "master");
	assert_null(argv[3]);
	assert_int_equal(hc_script_runnable(argv[0], NULL, why, sizeof(why)),
	    0);
	cmdline_free(argv);
	unlink(path);
	rmdir(dir);
	/* Relative paths with a slash are refused, so are bad quotes. */
	assert_int_equal(hc_script_argv("bin/check", NULL, &argv, why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "relative path"));
	assert_int_equal(hc_script_argv("/bin/x 'a", NULL, &argv, why,
	    sizeof(why)), -1);
	assert_null(argv);
	/* Not there, not executable. */
	assert_int_equal(hc_script_runnable("/nonexistent/x", NULL, why,
	    sizeof(why)), -1);
	assert_int_equal(hc_script_runnable("/etc/passwd", NULL, why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "not an executable file"));
}

/* track_file ------------------------------------------------------------ */

static int64_t
val(const char *s)
{
	int64_t v = 12345;

	assert_int_equal(hc_trackfile_parse(s, strlen(s), &v), 0);
	return v;
}

static void
test_trackfile_parse(void **state)
{
	int64_t v;

	(void)state;
	assert_int_equal(val("0\n"), 0);
	assert_int_equal(val("  17 maintenance\n"), 17);
	assert_int_equal(val("-5"), -5);
	assert_int_equal(val("0x10"), 16);
	assert_int_equal(val("010"), 8);		/* strtol base 0 */
	assert_int_equal(val(""), 0);
	assert_int_equal(val("on"), 0);
	assert_int_equal(val("2147483648"), 2147483648LL);
	assert_int_equal(hc_trackfile_parse("99999999999", 11, &v), -1);
	assert_int_equal(hc_trackfile_parse("-2147483649", 11, &v), -1);
	/* Not NUL-terminated input is fine. */
	assert_int_equal(hc_trackfile_parse("42xxxxxxxx", 2, &v), 0);
	assert_int_equal(v, 42);
}

static void
test_trackfile_effect(void **state)
{
	bool fault;

	(void)state;
	/* weight 0: any non-zero value is a fault; reverse: zero is. */
	assert_int_equal(hc_trackfile_effect(0, 0, false, &fault), 0);
	assert_false(fault);
	hc_trackfile_effect(1, 0, false, &fault);
	assert_true(fault);
	hc_trackfile_effect(-3, 0, false, &fault);
	assert_true(fault);
	hc_trackfile_effect(0, 0, true, &fault);
	assert_true(fault);
	hc_trackfile_effect(7, 0, true, &fault);
	assert_false(fault);
	/* Otherwise value * weight, reverse negates, kept in -254..253. */
	assert_int_equal(hc_trackfile_effect(5, 3, false, &fault), 15);
	assert_false(fault);
	assert_int_equal(hc_trackfile_effect(5, 3, true, &fault), -15);
	assert_int_equal(hc_trackfile_effect(-10, -2, false, &fault), 20);
	assert_int_equal(hc_trackfile_effect(100, 10, false, &fault), 253);
	assert_false(fault);
	assert_int_equal(hc_trackfile_effect(-100, 10, false, &fault), -254);
	assert_true(fault);
	assert_int_equal(hc_trackfile_effect(-253, 1, false, &fault), -253);
	assert_false(fault);
	assert_int_equal(hc_trackfile_effect(2147483648LL, 254, false,
	    &fault), 253);
}

/* Proc events ------------------------------------------------------------ */

/* Append one connector message holding @pe to buf at *off. */
static void
put_event(char *buf, size_t *off, const struct proc_event *pe,
    unsigned idx, size_t cnlen)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(buf + *off);
	struct cn_msg *cn = NLMSG_DATA(nlh);

	memset(nlh, 0, NLMSG_SPACE(sizeof(*cn) + sizeof(*pe)));
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(*cn) + sizeof(*pe));
	nlh->nlmsg_type = NLMSG_DONE;
	cn->id.idx = idx;
	cn->id.val = CN_VAL_PROC;
	cn->len = (unsigned short)cnlen;
	memcpy(cn->data, pe, sizeof(*pe));
	*off += NLMSG_SPACE(sizeof(*cn) + sizeof(*pe));
}

static void
test_proc_parse(void **state)
{
	char buf[8192] __attribute__((aligned(8)));
	struct hc_proc_event ev[8];
	struct proc_event pe;
	size_t off = 0, n;

	(void)state;
	memset(&pe, 0, sizeof(pe));
	pe.what = PROC_EVENT_FORK;
	pe.event_data.fork.parent_tgid = 100;
	pe.event_data.fork.child_pid = 200;
	pe.event_data.fork.child_tgid = 200;
	put_event(buf, &off, &pe, CN_IDX_PROC, sizeof(pe));
	pe.event_data.fork.child_pid = 201;	/* a thread: dropped */
	put_event(buf, &off, &pe, CN_IDX_PROC, sizeof(pe));
	memset(&pe, 0, sizeof(pe));
	pe.what = PROC_EVENT_COMM;
	pe.event_data.comm.process_pid = 200;
	pe.event_data.comm.process_tgid = 200;
	memcpy(pe.event_data.comm.comm, "master", 7);
	put_event(buf, &off, &pe, CN_IDX_PROC, sizeof(pe));
	put_event(buf, &off, &pe, CN_IDX_PROC + 1, sizeof(pe)); /* not ours */
	put_event(buf, &off, &pe, CN_IDX_PROC, 4);		/* too short */
	memset(&pe, 0, sizeof(pe));
	pe.what = PROC_EVENT_EXIT;
	pe.event_data.exit.process_pid = 200;
	pe.event_data.exit.process_tgid = 200;
	put_event(buf, &off, &pe, CN_IDX_PROC, sizeof(pe));
	pe.what = PROC_EVENT_UID;				/* ignored */
	put_event(buf, &off, &pe, CN_IDX_PROC, sizeof(pe));
	n = hc_proc_parse(buf, off, ev, 8);
	assert_int_equal(n, 3);
	assert_int_equal(ev[0].type, HC_PROC_FORK);
	assert_int_equal(ev[0].pid, 200);
	assert_int_equal(ev[0].ppid, 100);
	assert_int_equal(ev[1].type, HC_PROC_COMM);
	assert_string_equal(ev[1].comm, "master");
	assert_int_equal(ev[2].type, HC_PROC_EXIT);
	/* max is honoured; a truncated datagram is read no further. */
	assert_int_equal(hc_proc_parse(buf, off, ev, 1), 1);
	assert_int_equal(hc_proc_parse(buf, 20, ev, 8), 0);
	assert_int_equal(hc_proc_parse(buf, 0, ev, 8), 0);
}

static void
test_proc_match(void **state)
{
	static const char cmd[] = "/usr/lib/postfix/sbin/master\0-w\0-d";
	struct hc_proc_spec s = { .name = "master", .quorum = 1,
	    .quorum_max = 1 };

	(void)state;
	assert_true(hc_proc_match(&s, "master", NULL, 0));
	assert_false(hc_proc_match(&s, "masterx", NULL, 0));
	assert_false(hc_proc_match(&s, "maste", NULL, 0));
	/* comm holds 15 bytes: a longer name matches its first 15. */
	s.name = "postfix-policyd-spf";
	assert_true(hc_proc_match(&s, "postfix-policyd", NULL, 0));
	s.name = "postfix-policy";
	assert_false(hc_proc_match(&s, "postfix-policyd", NULL, 0));
	/* full_command: argv[0] exactly, then the parameters. */
	s.name = "/usr/lib/postfix/sbin/master";
	s.full_command = true;
	assert_true(hc_proc_match(&s, "master", cmd, sizeof(cmd)));
	assert_false(hc_proc_match(&s, "master", "master", 7));
	s.params = "-w";
	s.params_len = 3;
	s.nparams = 1;
	s.match = HC_PROC_MATCH_EXACT;
	assert_false(hc_proc_match(&s, "master", cmd, sizeof(cmd)));
	s.match = HC_PROC_MATCH_PARTIAL;
	assert_true(hc_proc_match(&s, "master", cmd, sizeof(cmd)));
	s.params = "-w\0-";
	s.params_len = 5;
	s.nparams = 2;
	assert_false(hc_proc_match(&s, "master", cmd, sizeof(cmd)));
	s.match = HC_PROC_MATCH_INITIAL;
	assert_true(hc_proc_match(&s, "master", cmd, sizeof(cmd)));
	s.match = HC_PROC_MATCH_EXACT;
	s.params = "-w\0-d";
	assert_true(hc_proc_match(&s, "master", cmd, sizeof(cmd)));
	/* cmdline without a final NUL, or empty (a kernel thread) */
	assert_true(hc_proc_match(&s, "master", cmd, sizeof(cmd) - 1));
	assert_false(hc_proc_match(&s, "master", cmd, 0));
	/* quorum */
	assert_true(hc_proc_quorum(&s, 1));
	assert_false(hc_proc_quorum(&s, 0));
	assert_false(hc_proc_quorum(&s, 2));
	s.quorum = 0;
	s.quorum_max = 0;	/* "must not run" */
	assert_true(hc_proc_quorum(&s, 0));
	assert_false(hc_proc_quorum(&s, 1));
}

/* The gate's tracker rules ------------------------------------------------ */

#define TRK(nm, k, o, w, rev) { .name = nm, .known = k, .ok = o, \
	.weight = w, .reason = "r", .tracker = true, .reverse = rev }

static void
test_gate_trackers(void **state)
{
	struct hc_gate_check c[] = {
		TRK("up", true, true, 20, false),	/* +20 */
		TRK("down", true, false, -30, false),	/* -30 */
		TRK("rev_up", true, true, 10, true),	/* -10 */
		TRK("rev_down", true, false, -5, true),	/* +5 */
	};
	struct hc_gate_check z[] = {
		TRK("zero", true, false, 0, false),
		TRK("pending", false, false, 15, false),
	};
	struct hc_gate_check f = TRK("file", true, true, 3, false);
	struct hc_gate_result r;

	(void)state;
	hc_gate_eval(100, false, false, c, 4, &r);
	assert_int_equal(r.delta, -15);
	assert_int_equal(r.priority, 85);
	assert_false(r.fault);
	assert_false(r.resign);
	/* weight 0 failing: FAULT, not resign; reverse: passing faults */
	hc_gate_eval(100, false, false, z, 2, &r);
	assert_true(r.fault);
	assert_string_equal(r.fault_name, "zero");
	assert_false(r.resign);
	/* a weighted tracker without a verdict holds nothing back ... */
	assert_true(r.ready);
	z[0].ok = true;
	hc_gate_eval(100, false, false, z, 2, &r);
	assert_false(r.fault);
	assert_int_equal(r.priority, 100);
	z[0].reverse = true;
	hc_gate_eval(100, false, false, z, 2, &r);
	assert_true(r.fault);
	/* ... a weight-0 one does (keepalived's init state) */
	z[0].known = false;
	hc_gate_eval(100, false, false, z, 2, &r);
	assert_false(r.ready);
	assert_false(r.fault);
	/* track_file: the value is the effect; -254 is a fault */
	f.has_value = true;
	f.value = -40;
	hc_gate_eval(100, false, false, &f, 1, &r);
	assert_int_equal(r.priority, 60);
	f.value = -254;
	hc_gate_eval(100, false, false, &f, 1, &r);
	assert_true(r.fault);
	/* the owner's 255 does not move; a fault still faults */
	hc_gate_eval(255, false, false, c, 4, &r);
	assert_int_equal(r.priority, 255);
	assert_false(r.fault);
	z[0].known = true;
	hc_gate_eval(255, false, false, z, 2, &r);
	assert_int_equal(r.priority, 255);
	assert_true(r.fault);
}

static void
test_gate_explain_trackers(void **state)
{
	struct hc_gate_check c[] = {
		TRK("chk_master", true, false, 0, false),
		TRK("chk_rev", true, true, 10, true),
	};
	char buf[2048];

	(void)state;
	hc_gate_explain(100, false, false, c, 2, buf, sizeof(buf));
	assert_non_null(strstr(buf, "check chk_master: failing, weight 0: "
	    "FAULT (weight 0 tracker)"));
	assert_non_null(strstr(buf, "check chk_rev: passing, weight 10: "
	    "-10 (reverse)"));
	assert_non_null(strstr(buf, "FAULT: tracker chk_master"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_script_rise_fall),
		cmocka_unit_test(test_script_argv),
		cmocka_unit_test(test_trackfile_parse),
		cmocka_unit_test(test_trackfile_effect),
		cmocka_unit_test(test_proc_parse),
		cmocka_unit_test(test_proc_match),
		cmocka_unit_test(test_gate_trackers),
		cmocka_unit_test(test_gate_explain_trackers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
