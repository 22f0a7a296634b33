/* SPDX-License-Identifier: ISC */
/* Who notify scripts run as (script_user), and whether a script is safe to run as root. */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cred.h"

#define CRED_BUF_MAX	(1 << 20)	/* for one passwd or group entry */
#define CRED_MAX_LINKS	40		/* symlinks followed, as the kernel */

/*
 * What a getpw*_r or getgr*_r call said: 0 found, 1 not found, -1 with
 * errno. Some systems report "not found" as an error code.
 */
static int
lookup_result(int e, bool found)
{
	if (e == 0 && found)
		return 0;
	if (e == 0 || e == ENOENT || e == ESRCH)
		return 1;
	errno = e;
	return -1;
}

/* getpwnam_r (getpwuid_r when name is NULL), growing *buf as needed. */
static int
find_user(const char *name, uid_t uid, struct passwd *pw, char **buf)
{
	struct passwd *res = NULL;
	size_t size;
	char *nb;
	int e;

	for (size = 1024;; size *= 2) {
		if ((nb = realloc(*buf, size)) == NULL)
			return -1;
		*buf = nb;
		e = name != NULL ? getpwnam_r(name, pw, nb, size, &res) :
		    getpwuid_r(uid, pw, nb, size, &res);
		if (e != ERANGE || size >= CRED_BUF_MAX)
			break;
	}
	return lookup_result(e, res != NULL);
}

static int
find_group(const char *name, struct group *gr, char **buf)
{
	struct group *res = NULL;
	size_t size;
	char *nb;
	int e;

	for (size = 1024;; size *= 2) {
		if ((nb = realloc(*buf, size)) == NULL)
			return -1;
		*buf = nb;
		e = getgrnam_r(name, gr, nb, size, &res);
		if (e != ERANGE || size >= CRED_BUF_MAX)
			break;
	}
	return lookup_result(e, res != NULL);
}

/*
 * The groups initgroups(name, gid) would set: gid and every group that
 * lists the user, cut at NGROUPS_MAX as glibc's initgroups does. With no
 * name (root without a passwd entry) just gid.
 */
static int
user_groups(const char *name, gid_t gid, struct cred *out)
{
	long max = sysconf(_SC_NGROUPS_MAX);
	int n = 16, want = 1;
	gid_t *g;

	for (;;) {
		if ((g = realloc(out->groups, (size_t)n * sizeof(*g))) == NULL)
			return -1;
		out->groups = g;
		if (name == NULL) {
			g[0] = gid;
			break;
		}
		want = n;
		if (getgrouplist(name, gid, g, &want) >= 0)
			break;
		if (want <= n) {
			errno = EIO;	/* it said "too small" without a size */
			return -1;
		}
		n = want;
	}
	if (max > 0 && want > max)
		want = (int)max;
	out->ngroups = (size_t)want;
	return 0;
}

/* The user named (or the default one), into *pw: see lookup_result. */
static int
resolve_user(const char *user, struct passwd *pw, char **buf)
{
	int rc;

	if (user != NULL && user[0] != '\0')
		return find_user(user, 0, pw, buf);
	rc = find_user(CRED_DEFAULT_USER, 0, pw, buf);
	if (rc != 1)
		return rc;
	/* keepalived's fallback: root, even without a passwd entry. */
	if ((rc = find_user(NULL, 0, pw, buf)) == 1) {
		memset(pw, 0, sizeof(*pw));
		rc = 0;
	}
	return rc;
}

static int
resolve_fail(struct cred *out, char *err, size_t errlen, int rc,
    const char *what, const char *name)
{
	if (rc > 0)
		snprintf(err, errlen, "script_user: unknown %s \"%s\"", what,
		    name);
	else
		snprintf(err, errlen, "script_user: cannot look up %s \"%s\": "
		    "%s", what, name, strerror(errno));
	cred_free(out);
	return -1;
}

int
cred_resolve(const char *user, const char *group, bool security,
    struct cred *out, char *err, size_t errlen)
{
	const char *uname = user != NULL && user[0] != '\0' ? user :
	    CRED_DEFAULT_USER;
	char *pbuf = NULL, *gbuf = NULL;
	struct passwd pw;
	struct group gr;
	int rc;

	memset(out, 0, sizeof(*out));
	if (errlen > 0)
		err[0] = '\0';
	if ((rc = resolve_user(user, &pw, &pbuf)) != 0) {
		resolve_fail(out, err, errlen, rc, "user", uname);
		goto out;
	}
	out->uid = pw.pw_uid;
	out->gid = pw.pw_gid;
	out->security = security;
	if (group != NULL && group[0] != '\0') {
		if ((rc = find_group(group, &gr, &gbuf)) != 0) {
			resolve_fail(out, err, errlen, rc, "group", group);
			goto out;
		}
		out->gid = gr.gr_gid;
	}
	if ((rc = user_groups(pw.pw_name, out->gid, out)) != 0)
		resolve_fail(out, err, errlen, rc, "the groups of",
		    pw.pw_name != NULL ? pw.pw_name : "root");
out:
	free(pbuf);
	free(gbuf);
	return rc == 0 ? 0 : -1;
}

int
cred_copy(struct cred *dst, const struct cred *src)
{
	*dst = *src;
	dst->groups = NULL;
	if (src->ngroups == 0)
		return 0;
	if ((dst->groups = calloc(src->ngroups, sizeof(gid_t))) == NULL) {
		memset(dst, 0, sizeof(*dst));
		return -1;
	}
	memcpy(dst->groups, src->groups, src->ngroups * sizeof(gid_t));
	return 0;
}

void
cred_free(struct cred *c)
{
	if (c == NULL)
		return;
	free(c->groups);
	memset(c, 0, sizeof(*c));
}

const char *
cred_unsafe(uid_t owner, mode_t mode)
{
	if (owner != 0)
		return "owned by a non-root user";
	if (mode & S_IWOTH)
		return "writable by others";
	if (mode & S_IWGRP)
		return "writable by its group";
	return NULL;
}

/* A path being resolved: the real directory reached, and what is left. */
struct walk {
	char dir[PATH_MAX];	/* no symlinks in it: each was followed */
	char rest[PATH_MAX];
	size_t pos;		/* in rest */
	int links;
};

/* The next name in what is left: 1, 0 at the end, -1 with errno. */
static int
next_name(struct walk *w, char name[NAME_MAX + 1])
{
	const char *s = w->rest + w->pos;
	size_t n;

	s += strspn(s, "/");
	if ((n = strcspn(s, "/")) == 0)
		return 0;
	if (n > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(name, s, n);
	name[n] = '\0';
	w->pos = (size_t)(s + n - w->rest);
	return 1;
}

/* The symlink at p: its target takes its place in what is left. */
static int
follow(struct walk *w, const char *p)
{
	char target[PATH_MAX], rest[PATH_MAX];
	ssize_t n;

	if (++w->links > CRED_MAX_LINKS) {
		errno = ELOOP;
		return -1;
	}
	if ((n = readlink(p, target, sizeof(target) - 1)) < 0)
		return -1;
	target[n] = '\0';
	if ((size_t)snprintf(rest, sizeof(rest), "%s/%s", target,
	    w->rest + w->pos) >= sizeof(rest)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(w->rest, rest, sizeof(rest));
	w->pos = 0;
	if (target[0] == '/')
		strcpy(w->dir, "/");
	return 0;
}

static int
verdict(const char *p, const struct stat *st, char *why, size_t whylen)
{
	const char *r = cred_unsafe(st->st_uid, st->st_mode);

	if (r == NULL)
		return 0;
	snprintf(why, whylen, "%s is %s (uid %u, mode %04o)", p, r,
	    (unsigned)st->st_uid, (unsigned)(st->st_mode & 07777));
	return 1;
}

/* One step along the path: name looked up in w->dir. */
static int
step(struct walk *w, const char *name, char *why, size_t whylen)
{
	char p[PATH_MAX], *slash;
	struct stat st;
	int rc;

	if (strcmp(name, ".") == 0)
		return 0;
	if (strcmp(name, "..") == 0) {
		/* w->dir is real, so its parent is too ("/.." is "/"). */
		slash = strrchr(w->dir, '/');
		slash[slash == w->dir] = '\0';
		return 0;
	}
	if ((size_t)snprintf(p, sizeof(p), "%s/%s", strcmp(w->dir, "/") ?
	    w->dir : "", name) >= sizeof(p)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (lstat(p, &st) < 0)
		return -1;
	if (S_ISLNK(st.st_mode))
		return follow(w, p);
	if ((rc = verdict(p, &st, why, whylen)) != 0)
		return rc;
	memcpy(w->dir, p, sizeof(p));
	return 0;
}

int
cred_check_path(const char *path, char *why, size_t whylen)
{
	char name[NAME_MAX + 1];
	struct walk w;
	struct stat st;
	int rc;

	if (whylen > 0)
		why[0] = '\0';
	if (path == NULL || path[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	if (strlen(path) >= sizeof(w.rest)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(w.dir, "/");
	strcpy(w.rest, path);
	w.pos = 0;
	w.links = 0;
	if (lstat("/", &st) < 0)
		return -1;
	if ((rc = verdict("/", &st, why, whylen)) != 0)
		return rc;
	while ((rc = next_name(&w, name)) > 0)
		if ((rc = step(&w, name, why, whylen)) != 0)
			return rc;
	return rc;
}
