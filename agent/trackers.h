/* SPDX-License-Identifier: ISC */
/* keepalived's trackers in the daemon: vrrp_script, track_file, vrrp_track_process. */
#ifndef VIPD_TRACKERS_H
#define VIPD_TRACKERS_H

#include <jansson.h>

#include "agent/vipd.h"
#include "lib/cred.h"

/* Start one tracker; a tracker that cannot run fails, it does not stop
 * vipd. 0, or -1 (logged) when memory or the event loop fails. */
int vipd_script_setup(struct vipd_check *);
int vipd_file_setup(struct vipd_check *);
int vipd_proc_setup(struct vipd_check *);
/* Release what the setup took; fine on a check that has none. */
void vipd_proc_stop(struct vipd_check *);
/* Process details for vipctl status, added to @o. */
void vipd_proc_json(const struct vipd_check *, json_t *o);

/* The identity vrrp_script @c runs as (its user, else script_user). */
int vipd_script_cred(const struct conf *, const struct conf_check *c,
    struct cred *cred, char *why, size_t whylen);

/*
 * argv (PATH resolved) and identity of vrrp_script @c, checked as they
 * will be run (vipd -t reports the same). 0, or -1 with why.
 */
int vipd_script_prepare(const struct conf *, const struct conf_check *c,
    char ***argv, struct cred *cred, char *why, size_t whylen);

#endif
