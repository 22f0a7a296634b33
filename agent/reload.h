/* SPDX-License-Identifier: ISC */
/* Hitless reload: the new configuration is checked whole, then applied as the smallest change. */
#ifndef VIPD_RELOAD_H
#define VIPD_RELOAD_H

#include <jansson.h>

#include "agent/vipd.h"

/*
 * Read v->conf_path again. If it has any error, nothing changes: every
 * "file:line: message" is logged and returned. Otherwise instances are
 * matched by name (with the same VRID, interface, family and version):
 * an unchanged one keeps its state, timers, VIPs and counters; a changed
 * one takes the new settings in place (priority advertised at once, VIPs
 * added or removed while Master, interval from the next advert); a new
 * one starts as Backup; a removed one stops (priority 0, VIPs deleted,
 * notify_stop). Unchanged checks keep their history. Returns 0 or -1 and,
 * in *report (NULL if out of memory), a JSON object: "reloaded", "file",
 * "errors", "warnings", "unchanged", "changed", "added", "removed".
 */
int vipd_reload(struct vipd *, json_t **report);

#endif
