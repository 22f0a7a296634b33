/* SPDX-License-Identifier: ISC */
/* Prometheus text exposition of vipd's status (pure: JSON in, text out). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/metrics.h"

enum scope {
	SC_GLOBAL,	/* one sample from the status object */
	SC_INSTANCE,	/* one per instance: instance="..." */
	SC_CHECK,	/* one per check, each check once: check, type */
	SC_IFACE,	/* one per interface: interface="..." */
};

enum shape {
	SH_VALUE,	/* the number at path */
	SH_STATE,	/* a state set: one sample per state, 1 for the current */
	SH_MAP,		/* an object of numbers at path: one sample per key */
	SH_ONE,		/* the constant 1 with labels from the object */
	SH_PRESENT,	/* 1 if the member at path is set (not null), else 0 */
	SH_TRANSITIONS,	/* [{to, reason, count}]: one sample per entry */
};

struct family {
	const char *name;
	const char *type;
	const char *help;
	enum scope scope;
	enum shape shape;
	const char *path;	/* dotted member path in the scope's object */
	const char *key;	/* SH_MAP: the label the member names go in */
	double scale;		/* multiplier: 0.001 turns ms into seconds */
};

static const char *const vrrp_states[] = { "INIT", "BACKUP", "MASTER",
	"FAULT" };
static const char *const check_states[] = { "unknown", "passing",
	"failing" };

static const struct family families[] = {
	{ "vipd_up", "gauge", "1 when vipd answered.", SC_GLOBAL, SH_VALUE,
	  NULL, NULL, 1 },
	{ "vipd_info", "gauge", "vipd's version and router_id.", SC_GLOBAL,
	  SH_ONE, NULL, NULL, 1 },
	{ "vipd_loop_timers_fired_total", "counter",
	  "Timers the event loop has fired.", SC_GLOBAL, SH_VALUE,
	  "loop.timers_fired", NULL, 1 },
	{ "vipd_loop_timer_lateness_max_seconds", "gauge",
	  "Largest lateness of a timer since start.", SC_GLOBAL, SH_VALUE,
	  "loop.late_max_us", NULL, 1e-6 },
	{ "vipd_instance_state", "gauge",
	  "VRRP state of the instance (1 for the current state).",
	  SC_INSTANCE, SH_STATE, "state", "state", 1 },
	{ "vipd_instance_priority", "gauge", "Configured priority.",
	  SC_INSTANCE, SH_VALUE, "priority", NULL, 1 },
	{ "vipd_instance_effective_priority", "gauge",
	  "Priority advertised after health gating and maintenance.",
	  SC_INSTANCE, SH_VALUE, "effective_priority", NULL, 1 },
	{ "vipd_instance_master_priority", "gauge",
	  "Priority of the Master this instance last heard.", SC_INSTANCE,
	  SH_VALUE, "master_priority", NULL, 1 },
	{ "vipd_instance_advert_interval_seconds", "gauge",
	  "Configured advertisement interval.", SC_INSTANCE, SH_VALUE,
	  "advert_interval_ms", NULL, 1e-3 },
	{ "vipd_instance_vips_installed", "gauge",
	  "1 while this host holds the instance's virtual addresses.",
	  SC_INSTANCE, SH_VALUE, "vips_installed", NULL, 1 },
	{ "vipd_instance_maintenance", "gauge",
	  "1 while the instance is in maintenance.", SC_INSTANCE, SH_VALUE,
	  "health.maintenance", NULL, 1 },
	{ "vipd_instance_health_ready", "gauge",
	  "1 once every tracked check has a first verdict.", SC_INSTANCE,
	  SH_VALUE, "health.ready", NULL, 1 },
	{ "vipd_instance_misconfigured_peer", "gauge",
	  "1 while a peer with a conflicting configuration is heard.",
	  SC_INSTANCE, SH_PRESENT, "misconfigured_peer", NULL, 1 },
	{ "vipd_instance_vrid_collision", "gauge",
	  "1 once another virtual router was heard on the instance's VRID.",
	  SC_INSTANCE, SH_PRESENT, "vrid_collision", NULL, 1 },
	{ "vipd_transitions_total", "counter",
	  "State transitions by the state entered and the reason.",
	  SC_INSTANCE, SH_TRANSITIONS, "transitions", NULL, 1 },
	{ "vipd_became_master_total", "counter",
	  "Transitions to MASTER.", SC_INSTANCE, SH_VALUE,
	  "counters.became_master", NULL, 1 },
	{ "vipd_adverts_received_total", "counter",
	  "Advertisements accepted for the instance.", SC_INSTANCE, SH_VALUE,
	  "counters.adverts_received", NULL, 1 },
	{ "vipd_adverts_sent_total", "counter", "Advertisements sent.",
	  SC_INSTANCE, SH_VALUE, "counters.adverts_sent", NULL, 1 },
	{ "vipd_priority_zero_received_total", "counter",
	  "Priority-0 (resigning Master) advertisements received.",
	  SC_INSTANCE, SH_VALUE, "counters.prio0_received", NULL, 1 },
	{ "vipd_priority_zero_ignored_total", "counter",
	  "Priority-0 advertisements not from the Master followed (ignored).",
	  SC_INSTANCE, SH_VALUE, "counters.prio0_ignored", NULL, 1 },
	{ "vipd_rival_master_total", "counter",
	  "Advertisements of a lower-priority router acting as Master.",
	  SC_INSTANCE, SH_VALUE, "counters.rival_master", NULL, 1 },
	{ "vipd_priority_zero_sent_total", "counter",
	  "Priority-0 advertisements sent.", SC_INSTANCE, SH_VALUE,
	  "counters.prio0_sent", NULL, 1 },
	{ "vipd_gratuitous_arp_sent_total", "counter",
	  "Gratuitous ARPs and unsolicited NAs sent.", SC_INSTANCE, SH_VALUE,
	  "counters.garp_sent", NULL, 1 },
	{ "vipd_send_errors_total", "counter",
	  "Advertisements that could not be sent.", SC_INSTANCE, SH_VALUE,
	  "counters.send_errors", NULL, 1 },
	{ "vipd_adverts_dropped_total", "counter",
	  "Advertisements dropped, by reason.", SC_INSTANCE, SH_MAP,
	  "counters.drops", "reason", 1 },
	{ "vipd_interface_up", "gauge", "1 while the interface is up.",
	  SC_IFACE, SH_VALUE, "up", NULL, 1 },
	{ "vipd_interface_dropped_unknown_vrid_total", "counter",
	  "Advertisements for a VRID no instance serves.", SC_IFACE,
	  SH_VALUE, "drops_unknown_vrid", NULL, 1 },
	{ "vipd_interface_dropped_undecodable_total", "counter",
	  "Packets that were not valid VRRP.", SC_IFACE, SH_VALUE,
	  "drops_undecodable", NULL, 1 },
	{ "vipd_check_state", "gauge",
	  "Verdict of the health check (1 for the current one).", SC_CHECK,
	  SH_STATE, "state", "state", 1 },
	{ "vipd_check_latency_seconds", "gauge",
	  "Duration of the check's last run.", SC_CHECK, SH_VALUE,
	  "latency_ms", NULL, 1e-3 },
	{ "vipd_check_runs_total", "counter", "Runs of the check.", SC_CHECK,
	  SH_VALUE, "runs", NULL, 1 },
	{ "vipd_check_failures_total", "counter", "Failed runs of the check.",
	  SC_CHECK, SH_VALUE, "failures", NULL, 1 },
	{ "vipd_tls_certificate_days_left", "gauge",
	  "Days until the SMTP server's certificate expires.", SC_CHECK,
	  SH_VALUE, "tls_days_left", NULL, 1 },
	{ "vipd_postfix_queue_messages", "gauge",
	  "Messages in each Postfix queue.", SC_CHECK, SH_MAP, "queue",
	  "queue", 1 },
	{ "vipd_postfix_oldest_incoming_age_seconds", "gauge",
	  "Age of the oldest message in the incoming queue.", SC_CHECK,
	  SH_VALUE, "oldest_incoming_age_s", NULL, 1 },
	{ "vipd_postfix_oldest_active_age_seconds", "gauge",
	  "Age of the oldest message in the active queue.", SC_CHECK,
	  SH_VALUE, "oldest_active_age_s", NULL, 1 },
};

#define NFAMILIES (sizeof(families) / sizeof(families[0]))

/* A label value, escaped as the text format wants. */
static void
put_label(FILE *f, const char *name, const char *value, bool *first)
{
	const char *p;

	fprintf(f, "%s%s=\"", *first ? "{" : ",", name);
	*first = false;
	for (p = value; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static const json_t *
get_path(const json_t *o, const char *path)
{
	char part[64];
	const char *dot;
	size_t n;

	while (o != NULL && path != NULL) {
		dot = strchr(path, '.');
		n = dot != NULL ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		o = json_object_get(o, part);
		path = dot != NULL ? dot + 1 : NULL;
	}
	return o;
}

/* The number in v; false for null, strings and anything else. */
static bool
number(const json_t *v, double *out)
{
	if (json_is_integer(v))
		*out = (double)json_integer_value(v);
	else if (json_is_real(v))
		*out = json_real_value(v);
	else if (json_is_boolean(v))
		*out = json_is_true(v) ? 1 : 0;
	else
		return false;
	return true;
}

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* The labels that name one object of a scope; false to skip it. */
static void
scope_labels(FILE *f, enum scope sc, const json_t *o, bool *first)
{
	switch (sc) {
	case SC_GLOBAL:
		break;
	case SC_INSTANCE:
		put_label(f, "instance", str(o, "name"), first);
		break;
	case SC_CHECK:
		put_label(f, "check", str(o, "name"), first);
		put_label(f, "type", str(o, "type"), first);
		break;
	case SC_IFACE:
		put_label(f, "interface", str(o, "name"), first);
		break;
	}
}

static void
put_sample(FILE *f, const struct family *fam, const json_t *o,
    const char *xname, const char *xvalue, double v)
{
	bool first = true;

	fputs(fam->name, f);
	scope_labels(f, fam->scope, o, &first);
	if (xname != NULL)
		put_label(f, xname, xvalue, &first);
	fprintf(f, "%s %.15g\n", first ? "" : "}", v);
}

static void
emit_state(FILE *f, const struct family *fam, const json_t *o)
{
	const char *const *set = fam->scope == SC_CHECK ? check_states :
	    vrrp_states;
	size_t n = fam->scope == SC_CHECK ? 3 : 4, i;
	const char *cur = json_string_value(get_path(o, fam->path));

	if (cur == NULL)
		return;
	for (i = 0; i < n; i++)
		put_sample(f, fam, o, fam->key, set[i],
		    strcmp(cur, set[i]) == 0);
}

static void
emit_transitions(FILE *f, const struct family *fam, const json_t *o)
{
	const json_t *t;
	bool first;
	size_t i;
	double d;

	json_array_foreach(get_path(o, fam->path), i, t) {
		if (!number(json_object_get(t, "count"), &d))
			continue;
		first = true;
		fputs(fam->name, f);
		scope_labels(f, fam->scope, o, &first);
		put_label(f, "to", str(t, "to"), &first);
		put_label(f, "reason", str(t, "reason"), &first);
		fprintf(f, "} %.15g\n", d);
	}
}

static void
emit_one(FILE *f, const struct family *fam, const json_t *o)
{
	const char *key;
	const json_t *v, *map = get_path(o, fam->path);
	double d;

	switch (fam->shape) {
	case SH_VALUE:
		if (fam->path == NULL)
			put_sample(f, fam, o, NULL, NULL, 1);
		else if (number(get_path(o, fam->path), &d))
			put_sample(f, fam, o, NULL, NULL, d * fam->scale);
		break;
	case SH_STATE:
		emit_state(f, fam, o);
		break;
	case SH_MAP:
		json_object_foreach((json_t *)map, key, v)
			if (number(v, &d))
				put_sample(f, fam, o, fam->key, key,
				    d * fam->scale);
		break;
	case SH_PRESENT:
		v = get_path(o, fam->path);
		put_sample(f, fam, o, NULL, NULL, v != NULL && !json_is_null(v));
		break;
	case SH_TRANSITIONS:
		emit_transitions(f, fam, o);
		break;
	case SH_ONE: {
		bool first = true;

		fputs(fam->name, f);
		put_label(f, "version", str(o, "version"), &first);
		put_label(f, "router_id", str(o, "router_id"), &first);
		fputs("} 1\n", f);
		break;
	}
	}
}

/* Has a check of this name been listed by an earlier instance? */
static bool
seen_before(const json_t *insts, size_t upto_inst, size_t upto_check,
    const char *name)
{
	const json_t *inst, *ck;
	size_t i, k;

	json_array_foreach(insts, i, inst) {
		if (i > upto_inst)
			break;
		json_array_foreach(get_path(inst, "health.checks"), k, ck) {
			if (i == upto_inst && k >= upto_check)
				break;
			if (strcmp(str(ck, "name"), name) == 0)
				return true;
		}
	}
	return false;
}

static void
emit_family(FILE *f, const struct family *fam, const json_t *status)
{
	const json_t *insts = json_object_get(status, "instances");
	const json_t *o, *ck;
	size_t i, k;

	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", fam->name, fam->help,
	    fam->name, fam->type);
	switch (fam->scope) {
	case SC_GLOBAL:
		emit_one(f, fam, status);
		break;
	case SC_INSTANCE:
		json_array_foreach(insts, i, o)
			emit_one(f, fam, o);
		break;
	case SC_IFACE:
		json_array_foreach(json_object_get(status, "interfaces"), i,
		    o)
			emit_one(f, fam, o);
		break;
	case SC_CHECK:
		/* Checks are shared: an instance lists each it tracks. */
		json_array_foreach(insts, i, o)
			json_array_foreach(get_path(o, "health.checks"), k, ck)
				if (!seen_before(insts, i, k, str(ck, "name")))
					emit_one(f, fam, ck);
		break;
	}
}

char *
ctl_metrics_render(const json_t *status, size_t *len)
{
	char *buf = NULL;
	size_t n = 0, i;
	FILE *f;

	if ((f = open_memstream(&buf, &n)) == NULL)
		return NULL;
	for (i = 0; i < NFAMILIES; i++)
		emit_family(f, &families[i], status);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	if (len != NULL)
		*len = n;
	return buf;
}
