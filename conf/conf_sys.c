/* SPDX-License-Identifier: ISC */
/*
 * keepalived keywords about the daemon itself (scheduling, memory, start
 * delay, umask, multicast groups, strict mode), keepalived's instance
 * aliases, and the checks across instances.
 */

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"
#include "conf/conf_lex.h"

void
conf_sys_init(struct conf *c)
{
	c->rt_priority = CONF_RT_PRIORITY_DEFAULT;
	c->lock_memory = true;
}

/* vrrp_mcast_group4/6: only the IANA groups, which vipd always uses. */
static void
kw_mcast(struct conf_parser *p, const struct conf_stmt *st, int family)
{
	const char *want = family == AF_INET ? "224.0.0.18" : "ff02::12";
	uint8_t a[16], w[16];
	char r[CONF_REPR_MAX];
	bool mc;

	if (inet_pton(family, st->argv[1], a) != 1) {
		conf_perr(p, "%s: \"%s\" is not an %s address", st->argv[0],
		    CONF_REPR(r, st->argv[1]), family == AF_INET ? "IPv4" :
		    "IPv6");
		return;
	}
	mc = family == AF_INET ? (a[0] & 0xf0) == 0xe0 : a[0] == 0xff;
	inet_pton(family, want, w);
	if (!mc)
		conf_perr(p, "%s: \"%s\" is not a multicast address",
		    st->argv[0], CONF_REPR(r, st->argv[1]));
	else if (memcmp(a, w, family == AF_INET ? 4 : 16) != 0)
		conf_perr(p, "%s: \"%s\" (a VRRP group other than %s) is not "
		    "supported yet by vipd", st->argv[0],
		    CONF_REPR(r, st->argv[1]), want);
}

/* umask NUMBER (decimal, 0octal or 0xhex) or BITS (IWGRP|IWOTH). */
static void
kw_umask(struct conf_parser *p, const struct conf_stmt *st)
{
	static const char *const bits[] = { "IXOTH", "IWOTH", "IROTH",
	    "IXGRP", "IWGRP", "IRGRP", "IXUSR", "IWUSR", "IRUSR" };
	const char *s = st->argv[1];
	char r[CONF_REPR_MAX], *e;
	unsigned long v = 0;
	size_t i, n;

	if (s[0] >= '0' && s[0] <= '9') {
		v = strtoul(s, &e, 0);
		if (*e != '\0' || v > 0777)
			goto bad;
	} else {
		while (*s != '\0') {
			n = strcspn(s, "|");
			for (i = 0; i < 9; i++)
				if (n == 5 && !strncmp(s, bits[i], 5))
					break;
			if (i == 9)
				goto bad;
			v |= 1ul << i;
			s += n + (s[n] == '|');
		}
	}
	p->conf->umask = (uint32_t)v;
	p->conf->has_umask = true;
	return;
bad:
	conf_perr(p, "umask: \"%s\" must be a number up to 0777 or bits such "
	    "as IWGRP|IWOTH", CONF_REPR(r, st->argv[1]));
}

static void
kw_rttime(struct conf_parser *p, const struct conf_stmt *st)
{
	uint32_t v;

	if (!strcmp(st->argv[0], "vrrp_rlimit_rtime"))
		conf_pwarn(p, "vrrp_rlimit_rtime is keepalived's old name of "
		    "vrrp_rlimit_rttime");
	if (conf_val_uint(p, st->argv[0], st->argv[1], 2, UINT32_MAX,
	    &v) == 0)
		p->conf->rlimit_rttime_us = v;
}

/*
 * max_auto_priority [N]: keepalived raises itself to real time when late,
 * up to N.  vipd runs at real time from the start, so N caps its priority;
 * 0 or -1 keeps it off real time.  vrrp_rt_priority, if given, wins.
 */
static void
kw_max_auto(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf *c = p->conf;
	int v = 99;

	if (st->argc > 1 && conf_val_int(p, st->argv[0], st->argv[1], -1, 99,
	    &v) < 0)
		return;
	if (p->seen_global[CONF_GK_RT_PRIORITY].line != 0)
		return;
	if (v <= 0)
		c->rt_priority = 0;
	else if (v < c->rt_priority)
		c->rt_priority = (uint8_t)v;
}

/* notify_fifo / vrrp_notify_fifo PATH [user [group]] */
static void
kw_fifo(struct conf_parser *p, const struct conf_stmt *st)
{
	const char *kw = st->argv[0];
	struct conf_fifo *f = &p->conf->fifo[kw[0] == 'v'];

	if (conf_val_path(p, kw, st->argv[1], f->path, sizeof(f->path)) < 0 ||
	    (st->argc > 2 && conf_val_name(p, kw, st->argv[2], f->user,
	    sizeof(f->user)) < 0) || (st->argc > 3 && conf_val_name(p, kw,
	    st->argv[3], f->group, sizeof(f->group)) < 0))
		memset(f, 0, sizeof(*f));
}

/* notify_fifo_script / vrrp_notify_fifo_script CMD [user [group]] */
static void
kw_fifo_script(struct conf_parser *p, const struct conf_stmt *st)
{
	const char *kw = st->argv[0], *s = st->argv[1];
	struct conf_fifo *f = &p->conf->fifo[kw[0] == 'v'];
	char r[CONF_REPR_MAX];

	s += strspn(s, " \t");
	if (*s == '\0' || strlen(s) >= sizeof(f->script) || (s[0] != '/' &&
	    memchr(s, '/', strcspn(s, " \t")) != NULL)) {
		conf_perr(p, "%s: \"%s\" must be an absolute path or a bare name "
		    "to look up on PATH", kw, CONF_REPR(r, st->argv[1]));
		return;
	}
	if ((st->argc > 2 && conf_val_name(p, kw, st->argv[2], f->script_user,
	    sizeof(f->script_user)) < 0) || (st->argc > 3 && conf_val_name(p,
	    kw, st->argv[3], f->script_group, sizeof(f->script_group)) < 0)) {
		f->script_user[0] = f->script_group[0] = '\0';
		return;
	}
	memcpy(f->script, s, strlen(s) + 1);
}

/* The FIFO readers run as script_user, like every script of vipd. */
void
conf_sys_finish_globals(struct conf_parser *p)
{
	struct conf *c = p->conf;
	const char *want = c->script_user[0] ? c->script_user : "root";
	int k;

	for (k = 0; k < 2; k++) {
		struct conf_fifo *f = &c->fifo[k];

		if (f->script[0] != '\0' && f->path[0] == '\0')
			conf_perr_at(p, c->files[0], 0, "%s_script without %s",
			    k ? "vrrp_notify_fifo" : "notify_fifo",
			    k ? "vrrp_notify_fifo" : "notify_fifo");
		if (f->script_user[0] == '\0' || (!strcmp(f->script_user,
		    want) && (f->script_group[0] == '\0' ||
		    !strcmp(f->script_group, c->script_group))))
			continue;
		conf_perr_at(p, c->files[0], 0, "%snotify_fifo_script: running "
		    "it as %s is not supported yet by vipd: scripts run as "
		    "script_user (%s)", k ? "vrrp_" : "", f->script_user, want);
	}
}

int
conf_sys_kw_global(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf *c = p->conf;
	const char *kw = st->argv[0];
	uint32_t v;
	int n;

	if (!strcmp(kw, "vrrp_mcast_group4"))
		kw_mcast(p, st, AF_INET);
	else if (!strcmp(kw, "vrrp_mcast_group6"))
		kw_mcast(p, st, AF_INET6);
	else if (!strcmp(kw, "vrrp_strict"))
		c->strict = true;
	else if (!strcmp(kw, "vrrp_priority")) {
		if (conf_val_int(p, kw, st->argv[1], -20, 19, &n) == 0) {
			c->nice = n;
			c->has_nice = true;
		}
	} else if (!strcmp(kw, "vrrp_no_swap"))
		conf_val_bool(p, kw, st->argc > 1 ? st->argv[1] : NULL,
		    &c->lock_memory);
	else if (!strcmp(kw, "vrrp_rt_priority")) {
		if (conf_val_uint(p, kw, st->argv[1], 1, 99, &v) == 0)
			c->rt_priority = (uint8_t)v;
	} else if (!strcmp(kw, "max_auto_priority"))
		kw_max_auto(p, st);
	else if (!strncmp(kw, "vrrp_rlimit_rt", 14))
		kw_rttime(p, st);
	else if (!strcmp(kw, "vrrp_startup_delay"))
		conf_val_seconds(p, kw, st->argv[1], 0, 3600000000u,
		    &c->startup_delay_us);
	else if (!strcmp(kw, "umask"))
		kw_umask(p, st);
	else if (!strcmp(kw, "notify_fifo") || !strcmp(kw, "vrrp_notify_fifo"))
		kw_fifo(p, st);
	else if (strstr(kw, "notify_fifo_script") != NULL)
		kw_fifo_script(p, st);
	return 0;
}

int
conf_sys_kw_instance(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_instance *in = conf_cur_inst(p);
	const char *kw = st->argv[0];

	if (!strcmp(kw, "mcast_src_ip"))
		return conf_addr_kw_unicast_src(p, st);
	if (!strcmp(kw, "preempt"))
		in->nopreempt = false;	/* keepalived: undoes nopreempt */
	else if (!strcmp(kw, "strict_mode"))
		conf_val_bool(p, kw, st->argc > 1 ? st->argv[1] : NULL,
		    &in->strict);
	else if (!strcmp(kw, "accept"))
		in->accept = true;
	return 0;
}

/*
 * A notify script: one word, quoted if it has arguments, then optionally
 * the user and group to run it as (keepalived's notify forms).  The first
 * word is an absolute path, or a bare name that the daemon looks up on PATH
 * as keepalived does; the daemon splits the command.
 */
int
conf_sys_kw_notify(struct conf_parser *p, const struct conf_stmt *st)
{
	struct conf_instance *in = conf_cur_inst(p);
	struct conf_pinst *pi = conf_cur_pinst(p);
	const char *kw = st->argv[0], *s = st->argv[1];
	int k = !strcmp(kw, "notify_master") ? 0 :
	    !strcmp(kw, "notify_backup") ? 1 : !strcmp(kw, "notify_fault") ?
	    2 : !strcmp(kw, "notify_stop") ? 3 : 4;
	char **dsts[5] = { &in->notify_master, &in->notify_backup,
	    &in->notify_fault, &in->notify_stop, &in->notify };
	char r[CONF_REPR_MAX];
	size_t n;

	s += strspn(s, " \t");
	if (*s == '\0') {
		conf_perr(p, "%s: empty command", kw);
		return 0;
	}
	n = strcspn(s, " \t");
	if ((s[0] == '\'' || s[0] == '"') && s[1] != '/') {
		conf_perr(p, "%s: \"%s\": a quoted script name must be an "
		    "absolute path", kw, CONF_REPR(r, st->argv[1]));
		return 0;
	}
	if (s[0] != '/' && s[0] != '\'' && s[0] != '"' &&
	    memchr(s, '/', n) != NULL) {
		conf_perr(p, "%s: \"%s\" is a relative path (give an absolute "
		    "one, or a bare name to look up on PATH)", kw,
		    CONF_REPR(r, st->argv[1]));
		return 0;
	}
	pi->notify_at[k] = (struct conf_where){ p->file, st->line };
	if (st->argc > 2 && (conf_val_name(p, kw, st->argv[2],
	    pi->notify_user[k], CONF_NAME_MAX) < 0 || (st->argc > 3 &&
	    conf_val_name(p, kw, st->argv[3], pi->notify_group[k],
	    CONF_NAME_MAX) < 0))) {
		pi->notify_user[k][0] = pi->notify_group[k][0] = '\0';
		return 0;
	}
	if ((*dsts[k] = strdup(st->argv[1])) == NULL)
		conf_perr(p, "out of memory");
	return 0;
}

/* What keepalived's strict mode forbids, as errors (vipd cannot drop). */
static void
finish_strict(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi)
{
	const struct conf_where *w;
	char r[CONF_REPR_MAX];

	CONF_REPR(r, in->name);
	if (in->auth_type != CONF_AUTH_NONE)
		conf_perr_at(p, pi->auth.file, pi->auth.line, "vrrp_instance "
		    "%s: strict mode forbids authentication", r);
	if (pi->peer_lines > 0)
		conf_perr_at(p, pi->peers_at.file, pi->peers_at.line,
		    "vrrp_instance %s: strict mode forbids unicast_peer", r);
	if (!in->accept && in->priority != 255)
		conf_perr_at(p, in->file, in->line, "vrrp_instance %s: strict "
		    "mode without \"accept\" drops all traffic to the VIP in "
		    "keepalived (no_accept); vipd always accepts it, which mail "
		    "needs: add \"accept\" to the instance", r);
	if ((in->init_state == CONF_STATE_MASTER) != (in->priority == 255))
		conf_perr_at(p, in->file, in->line, "vrrp_instance %s: strict "
		    "mode requires state MASTER exactly with priority 255", r);
	w = &pi->seen[CONF_IK_HIGHER_PRIO_SEND_ADVERT];
	if (in->higher_prio_send_advert)
		conf_perr_at(p, w->line ? w->file : in->file,
		    w->line ? w->line : in->line, "vrrp_instance %s: strict "
		    "mode forbids higher_prio_send_advert", r);
	w = &pi->seen[CONF_IK_LOWER_PRIO_NO_ADVERT];
	if (w->line != 0 && !in->lower_prio_no_advert)
		conf_perr_at(p, w->file, w->line, "vrrp_instance %s: strict "
		    "mode requires lower_prio_no_advert", r);
	in->lower_prio_no_advert = true;
}

/*
 * "notify_master CMD USER [GROUP]": vipd runs every notify script with one
 * set of credentials (script_user), so a user per script is taken only if
 * it is that one.
 */
static void
finish_notify_users(struct conf_parser *p, const struct conf_pinst *pi)
{
	static const char *const kw[5] = { "notify_master", "notify_backup",
	    "notify_fault", "notify_stop", "notify" };
	const struct conf *c = p->conf;
	const char *u, *g;
	int k;

	for (k = 0; k < 5; k++) {
		u = pi->notify_user[k];
		g = pi->notify_group[k];
		if (u[0] == '\0')
			continue;
		if (!strcmp(u, c->script_user[0] ? c->script_user : "root") &&
		    (g[0] == '\0' || !strcmp(g, c->script_group)))
			continue;
		conf_perr_at(p, pi->notify_at[k].file, pi->notify_at[k].line,
		    "%s: running one script as %s%s%s is not supported yet by "
		    "vipd: all notify scripts run as script_user (%s%s%s)",
		    kw[k], u, g[0] ? ":" : "", g,
		    c->script_user[0] ? c->script_user : "root",
		    c->script_group[0] ? ":" : "", c->script_group);
	}
}

void
conf_sys_finish_instance(struct conf_parser *p, struct conf_instance *in,
    const struct conf_pinst *pi)
{
	finish_notify_users(p, pi);
	const struct conf_where *m = &pi->seen[CONF_IK_MCAST_SRC];
	const struct conf_where *u = &pi->seen[CONF_IK_UNICAST_SRC];

	if (m->line != 0 && u->line != 0)
		conf_perr_at(p, m->file, m->line, "mcast_src_ip: unicast_src_ip "
		    "(%s:%d) already sets the source of adverts", u->file,
		    u->line);
	if (pi->seen[CONF_IK_STRICT].line == 0)
		in->strict = p->conf->strict;
	if (in->strict)
		finish_strict(p, in, pi);
}

/* The same address in two instances ------------------------------------ */

struct addr_ref {
	int family;
	uint8_t addr[16];
	size_t inst;
	int line;
};

static int
addr_cmp(const void *a, const void *b)
{
	const struct addr_ref *x = a, *y = b;
	int d = x->family - y->family;

	if (d == 0)
		d = memcmp(x->addr, y->addr, sizeof(x->addr));
	if (d == 0)
		d = x->inst < y->inst ? -1 : x->inst > y->inst;
	return d;
}

static size_t
collect(const struct conf *c, struct addr_ref *v)
{
	const struct conf_instance *in;
	size_t i, k, n = 0;

	for (i = 0; i < c->ninstances; i++) {
		in = &c->instances[i];
		for (k = 0; k < in->nvips + in->nexcluded; k++) {
			const struct conf_vip *a = k < in->nvips ?
			    &in->vips[k] : &in->excluded[k - in->nvips];

			v[n].family = a->family;
			memcpy(v[n].addr, a->addr, 16);
			v[n].inst = i;
			v[n++].line = a->line;
		}
	}
	return n;
}

void
conf_sys_finish_vips(struct conf_parser *p)
{
	const struct conf *c = p->conf;
	const struct conf_instance *a, *b;
	struct addr_ref *v;
	size_t i, n = 0;
	char ra[CONF_REPR_MAX], rb[CONF_REPR_MAX], s[INET6_ADDRSTRLEN];

	for (i = 0; i < c->ninstances; i++)
		n += c->instances[i].nvips + c->instances[i].nexcluded;
	if (n < 2)
		return;
	if ((v = calloc(n, sizeof(*v))) == NULL) {
		conf_perr_at(p, c->files[0], 0, "out of memory");
		return;
	}
	n = collect(c, v);
	qsort(v, n, sizeof(*v), addr_cmp);
	for (i = 1; i < n; i++) {
		if (v[i].family != v[i - 1].family || v[i].inst ==
		    v[i - 1].inst || memcmp(v[i].addr, v[i - 1].addr, 16))
			continue;
		a = &c->instances[v[i - 1].inst];
		b = &c->instances[v[i].inst];
		inet_ntop(v[i].family, v[i].addr, s, sizeof(s));
		conf_perr_at(p, b->file, v[i].line, "vrrp_instance %s: %s is "
		    "also an address of vrrp_instance %s (%s:%d); two "
		    "instances would fight over it", CONF_REPR(rb, b->name), s,
		    CONF_REPR(ra, a->name), a->file, v[i - 1].line);
	}
	free(v);
}
