/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the SMTP reply parser: invariants on the result and on every cut of the input. */
#include <stdint.h>
#include <string.h>

#include "healthcheck/smtp_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_reply(const struct hc_smtp_reply *r, size_t used, size_t len)
{
	size_t i, n = strnlen(r->text, sizeof(r->text));

	if (used == 0 || used > len || used > HC_SMTP_REPLY_MAX ||
	    r->code < 200 || r->code > 599 || r->nlines < 1 ||
	    r->nlines > HC_SMTP_LINES_MAX || n == sizeof(r->text) ||
	    r->err != HC_SMTP_REPLY_OK)
		__builtin_trap();
	for (i = 0; i < n; i++)
		if (r->text[i] < 0x20 || r->text[i] >= 0x7f)
			__builtin_trap();
}

/*
 * The parser is stateless and reports errors as early as the bytes
 * allow, so a cut of the input must agree with the whole: an error stays
 * the same error, "need more" stays "need more" or completes, and a reply
 * complete within the cut parses identically.
 */
static void
check_cut(const char *buf, size_t len, size_t cut, int full,
    const struct hc_smtp_reply *fr, size_t fused)
{
	struct hc_smtp_reply r;
	size_t used;
	int part = hc_smtp_reply_parse(buf, cut, &r, &used);

	if (part == -1 && (full != -1 || r.err != fr->err))
		__builtin_trap();
	if (full == 1 && fused <= cut &&
	    (part != 1 || used != fused || r.code != fr->code ||
	    r.nlines != fr->nlines || r.ext != fr->ext ||
	    strcmp(r.text, fr->text) != 0))
		__builtin_trap();
	if (full == 1 && fused > cut && part != 0)
		__builtin_trap();
	if (full == 0 && part != 0)
		__builtin_trap();
	(void)len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct hc_smtp_reply r;
	size_t used = 0;
	int ret = hc_smtp_reply_parse(buf, size, &r, &used);

	if (ret == 1)
		check_reply(&r, used, size);
	else if (ret == 0 && used != 0)
		__builtin_trap();
	else if (ret == -1 && (used != 0 || r.err == HC_SMTP_REPLY_OK ||
	    r.err >= HC_SMTP_REPLY_ERR__MAX ||
	    hc_smtp_reply_strerror(r.err) == NULL))
		__builtin_trap();
	else if (ret < -1 || ret > 1)
		__builtin_trap();
	check_cut(buf, size, size / 2, ret, &r, used);
	if (size > 0)
		check_cut(buf, size, size - 1, ret, &r, used);
	return 0;
}
