/* SPDX-License-Identifier: ISC */
/* systemd notification (Type=notify): readiness, status line, reload, stop and the watchdog. */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/sdnotify.h"

/*
 * libsystemd is loaded only when systemd runs vipd (NOTIFY_SOCKET set):
 * linked in, it and what it needs (libgcrypt, liblzma, libzstd, liblz4)
 * would be resident in every vipd.
 */
#define SD_SONAME	"libsystemd.so.0"

struct vipd_sd {
	struct vipd *vipd;
	int (*notify)(int unset_environment, const char *state);
	int (*watchdog_enabled)(int unset_environment, uint64_t *usec);
	uint64_t watchdog_us;		/* 0 = no watchdog */
	struct loop_timer wd_timer;
	struct loop_timer st_timer;
	char status[512];		/* last STATUS= sent */
	bool ready;
};

static void say(struct vipd_sd *, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
say(struct vipd_sd *sd, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sd->notify(0, msg);
}

/* dlopen libsystemd and find its two functions; -1 logged. */
static int
load(struct vipd_sd *sd)
{
	void *dl = dlopen(SD_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);

	if (dl == NULL) {
		log_warnx("systemd notification: %s", dlerror());
		return -1;
	}
	*(void **)&sd->notify = dlsym(dl, "sd_notify");
	*(void **)&sd->watchdog_enabled = dlsym(dl, "sd_watchdog_enabled");
	if (sd->notify == NULL || sd->watchdog_enabled == NULL) {
		log_warnx("systemd notification: %s lacks sd_notify or "
		    "sd_watchdog_enabled", SD_SONAME);
		return -1;
	}
	return 0;
}

/* "VI_1 MASTER, VI_2 BACKUP", cut to fit with "..." */
static void
status_line(const struct vipd *v, char *buf, size_t len)
{
	size_t i, off = 0;
	int n;

	buf[0] = '\0';
	if (v->ninsts == 0) {
		snprintf(buf, len, "no instances");
		return;
	}
	for (i = 0; i < v->ninsts; i++) {
		const struct vipd_instance *inst = v->insts[i];

		n = snprintf(buf + off, len - off, "%s%s %s", i ? ", " : "",
		    inst->conf->name, vrrp_state_name(inst->fsm.state));
		if (n < 0 || (size_t)n >= len - off) {
			snprintf(buf + len - 4, 4, "...");
			return;
		}
		off += (size_t)n;
	}
}

static void
send_status(struct vipd_sd *sd, bool force)
{
	char line[512];

	status_line(sd->vipd, line, sizeof(line));
	if (!force && strcmp(line, sd->status) == 0)
		return;
	snprintf(sd->status, sizeof(sd->status), "%s", line);
	say(sd, "STATUS=%s", line);
}

static void
st_cb(struct loop_timer *t, uint64_t now, void *arg)
{
	struct vipd_sd *sd = arg;

	if (sd->ready)
		send_status(sd, false);
	loop_timer_set(sd->vipd->loop, t, now + VIPD_SD_STATUS_US);
}

/* A loop that runs timers is a live vipd: that is what systemd asks. */
static void
wd_cb(struct loop_timer *t, uint64_t now, void *arg)
{
	struct vipd_sd *sd = arg;

	say(sd, "WATCHDOG=1");
	loop_timer_set(sd->vipd->loop, t, now + sd->watchdog_us / 2);
}

int
vipd_sd_start(struct vipd *v)
{
	struct vipd_sd *sd;
	uint64_t usec = 0;
	const char *ns = getenv("NOTIFY_SOCKET");

	if (ns == NULL || ns[0] == '\0')
		return 0;
	if ((sd = calloc(1, sizeof(*sd))) == NULL)
		return -1;
	if (load(sd) < 0) {
		free(sd);
		return -1;
	}
	sd->vipd = v;
	loop_timer_init(&sd->wd_timer, wd_cb, sd);
	loop_timer_init(&sd->st_timer, st_cb, sd);
	if (sd->watchdog_enabled(0, &usec) > 0 && usec > 0) {
		sd->watchdog_us = usec;
		log_info("systemd watchdog every %llu ms",
		    (unsigned long long)(usec / 2000));
		loop_timer_set(v->loop, &sd->wd_timer, loop_now());
	}
	loop_timer_set(v->loop, &sd->st_timer, loop_now() +
	    VIPD_SD_STATUS_US);
	v->sd = sd;
	return 0;
}

void
vipd_sd_stop(struct vipd *v)
{
	struct vipd_sd *sd = v->sd;

	if (sd == NULL)
		return;
	loop_timer_cancel(v->loop, &sd->wd_timer);
	loop_timer_cancel(v->loop, &sd->st_timer);
	free(sd);
	v->sd = NULL;
}

void
vipd_sd_ready(struct vipd *v)
{
	char line[512];

	if (v->sd == NULL)
		return;
	status_line(v, line, sizeof(line));
	snprintf(v->sd->status, sizeof(v->sd->status), "%s", line);
	say(v->sd, "READY=1\nSTATUS=%s\nMAINPID=%ld", line,
	    (long)getpid());
	v->sd->ready = true;
}

void
vipd_sd_reloading(struct vipd *v)
{
	struct timespec ts;

	if (v->sd == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* MONOTONIC_USEC is what systemd 253's Type=notify-reload wants. */
	say(v->sd, "RELOADING=1\nSTATUS=reloading %s\nMONOTONIC_USEC=%llu",
	    v->conf_path, (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000u);
}

void
vipd_sd_reloaded(struct vipd *v, bool ok)
{
	char line[512];

	if (v->sd == NULL)
		return;
	status_line(v, line, sizeof(line));
	snprintf(v->sd->status, sizeof(v->sd->status), "%s", line);
	say(v->sd, "READY=1\nSTATUS=%s%s", ok ? "" :
	    "reload refused (see the log); ", line);
}

void
vipd_sd_stopping(struct vipd *v)
{
	if (v->sd == NULL)
		return;
	say(v->sd, "STOPPING=1\nSTATUS=stopping: resigning");
}
