/* SPDX-License-Identifier: ISC */
/*
 * keepalived's line preprocessor: "@id" conditional lines, "$NAME=value"
 * definitions and their substitution, "~SEQ(...)" and "~LST(...)" line
 * generators.  Each physical line becomes zero or more logical lines,
 * handed to conf_parse_line() under the physical line's number.
 *
 * The rules are keepalived 2.2.7's (lib/parser.c, read for behaviour):
 *  - the checks apply to a line with its leading blanks removed;
 *  - "@ID rest" keeps "rest" only if ID is the config id (vipd -i), "@^ID
 *    rest" only if it is not; a line that is only "@ID" is dropped;
 *  - "$NAME=value" (NAME: a letter or '_', then letters, digits, '_')
 *    defines or redefines NAME; a value ending in '\' continues on the
 *    next lines, up to one that does not end in '\' or a blank line;
 *  - "$NAME" (followed by a blank, ',', ')' or the end of the line) and
 *    "${NAME}" anywhere in a line are replaced by the value; unknown names
 *    stay as they are; a multi-line value may only stand alone on its line;
 *  - "~SEQ(VAR, [START,] [STEP,] END) text" repeats text with $VAR set to
 *    each number ("~SEQx": in hex); "~LST(VAR, v1, v2) text" or
 *    "~LST({V1,V2}, {a,b}, {c,d}) text" with $VAR set to each value.
 * Predefined: $_PWD (the directory of the file being read), $_INSTANCE (the
 * config id), $_HASH ("#"), $_BANG ("!").  $_RANDOM is refused: vipd reads
 * the same configuration the same way every time.
 */

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"

#define LINE_MAX_LEN	CONF_PRE_LINE_MAX
#define DEPTH_MAX	CONF_PRE_DEPTH_MAX
#define SUBST_MAX	256	/* substitutions in one line */
#define DEFS_MAX	4096


static bool
is_name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool
is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static size_t
skip_blank(const char *s, size_t i, size_t len)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* Definitions ------------------------------------------------------------ */

static struct conf_def *
def_find(struct conf_pre *pre, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < pre->ndefs; i++)
		if (strlen(pre->defs[i].name) == len &&
		    !memcmp(pre->defs[i].name, name, len))
			return &pre->defs[i];
	return NULL;
}

struct conf_def *
conf_pre_def_set(struct conf_parser *p, const char *name, size_t nlen,
    const char *val, size_t vlen)
{
	struct conf_pre *pre = &p->pre;
	struct conf_def *d = def_find(pre, name, nlen), *v;
	char *copy = strndup(val, vlen);
	size_t cap;

	if (copy == NULL)
		return NULL;
	if (d != NULL) {
		free(d->value);
		d->value = copy;
		return d;
	}
	if (pre->ndefs == DEFS_MAX) {
		free(copy);
		conf_perr(p, "more than %d definitions", DEFS_MAX);
		return NULL;
	}
	if (pre->ndefs == pre->cap) {
		cap = pre->cap ? pre->cap * 2 : 16;
		if ((v = reallocarray(pre->defs, cap, sizeof(*v))) == NULL) {
			free(copy);
			return NULL;
		}
		pre->defs = v;
		pre->cap = cap;
	}
	d = &pre->defs[pre->ndefs];
	if ((d->name = strndup(name, nlen)) == NULL) {
		free(copy);
		return NULL;
	}
	d->value = copy;
	pre->ndefs++;
	return d;
}

void
conf_pre_free(struct conf_pre *pre)
{
	size_t i;

	for (i = 0; i < pre->ndefs; i++) {
		free(pre->defs[i].name);
		free(pre->defs[i].value);
	}
	free(pre->defs);
	free(pre->cont);
	memset(pre, 0, sizeof(*pre));
}

/* The end of the line's text before a comment ('#' or '!' unquoted). */
static size_t
text_end(const char *s, size_t len)
{
	bool q = false;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			q = !q;
		else if (!q && (s[i] == '#' || s[i] == '!'))
			break;
	}
	while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t' ||
	    s[i - 1] == '\r'))
		i--;
	return i;
}

/*
 * Append one line (comment and blanks trimmed) to the multi-line definition
 * being read.  Returns whether it goes on after this line.
 */
static bool
def_continue(struct conf_parser *p, const char *s, size_t len)
{
	struct conf_pre *pre = &p->pre;
	struct conf_def *d;
	bool more;
	char *v;
	size_t n, old;

	len = text_end(s, len);
	more = len > 0 && s[len - 1] == '\\';
	if (more)
		for (len--; len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t');)
			len--;
	d = def_find(pre, pre->cont, strlen(pre->cont));
	if (d == NULL || len == 0)
		return more && d != NULL;
	old = strlen(d->value);
	n = old + (old > 0) + len;
	if (n > LINE_MAX_LEN * 4 || (v = realloc(d->value, n + 1)) == NULL) {
		conf_perr(p, "$%s: definition too long", pre->cont);
		return false;
	}
	if (old > 0)
		v[old++] = '\n';
	memcpy(v + old, s, len);
	v[n] = '\0';
	d->value = v;
	return more;
}

/* "$NAME=value": a definition (true), or some other line (false). */
static bool
definition(struct conf_parser *p, const char *s, size_t len)
{
	size_t i = 1, nlen;
	struct conf_def *d;
	bool more;

	if (len < 2 || s[0] != '$' || !is_name_start(s[1]))
		return false;
	while (i < len && is_name_char(s[i]))
		i++;
	nlen = i - 1;
	i = skip_blank(s, i, len);
	if (i == len || s[i] != '=')
		return false;
	i = skip_blank(s, i + 1, len);
	len = text_end(s, len);
	if (len < i)
		len = i;
	more = len > i && s[len - 1] == '\\';
	if (more)
		for (len--; len > i && (s[len - 1] == ' ' || s[len - 1] == '\t');)
			len--;
	if (nlen == 7 && !memcmp(s + 1, "_RANDOM", 7))
		conf_pwarn(p, "$_RANDOM is redefined: vipd has no random "
		    "values, this definition is used as written");
	d = conf_pre_def_set(p, s + 1, nlen, s + i, len - i);
	if (d == NULL) {
		conf_perr(p, "out of memory");
		return true;
	}
	free(p->pre.cont);
	p->pre.cont = more ? strdup(d->name) : NULL;
	return true;
}

/* Substitution ------------------------------------------------------------ */

/* The value of a predefined name, or NULL. */
static const char *
std_value(struct conf_parser *p, const char *name, size_t len, char *buf,
    size_t cap)
{
	const char *slash;

	if (len == 4 && !memcmp(name, "_PWD", 4)) {
		slash = p->file != NULL ? strrchr(p->file, '/') : NULL;
		if (slash == NULL)
			snprintf(buf, cap, "%s", p->pre.cwd != NULL ?
			    p->pre.cwd : ".");
		else if (slash == p->file)
			snprintf(buf, cap, "/");
		else if (p->file[0] == '/' || p->pre.cwd == NULL)
			snprintf(buf, cap, "%.*s", (int)(slash - p->file),
			    p->file);
		else
			snprintf(buf, cap, "%s/%.*s", p->pre.cwd,
			    (int)(slash - p->file), p->file);
		return buf;
	}
	if (len == 9 && !memcmp(name, "_INSTANCE", 9))
		return p->pre.config_id != NULL ? p->pre.config_id : "";
	if (len == 5 && !memcmp(name, "_HASH", 5))
		return "#";
	if (len == 5 && !memcmp(name, "_BANG", 5))
		return "!";
	return NULL;
}

struct subst {
	char *out;		/* the line being built */
	size_t n;
	bool multi;		/* a multi-line value stands for the line */
	const char *multi_val;
	bool changed;
};

static int
out_add(struct conf_parser *p, struct subst *sb, const char *s, size_t len)
{
	if (sb->n + len > LINE_MAX_LEN) {
		conf_perr(p, "line longer than %d bytes after substitution",
		    LINE_MAX_LEN);
		return -1;
	}
	memcpy(sb->out + sb->n, s, len);
	sb->n += len;
	return 0;
}

/*
 * The value for "$..." at @s[@i] (i at the '$'), and the length of the
 * reference in *@rlen; NULL if it is no reference to a known name.
 */
static const char *
reference(struct conf_parser *p, const char *s, size_t i, size_t len,
    size_t *rlen, char *buf, size_t cap)
{
	bool braces = i + 1 < len && s[i + 1] == '{';
	size_t b = i + 1 + braces, e = b;
	const struct conf_def *d;
	const char *v;

	if (e >= len || !is_name_start(s[e]))
		return NULL;
	while (e < len && is_name_char(s[e]))
		e++;
	if (braces && (e == len || s[e] != '}'))
		return NULL;
	if (!braces && e < len && s[e] != ' ' && s[e] != '\t' && s[e] != ',' &&
	    s[e] != ')')
		return NULL;
	*rlen = e - i + braces;
	if ((d = def_find(&p->pre, s + b, e - b)) != NULL)
		return d->value;
	if ((v = std_value(p, s + b, e - b, buf, cap)) != NULL)
		return v;
	if (e - b == 7 && !memcmp(s + b, "_RANDOM", 7)) {
		conf_perr(p, "$_RANDOM is not supported: vipd reads the same "
		    "configuration the same way every time");
		return "";
	}
	return NULL;
}

/* Replace every reference in @s; the result in sb->out. */
static int
substitute(struct conf_parser *p, const char *s, size_t len, struct subst *sb)
{
	char pwd[CONF_PATH_MAX + 8];
	size_t i = 0, rlen = 0, count = 0;
	const char *v;

	sb->n = 0;
	while (i < len) {
		if (s[i] != '$' || (v = reference(p, s, i, len, &rlen, pwd,
		    sizeof(pwd))) == NULL) {
			if (out_add(p, sb, s + i, 1) < 0)
				return -1;
			i++;
			continue;
		}
		if (++count > SUBST_MAX) {
			conf_perr(p, "more than %d substitutions in one line",
			    SUBST_MAX);
			return -1;
		}
		sb->changed = true;
		if (strchr(v, '\n') != NULL) {
			if (i != 0 || rlen != len) {
				conf_perr(p, "$%.*s: a multi-line definition "
				    "must stand alone on its line",
				    (int)(rlen - 1), s + i + 1);
				return -1;
			}
			sb->multi = true;
			sb->multi_val = v;
			return 0;
		}
		if (out_add(p, sb, v, strlen(v)) < 0)
			return -1;
		i += rlen;
	}
	return 0;
}

/* Lines -------------------------------------------------------------------- */

/* "@ID rest" / "@^ID rest": the offset of rest, or -1 to drop the line. */
static long
conditional(const struct conf_pre *pre, const char *s, size_t len)
{
	bool rev = len > 1 && s[1] == '^';
	size_t b = 1 + rev, e = b, idlen;
	bool match;

	while (e < len && s[e] != ' ' && s[e] != '\t')
		e++;
	if (e == len)
		return -1;
	idlen = pre->config_id != NULL ? strlen(pre->config_id) : 0;
	match = pre->config_id != NULL && e - b == idlen &&
	    !memcmp(s + b, pre->config_id, idlen);
	if (match == rev)
		return -1;
	return (long)skip_blank(s, e, len);
}

/* Each line of a multi-line value, as if read (a copy: they may redefine). */
static void
multi_lines(struct conf_parser *p, struct conf_text *t, const char *val,
    int depth)
{
	char *copy = strdup(val), *s, *nl;

	if (copy == NULL) {
		conf_perr(p, "out of memory");
		return;
	}
	for (s = copy; !p->stop; s = nl + 1) {
		nl = strchr(s, '\n');
		conf_pre_text(p, t, s, nl != NULL ? (size_t)(nl - s) : strlen(s),
		    depth + 1);
		if (nl == NULL)
			break;
	}
	free(copy);
}

/* After a substitution keepalived looks at the line again, as if read. */
static bool
again(const struct subst *sb)
{
	return sb->changed && sb->n > 0 && (sb->out[0] == '@' ||
	    memchr(sb->out, '$', sb->n) != NULL);
}

void
conf_pre_text(struct conf_parser *p, struct conf_text *t, const char *s,
    size_t len, int depth)
{
	struct subst sb = { 0 };
	char *work = NULL;
	long off;
	int pass;

	if (depth > DEPTH_MAX) {
		conf_perr(p, "~SEQ, ~LST or definitions nested more than %d "
		    "deep", DEPTH_MAX);
		return;
	}
	for (pass = 0; pass < 4 && !p->stop; pass++) {
		off = (long)skip_blank(s, 0, len);
		s += off;
		len -= (size_t)off;
		if (len > 0 && s[0] == '@') {
			if ((off = conditional(&p->pre, s, len)) < 0)
				break;
			s += off;
			len -= (size_t)off;
		}
		if (definition(p, s, len))
			break;
		if (len >= 4 && (!strncmp(s, "~SEQ", 4) ||
		    !strncmp(s, "~LST", 4))) {
			if ((s[1] == 'S' ? conf_pre_seq : conf_pre_lst)(p, t, s, len,
			    depth) < 0)
				conf_perr(p, "invalid %.4s specification", s);
			break;
		}
		if (len == 0 || s[0] == '~' || memchr(s, '$', len) == NULL) {
			conf_parse_line(p, t, s, len);
			break;
		}
		if (sb.out == NULL && ((sb.out = malloc(LINE_MAX_LEN)) == NULL ||
		    (work = malloc(LINE_MAX_LEN)) == NULL)) {
			conf_perr(p, "out of memory");
			break;
		}
		sb.changed = sb.multi = false;
		if (substitute(p, s, len, &sb) < 0)
			break;
		if (sb.multi) {
			multi_lines(p, t, sb.multi_val, depth);
			break;
		}
		if (!again(&sb)) {
			conf_parse_line(p, t, sb.out, sb.n);
			break;
		}
		memcpy(work, sb.out, sb.n);
		s = work;
		len = sb.n;
	}
	if (pass == 4)
		conf_parse_line(p, t, s, len);
	free(sb.out);
	free(work);
}

void
conf_pre_line(struct conf_parser *p, struct conf_text *t, const char *s,
    size_t len)
{
	size_t b = skip_blank(s, 0, len);

	if (p->pre.cont != NULL) {
		if (b < len && def_continue(p, s + b, len - b))
			return;
		free(p->pre.cont);
		p->pre.cont = NULL;
		return;
	}
	conf_pre_text(p, t, s, len, 0);
}
