/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the configuration parser: parse, print, parse again. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *print_conf(const struct conf *c, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (f == NULL)
		abort();
	conf_print(f, c);
	if (fclose(f) != 0)
		abort();
	return buf;
}

/* track_file and vrrp_track_process weigh up to 254, as keepalived's. */
static int weight_max(const struct conf_check *k)
{
	return k->type == CONF_CHECK_FILE || k->type == CONF_CHECK_PROCESS ?
	    CONF_WEIGHT_MAX + 1 : CONF_WEIGHT_MAX;
}

/* Checks run on a timer (files and processes follow kernel events). */
static int timed(const struct conf_check *k)
{
	return k->type != CONF_CHECK_FILE && k->type != CONF_CHECK_PROCESS;
}

/* What the daemon relies on in an accepted configuration. */
static void check_invariants(const struct conf *c)
{
	const struct conf_instance *in;
	size_t i, j;

	for (i = 0; i < c->ninstances; i++) {
		in = &c->instances[i];
		if (in->nvips == 0 || in->unicast != (in->npeers > 0) ||
		    in->family == 0)
			__builtin_trap();
		for (j = 0; j < in->npeers; j++)
			if (in->peers[j].family != in->family)
				__builtin_trap();
		for (j = 0; j < in->ntracks; j++)
			if (in->tracks[j].check >= c->nchecks ||
			    abs(in->tracks[j].weight) > weight_max(
			    &c->checks[in->tracks[j].check]))
				__builtin_trap();
	}
	for (i = 0; i < c->nchecks; i++)
		if ((c->checks[i].interval_us == 0 && timed(&c->checks[i])) ||
		    (c->checks[i].type ==
		    CONF_CHECK_SMTP && (c->checks[i].step_timeout_us == 0 ||
		    c->checks[i].step_timeout_us > c->checks[i].timeout_us ||
		    c->checks[i].timeout_us > c->checks[i].interval_us * 10)))
			__builtin_trap();
}

/*
 * Any input: no crash, an error count that matches the result.  Accepted
 * input: the invariants above hold, and its canonical print parses back
 * without any message (but the "no vrrp_instance" warning) and prints
 * identically.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_diag d = { 0 }, d2 = { 0 };
	struct conf *c, *c2;
	char *p1, *p2;
	size_t l1, l2, i;

	c = conf_parse_buf("fuzz.conf", (const char *)data, size, &d);
	if ((c == NULL) != (d.nerrors > 0) || d.nmsgs > d.nerrors +
	    d.nwarnings || d.nerrors > CONF_ERRORS_MAX + 1)
		__builtin_trap();
	for (i = 0; i < d.nmsgs; i++)
		if (strncmp(d.msgs[i].text, "fuzz.conf", 9) != 0)
			__builtin_trap();
	if (c != NULL) {
		check_invariants(c);
		p1 = print_conf(c, &l1);
		c2 = conf_parse_buf("rt.conf", p1, l1, &d2);
		if (c2 == NULL || d2.nmsgs != (c->ninstances == 0 ? 1u : 0u))
			__builtin_trap();
		p2 = print_conf(c2, &l2);
		if (l1 != l2 || memcmp(p1, p2, l1) != 0)
			__builtin_trap();
		free(p1);
		free(p2);
		conf_free(c2);
		conf_free(c);
	}
	conf_diag_free(&d);
	conf_diag_free(&d2);
	return 0;
}
