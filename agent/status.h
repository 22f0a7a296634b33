/* SPDX-License-Identifier: ISC */
/* What `vipctl status` shows: the daemon's state as a JSON object. */
#ifndef VIPD_STATUS_H
#define VIPD_STATUS_H

#include <jansson.h>

#include "agent/vipd.h"

/* A new JSON object describing every instance; NULL if out of memory. */
json_t *vipd_status_json(const struct vipd *);

/* "2026-11-28T08:00:03.512Z"; buf needs 32 bytes. */
const char *vipd_wall_str(const struct timespec *, char *buf, size_t len);

/* An instance's advert, GARP and drop counters (every drop reason). */
json_t *vipd_counters_json(const struct vipd_counters *);

#endif
