/* SPDX-License-Identifier: ISC */
/* Instances a reload removed, kept until their notify_stop scripts have run. */
#ifndef VIPD_RETIRED_H
#define VIPD_RETIRED_H

#include "agent/vipd.h"

/*
 * inst was shut down (vipd_instance_shutdown): free it now if its notify
 * queue is idle, else keep it in v->retired until it is.
 */
void vipd_retire(struct vipd *, struct vipd_instance *inst);

/* Free the retired instances whose scripts have all run. */
void vipd_retired_reap(struct vipd *);

/*
 * At shutdown: let the retired instances' scripts finish (at most ms
 * each), then free them all.
 */
void vipd_retired_drain(struct vipd *, uint32_t ms);

#endif
