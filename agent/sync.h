/* SPDX-License-Identifier: ISC */
/* vrrp_sync_group in the daemon: members follow each other, group notify. */
#ifndef VIPD_SYNC_H
#define VIPD_SYNC_H

#include <jansson.h>

#include "agent/vipd.h"

/*
 * Build v->syncs from the configuration and point each member instance at
 * its group (after the instances, before they start). 0, or -1 logged.
 */
int vipd_sync_init(struct vipd *);

/* Release the groups and their notify runners. */
void vipd_sync_free(struct vipd *);

struct cred;

/*
 * After a reload has replaced v->conf and the instances: rebuild the
 * groups; one of the same name keeps its state and script queue. Members
 * are re-linked so that a faulted one holds its new group. 0, or -1.
 */
int vipd_sync_reload(struct vipd *, const struct cred *, uint64_t now);

/*
 * A member's state machine has moved (res->changed) or asks to become
 * Master (res->want_master): move the other members as keepalived does
 * (vrrp/sync.h), then run the group's notify scripts if its state changed.
 */
void vipd_sync_member_moved(struct vipd_instance *,
    const struct vrrp_fsm_result *res, uint64_t now);

/*
 * Why @inst must stay in FAULT because of its group (a group-level
 * track_interface of weight 0 is down, or another member is faulted on
 * its own), written into @buf; NULL if its group lets it run.
 */
const char *vipd_sync_fault_cause(const struct vipd_instance *, char *buf,
    size_t len);

/* The daemon stops: run each group's notify_stop and notify ... STOP. */
void vipd_sync_stop(struct vipd *);

/* The groups and their members' states, for vipctl status. */
json_t *vipd_sync_json(const struct vipd *);

/* One line on @inst's group for vipctl explain, or NULL without group. */
json_t *vipd_sync_explain(const struct vipd_instance *);

#endif
