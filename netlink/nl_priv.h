/* SPDX-License-Identifier: ISC */
/* Inside struct nl: shared by nl.c (requests) and nl_mon.c (the sockets the loop watches). */

#ifndef VIPD_NL_PRIV_H
#define VIPD_NL_PRIV_H

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

#endif
