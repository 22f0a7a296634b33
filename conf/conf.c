/* SPDX-License-Identifier: ISC */
/* Configuration engine: statements and blocks, instance validation, API. */

#include <sys/socket.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"
#include "conf/conf_lex.h"

#define NEST_MAX	16	/* brace depth allowed inside a skipped block */

/* Diagnostics ---------------------------------------------------------- */

void
conf_perr_at(struct conf_parser *p, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;

	if (p->stop)
		return;
	if (p->nerrors++ == CONF_ERRORS_MAX) {
		conf_diag_add(p->diag, CONF_SEV_ERROR, file, line,
		    "too many errors, stopping here");
		p->stop = true;
		return;
	}
	va_start(ap, fmt);
	conf_diag_vadd(p->diag, CONF_SEV_ERROR, file, line, fmt, ap);
	va_end(ap);
}

void
conf_pwarn_at(struct conf_parser *p, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;

	if (p->stop || p->nwarnings > CONF_WARNINGS_MAX)
		return;
	if (p->nwarnings++ == CONF_WARNINGS_MAX) {
		conf_diag_add(p->diag, CONF_SEV_WARNING, file, line,
		    "too many warnings, not showing more");
		return;
	}
	va_start(ap, fmt);
	conf_diag_vadd(p->diag, CONF_SEV_WARNING, file, line, fmt, ap);
	va_end(ap);
}

/* Blocks --------------------------------------------------------------- */

/* Ignore a block up to its matching brace, so later errors still make sense. */
static void
skip_begin(struct conf_parser *p, const char *kw)
{
	p->skip = 1;
	p->skip_at.at = (struct conf_where){ p->file, p->line };
	snprintf(p->skip_kw, sizeof(p->skip_kw), "%s", kw);
}

static void
block_open(struct conf_parser *p)
{
	if (++p->skip == NEST_MAX + 1)
		conf_perr(p, "blocks nested more than %d deep", NEST_MAX);
}

static void
block_close(struct conf_parser *p)
{
	if (p->skip > 0)
		p->skip--;
	else if (p->depth == 0)
		conf_perr(p, "unexpected \"}\"");
	else
		p->depth--;
}

static struct conf_where *
seen_table(struct conf_parser *p, enum conf_blk b)
{
	size_t n = p->conf->ninstances, nc = p->conf->nchecks;

	if (b == CONF_BLK_GLOBAL)
		return p->seen_global;
	if (b == CONF_BLK_INSTANCE && n > 0)
		return p->pinst[n - 1].seen;
	if (b == CONF_BLK_AUTH && n > 0)
		return p->pinst[n - 1].seen_auth;
	if ((b == CONF_BLK_SMTP_CHECK || b == CONF_BLK_POSTFIX_CHECK ||
	    b == CONF_BLK_SCRIPT || b == CONF_BLK_FILE ||
	    b == CONF_BLK_PROCESS) && nc > 0)
		return p->pcheck[nc - 1].seen;
	if (b == CONF_BLK_SYNC)
		return p->seen_sync;
	return NULL;
}

/* Argument count and block use; reports and returns false if wrong. */
static bool
check_use(struct conf_parser *p, const struct conf_kw *k,
    const struct conf_stmt *st, bool opens)
{
	char r[CONF_REPR_MAX];
	size_t nargs = st->nwords - 1;

	if (nargs < k->min)
		conf_perr(p, "%s: missing argument", k->name);
	else if (nargs > k->max)
		conf_perr(p, "%s: unexpected argument \"%s\"", k->name,
		    CONF_REPR(r, st->argv[k->max + 1]));
	else if (k->block != CONF_BLK_NONE && !opens)
		conf_perr(p, "%s: missing \"{\" at the end of the line",
		    k->name);
	else if (k->block == CONF_BLK_NONE && opens)
		conf_perr(p, "%s: unexpected \"{\"", k->name);
	else
		return true;
	return false;
}

/*
 * "include" and keepalived's variants includer, includem, includew,
 * includeb and includea, which report missing files more strictly: vipd
 * makes a pattern that matches nothing an error for all of them.
 */
static bool
is_include(const char *w)
{
	return !strncmp(w, "include", 7) && (w[7] == '\0' ||
	    (w[8] == '\0' && strchr("rmwba", w[7]) != NULL));
}

static int
kw_include(struct conf_parser *p, const struct conf_stmt *st)
{
	p->include_strict = st->argv[0][7] != '\0';
	if (p->include == NULL)
		conf_perr(p, "include: not available here (the configuration "
		    "was not read from a file)");
	else if (p->include_depth >= CONF_INCLUDE_DEPTH_MAX)
		conf_perr(p, "include: nested more than %d deep",
		    CONF_INCLUDE_DEPTH_MAX);
	else
		p->include(p, st->argv[1]);
	return 0;
}

static const struct conf_kw include_kw = {
	"include", CONF_BLK_NONE, 1, 1, kw_include,
};

static void
dispatch(struct conf_parser *p, const struct conf_stmt *st, bool opens)
{
	enum conf_blk b = p->stack[p->depth].kind;
	const struct conf_kw *k;
	size_t idx = 0;
	struct conf_where *seen;

	if (is_include(st->argv[0])) {
		k = &include_kw;
	} else if (conf_kw_is_list(b)) {
		if (!opens) {
			conf_kw_list_line(p, b, st);
			return;
		}
		conf_perr(p, "%s: unexpected \"{\"", conf_kw_blk_name(b));
		goto skip;
	} else if ((k = conf_kw_find(b, st->argv[0], &idx)) == NULL) {
		conf_kw_unknown(p, b, st->argv[0]);
		goto skip;
	}
	/* Seen even if misused: one error, not a "missing" one later too. */
	seen = k == &include_kw ? NULL : seen_table(p, b);
	if (seen != NULL && seen[idx].line != 0) {
		conf_perr(p, "duplicate \"%s\" (first at %s%s%d)", k->name,
		    seen[idx].file == p->file ? "line " : seen[idx].file,
		    seen[idx].file == p->file ? "" : ":", seen[idx].line);
		goto skip;
	}
	if (seen != NULL)
		seen[idx] = (struct conf_where){ p->file, st->line };
	if (!check_use(p, k, st, opens))
		goto skip;
	if (k->fn != NULL && k->fn(p, st) < 0)
		goto skip;
	if (k->block == CONF_BLK_NONE)
		return;
	/* The tables nest at most 3 deep; guard the stack all the same. */
	if ((size_t)p->depth + 1 >= sizeof(p->stack) / sizeof(p->stack[0])) {
		conf_perr(p, "%s: blocks nested too deep", k->name);
		goto skip;
	}
	p->stack[++p->depth] = (struct conf_frame){ k->block,
	    { p->file, st->line } };
	return;
skip:
	if (opens)
		skip_begin(p, st->argv[0]);
}

static void
end_stmt(struct conf_parser *p, const struct conf_stmt *st, bool opens)
{
	if (p->skip > 0) {
		if (opens)
			block_open(p);
	} else if (st->bad) {
		if (opens)
			skip_begin(p, "");
	} else if (st->nwords == 0) {
		if (opens) {
			conf_perr(p, "unexpected \"{\"");
			skip_begin(p, "");
		}
	} else {
		dispatch(p, st, opens);
	}
}

static void
stmt_reset(struct conf_stmt *st, int line)
{
	st->line = line;
	st->argc = 0;
	st->nwords = 0;
	st->bad = false;
}

/*
 * Statement buffers of one text.  A statement that ends with its line waits
 * in "pend" until the next token: keepalived lets a block's "{" stand on the
 * next line.
 */
struct conf_text {
	struct conf_stmt *st, *pend;
	bool has_pend;
};

/* Dispatch the waiting statement, opening a block if @opens. */
static void
flush_pend(struct conf_parser *p, struct conf_text *t, bool opens)
{
	int line = p->line;

	if (!t->has_pend)
		return;
	t->has_pend = false;
	p->line = t->pend->line;
	end_stmt(p, t->pend, opens);
	p->line = line;
}

/* Whether a statement ended by its line may still get its "{". */
static bool
may_wait(const struct conf_parser *p, const struct conf_stmt *st)
{
	return p->skip == 0 && !st->bad && st->nwords > 0 &&
	    !is_include(st->argv[0]) &&
	    !conf_kw_is_list(p->stack[p->depth].kind);
}

void
conf_parse_line(struct conf_parser *p, struct conf_text *t, const char *line,
    size_t len)
{
	struct conf_stmt *st = t->st, *tmp;
	struct conf_lexer lx;
	enum conf_tok tok;
	bool first = true;	/* the line's first statement */
	char *slot;
	size_t n;

	conf_lex_init(&lx, line, len);
	stmt_reset(st, p->line);
	while (!p->stop) {
		slot = st->argc < CONF_ARGS_MAX ? st->buf[st->argc] :
		    st->scratch;
		tok = conf_lex_next(&lx, slot, CONF_TOKEN_MAX + 1, &n);
		if (tok != CONF_TOK_EOL && t->has_pend) {
			flush_pend(p, t, tok == CONF_TOK_OPEN);
			if (tok == CONF_TOK_OPEN) {
				first = false;
				continue;
			}
		}
		switch (tok) {
		case CONF_TOK_WORD:
			if (st->argc < CONF_ARGS_MAX)
				st->argv[st->argc++] = slot;
			if (st->nwords++ == 0 && first && is_include(slot))
				lx.braces_literal = true;
			break;
		case CONF_TOK_ERROR:
			if (!st->bad)
				conf_perr(p, "%s", lx.err);
			st->bad = true;
			break;
		case CONF_TOK_OPEN:
		case CONF_TOK_CLOSE:
			end_stmt(p, st, tok == CONF_TOK_OPEN);
			if (tok == CONF_TOK_CLOSE)
				block_close(p);
			stmt_reset(st, p->line);
			first = false;
			break;
		case CONF_TOK_EOL:
			if (!may_wait(p, st)) {
				end_stmt(p, st, false);
				return;
			}
			tmp = t->pend;
			t->pend = st;
			t->st = tmp;
			t->has_pend = true;
			return;
		}
	}
}

void
conf_parse_text(struct conf_parser *p, const char *buf, size_t len)
{
	struct conf_text t = { 0 };
	const char *nl, *end = buf + len;

	t.st = malloc(sizeof(*t.st));
	t.pend = malloc(sizeof(*t.pend));
	if (t.st == NULL || t.pend == NULL) {
		conf_perr_at(p, p->file, 0, "out of memory");
		goto out;
	}
	p->line = 0;
	while (buf < end && !p->stop) {
		nl = memchr(buf, '\n', (size_t)(end - buf));
		if (nl == NULL)
			nl = end;
		if (p->line < INT32_MAX)
			p->line++;
		conf_pre_line(p, &t, buf, (size_t)(nl - buf));
		buf = nl + 1;
	}
	if (!p->stop)
		flush_pend(p, &t, false);
	/* A definition continued at the end of a file ends with it. */
	free(p->pre.cont);
	p->pre.cont = NULL;
out:
	free(t.st);
	free(t.pend);
}

/* Validation ----------------------------------------------------------- */

static const char *
family_name(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

static void
finish_advert(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi)
{
	uint64_t us = pi->advert_us;

	if (in->version == 2 && (us % 1000000 != 0 || us < 1000000 ||
	    us > 255000000))
		conf_perr_at(p, pi->advert.file, pi->advert.line, "advert_int: "
		    "\"%s\" must be a whole number of seconds in 1..255 with "
		    "VRRPv2", pi->advert_raw);
	else if (in->version == 3 && (us % 10000 != 0 || us < 10000 ||
	    us > 40950000))
		conf_perr_at(p, pi->advert.file, pi->advert.line, "advert_int: "
		    "\"%s\" must be a multiple of 0.01 in 0.01..40.95 with "
		    "VRRPv3", pi->advert_raw);
	else
		in->advert_int_cs = (uint32_t)(us / 10000);
}

static void
finish_auth(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi)
{
	const struct conf_where *a = &pi->auth;

	if (a->line == 0)
		return;
	if (pi->seen_auth[CONF_AK_TYPE].line == 0)
		conf_perr_at(p, a->file, a->line, "authentication: missing "
		    "required keyword \"auth_type\"");
	else if (!pi->auth_bad && pi->seen_auth[CONF_AK_PASS].line == 0)
		conf_perr_at(p, a->file, a->line, "authentication: missing "
		    "required keyword \"auth_pass\"");
	if (in->version == 3) {
		conf_pwarn_at(p, a->file, a->line, "authentication is ignored "
		    "with VRRPv3 (as keepalived does)");
		in->auth_type = CONF_AUTH_NONE;
		memset(in->auth_pass, 0, sizeof(in->auth_pass));
	}
}

/*
 * keepalived 2.2.7 derives a missing state from the priority (255: MASTER)
 * and a missing priority from the state (MASTER: 255).  The second would
 * make the instance the address owner, whose health checks change nothing:
 * vipd keeps 100 there and says so.
 */
static void
finish_owner(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi)
{
	const struct conf_where *st = &pi->seen[CONF_IK_STATE];
	char r[CONF_REPR_MAX];

	if (pi->seen[CONF_IK_PRIORITY].line == 0 &&
	    in->init_state == CONF_STATE_MASTER)
		conf_pwarn_at(p, st->file, st->line, "vrrp_instance %s: state "
		    "MASTER without priority: keepalived would make it the "
		    "address owner (255), whose health checks change nothing; "
		    "vipd uses 100 (give the priority you mean)",
		    CONF_REPR(r, in->name));
	else if (st->line == 0 && in->priority == 255)
		in->init_state = CONF_STATE_MASTER;
}

/* keepalived 2.2.7 drops these combinations with a warning; so do we. */
static void
finish_preempt(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi)
{
	const struct conf_where *np = &pi->seen[CONF_IK_NOPREEMPT];
	const struct conf_where *pd = &pi->seen[CONF_IK_PREEMPT_DELAY];

	if (in->nopreempt && in->priority == 255)
		conf_pwarn_at(p, np->file, np->line, "nopreempt is ignored "
		    "with priority 255 (as keepalived does)");
	else if (in->nopreempt && in->init_state == CONF_STATE_MASTER)
		conf_pwarn_at(p, np->file, np->line, "nopreempt is ignored "
		    "with state MASTER (as keepalived does)");
	if (in->nopreempt && (in->priority == 255 ||
	    in->init_state == CONF_STATE_MASTER))
		in->nopreempt = false;
	if (in->preempt_delay_ms != 0 && in->init_state == CONF_STATE_MASTER) {
		conf_pwarn_at(p, pd->file, pd->line, "preempt_delay is ignored "
		    "with state MASTER (as keepalived does)");
		in->preempt_delay_ms = 0;
	}
}

/* keepalived 2.2.7 warns about an instance without VIPs, unless v3/strict. */
static void
finish_no_vips(struct conf_parser *p, struct conf_instance *in,
    struct conf_pinst *pi)
{
	const struct conf_where *w = &pi->seen[CONF_IK_VIPS];
	const char *file = w->line ? w->file : in->file;
	int line = w->line ? w->line : in->line;
	char r[CONF_REPR_MAX];

	if (in->nvips > 0 || (w->line != 0 && pi->vip_lines > 0))
		return;
	CONF_REPR(r, in->name);
	in->family = AF_INET;	/* keepalived's default without VIPs */
	if (in->version == 3 || in->strict)
		conf_perr_at(p, file, line, "vrrp_instance %s: no "
		    "virtual_ipaddress (at least one is required with %s)", r,
		    in->strict ? "vrrp_strict" : "VRRPv3");
	else {
		/* vipd's adverts carry at least one address (vrrp/pkt.c). */
		conf_pwarn_at(p, file, line, "vrrp_instance %s: no "
		    "virtual_ipaddress; keepalived warns and runs it moving "
		    "nothing, vipd leaves the instance out", r);
		pi->drop = true;
	}
}

static void
finish_instance(struct conf_parser *p, struct conf_instance *in,
    struct conf_pinst *pi)
{
	static const int required[] = { CONF_IK_INTERFACE, CONF_IK_VRID };
	static const char *const names[] = { "interface",
	    "virtual_router_id" };
	char r[CONF_REPR_MAX];
	size_t i;

	CONF_REPR(r, in->name);
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (pi->seen[required[i]].line == 0)
			conf_perr_at(p, in->file, in->line, "vrrp_instance %s: "
			    "missing required keyword \"%s\"", r, names[i]);
	if (in->nvips > 0 && in->family == AF_INET6) {
		if (pi->version.line != 0 && in->version == 2)
			conf_perr_at(p, pi->version.file, pi->version.line,
			    "version 2 cannot be used with IPv6 addresses "
			    "(VRRPv2 is IPv4 only)");
		in->version = 3;
	} else if (pi->version.line == 0) {
		in->version = p->conf->vrrp_version;
	}
	finish_advert(p, in, pi);
	finish_auth(p, in, pi);
	finish_owner(p, in, pi);
	finish_preempt(p, in, pi);
	conf_inherit_finish(p, in, pi);
	conf_sys_finish_instance(p, in, pi);
	finish_no_vips(p, in, pi);
	conf_addr_finish(p, in, pi);
}

/* Two instances may not share a VRID on one interface and family. */
static void
finish_unique(struct conf_parser *p)
{
	const struct conf *c = p->conf;
	const struct conf_instance *a, *b;
	char ra[CONF_REPR_MAX], rb[CONF_REPR_MAX];
	size_t i, j;

	for (i = 1; i < c->ninstances; i++) {
		b = &c->instances[i];
		for (j = 0; j < i && b->vrid != 0 && b->nvips > 0 &&
		    b->interface[0] != '\0'; j++) {
			a = &c->instances[j];
			if (a->vrid != b->vrid || a->family != b->family ||
			    a->nvips == 0 || strcmp(a->interface, b->interface))
				continue;
			conf_perr_at(p, b->file, b->line, "vrrp_instance %s: "
			    "virtual_router_id %u on %s (%s) is already used "
			    "by vrrp_instance %s (%s:%d)",
			    CONF_REPR(rb, b->name), b->vrid, b->interface,
			    family_name(b->family),
			    CONF_REPR(ra, a->name), a->file, a->line);
			break;
		}
	}
}

static void free_instance(struct conf_instance *in);

/* Leave out the instances finish_instance() marked (keeping the order). */
static void
drop_instances(struct conf_parser *p)
{
	struct conf *c = p->conf;
	size_t i, n = 0;

	for (i = 0; i < c->ninstances; i++) {
		if (p->pinst[i].drop) {
			free_instance(&c->instances[i]);
			free(p->pinst[i].ptracks);
			free(p->pinst[i].xtracks);
			continue;
		}
		c->instances[n] = c->instances[i];
		p->pinst[n++] = p->pinst[i];
	}
	c->ninstances = n;
}

static void
finish(struct conf_parser *p, const char *file)
{
	const struct conf_frame *f = &p->stack[p->depth];
	size_t i;

	if (p->skip > 0)
		conf_perr_at(p, p->skip_at.at.file, p->skip_at.at.line,
		    "%s%s%sblock is not closed at the end of the file",
		    p->skip_kw[0] ? "\"" : "", p->skip_kw,
		    p->skip_kw[0] ? "\" " : "");
	else if (p->depth > 0)
		conf_perr_at(p, f->at.file, f->at.line, "\"%s\" block is not "
		    "closed at the end of the file", conf_kw_blk_name(f->kind));
	conf_inherit_finish_globals(p);
	conf_sys_finish_globals(p);
	for (i = 0; i < p->conf->ninstances; i++)
		finish_instance(p, &p->conf->instances[i], &p->pinst[i]);
	drop_instances(p);
	finish_unique(p);
	conf_vmac_finish(p);
	conf_sys_finish_vips(p);
	conf_checks_finish(p);
	conf_track_finish(p);
	conf_sync_finish(p);
	if (p->conf->ninstances == 0 && p->nerrors == 0)
		conf_pwarn_at(p, file, 0, "no vrrp_instance defined");
}

/* API ------------------------------------------------------------------ */

int
conf_parser_init(struct conf_parser *p, struct conf_diag *diag,
    const char *file)
{
	memset(p, 0, sizeof(*p));
	p->diag = diag;
	p->stack[0].kind = CONF_BLK_TOP;
	if ((p->conf = calloc(1, sizeof(*p->conf))) == NULL) {
		conf_perr_at(p, file, 0, "out of memory");
		return -1;
	}
	conf_global_init(p->conf);
	return 0;
}

struct conf *
conf_parser_done(struct conf_parser *p, const char *file)
{
	size_t i;

	if (!p->stop)
		finish(p, file);
	for (i = 0; i < p->conf->ninstances; i++) {
		free(p->pinst[i].ptracks);
		free(p->pinst[i].xtracks);
	}
	conf_pre_free(&p->pre);
	free(p->pinst);
	free(p->pcheck);
	free(p->sync_tracks);
	if (p->nerrors > 0) {
		conf_free(p->conf);
		return NULL;
	}
	return p->conf;
}

const char *
conf_intern_file(struct conf_parser *p, const char *name)
{
	struct conf *c = p->conf;
	char **v, *s;

	v = reallocarray(c->files, c->nfiles + 1, sizeof(*v));
	if (v == NULL)
		return NULL;
	c->files = v;
	if ((s = strdup(name)) == NULL)
		return NULL;
	c->files[c->nfiles++] = s;
	return s;
}

struct conf *
conf_parse_buf(const char *filename, const char *buf, size_t len,
    struct conf_diag *diag)
{
	struct conf_parser p;

	if (conf_parser_init(&p, diag, filename) < 0)
		return NULL;
	if ((p.file = conf_intern_file(&p, filename)) == NULL)
		conf_perr_at(&p, filename, 0, "out of memory");
	else
		conf_parse_text(&p, buf, len);
	return conf_parser_done(&p, filename);
}

static void
free_instance(struct conf_instance *in)
{
	free(in->vips);
	free(in->excluded);
	free(in->peers);
	free(in->track_ifs);
	free(in->tracks);
	free(in->notify_master);
	free(in->notify_backup);
	free(in->notify_fault);
	free(in->notify_stop);
	free(in->notify);
	free(in->routes);
	free(in->rules);
}

void
conf_free(struct conf *conf)
{
	size_t i;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->ninstances; i++)
		free_instance(&conf->instances[i]);
	free(conf->instances);
	free(conf->checks);
	free(conf->static_addrs);
	free(conf->static_routes);
	free(conf->static_rules);
	conf_sync_free(conf);
	for (i = 0; i < conf->nfiles; i++)
		free(conf->files[i]);
	free(conf->files);
	free(conf);
}
