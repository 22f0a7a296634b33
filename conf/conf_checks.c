/* SPDX-License-Identifier: ISC */
/* Health-check keywords: smtp_check, postfix_check, track_check, defaults. */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"
#include "conf/conf_lex.h"

#define DEFAULT_SMTP		"default_smtp"
#define DEFAULT_POSTFIX		"default_postfix"

#define INTERVAL_US		1000000
#define INTERVAL_MIN_US		50000
#define INTERVAL_MAX_US		3600000000ULL
#define TIMEOUT_US		5000000
#define STEP_TIMEOUT_US		2000000
#define TIMEOUT_MIN_US		1000
#define TIMEOUT_MAX_US		(INTERVAL_MAX_US * 10)
#define TLS_DAYS_WARN		14
#define TLS_DAYS_MAX		36500
#define INCOMING_AGE_S		300
#define ACTIVE_AGE_S		900
#define AGE_MAX_S		31536000	/* a year */
#define COUNT_MAX		100000000
#define RISE_FALL_MAX		255
#define MASTER_POLL_US		10000
#define MASTER_POLL_MIN_US	1000
#define MASTER_POLL_MAX_US	1000000

#define SECS(buf, us)	conf_lex_fmt_seconds((buf), sizeof(buf), (us))

/* Blocks --------------------------------------------------------------- */

static struct conf_check *
cur_check(struct conf_parser *p)
{
	return &p->conf->checks[p->conf->nchecks - 1];
}

static int
grow_checks(struct conf_parser *p)
{
	struct conf *c = p->conf;
	size_t cap = p->check_cap ? p->check_cap * 2 : 4;
	struct conf_check *ch;
	struct conf_pcheck *pc;

	if (c->nchecks < p->check_cap)
		return 0;
	ch = reallocarray(c->checks, cap, sizeof(*ch));
	if (ch != NULL)
		c->checks = ch;
	pc = reallocarray(p->pcheck, cap, sizeof(*pc));
	if (pc != NULL)
		p->pcheck = pc;
	if (ch == NULL || pc == NULL)
		return -1;
	p->check_cap = cap;
	return 0;
}

/* Defaults that depend on nothing else; the rest come in finish_check(). */
struct conf_check *
conf_checks_add(struct conf_parser *p, const char *name,
    enum conf_check_type type)
{
	struct conf_check *ch;

	if (grow_checks(p) < 0) {
		conf_perr(p, "out of memory");
		return NULL;
	}
	memset(&p->pcheck[p->conf->nchecks], 0, sizeof(*p->pcheck));
	ch = &p->conf->checks[p->conf->nchecks++];
	memset(ch, 0, sizeof(*ch));
	memcpy(ch->name, name, strlen(name) + 1);
	ch->type = type;
	ch->interval_us = INTERVAL_US;
	ch->rise = ch->fall = 1;
	if (type == CONF_CHECK_SMTP) {
		ch->smtp.tls_days_warn = TLS_DAYS_WARN;
	} else if (type == CONF_CHECK_POSTFIX) {
		ch->postfix.max_incoming_age_s = INCOMING_AGE_S;
		ch->postfix.max_active_age_s = ACTIVE_AGE_S;
		ch->postfix.master_poll_us = MASTER_POLL_US;
	}
	return ch;
}

static const struct conf_check *
find_check(const struct conf *c, const char *name, size_t *idx)
{
	size_t i;

	for (i = 0; i < c->nchecks; i++)
		if (!strcmp(c->checks[i].name, name)) {
			*idx = i;
			return &c->checks[i];
		}
	return NULL;
}

static int
open_check(struct conf_parser *p, const struct conf_stmt *st,
    enum conf_check_type type)
{
	const char *kw = st->argv[0];
	char name[CONF_NAME_MAX], r[CONF_REPR_MAX];
	const struct conf_check *dup;
	struct conf_check *ch;
	size_t i;

	if (conf_val_name(p, kw, st->argv[1], name, sizeof(name)) < 0)
		return -1;
	if (p->conf->nchecks >= CONF_CHECKS_MAX) {
		conf_perr(p, "%s: more than %d checks", kw, CONF_CHECKS_MAX);
		return -1;
	}
	CONF_REPR(r, name);
	if ((dup = find_check(p->conf, name, &i)) != NULL)
		conf_perr(p, "%s %s: duplicate name (first at %s:%d)", kw, r,
		    dup->file, dup->line);
	else if (type == CONF_CHECK_POSTFIX && !strcmp(name, DEFAULT_SMTP))
		conf_perr(p, "%s %s: the name is reserved for the default "
		    "smtp_check", kw, r);
	else if (type == CONF_CHECK_SMTP && !strcmp(name, DEFAULT_POSTFIX))
		conf_perr(p, "%s %s: the name is reserved for the default "
		    "postfix_check", kw, r);
	if ((ch = conf_checks_add(p, name, type)) == NULL)
		return -1;
	ch->file = p->file;
	ch->line = st->line;
	return 0;
}

int
conf_checks_kw_smtp(struct conf_parser *p, const struct conf_stmt *st)
{
	return open_check(p, st, CONF_CHECK_SMTP);
}

int
conf_checks_kw_postfix(struct conf_parser *p, const struct conf_stmt *st)
{
	return open_check(p, st, CONF_CHECK_POSTFIX);
}

/* Keywords of both ----------------------------------------------------- */

static int
kw_interval(struct conf_parser *p, const struct conf_stmt *st)
{
	conf_val_seconds(p, st->argv[0], st->argv[1], INTERVAL_MIN_US,
	    INTERVAL_MAX_US, &cur_check(p)->interval_us);
	return 0;
}

static int
kw_rise_fall(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_check *ch = cur_check(p);
	uint32_t v;

	if (conf_val_uint(p, st->argv[0], st->argv[1], 1, RISE_FALL_MAX,
	    &v) == 0)
		*(!strcmp(st->argv[0], "rise") ? &ch->rise : &ch->fall) = v;
	return 0;
}

static int
kw_weight(struct conf_parser *p, const struct conf_stmt *st)
{
	conf_val_int(p, st->argv[0], st->argv[1], -CONF_WEIGHT_MAX,
	    CONF_WEIGHT_MAX, &cur_check(p)->weight);
	return 0;
}

/* smtp_check ----------------------------------------------------------- */

static int
kw_timeout(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_check *ch = cur_check(p);

	conf_val_seconds(p, st->argv[0], st->argv[1], TIMEOUT_MIN_US,
	    TIMEOUT_MAX_US, !strcmp(st->argv[0], "timeout") ?
	    &ch->timeout_us : &ch->step_timeout_us);
	return 0;
}

static int
kw_connect_ip(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_check *ch = cur_check(p);

	conf_addr_host(p, st->argv[0], st->argv[1], &ch->smtp.family,
	    ch->smtp.addr);
	return 0;
}

static int
kw_connect_port(struct conf_parser *p, const struct conf_stmt *st)
{
	uint32_t v;

	if (conf_val_uint(p, st->argv[0], st->argv[1], 1, 65535, &v) == 0)
		cur_check(p)->smtp.port = (uint16_t)v;
	return 0;
}

/* helo_name, tls_server_name, mail_from, rcpt_to: words of SMTP commands. */
static int
kw_token(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_check_smtp *s = &cur_check(p)->smtp;
	const char *kw = st->argv[0];
	char *dst = !strcmp(kw, "helo_name") ? s->helo_name :
	    !strcmp(kw, "tls_server_name") ? s->tls_server_name :
	    !strcmp(kw, "mail_from") ? s->mail_from : s->rcpt_to;

	conf_val_token(p, kw, st->argv[1], dst, CONF_HOST_MAX);
	return 0;
}

static int
kw_starttls(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_check_smtp *s = &cur_check(p)->smtp;
	char r[CONF_REPR_MAX];

	if (!strcmp(st->argv[1], "off"))
		s->starttls = CONF_STARTTLS_OFF;
	else if (!strcmp(st->argv[1], "on"))
		s->starttls = CONF_STARTTLS_ON;
	else if (!strcmp(st->argv[1], "required"))
		s->starttls = CONF_STARTTLS_REQUIRED;
	else
		conf_perr(p, "starttls: \"%s\" must be off, on or required",
		    CONF_REPR(r, st->argv[1]));
	return 0;
}

static int
kw_tls_verify(struct conf_parser *p, const struct conf_stmt *st)
{
	conf_val_bool(p, st->argv[0], st->argv[1],
	    &cur_check(p)->smtp.tls_verify);
	return 0;
}

static int
kw_tls_ca_file(struct conf_parser *p, const struct conf_stmt *st)
{
	conf_val_path(p, st->argv[0], st->argv[1],
	    cur_check(p)->smtp.tls_ca_file, CONF_PATH_MAX);
	return 0;
}

static int
kw_tls_days(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_check_smtp *s = &cur_check(p)->smtp;

	conf_val_uint(p, st->argv[0], st->argv[1], 0, TLS_DAYS_MAX,
	    !strcmp(st->argv[0], "tls_days_warn") ? &s->tls_days_warn :
	    &s->tls_days_crit);
	return 0;
}

/* postfix_check -------------------------------------------------------- */

static int
kw_pf_path(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_check_postfix *pf = &cur_check(p)->postfix;

	conf_val_path(p, st->argv[0], st->argv[1],
	    !strcmp(st->argv[0], "config_dir") ? pf->config_dir :
	    pf->queue_directory, CONF_PATH_MAX);
	return 0;
}

static int
kw_pf_limit(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_check_postfix *pf = &cur_check(p)->postfix;
	const char *kw = st->argv[0];
	bool age = strstr(kw, "_age") != NULL;

	conf_val_uint(p, kw, st->argv[1], 0, age ? AGE_MAX_S : COUNT_MAX,
	    !strcmp(kw, "max_incoming_age") ? &pf->max_incoming_age_s :
	    !strcmp(kw, "max_active_age") ? &pf->max_active_age_s :
	    !strcmp(kw, "max_deferred") ? &pf->max_deferred :
	    !strcmp(kw, "max_hold") ? &pf->max_hold : &pf->max_corrupt);
	return 0;
}

static int
kw_pf_master_poll(struct conf_parser *p, const struct conf_stmt *st)
{
	conf_val_seconds(p, st->argv[0], st->argv[1], MASTER_POLL_MIN_US,
	    MASTER_POLL_MAX_US, &cur_check(p)->postfix.master_poll_us);
	return 0;
}

#define KW(n, fn)	{ n, CONF_BLK_NONE, 1, 1, fn }

const struct conf_kw conf_kw_smtp_check[] = {
	[CONF_CK_INTERVAL] = KW("interval", kw_interval),
	[CONF_CK_RISE] = KW("rise", kw_rise_fall),
	[CONF_CK_FALL] = KW("fall", kw_rise_fall),
	[CONF_CK_WEIGHT] = KW("weight", kw_weight),
	[CONF_SK_TIMEOUT] = KW("timeout", kw_timeout),
	[CONF_SK_STEP_TIMEOUT] = KW("step_timeout", kw_timeout),
	[CONF_SK_CONNECT_IP] = KW("connect_ip", kw_connect_ip),
	[CONF_SK_CONNECT_PORT] = KW("connect_port", kw_connect_port),
	[CONF_SK_HELO_NAME] = KW("helo_name", kw_token),
	[CONF_SK_STARTTLS] = KW("starttls", kw_starttls),
	[CONF_SK_TLS_VERIFY] = KW("tls_verify", kw_tls_verify),
	[CONF_SK_TLS_CA_FILE] = KW("tls_ca_file", kw_tls_ca_file),
	[CONF_SK_TLS_SERVER_NAME] = KW("tls_server_name", kw_token),
	[CONF_SK_TLS_DAYS_WARN] = KW("tls_days_warn", kw_tls_days),
	[CONF_SK_TLS_DAYS_CRIT] = KW("tls_days_crit", kw_tls_days),
	[CONF_SK_MAIL_FROM] = KW("mail_from", kw_token),
	[CONF_SK_RCPT_TO] = KW("rcpt_to", kw_token),
	[CONF_SK_END] = { NULL, CONF_BLK_NONE, 0, 0, NULL },
};

const struct conf_kw conf_kw_postfix_check[] = {
	[CONF_CK_INTERVAL] = KW("interval", kw_interval),
	[CONF_CK_RISE] = KW("rise", kw_rise_fall),
	[CONF_CK_FALL] = KW("fall", kw_rise_fall),
	[CONF_CK_WEIGHT] = KW("weight", kw_weight),
	[CONF_PK_CONFIG_DIR] = KW("config_dir", kw_pf_path),
	[CONF_PK_QUEUE_DIRECTORY] = KW("queue_directory", kw_pf_path),
	[CONF_PK_MAX_INCOMING_AGE] = KW("max_incoming_age", kw_pf_limit),
	[CONF_PK_MAX_ACTIVE_AGE] = KW("max_active_age", kw_pf_limit),
	[CONF_PK_MAX_DEFERRED] = KW("max_deferred", kw_pf_limit),
	[CONF_PK_MAX_HOLD] = KW("max_hold", kw_pf_limit),
	[CONF_PK_MAX_CORRUPT] = KW("max_corrupt", kw_pf_limit),
	[CONF_PK_MASTER_POLL] = KW("master_poll", kw_pf_master_poll),
	[CONF_PK_END] = { NULL, CONF_BLK_NONE, 0, 0, NULL },
};

_Static_assert(CONF_SK_END <= CONF_SEEN_MAX && CONF_PK_END <= CONF_SEEN_MAX,
    "CONF_SEEN_MAX is too small for the check tables");

/* track_check ---------------------------------------------------------- */

/* One line of track_check: NAME [weight N], resolved at the end. */
void
conf_checks_track_line(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_pinst *pi = conf_cur_pinst(p);
	struct conf_ptrack t, *nt;
	char r[CONF_REPR_MAX];
	size_t i;

	memset(&t, 0, sizeof(t));
	t.at = (struct conf_where){ p->file, st->line };
	if (conf_val_name(p, "track_check", st->argv[0], t.name,
	    sizeof(t.name)) < 0 || conf_kw_weight_opt(p, "track_check", st,
	    &t.weight, &t.has_weight) < 0)
		return;
	for (i = 0; i < pi->nptracks; i++)
		if (!strcmp(pi->ptracks[i].name, t.name)) {
			conf_perr(p, "track_check: \"%s\" is listed twice "
			    "(first at line %d)", CONF_REPR(r, t.name),
			    pi->ptracks[i].at.line);
			return;
		}
	if (pi->nptracks == CONF_TRACKS_MAX) {
		conf_perr(p, "track_check: more than %d checks",
		    CONF_TRACKS_MAX);
		return;
	}
	nt = reallocarray(pi->ptracks, pi->nptracks + 1, sizeof(*nt));
	if (nt == NULL) {
		conf_perr(p, "out of memory");
		return;
	}
	pi->ptracks = nt;
	pi->ptracks[pi->nptracks++] = t;
}

/* Validation ----------------------------------------------------------- */

static bool
has(const struct conf_pcheck *pc, int k)
{
	return pc->seen[k].line != 0;
}

/* TLS settings mean nothing without STARTTLS: warn and drop them. */
static void
finish_tls(struct conf_parser *p, struct conf_check *ch,
    const struct conf_pcheck *pc)
{
	static const int tls_kws[] = { CONF_SK_TLS_VERIFY, CONF_SK_TLS_CA_FILE,
	    CONF_SK_TLS_SERVER_NAME, CONF_SK_TLS_DAYS_WARN,
	    CONF_SK_TLS_DAYS_CRIT };
	struct conf_check_smtp *s = &ch->smtp;
	const struct conf_where *w;
	size_t i;

	if (s->starttls == CONF_STARTTLS_OFF) {
		for (i = 0; i < sizeof(tls_kws) / sizeof(tls_kws[0]); i++) {
			w = &pc->seen[tls_kws[i]];
			if (w->line != 0)
				conf_pwarn_at(p, w->file, w->line, "%s has no "
				    "effect with starttls off",
				    conf_kw_smtp_check[tls_kws[i]].name);
		}
		s->tls_verify = false;
		memset(s->tls_ca_file, 0, sizeof(s->tls_ca_file));
		memset(s->tls_server_name, 0, sizeof(s->tls_server_name));
		s->tls_days_warn = TLS_DAYS_WARN;
		s->tls_days_crit = 0;
		return;
	}
	if (!has(pc, CONF_SK_TLS_VERIFY))
		s->tls_verify = true;
	w = &pc->seen[CONF_SK_TLS_DAYS_CRIT];
	if (s->tls_days_crit > s->tls_days_warn)
		conf_perr_at(p, w->file, w->line, "tls_days_crit: %u is more "
		    "than tls_days_warn (%u)", s->tls_days_crit,
		    s->tls_days_warn);
}

static void
finish_smtp(struct conf_parser *p, struct conf_check *ch,
    const struct conf_pcheck *pc)
{
	const struct conf *c = p->conf;
	struct conf_check_smtp *s = &ch->smtp;
	uint64_t limit = ch->interval_us * 10;
	const struct conf_where *w;
	char a[CONF_SECONDS_MAX], b[CONF_SECONDS_MAX];

	if (!has(pc, CONF_SK_CONNECT_IP)) {
		s->family = c->default_smtp_family;
		memcpy(s->addr, c->default_smtp_ip, sizeof(s->addr));
	}
	if (!has(pc, CONF_SK_CONNECT_PORT))
		s->port = c->default_smtp_port;
	w = &pc->seen[CONF_SK_TIMEOUT];
	if (w->line == 0)
		ch->timeout_us = limit < TIMEOUT_US ? limit : TIMEOUT_US;
	else if (ch->timeout_us > limit)
		conf_perr_at(p, w->file, w->line, "timeout: %s s is more than "
		    "10 times the interval (%s s)", SECS(a, ch->timeout_us),
		    SECS(b, ch->interval_us));
	w = &pc->seen[CONF_SK_STEP_TIMEOUT];
	if (w->line == 0)
		ch->step_timeout_us = ch->timeout_us < STEP_TIMEOUT_US ?
		    ch->timeout_us : STEP_TIMEOUT_US;
	else if (ch->step_timeout_us > ch->timeout_us)
		conf_perr_at(p, w->file, w->line, "step_timeout: %s s is more "
		    "than the timeout (%s s)", SECS(a, ch->step_timeout_us),
		    SECS(b, ch->timeout_us));
	finish_tls(p, ch, pc);
	w = &pc->seen[CONF_SK_MAIL_FROM];
	if (s->rcpt_to[0] == '\0' && w->line != 0) {
		conf_pwarn_at(p, w->file, w->line, "mail_from has no effect "
		    "without rcpt_to");
		memset(s->mail_from, 0, sizeof(s->mail_from));
	}
}

static void
finish_check(struct conf_parser *p, struct conf_check *ch,
    const struct conf_pcheck *pc)
{
	if (ch->type == CONF_CHECK_SMTP) {
		finish_smtp(p, ch, pc);
		return;
	}
	if (ch->type != CONF_CHECK_POSTFIX)
		return;		/* keepalived's trackers: conf_track.c */
	if (!has(pc, CONF_PK_CONFIG_DIR))
		memcpy(ch->postfix.config_dir, p->conf->postfix_config_dir,
		    sizeof(ch->postfix.config_dir));
	ch->timeout_us = ch->step_timeout_us = 0;
}

/* Whether an instance tracks @name, by default_checks or by name. */
static bool
wanted(const struct conf_parser *p, const char *name)
{
	const struct conf_pinst *pi;
	size_t i, j;

	for (i = 0; i < p->conf->ninstances; i++) {
		pi = &p->pinst[i];
		if (pi->seen[CONF_IK_TRACK_CHECK].line == 0 &&
		    p->conf->instances[i].default_checks)
			return true;
		for (j = 0; j < pi->nptracks; j++)
			if (!strcmp(pi->ptracks[j].name, name))
				return true;
	}
	return false;
}

/* The default checks, unless the configuration defines them itself. */
static void
add_implicit(struct conf_parser *p)
{
	static const struct {
		const char *name;
		enum conf_check_type type;
	} defs[] = {
		{ DEFAULT_SMTP, CONF_CHECK_SMTP },
		{ DEFAULT_POSTFIX, CONF_CHECK_POSTFIX },
	};
	struct conf_check *ch;
	size_t i, idx;

	for (i = 0; i < 2; i++) {
		if (find_check(p->conf, defs[i].name, &idx) != NULL ||
		    !wanted(p, defs[i].name))
			continue;
		if ((ch = conf_checks_add(p, defs[i].name, defs[i].type)) != NULL)
			ch->implicit = true;
	}
}

/*
 * An address owner (RFC 5798: priority 255) always wins and never yields,
 * so its checks can change nothing. A warning, not an error: keepalived
 * loads such a file, and an owner may be meant; but a mail admin who set
 * 255 to make "the primary" would lose health gating without knowing.
 */
static void
owner_warning(struct conf_parser *p, const struct conf_instance *in,
    const struct conf_pinst *pi)
{
	const struct conf_where *pw = &pi->seen[CONF_IK_PRIORITY];

	if (in->priority == 255 && in->ntracks > 0)
		conf_pwarn_at(p, pw->file, pw->line, "priority 255 (address "
		    "owner) is never health-gated: this host keeps the "
		    "addresses while its checks fail, and refuses maintenance; "
		    "use 254 or lower for a health-gated Master");
}

static void
finish_tracks(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi)
{
	static const char *const defaults[] = { DEFAULT_SMTP, DEFAULT_POSTFIX };
	const struct conf_where *tc = &pi->seen[CONF_IK_TRACK_CHECK];
	const struct conf_ptrack *pt;
	const struct conf_check *ch;
	char r[CONF_REPR_MAX];
	size_t i, idx, n;

	if (pi->track_check_at.line != 0 && pi->track_check_lines == 0)
		conf_perr_at(p, tc->file, tc->line, "track_check: no check "
		    "(use default_checks off to track nothing)");
	n = tc->line != 0 ? pi->nptracks : in->default_checks ? 2 : 0;
	if (n == 0)
		return;
	if ((in->tracks = calloc(n, sizeof(*in->tracks))) == NULL) {
		conf_perr_at(p, in->file, in->line, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		pt = tc->line != 0 ? &pi->ptracks[i] : NULL;
		ch = find_check(p->conf, pt ? pt->name : defaults[i], &idx);
		if (ch != NULL && ch->type != CONF_CHECK_SMTP &&
		    ch->type != CONF_CHECK_POSTFIX)
			ch = NULL;	/* a vrrp_script etc.: see conf_track.c */
		if (ch == NULL && pt != NULL)
			conf_perr_at(p, pt->at.file, pt->at.line,
			    "track_check: no smtp_check or postfix_check "
			    "named \"%s\"", CONF_REPR(r, pt->name));
		if (ch == NULL)
			continue;
		in->tracks[in->ntracks++] = (struct conf_track){ idx,
		    pt && pt->has_weight ? pt->weight : ch->weight,
		    pt ? pt->at.line : 0 };
	}
	owner_warning(p, in, pi);
}

void
conf_checks_finish(struct conf_parser *p)
{
	struct conf *c = p->conf;
	size_t i;

	add_implicit(p);
	for (i = 0; i < c->nchecks; i++)
		finish_check(p, &c->checks[i], &p->pcheck[i]);
	for (i = 0; i < c->ninstances; i++)
		finish_tracks(p, &c->instances[i], &p->pinst[i]);
}
