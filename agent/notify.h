/* SPDX-License-Identifier: ISC */
/* Notify-script runner: a FIFO, one child at a time, time-bounded and logged (vipd makes one per instance). */
#ifndef VIPD_NOTIFY_H
#define VIPD_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;
struct notify;
struct cred;

#define NOTIFY_TIMEOUT_DEFAULT_MS 10000
#define NOTIFY_KILL_GRACE_MS	1000	/* SIGTERM to SIGKILL */
#define NOTIFY_QUEUE_MAX	256	/* waiting, not running */
#define NOTIFY_OUTPUT_MAX	1024	/* stdout+stderr tail kept */
#define NOTIFY_NAME_MAX		255	/* bytes of an instance name */
#define NOTIFY_REASON_MAX	512	/* VIPD_REASON is cut there */
#define NOTIFY_PATH		"PATH=/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * How a run ended. Scripts never go through a shell: argv[0] is executed
 * directly (fork and execve), as the user set by notify_set_cred, in a
 * new process group, with stdin on /dev/null, stdout and stderr on one
 * pipe, default signal dispositions, an empty signal mask, no fds beyond
 * 0-2, and only this environment:
 *	PATH=/usr/sbin:/usr/bin:/sbin:/bin
 *	VIPD_SEQ=<n>		1, 2, ... in queue order; a gap means that
 *				runs were dropped (queue full)
 *	VIPD_INSTANCE=<name>
 * followed by the caller's env_extra (notify_transition passes
 * VIPD_STATE, VIPD_PRIORITY and VIPD_REASON).
 */
enum notify_outcome {
	NOTIFY_EXITED,		/* code = exit status */
	NOTIFY_SIGNALED,	/* code = the signal (not ours) */
	NOTIFY_TIMEOUT,		/* we killed it; code = last signal sent */
	NOTIFY_SPAWN_FAILED,	/* code = errno (ENOENT, EACCES, ...) */
	NOTIFY_REFUSED,		/* enable_script_security; code = EPERM */
};

/* One finished run, as passed to the hook; valid during the call only. */
struct notify_result {
	uint64_t seq;
	const char *label;	/* "notify_master", "notify", ... */
	const char *instance;
	char *const *argv;
	enum notify_outcome outcome;
	int code;
	uint64_t duration_us;	/* start to exit (0 if not started) */
	const char *output;	/* last NOTIFY_OUTPUT_MAX bytes, raw;
				   NOTIFY_REFUSED: why ("/tmp/x is ...") */
	size_t output_len;	/* output[output_len] is NUL */
	bool shutdown_limit;	/* killed by notify_drain's bound or free */
};

/*
 * Create a runner on loop; timeout_ms bounds each run (0 = the default,
 * 10 s). NULL with errno on failure.
 */
struct notify *notify_new(struct loop *loop, uint32_t timeout_ms);

/*
 * Kill a running child's process group (SIGKILL), reap it, drop the queue
 * (each entry logged), free everything; the hook is not called. Call
 * notify_drain first to let queued scripts run, and this before
 * loop_free. NULL is allowed.
 */
void notify_free(struct notify *);

/*
 * Run scripts with cred's ids (copied; NULL = vipd's own, the default).
 * With cred->security and cred->uid 0, each script's path is vetted
 * before every run (cred_check_path): an unsafe one is refused
 * (NOTIFY_REFUSED, logged, counted as failed), e.g.
 *	notify_master "/tmp/mx-up" for VI_1 refused by
 *	enable_script_security: /tmp is writable by others (uid 0, mode 1777)
 * Returns 0, or -1 with errno ENOMEM (the previous setting is kept).
 */
int notify_set_cred(struct notify *, const struct cred *cred);

/* Bound the runs that start from now on (0 = the default, 10 s). */
void notify_set_timeout(struct notify *, uint32_t timeout_ms);

/*
 * Called after every run (success, failure, timeout, spawn failure or
 * refusal), after the result was logged. The hook may enqueue; it must
 * not free the runner.
 */
void notify_set_hook(struct notify *,
    void (*hook)(const struct notify_result *, void *arg), void *arg);

/*
 * Queue one run. label ("notify_master") and instance name the run in the
 * logs; argv (NULL-terminated, argv[0] an absolute path) and env_extra
 * ("K=V" strings, NULL-terminated, may be NULL) are copied. Runs start in
 * queue order, each after the previous one has exited; when the runner is
 * idle the run starts before this returns, and a script that cannot be
 * started is logged and skipped. Each result is logged (log_info on exit
 * 0, else log_warnx with the output's tail), e.g.
 *	notify_master "/usr/local/bin/mx-up" for VI_1 exited 0 after 12 ms
 *	... exited 3 after 8 ms; output: mx-up: postfix not running
 *	... killed after timeout (10000 ms)
 *	... could not be started: No such file or directory
 * Successes show their output only with -D (log_verbose). Returns 0, or
 * -1 with errno: ENOSPC when NOTIFY_QUEUE_MAX runs wait already (the run
 * is dropped, logged and counted), EINVAL, ENOMEM.
 */
int notify_enqueue(struct notify *, const char *label, const char *instance,
    char *const argv[], char *const env_extra[]);

/* A state transition, for notify_transition. */
struct notify_event {
	const char *instance;
	const char *state;	/* "MASTER", "BACKUP", "FAULT", "STOP", ... */
	unsigned priority;
	const char *reason;	/* free text for VIPD_REASON; NULL = "" */
};

/*
 * Queue keepalived's notify runs for one transition, in keepalived's
 * order: first the state's own script (specific_argv, e.g. notify_master;
 * labelled "notify_" + lower-case state), then the generic `notify` script
 * (generic_argv) with four arguments appended: INSTANCE, the instance
 * name, the state and the priority. Either argv may be NULL (not
 * configured). Both runs get VIPD_STATE, VIPD_PRIORITY and VIPD_REASON.
 * All or nothing: returns 0, or -1 with errno (ENOSPC: not enough room for
 * every run, which are then all dropped and counted; EINVAL; ENOMEM, which
 * may leave the first run queued).
 */
int notify_transition(struct notify *, char *const specific_argv[],
    char *const generic_argv[], const struct notify_event *ev);

/*
 * At shutdown (notify_stop must run before vipd exits): run the current
 * and every queued script to completion without the event loop, blocking
 * in poll(2). Each run keeps its own timeout; after total_timeout_ms the
 * running child's group is SIGKILLed and what is still queued is dropped
 * (logged and counted).
 */
void notify_drain(struct notify *, uint32_t total_timeout_ms);

/*
 * Counters. runs = finished runs = ok + failed + timeouts; failed counts
 * non-zero exits, deaths by signal, scripts that could not be started
 * and scripts refused by enable_script_security;
 * dropped counts runs refused (queue full) or never run (drain limit,
 * notify_free).
 */
struct notify_stats {
	uint64_t runs, ok, failed, timeouts, dropped;
	size_t queued;		/* waiting, the running one excluded */
	bool running;
};
void notify_get_stats(const struct notify *, struct notify_stats *);

#endif
