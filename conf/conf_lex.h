/* SPDX-License-Identifier: ISC */
/* Lexical layer of the configuration parser: tokens, values, diagnostics. */
#ifndef VIPD_CONF_LEX_H
#define VIPD_CONF_LEX_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf/conf.h"

#define CONF_TOKEN_MAX	1024	/* bytes of one word, after unquoting */

enum conf_tok {
	CONF_TOK_EOL,		/* end of the line (or a comment) */
	CONF_TOK_WORD,
	CONF_TOK_OPEN,		/* { */
	CONF_TOK_CLOSE,		/* } */
	CONF_TOK_ERROR,		/* lx->err says why; lexing may go on */
};

/* Tokenizer over one line (without its newline). */
struct conf_lexer {
	const char *p;
	const char *end;
	const char *err;	/* static message for CONF_TOK_ERROR */
	/*
	 * Braces are plain characters from here on: set after "include",
	 * whose glob may hold {a,b} (keepalived reads include lines raw).
	 */
	bool braces_literal;
};

void conf_lex_init(struct conf_lexer *lx, const char *line, size_t len);

/*
 * Next token.  Words are whitespace-separated; "{" and "}" are tokens even
 * when glued to a word; "#" or "!" outside quotes, anywhere in a word too,
 * comments out the rest of the line, as keepalived 2.2.7's decomment() does,
 * unless a backslash precedes it (then the backslash is dropped).  Within a
 * word, "..." quotes whitespace, braces and comment characters; there are no
 * other escapes, so a word cannot hold '"'.  Raw control characters other
 * than tabs are errors.
 *
 * @buf: receives a word, NUL-terminated, of @cap >= CONF_TOKEN_MAX + 1 bytes.
 * @lenp: the word's length.
 */
enum conf_tok conf_lex_next(struct conf_lexer *lx, char *buf, size_t cap,
    size_t *lenp);

/* Whether @s must be quoted to read back as one word with the same bytes. */
int conf_lex_needs_quote(const char *s, size_t len);

/*
 * Write @s as one word that conf_lex_next() reads back as @s, quoted if
 * needed.  @s must be a word the lexer can produce (no '"', no control
 * characters but tabs).
 */
void conf_lex_print_word(FILE *out, const char *s, size_t len);

/*
 * Render @s for a message: printable ASCII kept, other bytes as \xHH, cut
 * with "..." past 40 bytes.  Returns @out.
 */
const char *conf_lex_repr(char *out, size_t cap, const char *s, size_t len);
#define CONF_REPR_MAX	180

/* Decimal unsigned integer: 0 ok, -1 not a number, 1 above UINT32_MAX. */
int conf_lex_uint(const char *s, uint32_t *out);

/*
 * Seconds with up to 6 decimals ("1", "0.05", "2.5") into microseconds:
 * 0 ok, -1 not a number, 1 above 10^7 seconds, 2 finer than 1 us.
 */
int conf_lex_seconds(const char *s, uint64_t *us);

/* @us as seconds for conf_lex_seconds(), without trailing zeros: "1.5". */
const char *conf_lex_fmt_seconds(char *buf, size_t cap, uint64_t us);
#define CONF_SECONDS_MAX	32	/* a buffer that always suffices */

/* Append "file:line: [warning: ]msg" to @diag (line 0: "file: msg"). */
void conf_diag_add(struct conf_diag *diag, enum conf_severity sev,
    const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void conf_diag_vadd(struct conf_diag *diag, enum conf_severity sev,
    const char *file, int line, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

#endif
