/* SPDX-License-Identifier: ISC */
/* Daemon setup and teardown: interfaces, instances, netlink and control wired into the loop. */
#ifndef VIPD_DAEMON_H
#define VIPD_DAEMON_H

#include "agent/vipd.h"

/*
 * Take ownership of conf and bring everything up: leftover VIPs removed,
 * sockets open, instances started, control socket at sockpath. Returns 0,
 * or -1 after logging why.
 */
int vipd_setup(struct vipd *, struct conf *conf, const char *sockpath);

/* Resign every instance (priority 0, VIPs removed) and release everything. */
void vipd_teardown(struct vipd *);

#endif
