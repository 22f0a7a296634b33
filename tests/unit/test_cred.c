/* SPDX-License-Identifier: ISC */
/* Unit tests for script_user lookups and enable_script_security's path check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cred.h"

static bool
has_group(const struct cred *c, gid_t g)
{
	size_t i;

	for (i = 0; i < c->ngroups; i++)
		if (c->groups[i] == g)
			return true;
	return false;
}

static void
test_unsafe(void **state)
{
	(void)state;
	assert_null(cred_unsafe(0, S_IFDIR | 0755));
	assert_null(cred_unsafe(0, S_IFREG | 0700));
	assert_null(cred_unsafe(0, S_IFREG | 04755));
	assert_null(cred_unsafe(0, S_IFDIR | 01755));
	assert_string_equal(cred_unsafe(1, S_IFREG | 0700),
	    "owned by a non-root user");
	assert_string_equal(cred_unsafe(65534, S_IFDIR | 0777),
	    "owned by a non-root user");
	assert_string_equal(cred_unsafe(0, S_IFDIR | 01777),
	    "writable by others");
	assert_string_equal(cred_unsafe(0, S_IFREG | 0602),
	    "writable by others");
	assert_string_equal(cred_unsafe(0, S_IFREG | 0776),
	    "writable by others");
	assert_string_equal(cred_unsafe(0, S_IFDIR | 0775),
	    "writable by its group");
	assert_string_equal(cred_unsafe(0, S_IFREG | 0620),
	    "writable by its group");
}

static void
test_resolve_users(void **state)
{
	struct passwd *pw = getpwnam("nobody");
	struct group *gr = getgrnam("daemon");
	struct cred c;
	uid_t nuid;
	gid_t ngid, dgid;
	char err[128];

	(void)state;
	assert_int_equal(cred_resolve("root", NULL, true, &c, err,
	    sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(c.uid, 0);
	assert_int_equal(c.gid, 0);
	assert_true(c.security);
	assert_true(c.ngroups >= 1);
	assert_true(has_group(&c, 0));
	cred_free(&c);
	assert_null(c.groups);
	assert_int_equal(c.ngroups, 0);
	if (pw == NULL || gr == NULL)
		skip();
	nuid = pw->pw_uid;
	ngid = pw->pw_gid;
	dgid = gr->gr_gid;
	assert_int_equal(cred_resolve("nobody", "", false, &c, err,
	    sizeof(err)), 0);
	assert_int_equal(c.uid, nuid);
	assert_int_equal(c.gid, ngid);
	assert_false(c.security);
	assert_true(has_group(&c, ngid));
	assert_false(has_group(&c, 0));	/* not root's, not ours */
	cred_free(&c);
	/* A group of one's own: initgroups(user, group) has it, not the
	 * passwd one (unless the group file lists the user there). */
	assert_int_equal(cred_resolve("nobody", "daemon", false, &c,
	    err, sizeof(err)), 0);
	assert_int_equal(c.uid, nuid);
	assert_int_equal(c.gid, dgid);
	assert_true(has_group(&c, dgid));
	assert_false(has_group(&c, 0));
	cred_free(&c);
	cred_free(&c);	/* twice is fine */
	cred_free(NULL);
}

/* Supplementary groups: a user listed as a member of a group not its own. */
static void
test_resolve_member(void **state)
{
	char err[128], user[64] = "";
	struct cred c;
	struct passwd *pw;
	struct group *gr;
	gid_t g = 0, primary = 0;

	(void)state;
	setgrent();
	while (user[0] == '\0' && (gr = getgrent()) != NULL) {
		if (gr->gr_mem[0] == NULL ||
		    (pw = getpwnam(gr->gr_mem[0])) == NULL ||
		    pw->pw_gid == gr->gr_gid)
			continue;
		snprintf(user, sizeof(user), "%s", gr->gr_mem[0]);
		g = gr->gr_gid;
		primary = pw->pw_gid;
	}
	endgrent();
	if (user[0] == '\0')
		skip();
	assert_int_equal(cred_resolve(user, NULL, false, &c, err,
	    sizeof(err)), 0);
	assert_int_equal(c.gid, primary);
	assert_true(c.ngroups >= 2);
	assert_true(has_group(&c, primary));
	assert_true(has_group(&c, g));
	cred_free(&c);
}

static void
test_resolve_default(void **state)
{
	struct passwd *pw = getpwnam(CRED_DEFAULT_USER);
	uid_t want = pw != NULL ? pw->pw_uid : 0;
	gid_t wantg = pw != NULL ? pw->pw_gid : 0;
	struct cred c;
	char err[128];

	(void)state;
	assert_int_equal(cred_resolve(NULL, NULL, false, &c, err,
	    sizeof(err)), 0);
	assert_int_equal(c.uid, want);
	assert_int_equal(c.gid, wantg);
	assert_true(has_group(&c, wantg));
	cred_free(&c);
	assert_int_equal(cred_resolve("", "", true, &c, err,
	    sizeof(err)), 0);
	assert_int_equal(c.uid, want);
	assert_true(c.security);
	cred_free(&c);
	/* Not set, with a group: the default user in that group. */
	if (getgrnam("daemon") == NULL)
		skip();
	assert_int_equal(cred_resolve(NULL, "daemon", false, &c, err,
	    sizeof(err)), 0);
	assert_int_equal(c.uid, want);
	assert_int_equal(c.gid, getgrnam("daemon")->gr_gid);
	cred_free(&c);
}

static void
test_resolve_errors(void **state)
{
	struct cred c;
	char err[128], small[16];

	(void)state;
	memset(&c, 0x55, sizeof(c));
	assert_int_equal(cred_resolve("vipd-no-such-user", NULL, true,
	    &c, err, sizeof(err)), -1);
	assert_string_equal(err,
	    "script_user: unknown user \"vipd-no-such-user\"");
	assert_int_equal(c.uid, 0);
	assert_null(c.groups);
	assert_int_equal(c.ngroups, 0);
	assert_false(c.security);
	assert_int_equal(cred_resolve("root", "vipd-no-such-group",
	    true, &c, err, sizeof(err)), -1);
	assert_string_equal(err,
	    "script_user: unknown group \"vipd-no-such-group\"");
	assert_null(c.groups);
	assert_false(c.security);
	assert_int_equal(cred_resolve("vipd-no-such-user", NULL, true,
	    &c, small, sizeof(small)), -1);
	assert_string_equal(small, "script_user: un");
	assert_int_equal(cred_resolve("vipd-no-such-user", NULL, true,
	    &c, NULL, 0), -1);
}

static void
test_copy(void **state)
{
	gid_t g[3] = { 5, 6, 7 };
	struct cred src = { 10, 20, g, 3, true }, dst;
	struct cred none = { 1, 2, NULL, 0, false };

	(void)state;
	assert_int_equal(cred_copy(&dst, &src), 0);
	assert_int_equal(dst.uid, 10);
	assert_int_equal(dst.gid, 20);
	assert_true(dst.security);
	assert_int_equal(dst.ngroups, 3);
	assert_ptr_not_equal(dst.groups, g);
	assert_memory_equal(dst.groups, g, sizeof(g));
	cred_free(&dst);
	assert_int_equal(cred_copy(&dst, &none), 0);
	assert_int_equal(dst.uid, 1);
	assert_null(dst.groups);
	cred_free(&dst);
}

/* Path checks need a root-owned tree outside /tmp (itself mode 1777). */
static char base[64];

static char *
at(const char *rel)
{
	static char buf[8][PATH_MAX];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", base, rel);
	return buf[i];
}

static void
mkfile(const char *rel, mode_t mode)
{
	int fd = open(at(rel), O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(chmod(at(rel), mode), 0);
}

static int
setup_base(void **state)
{
	char why[256];

	(void)state;
	if (geteuid() != 0)
		return 0;
	snprintf(base, sizeof(base), "/run/vipd-cred-XXXXXX");
	if (mkdtemp(base) == NULL || chmod(base, 0755) < 0 ||
	    cred_check_path(base, why, sizeof(why)) != 0) {
		if (base[0] != '\0')
			rmdir(base);
		base[0] = '\0';
		return 0;
	}
	if (mkdir(at("a"), 0755) < 0 || mkdir(at("a/b"), 0755) < 0 ||
	    mkdir(at("ww"), 0755) < 0 || chmod(at("ww"), 01777) < 0)
		return -1;
	mkfile("a/b/s.sh", 0755);
	mkfile("ww/s2.sh", 0755);
	return 0;
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static int
teardown_base(void **state)
{
	(void)state;
	if (base[0] == '\0')
		return 0;
	return nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* check_path's result and why, or its errno as "errno N". */
static const char *
check(const char *p)
{
	static char why[512];
	int rc;

	memset(why, 'x', sizeof(why));
	errno = 0;
	rc = cred_check_path(p, why, sizeof(why));
	if (rc < 0)
		snprintf(why, sizeof(why), "errno %d", errno);
	else if (rc == 0)
		assert_string_equal(why, "");
	else
		assert_int_equal(rc, 1);
	return why;
}

static char *
expect(const char *rel, const char *what)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/%s is %s", base, rel, what);
	return buf;
}

static void
test_check_tree(void **state)
{
	(void)state;
	if (base[0] == '\0')
		skip();		/* not root, or /run not safe */
	assert_string_equal(check(at("a/b/s.sh")), "");
	assert_string_equal(check(at("a/b")), "");
	assert_string_equal(check("/"), "");
	assert_string_equal(check(at("./a//b/../b/./s.sh")), "");
	assert_int_equal(chmod(at("a"), 01777), 0);
	assert_string_equal(check(at("a/b/s.sh")),
	    expect("a", "writable by others (uid 0, mode 1777)"));
	assert_int_equal(chmod(at("a"), 0775), 0);
	assert_string_equal(check(at("a/b/s.sh")),
	    expect("a", "writable by its group (uid 0, mode 0775)"));
	assert_int_equal(chmod(at("a"), 0755), 0);
	assert_int_equal(chown(at("a/b"), 65534, (gid_t)-1), 0);
	assert_string_equal(check(at("a/b/s.sh")),
	    expect("a/b", "owned by a non-root user (uid 65534, mode 0755)"));
	assert_int_equal(chown(at("a/b"), 0, (gid_t)-1), 0);
	assert_int_equal(chmod(at("a/b/s.sh"), 0757), 0);
	assert_string_equal(check(at("a/b/s.sh")),
	    expect("a/b/s.sh", "writable by others (uid 0, mode 0757)"));
	assert_int_equal(chmod(at("a/b/s.sh"), 0755), 0);
	assert_string_equal(check(at("a/b/s.sh")), "");
	assert_string_equal(check(at("ww/s2.sh")),
	    expect("ww", "writable by others (uid 0, mode 1777)"));
	assert_int_equal(chmod(at("ww"), 0755), 0);
	assert_string_equal(check(at("ww/s2.sh")), "");
	assert_int_equal(chmod(at("ww"), 01777), 0);
}

static void
test_check_symlinks(void **state)
{
	(void)state;
	if (base[0] == '\0')
		skip();
	/* Safe links, relative and absolute, to a safe file. */
	assert_int_equal(symlink("a/b/../b/./s.sh", at("l-rel")), 0);
	assert_int_equal(symlink(at("a/b/s.sh"), at("l-abs")), 0);
	assert_int_equal(symlink("b", at("a/l-dir")), 0);
	assert_string_equal(check(at("l-rel")), "");
	assert_string_equal(check(at("l-abs")), "");
	assert_string_equal(check(at("a/l-dir/s.sh")), "");
	/* The target lies in an unsafe directory. */
	assert_int_equal(symlink("ww/s2.sh", at("l-ww")), 0);
	assert_string_equal(check(at("l-ww")),
	    expect("ww", "writable by others (uid 0, mode 1777)"));
	/* The link itself lies in one: anyone may replace it. */
	assert_int_equal(symlink(at("a/b/s.sh"), at("ww/l-safe")), 0);
	assert_string_equal(check(at("ww/l-safe")),
	    expect("ww", "writable by others (uid 0, mode 1777)"));
	/* A link on the way, which realpath(3) alone would not show. */
	assert_int_equal(symlink(at("ww/l-safe"), at("l-chain")), 0);
	assert_string_equal(check(at("l-chain")),
	    expect("ww", "writable by others (uid 0, mode 1777)"));
	/* A target file owned by someone else. */
	mkfile("a/b/theirs", 0755);
	assert_int_equal(chown(at("a/b/theirs"), 65534, (gid_t)-1), 0);
	assert_int_equal(symlink("a/b/theirs", at("l-theirs")), 0);
	assert_string_equal(check(at("l-theirs")), expect("a/b/theirs",
	    "owned by a non-root user (uid 65534, mode 0755)"));
}

static void
test_check_errors(void **state)
{
	char want[32], name[NAME_MAX + 2], *longp;
	size_t n;

	(void)state;
	assert_string_equal(check(NULL), "errno 22");
	assert_string_equal(check("relative/x.sh"), "errno 22");
	assert_string_equal(check(""), "errno 22");
	assert_int_equal(cred_check_path("x", NULL, 0), -1);
	if (base[0] == '\0')
		skip();
	snprintf(want, sizeof(want), "errno %d", ENOENT);
	assert_string_equal(check(at("missing")), want);
	assert_int_equal(symlink("nowhere", at("l-dangling")), 0);
	assert_string_equal(check(at("l-dangling")), want);
	snprintf(want, sizeof(want), "errno %d", ENOTDIR);
	assert_string_equal(check(at("a/b/s.sh/x")), want);
	snprintf(want, sizeof(want), "errno %d", ELOOP);
	assert_int_equal(symlink("loop2", at("loop1")), 0);
	assert_int_equal(symlink("loop1", at("loop2")), 0);
	assert_string_equal(check(at("loop1")), want);
	snprintf(want, sizeof(want), "errno %d", ENAMETOOLONG);
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_string_equal(check(at(name)), want);
	longp = malloc(PATH_MAX + 1);
	assert_non_null(longp);
	memset(longp, '/', PATH_MAX);
	longp[PATH_MAX] = '\0';
	assert_string_equal(check(longp), want);
	/* A long link target: fine alone, too long with what follows. */
	n = PATH_MAX - 64 - strlen(at("a"));
	memset(longp, '/', n);
	snprintf(longp + n, PATH_MAX + 1 - n, "%s", at("a"));
	assert_int_equal(symlink(longp, at("l-long")), 0);
	assert_string_equal(check(at("l-long/b/s.sh")), "");
	memset(name, 'n', 100);
	name[100] = '\0';
	snprintf(longp, PATH_MAX, "l-long/%s", name);
	assert_string_equal(check(at(longp)), want);
	free(longp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unsafe),
		cmocka_unit_test(test_resolve_users),
		cmocka_unit_test(test_resolve_member),
		cmocka_unit_test(test_resolve_default),
		cmocka_unit_test(test_resolve_errors),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_check_tree),
		cmocka_unit_test(test_check_symlinks),
		cmocka_unit_test(test_check_errors),
	};

	return cmocka_run_group_tests(tests, setup_base, teardown_base);
}
