/* SPDX-License-Identifier: ISC */
/* One virtual router: carries out its state machine's actions on the host. */
#ifndef VIPD_INSTANCE_H
#define VIPD_INSTANCE_H

#include "agent/vipd.h"
#include "agent/vips.h"
#include "netlink/nl_msg.h"

/* Bind inst to its configuration and interface; does not start it. */
int vipd_instance_init(struct vipd *, struct vipd_instance *,
    const struct conf_instance *, struct vipd_iface *);
void vipd_instance_free(struct vipd_instance *);

/* Leave INIT: Backup (or Master for an owner), or FAULT if the link is down. */
void vipd_instance_start(struct vipd_instance *, uint64_t now);

/* Resign on exit: a Master sends priority 0 and removes its VIPs. */
void vipd_instance_shutdown(struct vipd_instance *, uint64_t now);

/* A decoded advert for this instance's VRID arrived on its interface. */
void vipd_instance_rx(struct vipd_instance *, const struct vrrp_adv *,
    const struct vrrp_ipinfo *, uint64_t now);

/* A codec error attributed to this instance (by VRID). */
void vipd_instance_drop(struct vipd_instance *, int reason,
    const struct vrrp_ipinfo *, uint64_t now);

/*
 * Why inst cannot run now by itself (interface, address, socket, tracked
 * interface of weight 0), written into buf; NULL if it can.
 */
const char *vipd_instance_fault_own(struct vipd_instance *, char *buf,
    size_t len);

/* The interface's link (or its primary address) came or went. */
void vipd_instance_link(struct vipd_instance *, uint64_t now);

/* The kernel reports that addr was removed from ifindex. */
void vipd_instance_addr_gone(struct vipd_instance *, int ifindex,
    const struct nl_addr *, uint64_t now);

/* The address our adverts come from, or NULL if there is none yet. */
const uint8_t *vipd_instance_src(const struct vipd_instance *);

/* The VRRP multicast group of family, 16 bytes (zero past the family). */
const uint8_t *vipd_vrrp_group(int family);

/*
 * Feed ev to inst's state machine and carry out what it says. why, if not
 * NULL, is recorded as the reason of a transition it causes.
 */
void vipd_instance_fsm(struct vipd_instance *, const struct vrrp_fsm_event *,
    uint64_t now, const char *why);

#endif
