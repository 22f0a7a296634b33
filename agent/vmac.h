/* SPDX-License-Identifier: ISC */
/* use_vmac: the macvlans with the VRRP virtual MAC that carry instances' VIPs. */
#ifndef VIPD_VMAC_H
#define VIPD_VMAC_H

#include "agent/vipd.h"

/* The interface that holds an instance's VIPs: its VMAC, or interface. */
const char *vipd_vmac_ifname(const struct conf_instance *);

/* The interface an instance's adverts use (vmac_xmit_base: the base). */
const char *vipd_vmac_xmit_ifname(const struct conf_instance *);

/*
 * Create (or adopt) the macvlan of every use_vmac instance of v->conf
 * that has none yet, or whose link has gone, set the sysctls it needs and
 * bring it up. Failures are logged and recorded: the instance then stays
 * in FAULT (see vipd_vmac_fault()). Call before interfaces are refreshed,
 * and again when links change.
 */
void vipd_vmac_setup(struct vipd *);

/* Why the instance's VMAC cannot be used, or NULL. */
const char *vipd_vmac_fault(const struct vipd *, const struct conf_instance *);

/*
 * At exit: delete the macvlans vipd created (never one it found) and
 * put back the base interfaces' arp_ignore / arp_filter.
 */
void vipd_vmac_teardown(struct vipd *);

#endif
