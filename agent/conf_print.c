/* SPDX-License-Identifier: ISC */
/* Canonical dump of struct conf in keepalived syntax (for vipd -t -D). */

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "agent/conf.h"
#include "agent/conf_lex.h"

/* Seconds from @units of 1/@scale s, without trailing zeros: 150 cs -> 1.5 */
static void
print_seconds(FILE *out, uint32_t units, uint32_t scale, int digits)
{
	uint32_t frac = units % scale;

	fprintf(out, "%u", units / scale);
	if (frac == 0)
		return;
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	fprintf(out, ".%0*u", digits, frac);
}

static void
print_word(FILE *out, const char *s)
{
	conf_lex_print_word(out, s, strlen(s));
}

static void
print_vips(FILE *out, const struct conf_instance *in)
{
	char a[INET6_ADDRSTRLEN];
	size_t i;

	fprintf(out, "    virtual_ipaddress {\n");
	for (i = 0; i < in->nvips; i++) {
		const struct conf_vip *v = &in->vips[i];

		if (inet_ntop(v->family, v->addr, a, sizeof(a)) == NULL)
			snprintf(a, sizeof(a), "?");
		fprintf(out, "        %s/%u", a, v->prefixlen);
		if (v->dev[0] != '\0') {
			fprintf(out, " dev ");
			print_word(out, v->dev);
		}
		fputc('\n', out);
	}
	fprintf(out, "    }\n");
}

static void
print_instance(FILE *out, const struct conf_instance *in)
{
	fprintf(out, "\nvrrp_instance ");
	print_word(out, in->name);
	fprintf(out, " {\n    state %s\n    interface ",
	    in->init_state == CONF_STATE_MASTER ? "MASTER" : "BACKUP");
	print_word(out, in->interface);
	fprintf(out, "\n    virtual_router_id %u\n    priority %u\n"
	    "    version %u\n    advert_int ", in->vrid, in->priority,
	    in->version);
	print_seconds(out, in->advert_int_cs, 100, 2);
	if (in->nopreempt)
		fprintf(out, "\n    nopreempt");
	fprintf(out, "\n    preempt_delay ");
	print_seconds(out, in->preempt_delay_ms, 1000, 3);
	fputc('\n', out);
	if (in->auth_type == CONF_AUTH_PASS) {
		fprintf(out, "    authentication {\n        auth_type PASS\n"
		    "        auth_pass ");
		conf_lex_print_word(out, (const char *)in->auth_pass,
		    strnlen((const char *)in->auth_pass, CONF_AUTH_PASS_LEN));
		fprintf(out, "\n    }\n");
	}
	print_vips(out, in);
	fprintf(out, "}\n");
}

void
conf_print(FILE *out, const struct conf *conf)
{
	size_t i;

	fprintf(out, "global_defs {\n");
	if (conf->router_id[0] != '\0') {
		fprintf(out, "    router_id ");
		print_word(out, conf->router_id);
		fputc('\n', out);
	}
	fprintf(out, "    vrrp_version %u\n}\n", conf->vrrp_version);
	for (i = 0; i < conf->ninstances; i++)
		print_instance(out, &conf->instances[i]);
}
