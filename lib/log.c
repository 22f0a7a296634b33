/* SPDX-License-Identifier: ISC */
/* Logging: OpenBSD's warn/warnx split, to syslog or stderr, with a rate limiter. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "lib/log.h"

/* The logger's state is the one mutable global the project allows. */
static struct {
	bool to_stderr;
	bool verbose;
	bool silent;		/* -G without -l: no output at all */
	int facility;
} log_state = { true, false, false, LOG_DAEMON };

void
log_set_syslog(int facility, bool on)
{
	log_state.facility = facility;
	log_state.silent = !on;
}

void
log_init(const char *ident, bool to_stderr, bool verbose)
{
	log_state.to_stderr = to_stderr;
	log_state.verbose = verbose;
	if (to_stderr)
		log_state.silent = false;
	else if (!log_state.silent)
		openlog(ident, LOG_PID | LOG_NDELAY, log_state.facility);
}

bool
log_verbose(void)
{
	return log_state.verbose;
}

static void
vlog(int pri, const char *fmt, va_list ap, const char *errstr)
{
	char msg[1024];
	int saved = errno;

	if (log_state.silent && !log_state.to_stderr)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_state.to_stderr) {
		struct timespec ts;
		struct tm tm;
		char stamp[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
		if (errstr)
			fprintf(stderr, "%s.%03ld %s: %s\n", stamp,
			    ts.tv_nsec / 1000000, msg, errstr);
		else
			fprintf(stderr, "%s.%03ld %s\n", stamp,
			    ts.tv_nsec / 1000000, msg);
		fflush(stderr);
	} else if (errstr) {
		syslog(pri, "%s: %s", msg, errstr);
	} else {
		syslog(pri, "%s", msg);
	}
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap, e);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_state.verbose)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, e);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}

bool
log_ratelimit_ok(struct log_ratelimit *rl, uint64_t now, uint64_t *suppressed)
{
	uint64_t refill;

	*suppressed = 0;
	if (rl->last_refill == 0) {
		rl->tokens = rl->burst;
		rl->last_refill = now;
	}
	if (rl->interval_us > 0 && now > rl->last_refill) {
		refill = (now - rl->last_refill) / rl->interval_us;
		if (refill > 0) {
			if (refill > rl->burst)
				refill = rl->burst;
			rl->tokens += (uint32_t)refill;
			if (rl->tokens > rl->burst)
				rl->tokens = rl->burst;
			rl->last_refill = now;
		}
	}
	if (rl->tokens == 0) {
		rl->suppressed++;
		return false;
	}
	rl->tokens--;
	*suppressed = rl->suppressed;
	rl->suppressed = 0;
	return true;
}
