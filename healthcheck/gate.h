/* SPDX-License-Identifier: ISC */
/* Pure: how check verdicts and weights make an instance's effective priority. */
#ifndef VIPD_HC_GATE_H
#define VIPD_HC_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One tracked check as the gate sees it. */
struct hc_gate_check {
	const char *name;
	bool known;		/* has given a verdict */
	bool ok;		/* passing after rise/fall (degraded passes) */
	int weight;		/* -253..253; 0 = failing makes the router resign */
	const char *reason;	/* last verdict's reason, for explain */
	/* keepalived's trackers (vrrp_script, track_file, track_process): */
	bool tracker;		/* weight 0 failing = FAULT, not resign;
				 * no verdict yet holds startup only if
				 * weight 0 (keepalived's init state) */
	bool reverse;		/* the weight's effect is negated; weight 0:
				 * passing is what makes the FAULT */
	bool has_value;		/* track_file: value is the whole effect */
	int value;		/* number read times weight, -254..253 */
};

struct hc_gate_result {
	bool ready;		/* every check has given a verdict */
	bool resign;		/* a weight-0 check is failing */
	uint8_t priority;	/* effective priority for the state machine */
	int delta;		/* sum of the weights that applied */
	const char *cause;	/* reason of the first failing weight-0 check */
	bool fault;		/* a tracker holds the instance in FAULT */
	const char *fault_name;	/* the first such tracker */
};

/*
 * keepalived's arithmetic: a positive weight is added while its check
 * passes, a negative one while it fails; the sum is kept within 1..254
 * (an owner's 255 never moves). A failing weight-0 check makes the router
 * resign: priority 1, a last-resort candidate, or 0 (never Master) when
 * strict. Maintenance forces 0. An owner (255) is never gated: it stays
 * 255 with resign false, whatever the checks and maintenance say. A
 * tracker of weight 0 failing (passing if reverse), or a track_file value
 * of -254, sets fault instead, for an owner too (keepalived's FAULT).
 */
void hc_gate_eval(uint8_t base, bool strict, bool maintenance,
    const struct hc_gate_check *checks, size_t n, struct hc_gate_result *res);

/*
 * The same decision in words, one line per step, into buf (always
 * NUL-terminated). Returns the length written.
 */
size_t hc_gate_explain(uint8_t base, bool strict, bool maintenance,
    const struct hc_gate_check *checks, size_t n, char *buf, size_t len);

#endif
