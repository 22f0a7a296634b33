/* SPDX-License-Identifier: ISC */
/* The Postfix master poll follows the state: fast while Master, re-read before a takeover. */
#include "agent/health.h"
#include "agent/sync.h"

/* Whether inst tracks ck, itself or through its sync group. */
static bool
tracks(const struct vipd_instance *inst, const struct vipd_check *ck)
{
	const struct conf_instance *c = inst->conf;
	const struct vipd_sync *sg = inst->sync;
	const struct vipd *v = inst->vipd;
	size_t k;

	/* Bounds: in the middle of a reload an instance may still hold the
	 * old configuration; the reload re-runs vipd_health_poll_update. */
	for (k = 0; k < c->ntracks; k++)
		if (c->tracks[k].check < v->nchecks &&
		    v->checks[c->tracks[k].check] == ck)
			return true;
	for (k = 0; sg != NULL && k < sg->conf->ntracks; k++)
		if (sg->conf->tracks[k].check < v->nchecks &&
		    v->checks[sg->conf->tracks[k].check] == ck)
			return true;
	return false;
}

void
vipd_health_poll_update(struct vipd *v)
{
	size_t i, j;

	for (j = 0; j < v->nchecks; j++) {
		struct vipd_check *ck = v->checks[j];
		bool fast = false;

		if (ck == NULL || ck->master == NULL)
			continue;
		for (i = 0; i < v->ninsts && !fast; i++)
			fast = v->insts[i]->fsm.state == VRRP_STATE_MASTER &&
			    tracks(v->insts[i], ck);
		hc_master_set_fast(ck->master, fast);
	}
}

void
vipd_health_reread(struct vipd_instance *inst)
{
	struct vipd *v = inst->vipd;
	size_t j;

	/* By index: a callback re-gates, and nothing in it frees checks. */
	for (j = 0; j < v->nchecks; j++)
		if (v->checks[j] != NULL && v->checks[j]->master != NULL &&
		    tracks(inst, v->checks[j]))
			hc_master_reread(v->checks[j]->master);
}
