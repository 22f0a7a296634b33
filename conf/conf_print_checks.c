/* SPDX-License-Identifier: ISC */
/* The health checks and trackers in the canonical dump, and their summary. */

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_lex.h"
#include "conf/conf_print.h"

static void
print_smtp(FILE *out, const struct conf_check_smtp *s)
{
	static const char *const tls[] = { "off", "on", "required" };

	fprintf(out, "    connect_ip ");
	conf_pr_addr(out, s->family, s->addr);
	fprintf(out, "\n    connect_port %u\n", s->port);
	conf_pr_opt(out, "    ", "helo_name", s->helo_name);
	fprintf(out, "    starttls %s\n", tls[s->starttls]);
	if (s->starttls != CONF_STARTTLS_OFF) {
		fprintf(out, "    tls_verify %s\n", conf_pr_onoff(s->tls_verify));
		conf_pr_opt(out, "    ", "tls_ca_file", s->tls_ca_file);
		conf_pr_opt(out, "    ", "tls_server_name", s->tls_server_name);
		fprintf(out, "    tls_days_warn %u\n    tls_days_crit %u\n",
		    s->tls_days_warn, s->tls_days_crit);
	}
	if (s->rcpt_to[0] != '\0') {
		conf_pr_opt(out, "    ", "mail_from", s->mail_from);
		conf_pr_opt(out, "    ", "rcpt_to", s->rcpt_to);
	}
}

static void
print_postfix(FILE *out, const struct conf_check_postfix *pf)
{
	conf_pr_opt(out, "    ", "config_dir", pf->config_dir);
	conf_pr_opt(out, "    ", "queue_directory", pf->queue_directory);
	fprintf(out, "    max_incoming_age %u\n    max_active_age %u\n"
	    "    max_deferred %u\n    max_hold %u\n    max_corrupt %u\n",
	    pf->max_incoming_age_s, pf->max_active_age_s, pf->max_deferred,
	    pf->max_hold, pf->max_corrupt);
	fprintf(out, "    master_poll ");
	conf_pr_us(out, pf->master_poll_us);
	fputc('\n', out);
}

/* keepalived's trackers, in keepalived's words. */
static void
print_script(FILE *out, const struct conf_check *ch)
{
	const struct conf_check_script *s = &ch->script;

	fprintf(out, "    script ");
	conf_pr_word(out, s->cmd);
	fprintf(out, "\n    interval ");
	conf_pr_us(out, ch->interval_us);
	fprintf(out, "\n    timeout ");
	conf_pr_us(out, ch->timeout_us);
	fprintf(out, "\n    weight %d%s\n    rise %u\n    fall %u\n",
	    ch->weight, s->reverse ? " reverse" : "", ch->rise, ch->fall);
	if (s->user[0] != '\0') {
		fprintf(out, "    user ");
		conf_pr_word(out, s->user);
		if (s->group[0] != '\0') {
			fputc(' ', out);
			conf_pr_word(out, s->group);
		}
		fputc('\n', out);
	}
	if (s->init_fail)
		fprintf(out, "    init_fail\n");
}

static void
print_process(FILE *out, const struct conf_check *ch)
{
	static const char *const pm[] = { "", "", " partial", " initial" };
	const struct conf_check_process *pr = &ch->process;
	size_t off;

	fprintf(out, "    process ");
	conf_pr_word(out, pr->name);
	for (off = 0; off < pr->params_len; off += strlen(pr->params + off) + 1) {
		fputc(' ', out);
		conf_pr_word(out, pr->params + off);
	}
	fputc('\n', out);
	if (pr->param_match != CONF_PARAM_NONE)
		fprintf(out, "    param_match%s\n", pm[pr->param_match]);
	if (pr->full_command)
		fprintf(out, "    full_command\n");
	fprintf(out, "    weight %d%s\n", ch->weight, pr->reverse ? " reverse" :
	    "");
	if (pr->quorum_max != 0)	/* quorum_max 0 sets quorum 0 */
		fprintf(out, "    quorum %u\n", pr->quorum);
	if (pr->quorum_max != UINT32_MAX)
		fprintf(out, "    quorum_max %u\n", pr->quorum_max);
	if (pr->fork_delay_us != 0) {
		fprintf(out, "    fork_delay ");
		conf_pr_us(out, pr->fork_delay_us);
		fputc('\n', out);
	}
	if (pr->terminate_delay_us != 0) {
		fprintf(out, "    terminate_delay ");
		conf_pr_us(out, pr->terminate_delay_us);
		fputc('\n', out);
	}
}

static void
print_tracker(FILE *out, const struct conf_check *ch)
{
	const struct conf_check_file *f = &ch->tfile;

	fprintf(out, "\n%s ", ch->type == CONF_CHECK_SCRIPT ? "vrrp_script" :
	    ch->type == CONF_CHECK_FILE ? "track_file" : "vrrp_track_process");
	conf_pr_word(out, ch->name);
	fprintf(out, " {\n");
	if (ch->type == CONF_CHECK_SCRIPT) {
		print_script(out, ch);
	} else if (ch->type == CONF_CHECK_PROCESS) {
		print_process(out, ch);
	} else {
		conf_pr_opt(out, "    ", "file", f->path);
		fprintf(out, "    weight %d%s\n", ch->weight, f->reverse ?
		    " reverse" : "");
		if (f->init_file)
			fprintf(out, "    init_file %d%s\n", f->init_value,
			    f->overwrite ? " overwrite" : "");
	}
	fprintf(out, "}\n");
}

void
conf_pr_check(FILE *out, const struct conf_check *ch)
{
	bool smtp = ch->type == CONF_CHECK_SMTP;

	if (ch->type != CONF_CHECK_SMTP && ch->type != CONF_CHECK_POSTFIX) {
		print_tracker(out, ch);
		return;
	}

	fprintf(out, "\n%s ", smtp ? "smtp_check" : "postfix_check");
	conf_pr_word(out, ch->name);
	fprintf(out, " {\n");
	if (smtp)
		print_smtp(out, &ch->smtp);
	else
		print_postfix(out, &ch->postfix);
	fprintf(out, "    interval ");
	conf_pr_us(out, ch->interval_us);
	if (smtp) {
		fprintf(out, "\n    timeout ");
		conf_pr_us(out, ch->timeout_us);
		fprintf(out, "\n    step_timeout ");
		conf_pr_us(out, ch->step_timeout_us);
	}
	fprintf(out, "\n    rise %u\n    fall %u\n    weight %d\n}\n", ch->rise,
	    ch->fall, ch->weight);
}

/* What one check looks at, e.g. "smtp 127.0.0.1:25, STARTTLS required". */
static void
print_target(FILE *out, const struct conf_check *k)
{
	if (k->type == CONF_CHECK_SCRIPT) {
		fprintf(out, "script %s", k->script.cmd);
		return;
	}
	if (k->type == CONF_CHECK_FILE) {
		fprintf(out, "file %s", k->tfile.path);
		return;
	}
	if (k->type == CONF_CHECK_PROCESS) {
		fprintf(out, "process %s, quorum %u", k->process.name,
		    k->process.quorum);
		return;
	}
	if (k->type == CONF_CHECK_POSTFIX) {
		fprintf(out, "postfix %s", k->postfix.queue_directory[0] ?
		    k->postfix.queue_directory : k->postfix.config_dir);
		return;
	}
	fputs("smtp ", out);
	if (k->smtp.family == AF_INET6)
		fputc('[', out);
	conf_pr_addr(out, k->smtp.family, k->smtp.addr);
	fprintf(out, "%s:%u", k->smtp.family == AF_INET6 ? "]" : "",
	    k->smtp.port);
	if (k->smtp.starttls != CONF_STARTTLS_OFF)
		fprintf(out, ", STARTTLS%s", k->smtp.starttls ==
		    CONF_STARTTLS_REQUIRED ? " required" : "");
	if (k->smtp.rcpt_to[0] != '\0')
		fprintf(out, ", RCPT TO %s", k->smtp.rcpt_to);
}

void
conf_print_tracks(FILE *out, const struct conf *conf)
{
	size_t i, k;

	for (i = 0; i < conf->ninstances; i++) {
		const struct conf_instance *in = &conf->instances[i];

		fprintf(out, "%s: ", in->name);
		if (in->ntracks == 0)
			fputs("tracks no health check", out);
		for (k = 0; k < in->ntracks; k++) {
			const struct conf_check *ck =
			    &conf->checks[in->tracks[k].check];

			fprintf(out, "%s%s (", k == 0 ? "tracks " : "; ",
			    ck->name);
			print_target(out, ck);
			fprintf(out, ", weight %d%s)", in->tracks[k].weight,
			    in->tracks[k].reverse ? " reverse" : "");
		}
		fputs(in->health_strict ? ", health_strict\n" : "\n", out);
	}
	for (i = 0; i < conf->nsync_groups; i++) {
		const struct conf_sync_group *g = &conf->sync_groups[i];

		fprintf(out, "sync group %s: ", g->name);
		for (k = 0; k < g->nmembers; k++)
			fprintf(out, "%s%s", k ? ", " : "", g->members[k].name);
		fputs(" move together", out);
		for (k = 0; k < g->ntrack_ifs; k++)
			fprintf(out, "%s%s (weight %d)", k ? ", " : "; tracks ",
			    g->track_ifs[k].name, g->track_ifs[k].weight);
		for (k = 0; k < g->ntracks; k++) {
			const struct conf_check *ck =
			    &conf->checks[g->tracks[k].check];

			fprintf(out, "%s%s (", k || g->ntrack_ifs ? ", " :
			    "; tracks ", ck->name);
			print_target(out, ck);
			fprintf(out, ", weight %d)", g->tracks[k].weight);
		}
		fputc('\n', out);
	}
}
