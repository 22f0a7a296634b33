/* SPDX-License-Identifier: ISC */
/* Control protocol shared by vipd and vipctl: newline-delimited JSON (pure). */
#ifndef VIPD_CTL_PROTO_H
#define VIPD_CTL_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/*
 * Wire format: each request and each response is one JSON object on one
 * line ending in "\n". Requests: {"command":"NAME", ARG:"VALUE"...}.
 * Responses: {"ok":true,"result":{...}} or {"ok":false,"error":"message"}.
 */

#define CTL_SOCKET_PATH		"/run/vipd/vipd.sock"
#define CTL_MAX_LINE		(64 * 1024)	/* request bytes, newline excluded */
#define CTL_INSTANCE_MAX	64		/* sizeof instance, NUL included */
#define CTL_MODE_MAX		8		/* sizeof mode, NUL included */
#define CTL_NUMBER_MAX		21		/* a uint64 in decimal, NUL included */

/* Non-root members of this group may use the read-only commands. */
#define CTL_GROUP		"vipd"

enum ctl_cmd {
	CTL_CMD_STATUS,		/* no arguments */
	CTL_CMD_EXPLAIN,	/* optional "instance" */
	CTL_CMD_MAINTENANCE,	/* "mode": "on"|"off", optional "instance" */
	CTL_CMD_HISTORY,	/* optional "instance", "since", "limit" */
	CTL_CMD_RELOAD,		/* no arguments: re-read the configuration */
	CTL_CMD__MAX
};

/* A decoded request; an empty string means the argument was absent. */
struct ctl_request {
	enum ctl_cmd cmd;
	char instance[CTL_INSTANCE_MAX];
	char mode[CTL_MODE_MAX];
	char since[CTL_NUMBER_MAX];	/* decimal digits */
	char limit[CTL_NUMBER_MAX];	/* decimal digits */
};

/* Name of cmd on the wire ("status"), or NULL if out of range. */
const char *ctl_cmd_name(enum ctl_cmd cmd);

/* The command called name, or -1 if there is none. */
int ctl_cmd_lookup(const char *name);

/*
 * Whether cmd only reads: such commands are open to the CTL_GROUP group;
 * the others (maintenance, ...) are root's.
 */
bool ctl_cmd_readonly(enum ctl_cmd cmd);

/*
 * Parse one request line (without its newline). Checks the size, the JSON,
 * the command and every argument (known, allowed for the command, a string,
 * short and printable, in its set of values); required arguments must be
 * present. Returns 0, or -1 with a reason in err (size errlen): one line of
 * printable ASCII, whatever the input.
 */
int ctl_request_parse(const char *line, size_t len, struct ctl_request *req,
    char *err, size_t errlen);

/*
 * Encode req as a request line ending in "\n"; empty arguments are left
 * out. Returns a malloc'd string, or NULL (cmd out of range, ENOMEM).
 */
char *ctl_request_encode(const struct ctl_request *req);

/*
 * Encode a success response carrying result, which must be an object;
 * result is consumed (its reference is stolen) in every case, NULL
 * included. Returns a malloc'd line ending in "\n", or NULL (not an
 * object, ENOMEM).
 */
char *ctl_response_ok(json_t *result);

/*
 * Encode an error response. Bytes of msg that are not valid UTF-8 are sent
 * as '?'. Returns a malloc'd line ending in "\n", or NULL on ENOMEM.
 */
char *ctl_response_error(const char *msg);

/* ctl_response_parse results. */
#define CTL_RESP_OK		0	/* *result holds the result object */
#define CTL_RESP_ERROR		(-1)	/* err holds the daemon's message */
#define CTL_RESP_INVALID	(-2)	/* not a response; err says why */

/*
 * Parse one response line (without its newline). On CTL_RESP_OK, *result
 * is a new reference to the result object; otherwise *result is NULL and
 * err (size errlen) holds the daemon's error (control characters shown as
 * '?') or the reason the line is not a valid response.
 */
int ctl_response_parse(const char *line, size_t len, json_t **result,
    char *err, size_t errlen);

/*
 * Line framing for a byte stream, used by both ends. Append what was read,
 * then pop complete lines until none is left. A line longer than max bytes
 * (newline excluded) makes the buffer overlong: every later pop fails.
 * Memory stays within max plus the bytes of one append, provided the
 * caller pops all complete lines after each append.
 */
struct ctl_buf {
	char *data;
	size_t off;		/* first byte not yet popped */
	size_t scan;		/* bytes before this hold no newline after off */
	size_t tail;		/* start of the unterminated last line */
	size_t len;		/* bytes stored */
	size_t cap;		/* bytes allocated */
	size_t max;		/* longest line accepted, newline excluded */
	bool overlong;
};

/* Start an empty buffer accepting lines of up to max bytes. */
void ctl_buf_init(struct ctl_buf *b, size_t max);

/* Release the storage; the buffer may be initialised again. */
void ctl_buf_free(struct ctl_buf *b);

/*
 * Add n bytes. Bytes that would extend an unterminated line beyond max are
 * discarded and mark the buffer overlong (which pop reports once the lines
 * before it are taken). Returns 0, or -1 with errno ENOMEM.
 */
int ctl_buf_append(struct ctl_buf *b, const void *data, size_t n);

/*
 * Take the next complete line: *line points into the buffer (valid until
 * the next append or free) and *len excludes the newline. Returns 1 when a
 * line was taken, 0 when more bytes are needed, -1 when the next line is
 * too long (sticky).
 */
int ctl_buf_pop(struct ctl_buf *b, const char **line, size_t *len);

/* Bytes stored but not popped yet (a partial line at EOF, for instance). */
size_t ctl_buf_pending(const struct ctl_buf *b);

#endif
