/* SPDX-License-Identifier: ISC */
/* How long this machine keeps a real-time thread from running (bench). */

/*
 * Usage: hiccup SECONDS [THRESHOLD_MS]
 *
 * One SCHED_FIFO thread per CPU, pinned, priority 5 (below vipd's SCHED_RR
 * 10, so it never delays the agent it watches), sleeps 5 ms again and
 * again. A wake-up later than THRESHOLD_MS (default 15) is a hiccup: no
 * user process at this priority could run on that CPU for that long.
 * Nothing on the machine but the kernel and the hypervisor can do that,
 * so hiccups on every CPU at once, with steal time, mean the virtual
 * machine itself was not running. Prints one line per hiccup
 *
 *     hiccup CPU WALLTIME LATE_MS STEAL_MS
 *
 * (WALLTIME in seconds since the epoch, STEAL_MS the CPU's steal time
 * since its previous line) and at the end one line per CPU:
 *
 *     cpu CPU wakeups N hiccups N worst_ms X steal_ms X
 *
 * SIGTERM or SIGINT ends the watch early (the summary is still printed).
 * Exit 0; 1 on a usage or thread error. Without permission for SCHED_FIFO
 * it measures at normal priority and says so on stderr.
 */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SLEEP_NS	5000000L
#define MAX_CPUS	256

struct watch {
	pthread_t tid;
	int cpu;
	double threshold_ms;
	pthread_mutex_t *out;
	atomic_bool *stop;
};

/* The steal time of cpu in ms (USER_HZ ticks in /proc/stat), -1 if unknown. */
static double
steal_ms(int cpu)
{
	char want[16], line[512];
	unsigned long long v[8] = { 0 };
	double ms = -1;
	FILE *f = fopen("/proc/stat", "r");
	size_t n = (size_t)snprintf(want, sizeof(want), "cpu%d ", cpu);

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, want, n) != 0)
			continue;
		if (sscanf(line + n, "%llu %llu %llu %llu %llu %llu %llu %llu",
		    &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8)
			ms = (double)v[7] * 1000.0 / (double)sysconf(_SC_CLK_TCK);
		break;
	}
	fclose(f);
	return ms;
}

static double
now(clockid_t clk)
{
	struct timespec t;

	clock_gettime(clk, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *
watch_main(void *arg)
{
	struct watch *w = arg;
	const struct timespec nap = { 0, SLEEP_NS };
	double worst = 0, t0, late;
	double st0 = steal_ms(w->cpu), st_prev = st0, st;
	unsigned long wakeups = 0, hiccups = 0;

	while (!atomic_load(w->stop)) {
		t0 = now(CLOCK_MONOTONIC);
		clock_nanosleep(CLOCK_MONOTONIC, 0, &nap, NULL);
		late = (now(CLOCK_MONOTONIC) - t0) * 1000.0 - SLEEP_NS / 1e6;
		wakeups++;
		if (late > worst)
			worst = late;
		if (late <= w->threshold_ms)
			continue;
		hiccups++;
		st = steal_ms(w->cpu);
		pthread_mutex_lock(w->out);
		printf("hiccup %d %.3f %.1f %.0f\n", w->cpu,
		    now(CLOCK_REALTIME), late, st - st_prev);
		fflush(stdout);
		pthread_mutex_unlock(w->out);
		st_prev = st;
	}
	pthread_mutex_lock(w->out);
	printf("cpu %d wakeups %lu hiccups %lu worst_ms %.1f steal_ms %.0f\n",
	    w->cpu, wakeups, hiccups, worst, steal_ms(w->cpu) - st0);
	pthread_mutex_unlock(w->out);
	return NULL;
}

static int
start(struct watch *w)
{
	struct sched_param sp = { .sched_priority = 5 };
	pthread_attr_t a;
	cpu_set_t set;
	int rc;

	pthread_attr_init(&a);
	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	pthread_attr_setaffinity_np(&a, sizeof(set), &set);
	pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&a, SCHED_FIFO);
	pthread_attr_setschedparam(&a, &sp);
	if ((rc = pthread_create(&w->tid, &a, watch_main, w)) == EPERM) {
		fprintf(stderr, "hiccup: no SCHED_FIFO here; measuring at "
		    "normal priority\n");
		pthread_attr_setinheritsched(&a, PTHREAD_INHERIT_SCHED);
		rc = pthread_create(&w->tid, &a, watch_main, w);
	}
	pthread_attr_destroy(&a);
	return rc;
}

int
main(int argc, char **argv)
{
	static struct watch w[MAX_CPUS];
	pthread_mutex_t out = PTHREAD_MUTEX_INITIALIZER;
	atomic_bool stop = false;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	double seconds = argc > 1 ? atof(argv[1]) : 0;
	double threshold = argc > 2 ? atof(argv[2]) : 15;
	struct timespec wait;
	sigset_t sigs;
	long i;

	if (argc < 2 || argc > 3 || seconds <= 0 || threshold <= 0) {
		fprintf(stderr, "usage: hiccup SECONDS [THRESHOLD_MS]\n");
		return 1;
	}
	if (ncpu < 1 || ncpu > MAX_CPUS)
		ncpu = ncpu < 1 ? 1 : MAX_CPUS;
	/* Blocked here, inherited by the threads: main waits for them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	for (i = 0; i < ncpu; i++) {
		w[i] = (struct watch){ .cpu = (int)i, .threshold_ms = threshold,
		    .out = &out, .stop = &stop };
		if (start(&w[i]) != 0) {
			fprintf(stderr, "hiccup: cannot start a thread for "
			    "cpu %ld\n", i);
			return 1;
		}
	}
	wait.tv_sec = (time_t)seconds;
	wait.tv_nsec = (long)((seconds - (double)wait.tv_sec) * 1e9);
	while (sigtimedwait(&sigs, NULL, &wait) < 0 && errno == EINTR)
		;
	atomic_store(&stop, true);
	for (i = 0; i < ncpu; i++)
		pthread_join(w[i].tid, NULL);
	return 0;
}
