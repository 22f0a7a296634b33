/* SPDX-License-Identifier: ISC */
/* Pure: how check verdicts and weights make an instance's effective priority. */
#include <stdarg.h>
#include <stdio.h>

#include "healthcheck/gate.h"

#define PRIO_OWNER	255
#define PRIO_MAX	254

/* What one check adds to the priority (keepalived's arithmetic). */
static int
check_delta(const struct hc_gate_check *c)
{
	int d = 0;

	if (c->has_value)
		return c->value;
	if (c->weight > 0 && c->ok)
		d = c->weight;
	else if (c->weight < 0 && !c->ok)
		d = c->weight;
	return c->reverse ? -d : d;
}

/* Whether a tracker puts the instance in FAULT. */
static bool
check_faults(const struct hc_gate_check *c)
{
	if (!c->tracker || !c->known)
		return false;
	if (c->has_value)
		return c->value <= -254;
	return c->weight == 0 && c->ok == c->reverse;
}

void
hc_gate_eval(uint8_t base, bool strict, bool maintenance,
    const struct hc_gate_check *checks, size_t n, struct hc_gate_result *res)
{
	int prio = base;
	size_t i;

	res->ready = true;
	res->resign = false;
	res->delta = 0;
	res->cause = NULL;
	res->fault = false;
	res->fault_name = NULL;
	for (i = 0; i < n; i++) {
		const struct hc_gate_check *c = &checks[i];

		if (!c->known) {
			if (!c->tracker || c->weight == 0)
				res->ready = false;
			continue;
		}
		if (check_faults(c)) {
			if (!res->fault)
				res->fault_name = c->name;
			res->fault = true;
		} else if (c->tracker && (c->weight == 0 || c->has_value)) {
			res->delta += c->has_value ? c->value : 0;
		} else if (c->weight == 0 && !c->ok) {
			if (!res->resign)
				res->cause = c->reason;
			res->resign = true;
		} else {
			res->delta += check_delta(c);
		}
	}
	if (base == PRIO_OWNER) {
		/*
		 * The state machine keeps an owner at 255 whatever it is
		 * told (RFC 5798 §6.1), so the gate says so too: nothing
		 * resigns, maintenance included.
		 */
		res->resign = false;
		res->cause = NULL;
		res->priority = PRIO_OWNER;
		return;
	}
	prio += res->delta;
	if (prio > PRIO_MAX)
		prio = PRIO_MAX;
	if (prio < 1)
		prio = 1;
	if (res->resign)
		prio = strict ? 0 : 1;
	if (maintenance)
		prio = 0;
	res->priority = (uint8_t)prio;
}

static size_t
put(char *buf, size_t len, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (off >= len)
		return off;
	va_start(ap, fmt);
	n = vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return off;
	return off + (size_t)n < len ? off + (size_t)n : len - 1;
}

static const char *
effect(const struct hc_gate_check *c, char *tmp, size_t len)
{
	int d;

	if (!c->known)
		return c->tracker && c->weight != 0 ? "no verdict yet: +0" :
		    "no verdict yet";
	if (check_faults(c))
		return "FAULT (weight 0 tracker)";
	if (c->has_value || (c->tracker && c->reverse && c->weight != 0)) {
		d = check_delta(c);
		snprintf(tmp, len, "%+d%s", d, c->reverse ? " (reverse)" : "");
		return tmp;
	}
	if (c->tracker && c->weight == 0)
		return "no effect (weight 0)";
	if (c->weight == 0)
		return c->ok ? "no effect (weight 0)" :
		    "resign (weight 0 and failing)";
	if ((c->weight > 0) == c->ok) {
		snprintf(tmp, len, "%+d", c->weight);
		return tmp;
	}
	return c->weight > 0 ? "+0 (weight applies while passing)" :
	    "+0 (weight applies while failing)";
}

size_t
hc_gate_explain(uint8_t base, bool strict, bool maintenance,
    const struct hc_gate_check *checks, size_t n, char *buf, size_t len)
{
	struct hc_gate_result r;
	char tmp[16];
	size_t i, off = 0;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	hc_gate_eval(base, strict, maintenance, checks, n, &r);
	off = put(buf, len, off, "base priority %u%s\n", base,
	    base == PRIO_OWNER ? " (address owner: health checks and "
	    "maintenance do not apply)" : "");
	if (n == 0)
		off = put(buf, len, off, "no health checks tracked\n");
	for (i = 0; i < n; i++) {
		const struct hc_gate_check *c = &checks[i];

		off = put(buf, len, off, "check %s: %s, weight %d: %s%s%s\n",
		    c->name, !c->known ? "unknown" : c->ok ? "passing" :
		    "failing", c->weight, effect(c, tmp, sizeof(tmp)),
		    c->reason && c->reason[0] ? "; last: " : "",
		    c->reason ? c->reason : "");
	}
	if (base != PRIO_OWNER && r.delta != 0)
		off = put(buf, len, off, "%u %+d = %d, kept within 1..254\n",
		    base, r.delta, (int)base + r.delta);
	if (!r.ready)
		off = put(buf, len, off, "waiting for every check's first "
		    "verdict: will not become Master before\n");
	if (r.resign)
		off = put(buf, len, off, strict ?
		    "resigned (health_strict): priority 0, never Master while "
		    "failing\n" :
		    "resigned: priority 1, Master only if no healthier peer "
		    "takes over\n");
	if (maintenance && base != PRIO_OWNER)
		off = put(buf, len, off, "maintenance on: priority 0, out of "
		    "the election\n");
	if (base == PRIO_OWNER && n > 0)
		off = put(buf, len, off, "failing checks leave the owner "
		    "Master: use priority 254 or lower to gate it\n");
	if (r.fault)
		off = put(buf, len, off, "FAULT: tracker %s (weight 0 or "
		    "track_file at -254)\n", r.fault_name);
	off = put(buf, len, off, "effective priority %u\n", r.priority);
	return off;
}
