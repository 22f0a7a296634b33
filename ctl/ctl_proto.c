/* SPDX-License-Identifier: ISC */
/* Control protocol: request and response codecs and line framing (pure). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctl/ctl_proto.h"

#define ARG_INSTANCE	0x1u
#define ARG_MODE	0x2u
#define ARG_SINCE	0x4u
#define ARG_LIMIT	0x8u

/* Which arguments each command allows and which it requires. */
static const struct ctl_cmd_spec {
	const char *name;
	unsigned allowed;
	unsigned required;
	bool readonly;
} ctl_cmds[CTL_CMD__MAX] = {
	[CTL_CMD_STATUS] = { "status", 0, 0, true },
	[CTL_CMD_EXPLAIN] = { "explain", ARG_INSTANCE, 0, true },
	[CTL_CMD_MAINTENANCE] = { "maintenance", ARG_INSTANCE | ARG_MODE,
	    ARG_MODE, false },
	[CTL_CMD_HISTORY] = { "history", ARG_INSTANCE | ARG_SINCE | ARG_LIMIT,
	    0, true },
	[CTL_CMD_RELOAD] = { "reload", 0, 0, false },
};

static const char *const mode_values[] = { "on", "off", NULL };

/* Every argument is a short printable string stored in the request. */
static const struct ctl_arg_spec {
	const char *name;
	unsigned bit;
	size_t off;
	size_t size;
	const char *const *values;	/* allowed values, NULL = any */
	bool digits;			/* decimal digits only */
} ctl_args[] = {
	{ "instance", ARG_INSTANCE, offsetof(struct ctl_request, instance),
	    CTL_INSTANCE_MAX, NULL, false },
	{ "mode", ARG_MODE, offsetof(struct ctl_request, mode), CTL_MODE_MAX,
	    mode_values, false },
	{ "since", ARG_SINCE, offsetof(struct ctl_request, since),
	    CTL_NUMBER_MAX, NULL, true },
	{ "limit", ARG_LIMIT, offsetof(struct ctl_request, limit),
	    CTL_NUMBER_MAX, NULL, true },
};
#define NARGS (sizeof(ctl_args) / sizeof(ctl_args[0]))

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * Copy remote text for an error message: at most 32 bytes, ASCII only, so
 * the message stays one short, valid line whatever the peer sent.
 */
static const char *
quote(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < size && i < 32 && src[i] != '\0'; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	dst[i] = '\0';
	if (src[i] != '\0' && i >= 3)
		memcpy(dst + i - 3, "...", 3);
	return dst;
}

/*
 * Replace control characters, and with ascii_only every non-ASCII byte, so
 * text quoting the peer (jansson quotes its input) stays one clean line.
 */
static void
sanitize(char *s, bool ascii_only)
{
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || (ascii_only && c >= 0x80))
			*s = '?';
	}
}

static void
json_err(char *err, size_t errlen, const json_error_t *jerr)
{
	seterr(err, errlen, "invalid JSON at column %d: %s", jerr->column,
	    jerr->text);
	if (errlen > 0)
		sanitize(err, true);
}

const char *
ctl_cmd_name(enum ctl_cmd cmd)
{
	if ((unsigned)cmd >= CTL_CMD__MAX)
		return NULL;
	return ctl_cmds[cmd].name;
}

int
ctl_cmd_lookup(const char *name)
{
	for (int i = 0; i < CTL_CMD__MAX; i++)
		if (strcmp(ctl_cmds[i].name, name) == 0)
			return i;
	return -1;
}

bool
ctl_cmd_readonly(enum ctl_cmd cmd)
{
	return (unsigned)cmd < CTL_CMD__MAX && ctl_cmds[cmd].readonly;
}

static const struct ctl_arg_spec *
arg_lookup(const char *name)
{
	for (size_t i = 0; i < NARGS; i++)
		if (strcmp(ctl_args[i].name, name) == 0)
			return &ctl_args[i];
	return NULL;
}

static const char *
json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "unknown";
}

/* Check one argument's value and store it in req. */
static int
arg_store(const struct ctl_arg_spec *a, json_t *v, struct ctl_request *req,
    char *err, size_t errlen)
{
	const char *s;
	size_t n;

	if (!json_is_string(v)) {
		seterr(err, errlen, "\"%s\" must be a string, not %s",
		    a->name, json_type_name(v));
		return -1;
	}
	s = json_string_value(v);
	n = json_string_length(v);
	if (n == 0 || n >= a->size) {
		seterr(err, errlen, "\"%s\" must be 1 to %zu bytes long",
		    a->name, a->size - 1);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f) {
			seterr(err, errlen,
			    "\"%s\" must not contain control characters",
			    a->name);
			return -1;
		}
	}
	if (a->digits && strspn(s, "0123456789") != n) {
		seterr(err, errlen, "\"%s\" must be decimal digits", a->name);
		return -1;
	}
	if (a->values != NULL) {
		size_t i;
		char q[40];

		for (i = 0; a->values[i] != NULL; i++)
			if (strcmp(a->values[i], s) == 0)
				break;
		if (a->values[i] == NULL) {
			seterr(err, errlen, "invalid \"%s\" '%s'", a->name,
			    quote(q, sizeof(q), s));
			return -1;
		}
	}
	memcpy((char *)req + a->off, s, n + 1);
	return 0;
}

static int
request_command(json_t *obj, struct ctl_request *req, char *err,
    size_t errlen)
{
	json_t *v = json_object_get(obj, "command");
	char q[40];
	int cmd;

	if (v == NULL) {
		seterr(err, errlen, "missing \"command\"");
		return -1;
	}
	if (!json_is_string(v)) {
		seterr(err, errlen, "\"command\" must be a string, not %s",
		    json_type_name(v));
		return -1;
	}
	cmd = ctl_cmd_lookup(json_string_value(v));
	if (cmd < 0) {
		seterr(err, errlen, "unknown command '%s'",
		    quote(q, sizeof(q), json_string_value(v)));
		return -1;
	}
	req->cmd = (enum ctl_cmd)cmd;
	return 0;
}

static int
request_args(json_t *obj, struct ctl_request *req, char *err, size_t errlen)
{
	const struct ctl_cmd_spec *c = &ctl_cmds[req->cmd];
	const struct ctl_arg_spec *a;
	unsigned seen = 0;
	const char *key;
	json_t *v;
	char q[40];

	json_object_foreach(obj, key, v) {
		if (strcmp(key, "command") == 0)
			continue;
		if ((a = arg_lookup(key)) == NULL) {
			seterr(err, errlen, "unknown argument '%s'",
			    quote(q, sizeof(q), key));
			return -1;
		}
		if (!(c->allowed & a->bit)) {
			seterr(err, errlen, "command '%s' takes no \"%s\"",
			    c->name, a->name);
			return -1;
		}
		if (arg_store(a, v, req, err, errlen) == -1)
			return -1;
		seen |= a->bit;
	}
	for (size_t i = 0; i < NARGS; i++) {
		if ((c->required & ctl_args[i].bit) && !(seen & ctl_args[i].bit)) {
			seterr(err, errlen, "command '%s' requires \"%s\"",
			    c->name, ctl_args[i].name);
			return -1;
		}
	}
	return 0;
}

int
ctl_request_parse(const char *line, size_t len, struct ctl_request *req,
    char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *obj;
	int rc = -1;

	memset(req, 0, sizeof(*req));
	if (len > CTL_MAX_LINE) {
		seterr(err, errlen, "request too long (%zu bytes, limit %d)",
		    len, CTL_MAX_LINE);
		return -1;
	}
	obj = json_loadb(line, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
	    &jerr);
	if (obj == NULL) {
		json_err(err, errlen, &jerr);
		return -1;
	}
	if (!json_is_object(obj)) {
		seterr(err, errlen, "request must be an object, not %s",
		    json_type_name(obj));
		goto out;
	}
	if (request_command(obj, req, err, errlen) == -1 ||
	    request_args(obj, req, err, errlen) == -1)
		goto out;
	rc = 0;
out:
	json_decref(obj);
	if (rc == -1)
		memset(req, 0, sizeof(*req));
	return rc;
}

/* Dump obj compactly and add the newline; consumes obj. */
static char *
dump_line(json_t *obj)
{
	char *s, *line;
	size_t n;

	if (obj == NULL)
		return NULL;
	s = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (s == NULL)
		return NULL;
	n = strlen(s);
	if ((line = realloc(s, n + 2)) == NULL) {
		free(s);
		return NULL;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	return line;
}

char *
ctl_request_encode(const struct ctl_request *req)
{
	const char *name = ctl_cmd_name(req->cmd);
	json_t *obj;

	if (name == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((obj = json_object()) == NULL)
		return NULL;
	if (json_object_set_new(obj, "command", json_string(name)) == -1)
		goto fail;
	for (size_t i = 0; i < NARGS; i++) {
		const char *v = (const char *)req + ctl_args[i].off;

		if (v[0] == '\0')
			continue;
		if (memchr(v, '\0', ctl_args[i].size) == NULL ||
		    json_object_set_new(obj, ctl_args[i].name,
		    json_string(v)) == -1)
			goto fail;
	}
	return dump_line(obj);
fail:
	json_decref(obj);
	errno = EINVAL;
	return NULL;
}

/* {"ok":ok,key:value}; consumes value. */
static json_t *
envelope(bool ok, const char *key, json_t *value)
{
	json_t *obj = json_object();

	if (obj == NULL) {
		json_decref(value);
		return NULL;
	}
	/* json_object_set_new consumes value even when it fails. */
	if (json_object_set_new(obj, "ok", json_boolean(ok)) == -1) {
		json_decref(value);
		json_decref(obj);
		return NULL;
	}
	if (json_object_set_new(obj, key, value) == -1) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

char *
ctl_response_ok(json_t *result)
{
	if (!json_is_object(result)) {
		json_decref(result);
		errno = EINVAL;
		return NULL;
	}
	return dump_line(envelope(true, "result", result));
}

char *
ctl_response_error(const char *msg)
{
	json_t *s;

	if (msg == NULL)
		msg = "unknown error";
	if ((s = json_string(msg)) == NULL) {
		/* Not UTF-8: keep the ASCII, replace the rest. */
		char *copy = strdup(msg);

		if (copy == NULL)
			return NULL;
		for (char *p = copy; *p != '\0'; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
		s = json_string(copy);
		free(copy);
		if (s == NULL)
			return NULL;
	}
	return dump_line(envelope(false, "error", s));
}

static int
response_fields(json_t *obj, json_t **result, char *err, size_t errlen)
{
	json_t *ok = json_object_get(obj, "ok");
	json_t *v;

	if (!json_is_boolean(ok)) {
		seterr(err, errlen, "\"ok\" missing or not a boolean");
		return CTL_RESP_INVALID;
	}
	if (json_is_true(ok)) {
		v = json_object_get(obj, "result");
		if (!json_is_object(v)) {
			seterr(err, errlen, "\"result\" missing or not an object");
			return CTL_RESP_INVALID;
		}
		*result = json_incref(v);
		return CTL_RESP_OK;
	}
	v = json_object_get(obj, "error");
	if (!json_is_string(v)) {
		seterr(err, errlen, "\"error\" missing or not a string");
		return CTL_RESP_INVALID;
	}
	seterr(err, errlen, "%s", json_string_value(v));
	if (errlen > 0)
		sanitize(err, false);
	return CTL_RESP_ERROR;
}

int
ctl_response_parse(const char *line, size_t len, json_t **result,
    char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *obj;
	int rc;

	*result = NULL;
	obj = json_loadb(line, len, JSON_DECODE_ANY, &jerr);
	if (obj == NULL) {
		json_err(err, errlen, &jerr);
		return CTL_RESP_INVALID;
	}
	if (!json_is_object(obj)) {
		seterr(err, errlen, "response must be an object, not %s",
		    json_type_name(obj));
		json_decref(obj);
		return CTL_RESP_INVALID;
	}
	rc = response_fields(obj, result, err, errlen);
	json_decref(obj);
	return rc;
}

/* Framing ------------------------------------------------------------- */

void
ctl_buf_init(struct ctl_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
ctl_buf_free(struct ctl_buf *b)
{
	free(b->data);
	ctl_buf_init(b, b->max);
}

size_t
ctl_buf_pending(const struct ctl_buf *b)
{
	return b->len - b->off;
}

/* Make room for n more bytes, first dropping what was popped. */
static int
buf_reserve(struct ctl_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (b->off > 0) {
		memmove(b->data, b->data + b->off, b->len - b->off);
		b->len -= b->off;
		b->scan -= b->off;
		b->tail -= b->off;
		b->off = 0;
	}
	if (n > SIZE_MAX - b->len) {
		errno = ENOMEM;
		return -1;
	}
	need = b->len + n;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if ((p = realloc(b->data, cap)) == NULL)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

int
ctl_buf_append(struct ctl_buf *b, const void *data, size_t n)
{
	const char *nl;
	size_t keep = n;

	if (b->overlong || n == 0)
		return 0;
	nl = memrchr(data, '\n', n);
	if (nl != NULL) {
		size_t rest = n - (size_t)(nl - (const char *)data) - 1;

		if (rest > b->max) {
			keep = n - rest;
			b->overlong = true;
		}
	} else if (n > b->max - (b->len - b->tail)) {
		keep = 0;
		b->overlong = true;
	}
	if (keep == 0)
		return 0;
	if (buf_reserve(b, keep) == -1)
		return -1;
	memcpy(b->data + b->len, data, keep);
	if (nl != NULL)
		b->tail = b->len + (size_t)(nl - (const char *)data) + 1;
	b->len += keep;
	return 0;
}

int
ctl_buf_pop(struct ctl_buf *b, const char **line, size_t *len)
{
	const char *nl;
	size_t n;

	*line = NULL;
	*len = 0;
	if (b->scan < b->off)
		b->scan = b->off;
	nl = b->len > b->scan ?
	    memchr(b->data + b->scan, '\n', b->len - b->scan) : NULL;
	if (nl == NULL) {
		b->scan = b->len;
		return b->overlong ? -1 : 0;
	}
	n = (size_t)(nl - (b->data + b->off));
	if (n > b->max) {
		b->overlong = true;
		b->off = b->scan = b->tail = b->len;
		return -1;
	}
	*line = b->data + b->off;
	*len = n;
	b->off += n + 1;
	b->scan = b->off;
	return 1;
}
