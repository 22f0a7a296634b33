/* SPDX-License-Identifier: ISC */
/* vipctl commands beyond status: explain and maintenance. */
#ifndef VIPD_CTLCMD_H
#define VIPD_CTLCMD_H

#include <jansson.h>

#include "agent/vipd.h"
#include "ctl/ctl_proto.h"

/* {"instances":[explain...]} for one instance (name) or all (""). */
json_t *vipd_ctl_explain(struct vipd *, const char *name, char *err,
    size_t errlen);

/*
 * Maintenance on: each selected Master hands its VIPs to the best peer
 * without a gap and every selected instance stays out of the election;
 * off: they rejoin. Returns what each instance is doing now.
 */
json_t *vipd_ctl_maintenance(struct vipd *, const char *name, bool on,
    char *err, size_t errlen);

/*
 * {"events":[...],"next":N,"lost":N}: recent transitions, check changes
 * and peer problems (agent/history.h), for vipctl history and watch.
 */
json_t *vipd_ctl_history(struct vipd *, const struct ctl_request *req,
    char *err, size_t errlen);

#endif
