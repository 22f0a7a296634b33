/* SPDX-License-Identifier: ISC */
/* What vipctl status shows of health: each check and its last result. */
#include <stdio.h>
#include <string.h>

#include "agent/health.h"
#include "agent/status.h"
#include "agent/sync.h"
#include "agent/trackers.h"

/* When the last queue pass ended and what it cost: a huge queue makes
 * passes slow (paced slices), and the admin should see how slow. */
static void
queue_pass_json(json_t *o, const struct hc_queue_result *r)
{
	char at[48];

	if (r->finished.tv_sec != 0)
		json_object_set_new(o, "queue_pass_at",
		    json_string(vipd_wall_str(&r->finished, at, sizeof(at))));
	json_object_set_new(o, "queue_pass_ms",
	    json_real((double)r->pass_us / 1000.0));
	json_object_set_new(o, "queue_walk_ms",
	    json_real((double)r->latency_us / 1000.0));
	json_object_set_new(o, "queue_slices", json_integer(r->slices));
	if (r->clock_step_ms != 0)
		json_object_set_new(o, "queue_clock_step_ms",
		    json_integer(r->clock_step_ms));
}

static const char *
check_type_name(enum conf_check_type t)
{
	switch (t) {
	case CONF_CHECK_SMTP:
		return "smtp";
	case CONF_CHECK_POSTFIX:
		return "postfix";
	case CONF_CHECK_SCRIPT:
		return "script";
	case CONF_CHECK_FILE:
		return "file";
	case CONF_CHECK_PROCESS:
		break;
	}
	return "process";
}

static json_t *
check_json(const struct vipd_check *ck, int weight)
{
	char at[48];
	json_t *o;

	o = json_pack("{s:s,s:s,s:s,s:i,s:s,s:s,s:f,s:I,s:I,s:i,s:i}",
	    "name", ck->conf->name,
	    "type", check_type_name(ck->conf->type),
	    "state", !ck->known ? "unknown" : ck->ok ? "passing" : "failing",
	    "weight", weight,
	    "result", ck->known ? hc_class_name(ck->cls) : "none",
	    "reason", ck->reason,
	    "latency_ms", (double)ck->latency_us / 1000.0,
	    "runs", (json_int_t)ck->runs, "failures", (json_int_t)ck->failures,
	    "rise", (int)ck->conf->rise, "fall", (int)ck->conf->fall);
	if (o == NULL)
		return NULL;
	if (ck->known)
		json_object_set_new(o, "at",
		    json_string(vipd_wall_str(&ck->at, at, sizeof(at))));
	if (ck->have_smtp) {
		json_object_set_new(o, "banner_host",
		    json_string(ck->smtp.banner_host));
		json_object_set_new(o, "step",
		    json_string(hc_smtp_step_name(ck->smtp.step)));
		json_object_set_new(o, "code", json_integer(ck->smtp.code));
		json_object_set_new(o, "tls_days_left",
		    ck->smtp.tls_days_left == HC_TLS_DAYS_UNKNOWN ?
		    json_null() : json_integer(ck->smtp.tls_days_left));
	}
	if (ck->conf->type == CONF_CHECK_SCRIPT)
		json_object_set_new(o, "command", json_string(ck->cmdline[0] ?
		    ck->cmdline : ck->conf->script.cmd));
	if (ck->conf->type == CONF_CHECK_FILE) {
		json_object_set_new(o, "file",
		    json_string(ck->conf->tfile.path));
		json_object_set_new(o, "value", json_integer(ck->fvalue));
	}
	vipd_proc_json(ck, o);
	if (ck->have_master)
		json_object_set_new(o, "master_pid",
		    json_integer(ck->mres.pid));
	if (ck->master != NULL) {
		char poll[48];

		snprintf(poll, sizeof(poll), "%llu ms (%s)",
		    (unsigned long long)(hc_master_poll_us(ck->master) +
		    500) / 1000, hc_master_is_fast(ck->master) ? "Master" :
		    "Backup");
		json_object_set_new(o, "master_poll", json_string(poll));
	}
	if (ck->have_queue) {
		json_t *q = json_object();
		int i;

		for (i = 0; i < HC_QUEUE_COUNT; i++)
			json_object_set_new(q, hc_queue_dirname(i),
			    json_integer(ck->qres.count[i]));
		json_object_set_new(o, "queue", q);
		json_object_set_new(o, "oldest_incoming_age_s",
		    json_integer(ck->qres.oldest_incoming_age_s));
		json_object_set_new(o, "oldest_active_age_s",
		    json_integer(ck->qres.oldest_active_age_s));
		queue_pass_json(o, &ck->qres);
	}
	return o;
}

static void
track_json(json_t *checks, const struct vipd_check *ck,
    const struct conf_track *t)
{
	json_t *o = check_json(ck, t->weight);

	if (o != NULL && t->reverse)
		json_object_set_new(o, "reverse", json_true());
	json_array_append_new(checks, o);
}

json_t *
vipd_health_json(const struct vipd_instance *inst)
{
	const struct conf_instance *c = inst->conf;
	json_t *checks = json_array();
	size_t k;

	for (k = 0; k < c->ntracks; k++)
		track_json(checks, inst->vipd->checks[c->tracks[k].check],
		    &c->tracks[k]);
	for (k = 0; inst->sync != NULL && k < inst->sync->conf->ntracks; k++)
		track_json(checks, inst->vipd->checks[inst->sync->conf->
		    tracks[k].check], &inst->sync->conf->tracks[k]);
	return json_pack("{s:b,s:b,s:b,s:s?,s:o}",
	    "ready", inst->health_ready, "maintenance", inst->maintenance,
	    "strict", c->health_strict,
	    "maintenance_note", inst->maintenance_note[0] ?
	    inst->maintenance_note : NULL, "checks", checks);
}
