/* SPDX-License-Identifier: ISC */
/* What happened, for vipctl history and watch: a ring of recent events. */
#ifndef VIPD_HISTORY_H
#define VIPD_HISTORY_H

#include <stdint.h>
#include <time.h>

#include <jansson.h>

#define VIPD_HISTORY_MAX	256	/* events kept; older ones are dropped */

enum vipd_event_kind {
	VIPD_EV_TRANSITION,	/* an instance changed state */
	VIPD_EV_CHECK,		/* a check's verdict changed */
	VIPD_EV_PEER,		/* a misconfigured peer or a collision */
};

struct vipd_event {
	uint64_t seq;			/* 1, 2, ...: never reused */
	struct timespec at;		/* wall clock, for display */
	enum vipd_event_kind kind;
	char subject[64];		/* instance or check name */
	char from[16], to[16];		/* states or verdicts; "" for peers */
	char reason[128];
};

struct vipd_history {
	struct vipd_event ring[VIPD_HISTORY_MAX];
	uint64_t next_seq;		/* seq of the next event (from 1) */
};

/* An empty history (calloc'd: untouched pages cost no memory), or NULL. */
struct vipd_history *vipd_history_new(void);

/* Release it; NULL is a no-op. */
void vipd_history_free(struct vipd_history *);

/* Record an event now; subject, from, to and reason are truncated to fit. */
void vipd_history_add(struct vipd_history *, enum vipd_event_kind,
    const char *subject, const char *from, const char *to,
    const char *reason);

/*
 * {"events":[...], "next":N, "lost":N}: events with seq >= since (oldest
 * first), only those about subject unless it is "" (a check event belongs
 * to every instance, since instances share checks), at most limit of the
 * newest when limit > 0. next is the seq to ask for next time; lost
 * counts events after since that were already dropped from the ring.
 */
json_t *vipd_history_json(const struct vipd_history *, uint64_t since,
    const char *subject, size_t limit);

#endif
