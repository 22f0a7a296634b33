/* SPDX-License-Identifier: ISC */
/* Pure gratuitous ARP and unsolicited Neighbor Advertisement builders. */
#include <string.h>

#include "vrrp/arp.h"

#define NA_LEN 32		/* NA 24 + TLLA option 8 */
#define NA_FLAG_OVERRIDE 0x20	/* R 0x80, S 0x40, O 0x20 */

static const uint8_t arp_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t na_allnodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 0x01 };
static const uint8_t na_allnodes[16] = { 0xff, 0x02, [15] = 0x01 };

static uint8_t *arp_put16(uint8_t *, unsigned int);
static uint8_t *arp_put(uint8_t *, const void *, size_t);
static uint32_t arp_sum(uint32_t, const uint8_t *, size_t);

static uint8_t *
arp_put16(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *
arp_put(uint8_t *p, const void *src, size_t len)
{
	memcpy(p, src, len);
	return p + len;
}

/*
 * RFC 1071 partial sum of big-endian 16-bit words. Local on purpose so the
 * builder stays independent of the codec; a candidate to merge with the
 * codec's checksum later.
 */
static uint32_t
arp_sum(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

int
vrrp_arp_build(uint8_t *frame, size_t cap, const uint8_t mac[6],
	       const uint8_t vip[4])
{
	uint8_t *p = frame;

	if (frame == NULL || mac == NULL || vip == NULL ||
	    cap < VRRP_ARP_FRAME_LEN)
		return -1;
	p = arp_put(p, arp_bcast, 6);
	p = arp_put(p, mac, 6);
	p = arp_put16(p, 0x0806);	/* ethertype ARP */
	p = arp_put16(p, 1);		/* htype Ethernet */
	p = arp_put16(p, 0x0800);	/* ptype IPv4 */
	*p++ = 6;
	*p++ = 4;
	p = arp_put16(p, 1);		/* request, as peers send it */
	p = arp_put(p, mac, 6);
	p = arp_put(p, vip, 4);
	p = arp_put(p, arp_bcast, 6);
	p = arp_put(p, vip, 4);
	return (int)(p - frame);
}

int
vrrp_na_build(uint8_t *frame, size_t cap, const uint8_t mac[6],
	      const uint8_t vip[16])
{
	uint8_t *ip6, *icmp, *p = frame;
	uint32_t sum;

	if (frame == NULL || mac == NULL || vip == NULL ||
	    cap < VRRP_NA_FRAME_LEN)
		return -1;
	p = arp_put(p, na_allnodes_mac, 6);
	p = arp_put(p, mac, 6);
	p = arp_put16(p, 0x86dd);

	ip6 = p;
	p = arp_put16(p, 0x6000);	/* version 6, traffic class 0 */
	p = arp_put16(p, 0);		/* flow label */
	p = arp_put16(p, NA_LEN);
	*p++ = 58;			/* ICMPv6 */
	*p++ = 255;			/* receivers drop NAs below 255 */
	p = arp_put(p, vip, 16);
	p = arp_put(p, na_allnodes, 16);

	icmp = p;
	*p++ = 136;
	*p++ = 0;
	p = arp_put16(p, 0);		/* checksum, filled below */
	*p++ = NA_FLAG_OVERRIDE;
	*p++ = 0;
	p = arp_put16(p, 0);
	p = arp_put(p, vip, 16);
	*p++ = 2;			/* Target Link-Layer Address */
	*p++ = 1;			/* in units of 8 bytes */
	p = arp_put(p, mac, 6);

	/* Pseudo-header: src, dst, 32-bit length, 3 zero bytes, nh 58. */
	sum = arp_sum(0, ip6 + 8, 32);
	sum += NA_LEN + 58;
	sum = arp_sum(sum, icmp, NA_LEN);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	arp_put16(icmp + 2, ~sum & 0xffff);
	return (int)(p - frame);
}
