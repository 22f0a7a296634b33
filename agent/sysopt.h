/* SPDX-License-Identifier: ISC */
/* The daemon's scheduling, memory locking and limits, from conf and options. */
#ifndef VIPD_SYSOPT_H
#define VIPD_SYSOPT_H

#include "conf/conf.h"
#include "agent/options.h"

/*
 * Apply umask, core dumps, nice (vrrp_priority), RLIMIT_RTTIME, mlockall
 * (vrrp_no_swap, on by default) and SCHED_RR (vrrp_rt_priority, by default
 * CONF_RT_PRIORITY_DEFAULT; children are reset to SCHED_OTHER).  What the
 * kernel refuses is logged and vipd goes on.  Call after logging starts.
 */
void vipd_sys_apply(const struct conf *c, const struct vipd_options *o);

/* Wait vrrp_startup_delay, logging it, before VRRP starts. */
void vipd_sys_startup_delay(const struct conf *c);

/* Log the canonical configuration, line by line (-d). */
void vipd_sys_dump_conf(const struct conf *c);

#endif
