/* SPDX-License-Identifier: ISC */
/* The daemon's state: interfaces, instances and the services they share. */
#ifndef VIPD_VIPD_H
#define VIPD_VIPD_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <sys/socket.h>

#include "agent/conf.h"
#include "agent/log.h"
#include "agent/loop.h"
#include "vrrp/fsm.h"
#include "vrrp/pkt.h"

#include "agent/version.h"

/* Drops not produced by the codec, counted per instance. */
enum vipd_drop {
	VIPD_DROP_VERSION = VRRP_PKT_ERR__MAX,	/* version differs from ours */
	VIPD_DROP_INTERVAL,	/* v2: interval differs from ours */
	VIPD_DROP_AUTH,		/* v2: auth type or password mismatch */
	VIPD_DROP_DST,		/* not sent to the VRRP group */
	VIPD_DROP_OWN,		/* our own advert looped back */
	VIPD_DROP_OWNER_CONFLICT, /* a peer claims 255 while we own the VIPs */
	VIPD_DROP__MAX
};
const char *vipd_drop_name(int reason);

struct vipd_counters {
	uint64_t adverts_received;
	uint64_t adverts_sent;
	uint64_t became_master;
	uint64_t prio0_received;
	uint64_t prio0_sent;
	uint64_t garp_sent;
	uint64_t address_list_mismatch;	/* counted, logged, not dropped */
	uint64_t send_errors;
	uint64_t drops[VIPD_DROP__MAX];
};

struct vipd_transition {
	enum vrrp_state from, to;
	char reason[128];
	struct timespec at;		/* wall clock, for status only */
	bool valid;
};

struct vipd;

/* Index of a family in per-family arrays. */
static inline int
vipd_afi(int family)
{
	return family == AF_INET6 ? 1 : 0;
}

static inline size_t
vipd_alen(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

struct vipd_iface {
	struct vipd *vipd;
	char name[16];
	int ifindex;			/* 0 = not present */
	bool up;
	uint8_t mac[6];
	/* Per family: [0] IPv4, [1] IPv6 (see vipd_afi). */
	struct vipd_iface_af {
		bool has_src;		/* primary IPv4 / IPv6 link-local */
		uint8_t src[16];
		int fd;			/* raw IPPROTO_VRRP socket, -1 if none */
	} af[2];
	int pktfd;			/* AF_PACKET for GARP, -1 if none */
	uint64_t drops_unknown_vrid;
	uint64_t drops_undecodable;
	struct log_ratelimit rl;
};

struct vipd_instance {
	struct vipd *vipd;
	const struct conf_instance *conf;
	struct vipd_iface *iface;
	struct vrrp_fsm fsm;
	struct loop_timer timer;	/* the FSM's one deadline */
	struct loop_timer garp_timer;	/* second GARP burst */
	struct loop_timer refresh_timer;	/* VIP lifetime refresh */
	bool vips_installed;
	bool fault;			/* held in FAULT by a condition */
	char fault_reason[96];
	struct vipd_counters cnt;
	struct vipd_transition last;
	struct log_ratelimit rl;
	char mismatch_peer[64];		/* last peer with another VIP list */
};

struct vipd {
	struct loop *loop;
	struct conf *conf;
	struct nl *nl;
	struct ctl_server *ctl;
	struct vipd_iface *ifaces;
	size_t nifaces;
	struct vipd_instance *insts;
	size_t ninsts;
	struct timespec started_at;
	uint32_t vip_lifetime_s;	/* VIPs expire unless refreshed */
	unsigned garp_repeat;		/* GARPs per VIP per burst */
	uint64_t garp_delay_us;		/* delay of the second burst */
	int exit_code;
};

#endif
