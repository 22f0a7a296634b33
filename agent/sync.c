/* SPDX-License-Identifier: ISC */
/* vrrp_sync_group in the daemon: members follow each other, group notify. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmdline.h"
#include "agent/history.h"
#include "agent/iface.h"
#include "agent/instance.h"
#include "agent/notify.h"
#include "agent/notifycmd.h"
#include "agent/status.h"
#include "agent/sync.h"
#include "vrrp/sync.h"

/* Moves caused by moves: a bound, in case members keep bouncing. */
#define ROUNDS_PER_MEMBER	8
/* At shutdown the group's notify_stop gets this long. */
#define STOP_DRAIN_MS		5000u

static const char *const notify_labels[5] = { "notify_master",
    "notify_backup", "notify_fault", "notify_stop", "notify" };

static int
split_scripts(struct vipd_sync *sg)
{
	const struct conf_sync_group *g = sg->conf;
	const char *scripts[5] = { g->notify_master, g->notify_backup,
	    g->notify_fault, g->notify_stop, g->notify };
	char why[256];
	int k, have = 0;

	for (k = 0; k < 5; k++) {
		if (scripts[k] == NULL)
			continue;
		/* keepalived's PATH lookup of a bare name, as for instances. */
		if (vipd_notify_argv(scripts[k], &sg->notify_argv[k], why,
		    sizeof(why)) < 0) {
			log_warnx("sync group %s: notify script \"%s\": %s",
			    g->name, scripts[k], why);
			return -1;
		}
		have++;
	}
	if (have == 0)
		return 0;
	sg->notify = notify_new(sg->vipd->loop, sg->vipd->conf->
	    notify_script_timeout_s * 1000u);
	if (sg->notify == NULL) {
		log_warn("sync group %s: notify runner", g->name);
		return -1;
	}
	return 0;
}

static int
init_group(struct vipd *v, struct vipd_sync *sg,
    const struct conf_sync_group *g)
{
	size_t k;

	sg->vipd = v;
	sg->conf = g;
	sg->n = g->nmembers;
	sg->state = VRRP_STATE_BACKUP;	/* keepalived's initial state */
	sg->members = calloc(sg->n, sizeof(*sg->members));
	sg->queue = calloc(sg->n * ROUNDS_PER_MEMBER, sizeof(*sg->queue));
	sg->queue_from = calloc(sg->n * ROUNDS_PER_MEMBER,
	    sizeof(*sg->queue_from));
	if (sg->members == NULL || sg->queue == NULL ||
	    sg->queue_from == NULL) {
		log_warn("sync group %s", g->name);
		return -1;
	}
	for (k = 0; k < sg->n; k++) {
		struct vipd_instance *m = v->insts[g->members[k].instance];

		sg->members[k] = m;
		m->sync = sg;
		/* The fsm only reads its configuration: set in place. */
		m->fsm.cfg.sync = true;
		/* Not started before the group's checks have a verdict. */
		if (g->ntracks > 0 && m->fsm.state == VRRP_STATE_INIT)
			m->health_ready = false;
	}
	return split_scripts(sg);
}

int
vipd_sync_init(struct vipd *v)
{
	size_t i;

	v->nsyncs = v->conf->nsync_groups;
	if (v->nsyncs == 0)
		return 0;
	if ((v->syncs = calloc(v->nsyncs, sizeof(*v->syncs))) == NULL) {
		log_warn("sync groups");
		return -1;
	}
	for (i = 0; i < v->nsyncs; i++)
		if (init_group(v, &v->syncs[i], &v->conf->sync_groups[i]) < 0)
			return -1;
	return 0;
}

static void
free_groups(struct vipd_sync *syncs, size_t n)
{
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		struct vipd_sync *sg = &syncs[i];

		notify_free(sg->notify);
		for (k = 0; k < 5; k++)
			cmdline_free(sg->notify_argv[k]);
		free(sg->members);
		free(sg->queue);
		free(sg->queue_from);
	}
	free(syncs);
}

void
vipd_sync_free(struct vipd *v)
{
	free_groups(v->syncs, v->nsyncs);
	v->syncs = NULL;
	v->nsyncs = 0;
}

/* A group kept by name keeps its state, history and script queue. */
static void
carry_over(struct vipd_sync *sg, struct vipd_sync *old, size_t nold)
{
	struct vrrp_sync_member m[CONF_SYNC_MEMBERS_MAX];
	size_t i;

	/* A new group starts from its members' states, without scripts. */
	for (i = 0; i < sg->n; i++) {
		m[i].state = sg->members[i]->fsm.state;
		m[i].want_master = false;
		m[i].faulted = false;
	}
	if (vrrp_sync_state(m, sg->n) != VRRP_STATE_INIT)
		sg->state = vrrp_sync_state(m, sg->n);
	for (i = 0; i < nold; i++) {
		if (strcmp(old[i].conf->name, sg->conf->name) != 0)
			continue;
		sg->state = old[i].state;
		sg->last = old[i].last;
		if (sg->notify != NULL && old[i].notify != NULL) {
			notify_free(sg->notify);
			sg->notify = old[i].notify;
			old[i].notify = NULL;
			notify_set_timeout(sg->notify, sg->vipd->conf->
			    notify_script_timeout_s * 1000u);
		}
		return;
	}
}

int
vipd_sync_reload(struct vipd *v, const struct cred *cred, uint64_t now)
{
	struct vipd_sync *old = v->syncs;
	size_t i, k, nold = v->nsyncs;
	int rc;

	for (i = 0; i < v->ninsts; i++)
		v->insts[i]->sync = NULL;
	v->syncs = NULL;
	v->nsyncs = 0;
	rc = vipd_sync_init(v);
	for (i = 0; i < v->nsyncs; i++) {
		carry_over(&v->syncs[i], old, nold);
		if (v->syncs[i].notify != NULL &&
		    notify_set_cred(v->syncs[i].notify, cred) < 0)
			log_warn("reload: script_user");
	}
	free_groups(old, nold);
	for (i = 0; i < v->ninsts; i++)
		v->insts[i]->fsm.cfg.sync = v->insts[i]->sync != NULL;
	/* A member's fault now holds its new group mates. */
	for (i = 0; i < v->nsyncs; i++)
		for (k = 0; k < v->syncs[i].n; k++)
			vipd_instance_link(v->syncs[i].members[k], now);
	return rc;
}

/* Notify ----------------------------------------------------------------- */

/* keepalived's group scripts: the state's own, then notify GROUP NAME ST 0. */
static void
run_notify(struct vipd_sync *sg, enum vrrp_state st, const char *reason)
{
	char e_state[32], e_group[CONF_NAME_MAX + 16], e_reason[160];
	char *env[] = { e_state, "VIPD_PRIORITY=0", e_reason, e_group, NULL };
	const char *sname = st == VRRP_STATE_INIT ? "STOP" :
	    vrrp_state_name(st);
	char *gen[CMDLINE_MAX_ARGS + 5];	/* + GROUP NAME STATE 0 NULL */
	int k, i;

	k = st == VRRP_STATE_MASTER ? 0 : st == VRRP_STATE_BACKUP ? 1 :
	    st == VRRP_STATE_FAULT ? 2 : 3;
	if (sg->notify == NULL)
		return;
	snprintf(e_state, sizeof(e_state), "VIPD_STATE=%s", sname);
	snprintf(e_group, sizeof(e_group), "VIPD_GROUP=%s", sg->conf->name);
	snprintf(e_reason, sizeof(e_reason), "VIPD_REASON=%.140s", reason);
	if (sg->notify_argv[k] != NULL && notify_enqueue(sg->notify,
	    notify_labels[k], sg->conf->name, sg->notify_argv[k], env) < 0)
		log_warn("sync group %s: %s not queued", sg->conf->name,
		    notify_labels[k]);
	if (sg->notify_argv[4] == NULL)
		return;
	for (i = 0; sg->notify_argv[4][i] != NULL && i < CMDLINE_MAX_ARGS; i++)
		gen[i] = sg->notify_argv[4][i];
	gen[i++] = "GROUP";
	gen[i++] = (char *)sg->conf->name;
	gen[i++] = (char *)sname;
	gen[i++] = "0";
	gen[i] = NULL;
	if (notify_enqueue(sg->notify, notify_labels[4], sg->conf->name, gen,
	    env) < 0)
		log_warn("sync group %s: notify not queued", sg->conf->name);
}

/* The group's own state after its members moved: log, history, notify. */
static void
report(struct vipd_sync *sg, const char *reason)
{
	struct vrrp_sync_member m[CONF_SYNC_MEMBERS_MAX];
	enum vrrp_state st;
	size_t i;

	for (i = 0; i < sg->n; i++) {
		m[i].state = sg->members[i]->fsm.state;
		m[i].want_master = sg->members[i]->fsm.want_master;
	}
	st = vrrp_sync_state(m, sg->n);
	if (st == sg->state || st == VRRP_STATE_INIT)
		return;
	sg->last.valid = true;
	sg->last.from = sg->state;
	sg->last.to = st;
	snprintf(sg->last.reason, sizeof(sg->last.reason), "%.120s", reason);
	clock_gettime(CLOCK_REALTIME, &sg->last.at);
	log_info("sync group %s: %s -> %s (%s)", sg->conf->name,
	    vrrp_state_name(sg->state), vrrp_state_name(st), reason);
	vipd_history_add(sg->vipd->history, VIPD_EV_TRANSITION,
	    sg->conf->name, vrrp_state_name(sg->state), vrrp_state_name(st),
	    reason);
	sg->state = st;
	run_notify(sg, st, reason);
}

/* Following -------------------------------------------------------------- */

static size_t
member_index(const struct vipd_sync *sg, const struct vipd_instance *inst)
{
	size_t i;

	for (i = 0; i < sg->n && sg->members[i] != inst; i++)
		;
	return i;
}

/* A group-level track_interface of weight 0 that is down, or NULL. */
static const char *
group_track_down(const struct vipd_sync *sg)
{
	size_t k;

	for (k = 0; k < sg->conf->ntrack_ifs; k++) {
		const struct conf_track_if *t = &sg->conf->track_ifs[k];
		const struct vipd_iface *ifp;

		if (t->weight != 0)
			continue;
		ifp = vipd_iface_find(sg->vipd, t->name);
		if (ifp == NULL || !ifp->up)
			return t->name;
	}
	return NULL;
}

static void
command(struct vipd_sync *sg, struct vipd_instance *t, enum vrrp_sync_cmd c,
    const char *who, uint64_t now)
{
	struct vrrp_fsm_event ev = { 0 };
	char why[128];

	switch (c) {
	case VRRP_SYNC_RELEASE:
		vipd_instance_link(t, now);
		return;
	case VRRP_SYNC_FAULT:
		/* Its fault cause now names the faulted member. */
		vipd_instance_link(t, now);
		if (t->fsm.state == VRRP_STATE_FAULT)
			return;
		snprintf(t->fault_reason, sizeof(t->fault_reason), "sync "
		    "group %.30s: %.30s is in FAULT", sg->conf->name, who);
		ev.type = VRRP_EV_FAULT;
		vipd_instance_fsm(t, &ev, now, NULL);
		return;
	case VRRP_SYNC_MASTER:
		ev.type = VRRP_EV_SYNC_MASTER;
		snprintf(why, sizeof(why), "sync group %s: %s", sg->conf->name,
		    t->fsm.want_master ? "every member wants MASTER" :
		    "a member became MASTER");
		break;
	case VRRP_SYNC_BACKUP:
		ev.type = VRRP_EV_SYNC_BACKUP;
		snprintf(why, sizeof(why), "sync group %.40s: %.40s left "
		    "MASTER", sg->conf->name, who);
		break;
	default:
		return;
	}
	vipd_instance_fsm(t, &ev, now, why);
}

static void
follow(struct vipd_sync *sg, size_t who, enum vrrp_state from, uint64_t now)
{
	struct vrrp_sync_member m[CONF_SYNC_MEMBERS_MAX];
	enum vrrp_sync_cmd cmd[CONF_SYNC_MEMBERS_MAX];
	const char *name = sg->members[who]->conf->name;
	bool group_down = group_track_down(sg) != NULL;
	char own[96];
	size_t i;

	for (i = 0; i < sg->n; i++) {
		struct vipd_instance *x = sg->members[i];

		m[i].state = x->fsm.state;
		m[i].want_master = x->fsm.want_master;
		m[i].faulted = group_down ||
		    vipd_instance_fault_own(x, own, sizeof(own)) != NULL;
		if (m[i].faulted && !m[who].faulted)
			name = x->conf->name;
	}
	vrrp_sync_decide(m, sg->n, who, from, cmd);
	for (i = 0; i < sg->n; i++)
		if (cmd[i] != VRRP_SYNC_NONE)
			command(sg, sg->members[i], cmd[i], name, now);
}

void
vipd_sync_member_moved(struct vipd_instance *inst,
    const struct vrrp_fsm_result *res, uint64_t now)
{
	struct vipd_sync *sg = inst->sync;
	size_t cap, who, from;
	char reason[160];

	/* Stopping (shutdown, removed by a reload) moves no one else. */
	if (sg == NULL || (!res->changed && !res->want_master) ||
	    (res->changed && res->to == VRRP_STATE_INIT))
		return;
	cap = sg->n * ROUNDS_PER_MEMBER;
	if (sg->nqueue < cap) {
		sg->queue[sg->nqueue] = member_index(sg, inst);
		sg->queue_from[sg->nqueue++] = res->from;
	} else
		log_warnx("sync group %s: members keep moving; %s's move is "
		    "not followed", sg->conf->name, inst->conf->name);
	if (sg->busy)
		return;
	sg->busy = true;
	snprintf(reason, sizeof(reason), "%.30s: %.120s", inst->conf->name,
	    res->changed ? inst->last.reason : "wants MASTER");
	for (from = 0; from < sg->nqueue; from++) {
		who = sg->queue[from];
		if (who < sg->n)
			follow(sg, who, sg->queue_from[from], now);
	}
	sg->nqueue = 0;
	sg->busy = false;
	report(sg, reason);
}

const char *
vipd_sync_fault_cause(const struct vipd_instance *inst, char *buf,
    size_t len)
{
	const struct vipd_sync *sg = inst->sync;
	char own[96];
	size_t k;

	const char *down;

	if (sg == NULL)
		return NULL;
	if ((down = group_track_down(sg)) != NULL) {
		snprintf(buf, len, "sync group %.24s: tracked interface %s is "
		    "down", sg->conf->name, down);
		return buf;
	}
	for (k = 0; k < sg->n; k++) {
		struct vipd_instance *o = sg->members[k];

		if (o == inst || vipd_instance_fault_own(o, own,
		    sizeof(own)) == NULL)
			continue;
		snprintf(buf, len, "sync group %.24s: %.24s is faulted (%.40s)",
		    sg->conf->name, o->conf->name, own);
		return buf;
	}
	return NULL;
}

void
vipd_sync_stop(struct vipd *v)
{
	size_t i;

	for (i = 0; i < v->nsyncs; i++) {
		struct vipd_sync *sg = &v->syncs[i];

		if (sg->notify == NULL)
			continue;
		run_notify(sg, VRRP_STATE_INIT, "shutdown");
		notify_drain(sg->notify, STOP_DRAIN_MS);
	}
}

/* Status ----------------------------------------------------------------- */

static json_t *
group_json(const struct vipd_sync *sg)
{
	json_t *members = json_array(), *last = json_null();
	char at[48];
	size_t k;

	for (k = 0; k < sg->n; k++) {
		const struct vipd_instance *m = sg->members[k];

		json_array_append_new(members, json_pack("{s:s,s:s,s:b}",
		    "name", m->conf->name, "state",
		    vrrp_state_name(m->fsm.state), "wants_master",
		    m->fsm.want_master));
	}
	if (sg->last.valid)
		last = json_pack("{s:s,s:s,s:s,s:s}",
		    "from", vrrp_state_name(sg->last.from),
		    "to", vrrp_state_name(sg->last.to),
		    "reason", sg->last.reason,
		    "at", vipd_wall_str(&sg->last.at, at, sizeof(at)));
	return json_pack("{s:s,s:s,s:o,s:o,s:b}", "name", sg->conf->name,
	    "state", vrrp_state_name(sg->state), "members", members,
	    "last_transition", last, "tracking_weight",
	    sg->conf->tracking_weight);
}

json_t *
vipd_sync_json(const struct vipd *v)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < v->nsyncs; i++)
		json_array_append_new(a, group_json(&v->syncs[i]));
	return a;
}

json_t *
vipd_sync_explain(const struct vipd_instance *inst)
{
	const struct vipd_sync *sg = inst->sync;
	char text[1024], waiting[512] = "";
	size_t k, off = 0, woff = 0;
	int n;

	if (sg == NULL)
		return NULL;
	n = snprintf(text, sizeof(text), "sync group %s is %s:",
	    sg->conf->name, vrrp_state_name(sg->state));
	off = n > 0 ? (size_t)n : 0;
	for (k = 0; k < sg->n && off < sizeof(text); k++) {
		const struct vipd_instance *m = sg->members[k];

		n = snprintf(text + off, sizeof(text) - off, "%s %s %s%s",
		    k ? "," : "", m->conf->name, vrrp_state_name(m->fsm.state),
		    m->fsm.want_master ? " (wants MASTER)" : "");
		off += n > 0 ? (size_t)n : 0;
		if (m->fsm.state != VRRP_STATE_MASTER && !m->fsm.want_master &&
		    woff < sizeof(waiting)) {
			n = snprintf(waiting + woff, sizeof(waiting) - woff,
			    "%s%s", woff ? ", " : "", m->conf->name);
			woff += n > 0 ? (size_t)n : 0;
		}
	}
	if (inst->fsm.want_master && off < sizeof(text))
		snprintf(text + off, sizeof(text) - off, "; %s waits to become "
		    "MASTER until every member wants to (waiting for %s)",
		    inst->conf->name, waiting);
	return json_string(text);
}
