/* SPDX-License-Identifier: ISC */
/* vipd configuration: keepalived.conf syntax parsed into struct conf. */
#ifndef VIPD_CONF_H
#define VIPD_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONF_NAME_MAX		64	/* instance name, router_id, with NUL */
#define CONF_IFNAME_MAX		16	/* IFNAMSIZ, with NUL */
#define CONF_AUTH_PASS_LEN	8
#define CONF_VIPS_MAX		255	/* the advert's 8-bit address count */
#define CONF_INSTANCES_MAX	4096
#define CONF_ERRORS_MAX		50	/* a parse stops after this many */
#define CONF_WARNINGS_MAX	50
#define CONF_INCLUDE_DEPTH_MAX	8
#define CONF_FILE_MAX		(16u << 20)	/* bytes per file read */

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
};

struct conf {
	char router_id[CONF_NAME_MAX];	/* "" = not set */
	uint8_t vrrp_version;		/* global default, 2 unless set */
	struct conf_instance *instances;
	size_t ninstances;
	char **files;			/* names of the files read */
	size_t nfiles;
};

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

void conf_free(struct conf *conf);
void conf_diag_free(struct conf_diag *diag);

/*
 * Write @conf in canonical keepalived syntax: every value explicit, defaults
 * filled in, fixed order.  The output parses back to an identical struct
 * (line numbers aside).
 */
void conf_print(FILE *out, const struct conf *conf);

#endif
