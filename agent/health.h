/* SPDX-License-Identifier: ISC */
/* Health checks in the daemon: run them, apply rise/fall, and gate each instance's priority. */
#ifndef VIPD_HEALTH_H
#define VIPD_HEALTH_H

#include <jansson.h>

#include "agent/vipd.h"

/* Start every configured check that some instance tracks. 0, or -1 logged. */
int vipd_health_start(struct vipd *);
void vipd_health_stop(struct vipd *);

/*
 * One check, started when used (tracked by an instance); NULL after
 * logging why. vipd_check_free stops and frees it (NULL is fine).
 */
struct vipd_check *vipd_check_new(struct vipd *, const struct conf_check *,
    bool used);
void vipd_check_free(struct vipd *, struct vipd_check *);

/* True if some instance of conf tracks conf->checks[idx]. */
bool vipd_check_tracked(const struct conf *, size_t idx);

/*
 * Re-derive inst's effective priority from its checks and maintenance
 * mode, and tell its state machine. Called on every verdict.
 */
void vipd_health_apply(struct vipd_instance *, uint64_t now);

/* A check's verdict changed: re-gate the instances that track it. */
void vipd_health_check_changed(struct vipd_check *, uint64_t now);

/*
 * After a new result: if the verdict moved from (was_known, was_ok), log
 * it and keep it in the history; then re-gate as above.
 */
void vipd_health_noted(struct vipd_check *, bool was_known, bool was_ok);

/*
 * Postfix master polls: fast for a check that an instance in MASTER
 * tracks (itself or through its sync group), slow otherwise. Called
 * after every state transition.
 */
void vipd_health_poll_update(struct vipd *);

/*
 * Re-read now the Postfix master state of every check inst tracks
 * (itself or through its sync group), before it takes over: a change
 * is applied (re-gate, FAULT) before this returns, and may move inst.
 */
void vipd_health_reread(struct vipd_instance *);

/* inst's checks and the priority they make, for vipctl status. */
json_t *vipd_health_json(const struct vipd_instance *);

/* How the effective priority and the state follow, for vipctl explain. */
json_t *vipd_health_explain(const struct vipd_instance *);

#endif
