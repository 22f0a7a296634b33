/* SPDX-License-Identifier: ISC */
/* The daemon's scheduling, memory locking and limits, from conf and options. */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "agent/sysopt.h"

/* ASan maps terabytes of shadow memory: locking it all would fail or hurt. */
#if defined(__SANITIZE_ADDRESS__)
#define VIPD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VIPD_ASAN 1
#endif
#endif

static void
apply_lock(const struct conf *c)
{
	if (!c->lock_memory)
		return;
#ifdef VIPD_ASAN
	log_info("memory not locked: this is an AddressSanitizer build");
#else
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

	/*
	 * With MCL_FUTURE every later allocation is locked too: once the
	 * capabilities are dropped (privs.c), RLIMIT_MEMLOCK would make
	 * them fail.  Lift it while we may.
	 */
	if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0) {
		log_warn("RLIMIT_MEMLOCK: memory not locked (allocations would "
		    "fail once it is reached)");
		return;
	}
	if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
		log_warn("mlockall: vipd's memory stays swappable (adverts may "
		    "be late when the host swaps)");
	else
		log_debug("memory locked (vrrp_no_swap)");
#endif
}

static void
apply_rt(const struct conf *c)
{
	struct sched_param sp = { .sched_priority = c->rt_priority };
	struct rlimit rl;

	if (c->rlimit_rttime_us != 0) {
		rl.rlim_cur = c->rlimit_rttime_us;
		rl.rlim_max = (rlim_t)c->rlimit_rttime_us * 2;
		if (setrlimit(RLIMIT_RTTIME, &rl) < 0)
			log_warn("vrrp_rlimit_rttime %u", c->rlimit_rttime_us);
	}
	if (c->rt_priority == 0)
		return;
	/* Scripts and other children must not inherit real time. */
	if (sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &sp) < 0)
		log_warn("SCHED_RR priority %u refused by the kernel; vipd runs "
		    "at normal priority and adverts may be late when every "
		    "CPU is busy", c->rt_priority);
	else
		log_info("running at SCHED_RR priority %u", c->rt_priority);
}

void
vipd_sys_apply(const struct conf *c, const struct vipd_options *o)
{
	struct rlimit core = { RLIM_INFINITY, RLIM_INFINITY };

	if (o->has_umask)
		umask((mode_t)o->umask);
	else if (c->has_umask)
		umask((mode_t)c->umask);
	if (o->core_dump && (setrlimit(RLIMIT_CORE, &core) < 0 ||
	    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0))
		log_warn("-m: core dumps stay off");
	if (c->has_nice && setpriority(PRIO_PROCESS, 0, c->nice) < 0)
		log_warn("vrrp_priority %d", c->nice);
	apply_lock(c);
	apply_rt(c);
}

void
vipd_sys_startup_delay(const struct conf *c)
{
	struct timespec ts = {
		.tv_sec = (time_t)(c->startup_delay_us / 1000000),
		.tv_nsec = (long)(c->startup_delay_us % 1000000) * 1000,
	};

	if (c->startup_delay_us == 0)
		return;
	log_info("vrrp_startup_delay: waiting %lld.%03ld s before VRRP starts",
	    (long long)ts.tv_sec, ts.tv_nsec / 1000000);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void
vipd_sys_dump_conf(const struct conf *c)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL) {
		log_warn("-d");
		return;
	}
	conf_print(f, c);
	if (fclose(f) != 0 || buf == NULL) {
		log_warn("-d");
		free(buf);
		return;
	}
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		log_info("conf: %s", line);
	free(buf);
}
