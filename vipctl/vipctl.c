/* SPDX-License-Identifier: ISC */
/* vipctl: query and steer a running vipd over its control socket. */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl/ctl_proto.h"
#include "lib/version.h"
#include "vipctl/client.h"
#include "vipctl/monitor.h"
#include "vipctl/print.h"

#define EXIT_USAGE		2

/* One request, one response. Returns 0 with *result, or 1 (reported). */
static int
call(const char *path, const struct ctl_request *req, json_t **result)
{
	char err[1024] = "";

	if (vipctl_call(path, req, result, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "vipctl: %s\n", err);
	return 1;
}


/* Subcommands ------------------------------------------------------- */

struct invocation {
	const char *sock;
	bool json;
	int nargs;
	char *args[2];		/* positional arguments after the command */
};

struct command {
	const char *name;
	int (*fn)(const struct invocation *inv);
	/* Commands with options of their own take their argv instead. */
	int (*raw)(const char *sock, int argc, char **argv);
	int maxargs;
	const char *synopsis;
	const char *desc;
};

/* Print what the daemon returned; status has its own text form. */
static int
run(const struct invocation *inv, const struct ctl_request *req)
{
	json_t *result = NULL;
	int rc;

	if ((rc = call(inv->sock, req, &result)) != 0)
		return rc;
	if (inv->json)
		rc = vipctl_print_json(result, stdout);
	else if (req->cmd == CTL_CMD_STATUS)
		vipctl_print_status(result, stdout);
	else if (req->cmd == CTL_CMD_EXPLAIN)
		vipctl_print_explain(result, stdout);
	else if (req->cmd == CTL_CMD_MAINTENANCE)
		vipctl_print_maintenance(result, stdout);
	else if (json_object_size(result) > 0)
		rc = vipctl_print_json(result, stdout);
	json_decref(result);
	if (fflush(stdout) == EOF || ferror(stdout) || rc != 0) {
		fprintf(stderr, "vipctl: writing output: %s\n",
		    strerror(errno));
		return 1;
	}
	return 0;
}

static int
set_instance(struct ctl_request *req, const char *name)
{
	if (strlen(name) >= sizeof(req->instance)) {
		fprintf(stderr, "vipctl: instance name too long: %s\n", name);
		return EXIT_USAGE;
	}
	strcpy(req->instance, name);
	return 0;
}

static int
status_main(const struct invocation *inv)
{
	struct ctl_request req = { .cmd = CTL_CMD_STATUS };

	return run(inv, &req);
}

static int
explain_main(const struct invocation *inv)
{
	struct ctl_request req = { .cmd = CTL_CMD_EXPLAIN };
	int rc;

	if (inv->nargs > 0 && (rc = set_instance(&req, inv->args[0])) != 0)
		return rc;
	return run(inv, &req);
}

/* The instance called name in a status result, or NULL. */
static const json_t *
find_instance(const json_t *status, const char *name)
{
	const json_t *insts = json_object_get(status, "instances");
	size_t i;
	json_t *inst;

	json_array_foreach(insts, i, inst)
		if (json_is_string(json_object_get(inst, "name")) &&
		    strcmp(json_string_value(json_object_get(inst, "name")),
		    name) == 0)
			return inst;
	return NULL;
}

/*
 * A Master asked to hand over keeps its VIPs until a peer has taken over:
 * follow each such instance until it is Backup or the daemon gives up.
 */
static int
await_handover(const struct invocation *inv, const json_t *answer)
{
	struct ctl_request req = { .cmd = CTL_CMD_STATUS };
	const json_t *insts = json_object_get(answer, "instances");
	int rc = 0, tries;
	size_t i;
	json_t *a;

	json_array_foreach(insts, i, a) {
		const char *name = json_string_value(json_object_get(a, "name"));
		const char *act = json_string_value(json_object_get(a, "action"));

		if (name == NULL || act == NULL || strncmp(act, "handing", 7))
			continue;
		for (tries = 0; tries < 300; tries++) {
			json_t *st = NULL;
			const json_t *inst, *note;
			const char *state;

			usleep(100000);
			if (call(inv->sock, &req, &st) != 0)
				return 1;
			inst = find_instance(st, name);
			state = json_string_value(json_object_get(inst,
			    "state"));
			note = json_object_get(json_object_get(inst, "health"),
			    "maintenance_note");
			if (state != NULL && strcmp(state, "MASTER") != 0) {
				printf("%s: handed over; now %s\n", name, state);
				json_decref(st);
				break;
			}
			if (json_is_string(note) && strncmp(json_string_value(
			    note), "no peer", 7) == 0) {
				printf("%s: %s\n", name, json_string_value(note));
				json_decref(st);
				rc = 1;
				break;
			}
			json_decref(st);
		}
		if (tries == 300) {
			printf("%s: still handing over after 30 s\n", name);
			rc = 1;
		}
	}
	return rc;
}

static int
maintenance_main(const struct invocation *inv)
{
	struct ctl_request req = { .cmd = CTL_CMD_MAINTENANCE };
	int rc;

	if (inv->nargs < 1 || (strcmp(inv->args[0], "on") != 0 &&
	    strcmp(inv->args[0], "off") != 0)) {
		fprintf(stderr, "vipctl: maintenance needs \"on\" or \"off\"\n");
		return EXIT_USAGE;
	}
	strcpy(req.mode, inv->args[0]);
	if (inv->nargs > 1 && (rc = set_instance(&req, inv->args[1])) != 0)
		return rc;
	if (inv->json || strcmp(req.mode, "on") != 0)
		return run(inv, &req);
	/* Text mode: say what happened, not only what started. */
	{
		json_t *result = NULL;

		if ((rc = call(inv->sock, &req, &result)) != 0)
			return rc;
		vipctl_print_maintenance(result, stdout);
		fflush(stdout);
		rc = await_handover(inv, result);
		json_decref(result);
		return rc;
	}
}

static int
reload_main(const struct invocation *inv)
{
	struct ctl_request req = { .cmd = CTL_CMD_RELOAD };
	json_t *result = NULL;
	int rc;

	if ((rc = call(inv->sock, &req, &result)) != 0)
		return rc;
	if (inv->json) {
		rc = vipctl_print_json(result, stdout) != 0 ? 1 : 0;
		if (!json_is_true(json_object_get(result, "reloaded")))
			rc = 1;
	} else {
		rc = vipctl_print_reload(result, stdout, stderr);
	}
	json_decref(result);
	if (fflush(stdout) == EOF)
		return 1;
	return rc;
}

static const struct command commands[] = {
	{ "status", status_main, NULL, 0, "[--json]",
	    "show vipd and its instances" },
	{ "explain", explain_main, NULL, 1, "[--json] [INSTANCE]",
	    "why each instance has its state" },
	{ "maintenance", maintenance_main, NULL, 2,
	    "on|off [INSTANCE] [--json]", "hand over the VIPs, or rejoin" },
	{ "check", NULL, vipctl_check_main, 0,
	    "[INSTANCE] [--expect master|backup|any] [-w RANGE] [-c RANGE] "
	    "[--tls-warn DAYS] [--tls-crit DAYS]",
	    "Nagios/Icinga plugin: one line, exit 0/1/2/3" },
	{ "metrics", NULL, vipctl_metrics_main, 0, "",
	    "Prometheus text format (for node_exporter's textfile collector)" },
	{ "history", NULL, vipctl_history_main, 0,
	    "[INSTANCE] [--limit N] [--json]",
	    "recent transitions, check changes and peer problems" },
	{ "watch", NULL, vipctl_watch_main, 0,
	    "[INSTANCE] [--count N] [--json]",
	    "follow those events as they happen, one line each" },
	{ "reload", reload_main, NULL, 0, "[--json]",
	    "re-read the configuration, keeping state" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *out)
{
	fprintf(out, "usage: vipctl [-s PATH] COMMAND [ARGS]\n"
	    "       vipctl -h | -v\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-12s %s\n  %-12s   %s\n", commands[i].name,
		    commands[i].synopsis, "", commands[i].desc);
	fprintf(out, "\noptions:\n"
	    "  -s, --socket PATH  control socket (default $VIPD_SOCKET,\n"
	    "                     else %s)\n"
	    "  -h, --help         this text\n"
	    "  -v, --version      print the version\n", CTL_SOCKET_PATH);
}

/* Split a subcommand's arguments into --json and positional ones. */
static int
parse_command_args(const struct command *cmd, int argc, char **argv,
    struct invocation *inv)
{
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			inv->json = true;
		} else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			exit(0);
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "vipctl: %s: unknown option %s\n",
			    cmd->name, argv[i]);
			return -1;
		} else if (inv->nargs >= cmd->maxargs) {
			fprintf(stderr, "vipctl: %s: unexpected argument %s\n",
			    cmd->name, argv[i]);
			return -1;
		} else {
			inv->args[inv->nargs++] = argv[i];
		}
	}
	return 0;
}

static int
parse_options(int argc, char **argv, struct invocation *inv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "+s:hv", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			inv->sock = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'v':
			printf("vipctl %s\n", VIPD_VERSION);
			exit(0);
		default:
			usage(stderr);
			exit(EXIT_USAGE);
		}
	}
	return optind;
}

int
main(int argc, char **argv)
{
	struct invocation inv = { .sock = getenv("VIPD_SOCKET") };
	const struct command *cmd = NULL;
	int first;

	first = parse_options(argc, argv, &inv);
	if (inv.sock == NULL || inv.sock[0] == '\0')
		inv.sock = CTL_SOCKET_PATH;
	if (first >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[first], commands[i].name) == 0)
			cmd = &commands[i];
	if (cmd == NULL) {
		fprintf(stderr, "vipctl: unknown command: %s\n", argv[first]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (cmd->raw != NULL)
		return cmd->raw(inv.sock, argc - first, argv + first);
	if (parse_command_args(cmd, argc - first - 1, argv + first + 1,
	    &inv) == -1)
		return EXIT_USAGE;
	return cmd->fn(&inv);
}
