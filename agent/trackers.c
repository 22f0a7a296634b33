/* SPDX-License-Identifier: ISC */
/* keepalived's trackers in the daemon: vrrp_script, track_file, vrrp_track_process. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/health.h"
#include "agent/trackers.h"
#include "lib/cmdline.h"
#include "lib/cred.h"

/* vrrp_script: keepalived's counter instead of verdict()'s rise/fall. */
static void
script_cb(bool success, const char *reason, void *arg)
{
	struct vipd_check *ck = arg;
	bool was_known = ck->known, was_ok = ck->ok;

	hc_script_state_update(&ck->sstate, success);
	ck->cls = success ? HC_OK : HC_FAILED;
	snprintf(ck->reason, sizeof(ck->reason), "%s", reason);
	clock_gettime(CLOCK_REALTIME, &ck->at);
	ck->runs++;
	if (!success)
		ck->failures++;
	ck->known = true;
	ck->ok = hc_script_state_ok(&ck->sstate);
	if (!was_known || was_ok != ck->ok)
		vipd_health_noted(ck, was_known, was_ok);
}

/* A script that cannot run is failing from the start, never passing. */
static void
script_broken(struct vipd_check *ck, const char *why)
{
	log_warnx("check %s: %s; it counts as failing", ck->conf->name, why);
	snprintf(ck->reason, sizeof(ck->reason), "cannot run: %.290s", why);
	ck->cls = HC_FAILED;
	ck->known = true;
	ck->ok = false;
}

/* 0, or -1 with why: the identity scripts of @c run as. */
int
vipd_script_cred(const struct conf *conf, const struct conf_check *c,
    struct cred *cred, char *why, size_t whylen)
{
	const char *u = c->script.user[0] ? c->script.user : conf->script_user;
	const char *g = c->script.user[0] ? c->script.group :
	    conf->script_group;

	return cred_resolve(u, g, conf->enable_script_security, cred, why,
	    whylen);
}

/* argv and identity of a vrrp_script, checked as they will be run. */
int
vipd_script_prepare(const struct conf *conf, const struct conf_check *c,
    char ***argv, struct cred *cred, char *why, size_t whylen)
{
	*argv = NULL;
	if (vipd_script_cred(conf, c, cred, why, whylen) < 0)
		return -1;
	if (hc_script_argv(c->script.cmd, getenv("PATH"), argv, why,
	    whylen) < 0 || hc_script_runnable((*argv)[0], cred, why,
	    whylen) < 0) {
		cmdline_free(*argv);
		*argv = NULL;
		cred_free(cred);
		return -1;
	}
	return 0;
}

int
vipd_script_setup(struct vipd_check *ck)
{
	const struct conf_check *c = ck->conf;
	struct cred cred;
	char why[512];
	char **argv;

	hc_script_state_init(&ck->sstate, c->rise, c->fall,
	    c->script.init_fail);
	if (c->script.init_fail) {
		ck->known = true;
		ck->ok = false;
		snprintf(ck->reason, sizeof(ck->reason), "init_fail");
	}
	if (vipd_script_prepare(ck->vipd->conf, c, &argv, &cred, why,
	    sizeof(why)) < 0) {
		script_broken(ck, why);
		return 0;
	}
	cmdline_join(argv, ck->cmdline, sizeof(ck->cmdline));
	ck->script = hc_script_start(ck->vipd->loop, argv, &cred,
	    c->interval_us, c->timeout_us, script_cb, ck);
	cmdline_free(argv);
	cred_free(&cred);
	if (ck->script == NULL) {
		log_warn("check %s", c->name);
		return -1;
	}
	return 0;
}

/* track_file: the value is weighed per instance in gate_inputs(). */
static void
file_cb(int64_t value, const char *reason, void *arg)
{
	struct vipd_check *ck = arg;
	bool fault, was_known = ck->known, was_ok = ck->ok;
	int64_t old = ck->fvalue;

	ck->fvalue = value;
	hc_trackfile_effect(value, ck->conf->weight,
	    ck->conf->tfile.reverse, &fault);
	ck->known = true;
	ck->ok = !fault;
	ck->cls = fault ? HC_FAILED : HC_OK;
	snprintf(ck->reason, sizeof(ck->reason), "%s", reason);
	clock_gettime(CLOCK_REALTIME, &ck->at);
	ck->runs++;
	if (was_known && old == value)
		return;
	if (was_known && was_ok == ck->ok)	/* else vipd_health_noted() says it */
		log_info("check %s: %s", ck->conf->name, reason);
	vipd_health_noted(ck, was_known, was_ok);
}

int
vipd_file_setup(struct vipd_check *ck)
{
	const struct conf_check_file *f = &ck->conf->tfile;

	ck->tfile = hc_trackfile_start(ck->vipd->loop, f->path, f->init_file,
	    f->overwrite, f->init_value, file_cb, ck);
	if (ck->tfile == NULL) {
		char why[320];

		snprintf(why, sizeof(why), "%.200s: %s", f->path,
		    strerror(errno));
		script_broken(ck, why);
	}
	return 0;
}


/* vrrp_track_process: the verdict is the quorum, delays applied. */
static void
proc_cb(bool ok, size_t count, const char *reason, void *arg)
{
	struct vipd_check *ck = arg;
	bool was_known = ck->known, was_ok = ck->ok;

	ck->pcount = count;
	ck->known = true;
	ck->ok = ok;
	ck->cls = ok ? HC_OK : HC_FAILED;
	snprintf(ck->reason, sizeof(ck->reason), "%s", reason);
	clock_gettime(CLOCK_REALTIME, &ck->at);
	ck->runs++;
	if (!ok)
		ck->failures++;
	if (was_known && was_ok == ok)
		return;
	vipd_health_noted(ck, was_known, was_ok);
}

int
vipd_proc_setup(struct vipd_check *ck)
{
	const struct conf_check_process *c = &ck->conf->process;
	struct hc_proc_spec *s = &ck->pspec;
	char why[256];

	s->name = c->name;
	s->params = c->params;
	s->params_len = c->params_len;
	s->nparams = c->nparams;
	s->match = (enum hc_proc_match_mode)c->param_match;
	s->full_command = c->full_command;
	s->quorum = c->quorum;
	s->quorum_max = c->quorum_max;
	s->fork_delay_us = c->fork_delay_us;
	s->terminate_delay_us = c->terminate_delay_us;
	ck->proc = hc_proc_start(ck->vipd->loop, s, proc_cb, ck);
	if (ck->proc == NULL) {
		snprintf(why, sizeof(why), "process events: %s%s",
		    strerror(errno), errno == ECONNREFUSED ? " (no proc "
		    "connector reachable: kernel without CONFIG_PROC_EVENTS?)" :
		    errno == EPERM ? " (vipd runs in a network namespace and "
		    "may no longer enter the initial one: restart vipd)" : "");
		script_broken(ck, why);
	}
	return 0;
}

void
vipd_proc_stop(struct vipd_check *ck)
{
	hc_proc_stop(ck->proc);
	ck->proc = NULL;
}

void
vipd_proc_json(const struct vipd_check *ck, json_t *o)
{
	if (ck->conf->type != CONF_CHECK_PROCESS)
		return;
	json_object_set_new(o, "process",
	    json_string(ck->conf->process.name));
	json_object_set_new(o, "count", json_integer((json_int_t)(ck->proc ?
	    hc_proc_count(ck->proc) : ck->pcount)));
	json_object_set_new(o, "quorum",
	    json_integer(ck->conf->process.quorum));
}
