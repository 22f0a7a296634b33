/* SPDX-License-Identifier: ISC */
/* Unit tests for notify scripts run as script_user, and enable_script_security. */
#include "tests/unit/notify_fixture.h"

static char safe[64];

static char *
in_safe(const char *rel)
{
	static char buf[8][384];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", safe, rel);
	return buf[i];
}

static void
write_script(const char *file, const char *body, mode_t mode)
{
	FILE *f = fopen(file, "w");

	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s", body);
	fclose(f);
	assert_int_equal(chmod(file, mode), 0);
}

static int
safe_setup(void **state)
{
	(void)state;
	safe[0] = '\0';
	if (geteuid() != 0)
		return 0;
	snprintf(safe, sizeof(safe), "/run/vipd-notify-XXXXXX");
	if (mkdtemp(safe) == NULL || chmod(safe, 0755) < 0 ||
	    mkdir(in_safe("out"), 0755) < 0 || chmod(in_safe("out"), 01777))
		return -1;
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
safe_teardown(void **state)
{
	(void)state;
	if (safe[0] == '\0')
		return 0;
	return nftw(safe, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
test_cred_run_as_user(void **state)
{
	gid_t groups[] = { 65534, 4, 20 };
	struct cred cred, manual = { 65534, 65534, groups, 3, false };
	char *ids = in_safe("ids.sh"), err[128];
	struct stat st;
	struct ctx c;

	(void)state;
	if (safe[0] == '\0')
		skip();
	write_script(ids, "{ id -u; id -g; id -G; } >\"$1\"\n", 0755);
	ctx_init(&c, 2000);
	assert_int_equal(cred_resolve("nobody", NULL, false, &cred, err,
	    sizeof(err)), 0);
	assert_int_equal(notify_set_cred(c.n, &cred), 0);
	cred_free(&cred);	/* the runner keeps its own copy */
	assert_int_equal(enq(&c, "notify_master", "VI_1", ids,
	    in_safe("out/a"), NULL, NULL), 0);
	run(&c, 1, 3000);
	assert_int_equal(c.res[0].outcome, NOTIFY_EXITED);
	assert_int_equal(c.res[0].code, 0);
	/* Root's group 0 is gone: the supplementary groups were set. */
	assert_string_equal(slurp(in_safe("out/a")), "65534\n65534\n65534\n");
	assert_int_equal(stat(in_safe("out/a"), &st), 0);
	assert_int_equal(st.st_uid, 65534);
	assert_int_equal(st.st_gid, 65534);
	assert_int_equal(notify_set_cred(c.n, &manual), 0);
	assert_int_equal(enq(&c, "notify_master", "VI_1", ids,
	    in_safe("out/b"), NULL, NULL), 0);
	run(&c, 2, 3000);
	assert_string_equal(slurp(in_safe("out/b")), "65534\n65534\n"
	    "65534 4 20\n");
	/* Back to our own ids. */
	assert_int_equal(notify_set_cred(c.n, NULL), 0);
	assert_int_equal(enq(&c, "notify_master", "VI_1", ids,
	    in_safe("out/c"), NULL, NULL), 0);
	run(&c, 3, 3000);
	assert_int_equal(stat(in_safe("out/c"), &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_stats(&c, 3, 3, 0, 0, 0, 0, false);
	ctx_fini(&c);
}

static void
test_cred_switch_fails(void **state)
{
	struct cred cred = { 65534, 65534, NULL, 65537, false };
	struct ctx c;

	(void)state;
	if (safe[0] == '\0')
		skip();
	/* More groups than the kernel takes: setgroups fails in the child. */
	cred.groups = calloc(cred.ngroups, sizeof(gid_t));
	assert_non_null(cred.groups);
	ctx_init(&c, 2000);
	assert_int_equal(notify_set_cred(c.n, &cred), 0);
	free(cred.groups);
	assert_int_equal(enq(&c, "notify", "VI_1", "/bin/true", 0, 0, 0), 0);
	assert_int_equal(c.nres, 1);
	assert_int_equal(c.res[0].outcome, NOTIFY_SPAWN_FAILED);
	assert_int_equal(c.res[0].code, EINVAL);
	assert_stats(&c, 1, 0, 1, 0, 0, 0, false);
	ctx_fini(&c);
}

static void
test_script_security(void **state)
{
	char *ww = in_safe("ww"), *s = in_safe("ww/s.sh"), *log = path("sec.log");
	char *slow = in_safe("slow.sh"), err[128], want[512];
	struct cred root, nobody, lax;
	struct ctx c;
	int saved;

	(void)state;
	if (safe[0] == '\0')
		skip();
	assert_int_equal(mkdir(ww, 0755), 0);
	assert_int_equal(chmod(ww, 01777), 0);
	write_script(s, "exit 0\n", 0755);
	write_script(slow, "sleep 0.1\n", 0755);
	assert_int_equal(cred_resolve("root", NULL, true, &root, err,
	    sizeof(err)), 0);
	assert_int_equal(cred_resolve("nobody", NULL, true, &nobody,
	    err, sizeof(err)), 0);
	assert_int_equal(cred_resolve("root", NULL, false, &lax, err,
	    sizeof(err)), 0);
	ctx_init(&c, 2000);
	assert_int_equal(notify_set_cred(c.n, &root), 0);
	saved = capture_stderr(log);
	/* Refused at once when idle, like a script that cannot start. */
	assert_int_equal(enq(&c, "notify_master", "VI_1", s, 0, 0, 0), 0);
	assert_int_equal(c.nres, 1);
	assert_int_equal(c.res[0].outcome, NOTIFY_REFUSED);
	assert_int_equal(c.res[0].code, EPERM);
	assert_int_equal(c.res[0].ms, 0);
	snprintf(want, sizeof(want), "%s is writable by others (uid 0, mode "
	    "1777)", ww);
	assert_string_equal(c.res[0].out, want);
	assert_stats(&c, 1, 0, 1, 0, 0, 0, false);
	/* And when its turn comes after another run. */
	assert_int_equal(enq(&c, "notify_backup", "VI_1", slow, 0, 0, 0), 0);
	assert_int_equal(enq(&c, "notify_backup", "VI_2", s, 0, 0, 0), 0);
	assert_int_equal(enq(&c, "notify", "VI_1", in_safe("none"), 0, 0, 0),
	    0);
	run(&c, 4, 3000);
	assert_int_equal(c.res[1].outcome, NOTIFY_EXITED);
	assert_int_equal(c.res[2].outcome, NOTIFY_REFUSED);
	assert_string_equal(c.res[2].instance, "VI_2");
	assert_int_equal(c.res[3].outcome, NOTIFY_SPAWN_FAILED);
	assert_int_equal(c.res[3].code, ENOENT);
	/* Safe once the directory is root's alone. */
	assert_int_equal(chmod(ww, 0755), 0);
	assert_int_equal(enq(&c, "notify_master", "VI_1", s, 0, 0, 0), 0);
	run(&c, 5, 3000);
	assert_int_equal(c.res[4].outcome, NOTIFY_EXITED);
	assert_int_equal(c.res[4].code, 0);
	/* Not root, or no enable_script_security: not vetted. */
	assert_int_equal(chmod(ww, 01777), 0);
	assert_int_equal(notify_set_cred(c.n, &nobody), 0);
	assert_int_equal(enq(&c, "notify_master", "VI_1", s, 0, 0, 0), 0);
	assert_int_equal(notify_set_cred(c.n, &lax), 0);
	assert_int_equal(enq(&c, "notify_master", "VI_1", s, 0, 0, 0), 0);
	run(&c, 7, 3000);
	restore_stderr(saved);
	assert_int_equal(c.res[5].outcome, NOTIFY_EXITED);
	assert_int_equal(c.res[6].outcome, NOTIFY_EXITED);
	assert_stats(&c, 7, 4, 3, 0, 0, 0, false);
	snprintf(want, sizeof(want), " notify_master \"%s\" for VI_1 refused "
	    "by enable_script_security: %s is writable by others (uid 0, mode "
	    "1777)\n", s, ww);
	assert_int_equal(count(slurp(log), want), 1);
	snprintf(want, sizeof(want), " notify_backup \"%s\" for VI_2 refused "
	    "by enable_script_security: %s is writable by others (uid 0, mode "
	    "1777)\n", s, ww);
	assert_int_equal(count(slurp(log), want), 1);
	cred_free(&root);
	cred_free(&nobody);
	cred_free(&lax);
	ctx_fini(&c);
}

struct last {
	enum notify_outcome outcome;
	int code;
	char out[64];
};

static void
last_hook(const struct notify_result *r, void *arg)
{
	struct last *l = arg;

	l->outcome = r->outcome;
	l->code = r->code;
	snprintf(l->out, sizeof(l->out), "%s", r->output);
}

/* Run /usr/bin/id -u as cred; 0 when it printed want, else 1. */
static int
id_as(struct notify *n, const char *user, const char *want,
    enum notify_outcome oc, int code)
{
	char *argv[] = { "/usr/bin/id", "-u", NULL }, err[128];
	struct cred cred;
	struct last l = { -1, -1, "" };

	if (cred_resolve(user, NULL, false, &cred, err,
	    sizeof(err)) < 0 || notify_set_cred(n, &cred) < 0)
		return 1;
	cred_free(&cred);
	notify_set_hook(n, last_hook, &l);
	if (notify_enqueue(n, "notify", "VI_1", argv, NULL) < 0)
		return 1;
	notify_drain(n, 2000);
	return l.outcome != oc || l.code != code || strcmp(l.out, want) != 0;
}

/* In a child that is nobody: no cmocka asserts there. */
static int
as_nobody(void)
{
	struct loop *l;
	struct notify *n;
	int rc = 0;

	if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
		return 10;
	if ((l = loop_new()) == NULL || (n = notify_new(l, 2000)) == NULL)
		return 11;
	/* Its own ids: kept, no setgroups (which would fail). */
	if (id_as(n, "nobody", "65534\n", NOTIFY_EXITED, 0) != 0)
		rc = 12;
	/* Another user: impossible without root. */
	else if (id_as(n, "root", "", NOTIFY_SPAWN_FAILED, EPERM) != 0)
		rc = 13;
	notify_free(n);
	loop_free(l);
	return rc;
}

static void
test_cred_without_root(void **state)
{
	pid_t pid;
	int st;

	(void)state;
	if (safe[0] == '\0')
		skip();
	fflush(NULL);
	if ((pid = fork()) == 0)
		_exit(as_nobody());
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}


int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cred_run_as_user,
		    safe_setup, safe_teardown),
		cmocka_unit_test_setup_teardown(test_cred_switch_fails,
		    safe_setup, safe_teardown),
		cmocka_unit_test_setup_teardown(test_script_security,
		    safe_setup, safe_teardown),
		cmocka_unit_test_setup_teardown(test_cred_without_root,
		    safe_setup, safe_teardown),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
