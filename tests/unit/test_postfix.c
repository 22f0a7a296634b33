/* SPDX-License-Identifier: ISC */
/* Unit tests for the Postfix checks: main.cf, queue records, postqueue -j, queue walk, master liveness. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/loop.h"
#include "healthcheck/master.h"
#include "healthcheck/postfix_conf.h"
#include "healthcheck/postqueue.h"
#include "healthcheck/queue.h"

#define S(x)	(x), strlen(x)

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

/* --- postqueue -j lines --- */

#define PQ_EXAMPLE "{\"queue_name\": \"deferred\", \"queue_id\": " \
	"\"81060A72546\", \"arrival_time\": 1795848467, \"message_size\": " \
	"433, \"forced_expire\": false, \"sender\": \"t@client.test\", " \
	"\"recipients\": [{\"address\": \"r2@remote.example\", " \
	"\"delay_reason\": \"deferred transport\"}]}"

static const struct {
	const char *line;
	enum hc_pq_line want;
} pq_cases[] = {
	{ PQ_EXAMPLE, HC_PQ_LINE_OK },
	{ "{\"queue_name\":\"active\",\"arrival_time\":1795848000,\"message_"
	    "size\":10,\"future\":{\"x\":[1]},\"recipients\":[{\"address\":"
	    "\"a@b.example\"}]}", HC_PQ_LINE_OK },
	{ "{\"queue_name\":\"deferred\",\"arrival_time\":1795840000,"
	    "\"message_size\":-5}", HC_PQ_LINE_OK },
	{ "{\"queue_name\":\"hold\"}", HC_PQ_LINE_OK },	/* counted, not aged */
	{ "{\"queue_name\":\"weird\",\"arrival_time\":5}", HC_PQ_LINE_UNKNOWN },
	{ " \r", HC_PQ_LINE_EMPTY },
	{ "not json", HC_PQ_LINE_BROKEN },
	{ "[1,2]", HC_PQ_LINE_BROKEN },
	{ "{\"queue_id\":\"A\"}", HC_PQ_LINE_BROKEN },
	{ "{\"queue_name\":5}", HC_PQ_LINE_BROKEN },
	{ "{\"queue_name\": \"act", HC_PQ_LINE_BROKEN },
	/* Bad escapes and raw 8-bit from older Postfix: salvaged. */
	{ "{\"queue_name\" : \"incoming\", \"arrival_time\" :17, \"sender\": "
	    "\"\\uD800\xff\"}", HC_PQ_LINE_OK },
	{ "{\"queue_name\": \"maildrop\", \"sender\": \"\xff\"}",
	    HC_PQ_LINE_OK },
};

static void
test_pq_lines(void **state)
{
	static const uint32_t count[] = { 1, 1, 1, 2, 1, 0 };
	static const int64_t oldest[] = { 0, 17, 1795848000, 1795840000, 0, 0 };
	struct hc_pq_summary s;
	size_t i;

	(void)state;
	hc_pq_summary_init(&s);
	for (i = 0; i < sizeof(pq_cases) / sizeof(pq_cases[0]); i++)
		assert_int_equal(hc_pq_parse_line(&s, S(pq_cases[i].line)),
		    pq_cases[i].want);
	assert_int_equal(s.messages, 7);
	assert_int_equal(s.unknown_queue, 1);
	assert_int_equal(s.salvaged, 2);
	assert_int_equal(s.broken, 5);
	assert_memory_equal(s.count, count, sizeof(count));
	assert_memory_equal(s.oldest, oldest, sizeof(oldest));
	assert_int_equal(s.bytes[HC_QUEUE_DEFERRED], 433);
	assert_int_equal(s.bytes[HC_QUEUE_ACTIVE], 10);
	assert_int_equal(s.oldest_any, 5);
}

static void
test_pq_stream(void **state)
{
	static struct hc_pq_parser a, b;
	static char big[HC_PQ_LINE_MAX + 10];
	char all[2048];
	size_t n, i;

	(void)state;
	n = (size_t)snprintf(all, sizeof(all), "%s\n\n%s\ngarbage\n{\"queue_"
	    "name\":\"active\",\"arrival_time\":3}", PQ_EXAMPLE, PQ_EXAMPLE);
	hc_pq_parser_init(&a);
	hc_pq_parser_init(&b);
	hc_pq_parser_feed(&a, all, n);
	for (i = 0; i < n; i++)
		hc_pq_parser_feed(&b, all + i, 1);
	assert_int_equal(a.sum.messages, 2);	/* last line still pending */
	hc_pq_parser_finish(&a);
	hc_pq_parser_finish(&b);
	assert_memory_equal(&a.sum, &b.sum, sizeof(a.sum));
	assert_int_equal(a.sum.messages, 3);
	assert_int_equal(a.sum.broken, 1);
	assert_int_equal(a.sum.count[HC_QUEUE_DEFERRED], 2);
	assert_int_equal(a.sum.oldest_any, 3);
	/* A line over HC_PQ_LINE_MAX is one broken line; the next is fine. */
	memset(big, ' ', sizeof(big));
	big[0] = '{';
	hc_pq_parser_init(&a);
	hc_pq_parser_feed(&a, big, sizeof(big));
	hc_pq_parser_feed(&a, big, 100);
	hc_pq_parser_feed(&a, S("}\n" PQ_EXAMPLE "\n"));
	hc_pq_parser_finish(&a);
	assert_int_equal(a.sum.broken, 1);
	assert_int_equal(a.sum.messages, 1);
	hc_pq_parser_init(&a);
	hc_pq_parser_feed(&a, big, HC_PQ_LINE_MAX);	/* exactly fits */
	hc_pq_parser_feed(&a, "\n", 1);
	assert_int_equal(a.sum.broken, 1);	/* "{   ..." is not JSON */
}

/* --- Queue walk over a hand-made tree --- */

static int64_t
wall_now(void)
{
	return (int64_t)time(NULL);
}

static void
mkd(const char *root, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(mkdir(p, 0700), 0);
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

/* A queue directory with all its subdirectories, no files. */
static void
make_dirs(char *root)
{
	static const char *const dirs[] = { "maildrop", "incoming", "active",
	    "deferred", "deferred/8", "deferred/F", "hold", "corrupt", "defer",
	    "defer/8", "bounce", "trace", "flush", "pid" };
	size_t i;

	strcpy(root, "/tmp/test_pfq.XXXXXX");
	assert_non_null(mkdtemp(root));
	assert_int_equal(chmod(root, 0755), 0);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		mkd(root, dirs[i]);
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
rm_tree(const char *root)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
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
guard(struct loop_timer *t, uint64_t now, void *arg)
{
	(void)t;
	(void)now;
	loop_stop(arg);
}

/* "qmgr stopped while mail arrives": a fresh incoming file must trip. */
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
	c.q = hc_queue_start(c.l, root, &lim, 200000, qcb, &c);
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
	assert_null(hc_queue_start(c.l, "/", NULL, 0, qcb, &c));
	assert_int_equal(errno, EINVAL);
	loop_free(c.l);
	rm_tree(root);
}

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
	struct hc_master *m;
	const char *qdir;
	int phase, n;
	pid_t pid[2];
	struct hc_master_result r;
	struct loop_timer killer;
	uint64_t killed_at, seen_after;
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
	assert_non_null(c->m = hc_master_start(c->l, c->qdir, interval, cb,
	    c));
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

/* --- postqueue runner --- */

struct pctx {
	struct loop *l;
	int n;
	struct hc_postqueue_result r;
};

static void
pq_done(const struct hc_postqueue_result *r, void *arg)
{
	struct pctx *c = arg;

	c->n++;
	c->r = *r;
	loop_stop(c->l);
}

/* Run sh -c script as if it were postqueue. */
static void
run_sh(const char *script, uint64_t timeout_us, struct pctx *c)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	struct hc_postqueue *pq;
	struct loop_timer g;

	memset(c, 0, sizeof(*c));
	assert_non_null(c->l = loop_new());
	loop_timer_init(&g, guard, c->l);
	loop_timer_set(c->l, &g, loop_now() + 10000000);
	pq = hc_postqueue_run_argv(c->l, argv, timeout_us, pq_done, c);
	assert_non_null(pq);
	assert_int_equal(loop_run(c->l), 0);
	assert_int_equal(c->n, 1);
	loop_timer_cancel(c->l, &g);
	loop_free(c->l);
}

static void
test_pq_run(void **state)
{
	static struct pctx c;

	(void)state;
	run_sh("printf '%s\\n' '" PQ_EXAMPLE "' '{\"queue_name\":\"active\","
	    "\"arrival_time\":9}' junk; echo 'warn: \001x' >&2", 2000000, &c);
	assert_int_equal(c.r.cls, HC_OK);
	assert_string_equal(c.r.reason,
	    "postqueue: 2 messages, 1 broken lines");
	assert_string_equal(c.r.stderr_line, "warn: ?x");
	assert_int_equal(c.r.sum.count[HC_QUEUE_DEFERRED], 1);
	assert_int_equal(c.r.sum.oldest_any, 9);
	assert_true(WIFEXITED(c.r.status) && WEXITSTATUS(c.r.status) == 0);
	run_sh("echo 'postqueue: fatal: boom' >&2; echo two >&2; exit 3",
	    2000000, &c);
	assert_int_equal(c.r.cls, HC_FAILED);
	assert_string_equal(c.r.reason, "postqueue: exit 3: postqueue: fatal: "
	    "boom");
	run_sh("kill -TERM $$", 2000000, &c);
	assert_string_equal(c.r.reason, "postqueue: killed by signal 15");
	/* Far more than a pipe holds: read as it arrives. */
	run_sh("seq 1 20000 | sed 's/.*/{\"queue_name\":\"deferred\","
	    "\"arrival_time\":&}/'", 5000000, &c);
	assert_int_equal(c.r.cls, HC_OK);
	assert_int_equal(c.r.sum.count[HC_QUEUE_DEFERRED], 20000);
	assert_int_equal(c.r.sum.oldest[HC_QUEUE_DEFERRED], 1);
	assert_string_equal(c.r.stderr_line, "");
}

static void
test_pq_timeout(void **state)
{
	static struct pctx c;
	char *argv[] = { "/nonexistent/postqueue", "-j", NULL };
	struct hc_postqueue *pq;
	struct loop *l;

	(void)state;
	run_sh("echo '" PQ_EXAMPLE "'; exec sleep 5", 200000, &c);
	assert_int_equal(c.r.cls, HC_FAILED);
	assert_string_equal(c.r.reason, "postqueue: timed out after 200 ms");
	assert_true(c.r.latency_us >= 200000 && c.r.latency_us < 2000000);
	assert_true(WIFSIGNALED(c.r.status) && WTERMSIG(c.r.status) == SIGKILL);
	assert_int_equal(c.r.sum.messages, 1);	/* what came before */
	assert_non_null(l = loop_new());
	assert_null(hc_postqueue_run_argv(l, argv, 1000, pq_done, &c));
	assert_int_equal(errno, ENOENT);
	assert_null(hc_postqueue_run_argv(l, argv, 0, pq_done, &c));
	assert_int_equal(errno, EINVAL);
	argv[0] = "/bin/sleep";
	argv[1] = "5";
	assert_non_null(pq = hc_postqueue_run_argv(l, argv, 1000000, pq_done,
	    &c));
	hc_postqueue_cancel(pq);	/* killed, reaped, freed; no callback */
	hc_postqueue_cancel(NULL);
	loop_free(l);
}

/* The real binary, if installed: a missing config directory. */
static void
test_pq_real(void **state)
{
	static struct pctx c;
	struct loop_timer g;

	(void)state;
	if (access(HC_POSTQUEUE_PATH, X_OK) < 0)
		skip();
	assert_non_null(c.l = loop_new());
	loop_timer_init(&g, guard, c.l);
	loop_timer_set(c.l, &g, loop_now() + 10000000);
	assert_non_null(hc_postqueue_run(c.l, "/nonexistent-pfhc", 5000000,
	    pq_done, &c));
	assert_int_equal(loop_run(c.l), 0);
	loop_timer_cancel(c.l, &g);
	loop_free(c.l);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.r.cls, HC_FAILED);
	assert_string_equal(c.r.reason, "postqueue: exit 69: postqueue: fatal: "
	    "open /nonexistent-pfhc/main.cf: No such file or directory");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_cases),
		cmocka_unit_test(test_conf_errors),
		cmocka_unit_test(test_record_arrival),
		cmocka_unit_test(test_record_errors),
		cmocka_unit_test(test_queue_verdict),
		cmocka_unit_test(test_pq_lines),
		cmocka_unit_test(test_pq_stream),
		cmocka_unit_test(test_queue_scan),
		cmocka_unit_test(test_queue_scan_errors),
		cmocka_unit_test(test_queue_scan_eacces),
		cmocka_unit_test(test_queue_periodic),
		cmocka_unit_test(test_master_parse),
		cmocka_unit_test(test_master_exit),
		cmocka_unit_test(test_master_lifecycle),
		cmocka_unit_test(test_master_absent),
		cmocka_unit_test(test_pq_run),
		cmocka_unit_test(test_pq_timeout),
		cmocka_unit_test(test_pq_real),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
