/* SPDX-License-Identifier: ISC */
/* Unit tests for the notify runner with real children: order, serialisation, timeouts, env, drain, users. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/log.h"
#include "agent/loop.h"
#include "agent/notify.h"
#include "agent/notify_cred.h"

/* Fixtures: tests may use /bin/sh; the runner itself never does. */
static const struct {
	const char *name, *body;
	mode_t mode;
} scripts[] = {
	{ "append.sh", "echo \"$1 start\" >>\"$2\"\n"
	    "[ -n \"$3\" ] && sleep \"$3\"\necho \"$1 end\" >>\"$2\"\n", 0755 },
	{ "exit.sh", "echo \"out:$1\"\necho \"err:$1\" >&2\nexit \"$1\"\n",
	    0755 },
	{ "sleep.sh", "sleep 10\n", 0755 },
	{ "stubborn.sh", "trap '' TERM\nsleep 10\n", 0755 },
	{ "gc.sh", "(trap '' TERM; exec sleep 30) &\necho $! >\"$1\"\n"
	    "sleep 30\n", 0755 },
	{ "pid.sh", "echo $$ >\"$1\"\nexec sleep 10\n", 0755 },
	{ "selfkill.sh", "kill -USR1 $$\nsleep 1\n", 0755 },
	{ "big.sh", "i=0\nwhile [ $i -lt 100 ]; do\n"
	    "echo \"line $i ..............................\"\n"
	    "i=$((i + 1))\ndone\necho TAIL >&2\nexit 1\n", 0755 },
	{ "args.sh", "f=$1\nshift\necho \"$*|$VIPD_STATE|$VIPD_PRIORITY|"
	    "$VIPD_REASON|$VIPD_INSTANCE|$VIPD_SEQ\" >>\"$f\"\n", 0755 },
	{ "noexec.sh", "exit 0\n", 0644 },
};

static char dir[64];

struct rec {
	uint64_t seq;
	char label[32], instance[32];
	enum notify_outcome outcome;
	int code;
	uint64_t ms;
	bool limit;
	size_t outlen;
	char out[NOTIFY_OUTPUT_MAX + 1];
};

struct ctx {
	struct loop *l;
	struct notify *n;
	struct rec res[16];
	int nres, want;
	bool expired;
	struct loop_timer guard;
};

static char *
path(const char *name)
{
	static char buf[8][384];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static int
setup_dir(void **state)
{
	size_t i;
	FILE *f;

	(void)state;
	log_init("test_notify", true, false);
	snprintf(dir, sizeof(dir), "/tmp/vipd-notify-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		if ((f = fopen(path(scripts[i].name), "w")) == NULL)
			return -1;
		fprintf(f, "#!/bin/sh\n%s", scripts[i].body);
		fclose(f);
		chmod(path(scripts[i].name), scripts[i].mode);
	}
	return 0;
}

static int
teardown_dir(void **state)
{
	struct dirent *de;
	DIR *d;

	(void)state;
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			unlink(path(de->d_name));
	closedir(d);
	return rmdir(dir);
}

static void
hook(const struct notify_result *r, void *arg)
{
	struct ctx *c = arg;
	struct rec *x;

	assert_true(c->nres < 16);
	x = &c->res[c->nres++];
	x->seq = r->seq;
	snprintf(x->label, sizeof(x->label), "%s", r->label);
	snprintf(x->instance, sizeof(x->instance), "%s", r->instance);
	x->outcome = r->outcome;
	x->code = r->code;
	x->ms = r->duration_us / 1000;
	x->limit = r->shutdown_limit;
	assert_true(r->output_len <= NOTIFY_OUTPUT_MAX);
	assert_int_equal(strlen(r->output), r->output_len);
	x->outlen = r->output_len;
	memcpy(x->out, r->output, r->output_len + 1);
	if (c->nres == c->want)
		loop_stop(c->l);
}

static void
guard_cb(struct loop_timer *t, uint64_t now, void *arg)
{
	struct ctx *c = arg;

	(void)t;
	(void)now;
	c->expired = true;
	loop_stop(c->l);
}

static void
ctx_init(struct ctx *c, uint32_t timeout_ms)
{
	memset(c, 0, sizeof(*c));
	c->l = loop_new();
	assert_non_null(c->l);
	c->n = notify_new(c->l, timeout_ms);
	assert_non_null(c->n);
	notify_set_hook(c->n, hook, c);
	loop_timer_init(&c->guard, guard_cb, c);
}

static void
ctx_fini(struct ctx *c)
{
	notify_free(c->n);
	loop_free(c->l);
}

/* Run the loop until want results arrived in total; fail after max_ms. */
static void
run(struct ctx *c, int want, uint32_t max_ms)
{
	c->want = want;
	loop_timer_set(c->l, &c->guard, loop_now() + max_ms * 1000ull);
	if (c->nres < want)
		assert_int_equal(loop_run(c->l), 0);
	loop_timer_cancel(c->l, &c->guard);
	assert_false(c->expired);
	assert_int_equal(c->nres, want);
}

static char *
slurp(const char *file)
{
	static char buf[64 * 1024];
	ssize_t n = -1;
	int fd;

	buf[0] = '\0';
	if ((fd = open(file, O_RDONLY)) >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static int
enq(struct ctx *c, const char *label, const char *inst, const char *a0,
    const char *a1, const char *a2, const char *a3)
{
	char *argv[] = { (char *)a0, (char *)a1, (char *)a2, (char *)a3, NULL };

	return notify_enqueue(c->n, label, inst, argv, NULL);
}

static void
assert_stats(struct ctx *c, uint64_t runs, uint64_t ok, uint64_t failed,
    uint64_t timeouts, uint64_t dropped, size_t queued, bool running)
{
	struct notify_stats st;

	notify_get_stats(c->n, &st);
	assert_int_equal(st.runs, runs);
	assert_int_equal(st.ok, ok);
	assert_int_equal(st.failed, failed);
	assert_int_equal(st.timeouts, timeouts);
	assert_int_equal(st.dropped, dropped);
	assert_int_equal(st.queued, queued);
	assert_int_equal(st.running, running);
}

/* Dead: gone from /proc, or a zombie waiting for its new parent. */
static bool
pid_dead(long pid)
{
	char p[64], *s;
	int i;

	for (i = 0; i < 200; i++) {
		snprintf(p, sizeof(p), "/proc/%ld/stat", pid);
		s = slurp(p);
		if (s[0] == '\0')
			return true;
		if ((s = strrchr(s, ')')) != NULL && s[2] == 'Z')
			return true;
		usleep(10000);
	}
	return false;
}

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
static int
capture_stderr(const char *file)
{
	int saved = dup(2), fd;

	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	return saved;
}

static void
restore_stderr(int saved)
{
	dup2(saved, 2);
	close(saved);
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

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
static char safe[64];

static char *
in_safe(const char *rel)
{
	static char buf[8][384];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", safe, rel);
	return buf[i];
}

static void
write_script(const char *file, const char *body, mode_t mode)
{
	FILE *f = fopen(file, "w");

	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s", body);
	fclose(f);
	assert_int_equal(chmod(file, mode), 0);
}

static int
safe_setup(void **state)
{
	(void)state;
	safe[0] = '\0';
	if (geteuid() != 0)
		return 0;
	snprintf(safe, sizeof(safe), "/run/vipd-notify-XXXXXX");
	if (mkdtemp(safe) == NULL || chmod(safe, 0755) < 0 ||
	    mkdir(in_safe("out"), 0755) < 0 || chmod(in_safe("out"), 01777))
		return -1;
	return 0;
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static int
safe_teardown(void **state)
{
	(void)state;
	if (safe[0] == '\0')
		return 0;
	return nftw(safe, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
test_cred_run_as_user(void **state)
{
	gid_t groups[] = { 65534, 4, 20 };
	struct notify_cred cred, manual = { 65534, 65534, groups, 3, false };
	char *ids = in_safe("ids.sh"), err[128];
	struct stat st;
	struct ctx c;

	(void)state;
	if (safe[0] == '\0')
		skip();
	write_script(ids, "{ id -u; id -g; id -G; } >\"$1\"\n", 0755);
	ctx_init(&c, 2000);
	assert_int_equal(notify_cred_resolve("nobody", NULL, false, &cred, err,
	    sizeof(err)), 0);
	assert_int_equal(notify_set_cred(c.n, &cred), 0);
	notify_cred_free(&cred);	/* the runner keeps its own copy */
	assert_int_equal(enq(&c, "notify_master", "VI_1", ids,
	    in_safe("out/a"), NULL, NULL), 0);
	run(&c, 1, 3000);
	assert_int_equal(c.res[0].outcome, NOTIFY_EXITED);
	assert_int_equal(c.res[0].code, 0);
	/* Root's group 0 is gone: the supplementary groups were set. */
	assert_string_equal(slurp(in_safe("out/a")), "65534\n65534\n65534\n");
	assert_int_equal(stat(in_safe("out/a"), &st), 0);
	assert_int_equal(st.st_uid, 65534);
	assert_int_equal(st.st_gid, 65534);
	assert_int_equal(notify_set_cred(c.n, &manual), 0);
	assert_int_equal(enq(&c, "notify_master", "VI_1", ids,
	    in_safe("out/b"), NULL, NULL), 0);
	run(&c, 2, 3000);
	assert_string_equal(slurp(in_safe("out/b")), "65534\n65534\n"
	    "65534 4 20\n");
	/* Back to our own ids. */
	assert_int_equal(notify_set_cred(c.n, NULL), 0);
	assert_int_equal(enq(&c, "notify_master", "VI_1", ids,
	    in_safe("out/c"), NULL, NULL), 0);
	run(&c, 3, 3000);
	assert_int_equal(stat(in_safe("out/c"), &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_stats(&c, 3, 3, 0, 0, 0, 0, false);
	ctx_fini(&c);
}

static void
test_cred_switch_fails(void **state)
{
	struct notify_cred cred = { 65534, 65534, NULL, 65537, false };
	struct ctx c;

	(void)state;
	if (safe[0] == '\0')
		skip();
	/* More groups than the kernel takes: setgroups fails in the child. */
	cred.groups = calloc(cred.ngroups, sizeof(gid_t));
	assert_non_null(cred.groups);
	ctx_init(&c, 2000);
	assert_int_equal(notify_set_cred(c.n, &cred), 0);
	free(cred.groups);
	assert_int_equal(enq(&c, "notify", "VI_1", "/bin/true", 0, 0, 0), 0);
	assert_int_equal(c.nres, 1);
	assert_int_equal(c.res[0].outcome, NOTIFY_SPAWN_FAILED);
	assert_int_equal(c.res[0].code, EINVAL);
	assert_stats(&c, 1, 0, 1, 0, 0, 0, false);
	ctx_fini(&c);
}

static void
test_script_security(void **state)
{
	char *ww = in_safe("ww"), *s = in_safe("ww/s.sh"), *log = path("sec.log");
	char *slow = in_safe("slow.sh"), err[128], want[512];
	struct notify_cred root, nobody, lax;
	struct ctx c;
	int saved;

	(void)state;
	if (safe[0] == '\0')
		skip();
	assert_int_equal(mkdir(ww, 0755), 0);
	assert_int_equal(chmod(ww, 01777), 0);
	write_script(s, "exit 0\n", 0755);
	write_script(slow, "sleep 0.1\n", 0755);
	assert_int_equal(notify_cred_resolve("root", NULL, true, &root, err,
	    sizeof(err)), 0);
	assert_int_equal(notify_cred_resolve("nobody", NULL, true, &nobody,
	    err, sizeof(err)), 0);
	assert_int_equal(notify_cred_resolve("root", NULL, false, &lax, err,
	    sizeof(err)), 0);
	ctx_init(&c, 2000);
	assert_int_equal(notify_set_cred(c.n, &root), 0);
	saved = capture_stderr(log);
	/* Refused at once when idle, like a script that cannot start. */
	assert_int_equal(enq(&c, "notify_master", "VI_1", s, 0, 0, 0), 0);
	assert_int_equal(c.nres, 1);
	assert_int_equal(c.res[0].outcome, NOTIFY_REFUSED);
	assert_int_equal(c.res[0].code, EPERM);
	assert_int_equal(c.res[0].ms, 0);
	snprintf(want, sizeof(want), "%s is writable by others (uid 0, mode "
	    "1777)", ww);
	assert_string_equal(c.res[0].out, want);
	assert_stats(&c, 1, 0, 1, 0, 0, 0, false);
	/* And when its turn comes after another run. */
	assert_int_equal(enq(&c, "notify_backup", "VI_1", slow, 0, 0, 0), 0);
	assert_int_equal(enq(&c, "notify_backup", "VI_2", s, 0, 0, 0), 0);
	assert_int_equal(enq(&c, "notify", "VI_1", in_safe("none"), 0, 0, 0),
	    0);
	run(&c, 4, 3000);
	assert_int_equal(c.res[1].outcome, NOTIFY_EXITED);
	assert_int_equal(c.res[2].outcome, NOTIFY_REFUSED);
	assert_string_equal(c.res[2].instance, "VI_2");
	assert_int_equal(c.res[3].outcome, NOTIFY_SPAWN_FAILED);
	assert_int_equal(c.res[3].code, ENOENT);
	/* Safe once the directory is root's alone. */
	assert_int_equal(chmod(ww, 0755), 0);
	assert_int_equal(enq(&c, "notify_master", "VI_1", s, 0, 0, 0), 0);
	run(&c, 5, 3000);
	assert_int_equal(c.res[4].outcome, NOTIFY_EXITED);
	assert_int_equal(c.res[4].code, 0);
	/* Not root, or no enable_script_security: not vetted. */
	assert_int_equal(chmod(ww, 01777), 0);
	assert_int_equal(notify_set_cred(c.n, &nobody), 0);
	assert_int_equal(enq(&c, "notify_master", "VI_1", s, 0, 0, 0), 0);
	assert_int_equal(notify_set_cred(c.n, &lax), 0);
	assert_int_equal(enq(&c, "notify_master", "VI_1", s, 0, 0, 0), 0);
	run(&c, 7, 3000);
	restore_stderr(saved);
	assert_int_equal(c.res[5].outcome, NOTIFY_EXITED);
	assert_int_equal(c.res[6].outcome, NOTIFY_EXITED);
	assert_stats(&c, 7, 4, 3, 0, 0, 0, false);
	snprintf(want, sizeof(want), " notify_master \"%s\" for VI_1 refused "
	    "by enable_script_security: %s is writable by others (uid 0, mode "
	    "1777)\n", s, ww);
	assert_int_equal(count(slurp(log), want), 1);
	snprintf(want, sizeof(want), " notify_backup \"%s\" for VI_2 refused "
	    "by enable_script_security: %s is writable by others (uid 0, mode "
	    "1777)\n", s, ww);
	assert_int_equal(count(slurp(log), want), 1);
	notify_cred_free(&root);
	notify_cred_free(&nobody);
	notify_cred_free(&lax);
	ctx_fini(&c);
}

struct last {
	enum notify_outcome outcome;
	int code;
	char out[64];
};

static void
last_hook(const struct notify_result *r, void *arg)
{
	struct last *l = arg;

	l->outcome = r->outcome;
	l->code = r->code;
	snprintf(l->out, sizeof(l->out), "%s", r->output);
}

/* Run /usr/bin/id -u as cred; 0 when it printed want, else 1. */
static int
id_as(struct notify *n, const char *user, const char *want,
    enum notify_outcome oc, int code)
{
	char *argv[] = { "/usr/bin/id", "-u", NULL }, err[128];
	struct notify_cred cred;
	struct last l = { -1, -1, "" };

	if (notify_cred_resolve(user, NULL, false, &cred, err,
	    sizeof(err)) < 0 || notify_set_cred(n, &cred) < 0)
		return 1;
	notify_cred_free(&cred);
	notify_set_hook(n, last_hook, &l);
	if (notify_enqueue(n, "notify", "VI_1", argv, NULL) < 0)
		return 1;
	notify_drain(n, 2000);
	return l.outcome != oc || l.code != code || strcmp(l.out, want) != 0;
}

/* In a child that is nobody: no cmocka asserts there. */
static int
as_nobody(void)
{
	struct loop *l;
	struct notify *n;
	int rc = 0;

	if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
		return 10;
	if ((l = loop_new()) == NULL || (n = notify_new(l, 2000)) == NULL)
		return 11;
	/* Its own ids: kept, no setgroups (which would fail). */
	if (id_as(n, "nobody", "65534\n", NOTIFY_EXITED, 0) != 0)
		rc = 12;
	/* Another user: impossible without root. */
	else if (id_as(n, "root", "", NOTIFY_SPAWN_FAILED, EPERM) != 0)
		rc = 13;
	notify_free(n);
	loop_free(l);
	return rc;
}

static void
test_cred_without_root(void **state)
{
	pid_t pid;
	int st;

	(void)state;
	if (safe[0] == '\0')
		skip();
	fflush(NULL);
	if ((pid = fork()) == 0)
		_exit(as_nobody());
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_one_at_a_time),
		cmocka_unit_test(test_timeout_then_next),
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
		cmocka_unit_test_setup_teardown(test_cred_run_as_user,
		    safe_setup, safe_teardown),
		cmocka_unit_test_setup_teardown(test_cred_switch_fails,
		    safe_setup, safe_teardown),
		cmocka_unit_test_setup_teardown(test_script_security,
		    safe_setup, safe_teardown),
		cmocka_unit_test_setup_teardown(test_cred_without_root,
		    safe_setup, safe_teardown),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
