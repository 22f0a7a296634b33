/* SPDX-License-Identifier: ISC */
/* `postqueue -j`: a lenient line parser (pure) and a non-blocking runner with a timeout. */
#ifndef VIPD_HC_POSTQUEUE_H
#define VIPD_HC_POSTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "healthcheck/hc.h"
#include "healthcheck/queue.h"

struct loop;

/* --- Parser (pure; jansson allocates, nothing else) --- */

/* Longer lines (many recipients) are counted as broken and skipped. */
#define HC_PQ_LINE_MAX	65536

/* Per-queue figures, plus what could not be read. 0 arrival = none. */
struct hc_pq_summary {
	uint32_t count[HC_QUEUE_COUNT];	/* messages per queue */
	uint64_t bytes[HC_QUEUE_COUNT];	/* sum of message_size */
	int64_t oldest[HC_QUEUE_COUNT];	/* least arrival_time */
	int64_t oldest_any;		/* least arrival_time overall */
	uint32_t messages;		/* objects with a queue_name */
	uint32_t unknown_queue;		/* of those, in an unknown queue */
	uint32_t salvaged;		/* of those, read by the fallback */
	uint32_t broken;		/* lines with no usable object */
};

enum hc_pq_line {
	HC_PQ_LINE_OK,		/* a message in a known queue */
	HC_PQ_LINE_EMPTY,	/* blank line: ignored */
	HC_PQ_LINE_UNKNOWN,	/* a message in a queue we don't know */
	HC_PQ_LINE_BROKEN,	/* counted in broken */
};

void hc_pq_summary_init(struct hc_pq_summary *);

/*
 * Account for one line (without its '\n') of `postqueue -j` output.
 * Uses queue_name, arrival_time (integer epoch seconds) and message_size;
 * other members are ignored. A line jansson rejects (bad escapes or
 * UTF-8 from older Postfix) still counts if a fallback scan finds
 * "queue_name": "NAME" in an object-looking line ("salvaged"). A message
 * without arrival_time is counted but not aged.
 */
enum hc_pq_line hc_pq_parse_line(struct hc_pq_summary *, const char *line,
    size_t len);

/* Incremental splitter over arbitrary chunks of output. */
struct hc_pq_parser {
	struct hc_pq_summary sum;
	size_t len;		/* bytes held in line[] */
	bool overlong;		/* skipping the rest of a too-long line */
	char line[HC_PQ_LINE_MAX];
};

void hc_pq_parser_init(struct hc_pq_parser *);
void hc_pq_parser_feed(struct hc_pq_parser *, const char *data, size_t len);
/* End of output: a final line without '\n' is parsed too. */
void hc_pq_parser_finish(struct hc_pq_parser *);

/* --- Runner (plumbing) --- */

#define HC_POSTQUEUE_PATH	"/usr/sbin/postqueue"

struct hc_postqueue_result {
	enum hc_class cls;	/* OK: exited 0; FAILED: anything else */
	char reason[256];	/* "postqueue: exit 69: postqueue: fatal..." */
	uint64_t latency_us;	/* spawn to exit */
	int status;		/* wait status; -1 if never reaped */
	char stderr_line[160];	/* first stderr line, sanitised; "" if none */
	struct hc_pq_summary sum;
};

struct hc_postqueue;

/*
 * Run `postqueue -c config_dir -j` (config_dir NULL: no -c). Output is
 * read from a non-blocking pipe in the loop and parsed as it arrives;
 * after timeout_us the child is killed (SIGKILL) and the result FAILED.
 * done is called once, from the loop, when the child has exited and its
 * output is drained; the run is freed when done returns. The child is
 * reaped through a pidfd and waitpid(pid): nothing else in the process
 * may reap it (no waitpid(-1)). Returns NULL with errno on failure
 * (spawn errors such as ENOENT included).
 */
struct hc_postqueue *hc_postqueue_run(struct loop *, const char *config_dir,
    uint64_t timeout_us,
    void (*done)(const struct hc_postqueue_result *, void *arg), void *arg);

/* The same with any argv (argv[0] is the path; for tests). */
struct hc_postqueue *hc_postqueue_run_argv(struct loop *, char *const argv[],
    uint64_t timeout_us,
    void (*done)(const struct hc_postqueue_result *, void *arg), void *arg);

/* Kill and reap the child and free the run without calling done. */
void hc_postqueue_cancel(struct hc_postqueue *);

#endif
