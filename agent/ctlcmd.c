/* SPDX-License-Identifier: ISC */
/* vipctl commands beyond status: explain and maintenance. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/ctlcmd.h"
#include "agent/health.h"
#include "agent/history.h"
#include "agent/instance.h"

/* Instances named name (all for ""); NULL with err if there is none. */
static bool
selected(const struct vipd_instance *inst, const char *name)
{
	return name[0] == '\0' || strcmp(inst->conf->name, name) == 0;
}

/*
 * A member of a sync group cannot hand over alone (the peer's group takes
 * over only as a whole), so maintenance of one member is maintenance of
 * its group.
 */
static bool
maint_selected(const struct vipd_instance *inst, const char *name)
{
	size_t k;

	if (selected(inst, name))
		return true;
	for (k = 0; inst->sync != NULL && k < inst->sync->n; k++)
		if (selected(inst->sync->members[k], name))
			return true;
	return false;
}

static bool
exists(const struct vipd *v, const char *name, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < v->ninsts; i++)
		if (selected(v->insts[i], name))
			return true;
	snprintf(err, errlen, "no instance named \"%s\"", name);
	return false;
}

json_t *
vipd_ctl_explain(struct vipd *v, const char *name, char *err, size_t errlen)
{
	json_t *a;
	size_t i;

	if (!exists(v, name, err, errlen))
		return NULL;
	a = json_array();
	for (i = 0; i < v->ninsts; i++)
		if (selected(v->insts[i], name))
			json_array_append_new(a,
			    vipd_health_explain(v->insts[i]));
	return json_pack("{s:o}", "instances", a);
}

/*
 * An address owner (priority 255) always wins the election and cannot hand
 * over (RFC 5798 §6.1): refuse rather than answer "handing over" and do
 * nothing. Nothing changes for any instance when one of them is an owner.
 */
static bool
owner_refuses(const struct vipd *v, const char *name, char *err,
    size_t errlen)
{
	size_t i;

	for (i = 0; i < v->ninsts; i++) {
		const struct vipd_instance *inst = v->insts[i];

		if (!maint_selected(inst, name) || inst->conf->priority != 255)
			continue;
		snprintf(err, errlen, "%s has priority 255 (address owner): "
		    "it always wins the election, so it cannot hand over; "
		    "set priority 254 or lower to use maintenance, or stop "
		    "vipd on this host", inst->conf->name);
		return true;
	}
	return false;
}

json_t *
vipd_ctl_maintenance(struct vipd *v, const char *name, bool on, char *err,
    size_t errlen)
{
	uint64_t now = loop_now();
	json_t *a;
	size_t i;

	if (!exists(v, name, err, errlen))
		return NULL;
	if (on && owner_refuses(v, name, err, errlen))
		return NULL;
	a = json_array();
	for (i = 0; i < v->ninsts; i++) {
		struct vipd_instance *inst = v->insts[i];
		const char *what;

		if (!maint_selected(inst, name))
			continue;
		if (on == inst->maintenance)
			what = on ? "already in maintenance" :
			    "not in maintenance";
		else if (on && inst->fsm.state == VRRP_STATE_MASTER)
			what = "handing over to the best peer; keeping the "
			    "addresses until it has taken over";
		else
			what = on ? "out of the election" :
			    "back in the election";
		if (on != inst->maintenance) {
			inst->maintenance = on;
			inst->maintenance_note[0] = '\0';
			log_info("%s: maintenance %s (vipctl)", inst->conf->name,
			    on ? "on" : "off");
			vipd_health_apply(inst, now);
		}
		json_array_append_new(a, json_pack("{s:s,s:s,s:b,s:s}",
		    "name", inst->conf->name,
		    "state", vrrp_state_name(inst->fsm.state),
		    "maintenance", inst->maintenance, "action", what));
	}
	return json_pack("{s:o}", "instances", a);
}

json_t *
vipd_ctl_history(struct vipd *v, const struct ctl_request *req, char *err,
    size_t errlen)
{
	unsigned long long since = 1, limit = 0;

	if (req->instance[0] != '\0' && !exists(v, req->instance, err, errlen))
		return NULL;
	/* The codec let through decimal digits only; ERANGE saturates. */
	if (req->since[0] != '\0')
		since = strtoull(req->since, NULL, 10);
	if (req->limit[0] != '\0')
		limit = strtoull(req->limit, NULL, 10);
	return vipd_history_json(v->history, since, req->instance,
	    (size_t)limit);
}
