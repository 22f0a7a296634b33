/* SPDX-License-Identifier: ISC */
/* Event loop: epoll for fds, a min-heap of CLOCK_MONOTONIC deadlines behind one timerfd, signalfd. */
#ifndef VIPD_LOOP_H
#define VIPD_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;

/* Microseconds of CLOCK_MONOTONIC: the only clock timers use. */
uint64_t loop_now(void);

/* Create a loop; NULL with errno on failure. */
struct loop *loop_new(void);
void loop_free(struct loop *);

/*
 * Watch fd for events (EPOLLIN, EPOLLOUT). cb runs with the events that
 * fired. A callback may delete any fd, its own included.
 */
int loop_add_fd(struct loop *, int fd, uint32_t events,
    void (*cb)(int fd, uint32_t events, void *arg), void *arg);
int loop_mod_fd(struct loop *, int fd, uint32_t events);
int loop_del_fd(struct loop *, int fd);

/* A timer lives in the caller's storage; initialise it once. */
struct loop_timer {
	uint64_t when;		/* deadline, µs; 0 = not armed */
	size_t slot;		/* position in the heap while armed */
	void (*cb)(struct loop_timer *, uint64_t now, void *arg);
	void *arg;
};
void loop_timer_init(struct loop_timer *,
    void (*cb)(struct loop_timer *, uint64_t now, void *arg), void *arg);
/* Arm (or move) the timer to fire at when (µs); when == 0 cancels. */
int loop_timer_set(struct loop *, struct loop_timer *, uint64_t when);
void loop_timer_cancel(struct loop *, struct loop_timer *);

/* Deliver signo through the loop instead of asynchronously. */
int loop_signal(struct loop *, int signo,
    void (*cb)(int signo, void *arg), void *arg);

/* Run until loop_stop; returns 0, or -1 with errno if epoll fails. */
int loop_run(struct loop *);
void loop_stop(struct loop *);

/* Lateness of timer callbacks (fire time minus deadline), for benchmarks. */
struct loop_stats {
	uint64_t timers_fired;
	uint64_t late_max_us;
	uint64_t late_sum_us;
};
void loop_get_stats(const struct loop *, struct loop_stats *);

#endif
