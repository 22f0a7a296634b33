/* SPDX-License-Identifier: ISC */
/* AF_PACKET send-only socket putting prebuilt GARP/NA frames on a link. */
#ifndef VRRP_ANNOUNCE_H
#define VRRP_ANNOUNCE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Open an AF_PACKET SOCK_RAW socket (SOCK_NONBLOCK|SOCK_CLOEXEC) bound to
 * ifindex with protocol 0, so it never receives anything and needs no
 * draining. Needs CAP_NET_RAW.
 * Returns the fd, or -1 with errno (EINVAL for ifindex <= 0).
 */
int vrrp_announce_open(int ifindex);

/*
 * Send one complete Ethernet frame (as built by vrrp_arp_build or
 * vrrp_na_build) out of ifindex. The frame goes out byte for byte; its
 * ethertype (bytes 12-13) is also passed as sll_protocol.
 * Returns 0, or -1 with errno (EINVAL for NULL or len < 14, EAGAIN if the
 * device queue is full).
 */
int vrrp_announce_send(int fd, int ifindex, const uint8_t *frame,
		       size_t len);

#endif /* VRRP_ANNOUNCE_H */
