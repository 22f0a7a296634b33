/* SPDX-License-Identifier: ISC */
/* use_vmac and vmac_xmit_base: the instance's macvlan with the VRRP virtual MAC. */
#include <sys/socket.h>

#include <stdio.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"

/* What the kernel takes as a link name (dev_valid_name()). */
static bool
valid_ifname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= CONF_IFNAME_MAX || !strcmp(s, ".") ||
	    !strcmp(s, ".."))
		return false;
	return strcspn(s, "/: \t\n\v\f\r") == n;
}

int
conf_vmac_kw(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_instance *in = conf_cur_inst(p);
	char r[CONF_REPR_MAX];

	if (!strcmp(st->argv[0], "vmac_xmit_base")) {
		in->vmac_xmit_base = true;
		return 0;
	}
	in->use_vmac = true;
	if (st->argc < 2)
		return 0;
	/* keepalived 2.2.7 also takes a MAC address, in either place. */
	if (st->argc > 2 || strchr(st->argv[1], ':') != NULL) {
		conf_perr(p, "use_vmac: a MAC address other than the VRRP "
		    "virtual MAC (00:00:5e:00:01:VRID) is not supported");
		return 0;
	}
	if (!valid_ifname(st->argv[1])) {
		conf_perr(p, "use_vmac: %s is not a valid interface name",
		    CONF_REPR(r, st->argv[1]));
		return 0;
	}
	snprintf(in->vmac_name, sizeof(in->vmac_name), "%s", st->argv[1]);
	return 0;
}

/*
 * Whether name is the interface of any instance, or the VMAC of another
 * (with earlier, only of one before self: a clash is reported once).
 */
static bool
name_taken(const struct conf *c, const struct conf_instance *self,
    const char *name, bool earlier)
{
	bool vmacs = true;
	size_t i;

	for (i = 0; i < c->ninstances; i++) {
		const struct conf_instance *o = &c->instances[i];

		if (!strcmp(o->interface, name))
			return true;
		if (o == self)
			vmacs = !earlier;
		else if (vmacs && o->use_vmac && !strcmp(o->vmac_name, name))
			return true;
	}
	return false;
}

/*
 * keepalived's default: vrrp.VRID; when that is taken, an IPv6 instance
 * tries vrrp6.VRID first, then vrrp1.VRID, vrrp2.VRID ...
 */
static void
default_name(const struct conf *c, struct conf_instance *in)
{
	char name[32];
	int num = 0, tries;

	snprintf(name, sizeof(name), "vrrp.%u", in->vrid);
	for (tries = 0; tries < 100 && name_taken(c, in, name, false); tries++) {
		if (in->family == AF_INET6 && (num == 0 || num == 6))
			num = num == 0 ? 6 : 1;
		else
			num += num == 5 && in->family == AF_INET6 ? 2 : 1;
		snprintf(name, sizeof(name), "vrrp%d.%u", num, in->vrid);
	}
	/* At most "vrrp100.255": always fits. */
	snprintf(in->vmac_name, sizeof(in->vmac_name), "%.15s", name);
}

static void
finish_one(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi)
{
	const struct conf_where *u = &pi->seen[CONF_IK_USE_VMAC];
	const struct conf_where *x = &pi->seen[CONF_IK_VMAC_XMIT_BASE];
	char r[CONF_REPR_MAX];

	if (!in->use_vmac) {
		if (x->line != 0)
			conf_pwarn_at(p, x->file, x->line, "vmac_xmit_base "
			    "has no effect without use_vmac");
		in->vmac_xmit_base = false;
		return;
	}
	if (in->vmac_name[0] == '\0')
		default_name(p->conf, in);
	else if (name_taken(p->conf, in, in->vmac_name, true))
		conf_perr_at(p, u->file, u->line, "use_vmac: %s is already "
		    "an interface or virtual MAC interface of this file",
		    CONF_REPR(r, in->vmac_name));
	if (in->unicast && !in->vmac_xmit_base) {
		/* Unicast adverts arrive at the interface's own address. */
		conf_pwarn_at(p, u->file, u->line, "use_vmac with unicast_peer "
		    "needs vmac_xmit_base: adverts are sent and received on "
		    "%s", in->interface);
		in->vmac_xmit_base = true;
	}
	if (in->strict && in->vmac_xmit_base) {
		conf_pwarn_at(p, x->line ? x->file : u->file,
		    x->line ? x->line : u->line, "vmac_xmit_base is "
		    "incompatible with strict mode: adverts are sent from %s",
		    in->vmac_name);
		in->vmac_xmit_base = false;
	}
}

void
conf_vmac_finish(struct conf_parser *p)
{
	size_t i;

	for (i = 0; i < p->conf->ninstances; i++)
		finish_one(p, &p->conf->instances[i], &p->pinst[i]);
}
