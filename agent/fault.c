/* SPDX-License-Identifier: ISC */
/* Whether an instance can run: its FAULT causes, and going in or out. */

#include <stdio.h>
#include <string.h>

#include "agent/health.h"
#include "agent/iface.h"
#include "agent/instance.h"
#include "agent/sync.h"
#include "agent/vmac.h"
#include "netlink/nl.h"

/* Adverts from an address we do not have could never be sent. */
static bool
unicast_src_present(const struct vipd_instance *inst)
{
	const struct conf_instance *c = inst->conf;
	struct nl_addr a = { .family = c->family };
	bool present = false;

	memcpy(a.addr, c->unicast_src, vipd_alen(c->family));
	if (nl_addr_present(inst->vipd->nl, inst->base->ifindex, &a,
	    &present) < 0)
		return true;	/* unknown: let sending tell */
	return present;
}

const char *
vipd_instance_fault_own(struct vipd_instance *inst, char *buf, size_t len)
{
	const struct conf_instance *c = inst->conf;
	const struct vipd_iface *ifp = inst->iface;
	char abuf[INET6_ADDRSTRLEN];
	size_t k;

	const char *vmac = vipd_vmac_fault(inst->vipd, c);

	if (vmac != NULL)
		snprintf(buf, len, "use_vmac: %s", vmac);
	else if (ifp->ifindex <= 0)
		snprintf(buf, len, "interface %s not found", ifp->name);
	else if (!ifp->up && !c->dont_track_primary)
		snprintf(buf, len, "interface %s is down", ifp->name);
	else if (vipd_instance_src(inst) == NULL)
		snprintf(buf, len, "no %s address on %s", c->family ==
		    AF_INET6 ? "IPv6 link-local" : "IPv4", inst->base->name);
	else if (c->has_unicast_src && !unicast_src_present(inst))
		snprintf(buf, len, "unicast_src_ip %s is not on %s",
		    vipd_addr_str(c->family, c->unicast_src, abuf,
		    sizeof(abuf)), inst->base->name);
	else if (inst->xif->af[vipd_afi(c->family)].fd < 0)
		snprintf(buf, len, "no VRRP socket on %s", inst->xif->name);
	else {
		if (inst->tracker_fault) {
			snprintf(buf, len, "%s is failing (weight 0)",
			    inst->tracker_fault_name);
			return buf;
		}
		/* keepalived: a tracked interface of weight 0 means FAULT. */
		for (k = 0; k < c->ntrack_ifs; k++) {
			const struct vipd_iface *t = vipd_iface_find(inst->vipd,
			    c->track_ifs[k].name);

			if (c->track_ifs[k].weight == 0 && (t == NULL ||
			    !t->up)) {
				snprintf(buf, len, "tracked interface %s is "
				    "down", c->track_ifs[k].name);
				return buf;
			}
		}
		return NULL;
	}
	return buf;
}

/* Why the instance cannot run now (its own or its sync group's), or NULL. */
static const char *
fault_cause(struct vipd_instance *inst, char *buf, size_t len)
{
	const char *own = vipd_instance_fault_own(inst, buf, len);

	return own != NULL ? own : vipd_sync_fault_cause(inst, buf, len);
}

void
vipd_instance_link(struct vipd_instance *inst, uint64_t now)
{
	struct vrrp_fsm_event ev = { 0 };
	char why[96];
	const char *cause = fault_cause(inst, why, sizeof(why));

	if (cause != NULL) {
		snprintf(inst->fault_reason, sizeof(inst->fault_reason), "%s",
		    cause);
		if (inst->fsm.state == VRRP_STATE_FAULT)
			return;
		ev.type = VRRP_EV_FAULT;
		vipd_instance_fsm(inst, &ev, now, NULL);
		return;
	}
	inst->fault_reason[0] = '\0';
	/* Not before every check has given its first verdict. */
	if (!inst->health_ready)
		return;
	/* The source address may have changed while we were away. */
	memcpy(inst->fsm.cfg.primary_addr, vipd_instance_src(inst),
	    vipd_alen(inst->conf->family));
	if (inst->fsm.state == VRRP_STATE_FAULT ||
	    inst->fsm.state == VRRP_STATE_INIT) {
		ev.type = VRRP_EV_STARTUP;
		vipd_instance_fsm(inst, &ev, now, NULL);
	}
}
