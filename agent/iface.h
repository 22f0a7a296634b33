/* SPDX-License-Identifier: ISC */
/* Interfaces: link state, primary address, VRRP and ARP sockets, receive demultiplexing. */
#ifndef VIPD_IFACE_H
#define VIPD_IFACE_H

#include <stddef.h>

#include "agent/vipd.h"
#include "netlink/nl_msg.h"

/* Find or add an interface by name (not opened yet); NULL if out of memory. */
struct vipd_iface *vipd_iface_get(struct vipd *, const char *name);

/* The interface called name, or NULL; never adds one. */
struct vipd_iface *vipd_iface_find(struct vipd *, const char *name);

/* Learn ifindex, link state, MAC and primary address from the kernel. */
void vipd_iface_refresh(struct vipd *, struct vipd_iface *);

/*
 * Open the VRRP sockets its instances need (one per family) and the
 * announcement socket, and watch them in the loop.
 */
int vipd_iface_open(struct vipd *, struct vipd_iface *);
void vipd_iface_close(struct vipd *, struct vipd_iface *);

/* Apply a netlink event (link or address change) to interfaces and instances. */
void vipd_iface_nl_event(const struct nl_event *, void *vipd);

#endif
