/* SPDX-License-Identifier: ISC */
/* Split a keepalived-style script command into argv, without a shell (pure). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmdline.h"

static const char *const cmdline_errstr[CMDLINE_ERR__MAX] = {
	[CMDLINE_OK] = "no error",
	[CMDLINE_ERR_EMPTY] = "empty command",
	[CMDLINE_ERR_TOO_LONG] = "command longer than 4096 bytes",
	[CMDLINE_ERR_TOO_MANY_ARGS] = "more than 64 words in the command",
	[CMDLINE_ERR_SQUOTE] = "unterminated single quote",
	[CMDLINE_ERR_DQUOTE] = "unterminated double quote",
	[CMDLINE_ERR_BACKSLASH] = "backslash at the end of the command",
	[CMDLINE_ERR_RELATIVE] = "script must be an absolute path",
	[CMDLINE_ERR_NOMEM] = "out of memory",
};

const char *
cmdline_strerror(enum cmdline_err err)
{
	if ((unsigned)err >= CMDLINE_ERR__MAX)
		return "unknown command error";
	return cmdline_errstr[err];
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

/*
 * Write the words of s into out as consecutive NUL-terminated strings.
 * The output never outgrows the input plus one byte: every word ends at a
 * separator or at the end, and an empty word costs two quote characters.
 */
static enum cmdline_err
scan(const char *s, char *out, size_t *outlen, int *argc)
{
	size_t o = 0;
	bool inword = false;
	char quote = 0;

	*argc = 0;
	for (; *s != '\0'; s++) {
		char c = *s;

		if (quote == '\'' && c != '\'') {
			out[o++] = c;
			continue;
		}
		if (quote == 0 && is_space(c)) {
			if (inword)
				out[o++] = '\0';
			inword = false;
			continue;
		}
		if (!inword) {
			if (*argc == CMDLINE_MAX_ARGS)
				return CMDLINE_ERR_TOO_MANY_ARGS;
			(*argc)++;
			inword = true;
		}
		if (c == '\\') {
			if (*++s == '\0')
				return CMDLINE_ERR_BACKSLASH;
			out[o++] = *s;
		} else if (c == '\'' || c == '"') {
			if (quote == 0)
				quote = c;
			else if (quote == c)
				quote = 0;
			else
				out[o++] = c;
		} else {
			out[o++] = c;
		}
	}
	if (quote != 0)
		return quote == '\'' ? CMDLINE_ERR_SQUOTE : CMDLINE_ERR_DQUOTE;
	if (inword)
		out[o++] = '\0';
	*outlen = o;
	return *argc == 0 ? CMDLINE_ERR_EMPTY : CMDLINE_OK;
}

static enum cmdline_err
split(const char *s, char ***argv_out, int *argc_out, bool absolute)
{
	char words[CMDLINE_MAX_LEN + 1];
	enum cmdline_err err;
	size_t len, vsize;
	char **argv, *p;
	int argc, i;

	*argv_out = NULL;
	*argc_out = 0;
	if (strnlen(s, CMDLINE_MAX_LEN + 1) > CMDLINE_MAX_LEN)
		return CMDLINE_ERR_TOO_LONG;
	if ((err = scan(s, words, &len, &argc)) != CMDLINE_OK)
		return err;
	if (absolute && words[0] != '/')
		return CMDLINE_ERR_RELATIVE;
	/* Pointers and strings in one block, so one free() releases both. */
	vsize = ((size_t)argc + 1) * sizeof(char *);
	if ((argv = malloc(vsize + len)) == NULL)
		return CMDLINE_ERR_NOMEM;
	p = memcpy((char *)argv + vsize, words, len);
	for (i = 0; i < argc; i++) {
		argv[i] = p;
		p += strlen(p) + 1;
	}
	argv[argc] = NULL;
	*argv_out = argv;
	*argc_out = argc;
	return CMDLINE_OK;
}

enum cmdline_err
cmdline_split(const char *s, char ***argv_out, int *argc_out)
{
	return split(s, argv_out, argc_out, true);
}

enum cmdline_err
cmdline_split_any(const char *s, char ***argv_out, int *argc_out)
{
	return split(s, argv_out, argc_out, false);
}

void
cmdline_free(char **argv)
{
	free(argv);
}

char **
cmdline_concat(char *const a[], char *const b[])
{
	size_t n = 0, bytes = 0, i;
	char **v, *p;

	for (i = 0; a[i] != NULL; i++, n++)
		bytes += strlen(a[i]) + 1;
	for (i = 0; b != NULL && b[i] != NULL; i++, n++)
		bytes += strlen(b[i]) + 1;
	if ((v = malloc((n + 1) * sizeof(*v) + bytes)) == NULL)
		return NULL;
	p = (char *)(v + n + 1);
	n = 0;
	for (i = 0; a[i] != NULL; i++)
		p = stpcpy(v[n++] = p, a[i]) + 1;
	for (i = 0; b != NULL && b[i] != NULL; i++)
		p = stpcpy(v[n++] = p, b[i]) + 1;
	v[n] = NULL;
	return v;
}

static bool
is_safe(const char *w)
{
	static const char extra[] = "/._+,:=@%^-";

	if (*w == '\0')
		return false;
	for (; *w != '\0'; w++) {
		char c = *w;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr(extra, c) != NULL))
			return false;
	}
	return true;
}

/* Append c to buf when there is room for it and a NUL; count it always. */
static void
put(char *buf, size_t size, size_t *n, char c)
{
	if (*n + 1 < size)
		buf[*n] = c;
	(*n)++;
}

static void
put_str(char *buf, size_t size, size_t *n, const char *s)
{
	for (; *s != '\0'; s++)
		put(buf, size, n, *s);
}

size_t
cmdline_join(char *const argv[], char *buf, size_t size)
{
	size_t n = 0;
	int i;

	for (i = 0; argv[i] != NULL; i++) {
		const char *w = argv[i];

		if (i > 0)
			put(buf, size, &n, ' ');
		if (is_safe(w)) {
			put_str(buf, size, &n, w);
			continue;
		}
		put(buf, size, &n, '\'');
		for (; *w != '\0'; w++) {
			if (*w == '\'')
				put_str(buf, size, &n, "'\\''");
			else
				put(buf, size, &n, *w);
		}
		put(buf, size, &n, '\'');
	}
	if (size > 0)
		buf[n < size ? n : size - 1] = '\0';
	return n;
}
