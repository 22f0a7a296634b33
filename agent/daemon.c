/* SPDX-License-Identifier: ISC */
/* Daemon setup and teardown: interfaces, instances, netlink and control wired into the loop. */
#include <sys/epoll.h>

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/control.h"
#include "ctl/ctl_proto.h"
#include "agent/daemon.h"
#include "agent/dump.h"
#include "agent/privs.h"
#include "agent/reload.h"
#include "agent/retired.h"
#include "agent/sdnotify.h"
#include "agent/fifo.h"
#include "agent/health.h"
#include "agent/history.h"
#include "agent/metrics_http.h"
#include "agent/notify.h"
#include "agent/routes.h"
#include "lib/cred.h"
#include "agent/ctlcmd.h"
#include "agent/iface.h"
#include "agent/vmac.h"
#include "agent/instance.h"
#include "agent/status.h"
#include "agent/vips.h"
#include "agent/sync.h"
#include "netlink/nl.h"

static void
nl_cb(int fd, uint32_t events, void *arg)
{
	struct vipd *v = arg;
	uint64_t now;
	size_t i;

	(void)fd;
	(void)events;
	if (nl_monitor_read(v->nl, vipd_iface_nl_event, v) == 0 ||
	    errno != ENOBUFS)
		return;
	/* Events were lost: ask the kernel for the whole truth again. */
	log_warnx("netlink monitor overrun; resynchronising");
	now = loop_now();
	for (i = 0; i < v->nifaces; i++)
		vipd_iface_refresh(v, &v->ifaces[i]);
	for (i = 0; i < v->ninsts; i++) {
		vipd_vips_resync(v->insts[i]);
		vipd_instance_link(v->insts[i], now);
	}
}

static void
nl_async_cb(int fd, uint32_t events, void *arg)
{
	struct vipd *v = arg;

	(void)fd;
	(void)events;
	if (nl_async_read(v->nl, vipd_vips_refresh_failed, v) < 0)
		log_warn("netlink: refresh answers");
}

static void
stop_cb(int signo, void *arg)
{
	struct vipd *v = arg;

	log_info("received %s, shutting down", strsignal(signo));
	vipd_sd_stopping(v);
	loop_stop(v->loop);
}

/* Reload around systemd's RELOADING=1 / READY=1. */
static int
reload(struct vipd *v, json_t **report)
{
	int rc;

	vipd_sd_reloading(v);
	rc = vipd_reload(v, report);
	vipd_sd_reloaded(v, rc == 0);
	return rc;
}

static void
hup_cb(int signo, void *arg)
{
	json_t *report = NULL;

	(void)signo;
	reload(arg, &report);
	json_decref(report);
}

static void
usr_cb(int signo, void *arg)
{
	if (signo == SIGUSR1)
		vipd_dump_data(arg);
	else
		vipd_dump_stats(arg);
}

/*
 * Every signal whose default action ends the process, except the ones a
 * fault raises synchronously (SEGV, BUS, FPE, ILL, ABRT, TRAP, SYS) and
 * PIPE (ignored: a vipctl that goes away must not stop vipd). glibc
 * keeps 32 and 33 for itself; SIGRTMIN is past them.
 */
static int
catch_signals(struct vipd *v)
{
	static const int stop[] = { SIGTERM, SIGINT, SIGQUIT, SIGALRM,
	    SIGVTALRM, SIGPROF, SIGIO, SIGPWR, SIGXCPU, SIGXFSZ, SIGSTKFLT };
	size_t i;
	int s;

	for (i = 0; i < sizeof(stop) / sizeof(stop[0]); i++)
		if (loop_signal(v->loop, stop[i], stop_cb, v) < 0)
			return -1;
	for (s = SIGRTMIN; s <= SIGRTMAX; s++)
		if (loop_signal(v->loop, s, stop_cb, v) < 0)
			return -1;
	if (loop_signal(v->loop, SIGHUP, hup_cb, v) < 0 ||
	    loop_signal(v->loop, SIGUSR1, usr_cb, v) < 0 ||
	    loop_signal(v->loop, SIGUSR2, usr_cb, v) < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static json_t *
ctl_reload(struct vipd *v, char *err, size_t errlen)
{
	json_t *report = NULL;

	reload(v, &report);
	if (report == NULL)
		snprintf(err, errlen, "reload: out of memory");
	return report;
}

static json_t *
ctl_handler(const struct ctl_request *req, void *arg, char *err,
    size_t errlen)
{
	struct vipd *v = arg;

	switch (req->cmd) {
	case CTL_CMD_STATUS:
		return vipd_status_json(v);
	case CTL_CMD_EXPLAIN:
		return vipd_ctl_explain(v, req->instance, err, errlen);
	case CTL_CMD_MAINTENANCE:
		return vipd_ctl_maintenance(v, req->instance,
		    strcmp(req->mode, "on") == 0, err, errlen);
	case CTL_CMD_HISTORY:
		return vipd_ctl_history(v, req, err, errlen);
	case CTL_CMD_RELOAD:
		return ctl_reload(v, err, errlen);
	default:
		snprintf(err, errlen, "%s: not supported by this vipd",
		    ctl_cmd_name(req->cmd));
		return NULL;
	}
}

/* The control server sees the loop as an opaque pointer. */
static int
ctl_add(void *l, int fd, uint32_t events, void (*cb)(int, uint32_t, void *),
    void *arg)
{
	return loop_add_fd(l, fd, events, cb, arg);
}

static int
ctl_mod(void *l, int fd, uint32_t events)
{
	return loop_mod_fd(l, fd, events);
}

static int
ctl_del(void *l, int fd)
{
	return loop_del_fd(l, fd);
}

/* Static ones the kernel refused (a device not there yet, at boot). */
#define STATICS_RETRY_US	(5 * 1000000ULL)

static void
statics_cb(struct loop_timer *t, uint64_t now, void *arg)
{
	struct vipd *v = arg;

	vipd_routes_up(v, v->statics, false);
	loop_timer_set(v->loop, t, now + STATICS_RETRY_US);
}

/*
 * Leftovers of an earlier run's virtual routes and rules go (none is ours
 * to keep while not Master), then the static ones are installed.
 */
static int
setup_routes(struct vipd *v)
{
	const struct conf *c = v->conf;
	size_t i;

	for (i = 0; i < v->ninsts; i++)
		vipd_routes_sweep(v, v->insts[i]->routes);
	v->statics = vipd_routes_new("static", c->static_addrs,
	    c->nstatic_addrs, c->static_routes, c->nstatic_routes,
	    c->static_rules, c->nstatic_rules);
	if (v->statics == NULL) {
		log_warn("static routes");
		return -1;
	}
	vipd_routes_up(v, v->statics, false);
	/* Always: a reload may bring static ones. */
	loop_timer_init(&v->statics_timer, statics_cb, v);
	loop_timer_set(v->loop, &v->statics_timer,
	    loop_now() + STATICS_RETRY_US);
	return 0;
}

static int
setup_ifaces(struct vipd *v)
{
	size_t i, k;

	/* Every interface first: instances keep pointers into the array. */
	for (i = 0; i < v->conf->ninstances; i++) {
		const struct conf_instance *c = &v->conf->instances[i];

		if (vipd_iface_get(v, c->interface) == NULL ||
		    vipd_iface_get(v, vipd_vmac_ifname(c)) == NULL)
			return -1;
		for (k = 0; k < c->nvips; k++)
			if (c->vips[k].dev[0] &&
			    vipd_iface_get(v, c->vips[k].dev) == NULL)
				return -1;
		for (k = 0; k < c->nexcluded; k++)
			if (c->excluded[k].dev[0] &&
			    vipd_iface_get(v, c->excluded[k].dev) == NULL)
				return -1;
		for (k = 0; k < c->ntrack_ifs; k++)
			if (vipd_iface_get(v, c->track_ifs[k].name) == NULL)
				return -1;
	}
	for (i = 0; i < v->conf->nsync_groups; i++)
		for (k = 0; k < v->conf->sync_groups[i].ntrack_ifs; k++)
			if (vipd_iface_get(v, v->conf->sync_groups[i].
			    track_ifs[k].name) == NULL)
				return -1;
	vipd_vmac_setup(v);
	for (i = 0; i < v->nifaces; i++) {
		vipd_iface_refresh(v, &v->ifaces[i]);
		if (v->ifaces[i].ifindex <= 0)
			log_warnx("%s: no such interface (yet); waiting for it",
			    v->ifaces[i].name);
	}
	/* What an earlier run left; warn about addresses not ours. */
	vipd_vips_sweep(v);
	for (i = 0; i < v->nifaces; i++)
		if (v->ifaces[i].ifindex > 0 &&
		    vipd_iface_open(v, &v->ifaces[i]) < 0) {
			log_warn("%s: cannot open sockets", v->ifaces[i].name);
			return -1;
		}
	return 0;
}

/* Dumps go beside the control socket: /run/vipd by default. */
static void
dump_dir_of(const char *sockpath, char *dir, size_t len)
{
	const char *slash = strrchr(sockpath, '/');

	if (slash == NULL)
		snprintf(dir, len, ".");
	else if (slash == sockpath)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - sockpath), sockpath);
}


/*
 * script_user, or keepalived's default: keepalived_script, else root.
 * Without scripts the default user need not be looked up: a lookup of a
 * missing user falls through to the NSS modules after "files", and
 * loading them (libnss_systemd, libm, libcap) costs 0.75 MiB of resident
 * memory for nothing.
 */
static int
setup_script_user(struct vipd *v)
{
	struct cred cred;
	char err[256] = "";
	bool fail = false;
	size_t i;

	if (!vipd_privs_has_scripts(v->conf) &&
	    v->conf->script_user[0] == '\0')
		return 0;	/* an explicit user must still exist, as -t says */
	if (cred_resolve(v->conf->script_user, v->conf->script_group,
	    v->conf->enable_script_security, &cred, err, sizeof(err)) < 0)
		fail = true;
	for (i = 0; i < v->ninsts && !fail; i++)
		if (v->insts[i]->notify != NULL &&
		    notify_set_cred(v->insts[i]->notify, &cred) < 0)
			fail = true;
	for (i = 0; i < v->nsyncs && !fail; i++)
		if (v->syncs[i].notify != NULL &&
		    notify_set_cred(v->syncs[i].notify, &cred) < 0)
			fail = true;
	cred_free(&cred);
	if (fail) {
		log_warnx("%s", err[0] != '\0' ? err : "notify: out of memory");
		return -1;
	}
	return 0;
}

/* CTL_GROUP's gid, or (gid_t)-1 (only root may use vipctl) without it. */
static gid_t
read_only_group(void)
{
	struct group gr, *res = NULL;
	char buf[4096];

	if (getgrnam_r(CTL_GROUP, &gr, buf, sizeof(buf), &res) != 0 ||
	    res == NULL)
		return (gid_t)-1;
	return gr.gr_gid;
}

/* The loop, with netlink events and signals in it. */
static int
setup_loop(struct vipd *v)
{
	if ((v->loop = loop_new()) == NULL) {
		log_warn("event loop");
		return -1;
	}
	if ((v->nl = nl_open()) == NULL) {
		log_warn("netlink");
		return -1;
	}
	if (loop_add_fd(v->loop, nl_monitor_fd(v->nl), EPOLLIN, nl_cb, v) < 0 ||
	    loop_add_fd(v->loop, nl_async_fd(v->nl), EPOLLIN, nl_async_cb,
	    v) < 0 || catch_signals(v) < 0) {
		log_warn("event loop setup");
		return -1;
	}
	return 0;
}

/* Each instance is allocated alone: a reload keeps it where it is. */
static int
setup_instances(struct vipd *v)
{
	const struct conf *conf = v->conf;
	size_t i;

	v->insts = calloc(conf->ninstances ? conf->ninstances : 1,
	    sizeof(*v->insts));
	if (v->insts == NULL)
		return -1;
	for (i = 0; i < conf->ninstances; i++)
		if ((v->insts[i] = malloc(sizeof(*v->insts[i]))) == NULL)
			return -1;
	for (i = 0; i < conf->ninstances; i++, v->ninsts++)
		if (vipd_instance_init(v, v->insts[i], &conf->instances[i],
		    vipd_iface_get(v, vipd_vmac_ifname(&conf->instances[i])))
		    < 0) {
			free(v->insts[i]);
			v->insts[i] = NULL;
			return -1;
		}
	return 0;
}

int
vipd_setup(struct vipd *v, struct conf *conf, const char *sockpath)
{
	struct ctl_server_ops ops = {
		.add = ctl_add, .mod = ctl_mod, .del = ctl_del,
	};
	struct ctl_handler handler = { .fn = ctl_handler, .arg = v };
	uint64_t now;
	size_t i;

	v->conf = conf;
	clock_gettime(CLOCK_REALTIME, &v->started_at);
	v->loaded_at = v->started_at;
	if (v->dump_dir[0] == '\0')
		dump_dir_of(sockpath, v->dump_dir, sizeof(v->dump_dir));
	/* keepalived's default router_id is the host name. */
	if (conf->router_id[0] == '\0' &&
	    gethostname(conf->router_id, sizeof(conf->router_id) - 1) < 0)
		conf->router_id[0] = '\0';
	v->vip_lifetime_s = 3;
	if (setup_loop(v) < 0)
		return -1;
	if (setup_ifaces(v) < 0)
		return -1;
	if ((v->history = vipd_history_new()) == NULL)
		return -1;
	v->fifo = vipd_fifo_open(conf, v->loop);
	/* The scripts' user is set on each instance's own queue. */
	if (setup_instances(v) < 0 || setup_routes(v) < 0 ||
	    vipd_sync_init(v) < 0 || setup_script_user(v) < 0 ||
	    vipd_health_start(v) < 0)
		return -1;
	ops.loop = v->loop;
	v->ctl = ctl_server_open_group(sockpath, &ops, &handler,
	    read_only_group());
	if (v->ctl == NULL) {
		log_warn("control socket %s", sockpath);
		return -1;
	}
	if (conf->metrics_port != 0 &&
	    (v->metrics = vipd_metrics_http_open(v)) == NULL) {
		log_warn("metrics_listen port %u", conf->metrics_port);
		return -1;
	}
	now = loop_now();
	for (i = 0; i < v->ninsts; i++)
		vipd_instance_start(v->insts[i], now);
	if (vipd_sd_start(v) < 0)
		return -1;
	vipd_sd_ready(v);
	return 0;
}

/*
 * notify_stop must have run before vipd is gone: every instance's queue
 * runs to its end, within 15 s for all of them together.
 */
#define NOTIFY_DRAIN_TOTAL_US	15000000ULL

static void
drain_notify(struct vipd *v)
{
	struct timespec ts;
	uint64_t start, now, left;
	size_t i;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	start = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
	for (i = 0; i < v->ninsts; i++) {
		if (v->insts[i]->notify == NULL)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (uint64_t)ts.tv_sec * 1000000u +
		    (uint64_t)ts.tv_nsec / 1000;
		left = now - start < NOTIFY_DRAIN_TOTAL_US ?
		    NOTIFY_DRAIN_TOTAL_US - (now - start) : 0;
		notify_drain(v->insts[i]->notify, (uint32_t)(left / 1000));
		notify_free(v->insts[i]->notify);
		v->insts[i]->notify = NULL;
	}
}

void
vipd_teardown(struct vipd *v)
{
	uint64_t now = loop_now();
	size_t i;

	for (i = 0; i < v->ninsts; i++)
		vipd_instance_shutdown(v->insts[i], now);
	vipd_retired_drain(v, 5000);
	if (v->loop != NULL)
		loop_timer_cancel(v->loop, &v->statics_timer);
	vipd_routes_down(v, v->statics);
	vipd_routes_free(v->statics);
	v->statics = NULL;
	vipd_sync_stop(v);
	drain_notify(v);
	vipd_sd_stop(v);
	vipd_fifo_close(v->fifo);
	if (v->loop != NULL)
		vipd_health_stop(v);
	if (v->ctl != NULL)
		ctl_server_close(v->ctl);
	vipd_metrics_http_close(v->metrics);
	for (i = 0; i < v->nifaces; i++)
		vipd_iface_close(v, &v->ifaces[i]);
	vipd_sync_free(v);
	if (v->insts != NULL)
		for (i = 0; i < v->conf->ninstances; i++)
			free(v->insts[i]);
	free(v->insts);
	free(v->ifaces);
	vipd_history_free(v->history);
	if (v->nl != NULL) {
		vipd_vmac_teardown(v);
		nl_close(v->nl);
	}
	loop_free(v->loop);
	conf_free(v->conf);
	memset(v, 0, sizeof(*v));
}
