/* SPDX-License-Identifier: ISC */
/* SMTP reply parser (RFC 5321 §4.2): multi-line replies, codes, EHLO keywords (pure). */
#ifndef VIPD_HC_SMTP_REPLY_H
#define VIPD_HC_SMTP_REPLY_H

#include <stddef.h>
#include <stdint.h>

/*
 * Limits. RFC 5321 allows 512 bytes per reply line; real servers stay far
 * below that, and we accept up to 2048 to be lenient. A whole reply
 * (every line, terminators included) must fit in HC_SMTP_REPLY_MAX, which
 * is also the size of the probe's receive buffer.
 */
#define HC_SMTP_LINE_MAX	2048	/* bytes per line, CR/LF excluded */
#define HC_SMTP_LINES_MAX	64	/* lines per reply */
#define HC_SMTP_REPLY_MAX	8192	/* bytes per reply, CR/LF included */
#define HC_SMTP_TEXT_MAX	256	/* first-line text kept, NUL included */

enum hc_smtp_reply_err {
	HC_SMTP_REPLY_OK = 0,
	HC_SMTP_REPLY_ERR_CODE,		/* not 3 digits, or first not 2-5 */
	HC_SMTP_REPLY_ERR_SEPARATOR,	/* after the code: not ' ', '-', EOL */
	HC_SMTP_REPLY_ERR_MIXED,	/* a line's code differs from line 1 */
	HC_SMTP_REPLY_ERR_LINE_TOO_LONG, /* line over HC_SMTP_LINE_MAX */
	HC_SMTP_REPLY_ERR_TOO_MANY_LINES, /* over HC_SMTP_LINES_MAX */
	HC_SMTP_REPLY_ERR_TOO_LONG,	/* reply over HC_SMTP_REPLY_MAX */
	HC_SMTP_REPLY_ERR__MAX
};

/* Short lowercase description ("bad reply code"); never NULL. */
const char *hc_smtp_reply_strerror(enum hc_smtp_reply_err err);

/* EHLO keywords (RFC 5321 §4.1.1.1: lines 2..n of a 250 reply). */
#define HC_SMTP_EXT_STARTTLS		0x0001u
#define HC_SMTP_EXT_PIPELINING		0x0002u
#define HC_SMTP_EXT_SIZE		0x0004u
#define HC_SMTP_EXT_8BITMIME		0x0008u
#define HC_SMTP_EXT_ENHANCEDSTATUSCODES	0x0010u
#define HC_SMTP_EXT_SMTPUTF8		0x0020u
#define HC_SMTP_EXT_CHUNKING		0x0040u
#define HC_SMTP_EXT_DSN			0x0080u
#define HC_SMTP_EXT_AUTH		0x0100u

struct hc_smtp_reply {
	int code;			/* 200..599 */
	unsigned nlines;		/* 1..HC_SMTP_LINES_MAX */
	/*
	 * Text of the first line after "NNN " / "NNN-", truncated and
	 * NUL-terminated; bytes outside printable ASCII become '?', so it
	 * is safe to log.
	 */
	char text[HC_SMTP_TEXT_MAX];
	uint32_t ext;			/* HC_SMTP_EXT_* seen on lines 2..n */
	uint64_t size;			/* "SIZE n" value, 0 if absent/none */
	enum hc_smtp_reply_err err;	/* set when parse returns -1 */
};

/*
 * Parse one reply from the start of buf[0..len). Lines end in CRLF or a
 * bare LF. Stateless: call again on the grown buffer when more bytes
 * arrive; errors are reported as early as the bytes allow (a bad code is
 * caught before its line ends).
 * Returns 1 when a complete reply was parsed (*out filled, *consumed its
 * length in bytes), 0 if more bytes are needed, -1 on a protocol error
 * (out->err says which). *consumed is 0 unless 1 is returned; the other
 * fields of *out are only meaningful on 1.
 */
int hc_smtp_reply_parse(const char *buf, size_t len,
    struct hc_smtp_reply *out, size_t *consumed);

#endif
