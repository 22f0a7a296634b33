/* SPDX-License-Identifier: ISC */
/* Find a Postfix instance's queue_directory by reading its main.cf (no postconf fork). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "healthcheck/postfix_conf.h"

/* A logical line: the longest value plus room for the name and " = ". */
#define LINE_MAX_LEN	(HC_PFCONF_VALUE_MAX + 256)

struct pfconf {
	const char *buf;
	size_t len;
	const char *config_dir;
	unsigned refs;		/* $name expansions left: bounds the work */
};

static const char *const pfconf_errs[] = {
	[HC_PFCONF_OK] = "ok",
	[HC_PFCONF_NOTFOUND] = "parameter not set",
	[HC_PFCONF_TOOLONG] = "value too long",
	[HC_PFCONF_UNDEFINED] = "reference to an unknown parameter",
	[HC_PFCONF_LOOP] = "parameter references too deep or too many",
	[HC_PFCONF_SYNTAX] = "unsupported $ expression",
	[HC_PFCONF_BADCHAR] = "control character in value",
	[HC_PFCONF_RELATIVE] = "queue_directory is not an absolute path",
};

const char *
hc_pfconf_strerror(enum hc_pfconf_err e)
{
	if ((size_t)e >= sizeof(pfconf_errs) / sizeof(pfconf_errs[0]))
		return "unknown error";
	return pfconf_errs[e];
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* The physical line at *pos (without its '\n'); false at the end. */
static bool
next_phys(const struct pfconf *c, size_t *pos, const char **p, size_t *n)
{
	const char *nl;

	if (*pos >= c->len)
		return false;
	*p = c->buf + *pos;
	nl = memchr(*p, '\n', c->len - *pos);
	*n = nl != NULL ? (size_t)(nl - *p) : c->len - *pos;
	*pos += *n + (nl != NULL);
	return true;
}

/* Blank lines and comment lines are invisible, even inside continuations. */
static bool
ignorable(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && is_blank(p[i]))
		i++;
	return i == n || p[i] == '#';
}

/* Append p[0..n) trimmed of blanks to line, space-separated; false if full. */
static bool
append_trimmed(char *line, size_t *ll, const char *p, size_t n)
{
	bool fits;

	while (n > 0 && is_blank(*p)) {
		p++;
		n--;
	}
	while (n > 0 && is_blank(p[n - 1]))
		n--;
	if (*ll > 0 && n > 0) {
		if (*ll + 1 >= LINE_MAX_LEN)
			return false;
		line[(*ll)++] = ' ';
	}
	/* Keep what fits: the name must still be seen to report TOOLONG. */
	fits = n < LINE_MAX_LEN - *ll;
	if (!fits)
		n = LINE_MAX_LEN - 1 - *ll;
	memcpy(line + *ll, p, n);
	*ll += n;
	return fits;
}

/*
 * Assemble the logical line starting at *pos (which must be a
 * non-ignorable line starting with non-blank) into line. *full is set
 * when it did not fit. Leaves *pos at the next logical line.
 */
static void
logical_line(const struct pfconf *c, size_t *pos, char *line, size_t *ll,
    bool *full)
{
	const char *p = NULL;
	size_t n = 0, save;

	*ll = 0;
	*full = false;
	if (!next_phys(c, pos, &p, &n))
		return;
	*full = !append_trimmed(line, ll, p, n);
	for (save = *pos; next_phys(c, pos, &p, &n); save = *pos) {
		if (ignorable(p, n))
			continue;
		if (!is_blank(p[0])) {
			*pos = save;
			break;
		}
		if (!*full)
			*full = !append_trimmed(line, ll, p, n);
	}
}

/* Split "name = value"; false when there is no '=' after the name. */
static bool
split_def(const char *line, size_t ll, size_t *namelen, size_t *voff)
{
	size_t i = 0;

	while (i < ll && line[i] != '=' && !is_blank(line[i]))
		i++;
	*namelen = i;
	while (i < ll && is_blank(line[i]))
		i++;
	if (i == ll || line[i] != '=' || *namelen == 0)
		return false;
	for (i++; i < ll && is_blank(line[i]); i++)
		;
	*voff = i;
	return true;
}

/* The unexpanded value of the last definition of name[0..nl). */
static enum hc_pfconf_err
raw_value(const struct pfconf *c, const char *name, size_t nl, char *val,
    size_t valsz)
{
	enum hc_pfconf_err res = HC_PFCONF_NOTFOUND;
	char line[LINE_MAX_LEN];
	const char *p;
	size_t pos = 0, start, n, ll, namelen, voff, i;
	bool full;

	for (start = pos; next_phys(c, &pos, &p, &n); start = pos) {
		if (ignorable(p, n) || is_blank(p[0]))
			continue;	/* orphan continuation lines too */
		pos = start;
		logical_line(c, &pos, line, &ll, &full);
		if (!split_def(line, ll, &namelen, &voff) || namelen != nl ||
		    memcmp(line, name, nl) != 0)
			continue;
		if (full || ll - voff >= valsz) {
			res = HC_PFCONF_TOOLONG;
			continue;
		}
		res = HC_PFCONF_OK;
		for (i = voff; i < ll; i++)
			if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
				res = HC_PFCONF_BADCHAR;
		memcpy(val, line + voff, ll - voff);
		val[ll - voff] = '\0';
	}
	return res;
}

static enum hc_pfconf_err
put(char *out, size_t outsz, size_t *olen, const char *p, size_t n)
{
	if (n >= outsz - *olen)
		return HC_PFCONF_TOOLONG;
	memcpy(out + *olen, p, n);
	*olen += n;
	out[*olen] = '\0';
	return HC_PFCONF_OK;
}

static enum hc_pfconf_err expand(struct pfconf *, const char *, char *,
    size_t, size_t *, int);

/* Expand the value of name[0..nl) at out + *olen. */
static enum hc_pfconf_err
expand_name(struct pfconf *c, const char *name, size_t nl, char *out,
    size_t outsz, size_t *olen, int depth)
{
	char val[HC_PFCONF_VALUE_MAX + 1];
	enum hc_pfconf_err e;
	const char *def = NULL;

	if (depth >= HC_PFCONF_DEPTH_MAX || c->refs == 0)
		return HC_PFCONF_LOOP;
	c->refs--;
	e = raw_value(c, name, nl, val, sizeof(val));
	if (e == HC_PFCONF_OK)
		return expand(c, val, out, outsz, olen, depth + 1);
	if (e != HC_PFCONF_NOTFOUND)
		return e;
	if (nl == 16 && memcmp(name, "config_directory", nl) == 0)
		def = c->config_dir;
	else if (nl == 15 && memcmp(name, "queue_directory", nl) == 0)
		def = HC_PFCONF_DEFAULT_QUEUE_DIR;
	if (def == NULL)
		return HC_PFCONF_UNDEFINED;
	return put(out, outsz, olen, def, strlen(def));
}

/* Length of the $ expression at s ("$$", "$name", "${name}", "$(name)"). */
static enum hc_pfconf_err
dollar(const char *s, const char **name, size_t *nl, size_t *used)
{
	char close;
	size_t i;

	if (s[1] == '$') {
		*name = NULL;
		*used = 2;
		return HC_PFCONF_OK;
	}
	close = s[1] == '{' ? '}' : s[1] == '(' ? ')' : '\0';
	i = close != '\0' ? 2 : 1;
	*name = s + i;
	while (is_name_char(s[i]))
		i++;
	*nl = (size_t)(s + i - *name);
	if (*nl == 0 || (close != '\0' && s[i] != close))
		return HC_PFCONF_SYNTAX;
	*used = i + (close != '\0');
	return HC_PFCONF_OK;
}

static enum hc_pfconf_err
expand(struct pfconf *c, const char *val, char *out, size_t outsz,
    size_t *olen, int depth)
{
	enum hc_pfconf_err e;
	const char *s = val, *d, *name;
	size_t nl = 0, used;

	while ((d = strchr(s, '$')) != NULL) {
		if ((e = put(out, outsz, olen, s, (size_t)(d - s))) != 0)
			return e;
		if ((e = dollar(d, &name, &nl, &used)) != 0)
			return e;
		if (name == NULL)
			e = put(out, outsz, olen, "$", 1);
		else
			e = expand_name(c, name, nl, out, outsz, olen, depth);
		if (e != HC_PFCONF_OK)
			return e;
		s = d + used;
	}
	return put(out, outsz, olen, s, strlen(s));
}

enum hc_pfconf_err
hc_pfconf_lookup(const char *buf, size_t len, const char *name,
    const char *config_dir, char *out, size_t outsz)
{
	struct pfconf c = { buf, len, config_dir, HC_PFCONF_REFS_MAX };
	char tmp[HC_PFCONF_VALUE_MAX + 1];
	enum hc_pfconf_err e;
	size_t olen = 0;

	if (c.config_dir == NULL)
		c.config_dir = HC_PFCONF_DEFAULT_CONFIG_DIR;
	if (outsz == 0)
		return HC_PFCONF_TOOLONG;
	out[0] = '\0';
	e = raw_value(&c, name, strlen(name), tmp, sizeof(tmp));
	if (e != HC_PFCONF_OK)
		return e;
	e = expand(&c, tmp, out, outsz, &olen, 0);
	if (e != HC_PFCONF_OK)
		out[0] = '\0';
	return e;
}

/* An absolute directory parameter, dflt when unset. */
static enum hc_pfconf_err
dir_param(const char *buf, size_t len, const char *name, const char *dflt,
    const char *config_dir, char *out, size_t outsz)
{
	enum hc_pfconf_err e;

	e = hc_pfconf_lookup(buf, len, name, config_dir, out, outsz);
	if (e == HC_PFCONF_NOTFOUND) {
		if (strlen(dflt) >= outsz)
			return HC_PFCONF_TOOLONG;
		strcpy(out, dflt);
		return HC_PFCONF_OK;
	}
	if (e == HC_PFCONF_OK && out[0] != '/') {
		out[0] = '\0';
		return HC_PFCONF_RELATIVE;
	}
	return e;
}

enum hc_pfconf_err
hc_pfconf_queue_dir(const char *buf, size_t len, const char *config_dir,
    char *out, size_t outsz)
{
	return dir_param(buf, len, "queue_directory",
	    HC_PFCONF_DEFAULT_QUEUE_DIR, config_dir, out, outsz);
}

enum hc_pfconf_err
hc_pfconf_daemon_dir(const char *buf, size_t len, const char *config_dir,
    char *out, size_t outsz)
{
	return dir_param(buf, len, "daemon_directory",
	    HC_PFCONF_DEFAULT_DAEMON_DIR, config_dir, out, outsz);
}

/* Read a whole regular file of at most HC_PFCONF_FILE_MAX bytes. */
static char *
slurp(const char *path, size_t *lenp)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return NULL;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (st.st_size > HC_PFCONF_FILE_MAX) {
		errno = EFBIG;
		goto fail;
	}
	if ((buf = malloc(HC_PFCONF_FILE_MAX + 1)) == NULL)
		goto fail;
	while ((n = read(fd, buf + len, HC_PFCONF_FILE_MAX + 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		len += (size_t)n;
		if (len > HC_PFCONF_FILE_MAX) {
			errno = EFBIG;	/* grew while we read it */
			goto fail;
		}
	}
	close(fd);
	*lenp = len;
	return buf;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return NULL;
}

static int
read_dir_param(const char *config_dir, enum hc_pfconf_err (*fn)(const char *,
    size_t, const char *, char *, size_t), char *out, size_t outsz,
    enum hc_pfconf_err *perr)
{
	char path[PATH_MAX];
	enum hc_pfconf_err e;
	char *buf;
	size_t len;

	if (perr != NULL)
		*perr = HC_PFCONF_OK;
	if (config_dir == NULL)
		config_dir = HC_PFCONF_DEFAULT_CONFIG_DIR;
	if ((size_t)snprintf(path, sizeof(path), "%s/main.cf", config_dir) >=
	    sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((buf = slurp(path, &len)) == NULL)
		return -1;
	e = fn(buf, len, config_dir, out, outsz);
	free(buf);
	if (perr != NULL)
		*perr = e;
	if (e != HC_PFCONF_OK) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
hc_pfconf_queue_dir_read(const char *config_dir, char *out, size_t outsz,
    enum hc_pfconf_err *perr)
{
	return read_dir_param(config_dir, hc_pfconf_queue_dir, out, outsz,
	    perr);
}

int
hc_pfconf_daemon_dir_read(const char *config_dir, char *out, size_t outsz,
    enum hc_pfconf_err *perr)
{
	return read_dir_param(config_dir, hc_pfconf_daemon_dir, out, outsz,
	    perr);
}
