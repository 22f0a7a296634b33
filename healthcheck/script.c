/* SPDX-License-Identifier: ISC */
/* vrrp_script: keepalived's rise/fall counter (pure), PATH lookup, and a runner on the event loop. */
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "healthcheck/script.h"
#include "lib/cmdline.h"
#include "lib/cred.h"
#include "lib/loop.h"
#include "lib/spawn.h"

/* keepalived's: SIGTERM at the timeout, SIGKILL 2 s later. */
#define KILL_GRACE_US	2000000u
#define DEFAULT_PATH	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:" \
			"/sbin:/bin"
#define READS		16

void
hc_script_state_init(struct hc_script_state *s, unsigned rise, unsigned fall,
    bool init_fail)
{
	s->rise = rise ? rise : 1;
	s->fall = fall ? fall : 1;
	s->init = !init_fail;
	s->result = init_fail ? 0 : s->rise - 1;
}

int
hc_script_state_update(struct hc_script_state *s, bool success)
{
	unsigned top = s->rise + s->fall - 1;
	bool init = s->init;
	int changed = 0;

	s->init = false;
	if (success) {
		if (s->result < s->rise - 1)
			s->result++;
		else if (s->result != top) {
			if (s->result < s->rise)
				changed = 1;
			s->result = top;
		}
	} else {
		if (s->result > s->rise)
			s->result--;
		else {
			if (s->result == s->rise || init)
				changed = -1;
			s->result = 0;
		}
	}
	return changed;
}

bool
hc_script_state_ok(const struct hc_script_state *s)
{
	return s->result >= s->rise;
}

/* PATH search as execvp does it, but once, before any run. */
static int
find_on_path(const char *name, const char *path, char *out, size_t outlen)
{
	const char *p = path ? path : DEFAULT_PATH, *e;
	struct stat sb;
	size_t dl;

	for (; ; p = e + 1) {
		e = strchr(p, ':');
		dl = e ? (size_t)(e - p) : strlen(p);
		if (dl > 0 && p[0] == '/' && (size_t)snprintf(out, outlen,
		    "%.*s/%s", (int)dl, p, name) < outlen &&
		    stat(out, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    access(out, X_OK) == 0)
			return 0;
		if (e == NULL)
			return -1;
	}
}

int
hc_script_argv(const char *cmd, const char *path, char ***argv_out,
    char *why, size_t whylen)
{
	char full[4096], *first[2] = { full, NULL }, **argv, **nv;
	enum cmdline_err e;
	int argc;

	*argv_out = NULL;
	if ((e = cmdline_split_any(cmd, &argv, &argc)) != CMDLINE_OK) {
		snprintf(why, whylen, "%s", cmdline_strerror(e));
		return -1;
	}
	if (argv[0][0] == '/') {
		*argv_out = argv;
		return 0;
	}
	if (strchr(argv[0], '/') != NULL) {
		snprintf(why, whylen, "\"%s\" is a relative path (give an "
		    "absolute one, or a bare name to look up on PATH)",
		    argv[0]);
		cmdline_free(argv);
		return -1;
	}
	if (find_on_path(argv[0], path, full, sizeof(full)) < 0) {
		snprintf(why, whylen, "\"%s\" not found on PATH (%s)", argv[0],
		    path ? path : DEFAULT_PATH);
		cmdline_free(argv);
		return -1;
	}
	nv = cmdline_concat(first, argv + 1);
	cmdline_free(argv);
	if (nv == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	*argv_out = nv;
	return 0;
}

int
hc_script_runnable(const char *argv0, const struct cred *cred, char *why,
    size_t whylen)
{
	char unsafe[512];
	struct stat sb;
	int rc;

	if (stat(argv0, &sb) < 0) {
		snprintf(why, whylen, "%s: %s", argv0, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || (sb.st_mode & 0111) == 0) {
		snprintf(why, whylen, "%s: not an executable file", argv0);
		return -1;
	}
	if (cred == NULL || !cred->security || cred->uid != 0)
		return 0;
	if ((rc = cred_check_path(argv0, unsafe, sizeof(unsafe))) == 0)
		return 0;
	if (rc < 0)
		snprintf(why, whylen, "%s: %s", argv0, strerror(errno));
	else
		snprintf(why, whylen, "unsafe under enable_script_security: "
		    "%s", unsafe);
	return -1;
}

/* The runner ------------------------------------------------------------ */

enum stage { IDLE, RUN, TERM, KILL };

struct hc_script {
	struct loop *loop;
	char **argv;
	struct cred cred;
	bool has_cred;
	uint64_t interval_us, timeout_us;
	hc_script_cb cb;
	void *arg;
	struct loop_timer tick;		/* next run */
	struct loop_timer deadline;	/* timeout, then SIGKILL */
	enum stage stage;
	pid_t pid;
	int pidfd, outfd;
	uint64_t started;
};

static void
drop_output(struct hc_script *s)
{
	char buf[4096];
	ssize_t r;
	int n = READS;

	while (s->outfd >= 0 && n-- > 0) {
		r = read(s->outfd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0) {
			loop_del_fd(s->loop, s->outfd);
			close(s->outfd);
			s->outfd = -1;
		}
	}
}

static void
release(struct hc_script *s)
{
	if (s->outfd >= 0) {
		loop_del_fd(s->loop, s->outfd);
		close(s->outfd);
	}
	if (s->pidfd >= 0) {
		loop_del_fd(s->loop, s->pidfd);
		close(s->pidfd);
	}
	s->outfd = s->pidfd = -1;
	loop_timer_cancel(s->loop, &s->deadline);
}

static void
on_exit_fd(int fd, uint32_t events, void *arg)
{
	struct hc_script *s = arg;
	enum stage stage = s->stage;
	char reason[160];
	siginfo_t si;
	bool ok = false;

	(void)fd;
	(void)events;
	drop_output(s);
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, (id_t)s->pidfd, &si, WEXITED | WNOHANG) < 0 ||
	    si.si_pid == 0) {
		snprintf(reason, sizeof(reason), "script: cannot reap pid %d",
		    (int)s->pid);
	} else if (stage != RUN) {
		snprintf(reason, sizeof(reason), "script timed out after %.3f s",
		    (double)s->timeout_us / 1e6);
	} else if (si.si_code == CLD_EXITED) {
		ok = si.si_status == 0;
		snprintf(reason, sizeof(reason), "script exited with status %d",
		    si.si_status);
	} else {
		snprintf(reason, sizeof(reason), "script killed by signal %d",
		    si.si_status);
	}
	/* Children it left behind must not outlive the run. */
	kill(-s->pid, SIGKILL);
	release(s);
	s->stage = IDLE;
	s->cb(ok, reason, s->arg);
}

static void
on_output(int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	drop_output(arg);
}

static void
on_deadline(struct loop_timer *t, uint64_t now, void *arg)
{
	struct hc_script *s = arg;

	(void)t;
	if (s->stage == RUN) {
		s->stage = TERM;
		kill(-s->pid, SIGTERM);
		loop_timer_set(s->loop, &s->deadline, now + KILL_GRACE_US);
	} else if (s->stage == TERM) {
		s->stage = KILL;
		kill(-s->pid, SIGKILL);
	}
}

static void
run(struct hc_script *s, uint64_t now)
{
	char reason[160];
	int err;

	if ((err = spawn_exec(s->argv, (char *[]){ "PATH=" DEFAULT_PATH, NULL },
	    s->has_cred ? &s->cred : NULL, &s->pid, &s->outfd)) != 0) {
		s->outfd = -1;
		snprintf(reason, sizeof(reason), "script cannot run: %s: %s",
		    s->argv[0], strerror(err));
		s->cb(false, reason, s->arg);
		return;
	}
	s->started = now;
	s->stage = RUN;
	if ((s->pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0)) < 0 ||
	    loop_add_fd(s->loop, s->pidfd, EPOLLIN, on_exit_fd, s) < 0 ||
	    loop_add_fd(s->loop, s->outfd, EPOLLIN, on_output, s) < 0) {
		err = errno;
		kill(-s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		release(s);
		s->stage = IDLE;
		snprintf(reason, sizeof(reason), "script cannot be watched: %s",
		    strerror(err));
		s->cb(false, reason, s->arg);
		return;
	}
	loop_timer_set(s->loop, &s->deadline, now + s->timeout_us);
}

static void
on_tick(struct loop_timer *t, uint64_t now, void *arg)
{
	struct hc_script *s = arg;

	loop_timer_set(s->loop, t, now + s->interval_us);
	if (s->stage == IDLE)	/* keepalived skips a run while one lasts */
		run(s, now);
}

struct hc_script *
hc_script_start(struct loop *l, char *const argv[], const struct cred *cred,
    uint64_t interval_us, uint64_t timeout_us, hc_script_cb cb, void *arg)
{
	struct hc_script *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->loop = l;
	s->pidfd = s->outfd = -1;
	s->interval_us = interval_us;
	s->timeout_us = timeout_us;
	s->cb = cb;
	s->arg = arg;
	if ((s->argv = cmdline_concat(argv, NULL)) == NULL ||
	    (cred != NULL && cred_copy(&s->cred, cred) < 0)) {
		cmdline_free(s->argv);
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	s->has_cred = cred != NULL;
	loop_timer_init(&s->tick, on_tick, s);
	loop_timer_init(&s->deadline, on_deadline, s);
	if (loop_timer_set(l, &s->tick, loop_now()) < 0) {
		hc_script_stop(s);
		return NULL;
	}
	return s;
}

void
hc_script_stop(struct hc_script *s)
{
	if (s == NULL)
		return;
	if (s->stage != IDLE) {
		kill(-s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
	}
	release(s);
	loop_timer_cancel(s->loop, &s->tick);
	cmdline_free(s->argv);
	cred_free(&s->cred);
	free(s);
}
