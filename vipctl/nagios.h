/* SPDX-License-Identifier: ISC */
/* vipctl check: a Nagios/Icinga plugin verdict from a status result (pure). */
#ifndef VIPCTL_NAGIOS_H
#define VIPCTL_NAGIOS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* monitoring-plugins exit codes. */
enum nagios_code {
	NAGIOS_OK = 0,
	NAGIOS_WARNING = 1,
	NAGIOS_CRITICAL = 2,
	NAGIOS_UNKNOWN = 3,
};

/* A monitoring-plugins threshold range: "10", "10:", "~:10", "@10:20". */
struct nagios_range {
	bool set;
	bool inside;		/* '@': alert inside start..end */
	bool no_start;		/* '~': no lower bound */
	bool no_end;		/* "N:": no upper bound */
	double start, end;
};

struct nagios_opts {
	const char *instance;	/* NULL or "" = every instance */
	const char *expect;	/* "master", "backup" or "any" */
	struct nagios_range warn, crit;	/* on the effective priority */
	long tls_warn, tls_crit;	/* certificate days; < 0 = unset */
};

/* Parse a range; returns 0, or -1 if s is not one. */
int nagios_range_parse(const char *s, struct nagios_range *r);

/* Whether v raises an alert under r (an unset range never does). */
bool nagios_range_alert(const struct nagios_range *r, double v);

/*
 * Judge status (the "status" result) under o: FAULT, a state other than
 * --expect, the priority in -c, or a certificate within --tls-crit days
 * is CRITICAL; INIT, a failing or degraded check, maintenance, a
 * misconfigured peer, the priority in -w, or --tls-warn is WARNING; an
 * unknown instance is UNKNOWN. Writes the plugin's one output line (status
 * text, then " | " and performance data) into out (size outlen) and
 * returns the exit code.
 */
enum nagios_code nagios_eval(const json_t *status,
    const struct nagios_opts *o, char *out, size_t outlen);

#endif
