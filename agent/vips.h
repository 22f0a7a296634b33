/* SPDX-License-Identifier: ISC */
/* An instance's addresses on the host: add, delete, keep alive, announce. */
#ifndef VIPD_VIPS_H
#define VIPD_VIPS_H

#include "agent/vipd.h"
#include "netlink/nl_msg.h"

/*
 * Address ownership. vipd touches only addresses it installed itself: they
 * carry IFA_PROTO VIPD_ADDR_PROTO and a finite lifetime. On kernels
 * without IFA_PROTO (before 6.1) the signature is a finite valid lifetime
 * no longer than vipd's. Any other address equal to a VIP (a permanent one
 * set by hand, one with another lifetime or protocol) is never deleted nor
 * replaced; the VIP is then served by that address.
 */
#define VIPD_ADDR_PROTO	0x76	/* 'v'; "ip addr" shows "proto 0x76" */

enum vipd_vip_own {
	VIPD_VIP_ABSENT,	/* not on the host, as far as we know */
	VIPD_VIP_OURS,		/* installed by vipd */
	VIPD_VIP_FOREIGN,	/* present, installed by someone else */
};

/* True if the address in ev (RTM_NEWADDR) bears vipd's signature. */
bool vipd_addr_is_ours(const struct nl_event *ev, uint32_t lifetime_s);

/*
 * Add the VIPs and excluded addresses with the daemon's lifetime; re-adding
 * one of ours refreshes it, one installed by someone else is left alone.
 * quiet: log failures only.
 */
void vipd_vips_add(struct vipd_instance *, bool quiet);

/* Delete those vipd installed; absent and foreign ones are left. */
void vipd_vips_del(struct vipd_instance *);

/* Set up the announcement timer and ownership; once, before any other call. */
int vipd_vips_init(struct vipd_instance *);
void vipd_vips_free(struct vipd_instance *);

/* The kernel reports an address change on ifindex: track ownership. */
void vipd_vips_seen(struct vipd_instance *, const struct nl_event *);

/*
 * nl_async_read() callback (arg: the struct vipd): a refresh of req failed;
 * NL_EV_NONE when the kernel did not say which address (then all).
 */
void vipd_vips_refresh_failed(const struct nl_event *req, int error,
    void *arg);

/*
 * A reload gives inst the configuration c (before inst->conf is set to
 * it): addresses kept keep their ownership, new ones start absent.
 */
void vipd_vips_reconf(struct vipd_instance *, const struct conf_instance *c);

/* True if v, one of inst's current addresses, was installed by vipd. */
bool vipd_vips_owned(const struct vipd_instance *, const struct conf_vip *v);

/* Notifications were lost: ask the kernel who owns each address. */
void vipd_vips_resync(struct vipd_instance *);

/*
 * At start: delete what an earlier vipd left (our signature) and warn
 * about each VIP present as an address vipd did not install.
 */
void vipd_vips_sweep(struct vipd *);

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
