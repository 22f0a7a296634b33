/* SPDX-License-Identifier: ISC */
/* Parser internals shared by conf.c (engine) and conf_kw.c (keywords). */
#ifndef VIPD_CONF_KW_H
#define VIPD_CONF_KW_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "agent/conf.h"
#include "agent/conf_lex.h"

#define CONF_ARGS_MAX	8	/* words kept per statement; none needs more */
#define CONF_SEEN_MAX	16	/* keywords per block table */

enum conf_blk {
	CONF_BLK_NONE,		/* a keyword that opens no block */
	CONF_BLK_TOP,
	CONF_BLK_GLOBAL,
	CONF_BLK_INSTANCE,
	CONF_BLK_AUTH,
	CONF_BLK_VIPS,
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

/* Parse-time facts about an instance that struct conf_instance lacks. */
struct conf_pinst {
	struct conf_where seen[CONF_SEEN_MAX];	/* each instance keyword */
	struct conf_where seen_auth[CONF_SEEN_MAX];
	struct conf_where advert, version, auth;
	uint64_t advert_us;		/* UINT64_MAX: not representable */
	char advert_raw[CONF_REPR_MAX];
	bool auth_bad;			/* auth_type was wrong: reported */
	int vip_lines;
};

struct conf_frame {
	enum conf_blk kind;
	struct conf_where at;
};

struct conf_parser;

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
	struct conf_where seen_global[CONF_SEEN_MAX];
	/* include support, set by conf_load() only */
	int include_depth;
	size_t files_read;
	dev_t incl_dev[CONF_INCLUDE_DEPTH_MAX + 1];
	ino_t incl_ino[CONF_INCLUDE_DEPTH_MAX + 1];
	void (*include)(struct conf_parser *, const char *pattern);
};

/* Indexes into the vrrp_instance and authentication tables. */
enum {
	CONF_IK_STATE, CONF_IK_INTERFACE, CONF_IK_VRID, CONF_IK_PRIORITY,
	CONF_IK_ADVERT, CONF_IK_VERSION, CONF_IK_NOPREEMPT,
	CONF_IK_PREEMPT_DELAY, CONF_IK_AUTH, CONF_IK_VIPS, CONF_IK_END,
};
enum { CONF_AK_TYPE, CONF_AK_PASS, CONF_AK_END };

/* Report an error or warning; errors past CONF_ERRORS_MAX stop the parse. */
void conf_perr_at(struct conf_parser *p, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void conf_pwarn_at(struct conf_parser *p, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
#define conf_perr(p, ...) conf_perr_at((p), (p)->file, (p)->line, __VA_ARGS__)

/* A word made fit for a message (see conf_lex_repr()). */
#define CONF_REPR(buf, s) conf_lex_repr((buf), sizeof(buf), (s), strlen(s))

/* The keyword @name of block @b, its table index in *@idx; or NULL. */
const struct conf_kw *conf_kw_find(enum conf_blk b, const char *name,
    size_t *idx);

/* "top level", "global_defs", ... */
const char *conf_kw_blk_name(enum conf_blk b);

/* Report @kw, not a keyword of block @b, as precisely as we can. */
void conf_kw_unknown(struct conf_parser *p, enum conf_blk b, const char *kw);

/* One line of a virtual_ipaddress block. */
void conf_kw_vip_line(struct conf_parser *p, const struct conf_stmt *st);

#endif
