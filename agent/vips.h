/* SPDX-License-Identifier: ISC */
/* An instance's addresses on the host: add, delete, keep alive, announce. */
#ifndef VIPD_VIPS_H
#define VIPD_VIPS_H

#include "agent/vipd.h"
#include "netlink/nl_msg.h"

/*
 * Add the VIPs and excluded addresses with the daemon's lifetime; re-adding
 * refreshes it. quiet: log failures only.
 */
void vipd_vips_add(struct vipd_instance *, bool quiet);

/* Delete them; absent ones are fine. */
void vipd_vips_del(struct vipd_instance *);

/* Set up the announcement timer; once, before any other call. */
void vipd_vips_init(struct vipd_instance *);

/*
 * One burst of repeat rounds, each a GARP per IPv4 address and an
 * unsolicited NA per IPv6 one; rounds are paced by vrrp_garp_interval /
 * vrrp_gna_interval when set.
 */
void vipd_vips_announce(struct vipd_instance *, unsigned repeat);

/* Forget rounds still to send (leaving MASTER). */
void vipd_vips_announce_stop(struct vipd_instance *);

/* True if (ifindex, a) is one of inst's addresses. */
bool vipd_vips_match(const struct vipd_instance *, int ifindex,
    const struct nl_addr *a);

/* Format a family-length address; buf needs INET6_ADDRSTRLEN bytes. */
const char *vipd_addr_str(int family, const uint8_t *addr, char *buf,
    size_t len);

#endif
