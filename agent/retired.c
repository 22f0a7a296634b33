/* SPDX-License-Identifier: ISC */
/* Instances a reload removed, kept until their notify_stop scripts have run. */
#include <stdlib.h>

#include "agent/notify.h"
#include "agent/retired.h"

static bool
notify_idle(const struct vipd_instance *inst)
{
	struct notify_stats st;

	if (inst->notify == NULL)
		return true;
	notify_get_stats(inst->notify, &st);
	return !st.running && st.queued == 0;
}

void
vipd_retired_reap(struct vipd *v)
{
	size_t i, n = 0;

	for (i = 0; i < v->nretired; i++) {
		if (!notify_idle(v->retired[i])) {
			v->retired[n++] = v->retired[i];
			continue;
		}
		notify_free(v->retired[i]->notify);
		free(v->retired[i]);
	}
	v->nretired = n;
}

void
vipd_retire(struct vipd *v, struct vipd_instance *inst)
{
	struct vipd_instance **r;

	if (!notify_idle(inst)) {
		r = reallocarray(v->retired, v->nretired + 1, sizeof(*r));
		if (r != NULL) {
			v->retired = r;
			v->retired[v->nretired++] = inst;
			return;
		}
		notify_drain(inst->notify, 1000);
	}
	notify_free(inst->notify);
	free(inst);
}

void
vipd_retired_drain(struct vipd *v, uint32_t ms)
{
	size_t i;

	for (i = 0; i < v->nretired; i++)
		if (v->retired[i]->notify != NULL)
			notify_drain(v->retired[i]->notify, ms);
	vipd_retired_reap(v);
	free(v->retired);
	v->retired = NULL;
	v->nretired = 0;
}

