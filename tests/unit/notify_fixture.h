/* SPDX-License-Identifier: ISC */
/* Shared fixtures of the notify runner tests: scripts, a loop context, helpers. */
#ifndef VIPD_TEST_NOTIFY_FIXTURE_H
#define VIPD_TEST_NOTIFY_FIXTURE_H

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

#include "lib/log.h"
#include "lib/loop.h"
#include "agent/notify.h"
#include "lib/cred.h"


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

static inline char *
path(const char *name)
{
	static char buf[8][384];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static inline int
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

static inline int
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

static inline void
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

static inline void
guard_cb(struct loop_timer *t, uint64_t now, void *arg)
{
	struct ctx *c = arg;

	(void)t;
	(void)now;
	c->expired = true;
	loop_stop(c->l);
}

static inline void
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

static inline void
ctx_fini(struct ctx *c)
{
	notify_free(c->n);
	loop_free(c->l);
}

/* Run the loop until want results arrived in total; fail after max_ms. */
static inline void
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

static inline char *
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

static inline int
enq(struct ctx *c, const char *label, const char *inst, const char *a0,
    const char *a1, const char *a2, const char *a3)
{
	char *argv[] = { (char *)a0, (char *)a1, (char *)a2, (char *)a3, NULL };

	return notify_enqueue(c->n, label, inst, argv, NULL);
}

static inline void
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
static inline bool
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


static inline int
capture_stderr(const char *file)
{
	int saved = dup(2), fd;

	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	return saved;
}

static inline void
restore_stderr(int saved)
{
	dup2(saved, 2);
	close(saved);
}

static inline int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

#endif
