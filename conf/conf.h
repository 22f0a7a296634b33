/* SPDX-License-Identifier: ISC */
/* vipd configuration: keepalived.conf syntax parsed into struct conf. */
#ifndef VIPD_CONF_H
#define VIPD_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#define CONF_NAME_MAX		64	/* instance name, router_id, with NUL */
#define CONF_IFNAME_MAX		16	/* IFNAMSIZ, with NUL */
#define CONF_AUTH_PASS_LEN	8
#define CONF_VIPS_MAX		255	/* the advert's 8-bit address count */
#define CONF_INSTANCES_MAX	4096
#define CONF_ERRORS_MAX		50	/* a parse stops after this many */
#define CONF_WARNINGS_MAX	50
#define CONF_INCLUDE_DEPTH_MAX	8
#define CONF_FILE_MAX		(16u << 20)	/* bytes per file read */
#define CONF_PATH_MAX		4096	/* PATH_MAX, with NUL */
#define CONF_HOST_MAX		256	/* host or mail address, with NUL */
#define CONF_PEERS_MAX		255	/* unicast_peer addresses */
#define CONF_EXCLUDED_MAX	4096	/* virtual_ipaddress_excluded */
#define CONF_ROUTES_MAX		1024	/* per routes/rules/static block */
#define CONF_TRACK_IFS_MAX	64	/* track_interface entries */
#define CONF_TRACKS_MAX		64	/* track_check entries */
#define CONF_CHECKS_MAX		256	/* smtp_check + postfix_check blocks */
/* Every tracked check of an instance: track_check, _script, _file, _process. */
#define CONF_TRACKS_ALL_MAX	(4 * CONF_TRACKS_MAX)
#define CONF_WEIGHT_MAX		253	/* |weight| of a tracked item */
#define CONF_SYNC_MEMBERS_MAX	64	/* instances in one vrrp_sync_group */

enum conf_state {
	CONF_STATE_BACKUP = 0,
	CONF_STATE_MASTER = 1,
};

enum conf_auth {
	CONF_AUTH_NONE = 0,
	CONF_AUTH_PASS = 1,	/* the VRRPv2 auth type number */
};

struct conf_vip {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t addr[16];		/* network byte order */
	uint8_t prefixlen;		/* default 32 or 128 */
	char dev[CONF_IFNAME_MAX];	/* "" = the instance's interface */
	int line;
	/* keepalived's options of the line, as "ip address add" takes them */
	uint8_t scope;			/* RT_SCOPE_*; 0 = global */
	bool has_brd;			/* IPv4 broadcast */
	uint8_t brd[4];
	bool has_peer;			/* point-to-point peer, same family */
	uint8_t peer[16];
	char label[CONF_IFNAME_MAX];	/* IPv4 label, "" = none */
	uint32_t ifa_flags;		/* IFA_F_HOMEADDRESS, _NODAD, ... */
	/* keepalived: a deletion does not take the instance out of MASTER,
	 * which vipd never does anyway (it puts the address back). */
	bool no_track;
};

/*
 * A route of virtual_routes (installed while Master) or static_routes
 * (installed at start): keepalived's "ip route" line, the common subset.
 */
struct conf_route {
	int family;
	uint8_t dst[16];		/* network byte order, no host bits */
	uint8_t dst_len;		/* 0 = default */
	bool has_src;			/* src ADDR: preferred source */
	uint8_t src[16];
	bool has_gw;			/* via / gw ADDR */
	uint8_t gw[16];
	char dev[CONF_IFNAME_MAX];	/* "" = none */
	uint32_t table;			/* 0 = main */
	bool has_metric;		/* metric / priority / preference */
	uint32_t metric;
	bool has_scope;			/* else the kernel's default */
	uint8_t scope;
	uint8_t type;			/* RTN_*: 0 unicast, blackhole, ... */
	uint8_t tos;
	bool onlink;
	uint32_t mtu;			/* 0 = none */
	bool append;			/* "ip route append" */
	bool no_track;
	int line;
};

/* A policy rule of virtual_rules or static_rules ("ip rule"). */
struct conf_rule {
	int family;
	bool has_src;			/* from PREFIX; absent = all */
	uint8_t src[16];
	uint8_t src_len;
	bool has_dst;			/* to PREFIX */
	uint8_t dst[16];
	uint8_t dst_len;
	uint32_t table;			/* lookup / table; 0 = main */
	uint8_t action;			/* FR_ACT_*: 0 = lookup the table */
	bool has_priority;		/* priority / preference / pref */
	uint32_t priority;
	char iif[CONF_IFNAME_MAX];	/* "" = any */
	char oif[CONF_IFNAME_MAX];
	bool has_fwmark;
	uint32_t fwmark, fwmask;	/* fwmask 0 = all bits */
	uint8_t tos;
	bool invert;			/* "not" */
	bool no_track;
	int line;
};

/* A unicast_peer address: same family as the instance's VIPs. */
struct conf_peer {
	int family;
	uint8_t addr[16];
	/* Accepted TTL / hop limit of its adverts (keepalived's min_ttl,
	 * max_ttl); unless given, see conf_peer_min_ttl_default. */
	uint8_t min_ttl, max_ttl;
	int line;
};

/*
 * min_ttl of a peer line without TTL options (max_ttl is 255): IPv4 255,
 * an on-link peer, as keepalived sends unicast IPv4 with TTL 255; IPv6 0,
 * no check, as keepalived sends unicast IPv6 with the system's hop limit
 * (64) unless told unicast_ttl, so requiring 255 would break a pair.
 */
static inline uint8_t
conf_peer_min_ttl_default(int family)
{
	return family == AF_INET6 ? 0 : 255;
}

/* A track_interface entry. */
struct conf_track_if {
	char name[CONF_IFNAME_MAX];
	int weight;		/* -253..253; 0: interface down = FAULT */
	int line;
};

/*
 * A track_check, track_script, track_file or track_process entry, resolved:
 * which check, with which weight.
 */
struct conf_track {
	size_t check;		/* index into conf->checks */
	int weight;		/* the entry's, else the check's */
	int line;		/* 0: implicit (default_checks) */
	bool reverse;		/* keepalived's "weight N reverse" */
};

enum conf_starttls {
	CONF_STARTTLS_OFF = 0,
	CONF_STARTTLS_ON,	/* use it if offered; TLS trouble = degraded */
	CONF_STARTTLS_REQUIRED,	/* no STARTTLS or broken TLS = failed */
};

enum conf_check_type {
	CONF_CHECK_SMTP,
	CONF_CHECK_POSTFIX,
	CONF_CHECK_SCRIPT,	/* vrrp_script (conf_track.c) */
	CONF_CHECK_FILE,	/* track_file / vrrp_track_file */
	CONF_CHECK_PROCESS,	/* vrrp_track_process */
};

#define CONF_CMD_MAX		4096	/* a script command, with NUL */

/* vrrp_script settings (interval, timeout, rise, fall in struct conf_check). */
struct conf_check_script {
	char cmd[CONF_CMD_MAX];		/* as keepalived splits it, re-quoted */
	char user[CONF_NAME_MAX];	/* "" = global_defs script_user */
	char group[CONF_NAME_MAX];	/* "" = the user's group */
	bool init_fail;			/* failing until it first succeeds */
	bool reverse;			/* the block's "weight N reverse" */
};

/* track_file settings: the file holds a number, multiplied by the weight. */
struct conf_check_file {
	char path[CONF_PATH_MAX];
	bool init_file;			/* write init_value at start ... */
	bool overwrite;			/* ... even over an existing file */
	int32_t init_value;
	bool reverse;
};

enum conf_param_match {
	CONF_PARAM_NONE,		/* name only (comm, or argv[0]) */
	CONF_PARAM_EXACT,		/* every parameter, no more */
	CONF_PARAM_PARTIAL,		/* the parameters given, then any */
	CONF_PARAM_INITIAL,		/* as PARTIAL, the last one a prefix */
};

/* vrrp_track_process settings. */
struct conf_check_process {
	char name[CONF_PATH_MAX];	/* comm, or the command's argv[0] */
	char params[CONF_CMD_MAX];	/* NUL-separated, params_len bytes */
	size_t params_len;
	uint32_t nparams;
	enum conf_param_match param_match;
	bool full_command;		/* match /proc/PID/cmdline, not comm */
	uint32_t quorum, quorum_max;	/* running processes for success */
	uint64_t fork_delay_us;		/* quorum gained: wait this long */
	uint64_t terminate_delay_us;	/* quorum lost: wait this long */
	bool reverse;
};

/* smtp_check settings, defaults resolved. */
struct conf_check_smtp {
	int family;			/* of connect_ip */
	uint8_t addr[16];		/* connect_ip, network byte order */
	uint16_t port;			/* connect_port */
	char helo_name[CONF_HOST_MAX];	/* "" = the host name at run time */
	enum conf_starttls starttls;
	bool tls_verify;		/* chain verification; false if OFF */
	char tls_ca_file[CONF_PATH_MAX];	/* "" = the system store */
	char tls_server_name[CONF_HOST_MAX];	/* "" = no name check */
	uint32_t tls_days_warn;		/* fewer days left: degraded */
	uint32_t tls_days_crit;		/* fewer: failed if REQUIRED */
	char mail_from[CONF_HOST_MAX];	/* "" = null sender <> */
	char rcpt_to[CONF_HOST_MAX];	/* "" = no MAIL/RCPT/RSET step */
};

/* postfix_check settings, defaults resolved. */
struct conf_check_postfix {
	char config_dir[CONF_PATH_MAX];	/* holds main.cf */
	char queue_directory[CONF_PATH_MAX];	/* "" = main.cf's */
	uint32_t max_incoming_age_s;	/* 0 = no limit, for all five */
	uint32_t max_active_age_s;
	uint32_t max_deferred;
	uint32_t max_hold;
	uint32_t max_corrupt;
	uint64_t master_poll_us;	/* run-state re-read of the master */
};

/*
 * A health check: an smtp_check or postfix_check block, or one made by the
 * parser for default_checks (implicit: file NULL, line 0).
 */
struct conf_check {
	char name[CONF_NAME_MAX];
	enum conf_check_type type;
	bool implicit;
	const char *file;		/* owned by struct conf */
	int line;
	struct conf_check_smtp smtp;		/* CONF_CHECK_SMTP only */
	struct conf_check_postfix postfix;	/* CONF_CHECK_POSTFIX only */
	struct conf_check_script script;	/* CONF_CHECK_SCRIPT only */
	struct conf_check_file tfile;	/* CONF_CHECK_FILE only */
	struct conf_check_process process;	/* CONF_CHECK_PROCESS only */
	uint64_t interval_us;		/* postfix_check: of the queue scan */
	uint64_t timeout_us;		/* whole probe; 0 for postfix_check */
	uint64_t step_timeout_us;	/* per SMTP step; 0 for postfix_check */
	unsigned rise, fall;
	int weight;			/* -253..253; 0: failure = resign;
					 * scripts etc.: 0: failure = FAULT */
};

struct conf_instance {
	char name[CONF_NAME_MAX];
	const char *file;		/* owned by struct conf */
	int line;			/* of the vrrp_instance keyword */
	enum conf_state init_state;	/* default BACKUP */
	char interface[CONF_IFNAME_MAX];
	uint8_t vrid;
	uint8_t priority;		/* default 100 */
	uint8_t version;		/* 2 or 3, defaults applied */
	int family;			/* of the VIPs: AF_INET or AF_INET6 */
	uint32_t advert_int_cs;		/* centiseconds; v2: whole seconds */
	bool nopreempt;
	uint32_t preempt_delay_ms;
	uint8_t auth_type;		/* enum conf_auth; NONE with v3 */
	uint8_t auth_pass[CONF_AUTH_PASS_LEN];	/* zero-padded */
	struct conf_vip *vips;
	size_t nvips;			/* 1..CONF_VIPS_MAX */
	/* Added with the keepalived vocabulary and the health checks. */
	bool unicast;			/* adverts to peers, never multicast */
	bool has_unicast_src;
	uint8_t unicast_src[16];	/* instance family; source of adverts */
	struct conf_peer *peers;
	size_t npeers;			/* > 0 iff unicast */
	uint8_t unicast_ttl;		/* TTL of unicast adverts, default 255 */
	struct conf_vip *excluded;	/* managed like VIPs, not advertised, */
	size_t nexcluded;		/* of either family */
	struct conf_track_if *track_ifs;
	size_t ntrack_ifs;
	bool dont_track_primary;	/* interface down: no FAULT */
	/* use_vmac: a macvlan with the VRRP virtual MAC carries the VIPs. */
	bool use_vmac;
	char vmac_name[CONF_IFNAME_MAX];	/* set by the parser */
	bool vmac_xmit_base;		/* adverts on interface, not the vmac */
	char *notify_master;		/* raw command strings, NULL = none */
	char *notify_backup;
	char *notify_fault;
	char *notify_stop;
	char *notify;			/* + "INSTANCE" name state priority */
	uint32_t garp_master_delay_s;	/* second burst after this; 0 = none */
	uint32_t garp_master_repeat;	/* messages per burst */
	uint32_t garp_master_refresh_s;	/* periodic burst while MASTER; 0 off */
	uint32_t garp_master_refresh_repeat;
	uint32_t garp_lower_prio_delay_s;	/* MASTER hears a lower */
	uint32_t garp_lower_prio_repeat;	/* priority advert */
	bool lower_prio_no_advert;	/* no advert in reply to a lower one */
	bool higher_prio_send_advert;	/* advert before yielding */
	struct conf_track *tracks;	/* the health checks tracked */
	size_t ntracks;
	bool default_checks;		/* default on (see vipd.conf(5)) */
	bool health_strict;		/* unhealthy: out of the election */
	uint32_t notify_script_timeout_s;	/* notify scripts are killed
						 * after this; default 10 */
	bool strict;			/* strict_mode, or vrrp_strict */
	bool accept;			/* "accept" given (always true here) */
	struct conf_route *routes;	/* virtual_routes: while MASTER */
	size_t nroutes;
	struct conf_rule *rules;	/* virtual_rules: while MASTER */
	size_t nrules;
};

/* A vrrp_sync_group member: its name as written, resolved at the end. */
struct conf_sync_member {
	char name[CONF_NAME_MAX];
	size_t instance;		/* index into conf->instances */
	int line;
};

/*
 * A vrrp_sync_group: instances that change state together (keepalived's
 * semantics, see vipd.conf(5)).  Its track_interface entries apply to
 * every member, as keepalived's do.
 */
struct conf_sync_group {
	char name[CONF_NAME_MAX];
	const char *file;		/* owned by struct conf */
	int line;
	struct conf_sync_member *members;	/* 1..CONF_SYNC_MEMBERS_MAX */
	size_t nmembers;
	struct conf_track_if *track_ifs;
	size_t ntrack_ifs;
	/* Health checks (track_check) every member tracks besides its own. */
	struct conf_track *tracks;
	size_t ntracks;
	/* sync_group_tracking_weight (or the deprecated global_tracking):
	 * the members' own tracking keeps its weights. */
	bool tracking_weight;
	char *notify_master;		/* raw command strings, NULL = none */
	char *notify_backup;
	char *notify_fault;
	char *notify_stop;
	char *notify;			/* + "GROUP" name state 0 */
};

struct conf {
	char router_id[CONF_NAME_MAX];	/* "" = not set */
	uint8_t vrrp_version;		/* global default, 2 unless set */
	struct conf_instance *instances;
	size_t ninstances;
	char **files;			/* names of the files read */
	size_t nfiles;
	/* Added with the keepalived vocabulary and the health checks. */
	char script_user[CONF_NAME_MAX];	/* "" = not set */
	char script_group[CONF_NAME_MAX];	/* "" = the user's group */
	bool enable_script_security;
	/* The vrrp_garp_* defaults, as the instances' fields above. */
	uint32_t garp_master_delay_s;
	uint32_t garp_master_repeat;
	uint32_t garp_master_refresh_s;
	uint32_t garp_master_refresh_repeat;
	uint32_t garp_lower_prio_delay_s;
	uint32_t garp_lower_prio_repeat;
	uint32_t garp_interval_us;	/* between two GARPs on an interface */
	uint32_t gna_interval_us;	/* between two unsolicited NAs */
	bool lower_prio_no_advert;
	bool higher_prio_send_advert;
	bool skip_check_adv_addr;	/* address-list mismatch is no error */
	uint32_t notify_script_timeout_s;	/* the instances' default */
	char postfix_config_dir[CONF_PATH_MAX];	/* default /etc/postfix */
	int default_smtp_family;	/* default_smtp_ip, 127.0.0.1 */
	uint8_t default_smtp_ip[16];
	uint16_t default_smtp_port;	/* default 25 */
	/* metrics_listen ADDR:PORT: Prometheus /metrics; port 0 = off. */
	int metrics_family;
	uint8_t metrics_addr[16];
	uint16_t metrics_port;
	struct conf_check *checks;
	size_t nchecks;
	/* The daemon's scheduling and start (conf_sys.c). */
	uint8_t rt_priority;		/* SCHED_RR priority; 0: SCHED_OTHER */
	bool lock_memory;		/* mlockall(); default on */
	bool has_nice;
	int nice;			/* vrrp_priority, -20..19 */
	uint32_t rlimit_rttime_us;	/* RLIMIT_RTTIME; 0: left alone */
	uint64_t startup_delay_us;	/* vrrp_startup_delay */
	bool has_umask;
	uint32_t umask;
	bool strict;			/* vrrp_strict */
	/* notify_fifo, vrrp_notify_fifo: "" = none */
	struct conf_fifo {
		char path[CONF_PATH_MAX];
		char user[CONF_NAME_MAX];	/* owner if vipd makes it */
		char group[CONF_NAME_MAX];
		char script[CONF_PATH_MAX];	/* its reader; "" none */
		char script_user[CONF_NAME_MAX];	/* as given; */
		char script_group[CONF_NAME_MAX];	/* = script_user's */
	} fifo[2];
	/* static_ipaddress, static_routes, static_rules: from start to stop */
	struct conf_vip *static_addrs;
	size_t nstatic_addrs;
	struct conf_route *static_routes;
	size_t nstatic_routes;
	struct conf_rule *static_rules;
	size_t nstatic_rules;
	struct conf_sync_group *sync_groups;	/* vrrp_sync_group blocks */
	size_t nsync_groups;
};

#define CONF_RT_PRIORITY_DEFAULT	10	/* modest: below kernel threads */

enum conf_severity {
	CONF_SEV_ERROR,
	CONF_SEV_WARNING,
};

struct conf_diag_msg {
	enum conf_severity severity;
	char *text;	/* "file:line: msg" or "file:line: warning: msg" */
};

/*
 * Errors and warnings of one parse, in the order found.  Zero-initialise
 * before use ("struct conf_diag d = {0};"), release with conf_diag_free().
 */
struct conf_diag {
	struct conf_diag_msg *msgs;
	size_t nmsgs;
	size_t cap;
	size_t nerrors;
	size_t nwarnings;
};

/*
 * Parse a configuration held in memory.  Pure: no I/O; an "include" in the
 * text is an error since there is nothing to read it from.
 *
 * @filename: name used in messages.
 * @diag: receives every error and warning (appended).
 *
 * Returns the configuration, or NULL if there was any error (then diag holds
 * at least one error) or memory ran out.
 */
struct conf *conf_parse_buf(const char *filename, const char *buf, size_t len,
    struct conf_diag *diag);

/*
 * Read and parse the file @path, following "include PATTERN" statements
 * (glob(3) patterns, relative to the including file's directory, at most
 * CONF_INCLUDE_DEPTH_MAX levels deep).
 *
 * Returns the configuration, or NULL on any error, reported in @diag.
 */
struct conf *conf_load(const char *path, struct conf_diag *diag);

/* What keepalived's -i and -e change in reading a configuration. */
struct conf_load_opts {
	/*
	 * Lines "@ID ..." are read only if ID is config_id, lines "@^ID ..."
	 * only if it is not; NULL matches no ID.  $_INSTANCE is config_id.
	 */
	const char *config_id;
	bool all_config;	/* an include matching no file is an error */
};

/* conf_load() with options (@o NULL: none). */
struct conf *conf_load_with(const char *path, const struct conf_load_opts *o,
    struct conf_diag *diag);

void conf_free(struct conf *conf);
void conf_diag_free(struct conf_diag *diag);

/*
 * Write @conf in canonical keepalived syntax: every value explicit, defaults
 * filled in, fixed order, implicit health checks and what each instance
 * tracks written out.  The output parses back to an identical struct (line
 * numbers and the implicit flag aside).
 */
void conf_print(FILE *out, const struct conf *conf);

/*
 * The canonical one-line form of a route, a rule, or an address with its
 * options, as conf_print() writes it and vipctl status shows it. The text
 * is cut to fit @len (which should be at least CONF_LINE_MAX).
 */
#define CONF_LINE_MAX	256
void conf_route_str(const struct conf_route *r, char *buf, size_t len);
void conf_rule_str(const struct conf_rule *r, char *buf, size_t len);
void conf_vip_str(const struct conf_vip *v, char *buf, size_t len);

/*
 * One line per instance saying which health checks it tracks and what each
 * looks at (what `vipd -t` prints), e.g.
 * "VI_1: tracks default_smtp (smtp 127.0.0.1:25, weight 0); ...", then one
 * per sync group ("sync group MAIL: VI_1, VI_2 move together").
 */
void conf_print_tracks(FILE *out, const struct conf *conf);

/* The sync group @instance (an index into conf->instances) belongs to. */
const struct conf_sync_group *conf_sync_group_of(const struct conf *conf,
    size_t instance);

#endif
