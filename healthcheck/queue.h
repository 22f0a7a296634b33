/* SPDX-License-Identifier: ISC */
/* Postfix queue check: count queue files and age the oldest incoming/active message. */
#ifndef VIPD_HC_QUEUE_H
#define VIPD_HC_QUEUE_H

#include <stddef.h>
#include <stdint.h>

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

/*
 * One scan. count[] holds complete message files ((mode & 0733) == 0700);
 * partial[] holds files still being written (any other mode, normally
 * 0600): they are neither counted in count[] nor aged. Ages are -1 when
 * the queue holds no complete file.
 */
struct hc_queue_result {
	enum hc_class cls;
	char reason[256];
	uint64_t latency_us;		/* duration of the directory walk */
	uint32_t count[HC_QUEUE_COUNT];
	uint32_t partial[HC_QUEUE_COUNT];
	int64_t oldest_incoming_age_s;
	int64_t oldest_active_age_s;
	uint32_t no_arrival;		/* files aged by mtime: no T record */
};

/*
 * Classify a successful scan against limits: sets cls and reason (the
 * first exceeded limit of the worst class). A FAILED scan is left as is.
 */
void hc_queue_verdict(const struct hc_queue_limits *,
    struct hc_queue_result *);

/* --- Plumbing --- */

/*
 * Walk the message queues under queue_dir (recursing into hashed
 * subdirectories; defer, bounce, trace and flush are never read) and
 * fill res; now_wall is the current epoch time in seconds. Reads at most
 * HC_QREC_READ_MAX bytes of each incoming and active file. Limits are
 * not applied. Returns 0 (res->cls = HC_OK), or -1 with errno and res
 * FAILED with a reason such as
 * "queue: cannot read /var/spool/postfix/incoming: Permission denied".
 */
int hc_queue_scan(const char *queue_dir, int64_t now_wall,
    struct hc_queue_result *res);

struct hc_queue;

/*
 * Scan queue_dir at once (from the loop, not inside this call) and then
 * every interval_us, applying limits (copied; NULL = defaults) and
 * calling cb after each scan. The walk runs synchronously in the loop.
 * Returns NULL with errno on failure.
 */
struct hc_queue *hc_queue_start(struct loop *, const char *queue_dir,
    const struct hc_queue_limits *, uint64_t interval_us,
    void (*cb)(const struct hc_queue_result *, void *arg), void *arg);

/* Stop scanning and free; safe from inside cb. NULL is ignored. */
void hc_queue_stop(struct hc_queue *);

#endif
