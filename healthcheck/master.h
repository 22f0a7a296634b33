/* SPDX-License-Identifier: ISC */
/* Postfix master liveness: master.pid, a pidfd in the loop, /proc comm, uid, exe and run state. */
#ifndef VIPD_HC_MASTER_H
#define VIPD_HC_MASTER_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "healthcheck/hc.h"

struct loop;

struct hc_master_result {
	enum hc_class cls;	/* HC_OK or HC_FAILED */
	char reason[256];	/* e.g. "postfix master (pid 1234) exited" */
	uint64_t latency_us;	/* time the check took; 0 for an exit event */
	pid_t pid;		/* pid read from master.pid; 0 if none */
};

/*
 * Parse master.pid's contents: a decimal pid padded with blanks, then
 * optional blanks and newline (Postfix writes "%*lu\n"). Pure.
 * Returns true and sets *pid (>= 1) if valid.
 */
bool hc_master_parse_pid(const char *buf, size_t len, pid_t *pid);

/*
 * The state letter of /proc/PID/stat contents ("pid (comm) S ..."); comm
 * may itself hold ')' and spaces, so the last ')' counts. Pure.
 * Returns true and sets *state if found.
 */
bool hc_master_parse_state(const char *buf, size_t len, char *state);

/*
 * The real uid from /proc/PID/status contents (the "Uid:" line: real,
 * effective, saved, fs). Pure. Returns true and sets *uid if found.
 */
bool hc_master_parse_uid(const char *buf, size_t len, uid_t *uid);

/*
 * Whether readlink(/proc/PID/exe) text link[0..len) names want: equal, or
 * equal plus " (deleted)" (the binary was replaced by a package upgrade
 * while the master runs on). Pure.
 */
bool hc_master_exe_is(const char *link, size_t len, const char *want);

/* Postfix's master runs as root, from daemon_directory/master. */
#define HC_MASTER_UID		0
/* The run-state poll: a stopped master raises no event. */
#define HC_MASTER_DEF_POLL_US	10000
/*
 * The slow poll, while no instance that tracks the check is Master: a
 * Backup's health only matters when it would take over, and the agent
 * re-reads it then (hc_master_reread). 10 wake-ups a second instead of
 * 100 keep an idle Backup cheap.
 */
#define HC_MASTER_SLOW_POLL_US	100000

/*
 * The slow poll period: HC_MASTER_SLOW_POLL_US, or the full check's
 * interval if shorter, never faster than the fast poll_us. Pure.
 */
uint64_t hc_master_slow_poll_us(uint64_t poll_us, uint64_t interval_us);

/*
 * Whether a poll at period_us adds anything to full checks every
 * interval_us (each of which reads the state too). Pure.
 */
bool hc_master_poll_needed(uint64_t period_us, uint64_t interval_us);

struct hc_master_conf {
	uint64_t interval_us;	/* full check: master.pid, comm, uid, exe */
	uint64_t poll_us;	/* run state from a kept /proc/PID/stat fd */
	uid_t uid;		/* the master's expected real uid */
	bool fast;		/* poll at poll_us from the start, not slow */
	const char *exe;	/* expected executable; NULL: not checked */
};

struct hc_master;

/*
 * Watch the master of the Postfix instance whose queue directory is
 * queue_dir. At once (from the loop) and then every c->interval_us it
 * re-reads queue_dir/pid/master.pid (a stale file stays behind after
 * `postfix stop`), opens a pidfd for a new pid (pidfd_open, Linux >= 5.3;
 * without it only the periodic checks run), and checks that
 * /proc/PID/comm is "master", that its real uid is c->uid, that
 * /proc/PID/exe is c->exe (resolved with realpath at start; not checked
 * when vipd may not read the link) and that it is not stopped (state T)
 * or a zombie. Between full checks, the state alone is re-read every
 * c->poll_us (fast) or hc_master_slow_poll_us() (slow; see
 * hc_master_set_fast) from a /proc/PID/stat fd kept open (one pread).
 * cb gets every full check's result, a poll's result only when the
 * verdict changes, and a result at once when the pidfd reports that the
 * process exited. Returns NULL with errno on failure.
 */
struct hc_master *hc_master_start(struct loop *, const char *queue_dir,
    const struct hc_master_conf *c,
    void (*cb)(const struct hc_master_result *, void *arg), void *arg);

/*
 * Poll at the fast period (poll_us) or the slow one; re-arms a running
 * poll at once at the new period. NULL ok.
 */
void hc_master_set_fast(struct hc_master *, bool fast);

/* Whether the poll is fast; false for NULL. */
bool hc_master_is_fast(const struct hc_master *);

/* The current poll period in µs (the full check's interval covers the
 * state when the poll is not armed). */
uint64_t hc_master_poll_us(const struct hc_master *);

/*
 * Re-read the run state now, synchronously (one pread), as a poll
 * would: if the verdict changed, cb runs before this returns, so the
 * caller sees a master stopped a moment ago. cb may stop m (then m is
 * gone on return). NULL ok.
 */
void hc_master_reread(struct hc_master *);

/* Stop watching, close the pidfd, free; safe from inside cb. NULL ok. */
void hc_master_stop(struct hc_master *);

#endif
