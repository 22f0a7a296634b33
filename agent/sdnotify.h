/* SPDX-License-Identifier: ISC */
/* systemd notification (Type=notify): readiness, status line, reload, stop and the watchdog. */
#ifndef VIPD_SDNOTIFY_H
#define VIPD_SDNOTIFY_H

#include "agent/vipd.h"

/*
 * Start talking to systemd when NOTIFY_SOCKET is set: a STATUS= line
 * with the instances' states whenever it changes (looked at every
 * VIPD_SD_STATUS_US), and WATCHDOG=1 every WatchdogSec/2 when
 * WATCHDOG_USEC is set for us. Without NOTIFY_SOCKET every call is a
 * no-op. Returns 0, or -1 (out of memory).
 */
int vipd_sd_start(struct vipd *);
void vipd_sd_stop(struct vipd *);

/* READY=1 with the first STATUS=. */
void vipd_sd_ready(struct vipd *);

/* RELOADING=1 before a reload; READY=1 and the new STATUS= after it. */
void vipd_sd_reloading(struct vipd *);
void vipd_sd_reloaded(struct vipd *, bool ok);

/* STOPPING=1 as shutdown begins. */
void vipd_sd_stopping(struct vipd *);

#define VIPD_SD_STATUS_US	500000u

#endif
