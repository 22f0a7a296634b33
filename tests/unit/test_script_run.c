/* SPDX-License-Identifier: ISC */
/* Unit tests for the vrrp_script runner: exit status, timeout kills the process group, no overlapping runs, inotify track_file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "healthcheck/script.h"
#include "healthcheck/trackfile.h"
#include "lib/loop.h"

struct ctx {
	struct loop *loop;
	int runs, ok;
	char reason[256];
	int stop_after;
	int64_t value;
};

static void
on_result(bool success, const char *reason, void *arg)
{
	struct ctx *c = arg;

	c->runs++;
	c->ok += success;
	snprintf(c->reason, sizeof(c->reason), "%s", reason);
	if (c->runs >= c->stop_after)
		loop_stop(c->loop);
}

static void
on_guard(struct loop_timer *t, uint64_t now, void *arg)
{
	(void)t;
	(void)now;
	loop_stop(arg);
}

/* Run the loop until the callbacks stop it, or @max_us passes. */
static uint64_t
run_for(struct loop *l, uint64_t max_us)
{
	struct loop_timer guard;
	uint64_t t0 = loop_now();

	loop_timer_init(&guard, on_guard, l);
	loop_timer_set(l, &guard, t0 + max_us);
	assert_int_equal(loop_run(l), 0);
	loop_timer_cancel(l, &guard);
	return loop_now() - t0;
}

static void
test_exit_status(void **state)
{
	char *ok[] = { "/bin/sh", "-c", "echo chatty; exit 0", NULL };
	char *bad[] = { "/bin/sh", "-c", "exit 3", NULL };
	struct ctx c = { .stop_after = 2 };
	struct hc_script *s;

	(void)state;
	assert_non_null(c.loop = loop_new());
	assert_non_null(s = hc_script_start(c.loop, ok, NULL, 20000, 1000000,
	    on_result, &c));
	run_for(c.loop, 5000000);
	assert_int_equal(c.runs, 2);
	assert_int_equal(c.ok, 2);
	assert_string_equal(c.reason, "script exited with status 0");
	hc_script_stop(s);
	c.runs = c.ok = 0;
	c.stop_after = 1;
	assert_non_null(s = hc_script_start(c.loop, bad, NULL, 20000, 1000000,
	    on_result, &c));
	run_for(c.loop, 5000000);
	assert_int_equal(c.ok, 0);
	assert_string_equal(c.reason, "script exited with status 3");
	hc_script_stop(s);
	loop_free(c.loop);
}

/*
 * A run past its timeout fails, and its whole process group goes: the
 * background sleep the script started is gone too.
 */
/* Dead: no such process, or a zombie its new parent has yet to reap. */
static bool
gone(int pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	bool dead = true;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return true;
	if (fgets(buf, sizeof(buf), f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL && p[1] == ' ')
		dead = p[2] == 'Z' || p[2] == 'X';
	fclose(f);
	return dead;
}

static void
test_timeout_kills_group(void **state)
{
	char pidfile[] = "/tmp/vipd-scr-XXXXXX", cmd[256];
	char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	struct ctx c = { .stop_after = 1 };
	struct hc_script *s;
	uint64_t took;
	FILE *f;
	int fd, bg = 0;

	(void)state;
	assert_true((fd = mkstemp(pidfile)) >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "sleep 30 & echo $! >%s; wait", pidfile);
	assert_non_null(c.loop = loop_new());
	assert_non_null(s = hc_script_start(c.loop, argv, NULL, 10000000,
	    200000, on_result, &c));
	took = run_for(c.loop, 10000000);
	assert_int_equal(c.runs, 1);
	assert_int_equal(c.ok, 0);
	assert_string_equal(c.reason, "script timed out after 0.200 s");
	/* SIGTERM at 0.2 s ends sh and its sleep: well under the 2 s grace. */
	assert_true(took >= 200000 && took < 2000000);
	assert_non_null(f = fopen(pidfile, "r"));
	assert_int_equal(fscanf(f, "%d", &bg), 1);
	fclose(f);
	unlink(pidfile);
	usleep(100000);
	assert_true(gone(bg));
	hc_script_stop(s);
	loop_free(c.loop);
}

/* A script slower than its interval never runs twice at once. */
static void
test_no_overlap(void **state)
{
	char dir[] = "/tmp/vipd-scr-XXXXXX", cmd[1024], log[64];
	char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	struct ctx c = { .stop_after = 3 };
	struct hc_script *s;
	char line[64];
	int starts = 0, overlaps = 0;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(log, sizeof(log), "%s/log", dir);
	snprintf(cmd, sizeof(cmd), "mkdir %s/lock || echo overlap >>%s; "
	    "echo start >>%s; sleep 0.15; rmdir %s/lock", dir, log, log, dir);
	assert_non_null(c.loop = loop_new());
	/* interval 20 ms, each run 150 ms */
	assert_non_null(s = hc_script_start(c.loop, argv, NULL, 20000,
	    5000000, on_result, &c));
	run_for(c.loop, 10000000);
	hc_script_stop(s);
	assert_int_equal(c.ok, 3);
	assert_non_null(f = fopen(log, "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		starts += !strcmp(line, "start\n");
		overlaps += !strcmp(line, "overlap\n");
	}
	fclose(f);
	assert_int_equal(starts, 3);
	assert_int_equal(overlaps, 0);
	unlink(log);
	rmdir(dir);
	loop_free(c.loop);
}

static void
test_cannot_run(void **state)
{
	char *argv[] = { "/nonexistent/check", NULL };
	struct ctx c = { .stop_after = 1 };
	struct hc_script *s;

	(void)state;
	assert_non_null(c.loop = loop_new());
	assert_non_null(s = hc_script_start(c.loop, argv, NULL, 1000000,
	    1000000, on_result, &c));
	run_for(c.loop, 5000000);
	assert_int_equal(c.runs, 1);
	assert_int_equal(c.ok, 0);
	assert_non_null(strstr(c.reason, "cannot run"));
	hc_script_stop(s);
	loop_free(c.loop);
}

/* track_file ------------------------------------------------------------ */

static void
on_value(int64_t v, const char *reason, void *arg)
{
	struct ctx *c = arg;

	(void)reason;
	c->value = v;
	c->runs++;
	loop_stop(c->loop);
}

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_trackfile_watch(void **state)
{
	char dir[] = "/tmp/vipd-trk-XXXXXX", path[256], tmp[256];
	struct ctx c = { 0 };
	struct hc_trackfile *t;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/maint", dir);
	snprintf(tmp, sizeof(tmp), "%s/maint.new", dir);
	assert_non_null(c.loop = loop_new());
	/* init_file writes the value when the file is missing */
	assert_non_null(t = hc_trackfile_start(c.loop, path, true, false, 5,
	    on_value, &c));
	assert_int_equal(c.runs, 1);
	assert_int_equal(c.value, 5);
	put(path, "12\n");
	run_for(c.loop, 2000000);
	assert_int_equal(c.value, 12);
	/* replaced by rename, as editors and scripts do */
	put(tmp, "0x20");
	assert_int_equal(rename(tmp, path), 0);
	run_for(c.loop, 2000000);
	assert_int_equal(c.value, 32);
	/* removed: 0 */
	assert_int_equal(unlink(path), 0);
	run_for(c.loop, 2000000);
	assert_int_equal(c.value, 0);
	hc_trackfile_stop(t);
	/* without overwrite an existing file is kept; with it, rewritten */
	put(path, "7");
	c.runs = 0;
	assert_non_null(t = hc_trackfile_start(c.loop, path, true, false, 1,
	    on_value, &c));
	assert_int_equal(c.value, 7);
	hc_trackfile_stop(t);
	assert_non_null(t = hc_trackfile_start(c.loop, path, true, true, 1,
	    on_value, &c));
	assert_int_equal(c.value, 1);
	hc_trackfile_stop(t);
	unlink(path);
	rmdir(dir);
	loop_free(c.loop);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_timeout_kills_group),
		cmocka_unit_test(test_no_overlap),
		cmocka_unit_test(test_cannot_run),
		cmocka_unit_test(test_trackfile_watch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
