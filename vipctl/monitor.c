/* SPDX-License-Identifier: ISC */
/* vipctl's monitoring commands: check, metrics, history, watch. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl/ctl_proto.h"
#include "ctl/metrics.h"
#include "vipctl/client.h"
#include "vipctl/monitor.h"
#include "vipctl/nagios.h"

#define EXIT_USAGE	2
#define WATCH_POLL_US	200000	/* how often watch asks for new events */

static int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vipctl: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

static int
parse_days(const char *s, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return (end == s || *end != '\0' || errno != 0 || *out < 0) ? -1 : 0;
}

static int
set_instance(struct ctl_request *req, const char *cmd, const char *name)
{
	if (strlen(name) >= sizeof(req->instance))
		return usage_error(cmd, "instance name too long: %s", name);
	strcpy(req->instance, name);
	return 0;
}

/* check ------------------------------------------------------------ */

static int
check_opts(int argc, char **argv, struct nagios_opts *o)
{
	static const struct option longopts[] = {
		{ "expect", required_argument, NULL, 'e' },
		{ "warning", required_argument, NULL, 'w' },
		{ "critical", required_argument, NULL, 'c' },
		{ "tls-warn", required_argument, NULL, 'T' },
		{ "tls-crit", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+e:w:c:", longopts, NULL)) != -1) {
		if (ch == 'e' && (strcmp(optarg, "master") == 0 ||
		    strcmp(optarg, "backup") == 0 || strcmp(optarg, "any") == 0))
			o->expect = optarg;
		else if (ch == 'e')
			return usage_error("check", "--expect takes master, "
			    "backup or any, not %s", optarg);
		else if (ch == 'w' && nagios_range_parse(optarg, &o->warn) == 0)
			continue;
		else if (ch == 'c' && nagios_range_parse(optarg, &o->crit) == 0)
			continue;
		else if ((ch == 'w' || ch == 'c'))
			return usage_error("check", "not a threshold range: %s",
			    optarg);
		else if (ch == 'T' && parse_days(optarg, &o->tls_warn) == 0)
			continue;
		else if (ch == 'C' && parse_days(optarg, &o->tls_crit) == 0)
			continue;
		else if (ch == 'T' || ch == 'C')
			return usage_error("check", "not a number of days: %s",
			    optarg);
		else
			return EXIT_USAGE;
	}
	if (optind < argc)
		o->instance = argv[optind++];
	if (optind < argc)
		return usage_error("check", "unexpected argument %s",
		    argv[optind]);
	return 0;
}

int
vipctl_check_main(const char *sock, int argc, char **argv)
{
	struct nagios_opts o = { .expect = "any", .tls_warn = -1,
	    .tls_crit = -1 };
	struct ctl_request req = { .cmd = CTL_CMD_STATUS };
	char err[1024] = "", line[4096];
	json_t *status = NULL;
	int code;

	/* Plugins answer UNKNOWN (3) to a bad invocation. */
	if (check_opts(argc, argv, &o) != 0) {
		printf("VIPD UNKNOWN - invalid arguments (see vipctl(8))\n");
		return NAGIOS_UNKNOWN;
	}
	if (vipctl_call(sock, &req, &status, err, sizeof(err)) != 0) {
		/* No agent means no failover on this host. */
		printf("VIPD CRITICAL - %s\n", err);
		return NAGIOS_CRITICAL;
	}
	code = nagios_eval(status, &o, line, sizeof(line));
	json_decref(status);
	printf("%s\n", line);
	return code;
}

/* metrics ---------------------------------------------------------- */

int
vipctl_metrics_main(const char *sock, int argc, char **argv)
{
	struct ctl_request req = { .cmd = CTL_CMD_STATUS };
	char err[1024] = "", *text;
	json_t *status = NULL;
	size_t len;

	if (argc > 1)
		return usage_error("metrics", "unexpected argument %s", argv[1]);
	if (vipctl_call(sock, &req, &status, err, sizeof(err)) != 0) {
		fprintf(stderr, "vipctl: %s\n", err);
		printf("# HELP vipd_up 1 when vipd answered.\n"
		    "# TYPE vipd_up gauge\nvipd_up 0\n");
		return 1;
	}
	text = ctl_metrics_render(status, &len);
	json_decref(status);
	if (text == NULL) {
		fprintf(stderr, "vipctl: metrics: out of memory\n");
		return 1;
	}
	fwrite(text, 1, len, stdout);
	free(text);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* history and watch ------------------------------------------------ */

static const char *
jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* Control characters from the daemon print as '?'. */
static void
put_clean(const char *s)
{
	for (; *s != '\0'; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static void
print_event(const json_t *e, bool json)
{
	const char *kind = jstr(e, "kind");

	if (json) {
		json_dumpf(e, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
		putchar('\n');
		return;
	}
	put_clean(jstr(e, "at"));
	if (strcmp(kind, "check") == 0) {
		fputs("  check ", stdout);
		put_clean(jstr(e, "check"));
	} else {
		fputs("  ", stdout);
		put_clean(jstr(e, "instance"));
	}
	if (strcmp(kind, "peer") == 0)
		fputs(": misconfigured peer ", stdout);
	else {
		fputs(": ", stdout);
		put_clean(jstr(e, "from"));
		fputs(" -> ", stdout);
		put_clean(jstr(e, "to"));
		fputs(" (", stdout);
	}
	put_clean(jstr(e, "reason"));
	fputs(strcmp(kind, "peer") == 0 ? "\n" : ")\n", stdout);
}

struct events_args {
	bool json;
	long count;		/* watch: stop after this many; 0 = never */
	long limit;		/* history: newest this many; 0 = all */
	const char *instance;
};

static int
events_opts(const char *cmd, int argc, char **argv, struct events_args *a)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'n' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	long *target;
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+n:", longopts, NULL)) != -1) {
		if (ch == 'j') {
			a->json = true;
			continue;
		}
		if (ch != 'n' && ch != 'l')
			return EXIT_USAGE;
		target = ch == 'n' ? &a->count : &a->limit;
		if (parse_days(optarg, target) != 0)
			return usage_error(cmd, "not a count: %s", optarg);
	}
	if (optind < argc)
		a->instance = argv[optind++];
	if (optind < argc)
		return usage_error(cmd, "unexpected argument %s", argv[optind]);
	return 0;
}

int
vipctl_history_main(const char *sock, int argc, char **argv)
{
	struct ctl_request req = { .cmd = CTL_CMD_HISTORY };
	struct events_args a = { .limit = 20 };
	char err[1024] = "";
	json_t *res = NULL, *e;
	size_t i;
	int rc;

	if ((rc = events_opts("history", argc, argv, &a)) != 0)
		return rc;
	if (a.instance != NULL &&
	    (rc = set_instance(&req, "history", a.instance)) != 0)
		return rc;
	snprintf(req.limit, sizeof(req.limit), "%ld", a.limit);
	if (vipctl_call(sock, &req, &res, err, sizeof(err)) != 0) {
		fprintf(stderr, "vipctl: %s\n", err);
		return 1;
	}
	json_array_foreach(json_object_get(res, "events"), i, e)
		print_event(e, a.json);
	if (!a.json && json_array_size(json_object_get(res, "events")) == 0)
		printf("no events yet\n");
	json_decref(res);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* One poll: print what is new; returns 0, 1 (unreachable) or 2 (done). */
static int
watch_poll(const char *sock, struct ctl_request *req, struct events_args *a,
    unsigned long long *next, char *err, size_t errlen)
{
	json_t *res = NULL, *e;
	unsigned long long n, lost;
	size_t i;

	snprintf(req->since, sizeof(req->since), "%llu", *next);
	if (vipctl_call(sock, req, &res, err, errlen) != 0)
		return 1;
	n = (unsigned long long)json_integer_value(json_object_get(res, "next"));
	lost = (unsigned long long)json_integer_value(json_object_get(res,
	    "lost"));
	if (lost > 0 && !a->json)
		printf("(%llu events dropped from vipd's history before "
		    "they could be read)\n", lost);
	json_array_foreach(json_object_get(res, "events"), i, e) {
		print_event(e, a->json);
		if (a->count > 0 && --a->count == 0) {
			json_decref(res);
			return 2;
		}
	}
	*next = n;
	json_decref(res);
	return 0;
}

int
vipctl_watch_main(const char *sock, int argc, char **argv)
{
	struct ctl_request req = { .cmd = CTL_CMD_HISTORY };
	struct events_args a = { 0 };
	unsigned long long next = ULLONG_MAX;	/* from now on */
	char err[1024];
	bool down = false;
	int rc;

	if ((rc = events_opts("watch", argc, argv, &a)) != 0)
		return rc;
	if (a.instance != NULL &&
	    (rc = set_instance(&req, "watch", a.instance)) != 0)
		return rc;
	for (;;) {
		unsigned long long before = next;

		err[0] = '\0';
		rc = watch_poll(sock, &req, &a, &next, err, sizeof(err));
		if (rc == 2)
			return fflush(stdout) == 0 ? 0 : 1;
		if (rc == 1 && !down)
			fprintf(stderr, "vipctl: watch: %s; retrying\n", err);
		if (rc == 0 && down)
			fprintf(stderr, "vipctl: watch: vipd answers again\n");
		down = rc == 1;
		/* A restarted vipd counts from 1 again. */
		if (rc == 0 && before != ULLONG_MAX && next < before)
			next = 1;
		fflush(stdout);
		usleep(down ? 1000000 : WATCH_POLL_US);
	}
}
