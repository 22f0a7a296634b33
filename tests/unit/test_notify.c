/* SPDX-License-Identifier: ISC */
/* Unit tests for the notify runner with real children: order, serialisation, timeouts, env, drain. */
#include "tests/unit/notify_fixture.h"

static void
test_order_one_at_a_time(void **state)
{
	const char *inst[] = { "VI_1", "VI_2", "VI_1", "VI_3", "VI_2" };
	const char *tags[] = { "1", "2", "3", "4", "5" };
	char *file = path("order.out");
	uint64_t t0 = loop_now();
	struct ctx c;
	int i;

	(void)state;
	ctx_init(&c, 5000);
	/* The first run sleeps: the others must wait for it, in order. */
	assert_int_equal(enq(&c, "notify_master", inst[0], path("append.sh"),
	    tags[0], file, "0.2"), 0);
	for (i = 1; i < 5; i++)
		assert_int_equal(enq(&c, "notify_backup", inst[i],
		    path("append.sh"), tags[i], file, NULL), 0);
	assert_stats(&c, 0, 0, 0, 0, 0, 4, true);
	run(&c, 5, 5000);
	assert_true(loop_now() - t0 >= 200000);
	assert_string_equal(slurp(file), "1 start\n1 end\n2 start\n2 end\n"
	    "3 start\n3 end\n4 start\n4 end\n5 start\n5 end\n");
	for (i = 0; i < 5; i++) {
		assert_int_equal(c.res[i].seq, i + 1);
		assert_string_equal(c.res[i].instance, inst[i]);
		assert_string_equal(c.res[i].label,
		    i == 0 ? "notify_master" : "notify_backup");
		assert_int_equal(c.res[i].outcome, NOTIFY_EXITED);
		assert_int_equal(c.res[i].code, 0);
	}
	assert_true(c.res[0].ms >= 200);
	assert_stats(&c, 5, 5, 0, 0, 0, 0, false);
	ctx_fini(&c);
}

static void
test_timeout_then_next(void **state)
{
	char *file = path("timeout.out");
	unsigned long long blk = 1, ign = 1;
	sigset_t term, old;
	struct ctx c;

	(void)state;
	/* The daemon blocks signals for signalfd; children must not. */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &old);
	signal(SIGUSR2, SIG_IGN);
	ctx_init(&c, 200);
	assert_int_equal(enq(&c, "notify_master", "VI_1", path("sleep.sh"),
	    NULL, NULL, NULL), 0);
	assert_int_equal(enq(&c, "notify_master", "VI_1", path("append.sh"),
	    "after", file, NULL), 0);
	assert_int_equal(enq(&c, "notify", "VI_1", "/usr/bin/grep",
	    "-E", "^Sig(Blk|Ign)", "/proc/self/status"), 0);
	run(&c, 3, 3000);
	assert_int_equal(c.res[0].outcome, NOTIFY_TIMEOUT);
	assert_int_equal(c.res[0].code, SIGTERM);
	assert_false(c.res[0].limit);
	assert_true(c.res[0].ms >= 200 && c.res[0].ms < 900);
	assert_int_equal(c.res[1].outcome, NOTIFY_EXITED);
	assert_string_equal(slurp(file), "after start\nafter end\n");
	assert_int_equal(c.res[2].code, 0);
	assert_int_equal(sscanf(c.res[2].out, "SigBlk:\t%llx\nSigIgn:\t%llx",
	    &blk, &ign), 2);
	assert_int_equal(blk, 0);
	/*
	 * Signals 32 and 33 are glibc's own: sigaction() refuses them, so a
	 * child keeps whatever disposition vipd inherited (some CI runners
	 * start jobs with them ignored). Every other one must be default.
	 */
	assert_int_equal(ign & ~0x180000000ULL, 0);
	assert_stats(&c, 3, 2, 0, 1, 0, 0, false);
	ctx_fini(&c);
	signal(SIGUSR2, SIG_DFL);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/*
 * vipd gives each instance its own runner: a hanging script of one must
 * not hold back another's, and each has its own timeout
 * (notify_script_timeout).
 */
static void
test_per_instance_runners(void **state)
{
	char *file = path("lanes.out");
	char *argv_b[] = { path("append.sh"), "b", file, "0.2", NULL };
	struct notify *other;
	struct ctx c;

	(void)state;
	ctx_init(&c, 1500);
	other = notify_new(c.l, 5000);
	assert_non_null(other);
	notify_set_hook(other, hook, &c);
	/* VI_1 hangs until its own timeout; VI_2 is not queued behind it. */
	assert_int_equal(enq(&c, "notify_master", "VI_1", path("sleep.sh"),
	    NULL, NULL, NULL), 0);
	assert_int_equal(notify_enqueue(other, "notify_backup", "VI_2",
	    argv_b, NULL), 0);
	run(&c, 2, 5000);
	assert_string_equal(c.res[0].instance, "VI_2");
	assert_int_equal(c.res[0].outcome, NOTIFY_EXITED);
	assert_int_equal(c.res[0].code, 0);
	assert_true(c.res[0].ms >= 200);
	assert_string_equal(slurp(file), "b start\nb end\n");
	/* VI_1 was killed after its own 1.5 s, not VI_2's 5 s. */
	assert_string_equal(c.res[1].instance, "VI_1");
	assert_int_equal(c.res[1].outcome, NOTIFY_TIMEOUT);
	assert_true(c.res[1].ms >= 1500 && c.res[1].ms < 4000);
	notify_free(other);
	ctx_fini(&c);
}

static void
test_timeout_escalates_to_sigkill(void **state)
{
	struct ctx c;

	(void)state;
	ctx_init(&c, 200);
	assert_int_equal(enq(&c, "notify_fault", "VI_1", path("stubborn.sh"),
	    NULL, NULL, NULL), 0);
	run(&c, 1, 4000);
	assert_int_equal(c.res[0].outcome, NOTIFY_TIMEOUT);
	assert_int_equal(c.res[0].code, SIGKILL);
	assert_true(c.res[0].ms >= 1200 && c.res[0].ms < 2500);
	assert_stats(&c, 1, 0, 0, 1, 0, 0, false);
	ctx_fini(&c);
}

static void
test_grandchild_killed(void **state)
{
	char *pidfile = path("gc.pid");
	struct ctx c;
	long gpid;

	(void)state;
	ctx_init(&c, 300);
	/* The grandchild ignores SIGTERM and keeps the output pipe open. */
	assert_int_equal(enq(&c, "notify_master", "VI_1", path("gc.sh"),
	    pidfile, NULL, NULL), 0);
	assert_int_equal(enq(&c, "notify_master", "VI_1", path("exit.sh"),
	    "0", NULL, NULL), 0);
	run(&c, 2, 3000);
	assert_int_equal(c.res[0].outcome, NOTIFY_TIMEOUT);
	assert_int_equal(c.res[0].code, SIGTERM);
	assert_true(c.res[0].ms < 1000);
	gpid = strtol(slurp(pidfile), NULL, 10);
	assert_true(gpid > 1);
	assert_true(pid_dead(gpid));
	assert_int_equal(c.res[1].outcome, NOTIFY_EXITED);
	assert_string_equal(c.res[1].out, "out:0\nerr:0\n");
	ctx_fini(&c);
}

static void
test_exit_codes_and_spawn_failures(void **state)
{
	struct ctx c;

	(void)state;
	ctx_init(&c, 2000);
	/* Idle: an unstartable script is reported before enqueue returns. */
	assert_int_equal(enq(&c, "notify_fault", "VI_1", "/nonexistent/x",
	    NULL, NULL, NULL), 0);
	assert_int_equal(c.nres, 1);
	assert_int_equal(c.res[0].outcome, NOTIFY_SPAWN_FAILED);
	assert_int_equal(c.res[0].code, ENOENT);
	assert_int_equal(c.res[0].ms, 0);
	assert_int_equal(enq(&c, "a", "VI_1", path("exit.sh"), "3", 0, 0), 0);
	assert_int_equal(enq(&c, "b", "VI_1", path("selfkill.sh"), 0, 0, 0),
	    0);
	assert_int_equal(enq(&c, "c", "VI_1", path("noexec.sh"), 0, 0, 0), 0);
	assert_int_equal(enq(&c, "d", "VI_1", "/nonexistent/y", 0, 0, 0), 0);
	assert_int_equal(enq(&c, "e", "VI_1", path("exit.sh"), "0", 0, 0), 0);
	run(&c, 6, 5000);
	assert_int_equal(c.res[1].outcome, NOTIFY_EXITED);
	assert_int_equal(c.res[1].code, 3);
	assert_string_equal(c.res[1].out, "out:3\nerr:3\n");
	assert_int_equal(c.res[2].outcome, NOTIFY_SIGNALED);
	assert_int_equal(c.res[2].code, SIGUSR1);
	assert_int_equal(c.res[3].outcome, NOTIFY_SPAWN_FAILED);
	assert_int_equal(c.res[3].code, EACCES);
	assert_int_equal(c.res[4].outcome, NOTIFY_SPAWN_FAILED);
	assert_int_equal(c.res[4].code, ENOENT);
	assert_int_equal(c.res[5].outcome, NOTIFY_EXITED);
	assert_int_equal(c.res[5].code, 0);
	assert_int_equal(c.res[5].seq, 6);
	assert_stats(&c, 6, 1, 5, 0, 0, 0, false);
	ctx_fini(&c);
}

static void
test_output_tail(void **state)
{
	char want[8192];
	size_t n = 0;
	struct ctx c;
	int i;

	(void)state;
	for (i = 0; i < 100; i++)
		n += (size_t)snprintf(want + n, sizeof(want) - n,
		    "line %d ..............................\n", i);
	n += (size_t)snprintf(want + n, sizeof(want) - n, "TAIL\n");
	ctx_init(&c, 2000);
	assert_int_equal(enq(&c, "notify", "VI_1", path("big.sh"), 0, 0, 0), 0);
	run(&c, 1, 3000);
	assert_int_equal(c.res[0].code, 1);
	assert_int_equal(c.res[0].outlen, NOTIFY_OUTPUT_MAX);
	assert_memory_equal(c.res[0].out, want + n - NOTIFY_OUTPUT_MAX,
	    NOTIFY_OUTPUT_MAX);
	ctx_fini(&c);
}

static void
test_environment_and_fds(void **state)
{
	char *envx[] = { "VIPD_STATE=MASTER", "X=a b", NULL };
	char *envv[] = { "/usr/bin/env", NULL };
	char fdpath[64];
	struct ctx c;
	int leak;

	(void)state;
	setenv("VIPD_LEAK", "1", 1);
	leak = open("/dev/null", O_RDONLY);	/* no O_CLOEXEC on purpose */
	assert_true(leak > 2);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", leak);
	ctx_init(&c, 2000);
	assert_int_equal(notify_enqueue(c.n, "notify", "VI_7", envv, envx), 0);
	assert_int_equal(enq(&c, "notify", "VI_7", "/usr/bin/readlink",
	    "/proc/self/fd/0", NULL, NULL), 0);
	assert_int_equal(enq(&c, "notify", "VI_7", "/usr/bin/test", "-e",
	    fdpath, NULL), 0);
	run(&c, 3, 3000);
	assert_string_equal(c.res[0].out, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"
	    "VIPD_SEQ=1\nVIPD_INSTANCE=VI_7\nVIPD_STATE=MASTER\nX=a b\n");
	assert_string_equal(c.res[1].out, "/dev/null\n");
	assert_int_equal(c.res[2].code, 1);	/* fd not inherited */
	close(leak);
	unsetenv("VIPD_LEAK");
	ctx_fini(&c);
}

static void
test_transition(void **state)
{
	char *file = path("trans.out");
	char *spec[] = { path("args.sh"), file, "spec", NULL };
	char *gen[] = { path("args.sh"), file, "gen", NULL };
	struct notify_event ev = { "VI_1", "MASTER", 100, "higher prio" };
	struct notify_event stop = { "VI_2", "STOP", 0, NULL };
	struct ctx c;

	(void)state;
	ctx_init(&c, 2000);
	assert_int_equal(notify_transition(c.n, spec, gen, &ev), 0);
	assert_int_equal(notify_transition(c.n, NULL, gen, &stop), 0);
	ev.state = "BACKUP";
	assert_int_equal(notify_transition(c.n, spec, NULL, &ev), 0);
	assert_int_equal(notify_transition(c.n, NULL, NULL, &ev), 0);
	errno = 0;
	assert_int_equal(notify_transition(c.n, spec, gen, NULL), -1);
	assert_int_equal(errno, EINVAL);
	ev.state = "";
	assert_int_equal(notify_transition(c.n, spec, gen, &ev), -1);
	assert_int_equal(errno, EINVAL);
	run(&c, 4, 3000);
	assert_string_equal(slurp(file),
	    "spec|MASTER|100|higher prio|VI_1|1\n"
	    "gen INSTANCE VI_1 MASTER 100|MASTER|100|higher prio|VI_1|2\n"
	    "gen INSTANCE VI_2 STOP 0|STOP|0||VI_2|3\n"
	    "spec|BACKUP|100|higher prio|VI_1|4\n");
	assert_string_equal(c.res[0].label, "notify_master");
	assert_string_equal(c.res[1].label, "notify");
	assert_string_equal(c.res[2].label, "notify");
	assert_string_equal(c.res[3].label, "notify_backup");
	ctx_fini(&c);
}

static void
test_invalid_enqueue(void **state)
{
	char *rel[] = { "script.sh", NULL }, *empty[] = { NULL };
	char *ok[] = { "/bin/true", NULL };
	char longname[NOTIFY_NAME_MAX + 2];
	struct ctx c;

	(void)state;
	memset(longname, 'v', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ctx_init(&c, 2000);
	errno = 0;
	assert_int_equal(notify_enqueue(c.n, "x", "VI_1", rel, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(notify_enqueue(c.n, "x", "VI_1", empty, NULL), -1);
	assert_int_equal(notify_enqueue(c.n, "x", "VI_1", NULL, NULL), -1);
	assert_int_equal(notify_enqueue(c.n, NULL, "VI_1", ok, NULL), -1);
	assert_int_equal(notify_enqueue(c.n, "x", NULL, ok, NULL), -1);
	assert_int_equal(notify_enqueue(c.n, "x", longname, ok, NULL), -1);
	assert_int_equal(errno, EINVAL);
	longname[NOTIFY_NAME_MAX] = '\0';
	assert_int_equal(notify_enqueue(c.n, "x", longname, ok, NULL), 0);
	run(&c, 1, 2000);
	assert_stats(&c, 1, 1, 0, 0, 0, 0, false);
	assert_null(notify_new(NULL, 0));
	assert_int_equal(errno, EINVAL);
	notify_free(NULL);
	ctx_fini(&c);
}

/* Point stderr (the log) at file until restore_stderr. */
static void
test_queue_overflow_and_free(void **state)
{
	struct notify_event ev = { "VI_1", "FAULT", 0, "x" };
	char *pidfile = path("overflow.pid"), *log = path("overflow.log");
	char *spec[] = { "/bin/true", NULL };
	struct ctx c;
	long pid;
	int i, saved;

	(void)state;
	ctx_init(&c, 5000);
	saved = capture_stderr(log);
	assert_int_equal(enq(&c, "notify_master", "VI_1", path("pid.sh"),
	    pidfile, NULL, NULL), 0);
	for (i = 0; i < NOTIFY_QUEUE_MAX; i++)
		assert_int_equal(enq(&c, "notify", "VI_1", "/bin/true", NULL,
		    NULL, NULL), 0);
	errno = 0;
	assert_int_equal(enq(&c, "notify", "VI_2", "/bin/false", 0, 0, 0), -1);
	assert_int_equal(errno, ENOSPC);
	/* All or nothing: no room for even one of the transition's runs. */
	assert_int_equal(notify_transition(c.n, spec, spec, &ev), -1);
	assert_int_equal(errno, ENOSPC);
	assert_stats(&c, 0, 0, 0, 0, 3, NOTIFY_QUEUE_MAX, true);
	/* Let the child write its pid, then free with it still running. */
	for (i = 0; i < 200 && slurp(pidfile)[0] == '\0'; i++)
		usleep(10000);
	pid = strtol(slurp(pidfile), NULL, 10);
	assert_true(pid > 1);
	ctx_fini(&c);
	restore_stderr(saved);
	assert_true(pid_dead(pid));
	assert_int_equal(count(slurp(log), "): queue full"), 3);
	assert_int_equal(count(slurp(log), "): vipd is exiting"),
	    NOTIFY_QUEUE_MAX);
	/* Dropped runs use up their sequence numbers: scripts see gaps. */
	assert_int_equal(count(slurp(log), "\"/bin/false\" for VI_2 not run "
	    "(#258): queue full"), 1);
	assert_int_equal(count(slurp(log), "notify_fault \"/bin/true\" for "
	    "VI_1 not run (#259)"), 1);
	assert_int_equal(count(slurp(log), "notify \"/bin/true\" for VI_1 "
	    "not run (#260)"), 1);
	assert_int_equal(count(slurp(log), "for VI_1 not run (#257): vipd is "
	    "exiting"), 1);
	assert_int_equal(count(slurp(log), "killed at shutdown after"), 1);
	assert_int_equal(c.nres, 0);	/* the hook is gone by then */
}

static void
test_drain(void **state)
{
	char *file = path("drain.out");
	struct ctx c;
	uint64_t t0;
	int i;

	(void)state;
	ctx_init(&c, 200);
	/* No loop_run at all: drain runs everything, timeouts included. */
	assert_int_equal(enq(&c, "notify_stop", "VI_1", path("sleep.sh"),
	    NULL, NULL, NULL), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(enq(&c, "notify_stop", "VI_1",
		    path("append.sh"), i == 0 ? "a" : i == 1 ? "b" : "c", file,
		    NULL), 0);
	notify_drain(c.n, 5000);
	assert_int_equal(c.nres, 4);
	assert_int_equal(c.res[0].outcome, NOTIFY_TIMEOUT);
	assert_int_equal(c.res[0].code, SIGTERM);
	assert_string_equal(slurp(file),
	    "a start\na end\nb start\nb end\nc start\nc end\n");
	assert_stats(&c, 4, 3, 0, 1, 0, 0, false);
	ctx_fini(&c);

	/* The total bound: SIGKILL the running one, drop the rest. */
	unlink(file);
	ctx_init(&c, 10000);
	assert_int_equal(enq(&c, "notify_stop", "VI_1", path("stubborn.sh"),
	    NULL, NULL, NULL), 0);
	assert_int_equal(enq(&c, "notify_stop", "VI_1", path("append.sh"),
	    "x", file, NULL), 0);
	t0 = loop_now();
	notify_drain(c.n, 300);
	assert_true(loop_now() - t0 >= 300000 && loop_now() - t0 < 1500000);
	assert_int_equal(c.nres, 1);
	assert_int_equal(c.res[0].outcome, NOTIFY_TIMEOUT);
	assert_int_equal(c.res[0].code, SIGKILL);
	assert_true(c.res[0].limit);
	assert_string_equal(slurp(file), "");
	assert_stats(&c, 1, 0, 0, 1, 1, 0, false);
	/* The runner still works afterwards. */
	assert_int_equal(enq(&c, "notify_stop", "VI_1", path("append.sh"),
	    "y", file, NULL), 0);
	notify_drain(c.n, 2000);
	assert_string_equal(slurp(file), "y start\ny end\n");
	notify_drain(c.n, 2000);	/* idle: returns at once */
	assert_int_equal(c.nres, 2);
	ctx_fini(&c);
}

static void
test_log_lines(void **state)
{
	char *log = path("lines.log"), want[512], *s, *e;
	struct ctx c;
	int saved;

	(void)state;
	ctx_init(&c, 200);
	saved = capture_stderr(log);
	enq(&c, "notify_master", "VI_1", path("exit.sh"), "0", NULL, NULL);
	enq(&c, "notify_backup", "VI_2", path("exit.sh"), "3", "a b", NULL);
	enq(&c, "notify_fault", "VI_1", "/nonexistent/x", NULL, NULL, NULL);
	enq(&c, "notify", "VI_1", path("sleep.sh"), NULL, NULL, NULL);
	enq(&c, "notify", "VI_3", path("big.sh"), NULL, NULL, NULL);
	run(&c, 5, 3000);
	restore_stderr(saved);
	s = slurp(log);
	/* Long output: the tail that fits in one 1023-byte message. */
	assert_non_null(e = strstr(s, "for VI_3 exited 1 after "));
	assert_non_null(e = strstr(e, " ms; output: ..."));
	assert_non_null(e = strstr(e, "..............\\nTAIL\n"));
	while (e > s && e[-1] != '\n')
		e--;
	assert_int_equal(strchr(e, '\n') - e, 13 + 1023);	/* + stamp */
	snprintf(want, sizeof(want), "notify_master \"%s 0\" for VI_1 exited "
	    "0 after ", path("exit.sh"));
	assert_non_null(strstr(s, want));
	assert_null(strstr(s, "out:0"));	/* success: no output */
	snprintf(want, sizeof(want), "notify_backup \"%s 3 'a b'\" for VI_2 "
	    "exited 3 after ", path("exit.sh"));
	assert_non_null(strstr(s, want));
	assert_non_null(strstr(s, " ms; output: out:3\\nerr:3\n"));
	assert_non_null(strstr(s, "notify_fault \"/nonexistent/x\" for VI_1 "
	    "could not be started: No such file or directory\n"));
	snprintf(want, sizeof(want), "notify \"%s\" for VI_1 killed after "
	    "timeout (200 ms)\n", path("sleep.sh"));
	assert_non_null(strstr(s, want));
	ctx_fini(&c);
}

/*
 * Runs as other users, and enable_script_security, need root and a
 * root-owned directory outside /tmp (which is mode 1777): one in /run,
 * made for each test. "" when not root.
 */

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_one_at_a_time),
		cmocka_unit_test(test_timeout_then_next),
		cmocka_unit_test(test_per_instance_runners),
		cmocka_unit_test(test_timeout_escalates_to_sigkill),
		cmocka_unit_test(test_grandchild_killed),
		cmocka_unit_test(test_exit_codes_and_spawn_failures),
		cmocka_unit_test(test_output_tail),
		cmocka_unit_test(test_environment_and_fds),
		cmocka_unit_test(test_transition),
		cmocka_unit_test(test_invalid_enqueue),
		cmocka_unit_test(test_queue_overflow_and_free),
		cmocka_unit_test(test_drain),
		cmocka_unit_test(test_log_lines),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
