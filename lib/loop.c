/* SPDX-License-Identifier: ISC */
/* Event loop: epoll for fds, a min-heap of CLOCK_MONOTONIC deadlines behind one timerfd, signalfd. */
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/loop.h"

#define LOOP_MAX_EVENTS	64
#define LOOP_MAX_SIGNALS 64	/* vipd handles every terminating signal */
#define LOOP_IO_ROUNDS	4	/* polls per turn while fds stay ready */

struct loop_fd {
	int fd;
	bool dead;		/* deleted while its batch is dispatched */
	void (*cb)(int, uint32_t, void *);
	void *arg;
	struct loop_fd *next;	/* all watchers, for lookup and freeing */
};

struct loop_sig {
	int signo;
	void (*cb)(int, void *);
	void *arg;
};

struct loop {
	int epfd;
	int tfd;		/* timerfd for the earliest deadline */
	int sfd;		/* signalfd, -1 until a signal is added */
	uint64_t armed;		/* deadline tfd is set to; 0 = disarmed */
	bool stop;
	struct loop_fd *fds;
	struct loop_timer **heap;
	size_t nheap, capheap;
	struct loop_sig sigs[LOOP_MAX_SIGNALS];
	size_t nsigs;
	sigset_t sigmask;
	struct loop_stats stats;
};

uint64_t
loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

struct loop *
loop_new(void)
{
	struct loop *l;
	struct epoll_event ev = { .events = EPOLLIN };

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->sfd = -1;
	sigemptyset(&l->sigmask);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->epfd < 0 || l->tfd < 0)
		goto fail;
	ev.data.ptr = NULL;	/* NULL marks the timerfd */
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->tfd, &ev) < 0)
		goto fail;
	return l;
fail:
	loop_free(l);
	return NULL;
}

void
loop_free(struct loop *l)
{
	struct loop_fd *f, *next;
	int saved = errno;

	if (l == NULL)
		return;
	for (f = l->fds; f != NULL; f = next) {
		next = f->next;
		free(f);
	}
	if (l->epfd >= 0)
		close(l->epfd);
	if (l->tfd >= 0)
		close(l->tfd);
	if (l->sfd >= 0)
		close(l->sfd);
	free(l->heap);
	free(l);
	errno = saved;
}

static struct loop_fd *
find_fd(struct loop *l, int fd)
{
	struct loop_fd *f;

	for (f = l->fds; f != NULL; f = f->next)
		if (f->fd == fd && !f->dead)
			return f;
	return NULL;
}

int
loop_add_fd(struct loop *l, int fd, uint32_t events,
    void (*cb)(int, uint32_t, void *), void *arg)
{
	struct loop_fd *f;
	struct epoll_event ev = { .events = events };

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	f->fd = fd;
	f->cb = cb;
	f->arg = arg;
	ev.data.ptr = f;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int saved = errno;
		free(f);
		errno = saved;
		return -1;
	}
	f->next = l->fds;
	l->fds = f;
	return 0;
}

int
loop_mod_fd(struct loop *l, int fd, uint32_t events)
{
	struct loop_fd *f;
	struct epoll_event ev = { .events = events };

	if ((f = find_fd(l, fd)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	ev.data.ptr = f;
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev);
}

int
loop_del_fd(struct loop *l, int fd)
{
	struct loop_fd *f;

	if ((f = find_fd(l, fd)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	/* Freed after the current batch: a later event may still point here. */
	f->dead = true;
	return epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
}

static void
reap_fds(struct loop *l)
{
	struct loop_fd **pp = &l->fds, *f;

	while ((f = *pp) != NULL) {
		if (f->dead) {
			*pp = f->next;
			free(f);
		} else {
			pp = &f->next;
		}
	}
}

/* Binary min-heap of armed timers, keyed on when. */

static void
heap_swap(struct loop *l, size_t a, size_t b)
{
	struct loop_timer *t = l->heap[a];

	l->heap[a] = l->heap[b];
	l->heap[b] = t;
	l->heap[a]->slot = a;
	l->heap[b]->slot = b;
}

static void
heap_up(struct loop *l, size_t i)
{
	while (i > 0 && l->heap[(i - 1) / 2]->when > l->heap[i]->when) {
		heap_swap(l, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void
heap_down(struct loop *l, size_t i)
{
	for (;;) {
		size_t m = i, c = 2 * i + 1;

		if (c < l->nheap && l->heap[c]->when < l->heap[m]->when)
			m = c;
		if (c + 1 < l->nheap && l->heap[c + 1]->when < l->heap[m]->when)
			m = c + 1;
		if (m == i)
			return;
		heap_swap(l, i, m);
		i = m;
	}
}

static void
heap_remove(struct loop *l, struct loop_timer *t)
{
	size_t i = t->slot;

	l->nheap--;
	if (i != l->nheap) {
		l->heap[i] = l->heap[l->nheap];
		l->heap[i]->slot = i;
		heap_down(l, i);
		heap_up(l, i);
	}
	t->when = 0;
}

void
loop_timer_init(struct loop_timer *t,
    void (*cb)(struct loop_timer *, uint64_t, void *), void *arg)
{
	t->when = 0;
	t->slot = 0;
	t->cb = cb;
	t->arg = arg;
}

int
loop_timer_set(struct loop *l, struct loop_timer *t, uint64_t when)
{
	if (t->when != 0)
		heap_remove(l, t);
	if (when == 0)
		return 0;
	if (l->nheap == l->capheap) {
		size_t ncap = l->capheap ? l->capheap * 2 : 16;
		struct loop_timer **nh = reallocarray(l->heap, ncap,
		    sizeof(*nh));

		if (nh == NULL)
			return -1;
		l->heap = nh;
		l->capheap = ncap;
	}
	t->when = when;
	t->slot = l->nheap;
	l->heap[l->nheap++] = t;
	heap_up(l, t->slot);
	return 0;
}

void
loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	loop_timer_set(l, t, 0);
}

/*
 * Fire the timers due at or before cutoff: the time sampled just before
 * the poll whose I/O has been dispatched. A packet that arrived before a
 * deadline was therefore already handled (and may have moved the timer),
 * however long the process was stalled or stopped.
 */
static void
run_timers(struct loop *l, uint64_t cutoff)
{
	uint64_t now = loop_now();

	while (l->nheap > 0 && l->heap[0]->when <= cutoff && !l->stop) {
		struct loop_timer *t = l->heap[0];
		uint64_t late = now - t->when;

		heap_remove(l, t);
		l->stats.timers_fired++;
		l->stats.late_sum_us += late;
		if (late > l->stats.late_max_us)
			l->stats.late_max_us = late;
		t->cb(t, now, t->arg);
		now = loop_now();
	}
}

static int
arm_timerfd(struct loop *l)
{
	struct itimerspec its = { 0 };
	uint64_t when = l->nheap > 0 ? l->heap[0]->when : 0;

	if (when == l->armed)
		return 0;
	its.it_value.tv_sec = (time_t)(when / 1000000u);
	its.it_value.tv_nsec = (long)(when % 1000000u) * 1000;
	/* A zero it_value disarms; a deadline in the past fires at once. */
	if (when != 0 && its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		its.it_value.tv_nsec = 1;
	if (timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		return -1;
	l->armed = when;
	return 0;
}

static void
dispatch_signals(struct loop *l)
{
	struct signalfd_siginfo si;
	size_t i;

	while (read(l->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		for (i = 0; i < l->nsigs; i++)
			if ((int)si.ssi_signo == l->sigs[i].signo)
				l->sigs[i].cb(l->sigs[i].signo, l->sigs[i].arg);
	}
}

static void
signal_fd_cb(int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	dispatch_signals(arg);
}

int
loop_signal(struct loop *l, int signo, void (*cb)(int, void *), void *arg)
{
	int fd;

	if (l->nsigs == LOOP_MAX_SIGNALS) {
		errno = ENOSPC;
		return -1;
	}
	sigaddset(&l->sigmask, signo);
	if (sigprocmask(SIG_BLOCK, &l->sigmask, NULL) < 0)
		return -1;
	fd = signalfd(l->sfd, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (l->sfd < 0) {
		l->sfd = fd;
		if (loop_add_fd(l, fd, EPOLLIN, signal_fd_cb, l) < 0)
			return -1;
	}
	l->sigs[l->nsigs].signo = signo;
	l->sigs[l->nsigs].cb = cb;
	l->sigs[l->nsigs].arg = arg;
	l->nsigs++;
	return 0;
}

/* Dispatch one epoll batch; returns the number of fd events, or -1. */
static int
poll_once(struct loop *l, int timeout_ms)
{
	struct epoll_event evs[LOOP_MAX_EVENTS];
	uint64_t expirations;
	int i, n, nfd = 0;

	n = epoll_wait(l->epfd, evs, LOOP_MAX_EVENTS, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (i = 0; i < n && !l->stop; i++) {
		struct loop_fd *f = evs[i].data.ptr;

		if (f == NULL) {
			/* Read to clear readiness; timers run after I/O. */
			if (read(l->tfd, &expirations,
			    sizeof(expirations)) < 0 && errno != EAGAIN)
				return -1;
			l->armed = 0;
			continue;
		}
		nfd++;
		if (!f->dead)
			f->cb(f->fd, evs[i].events, f->arg);
	}
	reap_fds(l);
	return nfd;
}

/*
 * One turn: poll, handle every ready fd, then fire the timers that were
 * due before the poll. When a timer is due the poll does not block, and
 * fds that stay readable (a callback stopped at its budget) get a few
 * more rounds first, so a burst queued during a stall is read before a
 * timeout that the stall made expire.
 */
int
loop_run(struct loop *l)
{
	uint64_t cutoff;
	bool due;
	int n, round;

	l->stop = false;
	while (!l->stop) {
		cutoff = loop_now();
		due = l->nheap > 0 && l->heap[0]->when <= cutoff;
		/* A due timer needs no timerfd: the poll does not block. */
		if (!due && arm_timerfd(l) < 0)
			return -1;
		n = poll_once(l, due ? 0 : -1);
		for (round = 1; n > 0 && round < LOOP_IO_ROUNDS && !l->stop &&
		    l->nheap > 0 && l->heap[0]->when <= cutoff; round++)
			n = poll_once(l, 0);
		if (n < 0)
			return -1;
		run_timers(l, cutoff);
	}
	return 0;
}

void
loop_stop(struct loop *l)
{
	l->stop = true;
}

void
loop_get_stats(const struct loop *l, struct loop_stats *st)
{
	*st = l->stats;
}
