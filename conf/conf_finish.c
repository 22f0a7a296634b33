/* SPDX-License-Identifier: ISC */
/* The rules that need the whole file: each instance, then across them all. */

#include <sys/socket.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"
#include "conf/conf_lex.h"

static const char *
family_name(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

static void
finish_advert(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi)
{
	uint64_t us = pi->advert_us;

	if (in->version == 2 && (us % 1000000 != 0 || us < 1000000 ||
	    us > 255000000))
		conf_perr_at(p, pi->advert.file, pi->advert.line, "advert_int: "
		    "\"%s\" must be a whole number of seconds in 1..255 with "
		    "VRRPv2", pi->advert_raw);
	else if (in->version == 3 && (us % 10000 != 0 || us < 10000 ||
	    us > 40950000))
		conf_perr_at(p, pi->advert.file, pi->advert.line, "advert_int: "
		    "\"%s\" must be a multiple of 0.01 in 0.01..40.95 with "
		    "VRRPv3", pi->advert_raw);
	else
		in->advert_int_cs = (uint32_t)(us / 10000);
}

static void
finish_auth(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi)
{
	const struct conf_where *a = &pi->auth;

	if (a->line == 0)
		return;
	if (pi->seen_auth[CONF_AK_TYPE].line == 0)
		conf_perr_at(p, a->file, a->line, "authentication: missing "
		    "required keyword \"auth_type\"");
	else if (!pi->auth_bad && pi->seen_auth[CONF_AK_PASS].line == 0)
		conf_perr_at(p, a->file, a->line, "authentication: missing "
		    "required keyword \"auth_pass\"");
	if (in->version == 3) {
		conf_pwarn_at(p, a->file, a->line, "authentication is ignored "
		    "with VRRPv3 (as keepalived does)");
		in->auth_type = CONF_AUTH_NONE;
		memset(in->auth_pass, 0, sizeof(in->auth_pass));
	}
}

/*
 * keepalived 2.2.7 derives a missing state from the priority (255: MASTER)
 * and a missing priority from the state (MASTER: 255).  The second would
 * make the instance the address owner, whose health checks change nothing:
 * vipd keeps 100 there and says so.
 */
static void
finish_owner(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi)
{
	const struct conf_where *st = &pi->seen[CONF_IK_STATE];
	char r[CONF_REPR_MAX];

	if (pi->seen[CONF_IK_PRIORITY].line == 0 &&
	    in->init_state == CONF_STATE_MASTER)
		conf_pwarn_at(p, st->file, st->line, "vrrp_instance %s: state "
		    "MASTER without priority: keepalived would make it the "
		    "address owner (255), whose health checks change nothing; "
		    "vipd uses 100 (give the priority you mean)",
		    CONF_REPR(r, in->name));
	else if (st->line == 0 && in->priority == 255)
		in->init_state = CONF_STATE_MASTER;
}

/* keepalived 2.2.7 drops these combinations with a warning; so do we. */
static void
finish_preempt(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi)
{
	const struct conf_where *np = &pi->seen[CONF_IK_NOPREEMPT];
	const struct conf_where *pd = &pi->seen[CONF_IK_PREEMPT_DELAY];

	if (in->nopreempt && in->priority == 255)
		conf_pwarn_at(p, np->file, np->line, "nopreempt is ignored "
		    "with priority 255 (as keepalived does)");
	else if (in->nopreempt && in->init_state == CONF_STATE_MASTER)
		conf_pwarn_at(p, np->file, np->line, "nopreempt is ignored "
		    "with state MASTER (as keepalived does)");
	if (in->nopreempt && (in->priority == 255 ||
	    in->init_state == CONF_STATE_MASTER))
		in->nopreempt = false;
	if (in->preempt_delay_ms != 0 && in->init_state == CONF_STATE_MASTER) {
		conf_pwarn_at(p, pd->file, pd->line, "preempt_delay is ignored "
		    "with state MASTER (as keepalived does)");
		in->preempt_delay_ms = 0;
	}
}

/* keepalived 2.2.7 warns about an instance without VIPs, unless v3/strict. */
static void
finish_no_vips(struct conf_parser *p, struct conf_instance *in,
    struct conf_pinst *pi)
{
	const struct conf_where *w = &pi->seen[CONF_IK_VIPS];
	const char *file = w->line ? w->file : in->file;
	int line = w->line ? w->line : in->line;
	char r[CONF_REPR_MAX];

	if (in->nvips > 0 || (w->line != 0 && pi->vip_lines > 0))
		return;
	CONF_REPR(r, in->name);
	in->family = AF_INET;	/* keepalived's default without VIPs */
	if (in->version == 3 || in->strict)
		conf_perr_at(p, file, line, "vrrp_instance %s: no "
		    "virtual_ipaddress (at least one is required with %s)", r,
		    in->strict ? "vrrp_strict" : "VRRPv3");
	else {
		/* vipd's adverts carry at least one address (vrrp/pkt.c). */
		conf_pwarn_at(p, file, line, "vrrp_instance %s: no "
		    "virtual_ipaddress; keepalived warns and runs it moving "
		    "nothing, vipd leaves the instance out", r);
		pi->drop = true;
	}
}

static void
finish_instance(struct conf_parser *p, struct conf_instance *in,
    struct conf_pinst *pi)
{
	static const int required[] = { CONF_IK_INTERFACE, CONF_IK_VRID };
	static const char *const names[] = { "interface",
	    "virtual_router_id" };
	char r[CONF_REPR_MAX];
	size_t i;

	CONF_REPR(r, in->name);
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (pi->seen[required[i]].line == 0)
			conf_perr_at(p, in->file, in->line, "vrrp_instance %s: "
			    "missing required keyword \"%s\"", r, names[i]);
	if (in->nvips > 0 && in->family == AF_INET6) {
		if (pi->version.line != 0 && in->version == 2)
			conf_perr_at(p, pi->version.file, pi->version.line,
			    "version 2 cannot be used with IPv6 addresses "
			    "(VRRPv2 is IPv4 only)");
		in->version = 3;
	} else if (pi->version.line == 0) {
		in->version = p->conf->vrrp_version;
	}
	finish_advert(p, in, pi);
	finish_auth(p, in, pi);
	finish_owner(p, in, pi);
	finish_preempt(p, in, pi);
	conf_inherit_finish(p, in, pi);
	conf_sys_finish_instance(p, in, pi);
	finish_no_vips(p, in, pi);
	conf_addr_finish(p, in, pi);
}

/* Two instances may not share a VRID on one interface and family. */
static void
finish_unique(struct conf_parser *p)
{
	const struct conf *c = p->conf;
	const struct conf_instance *a, *b;
	char ra[CONF_REPR_MAX], rb[CONF_REPR_MAX];
	size_t i, j;

	for (i = 1; i < c->ninstances; i++) {
		b = &c->instances[i];
		for (j = 0; j < i && b->vrid != 0 && b->nvips > 0 &&
		    b->interface[0] != '\0'; j++) {
			a = &c->instances[j];
			if (a->vrid != b->vrid || a->family != b->family ||
			    a->nvips == 0 || strcmp(a->interface, b->interface))
				continue;
			conf_perr_at(p, b->file, b->line, "vrrp_instance %s: "
			    "virtual_router_id %u on %s (%s) is already used "
			    "by vrrp_instance %s (%s:%d)",
			    CONF_REPR(rb, b->name), b->vrid, b->interface,
			    family_name(b->family),
			    CONF_REPR(ra, a->name), a->file, a->line);
			break;
		}
	}
}

/* Leave out the instances finish_instance() marked (keeping the order). */
static void
drop_instances(struct conf_parser *p)
{
	struct conf *c = p->conf;
	size_t i, n = 0;

	for (i = 0; i < c->ninstances; i++) {
		if (p->pinst[i].drop) {
			conf_instance_free(&c->instances[i]);
			free(p->pinst[i].ptracks);
			free(p->pinst[i].xtracks);
			continue;
		}
		c->instances[n] = c->instances[i];
		p->pinst[n++] = p->pinst[i];
	}
	c->ninstances = n;
}

void
conf_finish(struct conf_parser *p, const char *file)
{
	const struct conf_frame *f = &p->stack[p->depth];
	size_t i;

	if (p->skip > 0)
		conf_perr_at(p, p->skip_at.at.file, p->skip_at.at.line,
		    "%s%s%sblock is not closed at the end of the file",
		    p->skip_kw[0] ? "\"" : "", p->skip_kw,
		    p->skip_kw[0] ? "\" " : "");
	else if (p->depth > 0)
		conf_perr_at(p, f->at.file, f->at.line, "\"%s\" block is not "
		    "closed at the end of the file", conf_kw_blk_name(f->kind));
	conf_inherit_finish_globals(p);
	conf_sys_finish_globals(p);
	for (i = 0; i < p->conf->ninstances; i++)
		finish_instance(p, &p->conf->instances[i], &p->pinst[i]);
	drop_instances(p);
	finish_unique(p);
	conf_vmac_finish(p);
	conf_sys_finish_vips(p);
	conf_checks_finish(p);
	conf_track_finish(p);
	conf_sync_finish(p);
	if (p->conf->ninstances == 0 && p->nerrors == 0)
		conf_pwarn_at(p, file, 0, "no vrrp_instance defined");
}
