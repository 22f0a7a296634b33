/* SPDX-License-Identifier: ISC */
/* Postfix queue check: count queue files and age the oldest incoming/active message. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/loop.h"
#include "healthcheck/queue.h"

/* Records looked at before giving up on finding T (C, T in practice). */
#define QREC_SCAN_MAX	4
/* Postfix refuses record lengths beyond an int: at most 5 varint bytes. */
#define QREC_LEN_BYTES	5

static const char *const queue_dirs[HC_QUEUE_COUNT] = {
	[HC_QUEUE_MAILDROP] = "maildrop",
	[HC_QUEUE_INCOMING] = "incoming",
	[HC_QUEUE_ACTIVE] = "active",
	[HC_QUEUE_DEFERRED] = "deferred",
	[HC_QUEUE_HOLD] = "hold",
	[HC_QUEUE_CORRUPT] = "corrupt",
};

static const char *const qrec_errs[] = {
	[HC_QREC_OK] = "ok",
	[HC_QREC_TRUNCATED] = "truncated before the arrival time",
	[HC_QREC_NOTQUEUE] = "not a queue file",
	[HC_QREC_BADLEN] = "bad record length",
	[HC_QREC_NOTIME] = "no arrival time record",
	[HC_QREC_BADTIME] = "malformed arrival time",
};

const char *
hc_queue_dirname(enum hc_queue_id q)
{
	if ((size_t)q >= HC_QUEUE_COUNT)
		return NULL;
	return queue_dirs[q];
}

int
hc_queue_lookup(const char *name, size_t len)
{
	int q;

	for (q = 0; q < HC_QUEUE_COUNT; q++)
		if (strlen(queue_dirs[q]) == len &&
		    memcmp(queue_dirs[q], name, len) == 0)
			return q;
	return -1;
}

const char *
hc_qrec_strerror(enum hc_qrec_err e)
{
	if ((size_t)e >= sizeof(qrec_errs) / sizeof(qrec_errs[0]))
		return "unknown error";
	return qrec_errs[e];
}

/* Decimal digits at p[0..n) into *v; false if empty, non-digit or > max. */
static bool
parse_decimal(const uint8_t *p, size_t n, int64_t max, int64_t *v)
{
	size_t i;

	*v = 0;
	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		if (*v > (max - (p[i] - '0')) / 10)
			return false;
		*v = *v * 10 + (p[i] - '0');
	}
	return true;
}

/* "seconds" or "seconds microseconds". */
static enum hc_qrec_err
parse_time(const uint8_t *p, size_t n, int64_t *arrival)
{
	const uint8_t *sp = memchr(p, ' ', n);
	size_t secs_len = sp != NULL ? (size_t)(sp - p) : n;
	int64_t secs, usecs;

	if (!parse_decimal(p, secs_len, INT64_MAX, &secs))
		return HC_QREC_BADTIME;
	if (sp != NULL && !parse_decimal(sp + 1, n - secs_len - 1, 999999999,
	    &usecs))
		return HC_QREC_BADTIME;
	*arrival = secs;
	return HC_QREC_OK;
}

enum hc_qrec_err
hc_queue_record_arrival(const uint8_t *buf, size_t len, int64_t *arrival)
{
	size_t off = 0, rlen, i;
	int rec;
	uint8_t type;

	for (rec = 0; rec < QREC_SCAN_MAX; rec++) {
		if (off >= len)
			return HC_QREC_TRUNCATED;
		type = buf[off++];
		if (rec == 0 && type != 'C' && type != 'T')
			return HC_QREC_NOTQUEUE;
		for (rlen = 0, i = 0;; i++) {
			if (i == QREC_LEN_BYTES)
				return HC_QREC_BADLEN;
			if (off >= len)
				return HC_QREC_TRUNCATED;
			rlen |= (size_t)(buf[off] & 0x7f) << (7 * i);
			if ((buf[off++] & 0x80) == 0)
				break;
		}
		if (rlen > len - off)
			return HC_QREC_TRUNCATED;
		if (type == 'T')
			return parse_time(buf + off, rlen, arrival);
		off += rlen;
	}
	return HC_QREC_NOTIME;
}

void
hc_queue_limits_default(struct hc_queue_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
	lim->max_incoming_age_s = HC_QUEUE_DEF_INCOMING_AGE_S;
	lim->max_active_age_s = HC_QUEUE_DEF_ACTIVE_AGE_S;
}

static bool
over_age(int64_t age, uint32_t limit)
{
	return limit != 0 && age > (int64_t)limit;
}

static bool
over_count(uint32_t n, uint32_t limit)
{
	return limit != 0 && n > limit;
}

void
hc_queue_verdict(const struct hc_queue_limits *lim, struct hc_queue_result *r)
{
	const uint32_t *c = r->count;
	char *s = r->reason;
	size_t sz = sizeof(r->reason);

	if (r->cls == HC_FAILED)
		return;
	r->cls = HC_OK;
	if (over_age(r->oldest_incoming_age_s, lim->max_incoming_age_s)) {
		r->cls = HC_FAILED;
		snprintf(s, sz, "queue: oldest incoming message is %lld s old "
		    "(limit %u s)", (long long)r->oldest_incoming_age_s,
		    lim->max_incoming_age_s);
		return;
	}
	r->cls = HC_DEGRADED;
	if (over_age(r->oldest_active_age_s, lim->max_active_age_s))
		snprintf(s, sz, "queue: oldest active message is %lld s old "
		    "(limit %u s)", (long long)r->oldest_active_age_s,
		    lim->max_active_age_s);
	else if (over_count(c[HC_QUEUE_DEFERRED], lim->max_deferred))
		snprintf(s, sz, "queue: %u deferred messages (limit %u)",
		    c[HC_QUEUE_DEFERRED], lim->max_deferred);
	else if (over_count(c[HC_QUEUE_HOLD], lim->max_hold))
		snprintf(s, sz, "queue: %u held messages (limit %u)",
		    c[HC_QUEUE_HOLD], lim->max_hold);
	else if (over_count(c[HC_QUEUE_CORRUPT], lim->max_corrupt))
		snprintf(s, sz, "queue: %u corrupt files (limit %u)",
		    c[HC_QUEUE_CORRUPT], lim->max_corrupt);
	else {
		r->cls = HC_OK;
		snprintf(s, sz, "queue: maildrop %u, incoming %u, active %u, "
		    "deferred %u, hold %u, corrupt %u", c[HC_QUEUE_MAILDROP],
		    c[HC_QUEUE_INCOMING], c[HC_QUEUE_ACTIVE],
		    c[HC_QUEUE_DEFERRED], c[HC_QUEUE_HOLD],
		    c[HC_QUEUE_CORRUPT]);
	}
}


/* --- Wall-clock steps and ages --- */

void
hc_queue_hold_on_step(struct hc_queue_result *r, int64_t step_us,
    const enum hc_class *prev_cls, const char *prev_reason)
{
	char why[sizeof(r->reason)];

	r->clock_step_ms = step_us / 1000;
	if (prev_cls == NULL || r->cls <= *prev_cls)
		return;
	snprintf(why, sizeof(why), "%.170s (wall clock stepped by %+lld s; "
	    "previous verdict held for one pass)", prev_reason,
	    (long long)(step_us / 1000000));
	r->cls = *prev_cls;
	memcpy(r->reason, why, sizeof(why));
}

int64_t
hc_queue_clock_step(bool *have, int64_t *offset_us, int64_t wall_us,
    uint64_t mono_us)
{
	int64_t off = wall_us - (int64_t)mono_us, step;

	step = *have ? off - *offset_us : 0;
	*have = true;
	*offset_us = off;
	if (step > -HC_QUEUE_CLOCK_STEP_US && step < HC_QUEUE_CLOCK_STEP_US)
		return 0;
	return step;
}

int64_t
hc_queue_age(struct hc_queue_anchor *a, const struct hc_queue_oldest *o,
    int64_t now_wall, uint64_t now_mono_us, int64_t step_s)
{
	int64_t age;

	if (!o->found) {
		a->set = false;
		return -1;
	}
	if (a->set && a->dev == o->dev && a->ino == o->ino &&
	    a->arrival == o->arrival)
		return a->age0_s + (int64_t)((now_mono_us - a->mono0_us) /
		    1000000u);
	/* Seen first: only the wall clock knows when it arrived. */
	age = now_wall - step_s - o->arrival;
	if (age < 0)
		age = 0;
	a->set = true;
	a->dev = o->dev;
	a->ino = o->ino;
	a->arrival = o->arrival;
	a->age0_s = age;
	a->mono0_us = now_mono_us;
	return age;
}
