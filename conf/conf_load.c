/* SPDX-License-Identifier: ISC */
/* Configuration files: reading, include with glob(3) patterns, conf_load(). */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"

#define FILES_MAX	256	/* files read in one load, includes counted */

/* Read a regular file whole.  Returns NULL, or why not. */
static const char *
read_file(const char *path, char **bufp, size_t *lenp, struct stat *sb)
{
	const char *why = NULL;
	size_t len = 0;
	ssize_t n;
	char *buf = NULL;
	int fd;

	/* O_NONBLOCK: a FIFO must not hang us; regular files ignore it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return strerror(errno);
	if (fstat(fd, sb) < 0)
		why = strerror(errno);
	else if (!S_ISREG(sb->st_mode))
		why = S_ISDIR(sb->st_mode) ? strerror(EISDIR) :
		    "not a regular file";
	else if (sb->st_size > (off_t)CONF_FILE_MAX)
		why = "larger than 16 MiB";
	else if ((buf = malloc((size_t)sb->st_size + 1)) == NULL)
		why = strerror(errno);
	while (why == NULL && len <= (size_t)sb->st_size) {
		n = read(fd, buf + len, (size_t)sb->st_size + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			why = strerror(errno);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (why == NULL && len > (size_t)sb->st_size)
		why = "changed while being read";
	close(fd);
	if (why != NULL) {
		free(buf);
		return why;
	}
	*bufp = buf;
	*lenp = len;
	return NULL;
}

static void
load_file(struct conf_parser *p, const char *path)
{
	const char *why, *name, *file = p->file;
	int i, line = p->line, d = p->include_depth;
	struct stat sb;
	size_t len = 0;
	char *buf = NULL;

	if ((why = read_file(path, &buf, &len, &sb)) != NULL) {
		if (file == NULL)
			conf_perr_at(p, path, 0, "cannot read: %s", why);
		else
			conf_perr(p, "include: cannot read \"%s\": %s", path,
			    why);
		return;
	}
	for (i = 0; i < d; i++)
		if (p->incl_dev[i] == sb.st_dev && p->incl_ino[i] == sb.st_ino)
			break;
	if (i < d) {
		conf_perr(p, "include: \"%s\" includes itself", path);
	} else if (p->files_read >= FILES_MAX) {
		/* Said once; no file past the limit is read. */
		if (p->files_read++ == FILES_MAX)
			conf_perr(p, "include: more than %d files: \"%s\" and "
			    "any file after it are not read", FILES_MAX, path);
	} else if ((name = conf_intern_file(p, path)) == NULL) {
		conf_perr_at(p, path, 0, "out of memory");
	} else {
		p->files_read++;
		p->incl_dev[d] = sb.st_dev;
		p->incl_ino[d] = sb.st_ino;
		p->file = name;
		conf_parse_text(p, buf, len);
		p->file = file;
		p->line = line;
	}
	free(buf);
}

static bool
has_glob_magic(const char *s)
{
	return strpbrk(s, "*?[{") != NULL;
}

/* keepalived reads a relative pattern from the including file's directory. */
static void
include_glob(struct conf_parser *p, const char *pattern)
{
	const char *slash = strrchr(p->file, '/');
	char *full = NULL;
	glob_t g;
	size_t i;
	int rc;

	if (pattern[0] != '/' && slash != NULL &&
	    asprintf(&full, "%.*s/%s", (int)(slash - p->file), p->file,
	    pattern) < 0) {
		conf_perr(p, "out of memory");
		return;
	}
	if (full != NULL)
		pattern = full;
	/* No GLOB_ERR: a missing directory is "no match", warned about. */
	rc = glob(pattern, GLOB_BRACE, NULL, &g);
	if (rc == GLOB_NOMATCH && has_glob_magic(pattern) &&
	    (p->include_strict || p->all_config))
		conf_perr(p, "include: no file matches \"%s\"", pattern);
	else if (rc == GLOB_NOMATCH && has_glob_magic(pattern))
		conf_pwarn_at(p, p->file, p->line, "include: no file matches "
		    "\"%s\"", pattern);
	else if (rc == GLOB_NOMATCH)
		conf_perr(p, "include: cannot read \"%s\": %s", pattern,
		    strerror(ENOENT));
	else if (rc != 0)
		conf_perr(p, "include: \"%s\": out of memory", pattern);
	for (i = 0; rc == 0 && i < g.gl_pathc && !p->stop; i++) {
		p->include_depth++;
		load_file(p, g.gl_pathv[i]);
		p->include_depth--;
	}
	globfree(&g);
	free(full);
}


struct conf *
conf_load_with(const char *path, const struct conf_load_opts *o,
    struct conf_diag *diag)
{
	struct conf_parser p;
	char cwd[CONF_PATH_MAX];

	if (conf_parser_init(&p, diag, path) < 0)
		return NULL;
	p.include = include_glob;
	if (o != NULL) {
		p.pre.config_id = o->config_id;
		p.all_config = o->all_config;
	}
	if (path[0] != '/' && getcwd(cwd, sizeof(cwd)) != NULL)
		p.pre.cwd = cwd;
	load_file(&p, path);
	return conf_parser_done(&p, path);
}

struct conf *
conf_load(const char *path, struct conf_diag *diag)
{
	return conf_load_with(path, NULL, diag);
}
