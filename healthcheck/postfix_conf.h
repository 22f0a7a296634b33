/* SPDX-License-Identifier: ISC */
/* Find a Postfix instance's queue_directory by reading its main.cf (no postconf fork). */
#ifndef VIPD_HC_POSTFIX_CONF_H
#define VIPD_HC_POSTFIX_CONF_H

#include <stddef.h>

#define HC_PFCONF_DEFAULT_QUEUE_DIR	"/var/spool/postfix"
#define HC_PFCONF_DEFAULT_CONFIG_DIR	"/etc/postfix"
/* Debian's (and Postfix's usual) compiled-in daemon_directory. */
#define HC_PFCONF_DEFAULT_DAEMON_DIR	"/usr/lib/postfix/sbin"
/* Longest parameter value (after joining continuation lines) we accept. */
#define HC_PFCONF_VALUE_MAX	1024
/* Deepest chain of $name references followed before giving up. */
#define HC_PFCONF_DEPTH_MAX	8
/* Most $name expansions in one lookup (bounds the work on hostile input). */
#define HC_PFCONF_REFS_MAX	64
/* main.cf files larger than this are refused by hc_pfconf_queue_dir_read. */
#define HC_PFCONF_FILE_MAX	(1024 * 1024)

enum hc_pfconf_err {
	HC_PFCONF_OK = 0,
	HC_PFCONF_NOTFOUND,	/* parameter not set in the file */
	HC_PFCONF_TOOLONG,	/* value or expansion exceeds the buffer */
	HC_PFCONF_UNDEFINED,	/* $name of a parameter we cannot resolve */
	HC_PFCONF_LOOP,		/* $name nesting or count beyond the limits */
	HC_PFCONF_SYNTAX,	/* ${name?x}, $(...) forms or a lone '$' */
	HC_PFCONF_BADCHAR,	/* NUL or control byte in a value */
	HC_PFCONF_RELATIVE,	/* queue_directory is not an absolute path */
};

const char *hc_pfconf_strerror(enum hc_pfconf_err);

/*
 * Look up parameter name in the main.cf text buf[0..len) and expand it.
 * Postfix rules: a logical line starts at a line beginning with
 * non-whitespace; lines starting with whitespace continue it; blank lines
 * and lines whose first non-blank is '#' are ignored (there are no
 * end-of-line comments); the last definition wins. Continuation lines are
 * joined with one space. Expansion handles $name, ${name} and $$; names
 * not defined in the file resolve only for config_directory (to
 * config_dir) and queue_directory (to its default). A line without '='
 * is skipped (Postfix itself would refuse to start).
 * out holds the value on HC_PFCONF_OK, else "" (when outsz > 0).
 */
enum hc_pfconf_err hc_pfconf_lookup(const char *buf, size_t len,
    const char *name, const char *config_dir, char *out, size_t outsz);

/*
 * queue_directory for main.cf text buf (pure): the expanded value, or
 * HC_PFCONF_DEFAULT_QUEUE_DIR when unset. Must be absolute.
 */
enum hc_pfconf_err hc_pfconf_queue_dir(const char *buf, size_t len,
    const char *config_dir, char *out, size_t outsz);

/*
 * Read config_dir/main.cf and resolve queue_directory into out.
 * Returns 0, or -1 with errno (file errors; EINVAL for a value the parser
 * rejects, with *perr set when perr is not NULL; EFBIG for a huge file).
 */
int hc_pfconf_queue_dir_read(const char *config_dir, char *out,
    size_t outsz, enum hc_pfconf_err *perr);

/*
 * daemon_directory (where the master binary lives), like
 * hc_pfconf_queue_dir; HC_PFCONF_DEFAULT_DAEMON_DIR when unset. Pure.
 */
enum hc_pfconf_err hc_pfconf_daemon_dir(const char *buf, size_t len,
    const char *config_dir, char *out, size_t outsz);

/* Read config_dir/main.cf and resolve daemon_directory, as above. */
int hc_pfconf_daemon_dir_read(const char *config_dir, char *out,
    size_t outsz, enum hc_pfconf_err *perr);

#endif
