/* SPDX-License-Identifier: ISC */
/* vrrp_track_process: kernel process events (proc connector), matching (pure), quorum with delays. */
#ifndef VIPD_HC_PROC_H
#define VIPD_HC_PROC_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;

enum hc_proc_ev_type {
	HC_PROC_FORK,		/* pid: the child, ppid: its parent */
	HC_PROC_EXEC,
	HC_PROC_COMM,		/* comm: the new name */
	HC_PROC_EXIT,
};

/* One event about a process (thread events are dropped by the parser). */
struct hc_proc_event {
	enum hc_proc_ev_type type;
	pid_t pid, ppid;
	char comm[16];
};

/*
 * Parse one datagram from the proc connector (netlink messages holding a
 * cn_msg and a proc_event). Writes at most max events, returns how many;
 * malformed messages are skipped, never read past len.
 */
size_t hc_proc_parse(const void *buf, size_t len, struct hc_proc_event *ev,
    size_t max);

enum hc_proc_match_mode {
	HC_PROC_MATCH_NONE,	/* mirrors enum conf_param_match */
	HC_PROC_MATCH_EXACT,
	HC_PROC_MATCH_PARTIAL,
	HC_PROC_MATCH_INITIAL,
};

/* What to look for, as vrrp_track_process says it. */
struct hc_proc_spec {
	const char *name;	/* comm, or argv[0] with full_command */
	const char *params;	/* NUL-separated */
	size_t params_len;
	unsigned nparams;
	enum hc_proc_match_mode match;
	bool full_command;
	unsigned quorum, quorum_max;
	uint64_t fork_delay_us, terminate_delay_us;
};

/*
 * Whether a process matches @s, keepalived's way: the name equals comm
 * (the first 15 bytes of it), or with full_command argv[0] of cmdline
 * (NUL-separated words, cmdlen bytes), and the parameters by s->match.
 */
bool hc_proc_match(const struct hc_proc_spec *s, const char *comm,
    const char *cmdline, size_t cmdlen);

/* quorum <= n <= quorum_max */
bool hc_proc_quorum(const struct hc_proc_spec *s, size_t n);

struct hc_proc;

typedef void (*hc_proc_cb)(bool ok, size_t count, const char *reason,
    void *arg);

/*
 * Scan /proc once, then follow process events; cb with the first verdict
 * at once, then on every change once the delays have passed. The spec
 * is copied. NULL with errno (ECONNREFUSED: no
 * proc connector reachable, here nor in init's network namespace; EPERM:
 * not here, and no right to enter another namespace) on failure.
 */
struct hc_proc *hc_proc_start(struct loop *, const struct hc_proc_spec *,
    hc_proc_cb cb, void *arg);
void hc_proc_stop(struct hc_proc *);

/* Matching processes now (the verdict may still wait for a delay). */
size_t hc_proc_count(const struct hc_proc *);

#endif
