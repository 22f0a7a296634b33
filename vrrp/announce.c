/* SPDX-License-Identifier: ISC */
/* AF_PACKET send side for gratuitous ARP and unsolicited NA frames. */
#include <sys/socket.h>

#include <netpacket/packet.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "vrrp/announce.h"

#define ANNOUNCE_ETH_HLEN 14

int
vrrp_announce_open(int ifindex)
{
	struct sockaddr_ll sll;
	int fd, saved;

	if (ifindex <= 0) {
		errno = EINVAL;
		return -1;
	}
	/* Protocol 0 registers no receive hook: this socket only sends. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = 0;
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
vrrp_announce_send(int fd, int ifindex, const uint8_t *frame, size_t len)
{
	struct sockaddr_ll sll;
	ssize_t n;

	if (frame == NULL || len < ANNOUNCE_ETH_HLEN || ifindex <= 0) {
		errno = EINVAL;
		return -1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifindex;
	/* Already network order in the frame; sets skb->protocol. */
	memcpy(&sll.sll_protocol, frame + 12, 2);
	n = sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll));
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}
