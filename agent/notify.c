/* SPDX-License-Identifier: ISC */
/* Notify-script runner: one global FIFO, one child at a time, time-bounded and logged. */
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cmdline.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "agent/notify.h"
#include "lib/cred.h"
#include "lib/spawn.h"

#define NOTIFY_READS	16	/* per event, so a chatty child can't hog */
#define NOTIFY_CMD_SHOWN 256	/* command bytes quoted in log lines */
#define NOTIFY_REAP_MS	1000	/* for a SIGKILLed child at shutdown */

struct notify_job {
	struct notify_job *next;
	uint64_t seq;
	char **names;		/* label, instance */
	char **argv;		/* one block each (cmdline_concat) */
	char **envp;
};

enum notify_stage { STAGE_RUN, STAGE_TERM, STAGE_KILL };

/* The running child; job == NULL when idle. */
struct notify_child {
	struct notify_job *job;
	pid_t pid;
	int pidfd;
	int outfd;
	uint64_t started;
	uint64_t deadline;	/* next escalation, µs; 0 = none */
	enum notify_stage stage;
	int killsig;		/* last signal we sent */
	bool limit;		/* killed by the shutdown bound */
	size_t outlen;		/* out[] holds the tail once past MAX */
	char out[2 * NOTIFY_OUTPUT_MAX];
};

struct notify {
	struct loop *loop;
	uint32_t timeout_ms;
	struct notify_job *head, **tail;
	size_t nqueued;
	uint64_t seq;
	bool stopping;		/* no new starts: drain limit or free */
	struct notify_child cur;
	struct loop_timer timer;
	void (*hook)(const struct notify_result *, void *);
	void *hook_arg;
	struct notify_stats stats;
	bool has_cred;		/* else scripts run with our ids */
	struct cred cred;
};

static void start_next(struct notify *);

static void
job_free(struct notify_job *j)
{
	if (j == NULL)
		return;
	free(j->names);
	free(j->argv);
	free(j->envp);
	free(j);
}

/* instance is at most NOTIFY_NAME_MAX bytes (checked by the caller). */
static struct notify_job *
job_new(uint64_t seq, const char *label, const char *instance,
    char *const argv[], char *const env_extra[])
{
	char seqvar[32], instvar[NOTIFY_NAME_MAX + 32];
	char *const names[] = { (char *)label, (char *)instance, NULL };
	char *const base[] = { NOTIFY_PATH, seqvar, instvar, NULL };
	struct notify_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->seq = seq;
	snprintf(seqvar, sizeof(seqvar), "VIPD_SEQ=%" PRIu64, seq);
	snprintf(instvar, sizeof(instvar), "VIPD_INSTANCE=%s", instance);
	j->names = cmdline_concat(names, NULL);
	j->argv = cmdline_concat(argv, NULL);
	j->envp = cmdline_concat(base, env_extra);
	if (j->names == NULL || j->argv == NULL || j->envp == NULL) {
		job_free(j);
		errno = ENOMEM;
		return NULL;
	}
	return j;
}

/* Copy src to dst for a log line: control bytes become \n or \xNN. */
static void
sanitize(char *dst, size_t size, const char *src, size_t len)
{
	size_t o = 0, i;

	for (i = 0; i < len && o + 5 < size; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c == '\n')
			o += (size_t)snprintf(dst + o, size - o, "\\n");
		else if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(dst + o, size - o, "\\x%02x", c);
		else
			dst[o++] = (char)c;
	}
	dst[o] = '\0';
}

/* `notify_master "/usr/local/bin/mx-up" for VI_1` */
static void
describe(char *buf, size_t size, const char *label, char *const argv[],
    const char *instance)
{
	char cmd[NOTIFY_CMD_SHOWN], shown[NOTIFY_CMD_SHOWN];

	if (cmdline_join(argv, cmd, sizeof(cmd)) >= sizeof(cmd))
		memcpy(cmd + sizeof(cmd) - 4, "...", 4);
	sanitize(shown, sizeof(shown), cmd, strlen(cmd));
	snprintf(buf, size, "%s \"%s\" for %s", label, shown, instance);
}

/* Append "; output: <tail>" to msg, keeping the end that fits. */
static void
append_output(char *msg, size_t size, const char *out, size_t len)
{
	static const char sep[] = "; output: ", cut[] = "...";
	char clean[4 * NOTIFY_OUTPUT_MAX + 1];
	size_t used = strlen(msg), room, clen;
	char *p = msg + used;

	while (len > 0 && memchr("\n\r\t ", out[len - 1], 4) != NULL)
		len--;
	if (len == 0 || used + sizeof(sep) + sizeof(cut) + 8 > size)
		return;
	sanitize(clean, sizeof(clean), out, len);
	clen = strlen(clean);
	room = size - used - sizeof(sep);	/* the NUL included */
	p = stpcpy(p, sep);
	if (clen > room) {
		p = stpcpy(p, cut);
		memcpy(p, clean + clen - (room - 3), room - 3 + 1);
	} else {
		memcpy(p, clean, clen + 1);
	}
}

/* Failures are warnings; a success shows its output only with -D. */
static void
log_result(const struct notify *n, const struct notify_result *r)
{
	char msg[1024];
	uint64_t ms = r->duration_us / 1000;
	bool ok = r->outcome == NOTIFY_EXITED && r->code == 0;
	size_t len;

	describe(msg, sizeof(msg), r->label, r->argv, r->instance);
	len = strlen(msg);
	if (r->outcome == NOTIFY_REFUSED) {
		snprintf(msg + len, sizeof(msg) - len,
		    " refused by enable_script_security: %s", r->output);
		log_warnx("%s", msg);
		return;
	}
	if (r->outcome == NOTIFY_SPAWN_FAILED)
		snprintf(msg + len, sizeof(msg) - len,
		    " could not be started: %s", strerror(r->code));
	else if (r->outcome == NOTIFY_EXITED)
		snprintf(msg + len, sizeof(msg) - len,
		    " exited %d after %" PRIu64 " ms", r->code, ms);
	else if (r->outcome == NOTIFY_SIGNALED)
		snprintf(msg + len, sizeof(msg) - len,
		    " killed by signal %d (%s) after %" PRIu64 " ms", r->code,
		    strsignal(r->code), ms);
	else if (r->shutdown_limit)
		snprintf(msg + len, sizeof(msg) - len,
		    " killed at shutdown after %" PRIu64 " ms", ms);
	else
		snprintf(msg + len, sizeof(msg) - len,
		    " killed after timeout (%" PRIu32 " ms)", n->timeout_ms);
	if (!ok || log_verbose())
		append_output(msg, sizeof(msg), r->output, r->output_len);
	if (ok)
		log_info("%s", msg);
	else
		log_warnx("%s", msg);
}

/* Count, log and hand one finished run to the hook. */
static void
report(struct notify *n, struct notify_job *j, enum notify_outcome oc,
    int code, uint64_t dur, const char *out, size_t outlen, bool limit)
{
	struct notify_result r = {
		.seq = j->seq, .label = j->names[0], .instance = j->names[1],
		.argv = j->argv, .outcome = oc, .code = code,
		.duration_us = dur, .output = out, .output_len = outlen,
		.shutdown_limit = limit,
	};

	n->stats.runs++;
	if (oc == NOTIFY_EXITED && code == 0)
		n->stats.ok++;
	else if (oc == NOTIFY_TIMEOUT)
		n->stats.timeouts++;
	else
		n->stats.failed++;
	log_result(n, &r);
	if (n->hook != NULL)
		n->hook(&r, n->hook_arg);
}

static void
drop(struct notify *n, uint64_t seq, const char *label, const char *instance,
    char *const argv[], const char *why)
{
	char what[512];

	describe(what, sizeof(what), label, argv, instance);
	log_warnx("%s not run (#%" PRIu64 "): %s", what, seq, why);
	n->stats.dropped++;
}

static void
drop_queue(struct notify *n, const char *why)
{
	struct notify_job *j;

	while ((j = n->head) != NULL) {
		n->head = j->next;
		drop(n, j->seq, j->names[0], j->names[1], j->argv, why);
		job_free(j);
	}
	n->tail = &n->head;
	n->nqueued = 0;
}

/* Keep the last NOTIFY_OUTPUT_MAX bytes of what the child writes. */
static void
read_output(struct notify *n, int max_reads)
{
	struct notify_child *c = &n->cur;
	ssize_t r;

	while (c->outfd >= 0 && max_reads-- > 0) {
		r = read(c->outfd, c->out + c->outlen,
		    sizeof(c->out) - c->outlen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0) {
			/* EOF (or a broken pipe): stop watching it. */
			loop_del_fd(n->loop, c->outfd);
			close(c->outfd);
			c->outfd = -1;
			return;
		}
		c->outlen += (size_t)r;
		if (c->outlen > NOTIFY_OUTPUT_MAX) {
			memmove(c->out, c->out + c->outlen - NOTIFY_OUTPUT_MAX,
			    NOTIFY_OUTPUT_MAX);
			c->outlen = NOTIFY_OUTPUT_MAX;
		}
	}
}

static void
release(struct notify *n)
{
	struct notify_child *c = &n->cur;

	if (c->outfd >= 0) {
		loop_del_fd(n->loop, c->outfd);
		close(c->outfd);
	}
	if (c->pidfd >= 0) {
		loop_del_fd(n->loop, c->pidfd);
		close(c->pidfd);
	}
	loop_timer_cancel(n->loop, &n->timer);
	c->outfd = c->pidfd = -1;
	c->job = NULL;
}

/*
 * The child exited (or, at shutdown, was SIGKILLed): reap it, report it,
 * and start the next run when next is set.
 */
static void
finish(struct notify *n, bool next)
{
	struct notify_child *c = &n->cur;
	struct notify_job *j = c->job;
	char out[NOTIFY_OUTPUT_MAX + 1];
	enum notify_outcome oc = NOTIFY_EXITED;
	siginfo_t si;
	size_t outlen;
	int code;

	/* The zombie still holds its pid, so the group id is still ours. */
	if (c->stage != STAGE_RUN)
		kill(-c->pid, SIGKILL);
	read_output(n, NOTIFY_READS);
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, (id_t)c->pidfd, &si, WEXITED | WNOHANG) < 0)
		log_warn("notify: waitid pid %d", (int)c->pid);
	code = si.si_status;
	if (c->stage != STAGE_RUN) {
		oc = NOTIFY_TIMEOUT;
		code = c->killsig;
	} else if (si.si_pid == 0) {
		code = -1;	/* cannot happen: the pidfd said it exited */
	} else if (si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED) {
		oc = NOTIFY_SIGNALED;
	}
	outlen = c->outlen;
	memcpy(out, c->out, outlen);	/* the hook may start another run */
	out[outlen] = '\0';
	release(n);
	report(n, j, oc, code, loop_now() - c->started, out, outlen, c->limit);
	job_free(j);
	if (next)
		start_next(n);
}

static void
on_pidfd(int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	finish(arg, true);
}

static void
on_output(int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	read_output(arg, NOTIFY_READS);
}

/* Timeout: SIGTERM the group, then SIGKILL it after the grace period. */
static void
expire(struct notify *n, uint64_t now)
{
	struct notify_child *c = &n->cur;

	if (c->stage == STAGE_RUN) {
		c->stage = STAGE_TERM;
		c->killsig = SIGTERM;
		c->deadline = now + (uint64_t)NOTIFY_KILL_GRACE_MS * 1000;
	} else {
		c->stage = STAGE_KILL;
		c->killsig = SIGKILL;
		c->deadline = 0;
	}
	if (kill(-c->pid, c->killsig) < 0 && errno != ESRCH)
		log_warn("notify: kill process group %d", (int)c->pid);
	loop_timer_set(n->loop, &n->timer, c->deadline);
}

static void
on_timer(struct loop_timer *t, uint64_t now, void *arg)
{
	(void)t;
	expire(arg, now);
}

/* Watch the child's exit and output in the loop, arm its timeout. */
static int
attach(struct notify *n, struct notify_child *c)
{
	if ((c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0)) < 0)
		return -1;
	if (loop_add_fd(n->loop, c->pidfd, EPOLLIN, on_pidfd, n) < 0)
		return -1;
	if (loop_add_fd(n->loop, c->outfd, EPOLLIN, on_output, n) < 0)
		return -1;
	c->deadline = c->started + (uint64_t)n->timeout_ms * 1000;
	return loop_timer_set(n->loop, &n->timer, c->deadline);
}

/* Start j as the current run; returns 0 or an errno value. */
static int
start(struct notify *n, struct notify_job *j)
{
	struct notify_child *c = &n->cur;
	int err;

	c->started = loop_now();
	if ((err = spawn_exec(j->argv, j->envp, n->has_cred ? &n->cred :
	    NULL, &c->pid, &c->outfd)) != 0) {
		c->outfd = -1;
		return err;
	}
	c->job = j;
	c->pidfd = -1;
	c->stage = STAGE_RUN;
	c->killsig = 0;
	c->limit = false;
	c->outlen = 0;
	if (attach(n, c) < 0) {
		err = errno;
		kill(-c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		release(n);
		return err;
	}
	log_debug("notify #%" PRIu64 ": %s for %s started, pid %d", j->seq,
	    j->names[0], j->names[1], (int)c->pid);
	return 0;
}

/*
 * enable_script_security, for scripts run as root: 0 when j may run,
 * else -1 after reporting why it does not.
 */
static int
vet(struct notify *n, struct notify_job *j)
{
	char why[NOTIFY_OUTPUT_MAX];
	int rc;

	if (!n->has_cred || !n->cred.security || n->cred.uid != 0)
		return 0;
	if ((rc = cred_check_path(j->argv[0], why, sizeof(why))) == 0)
		return 0;
	if (rc < 0)
		report(n, j, NOTIFY_SPAWN_FAILED, errno, 0, "", 0, false);
	else
		report(n, j, NOTIFY_REFUSED, EPERM, 0, why, strlen(why),
		    false);
	return -1;
}

static void
start_next(struct notify *n)
{
	struct notify_job *j;
	int err;

	while (n->cur.job == NULL && !n->stopping && n->head != NULL) {
		j = n->head;
		if ((n->head = j->next) == NULL)
			n->tail = &n->head;
		n->nqueued--;
		if (vet(n, j) < 0)
			job_free(j);
		else if ((err = start(n, j)) != 0) {
			report(n, j, NOTIFY_SPAWN_FAILED, err, 0, "", 0, false);
			job_free(j);
		}
	}
}

/* Public API. */

void
notify_set_timeout(struct notify *n, uint32_t timeout_ms)
{
	n->timeout_ms = timeout_ms ? timeout_ms : NOTIFY_TIMEOUT_DEFAULT_MS;
}

struct notify *
notify_new(struct loop *loop, uint32_t timeout_ms)
{
	struct notify *n;

	if (loop == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	n->loop = loop;
	n->timeout_ms = timeout_ms ? timeout_ms : NOTIFY_TIMEOUT_DEFAULT_MS;
	n->tail = &n->head;
	n->cur.pidfd = n->cur.outfd = -1;
	loop_timer_init(&n->timer, on_timer, n);
	return n;
}

int
notify_set_cred(struct notify *n, const struct cred *cred)
{
	struct cred copy;

	memset(&copy, 0, sizeof(copy));
	if (cred != NULL && cred_copy(&copy, cred) < 0)
		return -1;
	cred_free(&n->cred);
	n->cred = copy;
	n->has_cred = cred != NULL;
	return 0;
}

void
notify_set_hook(struct notify *n,
    void (*hook)(const struct notify_result *, void *), void *arg)
{
	n->hook = hook;
	n->hook_arg = arg;
}

int
notify_enqueue(struct notify *n, const char *label, const char *instance,
    char *const argv[], char *const env_extra[])
{
	struct notify_job *j;

	if (label == NULL || instance == NULL || argv == NULL ||
	    argv[0] == NULL || argv[0][0] != '/' ||
	    strlen(instance) > NOTIFY_NAME_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (n->nqueued >= NOTIFY_QUEUE_MAX) {
		drop(n, ++n->seq, label, instance, argv, "queue full");
		errno = ENOSPC;
		return -1;
	}
	if ((j = job_new(n->seq + 1, label, instance, argv, env_extra)) ==
	    NULL)
		return -1;
	n->seq++;
	*n->tail = j;
	n->tail = &j->next;
	n->nqueued++;
	start_next(n);
	return 0;
}

/* The state's own script first, then the generic one with 4 more args. */
static int
transition_queue(struct notify *n, char *const spec[], char *const gen[],
    const struct notify_event *ev, const char *label)
{
	char state[64], prio[32], reason[NOTIFY_REASON_MAX + 16], **argv;
	char *const env[] = { state, prio, reason, NULL };
	char *const extra[] = { "INSTANCE", (char *)ev->instance,
	    (char *)ev->state, prio + strlen("VIPD_PRIORITY="), NULL };
	int rc;

	snprintf(state, sizeof(state), "VIPD_STATE=%s", ev->state);
	snprintf(prio, sizeof(prio), "VIPD_PRIORITY=%u", ev->priority);
	snprintf(reason, sizeof(reason), "VIPD_REASON=%.*s",
	    NOTIFY_REASON_MAX, ev->reason ? ev->reason : "");
	if (spec != NULL &&
	    notify_enqueue(n, label, ev->instance, spec, env) < 0)
		return -1;
	if (gen == NULL)
		return 0;
	if ((argv = cmdline_concat(gen, extra)) == NULL)
		return -1;
	rc = notify_enqueue(n, "notify", ev->instance, argv, env);
	cmdline_free(argv);
	return rc;
}

int
notify_transition(struct notify *n, char *const spec[], char *const gen[],
    const struct notify_event *ev)
{
	size_t need = (spec != NULL) + (gen != NULL), i;
	/* Runs that fit now: the queue's room, plus the idle slot. */
	size_t room = NOTIFY_QUEUE_MAX - n->nqueued + (n->cur.job == NULL);
	char label[32];

	if (ev == NULL || ev->instance == NULL || ev->state == NULL ||
	    ev->state[0] == '\0' || strlen(ev->state) > 16) {
		errno = EINVAL;
		return -1;
	}
	snprintf(label, sizeof(label), "notify_%s", ev->state);
	for (i = strlen("notify_"); label[i] != '\0'; i++)
		if (label[i] >= 'A' && label[i] <= 'Z')
			label[i] = (char)(label[i] - 'A' + 'a');
	if (need > room) {
		if (spec != NULL)
			drop(n, ++n->seq, label, ev->instance, spec,
			    "queue full");
		if (gen != NULL)
			drop(n, ++n->seq, "notify", ev->instance, gen,
			    "queue full");
		errno = ENOSPC;
		return -1;
	}
	return need == 0 ? 0 : transition_queue(n, spec, gen, ev, label);
}

/* Shutdown: SIGKILL the running group, reap it and report it. */
static void
abort_current(struct notify *n)
{
	struct notify_child *c = &n->cur;
	struct pollfd pfd = { .fd = c->pidfd, .events = POLLIN };

	c->stage = STAGE_KILL;
	c->killsig = SIGKILL;
	c->limit = true;
	if (kill(-c->pid, SIGKILL) < 0 && errno != ESRCH)
		log_warn("notify: kill process group %d", (int)c->pid);
	while (poll(&pfd, 1, NOTIFY_REAP_MS) < 0 && errno == EINTR)
		;
	finish(n, false);
}

/* Wait for the child's exit or output, at most until deadline (µs). */
static void
wait_child(struct notify *n, uint64_t now, uint64_t deadline)
{
	struct notify_child *c = &n->cur;
	struct pollfd pfd[2] = {
		{ .fd = c->pidfd, .events = POLLIN },
		{ .fd = c->outfd, .events = POLLIN },
	};
	uint64_t ms = (deadline - now + 999) / 1000;

	if (poll(pfd, c->outfd >= 0 ? 2 : 1, ms > INT_MAX ? INT_MAX :
	    (int)ms) <= 0)
		return;
	if (c->outfd >= 0 && pfd[1].revents != 0)
		read_output(n, NOTIFY_READS);
	if (pfd[0].revents != 0)
		finish(n, true);
}

void
notify_drain(struct notify *n, uint32_t total_timeout_ms)
{
	uint64_t now = loop_now();
	uint64_t end = now + (uint64_t)total_timeout_ms * 1000;
	uint64_t until;

	start_next(n);
	while (n->cur.job != NULL) {
		now = loop_now();
		if (now >= end) {
			n->stopping = true;
			abort_current(n);
			break;
		}
		if (n->cur.deadline != 0 && now >= n->cur.deadline) {
			expire(n, now);
			continue;
		}
		until = n->cur.deadline != 0 && n->cur.deadline < end ?
		    n->cur.deadline : end;
		wait_child(n, now, until);
	}
	drop_queue(n, "shutdown time limit reached");
	n->stopping = false;
}

void
notify_free(struct notify *n)
{
	if (n == NULL)
		return;
	n->hook = NULL;
	n->stopping = true;
	if (n->cur.job != NULL)
		abort_current(n);
	drop_queue(n, "vipd is exiting");
	loop_timer_cancel(n->loop, &n->timer);
	cred_free(&n->cred);
	free(n);
}

void
notify_get_stats(const struct notify *n, struct notify_stats *st)
{
	*st = n->stats;
	st->queued = n->nqueued;
	st->running = n->cur.job != NULL;
}
