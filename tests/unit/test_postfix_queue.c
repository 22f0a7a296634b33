/* SPDX-License-Identifier: ISC */
/* Unit tests for the Postfix queue check: records, verdict, queue walk. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/loop.h"
#include "healthcheck/queue.h"
#include "postfix_fixture.h"

/* --- Queue file records --- */

/* Append a record with a varint length; returns the new end. */
static size_t
rec(uint8_t *b, size_t off, char type, const char *data, size_t len)
{
	size_t v = len;

	b[off++] = (uint8_t)type;
	do {
		b[off] = v & 0x7f;
		v >>= 7;
		b[off++] |= v != 0 ? 0x80 : 0;
	} while (v != 0);
	memcpy(b + off, data, len);
	return off + len;
}

/* The size record cleanup writes: six %15ld fields. */
#define C_DATA	"            431             625               1" \
		"               0             431               0"

static void
test_record_arrival(void **state)
{
	static const uint8_t zeros[20000];
	uint8_t b[40000];
	char pad[300];
	int64_t t = 0;
	size_t n;

	(void)state;
	n = rec(b, 0, 'C', S(C_DATA));
	assert_int_equal(n, 97);	/* as in a real incoming file */
	n = rec(b, n, 'T', S("1795852358 309820"));
	n = rec(b, n, 'A', S("create_time=1795852358"));
	assert_int_equal(hc_queue_record_arrival(b, n, &t), HC_QREC_OK);
	assert_int_equal(t, 1795852358);
	/* Maildrop: T first, seconds only. */
	n = rec(b, 0, 'T', S("42"));
	assert_int_equal(hc_queue_record_arrival(b, n, &t), HC_QREC_OK);
	assert_int_equal(t, 42);
	/* A 200-byte C record: two-byte length 0xc8 0x01. */
	memset(pad, ' ', sizeof(pad));
	n = rec(b, 0, 'C', pad, 200);
	assert_int_equal(b[1], 0xc8);
	assert_int_equal(b[2], 0x01);
	n = rec(b, n, 'T', S("1700000000 5"));
	assert_int_equal(hc_queue_record_arrival(b, n, &t), HC_QREC_OK);
	assert_int_equal(t, 1700000000);
	/* Only the first 256 bytes are read: a 300-byte C record. */
	n = rec(b, 0, 'C', pad, 300);
	n = rec(b, n, 'T', S("1"));
	assert_int_equal(hc_queue_record_arrival(b, 256, &t),
	    HC_QREC_TRUNCATED);
	assert_int_equal(hc_queue_record_arrival(b, n, &t), HC_QREC_OK);
	assert_int_equal(t, 1);
	/* Three-byte length 20000 beyond the buffer. */
	n = rec(b, 0, 'C', (const char *)zeros, sizeof(zeros));
	assert_int_equal(b[3] & 0x80, 0);
	assert_int_equal(hc_queue_record_arrival(b, 100, &t),
	    HC_QREC_TRUNCATED);
	assert_int_equal(t, 1);	/* untouched on error */
}

static void
test_record_errors(void **state)
{
	static const uint8_t longlen[] = { 'C', 0x80, 0x80, 0x80, 0x80, 0x80,
	    0x01 };
	static const uint8_t cutlen[] = { 'C', 0x80 };
	static const char *const bad[] = { "", "x1", "1x", "1 ", " 1", "1  2",
	    "1 2 3", "-1", "99999999999999999999", "1 1234567890" };
	uint8_t b[512] = { 0 };
	int64_t t = 7;
	size_t n, i;

	(void)state;
	assert_int_equal(hc_queue_record_arrival(b, 0, &t), HC_QREC_TRUNCATED);
	n = rec(b, 0, 'X', S("1"));
	assert_int_equal(hc_queue_record_arrival(b, n, &t), HC_QREC_NOTQUEUE);
	assert_int_equal(hc_queue_record_arrival(longlen, sizeof(longlen), &t),
	    HC_QREC_BADLEN);
	assert_int_equal(hc_queue_record_arrival(cutlen, sizeof(cutlen), &t),
	    HC_QREC_TRUNCATED);
	n = rec(b, 0, 'T', S("12345"));
	assert_int_equal(hc_queue_record_arrival(b, n - 1, &t),
	    HC_QREC_TRUNCATED);
	n = rec(b, 0, 'C', S("c"));
	assert_int_equal(hc_queue_record_arrival(b, n, &t), HC_QREC_TRUNCATED);
	n = rec(b, n, 'A', S("a=1"));
	n = rec(b, n, 'A', S("b=2"));
	n = rec(b, n, 'A', S("c=3"));
	n = rec(b, n, 'T', S("1"));
	assert_int_equal(hc_queue_record_arrival(b, n, &t), HC_QREC_NOTIME);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = rec(b, 0, 'C', S("c"));
		n = rec(b, n, 'T', S(bad[i]));
		assert_int_equal(hc_queue_record_arrival(b, n, &t),
		    HC_QREC_BADTIME);
	}
	assert_int_equal(t, 7);
	assert_string_equal(hc_qrec_strerror(HC_QREC_NOTQUEUE),
	    "not a queue file");
	assert_string_equal(hc_qrec_strerror(77), "unknown error");
	assert_string_equal(hc_queue_dirname(HC_QUEUE_CORRUPT), "corrupt");
	assert_null(hc_queue_dirname(HC_QUEUE_COUNT));
	assert_int_equal(hc_queue_lookup(S("hold")), HC_QUEUE_HOLD);
	assert_int_equal(hc_queue_lookup(S("defer")), -1);
}

/* --- Verdict --- */

static void
test_queue_verdict(void **state)
{
	struct hc_queue_limits lim;
	struct hc_queue_result r = { .oldest_incoming_age_s = -1,
	    .oldest_active_age_s = -1 };

	(void)state;
	hc_queue_limits_default(&lim);
	assert_int_equal(lim.max_incoming_age_s, 300);
	assert_int_equal(lim.max_active_age_s, 3600);
	assert_int_equal(lim.max_deferred, 0);
	r.count[HC_QUEUE_DEFERRED] = 100000;	/* no count limits by default */
	r.count[HC_QUEUE_INCOMING] = 2;
	r.oldest_incoming_age_s = 300;
	hc_queue_verdict(&lim, &r);
	assert_int_equal(r.cls, HC_OK);
	assert_string_equal(r.reason, "queue: maildrop 0, incoming 2, active 0,"
	    " deferred 100000, hold 0, corrupt 0");
	r.oldest_incoming_age_s = 412;
	r.oldest_active_age_s = 4000;
	hc_queue_verdict(&lim, &r);
	assert_int_equal(r.cls, HC_FAILED);
	assert_string_equal(r.reason,
	    "queue: oldest incoming message is 412 s old (limit 300 s)");
	r.cls = HC_OK;
	r.oldest_incoming_age_s = 1;
	hc_queue_verdict(&lim, &r);
	assert_int_equal(r.cls, HC_DEGRADED);
	assert_string_equal(r.reason,
	    "queue: oldest active message is 4000 s old (limit 3600 s)");
	lim.max_active_age_s = 0;
	lim.max_deferred = 99999;
	hc_queue_verdict(&lim, &r);
	assert_string_equal(r.reason,
	    "queue: 100000 deferred messages (limit 99999)");
	lim.max_deferred = 0;
	lim.max_hold = 1;
	r.count[HC_QUEUE_HOLD] = 2;
	hc_queue_verdict(&lim, &r);
	assert_string_equal(r.reason, "queue: 2 held messages (limit 1)");
	lim.max_hold = 2;
	lim.max_corrupt = 1;
	r.count[HC_QUEUE_CORRUPT] = 3;
	hc_queue_verdict(&lim, &r);
	assert_int_equal(r.cls, HC_DEGRADED);
	assert_string_equal(r.reason, "queue: 3 corrupt files (limit 1)");
	/* A failed scan keeps its own reason. */
	r.cls = HC_FAILED;
	strcpy(r.reason, "queue: cannot read x: y");
	hc_queue_verdict(&lim, &r);
	assert_string_equal(r.reason, "queue: cannot read x: y");
}

/* --- Queue walk over a hand-made tree --- */

static int64_t
wall_now(void)
{
	return (int64_t)time(NULL);
}

/*
 * A queue file: C + T records (T = now - age) or, with age < 0, junk.
 * mtime_age >= 0 sets the mtime that far back. maildrop: T record only.
 */
static void
qfile(const char *root, const char *rel, mode_t mode, int64_t age,
    int64_t mtime_age, int maildrop)
{
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, 0 } };
	uint8_t b[256];
	char p[512], t[64];
	size_t n = 0;
	int fd;

	snprintf(t, sizeof(t), "%lld 123456", (long long)(wall_now() - age));
	if (age < 0)
		n = rec(b, 0, 'Z', S("junk"));
	else if (maildrop)
		n = rec(b, 0, 'T', S(t));
	else
		n = rec(b, rec(b, 0, 'C', S(C_DATA)), 'T', S(t));
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_true((fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0);
	assert_int_equal(write(fd, b, n), (ssize_t)n);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	if (mtime_age >= 0) {
		ts[1].tv_sec = (time_t)(wall_now() - mtime_age);
		assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	}
}

static void
build_tree(char *root)
{
	char p[512], q[512];

	make_dirs(root);
	qfile(root, "maildrop/M1", 0744, 5, -1, 1);	/* postdrop's mode */
	qfile(root, "maildrop/M2", 0600, 5, -1, 1);
	qfile(root, "incoming/I1", 0700, 400, -1, 0);
	qfile(root, "incoming/I2", 0700, 10, -1, 0);
	qfile(root, "incoming/I3", 0600, 10000, -1, 0);	/* being written */
	qfile(root, "incoming/I4", 0700, -1, 50, 0);	/* no T: mtime */
	qfile(root, "active/A1", 0700, 30, 5000, 0);	/* T beats mtime */
	qfile(root, "deferred/8/D1", 0700, 1, -1, 0);
	qfile(root, "deferred/8/D2", 0700, 1, -1, 0);
	qfile(root, "deferred/8/D3", 0600, 1, -1, 0);
	qfile(root, "deferred/F/D4", 0700, 1, -1, 0);
	qfile(root, "hold/H1", 0700, 99999, -1, 0);
	qfile(root, "hold/H2", 0710, 99999, -1, 0);	/* not 0700 & 0733 */
	qfile(root, "defer/8/D1", 0700, 1, -1, 0);	/* never counted */
	qfile(root, "bounce/B1", 0700, 99999, -1, 0);
	qfile(root, "trace/T1", 0700, 99999, -1, 0);
	qfile(root, "flush/F1", 0700, 99999, -1, 0);
	snprintf(p, sizeof(p), "%s/active/fifo", root);
	assert_int_equal(mkfifo(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/active/link", root);
	snprintf(q, sizeof(q), "%s/hold/H1", root);
	assert_int_equal(symlink(q, p), 0);
}

static void
test_queue_scan(void **state)
{
	static const uint32_t count[] = { 1, 3, 1, 3, 1, 0 };
	static const uint32_t partial[] = { 1, 1, 0, 1, 1, 0 };
	struct hc_queue_limits lim;
	struct hc_queue_result r;
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, 0 } };
	char root[64], p[512];

	(void)state;
	build_tree(root);
	assert_int_equal(hc_queue_scan(root, wall_now(), &r), 0);
	assert_int_equal(r.cls, HC_OK);
	assert_memory_equal(r.count, count, sizeof(count));
	assert_memory_equal(r.partial, partial, sizeof(partial));
	assert_int_equal(r.oldest_incoming_age_s, 400);
	assert_int_equal(r.oldest_active_age_s, 30);
	assert_int_equal(r.no_arrival, 1);
	assert_true(r.latency_us > 0 && r.latency_us < 1000000);
	/* The junk file's mtime now makes it the oldest. */
	snprintf(p, sizeof(p), "%s/incoming/I4", root);
	ts[1].tv_sec = (time_t)(wall_now() - 900);
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	assert_int_equal(hc_queue_scan(root, wall_now(), &r), 0);
	assert_int_equal(r.oldest_incoming_age_s, 900);
	hc_queue_limits_default(&lim);
	hc_queue_verdict(&lim, &r);
	assert_int_equal(r.cls, HC_FAILED);
	assert_string_equal(r.reason,
	    "queue: oldest incoming message is 900 s old (limit 300 s)");
	/* A clock behind the arrival times gives age 0, not negative. */
	assert_int_equal(hc_queue_scan(root, 0, &r), 0);
	assert_int_equal(r.oldest_incoming_age_s, 0);
	rm_tree(root);
}

static void
test_queue_scan_errors(void **state)
{
	struct hc_queue_result r;
	char root[64], p[512], q[512], want[600];

	(void)state;
	build_tree(root);
	snprintf(p, sizeof(p), "%s/corrupt", root);
	snprintf(q, sizeof(q), "%s/corrupt.away", root);
	assert_int_equal(rename(p, q), 0);
	assert_int_equal(hc_queue_scan(root, wall_now(), &r), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(r.cls, HC_FAILED);
	snprintf(want, sizeof(want), "queue: cannot read %s/corrupt: No such "
	    "file or directory", root);
	assert_string_equal(r.reason, want);
	assert_int_equal(rename(q, p), 0);
	/* A queue that is a file. */
	snprintf(p, sizeof(p), "%s/hold", root);
	rm_tree(p);
	assert_true(creat(p, 0700) >= 0);
	assert_int_equal(hc_queue_scan(root, wall_now(), &r), -1);
	snprintf(want, sizeof(want), "queue: cannot read %s/hold: Not a "
	    "directory", root);
	assert_string_equal(r.reason, want);
	assert_int_equal(hc_queue_scan("/nonexistent/q", 0, &r), -1);
	assert_string_equal(r.reason, "queue: cannot read /nonexistent/q: "
	    "No such file or directory");
	rm_tree(root);
}

/* Unreadable incoming: as nobody when root (root ignores modes). */
static void
test_queue_scan_eacces(void **state)
{
	struct hc_queue_result r;
	char root[64], p[512], want[600], got[600] = "";
	int fd[2], st;
	ssize_t n;
	pid_t pid;

	(void)state;
	build_tree(root);
	snprintf(p, sizeof(p), "%s/maildrop", root);
	assert_int_equal(chmod(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/incoming", root);
	assert_int_equal(chmod(p, geteuid() == 0 ? 0700 : 0), 0);
	assert_int_equal(pipe(fd), 0);
	if ((pid = fork()) == 0) {
		if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
			_exit(2);
		st = hc_queue_scan(root, 0, &r) == -1 && errno == EACCES;
		n = write(fd[1], r.reason, strlen(r.reason));
		_exit(n > 0 && st ? 0 : 1);
	}
	close(fd[1]);
	n = read(fd[0], got, sizeof(got) - 1);
	close(fd[0]);
	assert_true(n > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	snprintf(want, sizeof(want), "queue: cannot read %s/incoming: "
	    "Permission denied", root);
	assert_string_equal(got, want);
	assert_int_equal(chmod(p, 0700), 0);
	rm_tree(root);
}

struct qctx {
	struct loop *l;
	struct hc_queue *q;
	int n;
	enum hc_class first;
	struct hc_queue_result last;
	uint64_t start, tripped;
};

static void
qcb(const struct hc_queue_result *r, void *arg)
{
	struct qctx *c = arg;

	if (c->n++ == 0)
		c->first = r->cls;
	c->last = *r;
	if (r->cls != HC_OK) {
		c->tripped = loop_now() - c->start;
		hc_queue_stop(c->q);	/* from inside the callback */
		c->q = NULL;
		loop_stop(c->l);
	}
}

static void
test_queue_periodic(void **state)
{
	struct hc_queue_limits lim = { .max_incoming_age_s = 1 };
	struct qctx c = { 0 };
	struct loop_timer g;
	char root[64];

	(void)state;
	make_dirs(root);
	qfile(root, "incoming/NEW", 0700, 0, -1, 0);
	c.l = loop_new();
	assert_non_null(c.l);
	c.start = loop_now();
	c.q = hc_queue_start(c.l, root, &lim, NULL, 200000, qcb, &c);
	assert_non_null(c.q);
	loop_timer_init(&g, guard, c.l);
	loop_timer_set(c.l, &g, c.start + 5000000);
	assert_int_equal(loop_run(c.l), 0);
	assert_null(c.q);
	assert_int_equal(c.first, HC_OK);
	assert_true(c.n >= 3);
	assert_int_equal(c.last.cls, HC_FAILED);
	assert_string_equal(c.last.reason,
	    "queue: oldest incoming message is 2 s old (limit 1 s)");
	assert_true(c.tripped >= 1000000 && c.tripped < 3500000);
	loop_timer_cancel(c.l, &g);
	assert_null(hc_queue_start(c.l, "/", NULL, NULL, 0, qcb, &c));
	assert_int_equal(errno, EINVAL);
	loop_free(c.l);
	rm_tree(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_arrival),
		cmocka_unit_test(test_record_errors),
		cmocka_unit_test(test_queue_verdict),
		cmocka_unit_test(test_queue_scan),
		cmocka_unit_test(test_queue_scan_errors),
		cmocka_unit_test(test_queue_scan_eacces),
		cmocka_unit_test(test_queue_periodic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
