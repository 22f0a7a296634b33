/* SPDX-License-Identifier: ISC */
/* Unit tests for postqueue -j: line and stream parsing, the runner. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/loop.h"
#include "healthcheck/postqueue.h"
#include "healthcheck/queue.h"
#include "postfix_fixture.h"

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

/*
 * The real binary, as vipd runs it (root): a missing config directory.
 * Without root postqueue ignores -c (set-gid programs trust only
 * alternate_config_directories) and without Postfix there is nothing to
 * run: both skip, which make check counts (VIPD_CHECK_SKIP=unit).
 */
static void
test_pq_real(void **state)
{
	static struct pctx c;
	struct loop_timer g;

	(void)state;
	if (access(HC_POSTQUEUE_PATH, X_OK) < 0 || geteuid() != 0)
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
		cmocka_unit_test(test_pq_lines),
		cmocka_unit_test(test_pq_stream),
		cmocka_unit_test(test_pq_run),
		cmocka_unit_test(test_pq_timeout),
		cmocka_unit_test(test_pq_real),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
