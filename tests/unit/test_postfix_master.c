/* SPDX-License-Identifier: ISC */
/* Unit tests for the Postfix master liveness check, with fake masters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/prctl.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/loop.h"
#include "healthcheck/master.h"
#include "postfix_fixture.h"

/* --- Master liveness --- */

static void
test_master_parse(void **state)
{
	static const char *const bad[] = { "", "\n", "abc", "0", "-5", "12 34",
	    "99999999999", "12x" };
	pid_t pid = 0;
	char st = 0;
	size_t i;

	(void)state;
	/* As Postfix writes it: "%*lu\n", 32 wide. */
	assert_true(hc_master_parse_pid(S("                           10795\n"),
	    &pid));
	assert_int_equal(pid, 10795);
	assert_true(hc_master_parse_pid(S("1"), &pid));
	assert_int_equal(pid, 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(hc_master_parse_pid(S(bad[i]), &pid));
	assert_int_equal(pid, 1);
	assert_true(hc_master_parse_state(S("10795 (master) S 1 10795"), &st));
	assert_int_equal(st, 'S');
	assert_true(hc_master_parse_state(S("7 (a) b) T 1"), &st));
	assert_int_equal(st, 'T');
	assert_false(hc_master_parse_state(S("7 (x)"), &st));
	assert_false(hc_master_parse_state(S("7 (x) "), &st));
	assert_false(hc_master_parse_state(S("7 (x"), &st));
	assert_false(hc_master_parse_state(S(""), &st));
}

static void
write_pidfile(const char *qdir, const char *text)
{
	char p[512], tmp[520];
	int fd;

	snprintf(p, sizeof(p), "%s/pid/master.pid", qdir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    close(fd) < 0 || rename(tmp, p) < 0)
		_exit(3);
}

/* A child named "master" that wrote its pid into qdir/pid/master.pid. */
static pid_t
fake_master(const char *qdir)
{
	char text[64], c;
	int fd[2];
	pid_t pid;

	assert_int_equal(pipe(fd), 0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		close(fd[0]);
		prctl(PR_SET_NAME, "master");
		snprintf(text, sizeof(text), "%32d\n", (int)getpid());
		write_pidfile(qdir, text);
		if (write(fd[1], "x", 1) != 1)
			_exit(4);
		for (;;)
			pause();
	}
	close(fd[1]);
	assert_int_equal(read(fd[0], &c, 1), 1);
	close(fd[0]);
	return pid;
}

struct mctx {
	struct loop *l;
	uint64_t poll_us;	/* 0: the interval */
	uid_t uid;		/* expected uid: ours + uid_off */
	int uid_off;
	const char *exe;	/* NULL: our own binary */
	struct hc_master *m;
	const char *qdir;
	int phase, n;
	pid_t pid[2];
	struct hc_master_result r;
	struct loop_timer killer;
	uint64_t killed_at, seen_after;
	bool slow;		/* start with the slow poll */
};

static void
expect(const struct hc_master_result *r, enum hc_class cls, pid_t pid,
    const char *what)
{
	char want[128];

	snprintf(want, sizeof(want), "postfix master (pid %d) %s", (int)pid,
	    what);
	assert_string_equal(r->reason, want);
	assert_int_equal(r->cls, cls);
	assert_int_equal(r->pid, pid);
}

static void
kill_now(struct loop_timer *t, uint64_t now, void *arg)
{
	struct mctx *c = arg;

	(void)t;
	c->killed_at = now;
	assert_int_equal(kill(c->pid[0], SIGKILL), 0);
}

/* Interval 10 s: only the pidfd can report the exit promptly. */
static void
exit_cb(const struct hc_master_result *r, void *arg)
{
	struct mctx *c = arg;

	if (c->n++ == 0) {
		expect(r, HC_OK, c->pid[0], "is running");
		loop_timer_set(c->l, &c->killer, loop_now() + 20000);
		return;
	}
	c->seen_after = loop_now() - c->killed_at;
	c->r = *r;
	loop_stop(c->l);
}

static struct loop *
master_loop(struct mctx *c, struct loop_timer *g, uint64_t interval,
    void (*cb)(const struct hc_master_result *, void *))
{
	assert_non_null(c->l = loop_new());
	loop_timer_init(g, guard, c->l);
	loop_timer_set(c->l, g, loop_now() + 5000000);
	char self[PATH_MAX];
	ssize_t n;
	struct hc_master_conf mc = { .interval_us = interval,
	    .poll_us = c->poll_us ? c->poll_us : interval,
	    .uid = geteuid() + (uid_t)c->uid_off, .exe = c->exe,
	    .fast = !c->slow };

	/* The fake masters are forks of this test binary. */
	assert_true((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) >
	    0);
	self[n] = '\0';
	if (mc.exe == NULL)
		mc.exe = self;
	assert_non_null(c->m = hc_master_start(c->l, c->qdir, &mc, cb, c));
	assert_int_equal(loop_run(c->l), 0);
	loop_timer_cancel(c->l, g);
	hc_master_stop(c->m);
	loop_free(c->l);
	return NULL;
}

static void
test_master_exit(void **state)
{
	struct mctx c = { 0 };
	struct loop_timer g;
	char root[64];

	(void)state;
	make_dirs(root);
	c.qdir = root;
	c.pid[0] = fake_master(root);
	loop_timer_init(&c.killer, kill_now, &c);
	master_loop(&c, &g, 10000000, exit_cb);
	assert_int_equal(waitpid(c.pid[0], NULL, 0), c.pid[0]);
	assert_int_equal(c.n, 2);
	expect(&c.r, HC_FAILED, c.pid[0], "exited");
	assert_int_equal(c.r.latency_us, 0);
	assert_true(c.seen_after < 500000);
	rm_tree(root);
}

/* Running, SIGSTOP, SIGCONT, SIGKILL, then a new master (restart). */
static void
life_cb(const struct hc_master_result *r, void *arg)
{
	struct mctx *c = arg;
	int st;

	c->n++;
	switch (c->phase++) {
	case 0:
		expect(r, HC_OK, c->pid[0], "is running");
		kill(c->pid[0], SIGSTOP);
		assert_int_equal(waitpid(c->pid[0], &st, WUNTRACED), c->pid[0]);
		break;
	case 1:
		expect(r, HC_FAILED, c->pid[0], "is stopped");
		kill(c->pid[0], SIGCONT);
		assert_int_equal(waitpid(c->pid[0], &st, WCONTINUED),
		    c->pid[0]);
		break;
	case 2:
		expect(r, HC_OK, c->pid[0], "is running");
		kill(c->pid[0], SIGKILL);
		break;
	case 3:
		expect(r, HC_FAILED, c->pid[0], "exited");
		assert_int_equal(waitpid(c->pid[0], &st, 0), c->pid[0]);
		c->pid[1] = fake_master(c->qdir);
		break;
	default:
		if (r->pid == c->pid[0])	/* a late look at the old one */
			break;
		expect(r, HC_OK, c->pid[1], "is running");
		loop_stop(c->l);
	}
}

static void
test_master_lifecycle(void **state)
{
	struct mctx c = { 0 };
	struct loop_timer g;
	char root[64];

	(void)state;
	make_dirs(root);
	c.qdir = root;
	c.pid[0] = fake_master(root);
	master_loop(&c, &g, 30000, life_cb);
	assert_true(c.phase >= 5);
	kill(c.pid[1], SIGKILL);
	assert_int_equal(waitpid(c.pid[1], NULL, 0), c.pid[1]);
	rm_tree(root);
}

static void
one_cb(const struct hc_master_result *r, void *arg)
{
	struct mctx *c = arg;

	c->r = *r;
	c->n++;
	hc_master_stop(c->m);	/* from inside the callback */
	c->m = NULL;
	loop_stop(c->l);
}

static void
one_check(const char *qdir, const char *pidtext, const char *want)
{
	struct mctx c = { .qdir = qdir };
	struct loop_timer g;

	if (pidtext != NULL)
		write_pidfile(qdir, pidtext);
	master_loop(&c, &g, 1000000, one_cb);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.r.cls, HC_FAILED);
	assert_string_equal(c.r.reason, want);
	assert_true(c.r.latency_us < 1000000);
}

static void
test_master_absent(void **state)
{
	char root[64], text[64], want[600], comm[32] = "";
	pid_t dead;
	FILE *f;

	(void)state;
	make_dirs(root);
	snprintf(want, sizeof(want), "no postfix master: %s/pid/master.pid: "
	    "No such file or directory", root);
	one_check(root, NULL, want);
	snprintf(want, sizeof(want), "no postfix master: %s/pid/master.pid: "
	    "empty file", root);
	one_check(root, "", want);
	snprintf(want, sizeof(want), "no postfix master: %s/pid/master.pid: "
	    "not a pid", root);
	one_check(root, "   12ab\n", want);
	/* Our own pid: alive, but not called "master". */
	assert_non_null(f = fopen("/proc/self/comm", "r"));
	assert_non_null(fgets(comm, sizeof(comm), f));
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	snprintf(text, sizeof(text), "%32d\n", (int)getpid());
	snprintf(want, sizeof(want), "no postfix master: pid %d in "
	    "%s/pid/master.pid is \"%s\"", (int)getpid(), root, comm);
	one_check(root, text, want);
	if ((dead = fork()) == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	snprintf(text, sizeof(text), "%d\n", (int)dead);
	snprintf(want, sizeof(want), "postfix master (pid %d) is not running",
	    (int)dead);
	one_check(root, text, want);
	rm_tree(root);
}

static void
test_master_parse_owner(void **state)
{
	uid_t uid = 7;

	(void)state;
	assert_true(hc_master_parse_uid(S("Name:\tmaster\nUmask:\t0022\n"
	    "State:\tS (sleeping)\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n"),
	    &uid));
	assert_int_equal(uid, 0);
	assert_true(hc_master_parse_uid(S("Uid:\t102\t0\t0\t0\n"), &uid));
	assert_int_equal(uid, 102);
	/* "Uid:" only at a line start; digits required; no overflow. */
	assert_false(hc_master_parse_uid(S("Name:\tUid: 0\n"), &uid));
	assert_false(hc_master_parse_uid(S("Uid:\t\n"), &uid));
	assert_false(hc_master_parse_uid(S("Uid:\t12x\n"), &uid));
	assert_false(hc_master_parse_uid(S("Uid:\t99999999999\t0\n"), &uid));
	assert_false(hc_master_parse_uid(S(""), &uid));
	assert_false(hc_master_parse_uid(S("Gid:\t0\n"), &uid));
	assert_int_equal(uid, 102);
	assert_true(hc_master_exe_is(S("/usr/lib/postfix/sbin/master"),
	    "/usr/lib/postfix/sbin/master"));
	/* Replaced by a package upgrade while running. */
	assert_true(hc_master_exe_is(S("/usr/lib/postfix/sbin/master "
	    "(deleted)"), "/usr/lib/postfix/sbin/master"));
	assert_false(hc_master_exe_is(S("/tmp/master"),
	    "/usr/lib/postfix/sbin/master"));
	assert_false(hc_master_exe_is(S("/usr/lib/postfix/sbin/master2"),
	    "/usr/lib/postfix/sbin/master"));
	assert_false(hc_master_exe_is(S("/usr/lib/postfix/sbin/master "
	    "(deletex)"), "/usr/lib/postfix/sbin/master"));
	assert_false(hc_master_exe_is(S("/usr/lib/postfix/sbin/maste"),
	    "/usr/lib/postfix/sbin/master"));
}

/* A process called "master" with the wrong uid or executable is not
 * Postfix's master (a stale master.pid naming a reused pid). */
static void
test_master_impostor(void **state)
{
	struct mctx c = { 0 };
	struct loop_timer g;
	char root[64], want[600];
	pid_t pid;

	(void)state;
	make_dirs(root);
	pid = fake_master(root);
	c.qdir = root;
	c.uid_off = 1;
	master_loop(&c, &g, 1000000, one_cb);
	snprintf(want, sizeof(want), "no postfix master: pid %d in "
	    "%s/pid/master.pid runs as uid %u, not %u", (int)pid, root,
	    (unsigned)geteuid(), (unsigned)geteuid() + 1);
	assert_string_equal(c.r.reason, want);
	assert_int_equal(c.r.cls, HC_FAILED);
	memset(&c, 0, sizeof(c));
	c.qdir = root;
	c.exe = "/usr/lib/postfix/sbin/master";
	master_loop(&c, &g, 1000000, one_cb);
	assert_int_equal(c.r.cls, HC_FAILED);
	snprintf(want, sizeof(want), "no postfix master: pid %d in "
	    "%s/pid/master.pid runs ", (int)pid, root);
	assert_memory_equal(c.r.reason, want, strlen(want));
	assert_non_null(strstr(c.r.reason, "test_postfix_master, not "
	    "/usr/lib/postfix/sbin/master"));
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	rm_tree(root);
}

/* Full checks every 10 s: only the poll can see SIGSTOP and SIGCONT. */
static void
poll_cb(const struct hc_master_result *r, void *arg)
{
	struct mctx *c = arg;
	int st;

	switch (c->phase++) {
	case 0:
		expect(r, HC_OK, c->pid[0], "is running");
		kill(c->pid[0], SIGSTOP);
		assert_int_equal(waitpid(c->pid[0], &st, WUNTRACED), c->pid[0]);
		c->killed_at = loop_now();
		break;
	case 1:
		c->seen_after = loop_now() - c->killed_at;
		expect(r, HC_FAILED, c->pid[0], "is stopped");
		kill(c->pid[0], SIGCONT);
		assert_int_equal(waitpid(c->pid[0], &st, WCONTINUED),
		    c->pid[0]);
		break;
	default:
		expect(r, HC_OK, c->pid[0], "is running");
		loop_stop(c->l);
	}
}

static void
test_master_poll(void **state)
{
	struct mctx c = { 0 };
	struct loop_timer g;
	char root[64];

	(void)state;
	make_dirs(root);
	c.qdir = root;
	c.poll_us = 5000;
	c.pid[0] = fake_master(root);
	master_loop(&c, &g, 10000000, poll_cb);
	assert_int_equal(c.phase, 3);
	/* Polled every 5 ms; 2 s of slack for a loaded, sanitized run. */
	assert_true(c.seen_after < 2000000);
	kill(c.pid[0], SIGKILL);
	assert_int_equal(waitpid(c.pid[0], NULL, 0), c.pid[0]);
	rm_tree(root);
}

/* The slow period: 100 ms, the full check's if shorter, never faster
 * than the fast one; no poll where the full check reads as often. */
static void
test_master_slow_period(void **state)
{
	(void)state;
	assert_int_equal(hc_master_slow_poll_us(10000, 100000), 100000);
	assert_int_equal(hc_master_slow_poll_us(10000, 10000000), 100000);
	assert_int_equal(hc_master_slow_poll_us(10000, 30000), 30000);
	assert_int_equal(hc_master_slow_poll_us(200000, 100000), 200000);
	assert_int_equal(hc_master_slow_poll_us(10000, 10000), 10000);
	assert_false(hc_master_poll_needed(100000, 100000));
	assert_false(hc_master_poll_needed(200000, 100000));
	assert_true(hc_master_poll_needed(10000, 100000));
}

/*
 * Slow poll (100 ms) and full checks every 10 s: a reread right after
 * SIGSTOP reports it before it returns; set_fast switches the period.
 */
static void
reread_cb(const struct hc_master_result *r, void *arg)
{
	struct mctx *c = arg;
	int st;

	switch (c->phase++) {
	case 0:
		expect(r, HC_OK, c->pid[0], "is running");
		assert_false(hc_master_is_fast(c->m));
		assert_int_equal(hc_master_poll_us(c->m), 100000);
		hc_master_reread(c->m);		/* unchanged: no callback */
		assert_int_equal(c->phase, 1);
		kill(c->pid[0], SIGSTOP);
		assert_int_equal(waitpid(c->pid[0], &st, WUNTRACED), c->pid[0]);
		hc_master_reread(c->m);
		assert_int_equal(c->phase, 2);	/* seen synchronously */
		kill(c->pid[0], SIGCONT);
		assert_int_equal(waitpid(c->pid[0], &st, WCONTINUED),
		    c->pid[0]);
		hc_master_set_fast(c->m, true);
		assert_true(hc_master_is_fast(c->m));
		assert_int_equal(hc_master_poll_us(c->m), 5000);
		c->killed_at = loop_now();
		break;
	case 1:
		expect(r, HC_FAILED, c->pid[0], "is stopped");
		break;
	default:
		/* The fast poll (re-armed at 5 ms) sees SIGCONT. */
		c->seen_after = loop_now() - c->killed_at;
		expect(r, HC_OK, c->pid[0], "is running");
		loop_stop(c->l);
	}
}

static void
test_master_reread(void **state)
{
	struct mctx c = { 0 };
	struct loop_timer g;
	char root[64];

	(void)state;
	make_dirs(root);
	c.qdir = root;
	c.poll_us = 5000;
	c.slow = true;
	c.pid[0] = fake_master(root);
	master_loop(&c, &g, 10000000, reread_cb);
	assert_int_equal(c.phase, 3);
	assert_true(c.seen_after < 2000000);
	kill(c.pid[0], SIGKILL);
	assert_int_equal(waitpid(c.pid[0], NULL, 0), c.pid[0]);
	rm_tree(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_master_parse),
		cmocka_unit_test(test_master_exit),
		cmocka_unit_test(test_master_lifecycle),
		cmocka_unit_test(test_master_absent),
		cmocka_unit_test(test_master_parse_owner),
		cmocka_unit_test(test_master_impostor),
		cmocka_unit_test(test_master_poll),
		cmocka_unit_test(test_master_slow_period),
		cmocka_unit_test(test_master_reread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
