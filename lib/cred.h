/* SPDX-License-Identifier: ISC */
/* Who scripts run as (script_user), and whether a script is safe to run as root. */
#ifndef VIPD_LIB_CRED_H
#define VIPD_LIB_CRED_H

#include <sys/stat.h>
#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

/* keepalived's default script user; root when it does not exist. */
#define CRED_DEFAULT_USER "keepalived_script"

/* The identity a script runs with. */
struct cred {
	uid_t uid;
	gid_t gid;
	gid_t *groups;		/* supplementary groups (malloc'd), or NULL */
	size_t ngroups;
	bool security;		/* enable_script_security: vet paths for root */
};

/*
 * Look up script_user: user (NULL or "" = not set: CRED_DEFAULT_USER
 * if it exists, else root) and group (NULL or "" = the user's primary
 * group). The supplementary groups are the user's, as initgroups(3) would
 * set them with that group. Done once at startup: it goes through NSS.
 * Returns 0, or -1 with a message in err ("script_user: unknown user
 * \"bob\"") and *out zeroed. Release *out with cred_free.
 */
int cred_resolve(const char *user, const char *group, bool security,
    struct cred *out, char *err, size_t errlen);

/* Deep copy; 0, or -1 with errno ENOMEM (*dst is then zeroed). */
int cred_copy(struct cred *dst, const struct cred *src);

/* Free the groups and zero *c; NULL and repeated calls are fine. */
void cred_free(struct cred *c);

/*
 * Why a file or directory with this owner and mode lets a non-root user
 * change what root would run: "owned by a non-root user", "writable by
 * its group", "writable by others", or NULL when it does not (pure).
 */
const char *cred_unsafe(uid_t owner, mode_t mode);

/*
 * enable_script_security's check of an absolute path: the file, every
 * directory a name is looked up in on the way, and every symlink's
 * target, recursively, must be owned by root and writable by nobody
 * else (cred_unsafe). Returns 0 when safe; 1 when not, with why
 * set ("/tmp/x is writable by others (uid 0, mode 1777)"); -1 with errno
 * (EINVAL: not absolute; ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, ...).
 */
int cred_check_path(const char *path, char *why, size_t whylen);

#endif
