/* SPDX-License-Identifier: ISC */
/* vrrp_script: keepalived's rise/fall counter (pure), PATH lookup, and a runner on the event loop. */
#ifndef VIPD_HC_SCRIPT_H
#define VIPD_HC_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;
struct cred;

/*
 * keepalived's counter: result runs 0..rise+fall-1 and the script passes
 * while result >= rise.  Before the first run (init) one result decides;
 * init_fail starts it failed, needing rise successes.
 */
struct hc_script_state {
	unsigned result, rise, fall;
	bool init;		/* no run has finished yet */
};

void hc_script_state_init(struct hc_script_state *, unsigned rise,
    unsigned fall, bool init_fail);

/* Count one run; +1 if it now passes, -1 if it now fails, else 0. */
int hc_script_state_update(struct hc_script_state *, bool success);

/* Passing (only meaningful when !init or init_fail). */
bool hc_script_state_ok(const struct hc_script_state *);

/*
 * Split @cmd as keepalived does (lib/cmdline.c rules), and find a bare
 * first word on @path (a PATH value; NULL: a default). The result's
 * argv[0] is absolute. 0 with *argv_out (release with cmdline_free), or
 * -1 with a reason in why ("chk: \"foo\" not found on PATH").
 */
int hc_script_argv(const char *cmd, const char *path, char ***argv_out,
    char *why, size_t whylen);

/*
 * Whether argv0 may run: an executable regular file and, for @cred with
 * security set and uid 0, safe by cred_check_path. 0, or -1 with why.
 */
int hc_script_runnable(const char *argv0, const struct cred *cred,
    char *why, size_t whylen);

struct hc_script;

/* One finished run: success is exit status 0. */
typedef void (*hc_script_cb)(bool success, const char *reason, void *arg);

/*
 * Run argv (absolute argv[0]) every interval_us, never two at once, in its
 * own process group as cred (NULL: ours); at timeout_us the group gets
 * SIGTERM, 2 s later SIGKILL, and the run counts as failed. The first run
 * starts at once. Output is read and dropped. NULL with errno on failure.
 */
struct hc_script *hc_script_start(struct loop *, char *const argv[],
    const struct cred *cred, uint64_t interval_us, uint64_t timeout_us,
    hc_script_cb cb, void *arg);

/* Stop: kill a running child's group (SIGKILL) and reap it. NULL is fine. */
void hc_script_stop(struct hc_script *);

#endif
