/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the VRRP codec: decode, then re-encode and compare. */
#include <stdint.h>
#include <string.h>

#include "vrrp/pkt.h"

/*
 * Every input is used three ways:
 *  1. the whole input as an IPv4 datagram (vrrp_pkt_decode_ip4);
 *  2. data[0] as a selector and data[1..] as a v3/IPv6 payload;
 *  3. the same payload with its checksum field fixed up for the selected
 *     family/form first, so mutations get past the checksum check.
 * Selector bits (tests/fuzz/gen_pkt_corpus.py writes seeds to match):
 *  0x01 source 2001:db8::1 instead of fe80::1 (IPv6), 192.0.2.1 (IPv4)
 *  0x02 TTL 254 instead of 255      0x04 check_ttl off
 *  0x08 TTL unknown (-1)            0x10 IPv4 instead of IPv6 (path 3)
 *  0x20 IPv4 dst 192.0.2.2 instead of 224.0.0.18
 *  0xc0 IPv4 v3 form: 0 pseudo, 1 pseudo_mcast, 2/3 msg_only
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sel_ipinfo(uint8_t sel, int family, struct vrrp_ipinfo *ip)
{
	static const uint8_t ll[16] = { 0xfe, 0x80, [15] = 1 };
	static const uint8_t gl[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t grp6[16] = { 0xff, 0x02, [15] = 0x12 };
	static const uint8_t src4[4] = { 192, 0, 2, 1 };
	static const uint8_t uni4[4] = { 192, 0, 2, 2 };
	static const uint8_t grp4[4] = { 224, 0, 0, 18 };

	memset(ip, 0, sizeof(*ip));
	ip->family = family;
	if (family == AF_INET6) {
		memcpy(ip->src, (sel & 0x01) ? gl : ll, 16);
		memcpy(ip->dst, grp6, 16);
	} else {
		memcpy(ip->src, src4, 4);
		memcpy(ip->dst, (sel & 0x20) ? uni4 : grp4, 4);
	}
	ip->ttl = (sel & 0x08) ? -1 : (sel & 0x02) ? 254 : 255;
}

/* A decoded advert must re-encode to the payload it came from. */
static void check_reencode(const uint8_t *pl, size_t plen,
			   const struct vrrp_adv *adv,
			   const struct vrrp_ipinfo *ip)
{
	uint8_t out[VRRP_PKT_MAX];
	int n;

	if (adv->naddr == 0 || adv->interval_cs == 0 || adv->type != 1 ||
	    (adv->version != 2 && adv->version != 3) ||
	    adv->addrs != pl + VRRP_HDR_LEN || adv->family != ip->family)
		__builtin_trap();
	n = vrrp_pkt_encode(out, sizeof(out), adv, ip, adv->csum_form);
	if (n < 0 || (size_t)n != plen)
		__builtin_trap();
	/* Reserved interval bits are dropped, so the checksum differs too. */
	if (adv->version == 3 && (pl[4] & 0xf0))
		return;
	/* 0xffff is the other ones'-complement zero; encode writes 0x0000. */
	if (pl[6] == 0xff && pl[7] == 0xff && out[6] == 0 && out[7] == 0)
		out[6] = out[7] = 0xff;
	if (memcmp(out, pl, plen) != 0)
		__builtin_trap();
}

static void fuzz_ip4(const uint8_t *data, size_t size)
{
	struct vrrp_ipinfo ip, ip2;
	struct vrrp_adv adv, adv2;
	enum vrrp_pkt_err e1, e2;
	size_t ihl;

	e1 = vrrp_pkt_decode_ip4(data, size, true, &ip, &adv);
	e2 = vrrp_pkt_decode_ip4(data, size, false, &ip2, &adv2);
	/* TTL is checked first, so it may mask any later payload error. */
	if (e1 != e2 && (e1 != VRRP_PKT_ERR_TTL ||
			 (e2 != VRRP_PKT_OK && e2 < VRRP_PKT_ERR_TTL)))
		__builtin_trap();
	if ((unsigned)e2 >= VRRP_PKT_ERR__MAX ||
	    vrrp_pkt_strerror(e2) == NULL || vrrp_pkt_errname(e2) == NULL)
		__builtin_trap();
	if (e2 != VRRP_PKT_OK)
		return;
	ihl = (size_t)(data[0] & 0x0f) * 4;
	check_reencode(data + ihl, size - ihl, &adv2, &ip2);
}

static void fuzz_payload(uint8_t sel, const uint8_t *pl, size_t len)
{
	struct vrrp_ipinfo ip;
	struct vrrp_adv adv;

	sel_ipinfo(sel, AF_INET6, &ip);
	if (vrrp_pkt_decode(pl, len, &ip, !(sel & 0x04), &adv) == VRRP_PKT_OK)
		check_reencode(pl, len, &adv, &ip);
}

/* Fix the checksum up for the selected form; then it must not fail. */
static void fuzz_fixed(uint8_t sel, const uint8_t *pl, size_t len)
{
	static const enum vrrp_csum_form v4forms[4] = {
		VRRP_CSUM_PSEUDO, VRRP_CSUM_PSEUDO_MCAST, VRRP_CSUM_MSG_ONLY,
		VRRP_CSUM_MSG_ONLY,
	};
	uint8_t buf[VRRP_PKT_MAX + 16];
	struct vrrp_ipinfo ip;
	struct vrrp_adv adv;
	enum vrrp_csum_form form;
	uint32_t ph = 0;
	uint16_t c;
	static const uint8_t grp4[4] = { 224, 0, 0, 18 };

	if (len < VRRP_HDR_LEN || len > sizeof(buf))
		return;
	memcpy(buf, pl, len);
	sel_ipinfo(sel, (sel & 0x10) ? AF_INET : AF_INET6, &ip);
	if (buf[0] >> 4 == 2)
		form = VRRP_CSUM_V2;
	else if (ip.family == AF_INET6)
		form = VRRP_CSUM_PSEUDO;
	else
		form = v4forms[sel >> 6];
	if (form == VRRP_CSUM_PSEUDO)
		ph = vrrp_csum_pseudo(ip.family, ip.src, ip.dst,
				      (uint32_t)len, VRRP_PROTO);
	else if (form == VRRP_CSUM_PSEUDO_MCAST)
		ph = vrrp_csum_pseudo(AF_INET, ip.src, grp4, (uint32_t)len,
				      VRRP_PROTO);
	buf[6] = buf[7] = 0;
	c = vrrp_csum(buf, len, ph);
	buf[6] = (uint8_t)(c >> 8);
	buf[7] = (uint8_t)c;
	switch (vrrp_pkt_decode(buf, len, &ip, !(sel & 0x04), &adv)) {
	case VRRP_PKT_OK:
		check_reencode(buf, len, &adv, &ip);
		break;
	case VRRP_PKT_ERR_CHECKSUM:
		__builtin_trap();
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_ip4(data, size);
	if (size < 1)
		return 0;
	fuzz_payload(data[0], data + 1, size - 1);
	fuzz_fixed(data[0], data + 1, size - 1);
	return 0;
}
