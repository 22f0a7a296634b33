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

/* Keep cap if we have it: a unit may have taken one away already. */
static void
keep(int cap)
{
	capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
	    (unsigned)cap);
}

int
vipd_privs_drop(struct vipd *v)
{
	struct cred cred;
	bool have[64] = { false };
	bool other_user;
	char err[256];
	size_t i;

	if (geteuid() != 0)
		return 0;
	if (cred_resolve(v->conf->script_user, v->conf->script_group,
	    v->conf->enable_script_security, &cred, err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		return -1;
	}
	other_user = cred.uid != 0 || cred.gid != 0;
	/* Root scripts: take their groups now, while we still can, so
	 * that starting one needs no setgroups (see spawn_exec). */
	if (!other_user && setgroups(cred.ngroups, cred.groups) < 0)
		log_warn("setgroups for root scripts");
	cred_free(&cred);
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
	capng_clear(CAPNG_SELECT_CAPS);
	for (i = 0; i < sizeof(base_caps) / sizeof(base_caps[0]); i++)
		if (have[base_caps[i]])
			keep(base_caps[i]);
	for (i = 0; other_user && i < sizeof(switch_caps) /
	    sizeof(switch_caps[0]); i++)
		if (have[switch_caps[i]])
			keep(switch_caps[i]);
	if (capng_apply(CAPNG_SELECT_CAPS) != 0) {
		log_warnx("capabilities: cannot drop the ones not needed");
		return -1;
	}
#ifdef CAPNG_SELECT_AMBIENT
	capng_clear(CAPNG_SELECT_AMBIENT);
	capng_apply(CAPNG_SELECT_AMBIENT);
#endif
	log_info("capabilities: kept net_admin, net_raw, dac_read_search%s",
	    other_user ? ", setuid, setgid, kill (script_user)" : "");
	return 0;
}

bool
vipd_privs_can_run_as(uid_t uid)
{
	if (geteuid() != 0 || uid == 0)
		return true;
	capng_get_caps_process();
	return capng_have_capability(CAPNG_EFFECTIVE, CAP_SETUID) &&
	    capng_have_capability(CAPNG_EFFECTIVE, CAP_SETGID);
}
