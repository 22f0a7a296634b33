/* SPDX-License-Identifier: ISC */
/* keepalived's notify FIFOs: a line per state change, for a reader's script. */
#ifndef VIPD_FIFO_H
#define VIPD_FIFO_H

#include <stdint.h>

#include "conf/conf.h"

struct vipd_fifo;
struct loop;

/*
 * Open notify_fifo and vrrp_notify_fifo: made (mode 0644, then chowned to
 * the user/group given) if missing, opened read-write and non-blocking so
 * that a missing reader never blocks or kills vipd; start each one's
 * notify_fifo_script (as script_user, the FIFO's path appended) and watch
 * it on @loop.  Returns NULL when none is configured or on failure (logged:
 * vipd runs without the FIFO, as keepalived does).
 */
struct vipd_fifo *vipd_fifo_open(const struct conf *c, struct loop *loop);

/*
 * Write keepalived's line `INSTANCE "NAME" STATE PRIORITY` to each FIFO; a
 * full FIFO drops the line (counted, logged at most once a minute).
 */
void vipd_fifo_state(struct vipd_fifo *f, const char *instance,
    const char *state, unsigned priority);

/* Close, and remove the FIFOs vipd made.  NULL is allowed. */
void vipd_fifo_close(struct vipd_fifo *f);

#endif
