/* SPDX-License-Identifier: ISC */
/* A ring of recent transitions, check changes and peer problems. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/history.h"
#include "agent/status.h"

static const char *const kind_names[] = {
	[VIPD_EV_TRANSITION] = "transition",
	[VIPD_EV_CHECK] = "check",
	[VIPD_EV_PEER] = "peer",
};

struct vipd_history *
vipd_history_new(void)
{
	struct vipd_history *h = calloc(1, sizeof(*h));

	if (h != NULL)
		h->next_seq = 1;
	return h;
}

void
vipd_history_free(struct vipd_history *h)
{
	free(h);
}

void
vipd_history_add(struct vipd_history *h, enum vipd_event_kind kind,
    const char *subject, const char *from, const char *to,
    const char *reason)
{
	struct vipd_event *e = &h->ring[h->next_seq % VIPD_HISTORY_MAX];

	memset(e, 0, sizeof(*e));
	e->seq = h->next_seq++;
	e->kind = kind;
	clock_gettime(CLOCK_REALTIME, &e->at);
	snprintf(e->subject, sizeof(e->subject), "%s", subject);
	snprintf(e->from, sizeof(e->from), "%s", from);
	snprintf(e->to, sizeof(e->to), "%s", to);
	snprintf(e->reason, sizeof(e->reason), "%s", reason);
}

static json_t *
event_json(const struct vipd_event *e)
{
	char at[48];

	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}",
	    "seq", (json_int_t)e->seq, "at",
	    vipd_wall_str(&e->at, at, sizeof(at)), "kind", kind_names[e->kind],
	    e->kind == VIPD_EV_CHECK ? "check" : "instance", e->subject,
	    "from", e->from, "to", e->to, "reason", e->reason);
}

json_t *
vipd_history_json(const struct vipd_history *h, uint64_t since,
    const char *subject, size_t limit)
{
	uint64_t first, seq, lost = 0;
	json_t *a = json_array();
	size_t n = 0;

	first = h->next_seq > VIPD_HISTORY_MAX ?
	    h->next_seq - VIPD_HISTORY_MAX : 1;
	if (since < 1)
		since = 1;
	if (since < first) {
		lost = first - since;
		since = first;
	}
	for (seq = since; seq < h->next_seq; seq++) {
		const struct vipd_event *e = &h->ring[seq % VIPD_HISTORY_MAX];

		if (subject[0] != '\0' && e->kind != VIPD_EV_CHECK &&
		    strcmp(e->subject, subject) != 0)
			continue;
		json_array_append_new(a, event_json(e));
		n++;
	}
	/* Keep the newest limit events. */
	while (limit > 0 && n > limit) {
		json_array_remove(a, 0);
		n--;
	}
	return json_pack("{s:o,s:I,s:I}", "events", a,
	    "next", (json_int_t)h->next_seq, "lost", (json_int_t)lost);
}
