/* SPDX-License-Identifier: ISC */
/* keepalived's trackers: vrrp_script, track_file, vrrp_track_process. */

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"
#include "conf/conf_lex.h"
#include "lib/cmdline.h"

#define SCRIPT_INTERVAL_US	1000000	/* keepalived's defaults */
#define SCRIPT_MIN_US		1000
#define SCRIPT_MAX_US		(86400ULL * 1000000)
#define RISE_FALL_MAX		1000000
#define DELAY_MAX_US		(3600ULL * 1000000)
#define SCRIPT_WEIGHT_MAX	253
#define TRACK_WEIGHT_MAX	254	/* track_file, track_process */

static struct conf_check *
cur(struct conf_parser *p)
{
	return &p->conf->checks[p->conf->nchecks - 1];
}

static enum conf_check_type
kw_type(const char *kw)
{
	if (!strcmp(kw, "vrrp_script"))
		return CONF_CHECK_SCRIPT;
	if (!strcmp(kw, "vrrp_track_process"))
		return CONF_CHECK_PROCESS;
	return CONF_CHECK_FILE;
}

static const char *
type_kw(enum conf_check_type t)
{
	switch (t) {
	case CONF_CHECK_SCRIPT:
		return "vrrp_script";
	case CONF_CHECK_FILE:
		return "track_file";
	case CONF_CHECK_PROCESS:
		return "vrrp_track_process";
	case CONF_CHECK_SMTP:
		return "smtp_check";
	case CONF_CHECK_POSTFIX:
		break;
	}
	return "postfix_check";
}

int
conf_track_kw_open(struct conf_parser *p, const struct conf_stmt *st)
{
	enum conf_check_type t = kw_type(st->argv[0]);
	char name[CONF_NAME_MAX], r[CONF_REPR_MAX];
	struct conf_check *ch;
	size_t i;

	if (conf_val_name(p, st->argv[0], st->argv[1], name, sizeof(name)) < 0)
		return -1;
	if (p->conf->nchecks >= CONF_CHECKS_MAX) {
		conf_perr(p, "%s: more than %d checks", st->argv[0],
		    CONF_CHECKS_MAX);
		return -1;
	}
	CONF_REPR(r, name);
	for (i = 0; i < p->conf->nchecks; i++)
		if (!strcmp(p->conf->checks[i].name, name))
			break;
	/* vipd keeps every check in one list, shown by name in status. */
	if (i < p->conf->nchecks)
		conf_perr(p, "%s %s: the name is already used by %s %s (%s:%d)",
		    st->argv[0], r, type_kw(p->conf->checks[i].type), r,
		    p->conf->checks[i].file, p->conf->checks[i].line);
	else if (!strcmp(name, "default_smtp") ||
	    !strcmp(name, "default_postfix"))
		conf_perr(p, "%s %s: the name is reserved for vipd's default "
		    "checks", st->argv[0], r);
	if ((ch = conf_checks_add(p, name, t)) == NULL)
		return -1;
	ch->file = p->file;
	ch->line = st->line;
	ch->interval_us = SCRIPT_INTERVAL_US;
	ch->weight = t == CONF_CHECK_FILE ? 1 : 0;
	ch->process.quorum = 1;
	ch->process.quorum_max = UINT32_MAX;
	return 0;
}

/* "weight N [reverse]" of a block. */
static int
kw_weight(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_check *ch = cur(p);
	int lim = ch->type == CONF_CHECK_SCRIPT ? SCRIPT_WEIGHT_MAX :
	    TRACK_WEIGHT_MAX;
	bool *rev = ch->type == CONF_CHECK_SCRIPT ? &ch->script.reverse :
	    ch->type == CONF_CHECK_FILE ? &ch->tfile.reverse :
	    &ch->process.reverse;
	char r[CONF_REPR_MAX];

	if (conf_val_int(p, "weight", st->argv[1], -lim, lim, &ch->weight) < 0)
		return 0;
	if (st->argc > 2 && !strcmp(st->argv[2], "reverse"))
		*rev = true;
	else if (st->argc > 2)
		conf_perr(p, "weight: unknown option \"%s\" (only reverse)",
		    CONF_REPR(r, st->argv[2]));
	return 0;
}

/* vrrp_script ---------------------------------------------------------- */

/*
 * keepalived reads "script" raw and splits it itself, quotes and
 * backslashes included: one quoted word is split again.  Several words
 * are joined back with single spaces; a word that held blanks (it was
 * double-quoted) is single-quoted so that it stays one.  The result is
 * what cmdline_split_any() turns into keepalived's argv, and holds no '"'
 * (the printer can write it back as one word).
 */
static size_t
join_words(const struct conf_stmt *st, char *dst, size_t cap)
{
	char *one[2] = { NULL, NULL };
	size_t i, off = 0;

	dst[0] = '\0';
	for (i = 1; i < st->argc; i++) {
		if (i > 1 && off + 1 < cap)
			dst[off] = ' ';
		off += i > 1;
		if (strpbrk(st->argv[i], " \t") != NULL) {
			one[0] = st->argv[i];
			off += cmdline_join(one, off < cap ? dst + off : NULL,
			    off < cap ? cap - off : 0);
		} else {
			if (off < cap)
				snprintf(dst + off, cap - off, "%s",
				    st->argv[i]);
			off += strlen(st->argv[i]);
		}
		if (off < cap)
			dst[off] = '\0';
	}
	return off;
}

static int
kw_script(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_check_script *s = &cur(p)->script;
	char **argv = NULL;
	enum cmdline_err e;
	size_t need;
	int argc;

	if (st->argc == 2) {
		need = strlen(st->argv[1]);
		if (need < sizeof(s->cmd))
			memcpy(s->cmd, st->argv[1], need + 1);
	} else {
		need = join_words(st, s->cmd, sizeof(s->cmd));
	}
	if (need >= sizeof(s->cmd)) {
		conf_perr(p, "script: longer than %d bytes", CONF_CMD_MAX - 1);
		s->cmd[0] = '\0';
		return 0;
	}
	if ((e = cmdline_split_any(s->cmd, &argv, &argc)) != CMDLINE_OK) {
		conf_perr(p, "script: %s", cmdline_strerror(e));
		s->cmd[0] = '\0';
	}
	cmdline_free(argv);
	return 0;
}

/*
 * Fractions as later keepalived versions take them (2.2.7 ignores them,
 * see vipd.conf(5)); no warning, so that the canonical dump reads back
 * without a message.
 */
static int
kw_times(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_check *ch = cur(p);

	conf_val_seconds(p, st->argv[0], st->argv[1], SCRIPT_MIN_US,
	    SCRIPT_MAX_US, !strcmp(st->argv[0], "interval") ?
	    &ch->interval_us : &ch->timeout_us);
	return 0;
}

static int
kw_rise_fall(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_check *ch = cur(p);
	uint32_t v;

	if (conf_val_uint(p, st->argv[0], st->argv[1], 1, RISE_FALL_MAX,
	    &v) == 0)
		*(!strcmp(st->argv[0], "rise") ? &ch->rise : &ch->fall) = v;
	return 0;
}

static int
kw_user(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_check_script *s = &cur(p)->script;

	if (conf_val_name(p, "user", st->argv[1], s->user,
	    sizeof(s->user)) == 0 && st->argc > 2)
		conf_val_name(p, "user", st->argv[2], s->group,
		    sizeof(s->group));
	return 0;
}

static int
kw_init_fail(struct conf_parser *p, const struct conf_stmt *st)
{
	(void)st;
	cur(p)->script.init_fail = true;
	return 0;
}

/* track_file ----------------------------------------------------------- */

static int
kw_file(struct conf_parser *p, const struct conf_stmt *st)
{
	conf_val_path(p, "file", st->argv[1], cur(p)->tfile.path,
	    sizeof(cur(p)->tfile.path));
	return 0;
}

static int
kw_init_file(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_check_file *f = &cur(p)->tfile;
	char r[CONF_REPR_MAX];
	size_t i;

	f->init_file = true;
	for (i = 1; i < st->argc; i++) {
		if (!strcmp(st->argv[i], "overwrite"))
			f->overwrite = true;
		else if (st->argv[i][0] == '-' || (st->argv[i][0] >= '0' &&
		    st->argv[i][0] <= '9'))
			conf_val_int(p, "init_file", st->argv[i], -254, 254,
			    &f->init_value);
		else
			conf_perr(p, "init_file: unknown option \"%s\"",
			    CONF_REPR(r, st->argv[i]));
	}
	return 0;
}

/* vrrp_track_process --------------------------------------------------- */

static int
kw_process(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_check_process *pr = &cur(p)->process;
	size_t i, len, off = 0;

	if (conf_val_name(p, "process", st->argv[1], pr->name,
	    sizeof(pr->name)) < 0)
		return 0;
	for (i = 2; i < st->argc; i++) {
		len = strlen(st->argv[i]) + 1;
		if (off + len > sizeof(pr->params)) {
			conf_perr(p, "process: parameters longer than %d bytes",
			    CONF_CMD_MAX);
			return 0;
		}
		memcpy(pr->params + off, st->argv[i], len);
		off += len;
	}
	pr->params_len = off;
	pr->nparams = (uint32_t)(st->argc - 2);
	if (pr->nparams > 0) {
		pr->full_command = true;
		if (pr->param_match == CONF_PARAM_NONE)
			pr->param_match = CONF_PARAM_EXACT;
	}
	return 0;
}

static int
kw_param_match(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_check_process *pr = &cur(p)->process;
	char r[CONF_REPR_MAX];

	pr->full_command = true;
	if (st->argc == 1)
		pr->param_match = CONF_PARAM_EXACT;
	else if (!strcmp(st->argv[1], "initial"))
		pr->param_match = CONF_PARAM_INITIAL;
	else if (!strcmp(st->argv[1], "partial"))
		pr->param_match = CONF_PARAM_PARTIAL;
	else
		conf_perr(p, "param_match: \"%s\" must be initial or partial",
		    CONF_REPR(r, st->argv[1]));
	return 0;
}

static int
kw_quorum(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_check_process *pr = &cur(p)->process;

	conf_val_uint(p, st->argv[0], st->argv[1], !strcmp(st->argv[0],
	    "quorum") ? 1 : 0, 65535, !strcmp(st->argv[0], "quorum") ?
	    &pr->quorum : &pr->quorum_max);
	return 0;
}

static int
kw_delay(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_check_process *pr = &cur(p)->process;
	const char *kw = st->argv[0];
	uint64_t us;

	if (conf_val_seconds(p, kw, st->argv[1], 1, DELAY_MAX_US, &us) < 0)
		return 0;
	if (strcmp(kw, "fork_delay"))
		pr->terminate_delay_us = us;
	if (strcmp(kw, "terminate_delay"))
		pr->fork_delay_us = us;
	return 0;
}

static int
kw_full_command(struct conf_parser *p, const struct conf_stmt *st)
{
	(void)st;
	cur(p)->process.full_command = true;
	return 0;
}

#define KW(n, fn, lo, hi)	{ n, CONF_BLK_NONE, lo, hi, fn }

const struct conf_kw conf_kw_script[] = {
	KW("script", kw_script, 1, CONF_ARGS_MAX - 2),
	KW("interval", kw_times, 1, 1),
	KW("timeout", kw_times, 1, 1),
	KW("weight", kw_weight, 1, 2),
	KW("rise", kw_rise_fall, 1, 1),
	KW("fall", kw_rise_fall, 1, 1),
	KW("user", kw_user, 1, 2),
	KW("init_fail", kw_init_fail, 0, 0),
	KW(NULL, NULL, 0, 0),
};

const struct conf_kw conf_kw_file[] = {
	KW("file", kw_file, 1, 1),
	KW("weight", kw_weight, 1, 2),
	KW("init_file", kw_init_file, 0, 2),
	KW(NULL, NULL, 0, 0),
};

const struct conf_kw conf_kw_process[] = {
	KW("process", kw_process, 1, CONF_ARGS_MAX - 2),
	KW("param_match", kw_param_match, 0, 1),
	KW("weight", kw_weight, 1, 2),
	KW("quorum", kw_quorum, 1, 1),
	KW("quorum_max", kw_quorum, 1, 1),
	KW("delay", kw_delay, 1, 1),
	KW("terminate_delay", kw_delay, 1, 1),
	KW("fork_delay", kw_delay, 1, 1),
	KW("full_command", kw_full_command, 0, 0),
	KW(NULL, NULL, 0, 0),
};

/* Instance lists ------------------------------------------------------- */

static enum conf_check_type
list_type(enum conf_blk b)
{
	return b == CONF_BLK_TRACK_SCRIPT ? CONF_CHECK_SCRIPT :
	    b == CONF_BLK_TRACK_FILE ? CONF_CHECK_FILE : CONF_CHECK_PROCESS;
}

/* NAME [weight N [reverse|noreverse]] */
static int
parse_line(struct conf_parser *p, const char *blk, const struct conf_stmt *st,
    struct conf_ptrack *t)
{
	int lim = t->type == CONF_CHECK_SCRIPT ? SCRIPT_WEIGHT_MAX :
	    TRACK_WEIGHT_MAX;
	char kw[64], r[CONF_REPR_MAX];

	if (conf_val_name(p, blk, st->argv[0], t->name, sizeof(t->name)) < 0)
		return -1;
	if (st->argc == 1)
		return 0;
	snprintf(kw, sizeof(kw), "%s: weight", blk);
	if (strcmp(st->argv[1], "weight") || st->argc < 3 || st->argc > 4) {
		conf_perr(p, "%s: \"%s\": expected NAME [weight N [reverse]]",
		    blk, CONF_REPR(r, st->argv[0]));
		return -1;
	}
	if (conf_val_int(p, kw, st->argv[2], -lim, lim, &t->weight) < 0)
		return -1;
	t->has_weight = true;
	t->reverse_set = st->argc == 4;
	if (st->argc == 4 && !strcmp(st->argv[3], "reverse"))
		t->reverse = true;
	else if (st->argc == 4 && strcmp(st->argv[3], "noreverse")) {
		conf_perr(p, "%s: unknown weight option \"%s\"", blk,
		    CONF_REPR(r, st->argv[3]));
		return -1;
	}
	return 0;
}

void
conf_track_line(struct conf_parser *p, enum conf_blk b,
    const struct conf_stmt *st)
{
	struct conf_pinst *pi = conf_cur_pinst(p);
	const char *blk = conf_kw_blk_name(b);
	struct conf_ptrack t, *nt;
	char r[CONF_REPR_MAX];
	size_t i, same = 0;

	memset(&t, 0, sizeof(t));
	t.at = (struct conf_where){ p->file, st->line };
	t.type = list_type(b);
	if (parse_line(p, blk, st, &t) < 0)
		return;
	for (i = 0; i < pi->nxtracks; i++) {
		if (pi->xtracks[i].type != t.type)
			continue;
		same++;
		if (!strcmp(pi->xtracks[i].name, t.name)) {
			conf_perr(p, "%s: \"%s\" is listed twice (first at "
			    "line %d)", blk, CONF_REPR(r, t.name),
			    pi->xtracks[i].at.line);
			return;
		}
	}
	if (same == CONF_TRACKS_MAX) {
		conf_perr(p, "%s: more than %d entries", blk, CONF_TRACKS_MAX);
		return;
	}
	nt = reallocarray(pi->xtracks, pi->nxtracks + 1, sizeof(*nt));
	if (nt == NULL) {
		conf_perr(p, "out of memory");
		return;
	}
	pi->xtracks = nt;
	pi->xtracks[pi->nxtracks++] = t;
}

/* Validation ----------------------------------------------------------- */

/* Whether the block's first keyword (script, file, process) was given,
 * even with a bad value already reported. */
static bool
given(const struct conf_parser *p, const struct conf_check *ch)
{
	return p->pcheck[ch - p->conf->checks].seen[0].line != 0;
}

static void
finish_check(struct conf_parser *p, struct conf_check *ch)
{
	struct conf_check_process *pr = &ch->process;
	char r[CONF_REPR_MAX];

	CONF_REPR(r, ch->name);
	switch (ch->type) {
	case CONF_CHECK_SCRIPT:
		if (!given(p, ch))
			conf_perr_at(p, ch->file, ch->line, "vrrp_script %s: "
			    "missing required keyword \"script\"", r);
		if (ch->timeout_us == 0)	/* keepalived: the interval */
			ch->timeout_us = ch->interval_us;
		break;
	case CONF_CHECK_FILE:
		if (!given(p, ch))
			conf_perr_at(p, ch->file, ch->line, "track_file %s: "
			    "missing required keyword \"file\"", r);
		ch->interval_us = 0;
		ch->rise = ch->fall = 1;
		break;
	case CONF_CHECK_PROCESS:
		if (!given(p, ch))
			conf_perr_at(p, ch->file, ch->line, "vrrp_track_process "
			    "%s: missing required keyword \"process\"", r);
		if (pr->quorum_max == 0)
			pr->quorum = 0;
		else if (pr->quorum > pr->quorum_max)
			conf_perr_at(p, ch->file, ch->line, "vrrp_track_process "
			    "%s: quorum %u is more than quorum_max %u", r,
			    pr->quorum, pr->quorum_max);
		ch->interval_us = 0;
		ch->rise = ch->fall = 1;
		break;
	default:
		break;
	}
}

static const struct conf_check *
find(const struct conf *c, enum conf_check_type t, const char *name,
    size_t *idx)
{
	size_t i;

	for (i = 0; i < c->nchecks; i++)
		if (c->checks[i].type == t && !strcmp(c->checks[i].name, name)) {
			*idx = i;
			return &c->checks[i];
		}
	return NULL;
}

static bool
reverse_of(const struct conf_check *ch)
{
	return ch->type == CONF_CHECK_SCRIPT ? ch->script.reverse :
	    ch->type == CONF_CHECK_FILE ? ch->tfile.reverse :
	    ch->process.reverse;
}

int
conf_track_resolve(struct conf_parser *p, const struct conf_ptrack *pt,
    struct conf_track *out)
{
	static const char *const blk[] = { [CONF_CHECK_SCRIPT] =
	    "track_script", [CONF_CHECK_FILE] = "track_file",
	    [CONF_CHECK_PROCESS] = "track_process" };
	const struct conf_check *ch;
	char r[CONF_REPR_MAX];
	size_t idx;

	if ((ch = find(p->conf, pt->type, pt->name, &idx)) == NULL) {
		conf_perr_at(p, pt->at.file, pt->at.line, "%s: no %s named "
		    "\"%s\"", blk[pt->type], type_kw(pt->type),
		    CONF_REPR(r, pt->name));
		return -1;
	}
	*out = (struct conf_track){ idx, pt->has_weight ? pt->weight :
	    ch->weight, pt->at.line, pt->reverse_set ? pt->reverse :
	    reverse_of(ch) };
	return 0;
}

int
conf_track_parse(struct conf_parser *p, enum conf_blk b,
    const struct conf_stmt *st, struct conf_ptrack *t)
{
	memset(t, 0, sizeof(*t));
	t->at = (struct conf_where){ p->file, st->line };
	t->type = b == CONF_BLK_SYNC_TRACK_SCRIPT ? CONF_CHECK_SCRIPT :
	    b == CONF_BLK_SYNC_TRACK_FILE ? CONF_CHECK_FILE :
	    CONF_CHECK_PROCESS;
	return parse_line(p, conf_kw_blk_name(b), st, t);
}

/*
 * Append the instance's track_script, then track_file, then track_process
 * entries (the printer's order) to the checks it tracks.
 */
static void
finish_instance(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi)
{
	static const char *const blk[] = { [CONF_CHECK_SCRIPT] =
	    "track_script", [CONF_CHECK_FILE] = "track_file",
	    [CONF_CHECK_PROCESS] = "track_process" };
	static const enum conf_check_type order[] = { CONF_CHECK_SCRIPT,
	    CONF_CHECK_FILE, CONF_CHECK_PROCESS };
	const struct conf_ptrack *pt;
	const struct conf_check *ch;
	struct conf_track *nt;
	char r[CONF_REPR_MAX];
	size_t i, idx;

	if (pi->nxtracks == 0)
		return;
	nt = reallocarray(in->tracks, in->ntracks + pi->nxtracks,
	    sizeof(*nt));
	if (nt == NULL) {
		conf_perr_at(p, in->file, in->line, "out of memory");
		return;
	}
	in->tracks = nt;
	for (i = 0; i < 3 * pi->nxtracks; i++) {
		pt = &pi->xtracks[i % pi->nxtracks];
		if (pt->type != order[i / pi->nxtracks])
			continue;
		if ((ch = find(p->conf, pt->type, pt->name, &idx)) == NULL) {
			conf_perr_at(p, pt->at.file, pt->at.line, "%s: no %s "
			    "named \"%s\"", blk[pt->type], type_kw(pt->type),
			    CONF_REPR(r, pt->name));
			continue;
		}
		in->tracks[in->ntracks++] = (struct conf_track){ idx,
		    pt->has_weight ? pt->weight : ch->weight, pt->at.line,
		    pt->reverse_set ? pt->reverse : reverse_of(ch) };
	}
}

void
conf_track_finish(struct conf_parser *p)
{
	struct conf *c = p->conf;
	size_t i;

	for (i = 0; i < c->nchecks; i++)
		finish_check(p, &c->checks[i]);
	for (i = 0; i < c->ninstances; i++)
		finish_instance(p, &c->instances[i], &p->pinst[i]);
}
