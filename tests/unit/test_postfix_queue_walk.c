/* SPDX-License-Identifier: ISC */
/* The resumable queue walk (bounded slices), wall-clock steps and monotonic ages. */
#include "postfix_fixture.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>

#include "healthcheck/queue.h"

#define NDEFERRED	3000
#define NINCOMING	40
#define NACTIVE		25
#define NHOLD		7

/* A queue file with a C and a T record, arrived age seconds ago. */
static void
qfile(const char *root, const char *rel, int64_t age)
{
	char p[512], t[64];
	uint8_t b[128];
	size_t n;
	int fd;

	n = (size_t)snprintf(t, sizeof(t), "%lld 0",
	    (long long)(time(NULL) - age));
	b[0] = 'C';
	b[1] = 1;
	b[2] = '0';
	b[3] = 'T';
	b[4] = (uint8_t)n;
	memcpy(b + 5, t, n);
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_true((fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0);
	assert_int_equal(write(fd, b, n + 5), (ssize_t)(n + 5));
	assert_int_equal(fchmod(fd, 0700), 0);
	close(fd);
}

/* Thousands of deferred files over hashed directories, and a few more. */
static void
big_tree(char *root)
{
	static const char hex[] = "0123456789ABCDEF";
	char rel[64];
	int i;

	make_dirs(root);
	for (i = 0; i < 16; i++) {
		if (hex[i] == '8' || hex[i] == 'F')
			continue;	/* make_dirs has them */
		snprintf(rel, sizeof(rel), "deferred/%c", hex[i]);
		mkd(root, rel);
	}
	for (i = 0; i < NDEFERRED; i++) {
		snprintf(rel, sizeof(rel), "deferred/%c/D%05d", hex[i % 16], i);
		qfile(root, rel, 10);
	}
	for (i = 0; i < NINCOMING; i++) {
		snprintf(rel, sizeof(rel), "incoming/I%d", i);
		qfile(root, rel, 100 + i);	/* oldest: 139 s */
	}
	for (i = 0; i < NACTIVE; i++) {
		snprintf(rel, sizeof(rel), "active/A%d", i);
		qfile(root, rel, 1000 + 2 * i);	/* oldest: 1048 s */
	}
	for (i = 0; i < NHOLD; i++) {
		snprintf(rel, sizeof(rel), "hold/H%d", i);
		qfile(root, rel, 5);
	}
}

static void
assert_same_counts(const struct hc_queue_result *a,
    const struct hc_queue_result *b)
{
	int q;

	for (q = 0; q < HC_QUEUE_COUNT; q++) {
		assert_int_equal(a->count[q], b->count[q]);
		assert_int_equal(a->partial[q], b->partial[q]);
	}
	assert_int_equal(a->oldest[0].arrival, b->oldest[0].arrival);
	assert_int_equal(a->oldest[1].arrival, b->oldest[1].arrival);
	assert_int_equal(a->oldest[0].ino, b->oldest[0].ino);
}

/* Every step stays within its entry budget; the totals are a full walk's. */
static void
test_walk_bounded(void **state)
{
	struct hc_queue_result full;
	struct hc_queue_walk *w;
	unsigned n, total = 0, steps = 0;
	char root[64];
	int rc;

	(void)state;
	big_tree(root);
	assert_int_equal(hc_queue_scan(root, time(NULL), &full), 0);
	assert_int_equal(full.count[HC_QUEUE_DEFERRED], NDEFERRED);
	assert_int_equal(full.count[HC_QUEUE_INCOMING], NINCOMING);
	assert_int_equal(full.count[HC_QUEUE_ACTIVE], NACTIVE);
	assert_int_equal(full.count[HC_QUEUE_HOLD], NHOLD);
	assert_true(full.oldest_incoming_age_s >= 139 &&
	    full.oldest_incoming_age_s <= 141);
	assert_non_null(w = hc_queue_walk_new(root));
	hc_queue_walk_begin(w);
	while ((rc = hc_queue_walk_step(w, 100, 0, &n)) == 0) {
		assert_true(n <= 100);
		assert_true(n > 0);
		total += n;
		steps++;
	}
	assert_int_equal(rc, 1);
	assert_true(n <= 100);
	total += n;
	/* Files plus the 16 hashed directories. */
	assert_int_equal(total, NDEFERRED + NINCOMING + NACTIVE + NHOLD + 16);
	assert_true(steps >= total / 100);
	assert_same_counts(hc_queue_walk_result(w), &full);
	assert_int_equal(hc_queue_walk_result(w)->slices, steps + 1);
	assert_int_equal(hc_queue_walk_result(w)->oldest_incoming_age_s, -1);
	assert_true(hc_queue_walk_result(w)->pass_us >=
	    hc_queue_walk_result(w)->latency_us);
	/* A second pass on the same walk gives the same. */
	hc_queue_walk_begin(w);
	while ((rc = hc_queue_walk_step(w, 777, 0, NULL)) == 0)
		;
	assert_int_equal(rc, 1);
	assert_same_counts(hc_queue_walk_result(w), &full);
	/* Stepping a finished pass is an error, not a new pass. */
	assert_int_equal(hc_queue_walk_step(w, 10, 0, NULL), -1);
	assert_int_equal(errno, EINVAL);
	hc_queue_walk_free(w);
	rm_tree(root);
}

/* A time budget stops a slice after at most one clock check's entries. */
static void
test_walk_time_budget(void **state)
{
	struct hc_queue_walk *w;
	unsigned n, total = 0;
	char root[64];
	int rc;

	(void)state;
	big_tree(root);
	assert_non_null(w = hc_queue_walk_new(root));
	hc_queue_walk_begin(w);
	/* 1 µs is always over after 16 entries: the clock is read then. */
	while ((rc = hc_queue_walk_step(w, UINT_MAX, 1, &n)) == 0) {
		assert_true(n <= 16);
		total += n;
	}
	assert_int_equal(rc, 1);
	total += n;
	assert_int_equal(total, NDEFERRED + NINCOMING + NACTIVE + NHOLD + 16);
	assert_int_equal(hc_queue_walk_result(w)->count[HC_QUEUE_DEFERRED],
	    NDEFERRED);
	hc_queue_walk_free(w);
	rm_tree(root);
}

/* Files and hashed directories that vanish mid-pass are no error; a
 * restarted pass forgets the abandoned one. */
static void
test_walk_changes(void **state)
{
	struct hc_queue_walk *w;
	char root[64], cmd[160];
	int rc;

	(void)state;
	big_tree(root);
	assert_non_null(w = hc_queue_walk_new(root));
	hc_queue_walk_begin(w);
	assert_int_equal(hc_queue_walk_step(w, 50, 0, NULL), 0);
	hc_queue_walk_begin(w);		/* abandon: counts start over */
	/* 100 entries: maildrop, incoming and active hold 65; the pass is
	 * inside deferred now. Remove every hashed directory under it. */
	assert_int_equal(hc_queue_walk_step(w, 50, 0, NULL), 0);
	assert_int_equal(hc_queue_walk_step(w, 50, 0, NULL), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s/deferred/*", root);
	assert_int_equal(system(cmd), 0);
	while ((rc = hc_queue_walk_step(w, 64, 0, NULL)) == 0)
		;
	assert_int_equal(rc, 1);
	assert_true(hc_queue_walk_result(w)->count[HC_QUEUE_DEFERRED] <
	    NDEFERRED / 8);
	assert_int_equal(hc_queue_walk_result(w)->count[HC_QUEUE_INCOMING],
	    NINCOMING);
	assert_int_equal(hc_queue_walk_result(w)->count[HC_QUEUE_ACTIVE],
	    NACTIVE);
	assert_int_equal(hc_queue_walk_result(w)->count[HC_QUEUE_HOLD], NHOLD);
	/* A queue directory that goes away is a failure with its path. */
	snprintf(cmd, sizeof(cmd), "rm -rf %s/hold", root);
	assert_int_equal(system(cmd), 0);
	hc_queue_walk_begin(w);
	while ((rc = hc_queue_walk_step(w, 64, 0, NULL)) == 0)
		;
	assert_int_equal(rc, -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(hc_queue_walk_result(w)->cls, HC_FAILED);
	assert_non_null(strstr(hc_queue_walk_result(w)->reason, "/hold: "));
	hc_queue_walk_free(w);
	rm_tree(root);
}

static void
test_clock_step(void **state)
{
	bool have = false;
	int64_t off = 0;
	const int64_t w0 = 1800000000000000;

	(void)state;
	assert_int_equal(hc_queue_clock_step(&have, &off, w0, 5000000), 0);
	assert_true(have);
	/* Both clocks advance alike, or a slew of 0.5 s: no step. */
	assert_int_equal(hc_queue_clock_step(&have, &off, w0 + 3000000,
	    8000000), 0);
	assert_int_equal(hc_queue_clock_step(&have, &off, w0 + 4500000 + 999999,
	    9500000), 0);
	/* NTP steps forward by an hour, then back by 2 s. */
	assert_int_equal(hc_queue_clock_step(&have, &off,
	    w0 + 3600000000 + 5000000, 10000000), 3600000000 - 999999);
	assert_int_equal(hc_queue_clock_step(&have, &off,
	    w0 + 3600000000 + 4000000, 11000000), -2000000);
	/* Re-baselined: the next pass sees no step. */
	assert_int_equal(hc_queue_clock_step(&have, &off,
	    w0 + 3600000000 + 5000000, 12000000), 0);
}

static void
test_age_anchor(void **state)
{
	struct hc_queue_anchor a = { 0 };
	struct hc_queue_oldest o = { true, 1000, 7, 42 }, none = { 0 };

	(void)state;
	/* First sight: the wall clock; then the monotonic one. */
	assert_int_equal(hc_queue_age(&a, &o, 1100, 50000000, 0), 100);
	assert_int_equal(hc_queue_age(&a, &o, 1110, 60000000, 0), 110);
	/* The wall clock jumps an hour ahead: the age does not. */
	assert_int_equal(hc_queue_age(&a, &o, 4720, 61000000, 3600), 111);
	assert_int_equal(hc_queue_age(&a, &o, 4730, 71000000, 0), 121);
	/* ...or back a day: still not. */
	assert_int_equal(hc_queue_age(&a, &o, 4730 - 86400, 81000000,
	    -86400), 131);
	/* Another file is the oldest now: wall age, never below zero. */
	o.ino = 43;
	assert_int_equal(hc_queue_age(&a, &o, 900, 82000000, 0), 0);
	assert_int_equal(hc_queue_age(&a, &o, 910, 92000000, 0), 10);
	/* Seen first in the pass that saw a step: taken to predate it. */
	o.ino = 44;
	assert_int_equal(hc_queue_age(&a, &o, 1000 + 3600 + 30, 93000000,
	    3600), 30);
	/* A renamed file keeps its identity (same ino and arrival). */
	assert_int_equal(hc_queue_age(&a, &o, 99999, 95000000, 0), 32);
	/* An empty queue forgets the anchor. */
	assert_int_equal(hc_queue_age(&a, &none, 5000, 96000000, 0), -1);
	assert_false(a.set);
	assert_int_equal(hc_queue_age(&a, &o, 1050, 97000000, 0), 50);
}

static void
test_hold_on_step(void **state)
{
	struct hc_queue_result r = { .cls = HC_FAILED };
	enum hc_class ok = HC_OK, failed = HC_FAILED;

	(void)state;
	strcpy(r.reason, "queue: oldest incoming message is 3700 s old "
	    "(limit 300 s)");
	hc_queue_hold_on_step(&r, 3600000000, &ok, "queue: maildrop 0");
	assert_int_equal(r.cls, HC_OK);
	assert_int_equal(r.clock_step_ms, 3600000);
	assert_string_equal(r.reason, "queue: maildrop 0 (wall clock stepped "
	    "by +3600 s; previous verdict held for one pass)");
	/* Not worse than before, or nothing before: the verdict stands. */
	r.cls = HC_FAILED;
	strcpy(r.reason, "x");
	hc_queue_hold_on_step(&r, -2000000, &failed, "y");
	assert_int_equal(r.cls, HC_FAILED);
	assert_string_equal(r.reason, "x");
	assert_int_equal(r.clock_step_ms, -2000);
	hc_queue_hold_on_step(&r, 5000000, NULL, "");
	assert_int_equal(r.cls, HC_FAILED);
	assert_string_equal(r.reason, "x");
	/* DEGRADED after OK is worse too. */
	r.cls = HC_DEGRADED;
	hc_queue_hold_on_step(&r, -7000000, &ok, "fine");
	assert_int_equal(r.cls, HC_OK);
	assert_string_equal(r.reason, "fine (wall clock stepped by -7 s; "
	    "previous verdict held for one pass)");
}

struct pctx {
	struct loop *l;
	struct hc_queue *q;
	struct hc_queue_result r;
	int n;
	uint64_t ticks, late_max;
	struct loop_timer tick;
};

static void
pcb(const struct hc_queue_result *r, void *arg)
{
	struct pctx *c = arg;

	c->r = *r;
	if (++c->n == 2)
		loop_stop(c->l);
}

/* A 1 ms ticker beside the check: the walk leaves it room. */
static void
ticker(struct loop_timer *t, uint64_t now, void *arg)
{
	struct pctx *c = arg;

	if (c->ticks++ > 0 && now - t->when > c->late_max)
		c->late_max = now - t->when;
	loop_timer_set(c->l, t, now + 1000);
}

/* The periodic check walks in many paced slices and reports full counts. */
static void
test_queue_paced(void **state)
{
	struct hc_queue_pace pace = { 64, 500, 1000 };
	struct pctx c = { 0 };
	struct loop_timer g;
	char root[64];

	(void)state;
	big_tree(root);
	assert_non_null(c.l = loop_new());
	assert_non_null(c.q = hc_queue_start(c.l, root, NULL, &pace, 100000,
	    pcb, &c));
	loop_timer_init(&c.tick, ticker, &c);
	loop_timer_set(c.l, &c.tick, loop_now() + 1000);
	loop_timer_init(&g, guard, c.l);
	loop_timer_set(c.l, &g, loop_now() + 20000000);
	assert_int_equal(loop_run(c.l), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.r.cls, HC_OK);
	assert_int_equal(c.r.count[HC_QUEUE_DEFERRED], NDEFERRED);
	assert_true(c.r.slices >= (NDEFERRED + NINCOMING) / 64);
	assert_true(c.r.oldest_active_age_s >= 1048 &&
	    c.r.oldest_active_age_s <= 1050);
	assert_true(c.r.finished.tv_sec > 0);
	assert_int_equal(c.r.clock_step_ms, 0);
	/* The ticker ran between slices (no timing bound: ASan, shared CPUs). */
	assert_true(c.ticks >= c.r.slices / 2);
	hc_queue_stop(c.q);
	loop_free(c.l);
	rm_tree(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_bounded),
		cmocka_unit_test(test_walk_time_budget),
		cmocka_unit_test(test_walk_changes),
		cmocka_unit_test(test_clock_step),
		cmocka_unit_test(test_age_anchor),
		cmocka_unit_test(test_hold_on_step),
		cmocka_unit_test(test_queue_paced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
