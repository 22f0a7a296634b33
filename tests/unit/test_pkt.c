/* SPDX-License-Identifier: ISC */
/* Unit tests for the VRRP packet codec: golden vectors, round trips, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "vrrp/pkt.h"

static void a4(uint8_t *out, const char *s)
{
	assert_int_equal(inet_pton(AF_INET, s, out), 1);
}

static void a6(uint8_t *out, const char *s)
{
	assert_int_equal(inet_pton(AF_INET6, s, out), 1);
}

static struct vrrp_ipinfo mkip(int family, const char *src, const char *dst,
			       int ttl)
{
	struct vrrp_ipinfo ip;

	memset(&ip, 0, sizeof(ip));
	ip.family = family;
	ip.ttl = ttl;
	if (family == AF_INET6) {
		a6(ip.src, src);
		a6(ip.dst, dst);
	} else {
		a4(ip.src, src);
		a4(ip.dst, dst);
	}
	return ip;
}

/* Wrap a payload in a 20-byte IPv4 header (proto 112, no fragments). */
static size_t ip4_wrap(uint8_t *out, const uint8_t *pl, size_t plen,
		       const struct vrrp_ipinfo *ip, uint8_t ttl)
{
	uint16_t c;

	memset(out, 0, 20);
	out[0] = 0x45;
	out[2] = (uint8_t)((20 + plen) >> 8);
	out[3] = (uint8_t)(20 + plen);
	out[8] = ttl;
	out[9] = VRRP_PROTO;
	memcpy(out + 12, ip->src, 4);
	memcpy(out + 16, ip->dst, 4);
	c = vrrp_csum(out, 20, 0);
	out[10] = (uint8_t)(c >> 8);
	out[11] = (uint8_t)c;
	memcpy(out + 20, pl, plen);
	return 20 + plen;
}

static struct vrrp_adv mkadv(int version, int family, uint8_t vrid,
			     uint8_t prio, uint8_t naddr,
			     const uint8_t *addrs, uint16_t interval_cs)
{
	struct vrrp_adv adv;

	memset(&adv, 0, sizeof(adv));
	adv.version = (uint8_t)version;
	adv.family = family;
	adv.vrid = vrid;
	adv.priority = prio;
	adv.naddr = naddr;
	adv.addrs = addrs;
	adv.interval_cs = interval_cs;
	return adv;
}

static uint16_t csum_at6(const uint8_t *p)
{
	return (uint16_t)(p[6] << 8 | p[7]);
}

/* Golden vectors (protocol brief §3) ---------------------------------------- */

static void test_golden_v3_ip4_scapy(void **state)
{
	static const uint8_t want[] = { 0x31, 0x02, 0xfe, 0x02, 0x00, 0x01,
					0xb2, 0x5e, 20, 0, 1, 2, 20, 0, 1, 3 };
	uint8_t addrs[8], buf[64];
	struct vrrp_ipinfo ip = mkip(AF_INET, "20.0.0.3", "224.0.0.18", 255);
	struct vrrp_adv adv = mkadv(3, AF_INET, 2, 254, 2, addrs, 1), out;

	(void)state;
	a4(addrs, "20.0.1.2");
	a4(addrs + 4, "20.0.1.3");
	assert_int_equal(vrrp_pkt_encode(buf, sizeof(buf), &adv, &ip,
					 VRRP_CSUM_PSEUDO), 16);
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(vrrp_pkt_decode(buf, 16, &ip, true, &out),
			 VRRP_PKT_OK);
	assert_int_equal(out.csum_form, VRRP_CSUM_PSEUDO);
	/* The checksum helpers agree with the encoder. */
	buf[6] = buf[7] = 0;
	assert_int_equal(vrrp_csum(buf, 16, vrrp_csum_pseudo(AF_INET, ip.src,
			 ip.dst, 16, VRRP_PROTO)), 0xb25e);
	assert_int_equal(vrrp_csum(buf, 16, 0), 0xa6f4);

	assert_int_equal(vrrp_pkt_encode(buf, sizeof(buf), &adv, &ip,
					 VRRP_CSUM_MSG_ONLY), 16);
	assert_int_equal(csum_at6(buf), 0xa6f4);
	assert_int_equal(vrrp_pkt_decode(buf, 16, &ip, true, &out),
			 VRRP_PKT_OK);
	assert_int_equal(out.csum_form, VRRP_CSUM_MSG_ONLY);

	/* dst is the group already: the mcast form is the same bytes. */
	assert_int_equal(vrrp_pkt_encode(buf, sizeof(buf), &adv, &ip,
					 VRRP_CSUM_PSEUDO_MCAST), 16);
	assert_int_equal(csum_at6(buf), 0xb25e);
}

static void test_golden_v3_ip6_scapy(void **state)
{
	uint8_t addrs[32], buf[64];
	struct vrrp_ipinfo ip = mkip(AF_INET6, "2001:db8::1", "ff02::12", 255);
	struct vrrp_adv adv = mkadv(3, AF_INET6, 2, 254, 2, addrs, 1), out;

	(void)state;
	a6(addrs, "2001:db8::2");
	a6(addrs + 16, "2001:db8::3");
	assert_int_equal(vrrp_pkt_encode(buf, sizeof(buf), &adv, &ip,
					 VRRP_CSUM_PSEUDO), 40);
	assert_int_equal(csum_at6(buf), 0x481b);
	assert_int_equal(buf[0], 0x31);
	assert_int_equal(buf[3], 2);
	assert_memory_equal(buf + 8, addrs, 32);
	/* Checksum fine, but the scapy source is not link-local: refused in
	 * multicast mode, fine from a unicast peer. */
	assert_int_equal(vrrp_pkt_decode(buf, 40, &ip, true, &out),
			 VRRP_PKT_ERR_V6_LINKLOCAL);
	assert_int_equal(vrrp_pkt_decode(buf, 40, &ip, false, &out),
			 VRRP_PKT_OK);
	assert_int_equal(out.vrid, 2);
	buf[7] ^= 1;
	assert_int_equal(vrrp_pkt_decode(buf, 40, &ip, true, &out),
			 VRRP_PKT_ERR_CHECKSUM);
}

static void test_golden_v2(void **state)
{
	static const uint8_t pkt[20] = { 0x21, 0x33, 0x65, 0x01, 0x00, 0x01,
					 0x54, 0xbd, 0xc0, 0xa8, 0x64, 0x64 };
	uint8_t buf[64];
	struct vrrp_ipinfo ip = mkip(AF_INET, "192.168.100.1", "224.0.0.18",
				     255);
	struct vrrp_adv adv;

	(void)state;
	assert_int_equal(vrrp_pkt_decode(pkt, sizeof(pkt), &ip, true, &adv),
			 VRRP_PKT_OK);
	assert_int_equal(adv.version, 2);
	assert_int_equal(adv.type, 1);
	assert_int_equal(adv.vrid, 0x33);
	assert_int_equal(adv.priority, 0x65);
	assert_int_equal(adv.naddr, 1);
	assert_int_equal(adv.interval_cs, 100);
	assert_int_equal(adv.auth_type, 0);
	assert_int_equal(adv.family, AF_INET);
	assert_int_equal(adv.csum_form, VRRP_CSUM_V2);
	assert_ptr_equal(adv.addrs, pkt + 8);
	assert_int_equal(vrrp_pkt_encode(buf, sizeof(buf), &adv, NULL,
					 VRRP_CSUM_V2), 20);
	assert_memory_equal(buf, pkt, sizeof(pkt));
	buf[6] = buf[7] = 0;
	assert_int_equal(vrrp_csum(buf, 20, 0), 0x54bd);
	memcpy(buf, pkt, sizeof(pkt));
	buf[7]++;
	assert_int_equal(vrrp_pkt_decode(buf, 20, &ip, true, &adv),
			 VRRP_PKT_ERR_CHECKSUM);
}

static void test_golden_v3_ip4_typical(void **state)
{
	uint8_t addr[4], buf[64];
	struct vrrp_ipinfo ip = mkip(AF_INET, "10.0.0.1", "224.0.0.18", 255);
	struct vrrp_adv adv = mkadv(3, AF_INET, 0x33, 100, 1, addr, 100);

	(void)state;
	a4(addr, "10.0.0.100");
	assert_int_equal(vrrp_pkt_encode(buf, sizeof(buf), &adv, &ip,
					 VRRP_CSUM_PSEUDO), 12);
	assert_int_equal(csum_at6(buf), 0x7573);
	assert_int_equal(vrrp_pkt_encode(buf, sizeof(buf), &adv, &ip,
					 VRRP_CSUM_MSG_ONLY), 12);
	assert_int_equal(csum_at6(buf), 0x6003);
}

/* Checksum helpers ------------------------------------------------------------ */

static void test_csum_helpers(void **state)
{
	static const uint8_t rfc1071[] = { 0x00, 0x01, 0xf2, 0x03,
					   0xf4, 0xf5, 0xf6, 0xf7 };
	static const uint8_t odd[] = { 0x01 };
	uint8_t z[16] = { 0 }, ok[4] = { 0x12, 0x34, 0, 0 };

	(void)state;
	assert_int_equal(vrrp_csum_partial(rfc1071, 8, 0), 0xddf2);
	assert_int_equal(vrrp_csum(rfc1071, 8, 0), 0x220d);
	assert_int_equal(vrrp_csum(odd, 1, 0), 0xfeff);
	/* A huge initial sum still folds every carry. */
	assert_int_equal(vrrp_csum(NULL, 0, 0xffffffffu), 0x0000);
	assert_int_equal(vrrp_csum(NULL, 0, 0x0001fffeu), 0x0000);
	assert_int_equal(vrrp_csum(NULL, 0, 0x00010000u), 0xfffe);
	/* Summing data that holds its own checksum gives 0. */
	ok[2] = (uint8_t)(vrrp_csum(ok, 4, 0) >> 8);
	ok[3] = (uint8_t)vrrp_csum(ok, 4, 0);
	assert_int_equal(ok[2] << 8 | ok[3], 0xedcb);
	assert_int_equal(vrrp_csum(ok, 4, 0), 0);
	assert_int_equal(vrrp_csum_pseudo(AF_INET6, z, z, 0x00010002u, 58),
			 0x0001 + 0x0002 + 58);
	assert_int_equal(vrrp_csum_pseudo(AF_INET, z, z, 0x1234, 112),
			 0x1234 + 112);
}

/* Both ones'-complement zeros are accepted in the checksum field. */
static void test_csum_negative_zero(void **state)
{
	/* 0x3101 + 0x0001 + 0x0064 + 0xce99 + 0 = 0xffff: checksum 0x0000. */
	uint8_t pkt[12] = { 0x31, 0x01, 0x00, 0x01, 0x00, 0x64, 0, 0,
			    0xce, 0x99, 0, 0 };
	struct vrrp_ipinfo ip = mkip(AF_INET, "192.0.2.1", "224.0.0.18", 255);
	struct vrrp_adv adv;
	uint8_t buf[16];

	(void)state;
	assert_int_equal(vrrp_pkt_decode(pkt, 12, &ip, true, &adv),
			 VRRP_PKT_OK);
	assert_int_equal(adv.csum_form, VRRP_CSUM_MSG_ONLY);
	pkt[6] = pkt[7] = 0xff;
	assert_int_equal(vrrp_pkt_decode(pkt, 12, &ip, true, &adv),
			 VRRP_PKT_OK);
	assert_int_equal(adv.csum_form, VRRP_CSUM_MSG_ONLY);
	assert_int_equal(vrrp_pkt_encode(buf, sizeof(buf), &adv, &ip,
					 VRRP_CSUM_MSG_ONLY), 12);
	assert_int_equal(csum_at6(buf), 0x0000);
}

/* Every accepted form is reported, with a unicast destination. */
static void test_csum_forms_unicast(void **state)
{
	static const enum vrrp_csum_form forms[] = {
		VRRP_CSUM_PSEUDO, VRRP_CSUM_PSEUDO_MCAST, VRRP_CSUM_MSG_ONLY,
	};
	uint8_t addr[4], buf[64];
	struct vrrp_ipinfo ip = mkip(AF_INET, "192.0.2.1", "192.0.2.2", 64);
	struct vrrp_adv adv = mkadv(3, AF_INET, 7, 100, 1, addr, 100), out;
	uint16_t seen[3];
	size_t i;

	(void)state;
	a4(addr, "192.0.2.100");
	for (i = 0; i < 3; i++) {
		assert_int_equal(vrrp_pkt_encode(buf, sizeof(buf), &adv, &ip,
						 forms[i]), 12);
		seen[i] = csum_at6(buf);
		/* Unicast peers: TTL unchecked, as keepalived. */
		assert_int_equal(vrrp_pkt_decode(buf, 12, &ip, false, &out),
				 VRRP_PKT_OK);
		assert_int_equal(out.csum_form, forms[i]);
		assert_int_equal(vrrp_pkt_decode(buf, 12, &ip, true, &out),
				 VRRP_PKT_ERR_TTL);
	}
	/*
	 * 31.113.0.0 -> 224.0.0.18, 12 bytes: the pseudo-header sums to
	 * 0xffff, so all three forms match and the documented order decides.
	 */
	ip = mkip(AF_INET, "31.113.0.0", "224.0.0.18", 255);
	assert_int_equal(vrrp_csum_pseudo(AF_INET, ip.src, ip.dst, 12,
					  VRRP_PROTO), 0xffff);
	assert_int_equal(vrrp_pkt_encode(buf, sizeof(buf), &adv, &ip,
					 VRRP_CSUM_MSG_ONLY), 12);
	assert_int_equal(vrrp_pkt_decode(buf, 12, &ip, true, &out),
			 VRRP_PKT_OK);
	assert_int_equal(out.csum_form, VRRP_CSUM_PSEUDO);
	assert_int_not_equal(seen[0], seen[1]);
	assert_int_not_equal(seen[1], seen[2]);
	assert_int_not_equal(seen[0], seen[2]);
	assert_string_equal(vrrp_csum_form_name(VRRP_CSUM_V2), "v2");
	assert_string_equal(vrrp_csum_form_name(VRRP_CSUM_PSEUDO), "pseudo");
	assert_string_equal(vrrp_csum_form_name(VRRP_CSUM_PSEUDO_MCAST),
			    "pseudo_mcast");
	assert_string_equal(vrrp_csum_form_name(VRRP_CSUM_MSG_ONLY),
			    "msg_only");
	assert_string_equal(vrrp_csum_form_name((enum vrrp_csum_form)9),
			    "unknown");
}

/* Round trips ------------------------------------------------------------------ */

static void roundtrip_ip4(struct vrrp_adv *adv, enum vrrp_csum_form form)
{
	struct vrrp_ipinfo ip = mkip(AF_INET, "192.0.2.1", "224.0.0.18", 255);
	struct vrrp_ipinfo ipo;
	uint8_t pl[VRRP_PKT_MAX], dg[20 + VRRP_PKT_MAX], again[VRRP_PKT_MAX];
	struct vrrp_adv out;
	int n;
	size_t dlen;

	n = vrrp_pkt_encode(pl, sizeof(pl), adv, &ip, form);
	assert_true(n > 0);
	dlen = ip4_wrap(dg, pl, (size_t)n, &ip, 255);
	assert_int_equal(vrrp_pkt_decode_ip4(dg, dlen, true, &ipo, &out),
			 VRRP_PKT_OK);
	assert_int_equal(ipo.family, AF_INET);
	assert_int_equal(ipo.ttl, 255);
	assert_memory_equal(ipo.src, ip.src, 4);
	assert_memory_equal(ipo.dst, ip.dst, 4);
	assert_int_equal(out.version, adv->version);
	assert_int_equal(out.type, 1);
	assert_int_equal(out.vrid, adv->vrid);
	assert_int_equal(out.priority, adv->priority);
	assert_int_equal(out.naddr, adv->naddr);
	assert_int_equal(out.interval_cs, adv->interval_cs);
	assert_int_equal(out.auth_type, adv->auth_type);
	assert_memory_equal(out.auth_data, adv->auth_data, VRRP_V2_AUTH_LEN);
	assert_int_equal(out.family, AF_INET);
	assert_int_equal(out.csum_form, form);
	assert_ptr_equal(out.addrs, dg + 20 + 8);
	assert_memory_equal(out.addrs, adv->addrs, 4 * (size_t)adv->naddr);
	assert_int_equal(vrrp_pkt_encode(again, sizeof(again), &out, &ipo,
					 out.csum_form), n);
	assert_memory_equal(again, pl, (size_t)n);
}

static void test_roundtrip_v2(void **state)
{
	uint8_t addrs[3 * 4] = { 0 };
	struct vrrp_adv adv = mkadv(2, AF_INET, 51, 150, 3, addrs, 300);

	(void)state;
	a4(addrs, "198.51.100.1");
	a4(addrs + 4, "198.51.100.2");
	a4(addrs + 8, "198.51.100.3");
	adv.auth_type = 1;
	memcpy(adv.auth_data, "secret!!", VRRP_V2_AUTH_LEN);
	roundtrip_ip4(&adv, VRRP_CSUM_V2);
	adv.interval_cs = 25500;
	adv.priority = 0;
	roundtrip_ip4(&adv, VRRP_CSUM_V2);
}

static void test_roundtrip_v3_ip4(void **state)
{
	uint8_t addrs[VRRP_MAX_ADDRS * 4] = { 0 };
	struct vrrp_adv adv = mkadv(3, AF_INET, 255, 255, 2, addrs, 4095);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(addrs); i++)
		addrs[i] = (uint8_t)(i * 7 + 1);
	roundtrip_ip4(&adv, VRRP_CSUM_PSEUDO);
	roundtrip_ip4(&adv, VRRP_CSUM_MSG_ONLY);
	adv.naddr = VRRP_MAX_ADDRS;
	adv.interval_cs = 1;
	roundtrip_ip4(&adv, VRRP_CSUM_PSEUDO);
}

static void test_roundtrip_v3_ip6(void **state)
{
	uint8_t addrs[VRRP_MAX_ADDRS * 16], buf[VRRP_PKT_MAX],
		again[VRRP_PKT_MAX];
	struct vrrp_ipinfo ip = mkip(AF_INET6, "fe80::1", "ff02::12", 255);
	struct vrrp_adv adv = mkadv(3, AF_INET6, 9, 200, 1, addrs, 250), out;
	int n;

	(void)state;
	memset(addrs, 0xab, sizeof(addrs));
	a6(addrs, "fe80::1");
	n = vrrp_pkt_encode(buf, sizeof(buf), &adv, &ip, VRRP_CSUM_PSEUDO);
	assert_int_equal(n, 24);
	assert_int_equal(vrrp_pkt_decode(buf, 24, &ip, true, &out),
			 VRRP_PKT_OK);
	assert_int_equal(out.version, 3);
	assert_int_equal(out.vrid, 9);
	assert_int_equal(out.priority, 200);
	assert_int_equal(out.interval_cs, 250);
	assert_int_equal(out.family, AF_INET6);
	assert_int_equal(out.csum_form, VRRP_CSUM_PSEUDO);
	assert_memory_equal(out.addrs, addrs, 16);
	/* Largest payload; febf:: is still inside fe80::/10. */
	adv.naddr = VRRP_MAX_ADDRS;
	a6(ip.src, "febf::1");
	n = vrrp_pkt_encode(buf, sizeof(buf), &adv, &ip, VRRP_CSUM_PSEUDO);
	assert_int_equal(n, 8 + 16 * 255);
	assert_int_equal(vrrp_pkt_decode(buf, (size_t)n, &ip, true, &out),
			 VRRP_PKT_OK);
	assert_int_equal(vrrp_pkt_encode(again, sizeof(again), &out, &ip,
					 out.csum_form), n);
	assert_memory_equal(again, buf, (size_t)n);
	/* In-place re-encoding (addrs overlapping buf). */
	assert_int_equal(vrrp_pkt_encode(buf, sizeof(buf), &out, &ip,
					 out.csum_form), n);
	assert_memory_equal(again, buf, (size_t)n);
	/* Hop limit from the cmsg; -1 (unknown) skips the check. */
	ip.ttl = 1;
	assert_int_equal(vrrp_pkt_decode(buf, (size_t)n, &ip, true, &out),
			 VRRP_PKT_ERR_TTL);
	ip.ttl = -1;
	assert_int_equal(vrrp_pkt_decode(buf, (size_t)n, &ip, true, &out),
			 VRRP_PKT_OK);
	a6(ip.src, "fec0::1");
	assert_int_equal(vrrp_pkt_decode(buf, (size_t)n, &ip, true, &out),
			 VRRP_PKT_ERR_CHECKSUM);
	assert_int_equal(vrrp_pkt_encode(buf, sizeof(buf), &out, &ip,
					 out.csum_form), n);
	assert_int_equal(vrrp_pkt_decode(buf, (size_t)n, &ip, true, &out),
			 VRRP_PKT_ERR_V6_LINKLOCAL);
}

/* Errors: IPv4 datagram table ---------------------------------------------- */

struct ip4_case {
	const char *name;
	int off[2];             /* byte patches, -1 for none */
	uint8_t val[2];
	int len_delta;          /* trim (< 0) or append zeros (> 0) */
	bool fix_totlen;        /* rewrite tot_len to the new length */
	enum vrrp_pkt_err want;
	uint8_t want_version, want_vrid;
};

#define P1(o, v) { o, -1 }, { v, 0 }
#define NOP { -1, -1 }, { 0, 0 }

static const struct ip4_case ip4_cases[] = {
	{ "valid", NOP, 0, false, VRRP_PKT_OK, 3, 0x33 },
	{ "df is fine", P1(6, 0x40), 0, false, VRRP_PKT_OK, 3, 0x33 },
	{ "19 bytes", NOP, -13, false, VRRP_PKT_ERR_IP_SHORT, 0, 0 },
	{ "ip version 6", P1(0, 0x65), 0, false, VRRP_PKT_ERR_IP_HEADER, 0, 0 },
	{ "ihl 4", P1(0, 0x44), 0, false, VRRP_PKT_ERR_IP_HEADER, 0, 0 },
	{ "ihl 0", P1(0, 0x40), 0, false, VRRP_PKT_ERR_IP_HEADER, 0, 0 },
	{ "ihl 9 > len", P1(0, 0x49), 0, false, VRRP_PKT_ERR_IP_HEADER, 0, 0 },
	{ "ihl 15", P1(0, 0x4f), 0, false, VRRP_PKT_ERR_IP_HEADER, 0, 0 },
	{ "ihl 8 = len", P1(0, 0x48), 0, false, VRRP_PKT_ERR_SHORT, 0, 0 },
	{ "tot_len + 1", P1(3, 33), 0, false, VRRP_PKT_ERR_IP_LENGTH, 3, 0x33 },
	{ "tot_len - 1", P1(3, 31), 0, false, VRRP_PKT_ERR_IP_LENGTH, 3, 0x33 },
	{ "tot_len hi", P1(2, 1), 0, false, VRRP_PKT_ERR_IP_LENGTH, 3, 0x33 },
	{ "trailing byte", NOP, 1, false, VRRP_PKT_ERR_IP_LENGTH, 3, 0x33 },
	{ "mf", P1(6, 0x20), 0, false, VRRP_PKT_ERR_IP_FRAGMENT, 3, 0x33 },
	{ "offset 1", P1(7, 1), 0, false, VRRP_PKT_ERR_IP_FRAGMENT, 0, 0 },
	{ "offset hi", P1(6, 0x10), 0, false, VRRP_PKT_ERR_IP_FRAGMENT, 0, 0 },
	{ "proto 111", P1(9, 111), 0, false, VRRP_PKT_ERR_PROTO, 0, 0 },
	{ "ttl 254", P1(8, 254), 0, false, VRRP_PKT_ERR_TTL, 3, 0x33 },
	{ "ttl 0", P1(8, 0), 0, false, VRRP_PKT_ERR_TTL, 3, 0x33 },
	{ "vrrp 0 bytes", NOP, -12, true, VRRP_PKT_ERR_SHORT, 0, 0 },
	{ "vrrp 1 byte", NOP, -11, true, VRRP_PKT_ERR_SHORT, 3, 0 },
	{ "vrrp 2 bytes", NOP, -10, true, VRRP_PKT_ERR_SHORT, 3, 0x33 },
	{ "vrrp 7 bytes", NOP, -5, true, VRRP_PKT_ERR_SHORT, 3, 0x33 },
	{ "version 4", P1(20, 0x41), 0, false, VRRP_PKT_ERR_VERSION, 4, 0x33 },
	{ "version 1", P1(20, 0x11), 0, false, VRRP_PKT_ERR_VERSION, 1, 0x33 },
	{ "type 2", P1(20, 0x32), 0, false, VRRP_PKT_ERR_TYPE, 3, 0x33 },
	{ "type 0", P1(20, 0x30), 0, false, VRRP_PKT_ERR_TYPE, 3, 0x33 },
	{ "count 0", P1(23, 0), 0, false, VRRP_PKT_ERR_NADDR, 3, 0x33 },
	{ "count 2", P1(23, 2), 0, false, VRRP_PKT_ERR_LENGTH, 3, 0x33 },
	{ "byte short", NOP, -1, true, VRRP_PKT_ERR_LENGTH, 3, 0x33 },
	{ "byte long", NOP, 1, true, VRRP_PKT_ERR_LENGTH, 3, 0x33 },
	{ "interval 0 rsvd", { 24, 25 }, { 0xf0, 0x00 }, 0, false,
	  VRRP_PKT_ERR_INTERVAL, 3, 0x33 },
	{ "interval 0", P1(25, 0), 0, false, VRRP_PKT_ERR_INTERVAL, 3, 0x33 },
	{ "csum + 1", P1(27, 0x74), 0, false, VRRP_PKT_ERR_CHECKSUM, 3, 0x33 },
	{ "csum - 1", P1(27, 0x72), 0, false, VRRP_PKT_ERR_CHECKSUM, 3, 0x33 },
	{ "vip changed", P1(31, 0x65), 0, false, VRRP_PKT_ERR_CHECKSUM, 3,
	  0x33 },
};

static void test_ip4_errors(void **state)
{
	static const uint8_t pl[] = { 0x31, 0x33, 0x64, 0x01, 0x00, 0x64,
				      0x75, 0x73, 0x0a, 0x00, 0x00, 0x64 };
	struct vrrp_ipinfo ip = mkip(AF_INET, "10.0.0.1", "224.0.0.18", 255);
	struct vrrp_ipinfo ipo;
	struct vrrp_adv adv;
	uint8_t dg[64];
	size_t i, j, len;
	enum vrrp_pkt_err err;

	(void)state;
	for (i = 0; i < sizeof(ip4_cases) / sizeof(ip4_cases[0]); i++) {
		const struct ip4_case *c = &ip4_cases[i];

		memset(dg, 0, sizeof(dg));
		len = ip4_wrap(dg, pl, sizeof(pl), &ip, 255);
		for (j = 0; j < 2; j++)
			if (c->off[j] >= 0)
				dg[c->off[j]] = c->val[j];
		len = (size_t)((int)len + c->len_delta);
		if (c->fix_totlen)
			dg[3] = (uint8_t)len;
		memset(&adv, 0x5a, sizeof(adv));
		err = vrrp_pkt_decode_ip4(dg, len, true, &ipo, &adv);
		if (err != c->want || adv.version != c->want_version ||
		    adv.vrid != c->want_vrid)
			print_message("case '%s': %s, v%u vrid %u\n", c->name,
				      vrrp_pkt_strerror(err), adv.version,
				      adv.vrid);
		assert_int_equal(err, c->want);
		assert_int_equal(adv.version, c->want_version);
		assert_int_equal(adv.vrid, c->want_vrid);
		if (err == VRRP_PKT_ERR_IP_SHORT || err == VRRP_PKT_ERR_IP_HEADER)
			assert_int_equal(ipo.ttl, -1);
		else
			assert_memory_equal(ipo.src, ip.src, 4);
	}
}

/* IHL 6: one option word between header and payload. */
static void test_ip4_options(void **state)
{
	static const uint8_t pl[] = { 0x31, 0x33, 0x64, 0x01, 0x00, 0x64,
				      0x75, 0x73, 0x0a, 0x00, 0x00, 0x64 };
	struct vrrp_ipinfo ip = mkip(AF_INET, "10.0.0.1", "224.0.0.18", 255);
	struct vrrp_ipinfo ipo;
	struct vrrp_adv adv;
	uint8_t dg[64];

	(void)state;
	ip4_wrap(dg, pl, sizeof(pl), &ip, 255);
	memmove(dg + 24, dg + 20, sizeof(pl));
	memset(dg + 20, 1, 4);  /* NOPs */
	dg[0] = 0x46;
	dg[3] = 36;
	assert_int_equal(vrrp_pkt_decode_ip4(dg, 36, true, &ipo, &adv),
			 VRRP_PKT_OK);
	assert_ptr_equal(adv.addrs, dg + 32);
	assert_int_equal(vrrp_pkt_decode_ip4(dg, 36, false, &ipo, &adv),
			 VRRP_PKT_OK);
	dg[8] = 254;
	assert_int_equal(vrrp_pkt_decode_ip4(dg, 36, true, &ipo, &adv),
			 VRRP_PKT_ERR_TTL);
	assert_int_equal(ipo.ttl, 254);
	assert_int_equal(vrrp_pkt_decode_ip4(dg, 36, false, &ipo, &adv),
			 VRRP_PKT_OK);
}

/* Errors: payload-level cases not reachable from the IPv4 table ------------- */

static void test_payload_errors(void **state)
{
	/* v2 golden, 20 bytes. */
	uint8_t v2[21] = { 0x21, 0x33, 0x65, 0x01, 0x00, 0x01, 0x54, 0xbd,
			   0xc0, 0xa8, 0x64, 0x64 };
	uint8_t v6[24] = { 0x31, 0x05, 0x64, 0x01, 0x00, 0x64 };
	struct vrrp_ipinfo ip4 = mkip(AF_INET, "192.0.2.1", "224.0.0.18", 255);
	struct vrrp_ipinfo ip6 = mkip(AF_INET6, "fe80::1", "ff02::12", 255);
	struct vrrp_ipinfo bad = ip4;
	struct vrrp_adv adv;

	(void)state;
	assert_int_equal(vrrp_pkt_decode(v2, 20, &ip4, true, &adv),
			 VRRP_PKT_OK);
	/* v2 length is 16 + 4n, whatever the family. */
	assert_int_equal(vrrp_pkt_decode(v2, 19, &ip4, true, &adv),
			 VRRP_PKT_ERR_LENGTH);
	assert_int_equal(vrrp_pkt_decode(v2, 21, &ip4, true, &adv),
			 VRRP_PKT_ERR_LENGTH);
	assert_int_equal(vrrp_pkt_decode(v2, 12, &ip4, true, &adv),
			 VRRP_PKT_ERR_LENGTH);
	assert_int_equal(vrrp_pkt_decode(v2, 20, &ip6, true, &adv),
			 VRRP_PKT_ERR_FAMILY);
	assert_int_equal(adv.vrid, 0x33);
	assert_int_equal(adv.version, 2);
	/* Caller bugs: no ipinfo or an unknown family. */
	assert_int_equal(vrrp_pkt_decode(v2, 20, NULL, true, &adv),
			 VRRP_PKT_ERR_FAMILY);
	assert_int_equal(adv.vrid, 0x33);
	bad.family = AF_UNIX;
	assert_int_equal(vrrp_pkt_decode(v2, 20, &bad, true, &adv),
			 VRRP_PKT_ERR_FAMILY);
	v2[5] = 0;
	assert_int_equal(vrrp_pkt_decode(v2, 20, &ip4, true, &adv),
			 VRRP_PKT_ERR_INTERVAL);
	/* v3/IPv6: 8 + 16n exactly; 8 + 4n is not enough. */
	assert_int_equal(vrrp_pkt_decode(v6, 12, &ip6, true, &adv),
			 VRRP_PKT_ERR_LENGTH);
	assert_int_equal(vrrp_pkt_decode(v6, 23, &ip6, true, &adv),
			 VRRP_PKT_ERR_LENGTH);
	assert_int_equal(vrrp_pkt_decode(v6, 24, &ip6, true, &adv),
			 VRRP_PKT_ERR_CHECKSUM);
	assert_int_equal(adv.vrid, 5);
	ip6.ttl = 254;
	assert_int_equal(vrrp_pkt_decode(v6, 24, &ip6, true, &adv),
			 VRRP_PKT_ERR_TTL);
	assert_int_equal(vrrp_pkt_decode(v6, 0, &ip6, false, &adv),
			 VRRP_PKT_ERR_SHORT);
	assert_int_equal(adv.version, 0);
}

/* The 4 reserved bits of the v3 interval are ignored, checksum included. */
static void test_v3_reserved_bits(void **state)
{
	uint8_t pkt[12] = { 0x31, 0x01, 0x64, 0x01, 0xf0, 0x64, 0, 0,
			    192, 0, 2, 100 };
	struct vrrp_ipinfo ip = mkip(AF_INET, "192.0.2.1", "224.0.0.18", 255);
	struct vrrp_adv adv;
	uint16_t c;

	(void)state;
	c = vrrp_csum(pkt, 12, vrrp_csum_pseudo(AF_INET, ip.src, ip.dst, 12,
						VRRP_PROTO));
	pkt[6] = (uint8_t)(c >> 8);
	pkt[7] = (uint8_t)c;
	assert_int_equal(vrrp_pkt_decode(pkt, 12, &ip, true, &adv),
			 VRRP_PKT_OK);
	assert_int_equal(adv.interval_cs, 100);
	assert_int_equal(adv.csum_form, VRRP_CSUM_PSEUDO);
	pkt[4] = 0x8f;
	pkt[5] = 0xff;
	assert_int_equal(vrrp_pkt_decode(pkt, 12, &ip, true, &adv),
			 VRRP_PKT_ERR_CHECKSUM);
	assert_int_equal(adv.interval_cs, 4095);
}

/* Encode rejections ---------------------------------------------------------- */

struct enc_case {
	const char *name;
	uint8_t version;
	int family;             /* adv->family */
	int ipfam;              /* ipinfo family, 0 for ip == NULL */
	uint16_t interval_cs;
	uint8_t naddr;
	enum vrrp_csum_form form;
	size_t cap;
	int want;
};

#define I4 AF_INET
#define I6 AF_INET6

static const struct enc_case enc_cases[] = {
	{ "v2 exact cap", 2, I4, 0, 100, 1, VRRP_CSUM_V2, 20, 20 },
	{ "v2 cap - 1", 2, I4, 0, 100, 1, VRRP_CSUM_V2, 19, -1 },
	{ "v3/4 exact cap", 3, I4, I4, 100, 1, VRRP_CSUM_PSEUDO, 12, 12 },
	{ "v3/4 cap - 1", 3, I4, I4, 100, 1, VRRP_CSUM_PSEUDO, 11, -1 },
	{ "v3/6 exact cap", 3, I6, I6, 100, 1, VRRP_CSUM_PSEUDO, 24, 24 },
	{ "v3/6 cap - 1", 3, I6, I6, 100, 1, VRRP_CSUM_PSEUDO, 23, -1 },
	{ "v3 interval 0", 3, I4, I4, 0, 1, VRRP_CSUM_PSEUDO, 64, -1 },
	{ "v3 interval 4096", 3, I4, I4, 4096, 1, VRRP_CSUM_PSEUDO, 64, -1 },
	{ "v3 interval 4095", 3, I4, I4, 4095, 1, VRRP_CSUM_PSEUDO, 64, 12 },
	{ "v2 interval 1.5 s", 2, I4, 0, 150, 1, VRRP_CSUM_V2, 64, -1 },
	{ "v2 interval 0", 2, I4, 0, 0, 1, VRRP_CSUM_V2, 64, -1 },
	{ "v2 interval 256 s", 2, I4, 0, 25600, 1, VRRP_CSUM_V2, 64, -1 },
	{ "v2 interval 255 s", 2, I4, 0, 25500, 1, VRRP_CSUM_V2, 64, 20 },
	{ "naddr 0", 3, I4, I4, 100, 0, VRRP_CSUM_PSEUDO, 64, -1 },
	{ "version 4", 4, I4, I4, 100, 1, VRRP_CSUM_PSEUDO, 64, -1 },
	{ "family unix", 3, AF_UNIX, 0, 100, 1, VRRP_CSUM_MSG_ONLY, 64, -1 },
	{ "v2 over v6", 2, I6, 0, 100, 1, VRRP_CSUM_V2, 64, -1 },
	{ "v2 pseudo", 2, I4, I4, 100, 1, VRRP_CSUM_PSEUDO, 64, -1 },
	{ "v3 v2 form", 3, I4, I4, 100, 1, VRRP_CSUM_V2, 64, -1 },
	{ "pseudo no ip", 3, I4, 0, 100, 1, VRRP_CSUM_PSEUDO, 64, -1 },
	{ "mcast no ip", 3, I4, 0, 100, 1, VRRP_CSUM_PSEUDO_MCAST, 64, -1 },
	{ "msg no ip", 3, I4, 0, 100, 1, VRRP_CSUM_MSG_ONLY, 64, 12 },
	{ "ip family differs", 3, I4, I6, 100, 1, VRRP_CSUM_PSEUDO, 64, -1 },
	{ "v6 msg only", 3, I6, I6, 100, 1, VRRP_CSUM_MSG_ONLY, 64, -1 },
	{ "v6 mcast", 3, I6, I6, 100, 1, VRRP_CSUM_PSEUDO_MCAST, 64, -1 },
	{ "bad form", 3, I4, I4, 100, 1, (enum vrrp_csum_form)9, 64, -1 },
};

static void test_encode_errors(void **state)
{
	uint8_t a[16] = { 192, 0, 2, 1 }, buf[64];
	struct vrrp_ipinfo ip4 = mkip(AF_INET, "192.0.2.1", "224.0.0.18", 255);
	struct vrrp_ipinfo ip6 = mkip(AF_INET6, "fe80::1", "ff02::12", 255);
	struct vrrp_adv adv;
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof(enc_cases) / sizeof(enc_cases[0]); i++) {
		const struct enc_case *c = &enc_cases[i];
		const struct vrrp_ipinfo *ip = c->ipfam == I4 ? &ip4 :
					       c->ipfam == I6 ? &ip6 : NULL;

		adv = mkadv(c->version, c->family, 1, 100, c->naddr, a,
			    c->interval_cs);
		n = vrrp_pkt_encode(buf, c->cap, &adv, ip, c->form);
		if (n != c->want)
			print_message("case '%s': %d\n", c->name, n);
		assert_int_equal(n, c->want);
		if (n > 0 && c->version == 2)
			assert_int_equal(buf[5], c->interval_cs / 100);
		if (n > 0 && c->version == 3)
			assert_int_equal(buf[4] << 8 | buf[5], c->interval_cs);
	}
	adv = mkadv(3, AF_INET, 1, 100, 1, a, 100);
	assert_int_equal(vrrp_pkt_encode(NULL, 64, &adv, &ip4,
					 VRRP_CSUM_PSEUDO), -1);
	assert_int_equal(vrrp_pkt_encode(buf, 64, NULL, &ip4,
					 VRRP_CSUM_PSEUDO), -1);
	adv.addrs = NULL;
	assert_int_equal(vrrp_pkt_encode(buf, 64, &adv, &ip4,
					 VRRP_CSUM_PSEUDO), -1);
}

/* Misc --------------------------------------------------------------------------- */

static void test_addr_cmp(void **state)
{
	uint8_t a[16], b[16];

	(void)state;
	a4(a, "10.0.0.200");
	a4(b, "10.0.0.9");
	assert_int_equal(vrrp_addr_cmp(AF_INET, a, b), 1);
	assert_int_equal(vrrp_addr_cmp(AF_INET, b, a), -1);
	assert_int_equal(vrrp_addr_cmp(AF_INET, a, a), 0);
	a4(a, "128.0.0.1");
	a4(b, "127.255.255.255");
	assert_int_equal(vrrp_addr_cmp(AF_INET, a, b), 1);
	a4(a, "255.255.255.255");
	a4(b, "0.0.0.0");
	assert_int_equal(vrrp_addr_cmp(AF_INET, a, b), 1);
	a6(a, "fe80::1");
	a6(b, "fe80::ff00");
	assert_int_equal(vrrp_addr_cmp(AF_INET6, a, b), -1);
	a6(a, "8000::");
	a6(b, "7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	assert_int_equal(vrrp_addr_cmp(AF_INET6, a, b), 1);
	/* Only the family's length counts. */
	a6(a, "fe80::1");
	a6(b, "fe80::2");
	assert_int_equal(vrrp_addr_cmp(AF_INET, a, b), 0);
}

static void test_strings(void **state)
{
	int i, j;
	const char *p;

	(void)state;
	for (i = 0; i <= VRRP_PKT_ERR__MAX; i++) {
		assert_non_null(vrrp_pkt_strerror((enum vrrp_pkt_err)i));
		assert_true(strlen(vrrp_pkt_strerror((enum vrrp_pkt_err)i)));
		p = vrrp_pkt_errname((enum vrrp_pkt_err)i);
		assert_non_null(p);
		assert_true(strlen(p) > 0);
		for (; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') ||
				    (*p >= '0' && *p <= '9') || *p == '_');
		for (j = 0; j < i && i < VRRP_PKT_ERR__MAX; j++)
			assert_string_not_equal(
				vrrp_pkt_errname((enum vrrp_pkt_err)i),
				vrrp_pkt_errname((enum vrrp_pkt_err)j));
	}
	assert_string_equal(vrrp_pkt_strerror(VRRP_PKT_ERR_CHECKSUM),
			    "bad checksum");
	assert_string_equal(vrrp_pkt_errname(VRRP_PKT_ERR_CHECKSUM),
			    "checksum");
	assert_string_equal(vrrp_pkt_errname(VRRP_PKT_ERR_V6_LINKLOCAL),
			    "v6_linklocal");
	assert_string_equal(vrrp_pkt_errname(VRRP_PKT_ERR__MAX), "unknown");
	assert_string_equal(vrrp_pkt_strerror((enum vrrp_pkt_err)-1),
			    "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_v3_ip4_scapy),
		cmocka_unit_test(test_golden_v3_ip6_scapy),
		cmocka_unit_test(test_golden_v2),
		cmocka_unit_test(test_golden_v3_ip4_typical),
		cmocka_unit_test(test_csum_helpers),
		cmocka_unit_test(test_csum_negative_zero),
		cmocka_unit_test(test_csum_forms_unicast),
		cmocka_unit_test(test_roundtrip_v2),
		cmocka_unit_test(test_roundtrip_v3_ip4),
		cmocka_unit_test(test_roundtrip_v3_ip6),
		cmocka_unit_test(test_ip4_errors),
		cmocka_unit_test(test_ip4_options),
		cmocka_unit_test(test_payload_errors),
		cmocka_unit_test(test_v3_reserved_bits),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_addr_cmp),
		cmocka_unit_test(test_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
