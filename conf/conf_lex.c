/* SPDX-License-Identifier: ISC */
/* Lexical layer of the configuration parser: tokens, values, diagnostics. */

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_lex.h"

/* Tokens --------------------------------------------------------------- */

static bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Raw control bytes have no business in a text file; they mean binary. */
static bool
is_bad(unsigned char c)
{
	return (c < 0x20 && !is_space(c)) || c == 0x7f;
}

void
conf_lex_init(struct conf_lexer *lx, const char *line, size_t len)
{
	lx->p = line;
	lx->end = line + len;
	lx->err = NULL;
	lx->braces_literal = false;
}

static bool
ends_word(const struct conf_lexer *lx, unsigned char c)
{
	return is_space(c) || ((c == '{' || c == '}') && !lx->braces_literal);
}

/*
 * Scan one word.  As in keepalived 2.2.7, '"' is the only quote character
 * and backslashes are plain text, so passwords read the same as there.  On
 * error keep scanning to the end of the word so lexing can go on.
 */
static enum conf_tok
lex_word(struct conf_lexer *lx, char *buf, size_t cap, size_t *lenp)
{
	size_t n = 0, max = cap - 1 < CONF_TOKEN_MAX ? cap - 1 : CONF_TOKEN_MAX;
	bool quoted = false;
	unsigned char c;

	while (lx->p < lx->end) {
		c = (unsigned char)*lx->p;
		if (!quoted && ends_word(lx, c))
			break;
		/* keepalived: '#' or '!' outside quotes ends the line... */
		if (!quoted && (c == '#' || c == '!')) {
			lx->p = lx->end;
			break;
		}
		lx->p++;
		/* ...unless a backslash escapes it (the backslash goes). */
		if (!quoted && c == '\\' && lx->p < lx->end &&
		    (*lx->p == '#' || *lx->p == '!')) {
			c = (unsigned char)*lx->p++;
		} else if (c == '"') {
			quoted = !quoted;
			continue;
		}
		if (is_bad(c) && lx->err == NULL)
			lx->err = "invalid control character";
		else if (n == max && lx->err == NULL)
			lx->err = "word longer than 1024 bytes";
		else if (lx->err == NULL)
			buf[n++] = (char)c;
	}
	if (quoted && lx->err == NULL)
		lx->err = "unterminated quoted string";
	buf[n] = '\0';
	*lenp = n;
	return lx->err != NULL ? CONF_TOK_ERROR : CONF_TOK_WORD;
}

enum conf_tok
conf_lex_next(struct conf_lexer *lx, char *buf, size_t cap, size_t *lenp)
{
	unsigned char c;

	lx->err = NULL;
	*lenp = 0;
	buf[0] = '\0';
	while (lx->p < lx->end && is_space((unsigned char)*lx->p))
		lx->p++;
	if (lx->p == lx->end)
		return CONF_TOK_EOL;
	c = (unsigned char)*lx->p;
	if (c == '#' || c == '!') {
		lx->p = lx->end;
		return CONF_TOK_EOL;
	}
	if ((c == '{' || c == '}') && !lx->braces_literal) {
		lx->p++;
		return c == '{' ? CONF_TOK_OPEN : CONF_TOK_CLOSE;
	}
	return lex_word(lx, buf, cap, lenp);
}

int
conf_lex_needs_quote(const char *s, size_t len)
{
	size_t i;
	unsigned char c;

	if (len == 0)
		return 1;
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (is_space(c) || c == '{' || c == '}' || c == '"' ||
		    c == '#' || c == '!')
			return 1;
	}
	return 0;
}

void
conf_lex_print_word(FILE *out, const char *s, size_t len)
{
	bool q = conf_lex_needs_quote(s, len);

	if (q)
		fputc('"', out);
	fwrite(s, 1, len, out);
	if (q)
		fputc('"', out);
}

const char *
conf_lex_repr(char *out, size_t cap, const char *s, size_t len)
{
	size_t i, n = 0, shown = len > 40 ? 40 : len;
	unsigned char c;

	if (cap < 8) {
		if (cap > 0)
			out[0] = '\0';
		return out;
	}
	for (i = 0; i < shown && n + 8 < cap; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f)
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, cap - n, "\\x%02x", c);
	}
	if (i < len)
		n += (size_t)snprintf(out + n, cap - n, "...");
	out[n] = '\0';
	return out;
}

/* Values --------------------------------------------------------------- */

int
conf_lex_uint(const char *s, uint32_t *out)
{
	uint64_t v = 0;
	bool big = false;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (!big)
			v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			big = true;
	}
	*out = big ? UINT32_MAX : (uint32_t)v;
	return big ? 1 : 0;
}

int
conf_lex_seconds(const char *s, uint64_t *us)
{
	uint64_t whole = 0, frac = 0, scale = 100000;
	size_t nint = 0, nfrac = 0;
	bool big = false, fine = false;

	for (; *s >= '0' && *s <= '9'; s++, nint++) {
		if (!big)
			whole = whole * 10 + (uint64_t)(*s - '0');
		if (whole > 10000000)
			big = true;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, nfrac++) {
			if (nfrac < 6) {
				frac += (uint64_t)(*s - '0') * scale;
				scale /= 10;
			} else if (*s != '0') {
				fine = true;
			}
		}
		if (nfrac == 0)
			return -1;
	}
	if (*s != '\0' || nint + nfrac == 0)
		return -1;
	if (big)
		return 1;
	*us = whole * 1000000 + frac;
	return fine ? 2 : 0;
}

const char *
conf_lex_fmt_seconds(char *buf, size_t cap, uint64_t us)
{
	int n = snprintf(buf, cap, "%llu.%06llu",
	    (unsigned long long)(us / 1000000),
	    (unsigned long long)(us % 1000000));

	if (n < 0 || (size_t)n >= cap)
		return buf;
	while (buf[n - 1] == '0')
		buf[--n] = '\0';
	if (buf[n - 1] == '.')
		buf[--n] = '\0';
	return buf;
}

/* Diagnostics ---------------------------------------------------------- */

void
conf_diag_vadd(struct conf_diag *diag, enum conf_severity sev,
    const char *file, int line, const char *fmt, va_list ap)
{
	struct conf_diag_msg *m;
	char msg[1024], *text = NULL;
	const char *pfx = sev == CONF_SEV_WARNING ? "warning: " : "";
	size_t cap;
	int r;

	/* Count first: a message lost to ENOMEM must still fail the parse. */
	if (sev == CONF_SEV_ERROR)
		diag->nerrors++;
	else
		diag->nwarnings++;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (line > 0)
		r = asprintf(&text, "%s:%d: %s%s", file, line, pfx, msg);
	else
		r = asprintf(&text, "%s: %s%s", file, pfx, msg);
	if (r < 0)
		return;
	if (diag->nmsgs == diag->cap) {
		cap = diag->cap ? diag->cap * 2 : 16;
		m = reallocarray(diag->msgs, cap, sizeof(*m));
		if (m == NULL) {
			free(text);
			return;
		}
		diag->msgs = m;
		diag->cap = cap;
	}
	diag->msgs[diag->nmsgs].severity = sev;
	diag->msgs[diag->nmsgs++].text = text;
}

void
conf_diag_add(struct conf_diag *diag, enum conf_severity sev,
    const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_diag_vadd(diag, sev, file, line, fmt, ap);
	va_end(ap);
}

void
conf_diag_free(struct conf_diag *diag)
{
	size_t i;

	if (diag == NULL)
		return;
	for (i = 0; i < diag->nmsgs; i++)
		free(diag->msgs[i].text);
	free(diag->msgs);
	memset(diag, 0, sizeof(*diag));
}
