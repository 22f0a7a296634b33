/* SPDX-License-Identifier: ISC */
/* Notify commands into argv, with keepalived's PATH lookup of bare names. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cmdline.h"
#include "agent/notifycmd.h"

#define DEFAULT_PATH	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:" \
	"/sbin:/bin"

/* The first executable @name in the directories of @path, into @out. */
static int
find_on_path(const char *name, const char *path, char *out, size_t len)
{
	const char *e;
	size_t n;

	for (; *path != '\0'; path = *e ? e + 1 : e) {
		e = strchrnul(path, ':');
		n = (size_t)(e - path);
		if (n == 0)
			continue;	/* an empty entry would mean "." */
		if ((size_t)snprintf(out, len, "%.*s/%s", (int)n, path, name) >=
		    len)
			continue;
		if (access(out, X_OK) == 0)
			return 0;
	}
	return -1;
}

int
vipd_notify_argv(const char *cmd, char ***argv, char *why, size_t len)
{
	const char *s = cmd + strspn(cmd, " \t"), *path = getenv("PATH");
	char full[PATH_MAX], *line = NULL, name[NAME_MAX + 1];
	enum cmdline_err e;
	size_t n = strcspn(s, " \t");
	int argc, rc = 0;

	if (s[0] != '/' && s[0] != '\'' && s[0] != '"' && n > 0) {
		if (n > NAME_MAX) {
			snprintf(why, len, "\"%.*s\": name too long", 40, s);
			return -1;
		}
		memcpy(name, s, n);
		name[n] = '\0';
		if (find_on_path(name, path && *path ? path : DEFAULT_PATH,
		    full, sizeof(full)) < 0) {
			snprintf(why, len, "\"%s\" not found on PATH (%s)",
			    name, path && *path ? path : DEFAULT_PATH);
			return -1;
		}
		if (asprintf(&line, "'%s'%s", full, s + n) < 0) {
			snprintf(why, len, "out of memory");
			return -1;
		}
		s = line;
	}
	if ((e = cmdline_split(s, argv, &argc)) != CMDLINE_OK) {
		snprintf(why, len, "%s", cmdline_strerror(e));
		rc = -1;
	}
	free(line);
	return rc;
}
