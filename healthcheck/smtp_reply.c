/* SPDX-License-Identifier: ISC */
/* SMTP reply parser (RFC 5321 §4.2): multi-line replies, codes, EHLO keywords (pure). */
#include <string.h>

#include "healthcheck/smtp_reply.h"

static const char *const reply_errstr[HC_SMTP_REPLY_ERR__MAX] = {
	[HC_SMTP_REPLY_OK] = "ok",
	[HC_SMTP_REPLY_ERR_CODE] = "bad reply code",
	[HC_SMTP_REPLY_ERR_SEPARATOR] = "bad separator after reply code",
	[HC_SMTP_REPLY_ERR_MIXED] = "reply code changes within a reply",
	[HC_SMTP_REPLY_ERR_LINE_TOO_LONG] = "reply line too long",
	[HC_SMTP_REPLY_ERR_TOO_MANY_LINES] = "too many reply lines",
	[HC_SMTP_REPLY_ERR_TOO_LONG] = "reply too long",
};

const char *
hc_smtp_reply_strerror(enum hc_smtp_reply_err err)
{
	if ((unsigned)err >= HC_SMTP_REPLY_ERR__MAX)
		return "unknown error";
	return reply_errstr[err];
}

static const struct {
	const char *name;
	uint32_t flag;
} ehlo_keywords[] = {
	{ "STARTTLS", HC_SMTP_EXT_STARTTLS },
	{ "PIPELINING", HC_SMTP_EXT_PIPELINING },
	{ "SIZE", HC_SMTP_EXT_SIZE },
	{ "8BITMIME", HC_SMTP_EXT_8BITMIME },
	{ "ENHANCEDSTATUSCODES", HC_SMTP_EXT_ENHANCEDSTATUSCODES },
	{ "SMTPUTF8", HC_SMTP_EXT_SMTPUTF8 },
	{ "CHUNKING", HC_SMTP_EXT_CHUNKING },
	{ "DSN", HC_SMTP_EXT_DSN },
	{ "AUTH", HC_SMTP_EXT_AUTH },
};

static int
fail(struct hc_smtp_reply *out, enum hc_smtp_reply_err err)
{
	out->err = err;
	return -1;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ASCII-only, so the result does not depend on the locale. */
static char
up(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

/* Validate whatever part of a line's "NNN" + separator has arrived. */
static enum hc_smtp_reply_err
check_prefix(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < 3 && i < n; i++)
		if (!is_digit(p[i]))
			return HC_SMTP_REPLY_ERR_CODE;
	if (n >= 1 && (p[0] < '2' || p[0] > '5'))
		return HC_SMTP_REPLY_ERR_CODE;
	if (n >= 4 && p[3] != ' ' && p[3] != '-' && p[3] != '\r' &&
	    p[3] != '\n')
		return HC_SMTP_REPLY_ERR_SEPARATOR;
	return HC_SMTP_REPLY_OK;
}

/*
 * Find the end of the line at p. Returns 1 with *clen (content, CR/LF
 * excluded) and *llen (terminator included), 0 if incomplete, -1 if the
 * line is longer than HC_SMTP_LINE_MAX.
 */
static int
find_eol(const char *p, size_t n, size_t *clen, size_t *llen)
{
	size_t lim = n < HC_SMTP_LINE_MAX + 2 ? n : HC_SMTP_LINE_MAX + 2;
	const char *lf = memchr(p, '\n', lim);
	size_t e;

	if (lf == NULL)
		return n >= HC_SMTP_LINE_MAX + 2 ? -1 : 0;
	e = (size_t)(lf - p);
	*llen = e + 1;
	*clen = (e > 0 && p[e - 1] == '\r') ? e - 1 : e;
	return *clen > HC_SMTP_LINE_MAX ? -1 : 1;
}

static void
copy_text(char *dst, const char *src, size_t n)
{
	size_t i;

	if (n > HC_SMTP_TEXT_MAX - 1)
		n = HC_SMTP_TEXT_MAX - 1;
	for (i = 0; i < n; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[n] = '\0';
}

static uint64_t
parse_size(const char *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n && is_digit(p[i]); i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return UINT64_MAX;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	return v;
}

/* One EHLO line's text: "KEYWORD[ params]" ("AUTH=..." is a legacy form). */
static void
ehlo_keyword(struct hc_smtp_reply *out, const char *p, size_t n)
{
	size_t klen = 0, i, j;

	while (klen < n && p[klen] != ' ' && p[klen] != '=')
		klen++;
	for (i = 0; i < sizeof(ehlo_keywords) / sizeof(ehlo_keywords[0]);
	    i++) {
		const char *name = ehlo_keywords[i].name;

		if (strlen(name) != klen)
			continue;
		for (j = 0; j < klen && up(p[j]) == name[j]; j++)
			;
		if (j < klen)
			continue;
		out->ext |= ehlo_keywords[i].flag;
		if (ehlo_keywords[i].flag == HC_SMTP_EXT_SIZE && klen < n)
			out->size = parse_size(p + klen + 1, n - klen - 1);
		return;
	}
}

/* Account for one complete line; returns 0 or -1 (out->err set). */
static int
take_line(struct hc_smtp_reply *out, const char *p, size_t clen)
{
	int code;

	/* Only "NNN" or "NNN" + ' '/'-' + text; a bare CR is no separator. */
	if (clen > 3 && p[3] != ' ' && p[3] != '-')
		return fail(out, HC_SMTP_REPLY_ERR_SEPARATOR);
	code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	if (out->nlines == 0) {
		out->code = code;
		copy_text(out->text, p + 4, clen > 4 ? clen - 4 : 0);
	} else if (code != out->code) {
		return fail(out, HC_SMTP_REPLY_ERR_MIXED);
	} else if (clen > 4) {
		ehlo_keyword(out, p + 4, clen - 4);
	}
	out->nlines++;
	return 0;
}

int
hc_smtp_reply_parse(const char *buf, size_t len, struct hc_smtp_reply *out,
    size_t *consumed)
{
	size_t pos = 0, clen = 0, llen = 0;
	enum hc_smtp_reply_err e;
	const char *p;
	int r;

	memset(out, 0, sizeof(*out));
	*consumed = 0;
	for (;;) {
		/* The previous line said "more follows": one line too many. */
		if (out->nlines == HC_SMTP_LINES_MAX)
			return fail(out, HC_SMTP_REPLY_ERR_TOO_MANY_LINES);
		p = buf + pos;
		if ((e = check_prefix(p, len - pos)) != HC_SMTP_REPLY_OK)
			return fail(out, e);
		r = find_eol(p, len - pos, &clen, &llen);
		if (r < 0)
			return fail(out, HC_SMTP_REPLY_ERR_LINE_TOO_LONG);
		if (r == 0) {
			/* A complete reply would need more than len bytes. */
			if (len >= HC_SMTP_REPLY_MAX)
				return fail(out, HC_SMTP_REPLY_ERR_TOO_LONG);
			return 0;
		}
		if (pos + llen > HC_SMTP_REPLY_MAX)
			return fail(out, HC_SMTP_REPLY_ERR_TOO_LONG);
		/* check_prefix saw a whole line: 3 digits are there. */
		if (take_line(out, p, clen) < 0)
			return -1;
		pos += llen;
		if (clen == 3 || p[3] == ' ') {
			*consumed = pos;
			return 1;
		}
	}
}
