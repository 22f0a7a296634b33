/* SPDX-License-Identifier: ISC */
/* vrrp_sync_group: instances that move together, as keepalived 2.2.7. */

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"
#include "conf/conf_lex.h"

#define SYNC_GROUPS_MAX	CONF_INSTANCES_MAX

static struct conf_sync_group *
cur_group(struct conf_parser *p)
{
	return &p->conf->sync_groups[p->conf->nsync_groups - 1];
}

int
conf_sync_kw_group(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf *c = p->conf;
	struct conf_sync_group *g;
	char name[CONF_NAME_MAX], r[CONF_REPR_MAX];
	size_t i;

	if (conf_val_name(p, st->argv[0], st->argv[1], name, sizeof(name)) < 0)
		return -1;
	for (i = 0; i < c->nsync_groups; i++)
		if (!strcmp(c->sync_groups[i].name, name)) {
			conf_perr(p, "vrrp_sync_group %s: duplicate name "
			    "(first at %s:%d)", CONF_REPR(r, name),
			    c->sync_groups[i].file, c->sync_groups[i].line);
			return -1;
		}
	if (c->nsync_groups == SYNC_GROUPS_MAX) {
		conf_perr(p, "vrrp_sync_group: more than %d groups",
		    SYNC_GROUPS_MAX);
		return -1;
	}
	g = reallocarray(c->sync_groups, c->nsync_groups + 1, sizeof(*g));
	if (g == NULL) {
		conf_perr(p, "out of memory");
		return -1;
	}
	c->sync_groups = g;
	g = &c->sync_groups[c->nsync_groups++];
	memset(g, 0, sizeof(*g));
	memcpy(g->name, name, strlen(name) + 1);
	g->file = p->file;
	g->line = st->line;
	memset(p->seen_sync, 0, sizeof(p->seen_sync));
	return 0;
}

/* "group { VI_1 VI_2 }": keepalived takes several names on a line too. */
static void
member_line(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_sync_group *g = cur_group(p);
	struct conf_sync_member m, *nm;
	char r[CONF_REPR_MAX];
	size_t i, k;

	if (st->nwords > st->argc) {
		conf_perr(p, "group: too many names on one line (at most %d)",
		    CONF_ARGS_MAX);
		return;
	}
	for (k = 0; k < st->argc; k++) {
		memset(&m, 0, sizeof(m));
		m.line = st->line;
		if (conf_val_name(p, "group", st->argv[k], m.name,
		    sizeof(m.name)) < 0)
			continue;
		for (i = 0; i < g->nmembers; i++)
			if (!strcmp(g->members[i].name, m.name))
				break;
		if (i < g->nmembers) {
			conf_perr(p, "group: \"%s\" is listed twice (first at "
			    "line %d)", CONF_REPR(r, m.name),
			    g->members[i].line);
			continue;
		}
		if (g->nmembers == CONF_SYNC_MEMBERS_MAX) {
			conf_perr(p, "group: more than %d members",
			    CONF_SYNC_MEMBERS_MAX);
			return;
		}
		nm = reallocarray(g->members, g->nmembers + 1, sizeof(*nm));
		if (nm == NULL) {
			conf_perr(p, "out of memory");
			return;
		}
		g->members = nm;
		g->members[g->nmembers++] = m;
	}
}

/*
 * "track_check { NAME [weight N] }", or keepalived's track_script,
 * track_file, track_process: resolved once every block is known.
 */
static void
track_line(struct conf_parser *p, enum conf_blk b, const struct conf_stmt *st)
{
	struct conf_psync_track t, *nt;
	size_t i, n = 0, gi = p->conf->nsync_groups - 1;
	const char *blk = conf_kw_blk_name(b);
	char r[CONF_REPR_MAX];

	memset(&t, 0, sizeof(t));
	t.group = gi;
	t.check = b == CONF_BLK_SYNC_TRACK_CHECK;
	t.t.at = (struct conf_where){ p->file, st->line };
	if (t.check ? conf_val_name(p, blk, st->argv[0], t.t.name,
	    sizeof(t.t.name)) < 0 || conf_kw_weight_opt(p, blk, st,
	    &t.t.weight, &t.t.has_weight) < 0 :
	    conf_track_parse(p, b, st, &t.t) < 0)
		return;
	for (i = 0; i < p->nsync_tracks; i++) {
		const struct conf_psync_track *o = &p->sync_tracks[i];

		if (o->group != gi || o->check != t.check ||
		    (!t.check && o->t.type != t.t.type))
			continue;
		n++;
		if (!strcmp(o->t.name, t.t.name)) {
			conf_perr(p, "%s: \"%s\" is listed twice (first at "
			    "line %d)", blk, CONF_REPR(r, t.t.name), o->t.at.line);
			return;
		}
	}
	if (n == CONF_TRACKS_MAX) {
		conf_perr(p, "%s: more than %d entries", blk, CONF_TRACKS_MAX);
		return;
	}
	nt = reallocarray(p->sync_tracks, p->nsync_tracks + 1, sizeof(*nt));
	if (nt == NULL) {
		conf_perr(p, "out of memory");
		return;
	}
	p->sync_tracks = nt;
	p->sync_tracks[p->nsync_tracks++] = t;
}

void
conf_sync_list_line(struct conf_parser *p, enum conf_blk b,
    const struct conf_stmt *st)
{
	struct conf_sync_group *g = cur_group(p);

	if (b == CONF_BLK_SYNC_MEMBERS) {
		member_line(p, st);
		return;
	}
	if (st->nwords > st->argc) {
		conf_perr(p, "%s: too many words on one line",
		    conf_kw_blk_name(b));
		return;
	}
	if (b != CONF_BLK_SYNC_TRACK_IF) {
		track_line(p, b, st);
		return;
	}
	conf_addr_track_if_into(p, st, &g->track_ifs, &g->ntrack_ifs);
}

/*
 * The same rules as an instance's notify scripts: an absolute path or a
 * bare name (looked up on PATH), and a user after it only if it is the
 * one every script runs as (script_user, which global_defs sets first).
 */
static int
kw_notify(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_sync_group *g = cur_group(p);
	const struct conf *c = p->conf;
	const char *kw = st->argv[0], *s = st->argv[1];
	char **dst = !strcmp(kw, "notify_master") ? &g->notify_master :
	    !strcmp(kw, "notify_backup") ? &g->notify_backup :
	    !strcmp(kw, "notify_fault") ? &g->notify_fault :
	    !strcmp(kw, "notify_stop") ? &g->notify_stop : &g->notify;
	const char *u = st->argc > 2 ? st->argv[2] : NULL;
	const char *gr = st->argc > 3 ? st->argv[3] : "";
	char r[CONF_REPR_MAX];
	size_t n;

	s += strspn(s, " \t");
	n = strcspn(s, " \t");
	if (*s == '\0') {
		conf_perr(p, "%s: empty command", kw);
		return 0;
	}
	if (((s[0] == '\'' || s[0] == '"') && s[1] != '/') ||
	    (s[0] != '/' && s[0] != '\'' && s[0] != '"' &&
	    memchr(s, '/', n) != NULL)) {
		conf_perr(p, "%s: \"%s\" is a relative path (give an absolute "
		    "one, or a bare name to look up on PATH)", kw,
		    CONF_REPR(r, st->argv[1]));
		return 0;
	}
	if (u != NULL && (strcmp(u, c->script_user[0] ? c->script_user :
	    "root") || (gr[0] && strcmp(gr, c->script_group)))) {
		conf_perr(p, "%s: running one script as %s%s%s is not "
		    "supported yet by vipd: all notify scripts run as "
		    "script_user", kw,
		    CONF_REPR(r, u), gr[0] ? ":" : "", gr);
		return 0;
	}
	if ((*dst = strdup(st->argv[1])) == NULL)
		conf_perr(p, "out of memory");
	return 0;
}

static int
kw_tracking_weight(struct conf_parser *p, const struct conf_stmt *st)
{
	if (!strcmp(st->argv[0], "global_tracking"))
		conf_pwarn(p, "global_tracking is deprecated (as in "
		    "keepalived): it means sync_group_tracking_weight; use "
		    "track_interface in the vrrp_sync_group instead");
	cur_group(p)->tracking_weight = true;
	return 0;
}

#define KW(n, f, lo, hi)	{ (n), CONF_BLK_NONE, (lo), (hi), (f) }
#define BLK(n, b, f)		{ (n), (b), 0, 0, (f) }

const struct conf_kw conf_kw_sync[] = {
	[CONF_GRK_GROUP] = BLK("group", CONF_BLK_SYNC_MEMBERS, NULL),
	[CONF_GRK_TRACK_IF] = BLK("track_interface", CONF_BLK_SYNC_TRACK_IF,
	    NULL),
	[CONF_GRK_NOTIFY_MASTER] = KW("notify_master", kw_notify, 1, 3),
	[CONF_GRK_NOTIFY_BACKUP] = KW("notify_backup", kw_notify, 1, 3),
	[CONF_GRK_NOTIFY_FAULT] = KW("notify_fault", kw_notify, 1, 3),
	[CONF_GRK_NOTIFY_STOP] = KW("notify_stop", kw_notify, 1, 3),
	[CONF_GRK_NOTIFY] = KW("notify", kw_notify, 1, 3),
	[CONF_GRK_GLOBAL_TRACKING] = KW("global_tracking", kw_tracking_weight,
	    0, 0),
	[CONF_GRK_TRACKING_WEIGHT] = KW("sync_group_tracking_weight",
	    kw_tracking_weight, 0, 0),
	[CONF_GRK_TRACK_CHECK] = BLK("track_check", CONF_BLK_SYNC_TRACK_CHECK,
	    NULL),
	[CONF_GRK_TRACK_SCRIPT] = BLK("track_script",
	    CONF_BLK_SYNC_TRACK_SCRIPT, NULL),
	[CONF_GRK_TRACK_FILE] = BLK("track_file", CONF_BLK_SYNC_TRACK_FILE,
	    NULL),
	[CONF_GRK_TRACK_PROCESS] = BLK("track_process",
	    CONF_BLK_SYNC_TRACK_PROCESS, NULL),
	[CONF_GRK_END] = KW(NULL, NULL, 0, 0),
};

_Static_assert(CONF_GRK_END <= CONF_SEEN_MAX, "CONF_SEEN_MAX is too small");

/* After parsing ------------------------------------------------------- */

static const struct conf_sync_group *
owner_of(const struct conf *c, size_t ngroups, size_t inst, size_t *member)
{
	size_t i, k;

	for (i = 0; i < ngroups; i++)
		for (k = 0; k < c->sync_groups[i].nmembers; k++)
			if (c->sync_groups[i].members[k].instance == inst) {
				if (member != NULL)
					*member = k;
				return &c->sync_groups[i];
			}
	return NULL;
}

const struct conf_sync_group *
conf_sync_group_of(const struct conf *c, size_t inst)
{
	return owner_of(c, c->nsync_groups, inst, NULL);
}

static bool
find_instance(const struct conf *c, const char *name, size_t *idx)
{
	size_t i;

	for (i = 0; i < c->ninstances; i++)
		if (!strcmp(c->instances[i].name, name)) {
			*idx = i;
			return true;
		}
	return false;
}

/* Name each member's instance; a member in an earlier group is an error. */
static void
resolve(struct conf_parser *p, size_t gi)
{
	struct conf *c = p->conf;
	struct conf_sync_group *g = &c->sync_groups[gi];
	const struct conf_sync_group *o;
	char r[CONF_REPR_MAX], rg[CONF_REPR_MAX];
	size_t k, idx, om;

	CONF_REPR(rg, g->name);
	for (k = 0; k < g->nmembers; k++) {
		struct conf_sync_member *m = &g->members[k];

		m->instance = SIZE_MAX;
		if (!find_instance(c, m->name, &idx)) {
			conf_perr_at(p, g->file, m->line, "vrrp_sync_group %s: "
			    "no vrrp_instance named \"%s\"", rg,
			    CONF_REPR(r, m->name));
			continue;
		}
		if ((o = owner_of(c, gi, idx, &om)) != NULL) {
			conf_perr_at(p, g->file, m->line, "vrrp_sync_group %s: "
			    "vrrp_instance %s is already in vrrp_sync_group %s "
			    "(%s:%d); an instance can be in one group only", rg,
			    CONF_REPR(r, m->name), o->name, o->file,
			    o->members[om].line);
			continue;
		}
		m->instance = idx;
	}
}

/*
 * Without sync_group_tracking_weight keepalived takes the weights off the
 * members' own tracking, so that one member's priority cannot drift from
 * the others'; a failure then takes the whole group along.
 */
static void
unweight(struct conf_parser *p, const struct conf_sync_group *g,
    struct conf_instance *in)
{
	size_t k;

	for (k = 0; k < in->ntrack_ifs; k++) {
		struct conf_track_if *t = &in->track_ifs[k];

		if (t->weight == 0)
			continue;
		conf_pwarn_at(p, in->file, t->line, "vrrp_instance %s: "
		    "track_interface %s: weight %d ignored in vrrp_sync_group "
		    "%s (as keepalived: the interface going down is a FAULT; "
		    "set sync_group_tracking_weight to keep weights)",
		    in->name, t->name, t->weight, g->name);
		t->weight = 0;
	}
	for (k = 0; k < in->ntracks; k++) {
		struct conf_track *t = &in->tracks[k];

		if (t->weight == 0)
			continue;
		conf_pwarn_at(p, in->file, t->line ? t->line : in->line,
		    "vrrp_instance %s: check %s: weight %d ignored in "
		    "vrrp_sync_group %s (a failure makes the group resign; "
		    "set sync_group_tracking_weight to keep weights)",
		    in->name, p->conf->checks[t->check].name, t->weight,
		    g->name);
		t->weight = 0;
	}
}

/* A track_check entry: any smtp_check or postfix_check of that name. */
static int
resolve_check(struct conf_parser *p, const struct conf_ptrack *pt,
    struct conf_track *out)
{
	const struct conf *c = p->conf;
	char r[CONF_REPR_MAX];
	size_t k;

	for (k = 0; k < c->nchecks; k++)
		if ((c->checks[k].type == CONF_CHECK_SMTP ||
		    c->checks[k].type == CONF_CHECK_POSTFIX) &&
		    !strcmp(c->checks[k].name, pt->name))
			break;
	if (k == c->nchecks) {
		conf_perr_at(p, pt->at.file, pt->at.line, "track_check: no "
		    "smtp_check or postfix_check named \"%s\"",
		    CONF_REPR(r, pt->name));
		return -1;
	}
	*out = (struct conf_track){ k, pt->has_weight ? pt->weight :
	    c->checks[k].weight, pt->at.line, false };
	return 0;
}

/* The groups' tracked checks and trackers, now that every block is known. */
static void
resolve_tracks(struct conf_parser *p)
{
	struct conf *c = p->conf;
	size_t i;

	for (i = 0; i < p->nsync_tracks; i++) {
		const struct conf_psync_track *pt = &p->sync_tracks[i];
		struct conf_sync_group *g = &c->sync_groups[pt->group];
		struct conf_track t, *nt;

		if ((pt->check ? resolve_check(p, &pt->t, &t) :
		    conf_track_resolve(p, &pt->t, &t)) < 0)
			continue;
		nt = reallocarray(g->tracks, g->ntracks + 1, sizeof(*nt));
		if (nt == NULL) {
			conf_perr(p, "out of memory");
			return;
		}
		g->tracks = nt;
		g->tracks[g->ntracks++] = t;
	}
}

/* Owners, weights; an empty group is dropped, as keepalived does. */
static bool
check_group(struct conf_parser *p, struct conf_sync_group *g)
{
	struct conf *c = p->conf;
	size_t k, owners = 0;

	for (k = 0; k < g->nmembers; k++) {
		struct conf_instance *in =
		    &c->instances[g->members[k].instance];

		owners += in->priority == 255;
		if (!g->tracking_weight)
			unweight(p, g, in);
	}
	if (g->nmembers == 0) {
		conf_pwarn_at(p, g->file, g->line, "vrrp_sync_group %s has no "
		    "member; ignored (as keepalived)", g->name);
		return false;
	}
	if (g->nmembers == 1)
		conf_pwarn_at(p, g->file, g->line, "vrrp_sync_group %s has "
		    "only one member; this probably isn't what you want", g->name);
	if (owners > 0 && owners < g->nmembers)
		conf_pwarn_at(p, g->file, g->line, "vrrp_sync_group %s: some "
		    "members are address owners (priority 255) and some are "
		    "not; keepalived says this won't work", g->name);
	for (k = 0; owners > 0 && k < g->ntracks; k++)
		if (g->tracks[k].weight != 0) {
			conf_pwarn_at(p, g->file, g->tracks[k].line,
			    "vrrp_sync_group %s: track_check %s: weight "
			    "ignored, a member is the address owner", g->name,
			    c->checks[g->tracks[k].check].name);
			g->tracks[k].weight = 0;
		}
	for (k = 0; owners > 0 && k < g->ntrack_ifs; k++)
		if (g->track_ifs[k].weight != 0) {
			conf_pwarn_at(p, g->file, g->track_ifs[k].line,
			    "vrrp_sync_group %s: track_interface %s: weight "
			    "ignored, a member is the address owner", g->name,
			    g->track_ifs[k].name);
			g->track_ifs[k].weight = 0;
		}
	return true;
}

static void
free_group(struct conf_sync_group *g)
{
	free(g->members);
	free(g->track_ifs);
	free(g->tracks);
	free(g->notify_master);
	free(g->notify_backup);
	free(g->notify_fault);
	free(g->notify_stop);
	free(g->notify);
}

void
conf_sync_finish(struct conf_parser *p)
{
	struct conf *c = p->conf;
	size_t i, n;

	for (i = 0; i < c->nsync_groups; i++)
		resolve(p, i);
	resolve_tracks(p);
	if (p->nerrors > 0)
		return;
	for (i = n = 0; i < c->nsync_groups; i++) {
		if (!check_group(p, &c->sync_groups[i])) {
			free_group(&c->sync_groups[i]);
			continue;
		}
		c->sync_groups[n++] = c->sync_groups[i];
	}
	c->nsync_groups = n;
}

void
conf_sync_free(struct conf *c)
{
	size_t i;

	for (i = 0; i < c->nsync_groups; i++)
		free_group(&c->sync_groups[i]);
	free(c->sync_groups);
	c->sync_groups = NULL;
	c->nsync_groups = 0;
}
