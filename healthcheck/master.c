/* SPDX-License-Identifier: ISC */
/* Postfix master liveness: master.pid, a pidfd in the loop, /proc comm, uid, exe and run state. */
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/loop.h"
#include "healthcheck/master.h"

struct hc_master {
	struct loop *loop;
	struct loop_timer timer;
	struct loop_timer poll;
	uint64_t interval_us;
	uint64_t poll_us;	/* fast: while an instance tracking us is Master */
	uint64_t slow_us;	/* hc_master_slow_poll_us() */
	bool fast;
	bool polling;		/* the poll timer is armed */
	uid_t uid;
	int statfd;		/* /proc/pid/stat of the watched master; -1 */
	bool stopped;		/* the last state read was T */
	void (*cb)(const struct hc_master_result *, void *);
	void *arg;
	int pidfd;		/* -1, or a pidfd for pid in the loop */
	pid_t pid;		/* the pid pidfd refers to */
	bool no_pidfd;		/* kernel without pidfd_open: poll only */
	struct hc_master_result res;
	char pidfile[PATH_MAX];
	char exe[PATH_MAX];	/* "" = not checked */
};

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool
hc_master_parse_pid(const char *buf, size_t len, pid_t *pid)
{
	size_t i = 0;
	long v = 0;
	bool digits = false;

	while (i < len && is_blank(buf[i]))
		i++;
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		v = v * 10 + (buf[i] - '0');
		if (v > INT_MAX)
			return false;
		digits = true;
	}
	while (i < len && is_blank(buf[i]))
		i++;
	if (!digits || i != len || v < 1)
		return false;
	*pid = (pid_t)v;
	return true;
}

bool
hc_master_parse_state(const char *buf, size_t len, char *state)
{
	size_t i;

	for (i = len; i > 0; i--)
		if (buf[i - 1] == ')')
			break;
	/* i is just past the last ')'; the state follows one space. */
	if (i == 0 || len - i < 2 || buf[i] != ' ')
		return false;
	*state = buf[i + 1];
	return true;
}

bool
hc_master_parse_uid(const char *buf, size_t len, uid_t *uid)
{
	static const char key[] = "Uid:";
	size_t i = 0, k = sizeof(key) - 1;
	unsigned long v = 0;
	bool digits = false;

	for (;;) {
		if (len - i >= k && memcmp(buf + i, key, k) == 0)
			break;
		while (i < len && buf[i] != '\n')
			i++;
		if (i++ >= len)
			return false;
	}
	for (i += k; i < len && (buf[i] == ' ' || buf[i] == '\t'); i++)
		;
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		v = v * 10 + (unsigned long)(buf[i] - '0');
		if (v > UINT32_MAX)
			return false;
		digits = true;
	}
	if (!digits || (i < len && buf[i] != '\t' && buf[i] != ' ' &&
	    buf[i] != '\n'))
		return false;
	*uid = (uid_t)v;
	return true;
}

bool
hc_master_exe_is(const char *link, size_t len, const char *want)
{
	static const char del[] = " (deleted)";
	size_t wl = strlen(want), dl = sizeof(del) - 1;

	if (len == wl)
		return memcmp(link, want, wl) == 0;
	return len == wl + dl && memcmp(link, want, wl) == 0 &&
	    memcmp(link + wl, del, dl) == 0;
}

/* Read up to sz - 1 bytes of a small file, NUL-terminated; -1 + errno. */
static ssize_t
read_small(const char *path, char *buf, size_t sz)
{
	ssize_t n;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return -1;
	do
		n = read(fd, buf, sz - 1);
	while (n < 0 && errno == EINTR);
	saved = errno;
	close(fd);
	errno = saved;
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

static void
set_result(struct hc_master *m, enum hc_class cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_result(struct hc_master *m, enum hc_class cls, const char *fmt, ...)
{
	va_list ap;

	m->res.cls = cls;
	va_start(ap, fmt);
	vsnprintf(m->res.reason, sizeof(m->res.reason), fmt, ap);
	va_end(ap);
}

static void
drop_pidfd(struct hc_master *m)
{
	if (m->statfd >= 0)
		close(m->statfd);
	m->statfd = -1;
	m->stopped = false;
	if (m->pidfd < 0)
		return;
	loop_del_fd(m->loop, m->pidfd);
	close(m->pidfd);
	m->pidfd = -1;
}

static void
pidfd_ready(int fd, uint32_t events, void *arg)
{
	struct hc_master *m = arg;

	(void)fd;
	(void)events;
	drop_pidfd(m);
	m->res.latency_us = 0;
	m->res.pid = m->pid;
	set_result(m, HC_FAILED, "postfix master (pid %d) exited", (int)m->pid);
	m->cb(&m->res, m->arg);	/* last: cb may stop us */
}

/* Make sure a pidfd watches pid; false (result set) if it is gone. */
static bool
watch_pid(struct hc_master *m, pid_t pid)
{
	int fd;

	if (pid != m->pid)
		drop_pidfd(m);
	m->pid = pid;
	if (m->pidfd >= 0 || m->no_pidfd)
		return true;
	if ((fd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0) {
		if (errno == ENOSYS) {
			m->no_pidfd = true;
			return true;
		}
		if (errno == ESRCH)
			set_result(m, HC_FAILED, "postfix master (pid %d) is "
			    "not running", (int)pid);
		else
			set_result(m, HC_FAILED, "postfix master (pid %d): "
			    "pidfd_open: %s", (int)pid, strerror(errno));
		return false;
	}
	if (loop_add_fd(m->loop, fd, EPOLLIN, pidfd_ready, m) < 0) {
		set_result(m, HC_FAILED, "postfix master (pid %d): cannot "
		    "watch: %s", (int)pid, strerror(errno));
		close(fd);
		return false;
	}
	m->pidfd = fd;
	return true;
}

/* The run state from the kept /proc/PID/stat fd: 'X' once it is gone. */
static char
read_state(struct hc_master *m)
{
	char buf[512], state;
	ssize_t n;

	if (m->statfd < 0)
		return 'X';
	do
		n = pread(m->statfd, buf, sizeof(buf) - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0 || !hc_master_parse_state(buf, (size_t)n, &state))
		return 'X';	/* ESRCH: the process is gone */
	return state;
}

/* Set the result from a state letter; false if the master is gone. */
static bool
state_result(struct hc_master *m, pid_t pid, char state)
{
	if (state == 'Z' || state == 'X' || state == 'x') {
		set_result(m, HC_FAILED, "postfix master (pid %d) exited",
		    (int)pid);
		return false;
	}
	m->stopped = state == 'T' || state == 't';
	if (m->stopped)
		set_result(m, HC_FAILED, "postfix master (pid %d) is stopped",
		    (int)pid);
	else
		set_result(m, HC_OK, "postfix master (pid %d) is running",
		    (int)pid);
	return true;
}

/*
 * argv[0] of pid, from /proc/PID/cmdline, which needs no ptrace access:
 * once vipd has dropped its capabilities, /proc/PID/exe of a root process
 * is EACCES (the kernel wants CAP_SYS_PTRACE for it). Postfix starts its
 * master as daemon_directory/master, and only root could fake that in a
 * root-owned process. Length, 0 if none (a kernel thread, a zombie).
 */
static ssize_t
argv0(pid_t pid, char *buf, size_t sz)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((n = read_small(path, buf, sz)) <= 0)
		return 0;
	return (ssize_t)strnlen(buf, (size_t)n);
}

/* argv[0] is want, directly or through symbolic links. */
static bool
argv0_is(const char *a0, size_t len, const char *want)
{
	char real[PATH_MAX];

	if (hc_master_exe_is(a0, len, want))
		return true;
	return a0[0] == '/' && realpath(a0, real) != NULL &&
	    strcmp(real, want) == 0;
}

/* Real uid and executable: a stale master.pid can name any process. */
static bool
check_owner(struct hc_master *m, pid_t pid)
{
	char path[64], buf[2048];
	ssize_t n;
	uid_t uid;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((n = read_small(path, buf, sizeof(buf))) < 0 ||
	    !hc_master_parse_uid(buf, (size_t)n, &uid)) {
		set_result(m, HC_FAILED, "postfix master (pid %d) is not "
		    "running", (int)pid);
		return false;
	}
	if (uid != m->uid) {
		set_result(m, HC_FAILED, "no postfix master: pid %d in %s "
		    "runs as uid %u, not %u", (int)pid, m->pidfile,
		    (unsigned)uid, (unsigned)m->uid);
		return false;
	}
	if (m->exe[0] == '\0')
		return true;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if ((n = readlink(path, buf, sizeof(buf) - 1)) >= 0) {
		if (hc_master_exe_is(buf, (size_t)n, m->exe))
			return true;
		buf[n] = '\0';
	} else if (errno != EACCES || (n = argv0(pid, buf, sizeof(buf))) <= 0)
		return true;	/* a zombie: comm, uid and state still judge */
	else if (argv0_is(buf, (size_t)n, m->exe))
		return true;
	set_result(m, HC_FAILED, "no postfix master: pid %d in %s runs "
	    "%.64s, not %.64s", (int)pid, m->pidfile, buf, m->exe);
	return false;
}

/*
 * Check comm, uid, exe and state of pid (after the pidfd was opened, so a
 * pid reused since then is caught). True if the master is there (running
 * or stopped); its /proc/PID/stat stays open for the poll.
 */
static bool
check_proc(struct hc_master *m, pid_t pid)
{
	char path[64], buf[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if ((n = read_small(path, buf, sizeof(buf))) < 0) {
		set_result(m, HC_FAILED, "postfix master (pid %d) is not "
		    "running", (int)pid);
		return false;
	}
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (strcmp(buf, "master") != 0) {
		set_result(m, HC_FAILED, "no postfix master: pid %d in %s is "
		    "\"%.32s\"", (int)pid, m->pidfile, buf);
		return false;
	}
	if (!check_owner(m, pid))
		return false;
	if (m->statfd < 0) {
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		m->statfd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	}
	return state_result(m, pid, read_state(m));
}

static void
check_once(struct hc_master *m)
{
	char buf[128];
	ssize_t n;
	pid_t pid;

	m->res.pid = 0;
	if ((n = read_small(m->pidfile, buf, sizeof(buf))) < 0) {
		drop_pidfd(m);
		set_result(m, HC_FAILED, "no postfix master: %s: %s",
		    m->pidfile, strerror(errno));
		return;
	}
	if (!hc_master_parse_pid(buf, (size_t)n, &pid)) {
		drop_pidfd(m);
		set_result(m, HC_FAILED, "no postfix master: %s: %s",
		    m->pidfile, n == 0 ? "empty file" : "not a pid");
		return;
	}
	m->res.pid = pid;
	if (!watch_pid(m, pid))
		return;
	/* Only a live (possibly stopped) master keeps its pidfd. */
	if (!check_proc(m, pid))
		drop_pidfd(m);
}

static void
master_tick(struct loop_timer *t, uint64_t now, void *arg)
{
	struct hc_master *m = arg;

	(void)t;
	check_once(m);
	m->res.latency_us = loop_now() - now;
	loop_timer_set(m->loop, &m->timer, now + m->interval_us);
	m->cb(&m->res, m->arg);	/* last: cb may stop us */
}

uint64_t
hc_master_slow_poll_us(uint64_t poll_us, uint64_t interval_us)
{
	uint64_t us = HC_MASTER_SLOW_POLL_US;

	if (interval_us < us)
		us = interval_us;
	return us < poll_us ? poll_us : us;
}

bool
hc_master_poll_needed(uint64_t period_us, uint64_t interval_us)
{
	return period_us < interval_us;
}

/*
 * Re-read the run state only; a callback only when the verdict changes,
 * so that a poll costs one pread of /proc/PID/stat. started is when the
 * read began, for the latency.
 */
static void
reread(struct hc_master *m, uint64_t started)
{
	bool was_stopped = m->stopped, was_ok = m->res.cls == HC_OK;
	char state;

	if (m->statfd < 0 || (!was_ok && !was_stopped))
		return;		/* nothing to watch, or failing for a reason
				 * only the full check can clear */
	state = read_state(m);
	if (!state_result(m, m->pid, state))
		drop_pidfd(m);
	else if (m->stopped == was_stopped)
		return;
	m->res.pid = m->pid;
	m->res.latency_us = loop_now() - started;
	m->cb(&m->res, m->arg);	/* last: cb may stop us */
}

static void
master_poll(struct loop_timer *t, uint64_t now, void *arg)
{
	struct hc_master *m = arg;

	(void)t;
	loop_timer_set(m->loop, &m->poll, now + hc_master_poll_us(m));
	reread(m, now);
}

uint64_t
hc_master_poll_us(const struct hc_master *m)
{
	return m->fast ? m->poll_us : m->slow_us;
}

/* Arm the poll at the current period, or not at all if the full check
 * already re-reads the state as often. */
static void
arm_poll(struct hc_master *m, uint64_t now)
{
	uint64_t us = hc_master_poll_us(m);

	m->polling = hc_master_poll_needed(us, m->interval_us) &&
	    loop_timer_set(m->loop, &m->poll, now + us) == 0;
	if (!m->polling)
		loop_timer_cancel(m->loop, &m->poll);
}

void
hc_master_set_fast(struct hc_master *m, bool fast)
{
	if (m == NULL || m->fast == fast)
		return;
	m->fast = fast;
	arm_poll(m, loop_now());
}

bool
hc_master_is_fast(const struct hc_master *m)
{
	return m != NULL && m->fast;
}

void
hc_master_reread(struct hc_master *m)
{
	if (m != NULL)
		reread(m, loop_now());
}

struct hc_master *
hc_master_start(struct loop *l, const char *queue_dir,
    const struct hc_master_conf *c,
    void (*cb)(const struct hc_master_result *, void *), void *arg)
{
	struct hc_master *m;

	if (c == NULL || c->interval_us == 0 || c->poll_us == 0 ||
	    cb == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	if ((size_t)snprintf(m->pidfile, sizeof(m->pidfile),
	    "%s/pid/master.pid", queue_dir) >= sizeof(m->pidfile)) {
		free(m);
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (c->exe != NULL && realpath(c->exe, m->exe) == NULL)
		snprintf(m->exe, sizeof(m->exe), "%s", c->exe);
	m->loop = l;
	m->interval_us = c->interval_us;
	m->poll_us = c->poll_us;
	m->slow_us = hc_master_slow_poll_us(c->poll_us, c->interval_us);
	m->fast = c->fast;
	m->uid = c->uid;
	m->cb = cb;
	m->arg = arg;
	m->pidfd = -1;
	m->statfd = -1;
	loop_timer_init(&m->timer, master_tick, m);
	loop_timer_init(&m->poll, master_poll, m);
	if (loop_timer_set(l, &m->timer, loop_now()) < 0) {
		free(m);
		return NULL;
	}
	arm_poll(m, loop_now());
	return m;
}

void
hc_master_stop(struct hc_master *m)
{
	if (m == NULL)
		return;
	loop_timer_cancel(m->loop, &m->timer);
	loop_timer_cancel(m->loop, &m->poll);
	drop_pidfd(m);
	free(m);
}
