/* SPDX-License-Identifier: ISC */
/* Unit tests for the pure gratuitous ARP and unsolicited NA frame builders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vrrp/arp.h"

static const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t vip4[4] = { 203, 0, 113, 5 };
static const uint8_t vip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x05 };

static const uint8_t garp_expect[VRRP_ARP_FRAME_LEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* eth dst: broadcast */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01,	/* eth src */
	0x08, 0x06,				/* ARP */
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04,	/* Ethernet, IPv4, 6, 4 */
	0x00, 0x01,				/* request */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01,	/* sha */
	0xcb, 0x00, 0x71, 0x05,			/* spa 203.0.113.5 */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* tha */
	0xcb, 0x00, 0x71, 0x05,			/* tpa */
};

/* From scapy: Ether/IPv6(hlim=255)/ICMPv6ND_NA(O=1)/ICMPv6NDOptDstLLAddr. */
static const uint8_t na_expect[VRRP_NA_FRAME_LEN] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x01,	/* eth dst: all-nodes */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01,	/* eth src */
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00,			/* version 6 */
	0x00, 0x20, 0x3a, 0xff,			/* len 32, ICMPv6, hlim 255 */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,	/* src vip */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* dst ff02::1 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x88, 0x00, 0xf9, 0x22,			/* NA, code 0, checksum */
	0x20, 0x00, 0x00, 0x00,			/* R=0 S=0 O=1 */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,	/* target vip */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
	0x02, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,	/* TLLA option */
};

/*
 * Independent ICMPv6 check: build the pseudo-header and message in one
 * buffer and sum 16-bit words in 64 bits; a correct checksum makes the
 * complemented total 0.
 */
static unsigned int
verify_icmp6(const uint8_t *f)
{
	uint8_t buf[40 + 32];
	uint64_t sum = 0;
	size_t i;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, f + 22, 32);	/* src, dst */
	buf[35] = 32;			/* upper-layer length */
	buf[39] = 58;			/* next header */
	memcpy(buf + 40, f + 54, 32);
	for (i = 0; i < sizeof(buf); i += 2)
		sum += (uint64_t)(buf[i] * 256u + buf[i + 1]);
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned int)(~sum & 0xffff);
}

static void
test_garp_exact(void **state)
{
	uint8_t f[VRRP_ARP_FRAME_LEN + 8];

	(void)state;
	memset(f, 0xa5, sizeof(f));
	assert_int_equal(vrrp_arp_build(f, sizeof(f), mac, vip4),
			 VRRP_ARP_FRAME_LEN);
	assert_memory_equal(f, garp_expect, VRRP_ARP_FRAME_LEN);
	/* Nothing written past the frame. */
	assert_int_equal(f[VRRP_ARP_FRAME_LEN], 0xa5);
	assert_int_equal(f[sizeof(f) - 1], 0xa5);
}

static void
test_garp_exact_cap(void **state)
{
	uint8_t f[VRRP_ARP_FRAME_LEN];

	(void)state;
	assert_int_equal(vrrp_arp_build(f, sizeof(f), mac, vip4), 42);
	assert_memory_equal(f, garp_expect, sizeof(f));
}

static void
test_garp_other_inputs(void **state)
{
	static const uint8_t m2[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x33 };
	static const uint8_t v2[4] = { 192, 0, 2, 254 };
	uint8_t f[VRRP_ARP_FRAME_LEN];

	(void)state;
	assert_int_equal(vrrp_arp_build(f, sizeof(f), m2, v2), 42);
	assert_memory_equal(f + 6, m2, 6);
	assert_memory_equal(f + 22, m2, 6);
	assert_memory_equal(f + 28, v2, 4);
	assert_memory_equal(f + 38, v2, 4);
}

static void
test_garp_errors(void **state)
{
	uint8_t f[VRRP_ARP_FRAME_LEN];

	(void)state;
	memset(f, 0xa5, sizeof(f));
	assert_int_equal(vrrp_arp_build(f, sizeof(f) - 1, mac, vip4), -1);
	assert_int_equal(vrrp_arp_build(f, 0, mac, vip4), -1);
	assert_int_equal(vrrp_arp_build(NULL, sizeof(f), mac, vip4), -1);
	assert_int_equal(vrrp_arp_build(f, sizeof(f), NULL, vip4), -1);
	assert_int_equal(vrrp_arp_build(f, sizeof(f), mac, NULL), -1);
	/* Failures leave the buffer alone. */
	assert_int_equal(f[0], 0xa5);
	assert_int_equal(f[sizeof(f) - 1], 0xa5);
}

static void
test_na_exact(void **state)
{
	uint8_t f[VRRP_NA_FRAME_LEN + 8];

	(void)state;
	memset(f, 0xa5, sizeof(f));
	assert_int_equal(vrrp_na_build(f, sizeof(f), mac, vip6),
			 VRRP_NA_FRAME_LEN);
	assert_memory_equal(f, na_expect, VRRP_NA_FRAME_LEN);
	assert_int_equal(f[VRRP_NA_FRAME_LEN], 0xa5);
	assert_int_equal(f[sizeof(f) - 1], 0xa5);
}

static void
test_na_fields(void **state)
{
	uint8_t f[VRRP_NA_FRAME_LEN];

	(void)state;
	assert_int_equal(vrrp_na_build(f, sizeof(f), mac, vip6), 86);
	assert_int_equal(f[12] * 256 + f[13], 0x86dd);
	assert_int_equal(f[14] >> 4, 6);
	assert_int_equal(f[18] * 256 + f[19], 32);	/* payload length */
	assert_int_equal(f[20], 58);			/* next header */
	assert_int_equal(f[21], 255);			/* hop limit */
	assert_memory_equal(f + 22, vip6, 16);		/* IPv6 src */
	assert_int_equal(f[54], 136);			/* type */
	assert_int_equal(f[55], 0);			/* code */
	assert_int_equal(f[58], 0x20);			/* R=0 S=0 O=1 */
	assert_memory_equal(f + 62, vip6, 16);		/* target */
	assert_int_equal(f[78], 2);			/* TLLA */
	assert_int_equal(f[79], 1);
	assert_memory_equal(f + 80, mac, 6);
	assert_int_equal(f[56] * 256 + f[57], 0xf922);
	assert_int_equal(verify_icmp6(f), 0);
}

/* The checksum must follow the inputs, and the checker must notice damage. */
static void
test_na_checksum_varies(void **state)
{
	static const uint8_t m2[6] = { 0x00, 0x00, 0x5e, 0x00, 0x02, 0x07 };
	static const uint8_t v2[16] = { 0xfe, 0x80, [8] = 0x12, [9] = 0x34,
					[14] = 0xab, [15] = 0xcd };
	uint8_t f[VRRP_NA_FRAME_LEN];

	(void)state;
	assert_int_equal(vrrp_na_build(f, sizeof(f), m2, v2), 86);
	assert_int_equal(verify_icmp6(f), 0);
	assert_int_not_equal(f[56] * 256 + f[57], 0xf922);
	f[85] ^= 0x01;
	assert_int_not_equal(verify_icmp6(f), 0);
}

static void
test_na_errors(void **state)
{
	uint8_t f[VRRP_NA_FRAME_LEN];

	(void)state;
	memset(f, 0xa5, sizeof(f));
	assert_int_equal(vrrp_na_build(f, sizeof(f) - 1, mac, vip6), -1);
	assert_int_equal(vrrp_na_build(f, VRRP_ARP_FRAME_LEN, mac, vip6), -1);
	assert_int_equal(vrrp_na_build(NULL, sizeof(f), mac, vip6), -1);
	assert_int_equal(vrrp_na_build(f, sizeof(f), NULL, vip6), -1);
	assert_int_equal(vrrp_na_build(f, sizeof(f), mac, NULL), -1);
	assert_int_equal(f[0], 0xa5);
	assert_int_equal(f[sizeof(f) - 1], 0xa5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_garp_exact),
		cmocka_unit_test(test_garp_exact_cap),
		cmocka_unit_test(test_garp_other_inputs),
		cmocka_unit_test(test_garp_errors),
		cmocka_unit_test(test_na_exact),
		cmocka_unit_test(test_na_fields),
		cmocka_unit_test(test_na_checksum_varies),
		cmocka_unit_test(test_na_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
