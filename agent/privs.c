/* SPDX-License-Identifier: ISC */
/* Least privilege: after start-up vipd keeps only the capabilities it uses. */
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cap-ng.h>

#include "agent/privs.h"
#include "lib/cred.h"

static const int base_caps[] = { CAP_NET_ADMIN, CAP_NET_RAW,
    CAP_DAC_READ_SEARCH };
static const int switch_caps[] = { CAP_SETUID, CAP_SETGID, CAP_KILL };

/* Keep cap (if we have it: a unit may have taken one away already). */
static void
keep(int cap, bool bound)
{
	capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED |
	    (bound ? CAPNG_BOUNDING_SET : 0), (unsigned)cap);
}

/* A tracked vrrp_script with its own user (other than root). */
static bool
script_other_user(const struct conf *c)
{
	const struct conf_check *k;
	struct cred cred;
	char err[256];
	bool other;
	size_t i, t;

	for (i = 0; i < c->ninstances; i++)
		for (t = 0; t < c->instances[i].ntracks; t++) {
			k = &c->checks[c->instances[i].tracks[t].check];
			if (k->type != CONF_CHECK_SCRIPT ||
			    k->script.user[0] == '\0' ||
			    cred_resolve(k->script.user, k->script.group,
			    false, &cred, err, sizeof(err)) < 0)
				continue;	/* the tracker says why */
			other = cred.uid != 0 || cred.gid != 0;
			cred_free(&cred);
			if (other)
				return true;
		}
	return false;
}

/* Scripts vipd may start: they need root's capabilities back. */
bool
vipd_privs_has_scripts(const struct conf *c)
{
	size_t i, t;

	for (i = 0; i < c->ninstances; i++) {
		const struct conf_instance *in = &c->instances[i];

		if (in->notify_master || in->notify_backup ||
		    in->notify_fault || in->notify_stop || in->notify)
			return true;
		/* vrrp_script (track_script) runs scripts too */
		for (t = 0; t < in->ntracks; t++)
			if (c->checks[in->tracks[t].check].type ==
			    CONF_CHECK_SCRIPT)
				return true;
	}
	for (i = 0; i < c->nsync_groups; i++) {
		const struct conf_sync_group *g = &c->sync_groups[i];

		if (g->notify_master || g->notify_backup || g->notify_fault ||
		    g->notify_stop || g->notify)
			return true;
	}
	return false;
}

/* Root scripts: take their groups now, while we still can, so that
 * starting one needs no setgroups (see spawn_exec). */
static int
script_ids(const struct conf *c, bool *other_user)
{
	struct cred cred;
	char err[256];

	/* No script, no user named: no lookup (NSS modules cost memory). */
	*other_user = false;
	if (!vipd_privs_has_scripts(c) && c->script_user[0] == '\0')
		return 0;
	if (cred_resolve(c->script_user, c->script_group,
	    c->enable_script_security, &cred, err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		return -1;
	}
	*other_user = cred.uid != 0 || cred.gid != 0 || script_other_user(c);
	if (!*other_user && setgroups(cred.ngroups, cred.groups) < 0)
		log_warn("setgroups for root scripts");
	cred_free(&cred);
	return 0;
}

int
vipd_privs_drop(struct vipd *v)
{
	bool have[CAP_LAST_CAP + 1] = { false }, other_user, bound;
	capng_select_t sel = CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT;
	size_t i;

	if (geteuid() != 0)
		return 0;
	if (script_ids(v->conf, &other_user) < 0)
		return -1;
	/* Without scripts nothing needs root's capabilities back: empty
	 * the bounding set too, so nothing vipd could execute regains
	 * them. */
	bound = !vipd_privs_has_scripts(v->conf);
	if (bound)
		sel = CAPNG_SELECT_ALL;
	if (capng_get_caps_process() != 0) {
		log_warnx("capabilities: cannot read our own");
		return -1;
	}
	for (i = 0; i < sizeof(base_caps) / sizeof(base_caps[0]); i++)
		have[base_caps[i]] = capng_have_capability(CAPNG_PERMITTED,
		    (unsigned)base_caps[i]);
	for (i = 0; i < sizeof(switch_caps) / sizeof(switch_caps[0]); i++)
		have[switch_caps[i]] = capng_have_capability(CAPNG_PERMITTED,
		    (unsigned)switch_caps[i]);
	capng_clear(sel);
	for (i = 0; i < sizeof(base_caps) / sizeof(base_caps[0]); i++)
		if (have[base_caps[i]])
			keep(base_caps[i], bound);
	for (i = 0; other_user && i < sizeof(switch_caps) /
	    sizeof(switch_caps[0]); i++)
		if (have[switch_caps[i]])
			keep(switch_caps[i], bound);
	if (capng_apply(sel) != 0) {
		log_warnx("capabilities: cannot drop the ones not needed");
		return -1;
	}
	v->bounding_dropped = bound;
	log_info("capabilities: kept net_admin, net_raw, dac_read_search%s%s",
	    other_user ? ", setuid, setgid, kill (script_user)" : "",
	    bound ? "; bounding set too (no scripts)" : "");
	return 0;
}

/* Our ids and supplementary groups are c's already. */
static bool
same_ids(const struct cred *c)
{
	gid_t g[256];
	int n = getgroups(256, g), i;
	size_t k;

	if (c->uid != getuid() || c->gid != getgid() || n < 0 ||
	    (size_t)n != c->ngroups)
		return false;
	for (i = 0; i < n; i++) {
		for (k = 0; k < c->ngroups && c->groups[k] != g[i]; k++)
			;
		if (k == c->ngroups)
			return false;
	}
	return true;
}

const char *
vipd_privs_reload_check(const struct vipd *v, const struct conf *c,
    const struct cred *cred)
{
	if (geteuid() != 0)
		return NULL;
	if (v->bounding_dropped && vipd_privs_has_scripts(c))
		return "notify scripts are configured now, and vipd, started "
		    "without any, gave up the capabilities they would need: "
		    "restart vipd instead";
	if (!vipd_privs_has_scripts(c) || same_ids(cred))
		return NULL;
	capng_get_caps_process();
	if (!capng_have_capability(CAPNG_EFFECTIVE, CAP_SETUID) ||
	    !capng_have_capability(CAPNG_EFFECTIVE, CAP_SETGID))
		return "script_user or script_group now names other ids "
		    "than root's, and vipd gave up the capabilities to switch "
		    "to them at start-up: restart vipd instead";
	return NULL;
}
