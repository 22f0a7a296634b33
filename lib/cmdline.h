/* SPDX-License-Identifier: ISC */
/* Split a keepalived-style script command into argv, without a shell (pure). */
#ifndef VIPD_CMDLINE_H
#define VIPD_CMDLINE_H

#include <stddef.h>

#define CMDLINE_MAX_ARGS	64	/* words, the script included */
#define CMDLINE_MAX_LEN		4096	/* bytes, NUL excluded */

enum cmdline_err {
	CMDLINE_OK = 0,
	CMDLINE_ERR_EMPTY,		/* no words at all */
	CMDLINE_ERR_TOO_LONG,		/* over CMDLINE_MAX_LEN bytes */
	CMDLINE_ERR_TOO_MANY_ARGS,	/* over CMDLINE_MAX_ARGS words */
	CMDLINE_ERR_SQUOTE,		/* ' without its closing ' */
	CMDLINE_ERR_DQUOTE,		/* " without its closing " */
	CMDLINE_ERR_BACKSLASH,		/* \ as the last character */
	CMDLINE_ERR_RELATIVE,		/* first word not an abs. path */
	CMDLINE_ERR_NOMEM,
	CMDLINE_ERR__MAX
};

/*
 * Split s into words. Rules (a small, predictable subset of sh(1)):
 * - words are separated by runs of space, tab, CR, LF, VT or FF;
 * - '...' groups characters literally (no escapes inside);
 * - "..." groups characters; inside, as outside quotes, a backslash takes
 *   the next character literally, whatever it is;
 * - quoted and unquoted parts next to each other form one word, and ""
 *   or '' on its own is an empty word;
 * - nothing else is special: $VAR, `cmd`, globs, ;, |, <, >, & and ~ are
 *   ordinary characters, since no shell ever sees the command.
 * The first word must be an absolute path.
 *
 * On success *argv_out is a malloc'd NULL-terminated vector (one block:
 * release it with cmdline_free) and *argc_out its length (>= 1). On error
 * *argv_out is NULL and *argc_out 0. Returns CMDLINE_OK or the error.
 */
enum cmdline_err cmdline_split(const char *s, char ***argv_out,
    int *argc_out);

/*
 * As cmdline_split, but the first word may be a bare name or a relative
 * path: vrrp_script's "script", which keepalived looks up on PATH.
 */
enum cmdline_err cmdline_split_any(const char *s, char ***argv_out,
    int *argc_out);

/* Release a vector from cmdline_split or cmdline_concat; NULL is allowed. */
void cmdline_free(char **argv);

/*
 * Copy the words of a, then those of b (NULL: none), both NULL-terminated,
 * into a new vector in one block (release with cmdline_free). For the
 * generic notify script, which gets four words appended. NULL on ENOMEM.
 */
char **cmdline_concat(char *const a[], char *const b[]);

/* A short message for err ("script must be an absolute path"); never NULL. */
const char *cmdline_strerror(enum cmdline_err err);

/*
 * Render argv (NULL-terminated) for logs as one line that cmdline_split
 * reads back into the same words: words made of safe characters stay bare,
 * others are single-quoted ('it'\''s'). Writes at most size bytes, always
 * NUL-terminated when size > 0. Returns the length the full rendering
 * needs (NUL excluded), like snprintf.
 */
size_t cmdline_join(char *const argv[], char *buf, size_t size);

#endif
