/* SPDX-License-Identifier: ISC */
/* Logging: OpenBSD's warn/warnx split, to syslog or stderr, with a rate limiter. */
#ifndef VIPD_LOG_H
#define VIPD_LOG_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Start logging as ident. to_stderr: write to stderr instead of syslog
 * (-l). verbose: let log_debug through (-D).
 */
void log_init(const char *ident, bool to_stderr, bool verbose);

/*
 * Before log_init: the syslog facility (LOG_DAEMON unless set; -S), and
 * whether to use syslog at all (-G turns it off).
 */
void log_set_syslog(int facility, bool on);
bool log_verbose(void);

/* log_warn appends strerror(errno); log_warnx does not. Both keep errno. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Startup errors and broken invariants only: never for remote input. */
void fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/*
 * A token bucket for noisy messages (bad packets): at most burst messages,
 * refilled at one per interval_us. The caller owns the storage.
 */
struct log_ratelimit {
	uint64_t interval_us;
	uint32_t burst;
	uint32_t tokens;
	uint64_t last_refill;
	uint64_t suppressed;	/* messages dropped since the last one let through */
};

/*
 * True if a message may be logged now. When messages were suppressed
 * before this one, *suppressed receives their count (else 0).
 */
bool log_ratelimit_ok(struct log_ratelimit *rl, uint64_t now,
    uint64_t *suppressed);

#endif
