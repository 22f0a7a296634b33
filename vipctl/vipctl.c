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
#include "vipctl/print.h"


#define VIPCTL_TIMEOUT_MS	5000		/* the whole exchange */
#define VIPCTL_MAX_RESPONSE	(16 * 1024 * 1024)
#define EXIT_USAGE		2

struct client {
	const char *path;
	int fd;
	uint64_t deadline;	/* CLOCK_MONOTONIC ms */
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Wait for events on the client's fd until its deadline. */
static int
wait_fd(const struct client *cl, short events)
{
	struct pollfd pfd = { .fd = cl->fd, .events = events };
	uint64_t now;
	int rc;

	for (;;) {
		now = now_ms();
		if (now >= cl->deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		rc = poll(&pfd, 1, (int)(cl->deadline - now));
		if (rc > 0)
			return 0;
		if (rc == -1 && errno != EINTR)
			return -1;
	}
}

static int
client_connect(struct client *cl)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (strlen(cl->path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, cl->path);
	cl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (cl->fd == -1)
		return -1;
	/* A full backlog gives EAGAIN here: retry until the deadline. */
	while (connect(cl->fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno != EAGAIN && errno != EINTR)
			return -1;
		if (now_ms() >= cl->deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		poll(NULL, 0, 10);
	}
	return 0;
}

static int
client_send(struct client *cl, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = send(cl->fd, buf, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EAGAIN) {
			if (wait_fd(cl, POLLOUT) == -1)
				return -1;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
report_io(const struct client *cl, const char *what)
{
	if (errno == ETIMEDOUT)
		fprintf(stderr, "vipctl: no answer from vipd at %s within "
		    "%d s\n", cl->path, VIPCTL_TIMEOUT_MS / 1000);
	else
		fprintf(stderr, "vipctl: %s vipd at %s: %s\n", what, cl->path,
		    strerror(errno));
}

/*
 * Read the response line and decode it. Returns 0 with *result, or 1
 * after printing why not.
 */
static int
client_receive(struct client *cl, json_t **result)
{
	struct ctl_buf in;
	char buf[65536], err[512];
	const char *line;
	size_t len;
	ssize_t n;
	int rc = 1;

	ctl_buf_init(&in, VIPCTL_MAX_RESPONSE);
	for (;;) {
		int got = ctl_buf_pop(&in, &line, &len);

		if (got == 1)
			break;
		if (got == -1) {
			fprintf(stderr, "vipctl: response from vipd too long\n");
			goto out;
		}
		n = read(cl->fd, buf, sizeof(buf));
		if (n == -1 && errno == EAGAIN && wait_fd(cl, POLLIN) == 0)
			continue;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			report_io(cl, "reading from");
			goto out;
		}
		if (n == 0) {
			fprintf(stderr, "vipctl: vipd closed the connection "
			    "without answering\n");
			goto out;
		}
		if (ctl_buf_append(&in, buf, (size_t)n) == -1) {
			fprintf(stderr, "vipctl: %s\n", strerror(errno));
			goto out;
		}
	}
	switch (ctl_response_parse(line, len, result, err, sizeof(err))) {
	case CTL_RESP_OK:
		rc = 0;
		break;
	case CTL_RESP_ERROR:
		fprintf(stderr, "vipctl: %s\n", err);
		break;
	default:
		fprintf(stderr, "vipctl: invalid response from vipd: %s\n",
		    err);
		break;
	}
out:
	ctl_buf_free(&in);
	return rc;
}

/* One request, one response. Returns 0 with *result, or 1 (reported). */
static int
call(const char *path, const struct ctl_request *req, json_t **result)
{
	struct client cl = { .path = path, .fd = -1 };
	char *line;
	int rc = 1;

	cl.deadline = now_ms() + VIPCTL_TIMEOUT_MS;
	if ((line = ctl_request_encode(req)) == NULL) {
		fprintf(stderr, "vipctl: cannot encode the request\n");
		return 1;
	}
	if (client_connect(&cl) == -1) {
		bool down = errno == ENOENT || errno == ECONNREFUSED;

		fprintf(stderr, "vipctl: cannot reach vipd at %s: %s%s\n",
		    path, strerror(errno), down ? " (is vipd running?)" : "");
		goto out;
	}
	if (client_send(&cl, line, strlen(line)) == -1) {
		report_io(&cl, "sending to");
		goto out;
	}
	rc = client_receive(&cl, result);
out:
	free(line);
	if (cl.fd >= 0)
		close(cl.fd);
	return rc;
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

static const struct command commands[] = {
	{ "status", status_main, 0, "[--json]",
	    "show vipd and its instances" },
	{ "explain", explain_main, 1, "[--json] [INSTANCE]",
	    "why each instance has its state" },
	{ "maintenance", maintenance_main, 2, "on|off [INSTANCE] [--json]",
	    "hand over the VIPs, or rejoin" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *out)
{
	fprintf(out, "usage: vipctl [-s PATH] COMMAND [ARGS]\n"
	    "       vipctl -h | -v\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-12s %-27s %s\n", commands[i].name,
		    commands[i].synopsis, commands[i].desc);
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
	if (parse_command_args(cmd, argc - first - 1, argv + first + 1,
	    &inv) == -1)
		return EXIT_USAGE;
	return cmd->fn(&inv);
}
