/* SPDX-License-Identifier: ISC */
/* libFuzzer target: control requests, line framing, responses, status table. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctl/ctl_proto.h"
#include "vipctl/print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FRAME_MAX 64

static FILE *
sink(void)
{
	static FILE *f;

	if (f == NULL && (f = fopen("/dev/null", "w")) == NULL)
		abort();
	return f;
}

/* A request that parses must survive encode and parse unchanged. */
static void
request(const char *line, size_t len)
{
	struct ctl_request a, b;
	char err[256];
	char *enc;

	if (ctl_request_parse(line, len, &a, err, sizeof(err)) == -1) {
		/* One printable ASCII line, whatever the input. */
		if (err[0] == '\0')
			abort();
		for (const char *p = err; *p != '\0'; p++)
			if (*p < 0x20 || *p > 0x7e)
				abort();
		return;
	}
	if ((enc = ctl_request_encode(&a)) == NULL)
		abort();
	if (ctl_request_parse(enc, strlen(enc) - 1, &b, err, sizeof(err)) ||
	    memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	free(enc);
}

/* Feed the input in chunks sized by its own bytes; check every line. */
static void
framing(const uint8_t *data, size_t size)
{
	struct ctl_buf b;
	const char *line;
	size_t off = 0, len, taken = 0;
	int rc = 0;

	ctl_buf_init(&b, FRAME_MAX);
	while (off < size && rc != -1) {
		size_t n = (data[off] % 97) + 1;

		if (n > size - off)
			n = size - off;
		if (ctl_buf_append(&b, data + off, n) == -1)
			abort();
		off += n;
		while ((rc = ctl_buf_pop(&b, &line, &len)) == 1) {
			if (len > FRAME_MAX || memchr(line, '\n', len) != NULL ||
			    memcmp(line, data + taken, len) != 0 ||
			    data[taken + len] != '\n')
				abort();
			taken += len + 1;
			request(line, len);
		}
		/* Storage stays within one line plus one append. */
		if (b.cap > 2 * (FRAME_MAX + 1 + 97) + 256)
			abort();
	}
	if (rc != -1 && ctl_buf_pending(&b) != size - taken)
		abort();
	ctl_buf_free(&b);
}

static void
response(const char *line, size_t len)
{
	json_t *res = NULL, *back = NULL;
	char err[256];
	char *enc;

	if (ctl_response_parse(line, len, &res, err, sizeof(err)) !=
	    CTL_RESP_OK) {
		if (res != NULL)
			abort();
		return;
	}
	vipctl_print_status(res, sink());
	vipctl_print_json(res, sink());
	/* The result is re-encoded as the daemon would send it. */
	enc = ctl_response_ok(json_incref(res));
	if (enc == NULL || memchr(enc, '\n', strlen(enc)) !=
	    enc + strlen(enc) - 1)
		abort();
	if (ctl_response_parse(enc, strlen(enc) - 1, &back, err,
	    sizeof(err)) != CTL_RESP_OK || !json_equal(res, back))
		abort();
	free(enc);
	json_decref(back);
	json_decref(res);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *any;

	request((const char *)data, size);
	framing(data, size);
	response((const char *)data, size);
	/* Any JSON at all, as if it were a status result. */
	any = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	vipctl_print_status(any, sink());
	json_decref(any);
	return 0;
}
