/* SPDX-License-Identifier: ISC */
/* Configuration engine: statements and blocks, the API. */

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
		conf_finish(p, file);
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

void
conf_instance_free(struct conf_instance *in)
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
		conf_instance_free(&conf->instances[i]);
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
