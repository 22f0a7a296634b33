/* SPDX-License-Identifier: ISC */
/* What an instance inherits from global_defs: vrrp_X there is X's default. */

#include <stddef.h>
#include <stdbool.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"
#include "conf/conf_lex.h"

/* "version" and "vrrp_version": 2 or 3. */
int
conf_inherit_version(struct conf_parser *p, const struct conf_stmt *st,
    uint8_t *out)
{
	char r[CONF_REPR_MAX];

	if (strcmp(st->argv[1], "2") != 0 && strcmp(st->argv[1], "3") != 0) {
		conf_perr(p, "%s: \"%s\" must be 2 or 3", st->argv[0],
		    CONF_REPR(r, st->argv[1]));
		return -1;
	}
	*out = (uint8_t)(st->argv[1][0] - '0');
	return 0;
}

/* GARP and advert settings: global defaults, instance values ----------- */

/*
 * "vrrp_X" in global_defs is the default of "X" in vrrp_instance.  The
 * lower_prio pair defaults to the master pair, as in keepalived; the order
 * below resolves the master pair first.
 */
static const struct garp_field {
	const char *name;
	size_t off_conf, off_inst;
	uint32_t lo, hi;
	int ik, gk;
	int falls_back;		/* index of the default; -1: the global */
} garp_fields[] = {
	{ "garp_master_delay", offsetof(struct conf, garp_master_delay_s),
	    offsetof(struct conf_instance, garp_master_delay_s), 0, 1000,
	    CONF_IK_GARP_MASTER_DELAY, CONF_GK_GARP_MASTER_DELAY, -1 },
	{ "garp_master_repeat", offsetof(struct conf, garp_master_repeat),
	    offsetof(struct conf_instance, garp_master_repeat), 1, 255,
	    CONF_IK_GARP_MASTER_REPEAT, CONF_GK_GARP_MASTER_REPEAT, -1 },
	{ "garp_master_refresh", offsetof(struct conf, garp_master_refresh_s),
	    offsetof(struct conf_instance, garp_master_refresh_s), 0, 86400,
	    CONF_IK_GARP_MASTER_REFRESH, CONF_GK_GARP_MASTER_REFRESH, -1 },
	{ "garp_master_refresh_repeat",
	    offsetof(struct conf, garp_master_refresh_repeat),
	    offsetof(struct conf_instance, garp_master_refresh_repeat), 1, 255,
	    CONF_IK_GARP_MASTER_REFRESH_REPEAT,
	    CONF_GK_GARP_MASTER_REFRESH_REPEAT, -1 },
	{ "garp_lower_prio_delay",
	    offsetof(struct conf, garp_lower_prio_delay_s),
	    offsetof(struct conf_instance, garp_lower_prio_delay_s), 0, 1000,
	    CONF_IK_GARP_LOWER_PRIO_DELAY, CONF_GK_GARP_LOWER_PRIO_DELAY, 0 },
	{ "garp_lower_prio_repeat",
	    offsetof(struct conf, garp_lower_prio_repeat),
	    offsetof(struct conf_instance, garp_lower_prio_repeat), 1, 255,
	    CONF_IK_GARP_LOWER_PRIO_REPEAT, CONF_GK_GARP_LOWER_PRIO_REPEAT, 1 },
	/* Not a GARP setting, but the same global-default pattern; the
	 * range is keepalived's for startup_script_timeout. */
	{ "notify_script_timeout",
	    offsetof(struct conf, notify_script_timeout_s),
	    offsetof(struct conf_instance, notify_script_timeout_s), 1, 1000,
	    CONF_IK_NOTIFY_SCRIPT_TIMEOUT, CONF_GK_NOTIFY_SCRIPT_TIMEOUT, -1 },
};
#define NGARP	(sizeof(garp_fields) / sizeof(garp_fields[0]))

static const struct flag_field {
	const char *name;
	size_t off_conf, off_inst;
	int ik, gk;
} flag_fields[] = {
	{ "lower_prio_no_advert", offsetof(struct conf, lower_prio_no_advert),
	    offsetof(struct conf_instance, lower_prio_no_advert),
	    CONF_IK_LOWER_PRIO_NO_ADVERT, CONF_GK_LOWER_PRIO_NO_ADVERT },
	{ "higher_prio_send_advert",
	    offsetof(struct conf, higher_prio_send_advert),
	    offsetof(struct conf_instance, higher_prio_send_advert),
	    CONF_IK_HIGHER_PRIO_SEND_ADVERT, CONF_GK_HIGHER_PRIO_SEND_ADVERT },
};
#define NFLAG	(sizeof(flag_fields) / sizeof(flag_fields[0]))

/* The struct a keyword writes: global_defs' "vrrp_" forms, or the instance. */
static char *
field_base(struct conf_parser *p, const char **name)
{
	if (strncmp(*name, "vrrp_", 5) != 0)
		return (char *)conf_cur_inst(p);
	*name += 5;
	return (char *)p->conf;
}

int
conf_inherit_kw_garp(struct conf_parser *p, const struct conf_stmt *st)
{
	const char *name = st->argv[0];
	char *base = field_base(p, &name);
	bool global = base == (char *)p->conf;
	uint32_t v;
	size_t i;

	for (i = 0; i < NGARP && strcmp(garp_fields[i].name, name); i++)
		;
	if (i < NGARP && conf_val_uint(p, st->argv[0], st->argv[1],
	    garp_fields[i].lo, garp_fields[i].hi, &v) == 0)
		*(uint32_t *)(base + (global ? garp_fields[i].off_conf :
		    garp_fields[i].off_inst)) = v;
	return 0;
}

int
conf_inherit_kw_flag(struct conf_parser *p, const struct conf_stmt *st)
{
	const char *name = st->argv[0];
	char *base = field_base(p, &name);
	bool global = base == (char *)p->conf, v;
	size_t i;

	for (i = 0; i < NFLAG && strcmp(flag_fields[i].name, name); i++)
		;
	if (i < NFLAG && conf_val_bool(p, st->argv[0], st->argc > 1 ?
	    st->argv[1] : NULL, &v) == 0)
		*(bool *)(base + (global ? flag_fields[i].off_conf :
		    flag_fields[i].off_inst)) = v;
	return 0;
}

void
conf_inherit_finish_globals(struct conf_parser *p)
{
	const struct garp_field *f;
	char *c = (char *)p->conf;
	size_t i;

	for (i = 0; i < NGARP; i++) {
		f = &garp_fields[i];
		if (f->falls_back >= 0 && p->seen_global[f->gk].line == 0)
			*(uint32_t *)(c + f->off_conf) = *(uint32_t *)(c +
			    garp_fields[f->falls_back].off_conf);
	}
}

void
conf_inherit_finish(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi)
{
	const struct garp_field *f;
	char *c = (char *)p->conf, *b = (char *)in;
	size_t i;

	for (i = 0; i < NGARP; i++) {
		f = &garp_fields[i];
		if (pi->seen[f->ik].line != 0)
			continue;
		if (f->falls_back >= 0 && p->seen_global[f->gk].line == 0)
			*(uint32_t *)(b + f->off_inst) = *(uint32_t *)(b +
			    garp_fields[f->falls_back].off_inst);
		else
			*(uint32_t *)(b + f->off_inst) = *(uint32_t *)(c +
			    f->off_conf);
	}
	for (i = 0; i < NFLAG; i++)
		if (pi->seen[flag_fields[i].ik].line == 0)
			*(bool *)(b + flag_fields[i].off_inst) = *(bool *)(c +
			    flag_fields[i].off_conf);
}

/* vipd always checks that a unicast advert comes from a unicast_peer. */
int
conf_inherit_kw_unicast_src(struct conf_parser *p,
    const struct conf_stmt *st)
{
	bool on = true;

	if (st->argc > 1 && conf_val_bool(p, st->argv[0], st->argv[1],
	    &on) == 0 && !on)
		conf_pwarn(p, "%s off is ignored: vipd always drops unicast "
		    "adverts that do not come from a unicast_peer", st->argv[0]);
	return 0;
}

