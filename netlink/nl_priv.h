/* SPDX-License-Identifier: ISC */
/* Inside struct nl: shared by nl.c (requests) and nl_mon.c (the sockets the loop watches). */

#ifndef VIPD_NL_PRIV_H
#define VIPD_NL_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

#include <libmnl/libmnl.h>

#define NL_BUFSZ	 32768	/* the most a dump datagram holds */
#define NL_MON_READS	 64	/* recv() calls per nl_monitor_read() */
#define NL_MON_RCVBUF	 (1 << 20)

struct nl {
	struct mnl_socket *req;
	struct mnl_socket *mon;
	struct mnl_socket *asy;	/* fire-and-forget requests; errors only */
	struct nl_sender *snd;	/* NULL: asy requests are sent inline */
	uint32_t seq;
	/*
	 * Separate buffers: the monitor callback may issue requests while
	 * nl_monitor_read() is still walking mbuf.
	 */
	_Alignas(struct nlmsghdr) uint8_t mbuf[NL_BUFSZ];
	_Alignas(struct nlmsghdr) uint8_t buf[NL_BUFSZ];
};

/* The next request sequence number; never 0 (notifications carry 0). */
uint32_t nl_next_seq(struct nl *nl);

/*
 * The sender thread (nl_send.c) that sends queued requests on the netlink
 * socket nlfd, so that the loop never waits for the kernel's RTNL lock.
 * Start it after privileges are dropped: a thread keeps the capabilities
 * it was created with. NULL with errno on failure.
 */
struct nl_sender *nl_sender_start(int nlfd);

/* Stop the thread (after its current send) and free s. NULL is a no-op. */
void nl_sender_stop(struct nl_sender *s);

/*
 * Queue one netlink message (at most 512 bytes) without waiting. Returns
 * 0; or -1 with errno: EAGAIN if the queue is full, EMSGSIZE, or the error
 * of an earlier queued message that the thread could not send.
 */
int nl_sender_queue(struct nl_sender *s, const void *msg, size_t len);

/*
 * Drop every queued message and wait for one being sent to reach the
 * kernel: nothing queued before this call is sent after it. NULL: no-op.
 */
void nl_sender_cancel(struct nl_sender *s);

#endif
