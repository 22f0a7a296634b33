/* SPDX-License-Identifier: ISC */
/* Postfix master liveness: master.pid, a pidfd in the loop, /proc comm and run state. */
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

struct hc_master;

/*
 * Watch the master of the Postfix instance whose queue directory is
 * queue_dir. At once (from the loop) and then every interval_us it
 * re-reads queue_dir/pid/master.pid (a stale file stays behind after
 * `postfix stop`), opens a pidfd for a new pid (pidfd_open, Linux >= 5.3;
 * without it only the periodic check runs), checks /proc/PID/comm is
 * "master" and that the process is not stopped (state T) or a zombie.
 * cb gets every periodic result, and also at once when the pidfd reports
 * that the process exited. Returns NULL with errno on failure.
 */
struct hc_master *hc_master_start(struct loop *, const char *queue_dir,
    uint64_t interval_us,
    void (*cb)(const struct hc_master_result *, void *arg), void *arg);

/* Stop watching, close the pidfd, free; safe from inside cb. NULL ok. */
void hc_master_stop(struct hc_master *);

#endif
