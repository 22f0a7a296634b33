/* SPDX-License-Identifier: ISC */
/* What `vipctl status` shows: the daemon's state as a JSON object. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent/health.h"
#include "agent/instance.h"
#include "agent/notify.h"
#include "agent/vips.h"
#include "agent/routes.h"
#include "agent/status.h"
#include "agent/sync.h"

static const char *const drop_names[VIPD_DROP__MAX - VRRP_PKT_ERR__MAX] = {
	[VIPD_DROP_VERSION - VRRP_PKT_ERR__MAX] = "version_mismatch",
	[VIPD_DROP_INTERVAL - VRRP_PKT_ERR__MAX] = "interval_mismatch",
	[VIPD_DROP_AUTH - VRRP_PKT_ERR__MAX] = "auth_mismatch",
	[VIPD_DROP_DST - VRRP_PKT_ERR__MAX] = "destination",
	[VIPD_DROP_OWN - VRRP_PKT_ERR__MAX] = "own_advert",
	[VIPD_DROP_NOT_PEER - VRRP_PKT_ERR__MAX] = "not_a_peer",
	[VIPD_DROP_OWNER_CONFLICT - VRRP_PKT_ERR__MAX] = "owner_conflict",
	[VIPD_DROP_OTHER_VR - VRRP_PKT_ERR__MAX] = "other_virtual_router",
	[VIPD_DROP_UNICAST_TTL - VRRP_PKT_ERR__MAX] = "unicast_ttl",
};

const char *
vipd_drop_name(int reason)
{
	if (reason >= 0 && reason < VRRP_PKT_ERR__MAX)
		return vrrp_pkt_errname((enum vrrp_pkt_err)reason);
	if (reason >= VRRP_PKT_ERR__MAX && reason < VIPD_DROP__MAX)
		return drop_names[reason - VRRP_PKT_ERR__MAX];
	return "unknown";
}

const char *
vipd_wall_str(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;
	char base[20];

	gmtime_r(&ts->tv_sec, &tm);
	if (strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		base[0] = 0;
	snprintf(buf, len, "%s.%03dZ", base, (int)(ts->tv_nsec / 1000000) % 1000);
	return buf;
}

json_t *
vipd_counters_json(const struct vipd_counters *c)
{
	json_t *drops = json_object();
	int r;

	/* The codec's OK slot is not a drop. */
	for (r = 1; r < VIPD_DROP__MAX; r++)
		json_object_set_new(drops, vipd_drop_name(r),
		    json_integer((json_int_t)c->drops[r]));
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}",
	    "adverts_received", (json_int_t)c->adverts_received,
	    "adverts_sent", (json_int_t)c->adverts_sent,
	    "became_master", (json_int_t)c->became_master,
	    "prio0_received", (json_int_t)c->prio0_received,
	    "prio0_sent", (json_int_t)c->prio0_sent,
	    "garp_sent", (json_int_t)c->garp_sent,
	    "address_list_mismatch", (json_int_t)c->address_list_mismatch,
	    "prio0_ignored", (json_int_t)c->prio0_ignored,
	    "rival_master", (json_int_t)c->rival_master,
	    "send_errors", (json_int_t)c->send_errors,
	    "drops", drops);
}

static json_t *
transition_json(const struct vipd_transition *t)
{
	char at[48];

	if (!t->valid)
		return json_null();
	return json_pack("{s:s,s:s,s:s,s:s}",
	    "from", vrrp_state_name(t->from), "to", vrrp_state_name(t->to),
	    "reason", t->reason, "at", vipd_wall_str(&t->at, at, sizeof(at)));
}

/* [{to, reason, count}] for each (state entered, reason) seen. */
static json_t *
transitions_json(const struct vipd_instance *inst)
{
	json_t *a = json_array();
	int to, r;

	for (to = 0; to <= VRRP_STATE_FAULT; to++)
		for (r = 0; r < VRRP_REASON_COUNT; r++)
			if (inst->transitions[to][r] > 0)
				json_array_append_new(a, json_pack(
				    "{s:s,s:s,s:I}", "to",
				    vrrp_state_name((enum vrrp_state)to),
				    "reason",
				    vrrp_reason_str((enum vrrp_reason)r),
				    "count",
				    (json_int_t)inst->transitions[to][r]));
	return a;
}

static json_t *
vips_json(const struct conf_instance *c)
{
	json_t *a = json_array();
	char s[CONF_LINE_MAX];
	size_t i;

	/* With the line's options (brd, label, scope, peer ...). */
	for (i = 0; i < c->nvips; i++) {
		conf_vip_str(&c->vips[i], s, sizeof(s));
		json_array_append_new(a, json_string(s));
	}
	return a;
}

/* Another virtual router on our VRID: who, what it advertises, how often. */
static json_t *
collision_json(const struct vipd_collision *col)
{
	char abuf[INET6_ADDRSTRLEN], at[48];
	size_t i, n = col->naddr < VIPD_COLLISION_ADDRS ? col->naddr :
	    VIPD_COLLISION_ADDRS;
	json_t *a;

	if (col->count == 0)
		return json_null();
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(vipd_addr_str(col->family,
		    col->addrs + i * vipd_alen(col->family), abuf,
		    sizeof(abuf))));
	return json_pack("{s:s,s:i,s:o,s:i,s:I,s:s}",
	    "source", vipd_addr_str(col->family, col->src, abuf, sizeof(abuf)),
	    "priority", col->priority, "addresses", a,
	    "address_count", col->naddr, "adverts", (json_int_t)col->count,
	    "last_seen", vipd_wall_str(&col->at, at, sizeof(at)));
}

/* The instance's own notify queue; null without scripts. */
static json_t *
notify_json(const struct vipd_instance *inst)
{
	struct notify_stats st;

	if (inst->notify == NULL)
		return json_null();
	notify_get_stats(inst->notify, &st);
	return json_pack("{s:i,s:I,s:I,s:I,s:I,s:I,s:b}",
	    "timeout_s", (int)inst->conf->notify_script_timeout_s,
	    "runs", (json_int_t)st.runs, "failed", (json_int_t)st.failed,
	    "timeouts", (json_int_t)st.timeouts,
	    "dropped", (json_int_t)st.dropped, "queued", (json_int_t)st.queued,
	    "running", st.running);
}

static json_t *
instance_json(const struct vipd_instance *inst)
{
	const struct conf_instance *c = inst->conf;
	const struct vrrp_fsm *f = &inst->fsm;
	char mbuf[INET6_ADDRSTRLEN], pbuf[INET6_ADDRSTRLEN];
	json_t *o;

	o = json_pack("{s:s,s:s,s:i,s:i,s:s,s:s,s:i,s:i,s:i,s:i,s:f,s:f,"
	    "s:b,s:i,s:b}",
	    "name", c->name, "interface", c->interface, "vrid", c->vrid,
	    "version", c->version,
	    "family", c->family == AF_INET6 ? "inet6" : "inet",
	    "state", vrrp_state_name(f->state),
	    "priority", c->priority, "effective_priority", f->priority,
	    "advert_interval_ms", (int)c->advert_int_cs * 10,
	    "master_adver_interval_ms", (int)(f->master_adver_int_us / 1000),
	    "skew_time_ms", (double)vrrp_fsm_skew_us(f) / 1000.0,
	    "master_down_interval_ms",
	    (double)vrrp_fsm_master_down_us(f) / 1000.0,
	    "preempt", !c->nopreempt, "preempt_delay_ms",
	    (int)c->preempt_delay_ms, "vips_installed", inst->vips_installed);
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "master_address", f->master_known ?
	    json_string(vipd_addr_str(c->family, f->master_addr, mbuf,
	    sizeof(mbuf))) : json_null());
	json_object_set_new(o, "master_priority", f->master_known ?
	    json_integer(f->master_priority) : json_null());
	json_object_set_new(o, "primary_address",
	    inst->iface->af[vipd_afi(c->family)].has_src ?
	    json_string(vipd_addr_str(c->family,
	    inst->iface->af[vipd_afi(c->family)].src, pbuf, sizeof(pbuf))) :
	    json_null());
	json_object_set_new(o, "vips", vips_json(c));
	json_object_set_new(o, "routes", vipd_routes_json(inst->routes));
	json_object_set_new(o, "fault_reason", inst->fault_reason[0] ?
	    json_string(inst->fault_reason) : json_null());
	json_object_set_new(o, "misconfigured_peer", inst->misconfig[0] ?
	    json_string(inst->misconfig) : json_null());
	json_object_set_new(o, "vrid_collision",
	    collision_json(&inst->collision));
	json_object_set_new(o, "notify", notify_json(inst));
	json_object_set_new(o, "health", vipd_health_json(inst));
	json_object_set_new(o, "sync_group", inst->sync != NULL ?
	    json_string(inst->sync->conf->name) : json_null());
	json_object_set_new(o, "wants_master", json_boolean(
	    inst->fsm.want_master));
	json_object_set_new(o, "last_transition", transition_json(&inst->last));
	json_object_set_new(o, "transitions", transitions_json(inst));
	json_object_set_new(o, "counters", vipd_counters_json(&inst->cnt));
	return o;
}

static json_t *
ifaces_json(const struct vipd *v)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < v->nifaces; i++) {
		const struct vipd_iface *ifp = &v->ifaces[i];

		json_array_append_new(a, json_pack("{s:s,s:i,s:b,s:I,s:I}",
		    "name", ifp->name, "ifindex", ifp->ifindex, "up", ifp->up,
		    "drops_unknown_vrid", (json_int_t)ifp->drops_unknown_vrid,
		    "drops_undecodable", (json_int_t)ifp->drops_undecodable));
	}
	return a;
}

/*
 * An instance whose status cannot be encoded (text that is not UTF-8 would
 * make jansson fail) still shows, with its name escaped: status never drops
 * an instance.
 */
static json_t *
instance_or_stub(const struct vipd_instance *inst)
{
	const struct conf_instance *c = inst->conf;
	json_t *o = instance_json(inst);
	char name[4 * CONF_NAME_MAX + 1];
	size_t i, n = 0;
	unsigned char ch;

	if (o != NULL)
		return o;
	for (i = 0; c->name[i] != '\0' && n + 5 < sizeof(name); i++) {
		ch = (unsigned char)c->name[i];
		n += (size_t)snprintf(name + n, sizeof(name) - n,
		    ch >= 0x20 && ch < 0x7f ? "%c" : "\\x%02x", ch);
	}
	name[n] = '\0';
	return json_pack("{s:s,s:i,s:s,s:s}", "name", name, "vrid", c->vrid,
	    "state", vrrp_state_name(inst->fsm.state), "error",
	    "status not encodable");
}

json_t *
vipd_status_json(const struct vipd *v)
{
	struct loop_stats ls;
	char at[48];
	json_t *o, *insts;
	size_t i;

	insts = json_array();
	for (i = 0; i < v->ninsts; i++)
		json_array_append_new(insts, instance_or_stub(v->insts[i]));
	loop_get_stats(v->loop, &ls);
	o = json_pack("{s:s,s:i,s:s,s:s,s:o,s:o,s:{s:I,s:I,s:I}}",
	    "version", VIPD_VERSION, "pid", (int)getpid(),
	    "router_id", v->conf->router_id,
	    "started_at", vipd_wall_str(&v->started_at, at, sizeof(at)),
	    "instances", insts, "interfaces", ifaces_json(v),
	    "loop", "timers_fired", (json_int_t)ls.timers_fired,
	    "late_max_us", (json_int_t)ls.late_max_us,
	    "late_mean_us", (json_int_t)(ls.timers_fired ?
	    ls.late_sum_us / ls.timers_fired : 0));
	if (o != NULL) {
		json_object_set_new(o, "config", json_pack("{s:s,s:s,s:I,s:I}",
		    "file", v->conf_path,
		    "loaded_at", vipd_wall_str(&v->loaded_at, at, sizeof(at)),
		    "reloads", (json_int_t)v->reloads,
		    "reloads_refused", (json_int_t)v->reloads_failed));
		json_object_set_new(o, "static", vipd_routes_json(v->statics));
		json_object_set_new(o, "sync_groups", vipd_sync_json(v));
	}
	return o;
}
