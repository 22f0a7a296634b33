/* SPDX-License-Identifier: ISC */
/* Health checks in the daemon: run them, apply rise/fall, and gate each instance's priority. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/health.h"
#include "agent/sync.h"
#include "agent/history.h"
#include "agent/iface.h"
#include "agent/instance.h"
#include "healthcheck/gate.h"
#include "healthcheck/hyst.h"
#include "healthcheck/postfix_conf.h"
#include "agent/trackers.h"

/*
 * master.pid, comm, uid and exe are re-read at a fifth of the check's
 * interval, within 10..100 ms (a restarted master has a new pid). A
 * SIGSTOP raises no event, so while an instance that tracks the check is
 * Master the run state alone is also re-read every master_poll (10 ms);
 * on a Backup only by the full check (at most 100 ms apart), and once
 * more right before it takes over (vipd_health_reread).
 */
#define MASTER_RECHECK_MIN_US	10000u
#define MASTER_RECHECK_MAX_US	100000u

static uint64_t
master_recheck_us(const struct conf_check *c)
{
	uint64_t us = c->interval_us / 5;

	if (us < MASTER_RECHECK_MIN_US)
		return MASTER_RECHECK_MIN_US;
	return us > MASTER_RECHECK_MAX_US ? MASTER_RECHECK_MAX_US : us;
}


/*
 * rise/fall: a passing check fails after `fall` failures in a row and a
 * failing one passes after `rise` successes. The first verdict counts at
 * once, so an instance is not held back longer than one probe.
 */
static void
verdict(struct vipd_check *ck, enum hc_class cls, const char *reason,
    uint64_t latency_us)
{
	bool pass = cls != HC_FAILED;
	bool was_known = ck->known, was_ok = ck->ok;

	ck->cls = cls;
	snprintf(ck->reason, sizeof(ck->reason), "%s", reason);
	ck->latency_us = latency_us;
	clock_gettime(CLOCK_REALTIME, &ck->at);
	ck->runs++;
	if (!pass)
		ck->failures++;
	hc_hyst_feed(&ck->known, &ck->ok, &ck->streak, pass, ck->conf->rise,
	    ck->conf->fall);
	vipd_health_noted(ck, was_known, was_ok);
}

/* smtp_check: one probe per interval, never two at once. */

static void smtp_start(struct loop_timer *, uint64_t, void *);

static void
smtp_done(const struct hc_smtp_result *r, void *arg)
{
	struct vipd_check *ck = arg;

	ck->probe = NULL;
	ck->smtp = *r;
	ck->have_smtp = true;
	verdict(ck, r->cls, r->reason, r->latency_us);
}

static void
smtp_start(struct loop_timer *t, uint64_t now, void *arg)
{
	struct vipd_check *ck = arg;
	struct loop *l = ck->vipd->loop;

	loop_timer_set(l, t, now + ck->conf->interval_us);
	if (ck->probe != NULL)
		return;	/* still running: its own timeout ends it */
	ck->probe = hc_smtp_probe_start(l, &ck->smtp_conf, ck->tls, now,
	    smtp_done, ck);
	if (ck->probe == NULL) {
		char why[128];

		snprintf(why, sizeof(why), "smtp: cannot start probe: %s",
		    strerror(errno));
		verdict(ck, HC_FAILED, why, 0);
	}
}

static int
smtp_setup(struct vipd_check *ck)
{
	const struct conf_check_smtp *c = &ck->conf->smtp;
	struct hc_smtp_conf *s = &ck->smtp_conf;
	char host[256] = "localhost", err[256];
	const char *bad;

	if (c->helo_name[0])
		snprintf(host, sizeof(host), "%s", c->helo_name);
	else if (gethostname(host, sizeof(host) - 1) < 0)
		snprintf(host, sizeof(host), "localhost");
	hc_smtp_conf_defaults(s, host);
	s->family = c->family;
	memcpy(s->addr, c->addr, 16);
	s->port = c->port;
	s->starttls = c->starttls != CONF_STARTTLS_OFF;
	s->tls_required = c->starttls == CONF_STARTTLS_REQUIRED;
	s->tls_verify = c->tls_verify;
	snprintf(s->tls_ca_file, sizeof(s->tls_ca_file), "%s", c->tls_ca_file);
	snprintf(s->tls_server_name, sizeof(s->tls_server_name), "%s",
	    c->tls_server_name);
	s->tls_days_warn = (int)c->tls_days_warn;
	s->tls_days_crit = (int)c->tls_days_crit;
	snprintf(s->mail_from, sizeof(s->mail_from), "%s", c->mail_from);
	snprintf(s->rcpt_to, sizeof(s->rcpt_to), "%s", c->rcpt_to);
	s->step_timeout_ms = (uint32_t)(ck->conf->step_timeout_us / 1000);
	s->timeout_ms = (uint32_t)(ck->conf->timeout_us / 1000);
	if ((bad = hc_smtp_conf_check(s)) != NULL) {
		log_warnx("check %s: %s", ck->conf->name, bad);
		return -1;
	}
	if (s->starttls) {
		ck->tls = hc_tls_ctx_new(s->tls_verify, s->tls_ca_file, err,
		    sizeof(err));
		if (ck->tls == NULL) {
			log_warnx("check %s: TLS: %s", ck->conf->name, err);
			return -1;
		}
	}
	loop_timer_init(&ck->timer, smtp_start, ck);
	/* First probe at once: instances wait for it. */
	return loop_timer_set(ck->vipd->loop, &ck->timer, loop_now());
}

/* postfix_check: the worse of master liveness and the queue. */

static void
postfix_verdict(struct vipd_check *ck)
{
	const char *reason = "postfix: ok";
	enum hc_class cls = HC_OK;
	uint64_t lat = 0;

	if (ck->have_queue) {
		cls = ck->qres.cls;
		reason = ck->qres.reason;
		lat = ck->qres.latency_us;
	}
	if (ck->have_master && ck->mres.cls >= cls) {
		cls = ck->mres.cls;
		reason = ck->mres.reason;
	}
	/* A dead master makes the queue verdict meaningless: wait for both
	 * only while the master is fine. */
	if (!ck->have_master || (!ck->have_queue && cls != HC_FAILED))
		return;
	verdict(ck, cls, reason, lat);
}

static void
master_cb(const struct hc_master_result *r, void *arg)
{
	struct vipd_check *ck = arg;

	ck->mres = *r;
	ck->have_master = true;
	postfix_verdict(ck);
}

static void
queue_cb(const struct hc_queue_result *r, void *arg)
{
	struct vipd_check *ck = arg;

	ck->qres = *r;
	ck->have_queue = true;
	postfix_verdict(ck);
}

/* daemon_directory/master from main.cf, else Postfix's default. */
static const char *
master_exe(const char *config_dir, char *buf, size_t sz)
{
	char dir[PATH_MAX];

	if (hc_pfconf_daemon_dir_read(config_dir, dir, sizeof(dir), NULL) < 0)
		snprintf(dir, sizeof(dir), "%s", HC_PFCONF_DEFAULT_DAEMON_DIR);
	if ((size_t)snprintf(buf, sz, "%s/master", dir) >= sz)
		return NULL;
	return buf;
}

static int
postfix_setup(struct vipd_check *ck)
{
	const struct conf_check_postfix *c = &ck->conf->postfix;
	struct hc_queue_limits lim;
	struct hc_master_conf mc;
	enum hc_pfconf_err perr = HC_PFCONF_OK;
	char exe[PATH_MAX];

	if (c->queue_directory[0]) {
		snprintf(ck->queue_dir, sizeof(ck->queue_dir), "%s",
		    c->queue_directory);
	} else if (hc_pfconf_queue_dir_read(c->config_dir, ck->queue_dir,
	    sizeof(ck->queue_dir), &perr) < 0) {
		/* No Postfix here (yet): a failing check, not a dead daemon. */
		snprintf(ck->queue_dir, sizeof(ck->queue_dir),
		    "/var/spool/postfix");
		log_warnx("check %s: %s/main.cf: %s; using %s", ck->conf->name,
		    c->config_dir, perr != HC_PFCONF_OK ?
		    hc_pfconf_strerror(perr) : strerror(errno), ck->queue_dir);
	}
	hc_queue_limits_default(&lim);
	lim.max_incoming_age_s = c->max_incoming_age_s;
	lim.max_active_age_s = c->max_active_age_s;
	lim.max_deferred = c->max_deferred;
	lim.max_hold = c->max_hold;
	lim.max_corrupt = c->max_corrupt;
	mc.interval_us = master_recheck_us(ck->conf);
	mc.poll_us = c->master_poll_us;
	mc.uid = HC_MASTER_UID;
	mc.fast = false;	/* vipd_health_poll_update once Master */
	mc.exe = master_exe(c->config_dir, exe, sizeof(exe));
	ck->master = hc_master_start(ck->vipd->loop, ck->queue_dir, &mc,
	    master_cb, ck);
	ck->queue = hc_queue_start(ck->vipd->loop, ck->queue_dir, &lim,
	    NULL, ck->conf->interval_us, queue_cb, ck);
	if (ck->master == NULL || ck->queue == NULL) {
		log_warn("check %s", ck->conf->name);
		return -1;
	}
	return 0;
}

struct vipd_check *
vipd_check_new(struct vipd *v, const struct conf_check *c, bool used)
{
	struct vipd_check *ck = calloc(1, sizeof(*ck));
	int rc = 0;

	if (ck == NULL) {
		log_warn("check %s", c->name);
		return NULL;
	}
	ck->vipd = v;
	ck->conf = c;
	ck->used = used;
	/* An untracked check is not run: nothing would read its verdicts. */
	if (used) {
		switch (c->type) {
		case CONF_CHECK_SMTP:
			rc = smtp_setup(ck);
			break;
		case CONF_CHECK_POSTFIX:
			rc = postfix_setup(ck);
			break;
		case CONF_CHECK_SCRIPT:
			rc = vipd_script_setup(ck);
			break;
		case CONF_CHECK_FILE:
			rc = vipd_file_setup(ck);
			break;
		case CONF_CHECK_PROCESS:
			rc = vipd_proc_setup(ck);
			break;
		}
	}
	if (rc < 0) {
		vipd_check_free(v, ck);
		return NULL;
	}
	return ck;
}

void
vipd_check_free(struct vipd *v, struct vipd_check *ck)
{
	if (ck == NULL)
		return;
	if (ck->probe)
		hc_smtp_probe_cancel(ck->probe);
	if (ck->timer.cb)
		loop_timer_cancel(v->loop, &ck->timer);
	hc_tls_ctx_free(ck->tls);
	hc_master_stop(ck->master);
	hc_queue_stop(ck->queue);
	hc_script_stop(ck->script);
	hc_trackfile_stop(ck->tfile);
	vipd_proc_stop(ck);
	free(ck);
}

bool
vipd_check_tracked(const struct conf *conf, size_t idx)
{
	size_t i, k;

	for (i = 0; i < conf->ninstances; i++)
		for (k = 0; k < conf->instances[i].ntracks; k++)
			if (conf->instances[i].tracks[k].check == idx)
				return true;
	for (i = 0; i < conf->nsync_groups; i++)
		for (k = 0; k < conf->sync_groups[i].ntracks; k++)
			if (conf->sync_groups[i].tracks[k].check == idx)
				return true;
	return false;
}

int
vipd_health_start(struct vipd *v)
{
	size_t i;

	v->nchecks = v->conf->nchecks;
	if (v->nchecks == 0)
		return 0;
	if ((v->checks = calloc(v->nchecks, sizeof(*v->checks))) == NULL)
		return -1;
	for (i = 0; i < v->nchecks; i++)
		if ((v->checks[i] = vipd_check_new(v, &v->conf->checks[i],
		    vipd_check_tracked(v->conf, i))) == NULL)
			return -1;
	return 0;
}

void
vipd_health_stop(struct vipd *v)
{
	size_t i;

	for (i = 0; i < v->nchecks; i++)
		vipd_check_free(v, v->checks[i]);
	free(v->checks);
	v->checks = NULL;
	v->nchecks = 0;
}

/* Gating: from the checks to each instance's state machine. */

/* One tracked check or tracker, as the gate sees it. */
static void
track_input(const struct vipd *v, const struct conf_track *t,
    struct hc_gate_check *g)
{
	const struct vipd_check *ck = v->checks[t->check];

	memset(g, 0, sizeof(*g));
	g->name = ck->conf->name;
	g->known = ck->known;
	g->ok = ck->ok;
	g->weight = t->weight;
	g->reason = ck->reason;
	g->tracker = ck->conf->type != CONF_CHECK_SMTP &&
	    ck->conf->type != CONF_CHECK_POSTFIX;
	g->reverse = t->reverse;
	if (ck->conf->type == CONF_CHECK_FILE && ck->known) {
		bool fault;

		g->ok = ck->fvalue == 0;
		if (g->weight != 0) {
			g->has_value = true;
			g->value = hc_trackfile_effect(ck->fvalue, g->weight,
			    g->reverse, &fault);
		}
	}
}

/* A sync group's tracking (and weighted track_interface) for each member. */
static size_t
sync_inputs(const struct vipd_instance *inst, struct hc_gate_check *g,
    size_t max)
{
	const struct conf_sync_group *sg;
	size_t k, n = 0;

	if (inst->sync == NULL)
		return 0;
	sg = inst->sync->conf;
	for (k = 0; k < sg->ntracks && n < max; k++, n++)
		track_input(inst->vipd, &sg->tracks[k], &g[n]);
	for (k = 0; k < sg->ntrack_ifs && n < max; k++) {
		const struct vipd_iface *ifp;

		if (sg->track_ifs[k].weight == 0)
			continue;
		ifp = vipd_iface_find(inst->vipd, sg->track_ifs[k].name);
		memset(&g[n], 0, sizeof(g[n]));
		g[n].name = sg->track_ifs[k].name;
		g[n].known = true;
		g[n].ok = ifp != NULL && ifp->up;
		g[n].weight = sg->track_ifs[k].weight;
		g[n].reason = g[n].ok ? "interface up (sync group)" :
		    "interface down (sync group)";
		n++;
	}
	return n;
}

static size_t
gate_inputs(const struct vipd_instance *inst, struct hc_gate_check *g,
    size_t max)
{
	const struct conf_instance *c = inst->conf;
	size_t k, n = 0;

	for (k = 0; k < c->ntracks && n < max; k++, n++)
		track_input(inst->vipd, &c->tracks[k], &g[n]);
	/* Weighted track_interface entries count like checks; weight 0 ones
	 * make a FAULT instead (see fault_cause). */
	for (k = 0; k < c->ntrack_ifs && n < max; k++) {
		const struct vipd_iface *ifp;

		if (c->track_ifs[k].weight == 0)
			continue;
		ifp = vipd_iface_find(inst->vipd, c->track_ifs[k].name);
		memset(&g[n], 0, sizeof(g[n]));
		g[n].name = c->track_ifs[k].name;
		g[n].known = true;
		g[n].ok = ifp != NULL && ifp->up;
		g[n].weight = c->track_ifs[k].weight;
		g[n].reason = g[n].ok ? "interface up" : "interface down";
		n++;
	}
	return n + sync_inputs(inst, g + n, max - n);
}

void
vipd_health_noted(struct vipd_check *ck, bool was_known, bool was_ok)
{
	if (!was_known || was_ok != ck->ok) {
		log_info("check %s: %s (%s)", ck->conf->name,
		    ck->ok ? "passing" : "failing", ck->reason);
		vipd_history_add(ck->vipd->history, VIPD_EV_CHECK,
		    ck->conf->name, !was_known ? "unknown" : was_ok ?
		    "passing" : "failing", ck->ok ? "passing" : "failing",
		    ck->reason);
	}
	vipd_health_check_changed(ck, loop_now());
}

void
vipd_health_check_changed(struct vipd_check *ck, uint64_t now)
{
	struct vipd *v = ck->vipd;
	size_t i, k;

	for (i = 0; i < v->ninsts; i++) {
		const struct conf_instance *c = v->insts[i]->conf;
		const struct vipd_sync *sg = v->insts[i]->sync;
		bool hit = false;

		for (k = 0; k < c->ntracks && !hit; k++)
			hit = v->checks[c->tracks[k].check] == ck;
		for (k = 0; sg != NULL && k < sg->conf->ntracks && !hit; k++)
			hit = v->checks[sg->conf->tracks[k].check] == ck;
		if (hit)
			vipd_health_apply(v->insts[i], now);
	}
}

static void
set_priority(struct vipd_instance *inst, uint8_t prio, const char *why,
    uint64_t now)
{
	struct vrrp_fsm_event ev = { .type = VRRP_EV_PRIORITY,
	    .priority = prio };

	vipd_instance_fsm(inst, &ev, now, why);
}

void
vipd_health_apply(struct vipd_instance *inst, uint64_t now)
{
	struct hc_gate_check g[2 * (CONF_TRACKS_ALL_MAX + CONF_TRACK_IFS_MAX)];
	struct hc_gate_result r;
	struct vrrp_fsm *f = &inst->fsm;
	size_t n = gate_inputs(inst, g, sizeof(g) / sizeof(g[0]));
	bool was_ready = inst->health_ready;

	hc_gate_eval(inst->conf->priority, inst->conf->health_strict,
	    inst->maintenance, g, n, &r);
	if (r.fault != inst->tracker_fault || (r.fault &&
	    strcmp(r.fault_name, inst->tracker_fault_name))) {
		inst->tracker_fault = r.fault;
		snprintf(inst->tracker_fault_name,
		    sizeof(inst->tracker_fault_name), "%s",
		    r.fault ? r.fault_name : "");
		vipd_instance_link(inst, now);
	}
	inst->health_ready = r.ready;
	if (r.ready && !was_ready) {
		/* Startup was held back until now. */
		set_priority(inst, r.priority, NULL, now);
		vipd_instance_link(inst, now);
		return;
	}
	if (inst->maintenance && !f->handover && f->priority != 0) {
		struct vrrp_fsm_event ev = { .type = VRRP_EV_HANDOVER };

		vipd_instance_fsm(inst, &ev, now, "maintenance");
		return;
	}
	if (f->handover || r.priority == f->priority)
		return;
	if (r.resign && f->state == VRRP_STATE_MASTER && r.priority > 0)
		/* Resign first (priority 0: Backups take over after
		 * Skew_Time), then stay a last-resort candidate. */
		set_priority(inst, 0, r.cause, now);
	set_priority(inst, r.priority, r.resign ? r.cause : NULL, now);
}

/* What explain shows. */

json_t *
vipd_health_explain(const struct vipd_instance *inst)
{
	struct hc_gate_check g[2 * (CONF_TRACKS_ALL_MAX + CONF_TRACK_IFS_MAX)];
	char text[4096], state[512], mbuf[96];
	const struct vrrp_fsm *f = &inst->fsm;
	size_t n = gate_inputs(inst, g, sizeof(g) / sizeof(g[0]));

	hc_gate_explain(inst->conf->priority, inst->conf->health_strict,
	    inst->maintenance, g, n, text, sizeof(text));
	if (f->state == VRRP_STATE_MASTER)
		snprintf(mbuf, sizeof(mbuf), "this host at priority %u",
		    f->priority);
	else if (f->master_known) {
		char abuf[INET6_ADDRSTRLEN];

		snprintf(mbuf, sizeof(mbuf), "%s at priority %u",
		    vipd_addr_str(inst->conf->family, f->master_addr, abuf,
		    sizeof(abuf)), f->master_priority);
	} else
		snprintf(mbuf, sizeof(mbuf), "none heard");
	snprintf(state, sizeof(state), "state %s%s%s (last: %s); Master: %s; "
	    "preempt %s", vrrp_state_name(f->state),
	    inst->fault_reason[0] ? ": " : "", inst->fault_reason,
	    inst->last.valid ? inst->last.reason : "none", mbuf,
	    inst->conf->nopreempt ? "off" : "on");
	return json_pack("{s:s,s:s,s:i,s:s,s:s,s:o*}", "name", inst->conf->name,
	    "state", vrrp_state_name(f->state), "effective_priority",
	    f->priority, "priority", text, "summary", state, "sync",
	    vipd_sync_explain(inst));
}
