/* SPDX-License-Identifier: ISC */
/* The refresh sender: a thread that carries fire-and-forget requests to the kernel. */

/*
 * The kernel runs an rtnetlink request inside our sendmsg(), under the
 * RTNL lock. Whoever holds that lock (a container's namespace being torn
 * down, a routing daemon, 10 000 address changes a second) makes the
 * sender wait, however non-blocking the socket: measured in the bench
 * lab, an advert 28-31 ms late and a false takeover at advert_int 0.01 s
 * while namespaces came and went beside busy CPUs. So the periodic VIP
 * refreshes leave through this thread; the loop only writes them to a
 * socketpair, which never waits for the lock.
 *
 * Order still matters: a refresh sent after the loop deleted the VIP
 * would put it back on a host that just resigned. Every queued request
 * carries the generation it was queued in; nl_sender_cancel() moves the
 * generation on and then takes the lock the thread holds from its
 * generation check to the end of its send, so when it returns nothing
 * queued before it can still reach the kernel.
 */

#include <sys/socket.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "netlink/nl.h"
#include "netlink/nl_priv.h"

#define SEND_MAX	512		/* the largest request queued */
#define SEND_STACK	(64 * 1024)	/* locked by mlockall: keep it small */
#define SEND_QBUF	(1 << 20)

struct nl_sender {
	pthread_t tid;
	pthread_mutex_t lock;	/* generation check + send(), atomically */
	atomic_uint gen;
	atomic_int error;	/* the last send() failure, 0 if none */
	int qfd;		/* the loop's end, non-blocking */
	int tfd;		/* the thread's end, blocking */
	int nlfd;		/* the request goes out on this netlink socket */
};

/* One request: the generation it was queued in, then the netlink message. */
struct sendq {
	uint32_t gen;
	_Alignas(struct nlmsghdr) uint8_t msg[SEND_MAX];
};

static void
send_one(struct nl_sender *s, const struct sendq *q, size_t len)
{
	(void)pthread_mutex_lock(&s->lock);
	if (q->gen == atomic_load(&s->gen)) {
		while (send(s->nlfd, q->msg, len, 0) < 0) {
			if (errno != EINTR) {
				atomic_store(&s->error, errno);
				break;
			}
		}
	}
	(void)pthread_mutex_unlock(&s->lock);
}

static void *
sender_main(void *arg)
{
	struct nl_sender *s = arg;
	struct sendq q;
	ssize_t n;

	for (;;) {
		n = recv(s->tfd, &q, sizeof(q), 0);
		if (n == 0)
			break;		/* nl_sender_stop() closed the queue */
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((size_t)n > offsetof(struct sendq, msg))
			send_one(s, &q, (size_t)n - offsetof(struct sendq, msg));
	}
	return NULL;
}

static int
sender_spawn(struct nl_sender *s)
{
	pthread_attr_t attr;
	sigset_t all, old;
	int rc;

	if ((rc = pthread_attr_init(&attr)) != 0) {
		errno = rc;
		return -1;
	}
	(void)pthread_attr_setstacksize(&attr, SEND_STACK);
	/* Signals stay with the loop's thread (its signalfd). */
	sigfillset(&all);
	(void)pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&s->tid, &attr, sender_main, s);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	(void)pthread_attr_destroy(&attr);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	(void)pthread_setname_np(s->tid, "vipd-nlsend");
	return 0;
}

struct nl_sender *
nl_sender_start(int nlfd)
{
	struct nl_sender *s = calloc(1, sizeof(*s));
	int sv[2], sz = SEND_QBUF, saved;

	if (s == NULL)
		return NULL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		free(s);
		return NULL;
	}
	s->qfd = sv[0];
	s->tfd = sv[1];
	s->nlfd = nlfd;
	atomic_init(&s->gen, 0);
	atomic_init(&s->error, 0);
	/* Room for minutes of refreshes while the thread waits for RTNL. */
	if (setsockopt(s->qfd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		(void)setsockopt(s->qfd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (setsockopt(s->tfd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		(void)setsockopt(s->tfd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (pthread_mutex_init(&s->lock, NULL) != 0 ||
	    sender_spawn(s) < 0) {
		saved = errno;
		close(sv[0]);
		close(sv[1]);
		free(s);
		errno = saved;
		return NULL;
	}
	return s;
}

void
nl_sender_stop(struct nl_sender *s)
{
	if (s == NULL)
		return;
	close(s->qfd);
	(void)pthread_join(s->tid, NULL);
	close(s->tfd);
	(void)pthread_mutex_destroy(&s->lock);
	free(s);
}

int
nl_sender_queue(struct nl_sender *s, const void *msg, size_t len)
{
	struct sendq q;
	int err;

	if (len > sizeof(q.msg)) {
		errno = EMSGSIZE;
		return -1;
	}
	q.gen = atomic_load(&s->gen);
	memcpy(q.msg, msg, len);
	if (send(s->qfd, &q, offsetof(struct sendq, msg) + len,
	    MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return -1;
	/* A send the thread could not make is told with the next request. */
	if ((err = atomic_exchange(&s->error, 0)) != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

void
nl_sender_cancel(struct nl_sender *s)
{
	if (s == NULL)
		return;
	atomic_fetch_add(&s->gen, 1);
	(void)pthread_mutex_lock(&s->lock);
	(void)pthread_mutex_unlock(&s->lock);
}
