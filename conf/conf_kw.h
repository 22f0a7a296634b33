/* SPDX-License-Identifier: ISC */
/* Parser internals shared by the conf_*.c files (engine, keywords, checks). */
#ifndef VIPD_CONF_KW_H
#define VIPD_CONF_KW_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_lex.h"

#define CONF_ARGS_MAX	32	/* words kept per statement: a route line */
#define CONF_SEEN_MAX	64	/* keywords per block table */

enum conf_blk {
	CONF_BLK_NONE,		/* a keyword that opens no block */
	CONF_BLK_TOP,
	CONF_BLK_GLOBAL,
	CONF_BLK_INSTANCE,
	CONF_BLK_AUTH,
	CONF_BLK_SMTP_CHECK,
	CONF_BLK_POSTFIX_CHECK,
	CONF_BLK_SCRIPT,	/* vrrp_script (conf_track.c) */
	CONF_BLK_FILE,		/* track_file / vrrp_track_file at top level */
	CONF_BLK_PROCESS,	/* vrrp_track_process */
	CONF_BLK_SYNC,		/* vrrp_sync_group */
	/* List blocks: each line is an item, not a keyword. */
	CONF_BLK_VIPS,
	CONF_BLK_EXCLUDED,
	CONF_BLK_PEERS,
	CONF_BLK_TRACK_IF,
	CONF_BLK_TRACK_CHECK,
	CONF_BLK_TRACK_SCRIPT,	/* in an instance (conf_track.c) */
	CONF_BLK_TRACK_FILE,
	CONF_BLK_TRACK_PROCESS,
	CONF_BLK_VROUTES,	/* virtual_routes */
	CONF_BLK_VRULES,	/* virtual_rules */
	CONF_BLK_SADDRS,	/* static_ipaddress */
	CONF_BLK_SROUTES,	/* static_routes */
	CONF_BLK_SRULES,	/* static_rules */
	CONF_BLK_SYNC_MEMBERS,	/* vrrp_sync_group's "group" */
	CONF_BLK_SYNC_TRACK_IF,	/* vrrp_sync_group's track_interface */
	CONF_BLK_SYNC_TRACK_CHECK,	/* vrrp_sync_group's track_check */
	CONF_BLK_SYNC_TRACK_SCRIPT,	/* and its track_script, _file, */
	CONF_BLK_SYNC_TRACK_FILE,	/* _process (conf_track.c parses */
	CONF_BLK_SYNC_TRACK_PROCESS,	/* the lines) */
	CONF_BLK_COUNT
};

/* One statement: the words of a line up to a brace or the end of line. */
struct conf_stmt {
	int line;
	size_t argc;		/* words stored in argv, keyword included */
	size_t nwords;		/* words seen, possibly more than argc */
	bool bad;		/* had a lexical error: not dispatched */
	char *argv[CONF_ARGS_MAX];
	char buf[CONF_ARGS_MAX][CONF_TOKEN_MAX + 1];
	char scratch[CONF_TOKEN_MAX + 1];
};

/* Where something was written, for messages after the fact. */
struct conf_where {
	const char *file;
	int line;		/* 0: absent */
};

/* A track_check (or track_script, ...) line, resolved at the end. */
struct conf_ptrack {
	char name[CONF_NAME_MAX];
	int weight;
	bool has_weight;
	struct conf_where at;
	enum conf_check_type type;	/* track_script etc. only */
	bool reverse;			/* "weight N reverse" */
	bool reverse_set;		/* reverse or noreverse given */
};

/* Parse-time facts about an instance that struct conf_instance lacks. */
struct conf_pinst {
	struct conf_where seen[CONF_SEEN_MAX];	/* each instance keyword */
	struct conf_where seen_auth[2];
	struct conf_where advert, version, auth;
	uint64_t advert_us;		/* UINT64_MAX: not representable */
	char advert_raw[CONF_REPR_MAX];
	bool auth_bad;			/* auth_type was wrong: reported */
	int vip_lines;
	int peer_lines;
	int track_check_lines;
	struct conf_where peers_at;		/* the blocks, if opened */
	struct conf_where track_check_at;
	int src_family;			/* of unicast_src_ip */
	struct conf_ptrack *ptracks;
	size_t nptracks;
	/* notify_master, _backup, _fault, _stop, notify: "CMD [user [group]]" */
	char notify_user[5][CONF_NAME_MAX];
	char notify_group[5][CONF_NAME_MAX];
	struct conf_where notify_at[5];
	bool drop;			/* left out after parsing (no VIP) */
	struct conf_ptrack *xtracks;	/* track_script, _file, _process */
	size_t nxtracks;
};

/* A vrrp_sync_group's track_check (or track_script, ...) line. */
struct conf_psync_track {
	struct conf_ptrack t;
	bool check;		/* track_check; else t.type says */
	size_t group;		/* index into conf->sync_groups */
};

/* Parse-time facts about a check block. */
struct conf_pcheck {
	struct conf_where seen[CONF_SEEN_MAX];
};

struct conf_frame {
	enum conf_blk kind;
	struct conf_where at;
};

struct conf_parser;

/* A "$NAME=value" definition; a multi-line value has '\n' between lines. */
struct conf_def {
	char *name;
	char *value;
};

/* State of the line preprocessor (conf_pre.c). */
struct conf_pre {
	struct conf_def *defs;
	size_t ndefs, cap;
	char *cont;		/* name of the multi-line definition being read */
	const char *config_id;	/* for "@id" lines and $_INSTANCE; NULL none */
	const char *cwd;	/* for $_PWD of a relative file name; NULL "." */
	size_t expanded;	/* lines made by ~SEQ/~LST so far */
};

/* Per-text statement buffers of the engine (conf.c). */
struct conf_text;

struct conf_kw {
	const char *name;
	enum conf_blk block;	/* the block it opens, or CONF_BLK_NONE */
	unsigned char min, max;	/* arguments after the keyword */
	/* Returns -1 if the block it opens must be skipped. */
	int (*fn)(struct conf_parser *, const struct conf_stmt *);
};

struct conf_parser {
	struct conf *conf;
	struct conf_diag *diag;
	size_t nerrors, nwarnings;
	bool stop;		/* too many errors */
	const char *file;	/* interned in conf->files */
	int line;
	struct conf_frame stack[4];	/* TOP > INSTANCE > AUTH: deepest */
	int depth;
	size_t skip;		/* open braces of an ignored block */
	struct conf_frame skip_at;
	char skip_kw[48];
	struct conf_pinst *pinst;	/* parallel to conf->instances */
	size_t inst_cap;		/* of both arrays */
	struct conf_pcheck *pcheck;	/* parallel to conf->checks */
	size_t check_cap;
	struct conf_where seen_global[CONF_SEEN_MAX];
	struct conf_where seen_sync[CONF_SEEN_MAX];	/* the group being read */
	struct conf_psync_track *sync_tracks;	/* every group's, by group */
	size_t nsync_tracks;
	/* include support, set by conf_load() only */
	int include_depth;
	size_t files_read;
	dev_t incl_dev[CONF_INCLUDE_DEPTH_MAX + 1];
	ino_t incl_ino[CONF_INCLUDE_DEPTH_MAX + 1];
	void (*include)(struct conf_parser *, const char *pattern);
	bool include_strict;	/* includer & co: no match is an error */
	bool all_config;	/* -e: the same for every include */
	struct conf_pre pre;
};

/* Indexes into the keyword tables (and so into the "seen" tables). */
enum {
	CONF_IK_STATE, CONF_IK_INTERFACE, CONF_IK_VRID, CONF_IK_PRIORITY,
	CONF_IK_ADVERT, CONF_IK_VERSION, CONF_IK_NOPREEMPT,
	CONF_IK_PREEMPT_DELAY, CONF_IK_AUTH, CONF_IK_VIPS,
	CONF_IK_EXCLUDED, CONF_IK_UNICAST_SRC, CONF_IK_PEERS,
	CONF_IK_TRACK_IF, CONF_IK_DONT_TRACK_PRIMARY,
	CONF_IK_NOTIFY_MASTER, CONF_IK_NOTIFY_BACKUP, CONF_IK_NOTIFY_FAULT,
	CONF_IK_NOTIFY_STOP, CONF_IK_NOTIFY,
	CONF_IK_GARP_MASTER_DELAY, CONF_IK_GARP_MASTER_REPEAT,
	CONF_IK_GARP_MASTER_REFRESH, CONF_IK_GARP_MASTER_REFRESH_REPEAT,
	CONF_IK_GARP_LOWER_PRIO_DELAY, CONF_IK_GARP_LOWER_PRIO_REPEAT,
	CONF_IK_LOWER_PRIO_NO_ADVERT, CONF_IK_HIGHER_PRIO_SEND_ADVERT,
	CONF_IK_TRACK_CHECK, CONF_IK_DEFAULT_CHECKS, CONF_IK_HEALTH_STRICT,
	CONF_IK_UNICAST_TTL, CONF_IK_CHECK_UNICAST_SRC,
	CONF_IK_NOTIFY_SCRIPT_TIMEOUT,
	CONF_IK_MCAST_SRC, CONF_IK_PREEMPT, CONF_IK_STRICT, CONF_IK_ACCEPT,
	CONF_IK_TRACK_SCRIPT, CONF_IK_TRACK_FILE, CONF_IK_TRACK_PROCESS,
	CONF_IK_VROUTES, CONF_IK_VRULES,
	CONF_IK_USE_VMAC, CONF_IK_VMAC_XMIT_BASE,
	CONF_IK_END,
};
enum { CONF_AK_TYPE, CONF_AK_PASS, CONF_AK_END };
enum {
	CONF_GK_ROUTER_ID, CONF_GK_VRRP_VERSION, CONF_GK_SCRIPT_USER,
	CONF_GK_SCRIPT_SECURITY,
	CONF_GK_GARP_MASTER_DELAY, CONF_GK_GARP_MASTER_REPEAT,
	CONF_GK_GARP_MASTER_REFRESH, CONF_GK_GARP_MASTER_REFRESH_REPEAT,
	CONF_GK_GARP_LOWER_PRIO_DELAY, CONF_GK_GARP_LOWER_PRIO_REPEAT,
	CONF_GK_GARP_INTERVAL, CONF_GK_GNA_INTERVAL,
	CONF_GK_LOWER_PRIO_NO_ADVERT, CONF_GK_HIGHER_PRIO_SEND_ADVERT,
	CONF_GK_SKIP_CHECK_ADV_ADDR, CONF_GK_POSTFIX_CONFIG_DIR,
	CONF_GK_DEFAULT_SMTP_IP, CONF_GK_DEFAULT_SMTP_PORT,
	CONF_GK_METRICS_LISTEN,
	CONF_GK_CHECK_UNICAST_SRC, CONF_GK_NOTIFY_SCRIPT_TIMEOUT,
	CONF_GK_MCAST4, CONF_GK_MCAST6, CONF_GK_STRICT, CONF_GK_NICE,
	CONF_GK_NO_SWAP, CONF_GK_RT_PRIORITY, CONF_GK_MAX_AUTO_PRIORITY,
	CONF_GK_RLIMIT_RTTIME, CONF_GK_RLIMIT_RTIME, CONF_GK_STARTUP_DELAY,
	CONF_GK_UMASK, CONF_GK_NOTIFY_FIFO, CONF_GK_VRRP_NOTIFY_FIFO,
	CONF_GK_NOTIFY_FIFO_SCRIPT, CONF_GK_VRRP_NOTIFY_FIFO_SCRIPT,
	CONF_GK_END,
};
/* smtp_check and postfix_check share the first four. */
enum {
	CONF_CK_INTERVAL, CONF_CK_RISE, CONF_CK_FALL, CONF_CK_WEIGHT,
	CONF_SK_TIMEOUT = CONF_CK_WEIGHT + 1, CONF_SK_STEP_TIMEOUT,
	CONF_SK_CONNECT_IP, CONF_SK_CONNECT_PORT, CONF_SK_HELO_NAME,
	CONF_SK_STARTTLS, CONF_SK_TLS_VERIFY, CONF_SK_TLS_CA_FILE,
	CONF_SK_TLS_SERVER_NAME, CONF_SK_TLS_DAYS_WARN, CONF_SK_TLS_DAYS_CRIT,
	CONF_SK_MAIL_FROM, CONF_SK_RCPT_TO, CONF_SK_END,
};
enum {
	CONF_PK_CONFIG_DIR = CONF_CK_WEIGHT + 1, CONF_PK_QUEUE_DIRECTORY,
	CONF_PK_MAX_INCOMING_AGE, CONF_PK_MAX_ACTIVE_AGE, CONF_PK_MAX_DEFERRED,
	CONF_PK_MAX_HOLD, CONF_PK_MAX_CORRUPT, CONF_PK_MASTER_POLL, CONF_PK_END,
};

enum {
	CONF_GRK_GROUP, CONF_GRK_TRACK_IF, CONF_GRK_NOTIFY_MASTER,
	CONF_GRK_NOTIFY_BACKUP, CONF_GRK_NOTIFY_FAULT, CONF_GRK_NOTIFY_STOP,
	CONF_GRK_NOTIFY, CONF_GRK_GLOBAL_TRACKING, CONF_GRK_TRACKING_WEIGHT,
	CONF_GRK_TRACK_CHECK, CONF_GRK_TRACK_SCRIPT, CONF_GRK_TRACK_FILE,
	CONF_GRK_TRACK_PROCESS, CONF_GRK_END,
};

/* The keyword tables, NULL-terminated, indexed by the enums above. */
extern const struct conf_kw conf_kw_top[];
extern const struct conf_kw conf_kw_sync[];
extern const struct conf_kw conf_kw_global[];
extern const struct conf_kw conf_kw_instance[];
extern const struct conf_kw conf_kw_auth[];
extern const struct conf_kw conf_kw_smtp_check[];
extern const struct conf_kw conf_kw_postfix_check[];
extern const struct conf_kw conf_kw_script[];
extern const struct conf_kw conf_kw_file[];
extern const struct conf_kw conf_kw_process[];

/* Engine (conf.c) --------------------------------------------------------- */

/* Report an error or warning; errors past CONF_ERRORS_MAX stop the parse. */
void conf_perr_at(struct conf_parser *p, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void conf_pwarn_at(struct conf_parser *p, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
#define conf_perr(p, ...) conf_perr_at((p), (p)->file, (p)->line, __VA_ARGS__)
#define conf_pwarn(p, ...) conf_pwarn_at((p), (p)->file, (p)->line, \
    __VA_ARGS__)

/* Set up @p with a fresh struct conf; -1 (reported) if out of memory. */
int conf_parser_init(struct conf_parser *p, struct conf_diag *diag,
    const char *file);

/* Validate, release parse state; the configuration or NULL on any error. */
struct conf *conf_parser_done(struct conf_parser *p, const char *file);

/* Parse @len bytes of text as the current file (p->file). */
void conf_parse_text(struct conf_parser *p, const char *buf, size_t len);

/* Parse one logical line (after the preprocessor) of the current file. */
void conf_parse_line(struct conf_parser *p, struct conf_text *t,
    const char *line, size_t len);

/* Keep @name in conf->files; the copy, or NULL if out of memory. */
const char *conf_intern_file(struct conf_parser *p, const char *name);

/* A word made fit for a message (see conf_lex_repr()). */
#define CONF_REPR(buf, s) conf_lex_repr((buf), sizeof(buf), (s), strlen(s))

/* Preprocessor (conf_pre.c) ------------------------------------------- */

/* One physical line: conditionals, definitions, ~SEQ/~LST, substitution. */
void conf_pre_line(struct conf_parser *p, struct conf_text *t,
    const char *line, size_t len);
void conf_pre_free(struct conf_pre *pre);
#define CONF_PRE_LINE_MAX	16384	/* a logical line after substitution */
#define CONF_PRE_DEPTH_MAX	8	/* nested ~SEQ, ~LST, multi-line values */
/* A line (or part of one) as read at nesting @depth. */
void conf_pre_text(struct conf_parser *p, struct conf_text *t, const char *s,
    size_t len, int depth);
/* Define or redefine NAME; NULL if out of memory (reported if too many). */
struct conf_def *conf_pre_def_set(struct conf_parser *p, const char *name,
    size_t nlen, const char *val, size_t vlen);
/* ~SEQ / ~LST lines (conf_seq.c): 0, or -1 if malformed. */
int conf_pre_seq(struct conf_parser *p, struct conf_text *t, const char *s,
    size_t len, int depth);
int conf_pre_lst(struct conf_parser *p, struct conf_text *t, const char *s,
    size_t len, int depth);

/* Keywords and values (conf_kw.c) -------------------------------------- */

/* The keyword @name of block @b, its table index in *@idx; or NULL. */
const struct conf_kw *conf_kw_find(enum conf_blk b, const char *name,
    size_t *idx);

/* "top level", "global_defs", ... */
const char *conf_kw_blk_name(enum conf_blk b);

/* Whether the lines of block @b are items (addresses, names). */
bool conf_kw_is_list(enum conf_blk b);

/* One line of list block @b. */
void conf_kw_list_line(struct conf_parser *p, enum conf_blk b,
    const struct conf_stmt *st);

/*
 * @kw is no keyword of block @b: report it as precisely as we can, by the
 * keepalived decision table (a warning for what vipd accepts and ignores).
 */
void conf_kw_unknown(struct conf_parser *p, enum conf_blk b, const char *kw);

/*
 * Value parsers.  Each reports "KW: ..." naming @kw and returns -1 on a bad
 * value, 0 after storing it.
 */
int conf_val_uint(struct conf_parser *p, const char *kw, const char *s,
    uint32_t lo, uint32_t hi, uint32_t *out);
int conf_val_int(struct conf_parser *p, const char *kw, const char *s,
    int lo, int hi, int *out);
/* Seconds with up to 6 decimals, in @lo_us..@hi_us. */
int conf_val_seconds(struct conf_parser *p, const char *kw, const char *s,
    uint64_t lo_us, uint64_t hi_us, uint64_t *out);
/* keepalived's <BOOL>: on|off|true|false|yes|no; NULL (absent) is true. */
int conf_val_bool(struct conf_parser *p, const char *kw, const char *s,
    bool *out);
/* A non-empty name shorter than @cap. */
int conf_val_name(struct conf_parser *p, const char *kw, const char *s,
    char *dst, size_t cap);
/* An absolute path shorter than @cap. */
int conf_val_path(struct conf_parser *p, const char *kw, const char *s,
    char *dst, size_t cap);
/* A token for an SMTP command: printable ASCII, no space, no <>, < @cap. */
int conf_val_token(struct conf_parser *p, const char *kw, const char *s,
    char *dst, size_t cap);
/* Linux's rules for a device name (dev_valid_name). */
int conf_val_ifname(struct conf_parser *p, const char *kw, const char *s,
    char *dst);

/* "weight N" after the name on a track_* line. */
int conf_kw_weight_opt(struct conf_parser *p, const char *blk,
    const struct conf_stmt *st, int *weight, bool *has);

/* Instance of the keywords being read. */
static inline struct conf_instance *
conf_cur_inst(struct conf_parser *p)
{
	return &p->conf->instances[p->conf->ninstances - 1];
}

static inline struct conf_pinst *
conf_cur_pinst(struct conf_parser *p)
{
	return &p->pinst[p->conf->ninstances - 1];
}

/* Whole-file rules, then the end of parsing (conf_finish.c). */
void conf_finish(struct conf_parser *p, const char *file);

/* Free what one instance owns (not the instance itself; conf.c). */
void conf_instance_free(struct conf_instance *in);

/* global_defs (conf_global.c) ------------------------------------------ */

/* The global_defs defaults, before any keyword. */
void conf_global_init(struct conf *c);

/* vrrp_instance NAME (conf_vrrp.c): opens a new instance. */
int conf_vrrp_kw_instance(struct conf_parser *p, const struct conf_stmt *st);

/* Settings of global_defs and vrrp_instance both (conf_inherit.c) ------- */

/* "version" and "vrrp_version": 2 or 3 into *out; -1 (reported) if not. */
int conf_inherit_version(struct conf_parser *p, const struct conf_stmt *st,
    uint8_t *out);
/* The GARP settings and notify_script_timeout, "vrrp_X" or "X". */
int conf_inherit_kw_garp(struct conf_parser *p, const struct conf_stmt *st);
/* lower_prio_no_advert, higher_prio_send_advert, "vrrp_X" or "X". */
int conf_inherit_kw_flag(struct conf_parser *p, const struct conf_stmt *st);
/* check_unicast_src / vrrp_check_unicast_src: always on. */
int conf_inherit_kw_unicast_src(struct conf_parser *p,
    const struct conf_stmt *st);

/* global_defs values that default to other global_defs values. */
void conf_inherit_finish_globals(struct conf_parser *p);

/* Per-instance values that default to global ones (after parsing). */
void conf_inherit_finish(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi);

/* Daemon settings and keepalived's aliases (conf_sys.c) ----------------- */

int conf_sys_kw_global(struct conf_parser *p, const struct conf_stmt *st);
int conf_sys_kw_instance(struct conf_parser *p, const struct conf_stmt *st);
/* notify_master & co: "CMD [user [group]]". */
int conf_sys_kw_notify(struct conf_parser *p, const struct conf_stmt *st);
/* Defaults before any keyword. */
void conf_sys_init(struct conf *c);
/* vrrp_strict / strict_mode, as keepalived applies them, per instance. */
void conf_sys_finish_instance(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi);
/* Global checks that need the whole file (notify FIFO scripts). */
void conf_sys_finish_globals(struct conf_parser *p);
/* The same address in two instances; run once, after the instances. */
void conf_sys_finish_vips(struct conf_parser *p);

/* use_vmac [NAME], vmac_xmit_base (conf_vmac.c). */
int conf_vmac_kw(struct conf_parser *p, const struct conf_stmt *st);
/* Default VMAC names, name clashes, unicast/strict rules; after drop. */
void conf_vmac_finish(struct conf_parser *p);

/* Whether @name is in keepalived 2.2.7's vocabulary (conf_ka.c). */
bool conf_ka_known(const char *name);

/* Addresses (conf_addr.c) ---------------------------------------------- */

/* A unicast IPv4 or IPv6 address without a prefix length. */
int conf_addr_host(struct conf_parser *p, const char *kw, const char *s,
    int *family, uint8_t addr[16]);
void conf_addr_vip_line(struct conf_parser *p, const struct conf_stmt *st,
    bool excluded);
void conf_addr_peer_line(struct conf_parser *p, const struct conf_stmt *st);
void conf_addr_track_if_line(struct conf_parser *p,
    const struct conf_stmt *st);
/* The same, into the list @v of *@n entries (a sync group's). */
void conf_addr_track_if_into(struct conf_parser *p,
    const struct conf_stmt *st, struct conf_track_if **v, size_t *n);
int conf_addr_kw_unicast_src(struct conf_parser *p,
    const struct conf_stmt *st);
/* Family agreement of peers and source, overlaps with excluded addresses. */
void conf_addr_finish(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi);

/* Routes, rules, address options (conf_route.c, conf_rule.c) --------- */

/* The options after the address of a virtual_ipaddress-style line. */
int conf_route_addr_opts(struct conf_parser *p, const char *kw,
    const struct conf_stmt *st, struct conf_vip *v);
/* A label must be @dev or start with "@dev:"; reported at @file:v->line. */
void conf_route_check_label(struct conf_parser *p, const char *file,
    const char *kw, const struct conf_vip *v, const char *dev);
void conf_route_route_line(struct conf_parser *p, const struct conf_stmt *st,
    bool is_static);
/* Warn about a virtual route whose src is none of the instance's addresses. */
void conf_route_check_src(struct conf_parser *p,
    const struct conf_instance *in, const char *file);
void conf_route_rule_line(struct conf_parser *p, const struct conf_stmt *st,
    bool is_static);
void conf_route_static_addr_line(struct conf_parser *p,
    const struct conf_stmt *st);
/* ADDR[/LEN] of an address line into v (conf_addr.c). */
int conf_addr_vip_parse(struct conf_parser *p, const char *kw, const char *s,
    struct conf_vip *v);

/* Value helpers shared by conf_route.c and conf_rule.c; report, -1. */
int conf_rt_num(struct conf_parser *p, const char *kw, const char *s,
    uint32_t hi, uint32_t *out);
int conf_rt_scope(struct conf_parser *p, const char *kw, const char *s,
    uint8_t *out);
const char *conf_rt_scope_name(uint8_t v, char *buf);
int conf_rt_table(struct conf_parser *p, const char *kw, const char *s,
    uint32_t *out);
int conf_rt_host(struct conf_parser *p, const char *kw, const char *s,
    int *family, uint8_t addr[16]);
/* ADDR[/LEN], "default" or "all" (family 0); no host bits. */
int conf_rt_prefix(struct conf_parser *p, const char *kw, const char *s,
    int *family, uint8_t addr[16], uint8_t *len);
/* One family per line: *fam takes f, or -1 if they differ. */
int conf_rt_family(struct conf_parser *p, const char *kw, int *fam, int f);
const char *conf_rt_value(struct conf_parser *p, const char *kw,
    const struct conf_stmt *st, size_t *i);
bool conf_rt_in(const char *w, const char *const *list);
/* @arr with @item appended (*n counts), or NULL (reported, arr kept). */
void *conf_rt_push(struct conf_parser *p, const char *kw, void *arr,
    size_t *n, const void *item, size_t size);

/* Health checks (conf_checks.c) ---------------------------------------- */

/* A new check named @name, defaults set; NULL (reported) if out of memory. */
struct conf_check *conf_checks_add(struct conf_parser *p, const char *name,
    enum conf_check_type type);
int conf_checks_kw_smtp(struct conf_parser *p, const struct conf_stmt *st);
int conf_checks_kw_postfix(struct conf_parser *p,
    const struct conf_stmt *st);
void conf_checks_track_line(struct conf_parser *p,
    const struct conf_stmt *st);
/* Defaults and limits of the checks, then what each instance tracks. */
void conf_checks_finish(struct conf_parser *p);

/* vrrp_script, track_file, vrrp_track_process (conf_track.c) ----------- */

/* Open a vrrp_script, track_file or vrrp_track_process block. */
int conf_track_kw_open(struct conf_parser *p, const struct conf_stmt *st);
/* One line of track_script, track_file or track_process in an instance. */
void conf_track_line(struct conf_parser *p, enum conf_blk b,
    const struct conf_stmt *st);
/* Check the blocks, then add what each instance tracks to in->tracks. */
void conf_track_finish(struct conf_parser *p);
/* A track_script, track_file or track_process line of a sync group (@b). */
int conf_track_parse(struct conf_parser *p, enum conf_blk b,
    const struct conf_stmt *st, struct conf_ptrack *t);
/* @pt against the vrrp_script & co blocks; -1 (reported) if not found. */
int conf_track_resolve(struct conf_parser *p, const struct conf_ptrack *pt,
    struct conf_track *out);
/* vrrp_sync_group (conf_sync.c) ----------------------------------------- */

/* Opens a vrrp_sync_group block. */
int conf_sync_kw_group(struct conf_parser *p, const struct conf_stmt *st);
/* One line of its "group" or track_interface block. */
void conf_sync_list_line(struct conf_parser *p, enum conf_blk b,
    const struct conf_stmt *st);
/* Members resolved to instances, checks across groups (after parsing). */
void conf_sync_finish(struct conf_parser *p);
void conf_sync_free(struct conf *c);

#endif
