/* SPDX-License-Identifier: ISC */
/* The daemon's state: interfaces, instances and the services they share. */
#ifndef VIPD_VIPD_H
#define VIPD_VIPD_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <sys/socket.h>

#include "conf/conf.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "healthcheck/master.h"
#include "healthcheck/queue.h"
#include "healthcheck/proc.h"
#include "healthcheck/script.h"
#include "healthcheck/trackfile.h"
#include "healthcheck/smtp_probe.h"
#include "healthcheck/tls.h"
#include "vrrp/fsm.h"
#include "vrrp/pkt.h"

#include "lib/version.h"

/* Drops not produced by the codec, counted per instance. */
enum vipd_drop {
	VIPD_DROP_VERSION = VRRP_PKT_ERR__MAX,	/* version differs from ours */
	VIPD_DROP_INTERVAL,	/* v2: interval differs from ours */
	VIPD_DROP_AUTH,		/* v2: auth type or password mismatch */
	VIPD_DROP_DST,		/* not sent to the VRRP group */
	VIPD_DROP_OWN,		/* our own advert looped back */
	VIPD_DROP_NOT_PEER,	/* unicast: not from a unicast_peer */
	VIPD_DROP_OWNER_CONFLICT, /* a peer claims 255 while we own the VIPs */
	VIPD_DROP_OTHER_VR,	/* same VRID, no address in common */
	VIPD_DROP_UNICAST_TTL,	/* unicast: TTL outside the peer's range */
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
	uint64_t address_list_mismatch;	/* overlapping set: obeyed, logged */
	uint64_t prio0_ignored;		/* priority 0 not from our Master */
	uint64_t rival_master;		/* lower-priority Master heard */
	uint64_t send_errors;
	uint64_t drops[VIPD_DROP__MAX];
};

/*
 * The last advert of another virtual router on our VRID and link (no
 * address in common with ours): dropped, and shown in status.
 */
#define VIPD_COLLISION_ADDRS	8
struct vipd_collision {
	uint64_t count;			/* 0: none seen */
	int family;
	uint8_t src[16];
	uint8_t priority;
	uint8_t naddr;			/* in the advert */
	uint8_t addrs[VIPD_COLLISION_ADDRS * 16];	/* the first ones */
	struct timespec at;		/* wall clock, for status only */
};

struct vipd_transition {
	enum vrrp_state from, to;
	char reason[128];
	struct timespec at;		/* wall clock, for status only */
	bool valid;
};

struct vipd;
struct vipd_sync;

/* A running health check (one per conf->checks entry that is tracked). */
struct vipd_check {
	struct vipd *vipd;
	const struct conf_check *conf;
	bool used;			/* tracked by some instance */
	bool known;			/* has given a first verdict */
	bool ok;			/* passing, after rise and fall */
	unsigned streak;		/* verdicts in a row against ok */
	enum hc_class cls;		/* the last raw verdict */
	char reason[320];
	uint64_t latency_us;
	struct timespec at;		/* wall time of the last verdict */
	uint64_t runs, failures;
	/* smtp_check */
	struct hc_smtp_conf smtp_conf;
	struct hc_tls_ctx *tls;
	struct hc_smtp_probe *probe;
	struct loop_timer timer;
	struct hc_smtp_result smtp;
	bool have_smtp;
	/* postfix_check: master liveness and the queue */
	char queue_dir[4096];
	struct hc_master *master;
	struct hc_queue *queue;
	struct hc_master_result mres;
	struct hc_queue_result qres;
	bool have_master, have_queue;
	/* vrrp_script */
	struct hc_script *script;
	struct hc_script_state sstate;
	char cmdline[256];		/* argv as run, for status */
	/* vrrp_track_process */
	struct hc_proc *proc;
	struct hc_proc_spec pspec;
	size_t pcount;			/* matching processes */
	/* track_file */
	struct hc_trackfile *tfile;
	int64_t fvalue;			/* the number last read */
};

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
	struct vipd_iface *iface;	/* VIPs, GARP, link state: the VMAC
					 * with use_vmac */
	struct vipd_iface *base;	/* interface: advert source address */
	struct vipd_iface *xif;		/* where adverts go and come from */
	struct vrrp_fsm fsm;
	struct loop_timer timer;	/* the FSM's one deadline */
	struct loop_timer garp_timer;	/* second GARP burst */
	struct loop_timer refresh_timer;	/* VIP lifetime refresh */
	bool vips_installed;
	uint8_t *vip_own;		/* per address (vips, then excluded):
					 * enum vipd_vip_own, see vips.h */
	struct log_ratelimit vip_rl;	/* address add/refresh failures */
	struct vipd_routes *routes;	/* virtual_routes, virtual_rules */
	bool fault;			/* held in FAULT by a condition */
	char fault_reason[96];
	struct vipd_counters cnt;
	struct vipd_transition last;
	/* Transitions by the state entered and the reason, for metrics. */
	uint64_t transitions[VRRP_STATE_FAULT + 1][VRRP_REASON_COUNT];
	struct log_ratelimit rl;
	char misconfig[160];		/* last misconfigured peer, and how */
	struct vipd_collision collision;	/* another VR on our VRID */
	struct log_ratelimit collision_rl;	/* its warnings */
	struct log_ratelimit rival_rl;	/* GARP bursts for rival Masters */
	bool health_ready;		/* every tracked check has a verdict */
	bool tracker_fault;		/* a weight-0 tracker says FAULT */
	char tracker_fault_name[64];
	bool maintenance;		/* vipctl maintenance on */
	char maintenance_note[160];	/* outcome of the last handover */
	const char *why;		/* reason for the next transition */
	bool rereading;			/* in vipd_health_reread */
	char **notify_argv[5];		/* split notify_master, _backup,
					 * _fault, _stop, notify; NULL = none */
	/* Its own script queue and timeout: a hanging script of one
	 * instance does not hold back another's. NULL: no scripts. */
	struct notify *notify;
	struct loop_timer garp_refresh_timer;	/* garp_master_refresh */
	struct loop_timer garp_lower_timer;	/* garp_lower_prio_* */
	struct loop_timer release_timer;	/* VIPs kept briefly after yielding */
	struct loop_timer announce_timer;	/* paced GARP/NA rounds */
	unsigned announce_left;		/* rounds still to send */
	struct vipd_sync *sync;		/* its vrrp_sync_group, or NULL */
};

/* A vrrp_sync_group at run time (agent/sync.c). */
struct vipd_sync {
	struct vipd *vipd;
	const struct conf_sync_group *conf;
	struct vipd_instance **members;	/* parallel to conf->members */
	size_t n;
	enum vrrp_state state;		/* as last reported (notify) */
	struct vipd_transition last;
	bool busy;			/* moving its members */
	size_t *queue;			/* members whose moves wait */
	enum vrrp_state *queue_from;
	size_t nqueue;
	char **notify_argv[5];		/* as vipd_instance's */
	struct notify *notify;
};

struct vipd_routes;

struct vipd {
	struct loop *loop;
	struct conf *conf;
	struct nl *nl;
	struct ctl_server *ctl;
	struct vipd_iface *ifaces;
	size_t nifaces;
	struct vipd_vmac *vmacs;	/* use_vmac macvlans (vmac.c) */
	size_t nvmacs;
	struct vipd_instance **insts;	/* each allocated alone: timers,
					 * probes and scripts keep pointers
					 * across a reload */
	size_t ninsts;
	struct vipd_sync *syncs;	/* parallel to conf->sync_groups */
	size_t nsyncs;
	struct vipd_check **checks;	/* parallel to conf->checks */
	size_t nchecks;
	struct vipd_fifo *fifo;		/* notify_fifo & co, or NULL */
	struct vipd_history *history;	/* recent events, for vipctl */
	struct vipd_metrics_http *metrics;	/* metrics_listen, or NULL */
	struct timespec started_at;
	/* The configuration file, and when it was last loaded (status). */
	char conf_path[CONF_PATH_MAX];
	char config_id[256];		/* -i, else the host name */
	struct conf_load_opts load_opts;	/* how conf_path is read */
	struct timespec loaded_at;
	uint64_t reloads, reloads_failed;
	char dump_dir[CONF_PATH_MAX];	/* SIGUSR1/SIGUSR2 dumps go here */
	struct vipd_sd *sd;		/* systemd notification, or NULL */
	/* Instances a reload removed whose notify_stop may still run. */
	struct vipd_instance **retired;
	size_t nretired;
	bool bounding_dropped;		/* no scripts at start: see privs.h */
	uint32_t vip_lifetime_s;	/* VIPs expire unless refreshed */
	struct vipd_routes *statics;	/* static_ipaddress, _routes, _rules */
	struct loop_timer statics_timer;	/* retries what failed */
	int exit_code;
};

#endif
