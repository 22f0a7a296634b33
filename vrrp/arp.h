/* SPDX-License-Identifier: ISC */
/* Pure builders of VIP announcements: gratuitous ARP, unsolicited NA. */
#ifndef VRRP_ARP_H
#define VRRP_ARP_H

#include <stddef.h>
#include <stdint.h>

/* Ethernet 14 + ARP 28; short of the 60-byte minimum, the NIC pads. */
#define VRRP_ARP_FRAME_LEN 42
/* Ethernet 14 + IPv6 40 + NA 24 + target link-layer address option 8. */
#define VRRP_NA_FRAME_LEN 86

/*
 * Build a gratuitous ARP for vip into frame (protocol brief §6):
 * Ethernet dst ff:ff:ff:ff:ff:ff, src mac, type 0x0806; ARP request
 * (op 1, htype 1, ptype 0x0800) with sha = mac, spa = vip,
 * tha = ff:ff:ff:ff:ff:ff, tpa = vip, as keepalived and FRR send it.
 * mac is the source MAC (the interface MAC, or the VMAC in VMAC mode).
 * Returns VRRP_ARP_FRAME_LEN, or -1 if cap is too small or a pointer is
 * NULL (frame untouched).
 */
int vrrp_arp_build(uint8_t *frame, size_t cap, const uint8_t mac[6],
		   const uint8_t vip[4]);

/*
 * Build an unsolicited Neighbor Advertisement for vip into frame:
 * Ethernet dst 33:33:00:00:00:01, src mac, type 0x86dd; IPv6 src vip,
 * dst ff02::1, hop limit 255, next header 58; ICMPv6 type 136 code 0,
 * flags R=0 S=0 O=1, target vip, Target Link-Layer Address option
 * (type 2, length 1) = mac; ICMPv6 checksum over the IPv6 pseudo-header.
 * R is 0 unlike the brief's router case: vipd runs on mail hosts, which
 * do not route, and R=1 would put them in neighbours' router lists.
 * Returns VRRP_NA_FRAME_LEN, or -1 if cap is too small or a pointer is
 * NULL (frame untouched).
 */
int vrrp_na_build(uint8_t *frame, size_t cap, const uint8_t mac[6],
		  const uint8_t vip[16]);

#endif /* VRRP_ARP_H */
