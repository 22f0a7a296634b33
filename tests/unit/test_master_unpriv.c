/* SPDX-License-Identifier: ISC */
/* The Postfix master's executable, judged as vipd judges it: without capabilities. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/loop.h"
#include "healthcheck/master.h"
#include "postfix_fixture.h"

/*
 * After vipd drops its capabilities, /proc/PID/exe of a root process is
 * EACCES (the kernel asks for CAP_SYS_PTRACE), so the check falls back to
 * argv[0] in /proc/PID/cmdline. The fake master here is /bin/sleep run
 * through a symbolic link named "master" (so its comm is "master"), as
 * root with every capability, and judged by a child that has none.
 */

struct verdict {
	struct loop *l;
	struct hc_master *m;
	struct hc_master_result r;
	bool seen;
};

static void
first_cb(const struct hc_master_result *r, void *arg)
{
	struct verdict *v = arg;

	v->r = *r;
	v->seen = true;
	hc_master_stop(v->m);
	v->m = NULL;
	loop_stop(v->l);
}

/* Drop every capability of this (single-threaded) process. */
static int
drop_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	return (int)syscall(SYS_capset, &h, d);
}

/*
 * In a child without capabilities: the first verdict on qdir's master
 * with exe expected, written to fd as "CLS REASON". Exit status 0 if a
 * verdict came, else the step that failed.
 */
static void
judge(const char *qdir, const char *exe, int fd)
{
	struct hc_master_conf mc = { .interval_us = 1000000,
	    .poll_us = 1000000, .uid = geteuid(), .exe = exe };
	struct verdict v = { 0 };
	struct loop_timer g;
	char line[600];
	int n;

	if (drop_caps() < 0)
		_exit(2);
	if (readlink("/proc/1/exe", line, sizeof(line)) >= 0 ||
	    errno != EACCES)
		_exit(3);	/* still privileged: the test would prove nothing */
	if ((v.l = loop_new()) == NULL)
		_exit(4);
	loop_timer_init(&g, guard, v.l);
	loop_timer_set(v.l, &g, loop_now() + 5000000);
	if ((v.m = hc_master_start(v.l, qdir, &mc, first_cb, &v)) == NULL ||
	    loop_run(v.l) < 0 || !v.seen)
		_exit(5);
	n = snprintf(line, sizeof(line), "%d %s", (int)v.r.cls, v.r.reason);
	_exit(write(fd, line, (size_t)n) == n ? 0 : 6);
}

static void
verdict_of(const char *qdir, const char *exe, char *out, size_t len)
{
	int fd[2], st;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fd), 0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		close(fd[0]);
		judge(qdir, exe, fd[1]);
	}
	close(fd[1]);
	n = read(fd[0], out, len - 1);
	close(fd[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_true(n > 0);
	out[n] = '\0';
}

/* root/master -> /bin/sleep, started by that path; pid in master.pid. */
static pid_t
symlinked_master(const char *root, char *path, size_t len)
{
	char text[64], c;
	int fd[2];
	pid_t pid;

	snprintf(path, len, "%s/master", root);
	assert_int_equal(symlink("/bin/sleep", path), 0);
	assert_int_equal(pipe2(fd, O_CLOEXEC), 0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		char pidfile[600];
		FILE *f;

		/* Gone with the test, even one that failed half-way. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		snprintf(pidfile, sizeof(pidfile), "%s/pid/master.pid", root);
		snprintf(text, sizeof(text), "%32d\n", (int)getpid());
		if ((f = fopen(pidfile, "w")) == NULL || fputs(text, f) < 0 ||
		    fclose(f) != 0)
			_exit(3);
		execl(path, path, "3600", (char *)NULL);
		_exit(4);
	}
	close(fd[1]);
	/* EOF once execl has closed the write end: comm is "master". */
	assert_int_equal(read(fd[0], &c, 1), 0);
	close(fd[0]);
	return pid;
}

static void
test_exe_without_ptrace(void **state)
{
	char root[64], path[128], sleep_real[PATH_MAX], got[1024], want[1024];
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	make_dirs(root);
	pid = symlinked_master(root, path, sizeof(path));
	assert_non_null(realpath("/bin/sleep", sleep_real));

	/* The executable it really runs, reached through argv[0]'s link. */
	verdict_of(root, sleep_real, got, sizeof(got));
	snprintf(want, sizeof(want), "%d postfix master (pid %d) is running",
	    (int)HC_OK, (int)pid);
	assert_string_equal(got, want);

	/* Anything else is not Postfix's master. */
	verdict_of(root, "/usr/lib/postfix/sbin/master", got, sizeof(got));
	snprintf(want, sizeof(want), "%d no postfix master: pid %d in "
	    "%s/pid/master.pid runs %s, not /usr/lib/postfix/sbin/master",
	    (int)HC_FAILED, (int)pid, root, path);
	assert_string_equal(got, want);

	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	rm_tree(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exe_without_ptrace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
