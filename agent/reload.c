/* SPDX-License-Identifier: ISC */
/* Hitless reload: the new configuration is checked whole, then applied as the smallest change. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/health.h"
#include "agent/iface.h"
#include "agent/instance.h"
#include "agent/notify.h"
#include "agent/privs.h"
#include "agent/reload.h"
#include "agent/routes.h"
#include "agent/retired.h"
#include "agent/status.h"
#include "agent/sync.h"
#include "agent/vips.h"
#include "agent/vmac.h"
#include "conf/conf_diff.h"
#include "lib/cmdline.h"
#include "lib/cred.h"
#include "netlink/nl.h"

#define US_PER_CS	10000u

/* What a reload will do, built before anything running is touched. */
struct plan {
	struct conf *conf;		/* the new configuration */
	struct vipd_instance **insts;	/* parallel to conf->instances */
	bool *is_new;			/* insts[i] made for this reload */
	bool *changed;			/* a kept one's settings differ */
	char **(*argv)[5];		/* kept ones' new notify vectors */
	bool *old_kept;			/* per old instance */
	struct vipd_check **checks;	/* parallel to conf->checks */
	bool *check_new;
	bool *old_check_kept;		/* per old check */
	struct cred cred;
	json_t *report;
};

/* Building the plan. */

static void
report_add(struct plan *p, const char *key, const char *text)
{
	json_t *a = json_object_get(p->report, key);

	if (a == NULL) {
		a = json_array();
		json_object_set_new(p->report, key, a);
	}
	json_array_append_new(a, json_string(text));
}

static int
split_notify(const struct conf_instance *c, char **argv[5], struct plan *p)
{
	const char *s[5] = { c->notify_master, c->notify_backup,
	    c->notify_fault, c->notify_stop, c->notify };
	char msg[512];
	enum cmdline_err e;
	int k, argc;

	for (k = 0; k < 5; k++) {
		if (s[k] == NULL)
			continue;
		if ((e = cmdline_split(s[k], &argv[k], &argc)) != CMDLINE_OK) {
			snprintf(msg, sizeof(msg), "%s:%d: %s: notify script "
			    "\"%s\": %s", c->file ? c->file : "?", c->line,
			    c->name, s[k], cmdline_strerror(e));
			log_warnx("%s", msg);
			report_add(p, "errors", msg);
			return -1;
		}
	}
	return 0;
}

static struct vipd_instance *
find_old(struct vipd *v, const struct conf_instance *nc, size_t *idx)
{
	size_t i;

	for (i = 0; i < v->ninsts; i++)
		if (conf_same_router(v->insts[i]->conf, nc)) {
			*idx = i;
			return v->insts[i];
		}
	return NULL;
}

static int
plan_instances(struct vipd *v, struct plan *p)
{
	struct conf *nc = p->conf;
	struct vipd_instance *old;
	size_t i, oi;

	for (i = 0; i < nc->ninstances; i++) {
		const struct conf_instance *c = &nc->instances[i];

		if ((old = find_old(v, c, &oi)) != NULL) {
			p->insts[i] = old;
			p->old_kept[oi] = true;
			p->changed[i] = !conf_same_instance(v->conf, old->conf,
			    nc, c);
			if (p->changed[i] && split_notify(c, p->argv[i], p) < 0)
				return -1;
			continue;
		}
		if ((p->insts[i] = malloc(sizeof(*p->insts[i]))) == NULL) {
			report_add(p, "errors", "out of memory");
			return -1;
		}
		/* The interface is bound at commit: the array may move. */
		if (vipd_instance_init(v, p->insts[i], c, NULL) < 0) {
			free(p->insts[i]);
			p->insts[i] = NULL;
			report_add(p, "errors", "notify script cannot be split "
			    "(see the log)");
			return -1;
		}
		p->is_new[i] = true;
	}
	return 0;
}

static int
plan_checks(struct vipd *v, struct plan *p)
{
	struct conf *nc = p->conf;
	size_t j, i;

	for (j = 0; j < nc->nchecks; j++) {
		bool used = vipd_check_tracked(nc, j);

		for (i = 0; i < v->nchecks; i++)
			if (!p->old_check_kept[i] && v->checks[i]->used ==
			    used && conf_same_check(v->checks[i]->conf,
			    &nc->checks[j]))
				break;
		if (i < v->nchecks) {
			p->old_check_kept[i] = true;
			p->checks[j] = v->checks[i];
			continue;
		}
		if ((p->checks[j] = vipd_check_new(v, &nc->checks[j],
		    used)) == NULL) {
			report_add(p, "errors", "a health check cannot be "
			    "set up (see the log)");
			return -1;
		}
		p->check_new[j] = true;
	}
	return 0;
}

static void
plan_free(struct vipd *v, struct plan *p, bool abort)
{
	size_t i, k, n = p->conf ? p->conf->ninstances : 0;

	for (i = 0; i < n && p->argv; i++)
		for (k = 0; k < 5; k++)
			cmdline_free(p->argv[i][k]);
	if (abort) {
		for (i = 0; i < n && p->insts && p->is_new; i++)
			if (p->is_new[i] && p->insts[i] != NULL) {
				vipd_instance_free(p->insts[i]);
				notify_free(p->insts[i]->notify);
				free(p->insts[i]);
			}
		for (i = 0; p->conf && i < p->conf->nchecks && p->checks &&
		    p->check_new; i++)
			if (p->check_new[i])
				vipd_check_free(v, p->checks[i]);
		free(p->insts);
		free(p->checks);
		conf_free(p->conf);
	}
	free(p->is_new);
	free(p->changed);
	free(p->argv);
	free(p->old_kept);
	free(p->check_new);
	free(p->old_check_kept);
	cred_free(&p->cred);
}

/* Parse and check the file; every message is logged and reported. */
static int
plan_load(struct vipd *v, struct plan *p)
{
	struct conf_diag d = { 0 };
	char err[CONF_PATH_MAX + 256];
	const char *why;
	size_t i;

	p->conf = conf_load_with(v->conf_path, &v->load_opts, &d);
	for (i = 0; i < d.nmsgs; i++) {
		log_warnx("%s", d.msgs[i].text);
		report_add(p, d.msgs[i].severity == CONF_SEV_ERROR ? "errors" :
		    "warnings", d.msgs[i].text);
	}
	if (p->conf == NULL && d.nerrors == 0) {
		snprintf(err, sizeof(err), "%s: %s", v->conf_path,
		    strerror(errno));
		log_warnx("%s", err);
		report_add(p, "errors", err);
	}
	conf_diag_free(&d);
	if (p->conf == NULL)
		return -1;
	/* As at start: the user is looked up for scripts, or if named. */
	if ((vipd_privs_has_scripts(p->conf) ||
	    p->conf->script_user[0] != '\0') &&
	    cred_resolve(p->conf->script_user, p->conf->script_group,
	    p->conf->enable_script_security, &p->cred, err, sizeof(err)) < 0) {
		char msg[2 * CONF_PATH_MAX + 512];

		snprintf(msg, sizeof(msg), "%s: %s", v->conf_path, err);
		log_warnx("%s", msg);
		report_add(p, "errors", msg);
		return -1;
	}
	if ((why = vipd_privs_reload_check(v, p->conf, &p->cred)) != NULL) {
		snprintf(err, sizeof(err), "%s: %s", v->conf_path, why);
		log_warnx("%s", err);
		report_add(p, "errors", err);
		return -1;
	}
	if (p->conf->metrics_port != v->conf->metrics_port ||
	    p->conf->metrics_family != v->conf->metrics_family ||
	    memcmp(p->conf->metrics_addr, v->conf->metrics_addr,
	    sizeof(p->conf->metrics_addr)) != 0) {
		snprintf(err, sizeof(err), "%s: metrics_listen changed; it "
		    "applies when vipd restarts", v->conf_path);
		log_warnx("%s", err);
		report_add(p, "warnings", err);
	}
	if (p->conf->router_id[0] == '\0' && gethostname(p->conf->router_id,
	    sizeof(p->conf->router_id) - 1) < 0)
		p->conf->router_id[0] = '\0';
	return 0;
}

static int
plan_build(struct vipd *v, struct plan *p)
{
	size_t n, nc;

	if (plan_load(v, p) < 0)
		return -1;
	n = p->conf->ninstances ? p->conf->ninstances : 1;
	nc = p->conf->nchecks ? p->conf->nchecks : 1;
	p->insts = calloc(n, sizeof(*p->insts));
	p->is_new = calloc(n, sizeof(*p->is_new));
	p->changed = calloc(n, sizeof(*p->changed));
	p->argv = calloc(n, sizeof(*p->argv));
	p->old_kept = calloc(v->ninsts ? v->ninsts : 1, sizeof(bool));
	p->checks = calloc(nc, sizeof(*p->checks));
	p->check_new = calloc(nc, sizeof(bool));
	p->old_check_kept = calloc(v->nchecks ? v->nchecks : 1, sizeof(bool));
	if (!p->insts || !p->is_new || !p->changed || !p->argv ||
	    !p->old_kept || !p->checks || !p->check_new || !p->old_check_kept) {
		report_add(p, "errors", "out of memory");
		return -1;
	}
	if (plan_instances(v, p) < 0 || plan_checks(v, p) < 0)
		return -1;
	return 0;
}

/* Applying it. */

/* Delete the addresses of list a that list b does not have. */
static size_t
del_missing(struct vipd_instance *inst, const struct conf_vip *a, size_t na,
    const struct conf_vip *b, size_t nb)
{
	struct nl_addr_opts o;
	char abuf[64];
	size_t i, n = 0;

	for (i = 0; i < na; i++) {
		const struct vipd_iface *ifp = a[i].dev[0] ?
		    vipd_iface_find(inst->vipd, a[i].dev) : inst->iface;
		struct nl_addr x = { .family = a[i].family,
		    .prefixlen = a[i].prefixlen };

		/* Only what vipd installed: never someone else's address. */
		if (conf_has_vip(b, nb, &a[i]) || ifp == NULL ||
		    ifp->ifindex <= 0 || !vipd_vips_owned(inst, &a[i]))
			continue;
		memcpy(x.addr, a[i].addr, 16);
		n++;
		vipd_addr_opts(&a[i], &o);	/* a peer names the address */
		if (nl_addr_exec(inst->vipd->nl, false, ifp->ifindex, &x, 0,
		    &o) == 0)
			log_info("%s: reload: deleted %s/%u", inst->conf->name,
			    vipd_addr_str(x.family, x.addr, abuf, sizeof(abuf)),
			    x.prefixlen);
	}
	return n;
}

static size_t
count_missing(const struct conf_vip *a, size_t na, const struct conf_vip *b,
    size_t nb)
{
	size_t i, n = 0;

	for (i = 0; i < na; i++)
		if (!conf_has_vip(b, nb, &a[i]))
			n++;
	return n;
}

/*
 * The state machine lives in vrrp/; its configuration is only read, so
 * new settings are set in place and apply from its next decision.
 */
static void
update_fsm(struct vipd_instance *inst, const struct conf_instance *c)
{
	struct vrrp_fsm *f = &inst->fsm;

	f->cfg.priority = c->priority;
	f->cfg.preempt = !c->nopreempt;
	f->cfg.preempt_delay_us = (uint64_t)c->preempt_delay_ms * 1000u;
	f->cfg.lower_prio_no_advert = c->lower_prio_no_advert;
	f->cfg.higher_prio_send_advert = c->higher_prio_send_advert;
	if (f->cfg.adver_int_cs != c->advert_int_cs) {
		f->cfg.adver_int_cs = c->advert_int_cs;
		/* The advert already scheduled goes at the old time. */
		f->adver_int_us = (uint64_t)(c->advert_int_cs ?
		    c->advert_int_cs : 1) * US_PER_CS;
		if (f->state == VRRP_STATE_MASTER || c->version == 2)
			f->master_adver_int_us = f->adver_int_us;
	}
}

static void
update_instance(struct vipd_instance *inst, const struct conf_instance *c,
    char **argv[5], uint64_t now)
{
	const struct conf_instance *o = inst->conf;
	bool master = inst->fsm.state == VRRP_STATE_MASTER &&
	    inst->vips_installed;
	size_t added = 0;
	int k;

	if (master) {
		del_missing(inst, o->vips, o->nvips, c->vips, c->nvips);
		del_missing(inst, o->excluded, o->nexcluded, c->excluded,
		    c->nexcluded);
		added = count_missing(c->vips, c->nvips, o->vips, o->nvips) +
		    count_missing(c->excluded, c->nexcluded, o->excluded,
		    o->nexcluded);
	}
	vipd_vips_reconf(inst, c);
	inst->conf = c;
	for (k = 0; k < 5; k++) {
		cmdline_free(inst->notify_argv[k]);
		inst->notify_argv[k] = argv[k];
		argv[k] = NULL;
	}
	/* Scripts for the first time: a queue of its own (commit sets its
	 * user); a runner that has one keeps it, with the new timeout. */
	for (k = 0; k < 5 && inst->notify_argv[k] == NULL; k++)
		;
	if (inst->notify == NULL && k < 5 &&
	    (inst->notify = notify_new(inst->vipd->loop,
	    c->notify_script_timeout_s * 1000u)) == NULL)
		log_warn("%s: notify runner", c->name);
	else if (inst->notify != NULL)
		notify_set_timeout(inst->notify,
		    c->notify_script_timeout_s * 1000u);
	update_fsm(inst, c);
	if (master && added > 0) {
		/* Re-adding the others only refreshes their lifetime. */
		vipd_vips_add(inst, true);
		vipd_vips_announce(inst, c->garp_master_repeat);
		log_info("%s: reload: %zu address%s added while Master",
		    c->name, added, added == 1 ? "" : "es");
	}
	/* After the addresses: a new route may use a new one as source. */
	inst->routes = vipd_routes_reload(inst->vipd, inst->routes, c->name,
	    NULL, 0, c->routes, c->nroutes, c->rules, c->nrules, master);
	if (inst->fsm.state == VRRP_STATE_MASTER &&
	    o->garp_master_refresh_s != c->garp_master_refresh_s)
		loop_timer_set(inst->vipd->loop, &inst->garp_refresh_timer,
		    c->garp_master_refresh_s ? now +
		    (uint64_t)c->garp_master_refresh_s * 1000000u : 0);
}

/* Interfaces the new configuration names that vipd has not seen. */
static bool
needs_ifaces(struct vipd *v, const struct conf *c)
{
	size_t i, k;

	for (i = 0; i < c->ninstances; i++) {
		const struct conf_instance *in = &c->instances[i];

		if (vipd_iface_find(v, in->interface) == NULL ||
		    vipd_iface_find(v, vipd_vmac_ifname(in)) == NULL)
			return true;
		for (k = 0; k < in->nvips; k++)
			if (in->vips[k].dev[0] &&
			    vipd_iface_find(v, in->vips[k].dev) == NULL)
				return true;
		for (k = 0; k < in->nexcluded; k++)
			if (in->excluded[k].dev[0] &&
			    vipd_iface_find(v, in->excluded[k].dev) == NULL)
				return true;
		for (k = 0; k < in->ntrack_ifs; k++)
			if (vipd_iface_find(v, in->track_ifs[k].name) == NULL)
				return true;
	}
	for (i = 0; i < c->nsync_groups; i++)
		for (k = 0; k < c->sync_groups[i].ntrack_ifs; k++)
			if (vipd_iface_find(v, c->sync_groups[i].track_ifs[k].
			    name) == NULL)
				return true;
	return false;
}

/*
 * Sockets are watched with a pointer into the interface array, which
 * grows by realloc: close them all, grow, and open them again. Only a
 * reload that names a new interface does this.
 */
static void
grow_ifaces(struct vipd *v, const struct conf *c)
{
	size_t i, k, n0 = v->nifaces;

	for (i = 0; i < v->nifaces; i++)
		vipd_iface_close(v, &v->ifaces[i]);
	for (i = 0; i < c->ninstances; i++) {
		const struct conf_instance *in = &c->instances[i];

		vipd_iface_get(v, in->interface);
		vipd_iface_get(v, vipd_vmac_ifname(in));
		for (k = 0; k < in->nvips; k++)
			if (in->vips[k].dev[0])
				vipd_iface_get(v, in->vips[k].dev);
		for (k = 0; k < in->nexcluded; k++)
			if (in->excluded[k].dev[0])
				vipd_iface_get(v, in->excluded[k].dev);
		for (k = 0; k < in->ntrack_ifs; k++)
			vipd_iface_get(v, in->track_ifs[k].name);
	}
	for (i = 0; i < c->nsync_groups; i++)
		for (k = 0; k < c->sync_groups[i].ntrack_ifs; k++)
			vipd_iface_get(v, c->sync_groups[i].track_ifs[k].name);
	for (i = n0; i < v->nifaces; i++)
		vipd_iface_refresh(v, &v->ifaces[i]);
}

static void
open_ifaces(struct vipd *v)
{
	size_t i;

	for (i = 0; i < v->nifaces; i++)
		if (v->ifaces[i].ifindex > 0 &&
		    vipd_iface_open(v, &v->ifaces[i]) < 0)
			log_warn("%s: cannot open sockets", v->ifaces[i].name);
}

/* Removed instances stop as at shutdown, with the old configuration. */
static void
stop_removed(struct vipd *v, struct plan *p, uint64_t now)
{
	size_t i;

	for (i = 0; i < v->ninsts; i++) {
		if (p->old_kept[i])
			continue;
		report_add(p, "removed", v->insts[i]->conf->name);
		log_info("%s: reload: removed; stopping",
		    v->insts[i]->conf->name);
		vipd_instance_shutdown(v->insts[i], now);
		vipd_retire(v, v->insts[i]);
	}
	for (i = 0; i < v->nchecks; i++)
		if (!p->old_check_kept[i])
			vipd_check_free(v, v->checks[i]);
}

static void
commit(struct vipd *v, struct plan *p)
{
	struct conf *old = v->conf;
	uint64_t now = loop_now();
	size_t i;

	vipd_retired_reap(v);
	stop_removed(v, p, now);
	free(v->checks);
	v->checks = p->checks;
	v->nchecks = p->conf->nchecks;
	for (i = 0; i < v->nchecks; i++)
		v->checks[i]->conf = &p->conf->checks[i];
	free(v->insts);
	v->insts = p->insts;
	v->ninsts = p->conf->ninstances;
	p->insts = NULL;
	p->checks = NULL;
	v->conf = p->conf;
	vipd_vmac_setup(v);	/* new use_vmac instances */
	if (needs_ifaces(v, v->conf))
		grow_ifaces(v, v->conf);
	open_ifaces(v);
	for (i = 0; i < v->ninsts; i++) {
		struct vipd_instance *inst = v->insts[i];
		const struct conf_instance *c = &v->conf->instances[i];

		inst->iface = vipd_iface_find(v, vipd_vmac_ifname(c));
		inst->base = vipd_iface_find(v, c->interface);
		inst->xif = vipd_iface_find(v, vipd_vmac_xmit_ifname(c));
		if (p->is_new[i])
			report_add(p, "added", c->name);
		else if (p->changed[i])
			report_add(p, "changed", c->name);
		else
			report_add(p, "unchanged", c->name);
		if (p->is_new[i])
			continue;
		if (p->changed[i]) {
			update_instance(inst, c, p->argv[i], now);
		} else {
			vipd_vips_reconf(inst, c);
			inst->conf = c;
			/* The same lines: only moved to the new arrays. */
			inst->routes = vipd_routes_reload(v, inst->routes,
			    c->name, NULL, 0, c->routes, c->nroutes, c->rules,
			    c->nrules, false);
		}
	}
	v->statics = vipd_routes_reload(v, v->statics, "static",
	    v->conf->static_addrs, v->conf->nstatic_addrs,
	    v->conf->static_routes, v->conf->nstatic_routes,
	    v->conf->static_rules, v->conf->nstatic_rules, true);
	for (i = 0; i < v->ninsts; i++)
		if (v->insts[i]->notify != NULL &&
		    notify_set_cred(v->insts[i]->notify, &p->cred) < 0)
			log_warn("reload: script_user");
	if (vipd_sync_reload(v, &p->cred, now) < 0)
		report_add(p, "errors", "sync groups cannot be set up (see the "
		    "log)");
	for (i = 0; i < v->ninsts; i++)
		if (p->is_new[i])
			vipd_instance_start(v->insts[i], now);
		else
			vipd_health_apply(v->insts[i], now);
	vipd_health_poll_update(v);	/* new checks start slow */
	conf_free(old);
}

int
vipd_reload(struct vipd *v, json_t **report)
{
	struct plan p = { 0 };
	char at[48];
	int rc = 0;

	p.report = json_object();
	log_info("reloading %s", v->conf_path);
	if (plan_build(v, &p) < 0) {
		log_warnx("reload of %s refused; the running configuration is "
		    "unchanged", v->conf_path);
		plan_free(v, &p, true);
		v->reloads_failed++;
		rc = -1;
	} else {
		commit(v, &p);
		plan_free(v, &p, false);
		clock_gettime(CLOCK_REALTIME, &v->loaded_at);
		v->reloads++;
		log_info("reloaded %s (%zu instance%s)", v->conf_path,
		    v->ninsts, v->ninsts == 1 ? "" : "s");
	}
	json_object_set_new(p.report, "reloaded", json_boolean(rc == 0));
	json_object_set_new(p.report, "file", json_string(v->conf_path));
	json_object_set_new(p.report, "loaded_at", json_string(
	    vipd_wall_str(&v->loaded_at, at, sizeof(at))));
	*report = p.report;
	return rc;
}
