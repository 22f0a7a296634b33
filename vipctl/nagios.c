/* SPDX-License-Identifier: ISC */
/* vipctl check: a Nagios/Icinga plugin verdict from a status result (pure). */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vipctl/nagios.h"

static const char *const code_names[] = { "OK", "WARNING", "CRITICAL",
	"UNKNOWN" };

/* A growing line: text part and perfdata part, each truncated safely. */
struct verdict {
	enum nagios_code code;
	char text[1024];
	char perf[2048];
};

static void appendf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
appendf(char *buf, size_t size, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}

static void
raise_to(struct verdict *v, enum nagios_code c)
{
	/* UNKNOWN ranks below CRITICAL: a known failure says more. */
	static const int rank[] = { 0, 1, 3, 2 };

	if (rank[c] > rank[v->code])
		v->code = c;
}

static double
num(const json_t *o, const char *key, double dflt)
{
	const json_t *x = json_object_get(o, key);

	return json_is_number(x) ? json_number_value(x) : dflt;
}

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "?";
}

/* Perfdata labels are quoted; a quote inside becomes '_'. */
static void
perf(struct verdict *v, const char *a, const char *b, double value,
    const char *uom, const char *tail)
{
	char label[160];
	size_t i;

	snprintf(label, sizeof(label), "%s_%s", a, b);
	for (i = 0; label[i] != '\0'; i++)
		if (label[i] == '\'' || label[i] == '=' ||
		    iscntrl((unsigned char)label[i]))
			label[i] = '_';
	appendf(v->perf, sizeof(v->perf), "%s'%s'=%g%s%s", v->perf[0] ?
	    " " : "", label, value, uom, tail);
}

int
nagios_range_parse(const char *s, struct nagios_range *r)
{
	const char *colon;
	char *end;

	memset(r, 0, sizeof(*r));
	if (s == NULL || *s == '\0')
		return -1;
	if (*s == '@') {
		r->inside = true;
		s++;
	}
	if ((colon = strchr(s, ':')) == NULL) {
		r->start = 0;
		r->end = strtod(s, &end);
		if (end == s || *end != '\0')
			return -1;
	} else {
		if (*s == '~')
			r->no_start = true;
		else {
			r->start = strtod(s, &end);
			if (end != colon)
				return -1;
		}
		if (colon[1] == '\0')
			r->no_end = true;
		else {
			r->end = strtod(colon + 1, &end);
			if (*end != '\0')
				return -1;
		}
	}
	if (!r->no_start && !r->no_end && r->start > r->end)
		return -1;
	r->set = true;
	return 0;
}

bool
nagios_range_alert(const struct nagios_range *r, double v)
{
	bool outside;

	if (!r->set)
		return false;
	outside = (!r->no_start && v < r->start) || (!r->no_end && v > r->end);
	return r->inside ? !outside : outside;
}

static void
judge_checks(struct verdict *v, const json_t *inst, const char *name,
    const struct nagios_opts *o)
{
	const json_t *ck, *q;
	size_t i;
	const char *key;
	json_t *x;

	json_array_foreach(json_object_get(json_object_get(inst, "health"),
	    "checks"), i, ck) {
		const char *cname = str(ck, "name"), *st = str(ck, "state");
		double days = num(ck, "tls_days_left", NAN);

		if (strcmp(st, "failing") == 0) {
			raise_to(v, NAGIOS_WARNING);
			appendf(v->text, sizeof(v->text), "; %s: check %s "
			    "failing (%s)", name, cname, str(ck, "reason"));
		} else if (strcmp(str(ck, "result"), "degraded") == 0) {
			raise_to(v, NAGIOS_WARNING);
			appendf(v->text, sizeof(v->text), "; %s: check %s "
			    "degraded (%s)", name, cname, str(ck, "reason"));
		}
		perf(v, cname, "latency", num(ck, "latency_ms", 0) / 1000.0,
		    "s", "");
		if (!isnan(days)) {
			char tail[64];

			snprintf(tail, sizeof(tail), ";%ld;%ld", o->tls_warn >=
			    0 ? o->tls_warn : 0, o->tls_crit >= 0 ?
			    o->tls_crit : 0);
			perf(v, cname, "tls_days", days, "", tail);
			if (o->tls_crit >= 0 && days <= (double)o->tls_crit)
				raise_to(v, NAGIOS_CRITICAL);
			else if (o->tls_warn >= 0 &&
			    days <= (double)o->tls_warn)
				raise_to(v, NAGIOS_WARNING);
			if ((o->tls_warn >= 0 && days <= (double)o->tls_warn)
			    || (o->tls_crit >= 0 &&
			    days <= (double)o->tls_crit))
				appendf(v->text, sizeof(v->text), "; %s: "
				    "certificate expires in %g days", cname,
				    days);
		}
		q = json_object_get(ck, "queue");
		json_object_foreach((json_t *)q, key, x)
			if (json_is_number(x))
				perf(v, cname, key, json_number_value(x), "",
				    "");
	}
}

static void
judge_instance(struct verdict *v, const json_t *inst,
    const struct nagios_opts *o)
{
	const char *name = str(inst, "name"), *state = str(inst, "state");
	double eff = num(inst, "effective_priority", -1);
	const json_t *health = json_object_get(inst, "health");
	char tail[96];

	appendf(v->text, sizeof(v->text), "%s%s %s, priority %g of %g",
	    v->text[0] ? ", " : "", name, state, eff,
	    num(inst, "priority", -1));
	if (strcmp(state, "FAULT") == 0) {
		raise_to(v, NAGIOS_CRITICAL);
		appendf(v->text, sizeof(v->text), " (%s)",
		    str(inst, "fault_reason"));
	} else if (strcmp(state, "INIT") == 0)
		raise_to(v, NAGIOS_WARNING);
	else if (strcmp(o->expect, "any") != 0 &&
	    strcasecmp(o->expect, state) != 0) {
		raise_to(v, NAGIOS_CRITICAL);
		appendf(v->text, sizeof(v->text), " (expected %s)", o->expect);
	}
	if (nagios_range_alert(&o->crit, eff))
		raise_to(v, NAGIOS_CRITICAL);
	else if (nagios_range_alert(&o->warn, eff))
		raise_to(v, NAGIOS_WARNING);
	if (json_is_true(json_object_get(health, "maintenance"))) {
		raise_to(v, NAGIOS_WARNING);
		appendf(v->text, sizeof(v->text), " (maintenance)");
	}
	if (json_is_string(json_object_get(inst, "misconfigured_peer"))) {
		raise_to(v, NAGIOS_WARNING);
		appendf(v->text, sizeof(v->text), " (misconfigured peer %s)",
		    str(inst, "misconfigured_peer"));
	}
	snprintf(tail, sizeof(tail), ";;;0;255");
	perf(v, name, "priority", eff, "", tail);
	perf(v, name, "master", strcmp(state, "MASTER") == 0, "", ";;;0;1");
	judge_checks(v, inst, name, o);
}

enum nagios_code
nagios_eval(const json_t *status, const struct nagios_opts *o, char *out,
    size_t outlen)
{
	struct verdict *v = calloc(1, sizeof(*v));
	const json_t *inst;
	enum nagios_code code;
	bool any = false;
	size_t i;

	if (v == NULL) {
		snprintf(out, outlen, "VIPD UNKNOWN - out of memory");
		return NAGIOS_UNKNOWN;
	}
	json_array_foreach(json_object_get(status, "instances"), i, inst) {
		if (o->instance != NULL && o->instance[0] != '\0' &&
		    strcmp(str(inst, "name"), o->instance) != 0)
			continue;
		any = true;
		judge_instance(v, inst, o);
	}
	if (!any) {
		raise_to(v, NAGIOS_UNKNOWN);
		if (o->instance != NULL && o->instance[0] != '\0')
			snprintf(v->text, sizeof(v->text),
			    "no instance named %s", o->instance);
		else
			snprintf(v->text, sizeof(v->text), "no instances");
	}
	code = v->code;
	snprintf(out, outlen, "VIPD %s - %s%s%s", code_names[code], v->text,
	    v->perf[0] ? " | " : "", v->perf);
	free(v);
	return code;
}
