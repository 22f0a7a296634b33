/* SPDX-License-Identifier: ISC */
/* Periodic Postfix queue check: a resumable walk in paced slices, ages on the monotonic clock. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/loop.h"
#include "healthcheck/queue.h"

/* Gap between slices of the first pass after start. */
#define FIRST_PASS_GAP_US	100

struct hc_queue {
	struct loop *loop;
	struct loop_timer timer;
	struct hc_queue_limits lim;
	struct hc_queue_pace pace;
	uint64_t interval_us;
	void (*cb)(const struct hc_queue_result *, void *);
	void *arg;
	struct hc_queue_walk *walk;
	bool in_pass;
	bool first_done;	/* a pass completed or failed since start */
	uint64_t pass_start;	/* monotonic start of the current pass */
	struct hc_queue_anchor anchor[2];
	bool have_offset;
	int64_t offset_us;	/* wall - monotonic at the last pass end */
	bool have_prev;
	enum hc_class prev_cls;
	char prev_reason[200];
	struct hc_queue_result res;
};

/* A pass completed: ages, step check, verdict. */
static void
pass_judge(struct hc_queue *hq, struct hc_queue_result *r)
{
	struct timespec ts;
	uint64_t mono = loop_now();
	int64_t step_us, step_s;

	clock_gettime(CLOCK_REALTIME, &ts);
	step_us = hc_queue_clock_step(&hq->have_offset, &hq->offset_us,
	    (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000, mono);
	step_s = step_us / 1000000;
	r->oldest_incoming_age_s = hc_queue_age(&hq->anchor[0], &r->oldest[0],
	    (int64_t)ts.tv_sec, mono, step_s);
	r->oldest_active_age_s = hc_queue_age(&hq->anchor[1], &r->oldest[1],
	    (int64_t)ts.tv_sec, mono, step_s);
	hc_queue_verdict(&hq->lim, r);
	if (step_us != 0)
		hc_queue_hold_on_step(r, step_us, hq->have_prev ? &hq->prev_cls :
		    NULL, hq->prev_reason);
	hq->have_prev = true;
	hq->prev_cls = r->cls;
	snprintf(hq->prev_reason, sizeof(hq->prev_reason), "%.199s",
	    r->reason);
}

static void
queue_tick(struct loop_timer *t, uint64_t now, void *arg)
{
	struct hc_queue *hq = arg;
	const struct hc_queue_pace *p = &hq->pace;
	uint64_t next;
	int rc;

	(void)t;
	if (!hq->in_pass) {
		hc_queue_walk_begin(hq->walk);
		hq->in_pass = true;
		hq->pass_start = now;
	}
	rc = hc_queue_walk_step(hq->walk, p->entries, p->slice_us, NULL);
	now = loop_now();
	if (rc == 0) {
		/* Until the first verdict instances wait: a short gap, only
		 * long enough for the loop to look at its fds. */
		loop_timer_set(hq->loop, &hq->timer, now + (hq->first_done ?
		    p->gap_us : FIRST_PASS_GAP_US));
		return;
	}
	hq->in_pass = false;
	hq->first_done = true;
	hq->res = *hc_queue_walk_result(hq->walk);
	if (rc > 0)
		pass_judge(hq, &hq->res);
	next = hq->pass_start + hq->interval_us;
	loop_timer_set(hq->loop, &hq->timer,
	    next > now + p->gap_us ? next : now + p->gap_us);
	hq->cb(&hq->res, hq->arg);	/* last: cb may stop us */
}

struct hc_queue *
hc_queue_start(struct loop *l, const char *queue_dir,
    const struct hc_queue_limits *lim, const struct hc_queue_pace *pace,
    uint64_t interval_us,
    void (*cb)(const struct hc_queue_result *, void *), void *arg)
{
	struct hc_queue *hq;

	if (interval_us == 0 || (pace != NULL && pace->entries == 0)) {
		errno = EINVAL;
		return NULL;
	}
	if ((hq = calloc(1, sizeof(*hq))) == NULL)
		return NULL;
	if ((hq->walk = hc_queue_walk_new(queue_dir)) == NULL) {
		free(hq);
		return NULL;
	}
	hq->loop = l;
	hq->interval_us = interval_us;
	hq->cb = cb;
	hq->arg = arg;
	if (lim != NULL)
		hq->lim = *lim;
	else
		hc_queue_limits_default(&hq->lim);
	if (pace != NULL)
		hq->pace = *pace;
	else
		hq->pace = (struct hc_queue_pace){ HC_QUEUE_DEF_SLICE_ENTRIES,
		    HC_QUEUE_DEF_SLICE_US, HC_QUEUE_DEF_GAP_US };
	loop_timer_init(&hq->timer, queue_tick, hq);
	if (loop_timer_set(l, &hq->timer, loop_now()) < 0) {
		hc_queue_walk_free(hq->walk);
		free(hq);
		return NULL;
	}
	return hq;
}

void
hc_queue_stop(struct hc_queue *hq)
{
	if (hq == NULL)
		return;
	loop_timer_cancel(hq->loop, &hq->timer);
	hc_queue_walk_free(hq->walk);
	free(hq);
}
