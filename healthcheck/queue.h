/* SPDX-License-Identifier: ISC */
/* Postfix queue check: count queue files and age the oldest incoming/active message. */
#ifndef VIPD_HC_QUEUE_H
#define VIPD_HC_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "healthcheck/hc.h"

struct loop;

/* The message queues, in the order they are walked and reported. */
enum hc_queue_id {
	HC_QUEUE_MAILDROP,
	HC_QUEUE_INCOMING,
	HC_QUEUE_ACTIVE,
	HC_QUEUE_DEFERRED,
	HC_QUEUE_HOLD,
	HC_QUEUE_CORRUPT,
	HC_QUEUE_COUNT
};

/* Directory name of a queue ("incoming"); NULL if out of range. */
const char *hc_queue_dirname(enum hc_queue_id);

/* The queue called name[0..len) ("deferred"), or -1. Pure. */
int hc_queue_lookup(const char *name, size_t len);

/* --- Queue file records (pure) --- */

/* Bytes of a queue file read to find its arrival time. */
#define HC_QREC_READ_MAX	256

enum hc_qrec_err {
	HC_QREC_OK = 0,
	HC_QREC_TRUNCATED,	/* buffer ends before the T record does */
	HC_QREC_NOTQUEUE,	/* first record not C (queue) or T (maildrop) */
	HC_QREC_BADLEN,		/* record length varint longer than 5 bytes */
	HC_QREC_NOTIME,		/* no T record among the first records */
	HC_QREC_BADTIME,	/* T record is not "secs" or "secs usecs" */
};

const char *hc_qrec_strerror(enum hc_qrec_err);

/*
 * Arrival time (epoch seconds) from the start of a queue file: records
 * are a type byte, a length varint (7 bits per byte, low bits first, high
 * bit = more) and data. Queue files start with a C (size) record then T;
 * maildrop files start with T. The T data is "seconds" or
 * "seconds microseconds" in decimal; microseconds are dropped.
 * *arrival is written on HC_QREC_OK only.
 */
enum hc_qrec_err hc_queue_record_arrival(const uint8_t *buf, size_t len,
    int64_t *arrival);

/* --- Thresholds and verdict (pure) --- */

/*
 * A limit of 0 disables that test. Ages are in seconds of wall clock
 * since the message's arrival.
 *  max_incoming_age_s: default 300. A message that sits in incoming means
 *      the queue manager is not picking up mail: FAILED.
 *  max_active_age_s:  default 3600. Slow remote deliveries can hold a
 *      message in active for many minutes: DEGRADED.
 *  max_deferred, max_hold, max_corrupt: counts beyond which the result is
 *      DEGRADED; default 0 (off).
 */
struct hc_queue_limits {
	uint32_t max_incoming_age_s;
	uint32_t max_active_age_s;
	uint32_t max_deferred;
	uint32_t max_hold;
	uint32_t max_corrupt;
};

#define HC_QUEUE_DEF_INCOMING_AGE_S	300
#define HC_QUEUE_DEF_ACTIVE_AGE_S	3600

void hc_queue_limits_default(struct hc_queue_limits *);

/* The oldest complete file of an aged queue (incoming, active). */
struct hc_queue_oldest {
	bool found;
	int64_t arrival;	/* epoch seconds: T record, else mtime */
	uint64_t dev, ino;	/* identity: a rename keeps it */
};

/*
 * One scan (a full pass of the walk). count[] holds complete message
 * files ((mode & 0733) == 0700); partial[] holds files still being
 * written (any other mode, normally 0600): they are neither counted in
 * count[] nor aged. Ages are -1 when the queue holds no complete file.
 */
struct hc_queue_result {
	enum hc_class cls;
	char reason[256];
	uint64_t latency_us;		/* time spent walking (sum of slices) */
	uint64_t pass_us;		/* first slice start to last slice end */
	uint32_t slices;		/* loop turns the pass took */
	struct timespec finished;	/* wall time the pass ended */
	int64_t clock_step_ms;		/* wall step seen at this pass; 0 none */
	uint32_t count[HC_QUEUE_COUNT];
	uint32_t partial[HC_QUEUE_COUNT];
	int64_t oldest_incoming_age_s;
	int64_t oldest_active_age_s;
	struct hc_queue_oldest oldest[2];	/* [0] incoming, [1] active */
	uint32_t no_arrival;		/* files aged by mtime: no T record */
};

/*
 * Classify a successful scan against limits: sets cls and reason (the
 * first exceeded limit of the worst class). A FAILED scan is left as is.
 */
void hc_queue_verdict(const struct hc_queue_limits *,
    struct hc_queue_result *);

/* --- Wall-clock steps and ages (pure) --- */

/* A change of (wall - monotonic) beyond this between passes is a step. */
#define HC_QUEUE_CLOCK_STEP_US	1000000

/*
 * Step of the wall clock since the last call, in µs (0 if within
 * HC_QUEUE_CLOCK_STEP_US or on the first call), from the current wall
 * and monotonic times; *offset_us (wall - mono, start with *have = false)
 * is re-baselined every call. NTP slews (at most 500 ppm) never count.
 */
int64_t hc_queue_clock_step(bool *have, int64_t *offset_us, int64_t wall_us,
    uint64_t mono_us);

/*
 * The age of a queue's oldest message, tied to the monotonic clock once
 * seen: the first time a file is the oldest, its age is now_wall minus its
 * arrival (minus step_s, a wall step seen at this pass, which the file is
 * taken to predate), clamped at 0; while the same file (dev, ino, arrival)
 * stays the oldest its age grows with the monotonic clock only, so a wall
 * step never ages it. Returns the age in seconds, or -1 if !o->found.
 */
struct hc_queue_anchor {
	bool set;
	uint64_t dev, ino;
	int64_t arrival;
	int64_t age0_s;		/* age when first seen */
	uint64_t mono0_us;	/* monotonic time when first seen */
};

int64_t hc_queue_age(struct hc_queue_anchor *, const struct hc_queue_oldest *o,
    int64_t now_wall, uint64_t now_mono_us, int64_t step_s);

/*
 * A pass judged r after a wall step of step_us (non-zero): note the step
 * in r, and if r's class is worse than the previous pass's (*prev_cls,
 * NULL if none), keep the previous class and reason for this pass, saying
 * so. Newly seen messages are aged as predating the step, which is right
 * for messages older than it but not for any that arrived in between:
 * holding one pass covers that. Pure.
 */
void hc_queue_hold_on_step(struct hc_queue_result *r, int64_t step_us,
    const enum hc_class *prev_cls, const char *prev_reason);

/* --- Resumable walk (plumbing) --- */

/*
 * A walk of the message queues under a queue directory (recursing into
 * hashed subdirectories; defer, bounce, trace and flush are never read)
 * that can stop after any entry and resume: the daemon does a bounded
 * slice per loop turn so that a queue of any size never stalls the loop.
 * Reads at most HC_QREC_READ_MAX bytes of each incoming and active file.
 */
struct hc_queue_walk;

/* A walk of queue_dir; NULL with errno (EINVAL: path too long). */
struct hc_queue_walk *hc_queue_walk_new(const char *queue_dir);

/* Start a new pass, abandoning one in progress. */
void hc_queue_walk_begin(struct hc_queue_walk *);

/*
 * Go on with the pass: look at no more than max_entries directory entries
 * and stop once budget_us has passed (0: no time limit; the clock is read
 * every few entries). *entries (may be NULL) gets the number looked at.
 * Returns 0 if the pass is not done yet, 1 when it is complete (then
 * hc_queue_walk_result has counts and oldest files; ages -1, not yet
 * computed), -1 with errno if it failed (the result is FAILED with a
 * reason such as "queue: cannot read /var/spool/postfix/incoming:
 * Permission denied"). A new pass needs hc_queue_walk_begin.
 */
int hc_queue_walk_step(struct hc_queue_walk *, unsigned max_entries,
    uint64_t budget_us, unsigned *entries);

/* The pass's result (complete after step returned 1 or -1). */
const struct hc_queue_result *hc_queue_walk_result(const struct hc_queue_walk *);

/* Close directories and free. NULL is ignored. */
void hc_queue_walk_free(struct hc_queue_walk *);

/*
 * A whole pass at once (tests, tools): fill res with ages against
 * now_wall (epoch seconds). Limits are not applied. Returns 0 (res->cls =
 * HC_OK) or -1 with errno and res FAILED.
 */
int hc_queue_scan(const char *queue_dir, int64_t now_wall,
    struct hc_queue_result *res);

/* --- Periodic check (plumbing) --- */

/*
 * How the check walks: at most `entries` directory entries and `slice_us`
 * per loop turn, then `gap_us` for everything else before the next slice
 * (the first pass after start has no gap: instances wait for it).
 */
struct hc_queue_pace {
	unsigned entries;
	uint64_t slice_us;
	uint64_t gap_us;
};

#define HC_QUEUE_DEF_SLICE_ENTRIES	512
#define HC_QUEUE_DEF_SLICE_US		1000
#define HC_QUEUE_DEF_GAP_US		4000

struct hc_queue;

/*
 * Walk queue_dir in slices paced by pace (NULL = defaults), a new pass
 * every interval_us (or at once after a pass that took longer), applying
 * limits (copied; NULL = defaults) and calling cb when a pass completes
 * or fails. Ages are tied to the monotonic clock (hc_queue_age); a pass
 * that sees a wall-clock step keeps the previous class and reason if the
 * new verdict is worse, and says so in the reason. Returns NULL with
 * errno on failure.
 */
struct hc_queue *hc_queue_start(struct loop *, const char *queue_dir,
    const struct hc_queue_limits *, const struct hc_queue_pace *,
    uint64_t interval_us,
    void (*cb)(const struct hc_queue_result *, void *arg), void *arg);

/* Stop scanning and free; safe from inside cb. NULL is ignored. */
void hc_queue_stop(struct hc_queue *);

#endif
