/* SPDX-License-Identifier: ISC */
/* VRRP v2/v3 advertisement codec: validation, decode, encode, checksums (pure). */
#include "vrrp/pkt.h"

#include <string.h>

#define IP4_HDR_MIN 20
#define V2_AUTH_TYPE_OFF 4
#define V2_INTERVAL_MAX_S 255
#define V3_INTERVAL_MASK 0x0fff
#define IP4_FRAG_MASK 0x3fff    /* MF plus the 13-bit offset; DF is fine */
#define IP4_OFFSET_MASK 0x1fff

static const uint8_t mcast4[4] = { 224, 0, 0, 18 };

static const char *const err_str[VRRP_PKT_ERR__MAX] = {
	[VRRP_PKT_OK] = "ok",
	[VRRP_PKT_ERR_IP_SHORT] = "short ip header",
	[VRRP_PKT_ERR_IP_HEADER] = "bad ip header",
	[VRRP_PKT_ERR_IP_LENGTH] = "ip length mismatch",
	[VRRP_PKT_ERR_IP_FRAGMENT] = "ip fragment",
	[VRRP_PKT_ERR_PROTO] = "not vrrp protocol",
	[VRRP_PKT_ERR_TTL] = "ttl not 255",
	[VRRP_PKT_ERR_SHORT] = "short packet",
	[VRRP_PKT_ERR_VERSION] = "bad version",
	[VRRP_PKT_ERR_TYPE] = "bad type",
	[VRRP_PKT_ERR_NADDR] = "no addresses",
	[VRRP_PKT_ERR_LENGTH] = "bad length",
	[VRRP_PKT_ERR_INTERVAL] = "zero interval",
	[VRRP_PKT_ERR_FAMILY] = "bad address family",
	[VRRP_PKT_ERR_CHECKSUM] = "bad checksum",
	[VRRP_PKT_ERR_V6_LINKLOCAL] = "source not link-local",
};

static const char *const err_name[VRRP_PKT_ERR__MAX] = {
	[VRRP_PKT_OK] = "ok",
	[VRRP_PKT_ERR_IP_SHORT] = "ip_short",
	[VRRP_PKT_ERR_IP_HEADER] = "ip_header",
	[VRRP_PKT_ERR_IP_LENGTH] = "ip_length",
	[VRRP_PKT_ERR_IP_FRAGMENT] = "ip_fragment",
	[VRRP_PKT_ERR_PROTO] = "proto",
	[VRRP_PKT_ERR_TTL] = "ttl",
	[VRRP_PKT_ERR_SHORT] = "short",
	[VRRP_PKT_ERR_VERSION] = "version",
	[VRRP_PKT_ERR_TYPE] = "type",
	[VRRP_PKT_ERR_NADDR] = "naddr",
	[VRRP_PKT_ERR_LENGTH] = "length",
	[VRRP_PKT_ERR_INTERVAL] = "interval",
	[VRRP_PKT_ERR_FAMILY] = "family",
	[VRRP_PKT_ERR_CHECKSUM] = "checksum",
	[VRRP_PKT_ERR_V6_LINKLOCAL] = "v6_linklocal",
};

const char *vrrp_pkt_strerror(enum vrrp_pkt_err err)
{
	if ((unsigned)err >= VRRP_PKT_ERR__MAX)
		return "unknown error";
	return err_str[err];
}

const char *vrrp_pkt_errname(enum vrrp_pkt_err err)
{
	if ((unsigned)err >= VRRP_PKT_ERR__MAX)
		return "unknown";
	return err_name[err];
}

const char *vrrp_csum_form_name(enum vrrp_csum_form form)
{
	switch (form) {
	case VRRP_CSUM_V2:
		return "v2";
	case VRRP_CSUM_PSEUDO:
		return "pseudo";
	case VRRP_CSUM_PSEUDO_MCAST:
		return "pseudo_mcast";
	case VRRP_CSUM_MSG_ONLY:
		return "msg_only";
	}
	return "unknown";
}

/* Checksums ---------------------------------------------------------------- */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* 64-bit accumulator: no carry is lost even for a caller's huge initial sum. */
static uint16_t sum_fold(const uint8_t *p, size_t n, uint64_t acc)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

uint32_t vrrp_csum_partial(const void *data, size_t len, uint32_t sum)
{
	return sum_fold(data, len, sum);
}

uint16_t vrrp_csum(const void *data, size_t len, uint32_t initial_sum)
{
	return (uint16_t)~sum_fold(data, len, initial_sum);
}

uint32_t vrrp_csum_pseudo(int family, const uint8_t *src, const uint8_t *dst,
			  uint32_t len, uint8_t proto)
{
	uint8_t ph[40];

	if (family == AF_INET6) {
		memcpy(ph, src, 16);
		memcpy(ph + 16, dst, 16);
		put16(ph + 32, (uint16_t)(len >> 16));
		put16(ph + 34, (uint16_t)len);
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = proto;
		return vrrp_csum_partial(ph, 40, 0);
	}
	memcpy(ph, src, 4);
	memcpy(ph + 4, dst, 4);
	ph[8] = 0;
	ph[9] = proto;
	put16(ph + 10, (uint16_t)len);
	return vrrp_csum_partial(ph, 12, 0);
}

int vrrp_addr_cmp(int family, const uint8_t *a, const uint8_t *b)
{
	int r = memcmp(a, b, family == AF_INET6 ? 16 : 4);

	return (r > 0) - (r < 0);
}

/* Pseudo-header sum for a form; 0 for the message-only forms. */
static uint32_t form_sum(enum vrrp_csum_form form,
			 const struct vrrp_ipinfo *ip, size_t len)
{
	switch (form) {
	case VRRP_CSUM_PSEUDO:
		return vrrp_csum_pseudo(ip->family, ip->src, ip->dst,
					(uint32_t)len, VRRP_PROTO);
	case VRRP_CSUM_PSEUDO_MCAST:
		return vrrp_csum_pseudo(AF_INET, ip->src, mcast4,
					(uint32_t)len, VRRP_PROTO);
	case VRRP_CSUM_V2:
	case VRRP_CSUM_MSG_ONLY:
		break;
	}
	return 0;
}

/* Decode --------------------------------------------------------------------- */

static size_t expected_len(unsigned version, int family, unsigned naddr)
{
	if (version == 2)
		return 16 + 4 * (size_t)naddr;
	return VRRP_HDR_LEN + (family == AF_INET6 ? 16 : 4) * (size_t)naddr;
}

/*
 * A correct checksum makes the sum over the whole message (field included)
 * fold to 0xffff, whichever of the two zeros the sender stored.
 */
static enum vrrp_pkt_err check_csum(const uint8_t *buf, size_t len,
				    const struct vrrp_ipinfo *ip,
				    struct vrrp_adv *adv)
{
	static const enum vrrp_csum_form v4_forms[] = {
		VRRP_CSUM_PSEUDO, VRRP_CSUM_PSEUDO_MCAST, VRRP_CSUM_MSG_ONLY,
	};
	size_t i;

	if (adv->version == 2 || ip->family == AF_INET6) {
		adv->csum_form = adv->version == 2 ? VRRP_CSUM_V2 :
						     VRRP_CSUM_PSEUDO;
		if (vrrp_csum(buf, len, form_sum(adv->csum_form, ip, len)) == 0)
			return VRRP_PKT_OK;
		return VRRP_PKT_ERR_CHECKSUM;
	}
	for (i = 0; i < sizeof(v4_forms) / sizeof(v4_forms[0]); i++) {
		if (vrrp_csum(buf, len, form_sum(v4_forms[i], ip, len)) == 0) {
			adv->csum_form = v4_forms[i];
			return VRRP_PKT_OK;
		}
	}
	return VRRP_PKT_ERR_CHECKSUM;
}

static bool is_linklocal6(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* Fields after the fixed-size checks; len is already exact. */
static void fill_fields(const uint8_t *buf, size_t len, struct vrrp_adv *adv)
{
	adv->addrs = buf + VRRP_HDR_LEN;
	if (adv->version == 2) {
		adv->auth_type = buf[V2_AUTH_TYPE_OFF];
		adv->interval_cs = (uint16_t)(buf[5] * 100);
		memcpy(adv->auth_data, buf + len - VRRP_V2_AUTH_LEN,
		       VRRP_V2_AUTH_LEN);
	} else {
		adv->interval_cs = get16(buf + 4) & V3_INTERVAL_MASK;
	}
}

enum vrrp_pkt_err vrrp_pkt_decode(const uint8_t *buf, size_t len,
				  const struct vrrp_ipinfo *ip, bool check_ttl,
				  struct vrrp_adv *adv)
{
	enum vrrp_pkt_err err;

	memset(adv, 0, sizeof(*adv));
	if (len >= 1)
		adv->version = buf[0] >> 4;
	if (len >= 2)
		adv->vrid = buf[1];
	if (ip == NULL || (ip->family != AF_INET && ip->family != AF_INET6))
		return VRRP_PKT_ERR_FAMILY;
	adv->family = ip->family;
	if (check_ttl && ip->ttl >= 0 && ip->ttl != VRRP_TTL)
		return VRRP_PKT_ERR_TTL;
	if (len < VRRP_HDR_LEN)
		return VRRP_PKT_ERR_SHORT;
	if (adv->version != 2 && adv->version != 3)
		return VRRP_PKT_ERR_VERSION;
	adv->type = buf[0] & 0x0f;
	if (adv->type != 1)
		return VRRP_PKT_ERR_TYPE;
	adv->priority = buf[2];
	adv->naddr = buf[3];
	if (adv->naddr == 0)
		return VRRP_PKT_ERR_NADDR;
	if (len != expected_len(adv->version, ip->family, adv->naddr))
		return VRRP_PKT_ERR_LENGTH;
	fill_fields(buf, len, adv);
	if (adv->interval_cs == 0)
		return VRRP_PKT_ERR_INTERVAL;
	if (adv->version == 2 && ip->family != AF_INET)
		return VRRP_PKT_ERR_FAMILY;
	err = check_csum(buf, len, ip, adv);
	if (err != VRRP_PKT_OK)
		return err;
	/* Only multicast adverts must come from the link-local address;
	 * unicast peers send from their unicast_src_ip. */
	if (check_ttl && adv->version == 3 && ip->family == AF_INET6 &&
	    !is_linklocal6(ip->src))
		return VRRP_PKT_ERR_V6_LINKLOCAL;
	return VRRP_PKT_OK;
}

/* Only the first bytes of what should be a VRRP header, for attribution. */
static void attribute(struct vrrp_adv *adv, const uint8_t *p, size_t n)
{
	if (n >= 1)
		adv->version = p[0] >> 4;
	if (n >= 2)
		adv->vrid = p[1];
}

enum vrrp_pkt_err vrrp_pkt_decode_ip4(const uint8_t *buf, size_t len,
				      bool check_ttl, struct vrrp_ipinfo *ip,
				      struct vrrp_adv *adv)
{
	size_t ihl;
	uint16_t frag;

	memset(adv, 0, sizeof(*adv));
	memset(ip, 0, sizeof(*ip));
	ip->family = AF_INET;
	ip->ttl = -1;
	if (len < IP4_HDR_MIN)
		return VRRP_PKT_ERR_IP_SHORT;
	ihl = (size_t)(buf[0] & 0x0f) * 4;
	if (buf[0] >> 4 != 4 || ihl < IP4_HDR_MIN || ihl > len)
		return VRRP_PKT_ERR_IP_HEADER;
	ip->ttl = buf[8];
	memcpy(ip->src, buf + 12, 4);
	memcpy(ip->dst, buf + 16, 4);
	if (get16(buf + 2) != len) {
		attribute(adv, buf + ihl, len - ihl);
		return VRRP_PKT_ERR_IP_LENGTH;
	}
	frag = get16(buf + 6);
	if (frag & IP4_FRAG_MASK) {
		if ((frag & IP4_OFFSET_MASK) == 0)
			attribute(adv, buf + ihl, len - ihl);
		return VRRP_PKT_ERR_IP_FRAGMENT;
	}
	if (buf[9] != VRRP_PROTO)
		return VRRP_PKT_ERR_PROTO;
	return vrrp_pkt_decode(buf + ihl, len - ihl, ip, check_ttl, adv);
}

/* Encode --------------------------------------------------------------------- */

static bool form_ok(const struct vrrp_adv *adv, const struct vrrp_ipinfo *ip,
		    enum vrrp_csum_form form)
{
	if (ip != NULL && ip->family != adv->family)
		return false;
	switch (form) {
	case VRRP_CSUM_V2:
		return adv->version == 2;
	case VRRP_CSUM_PSEUDO:
		return adv->version == 3 && ip != NULL;
	case VRRP_CSUM_PSEUDO_MCAST:
		return adv->version == 3 && ip != NULL &&
		       adv->family == AF_INET;
	case VRRP_CSUM_MSG_ONLY:
		return adv->version == 3 && adv->family == AF_INET;
	}
	return false;
}

static bool fields_ok(const struct vrrp_adv *adv)
{
	if (adv->naddr == 0 || adv->addrs == NULL)
		return false;
	if (adv->version == 2)
		return adv->family == AF_INET && adv->interval_cs % 100 == 0 &&
		       adv->interval_cs >= 100 &&
		       adv->interval_cs <= V2_INTERVAL_MAX_S * 100;
	if (adv->version == 3)
		return (adv->family == AF_INET || adv->family == AF_INET6) &&
		       adv->interval_cs >= 1 &&
		       adv->interval_cs <= V3_INTERVAL_MASK;
	return false;
}

int vrrp_pkt_encode(uint8_t *buf, size_t cap, const struct vrrp_adv *adv,
		    const struct vrrp_ipinfo *ip, enum vrrp_csum_form form)
{
	size_t len, alen;

	if (buf == NULL || adv == NULL || !fields_ok(adv) ||
	    !form_ok(adv, ip, form))
		return -1;
	alen = adv->family == AF_INET6 ? 16 : 4;
	len = expected_len(adv->version, adv->family, adv->naddr);
	if (cap < len)
		return -1;
	/* memmove: re-encoding a decoded advert in place must work. */
	memmove(buf + VRRP_HDR_LEN, adv->addrs, alen * adv->naddr);
	buf[0] = (uint8_t)(adv->version << 4 | 1);
	buf[1] = adv->vrid;
	buf[2] = adv->priority;
	buf[3] = adv->naddr;
	if (adv->version == 2) {
		buf[V2_AUTH_TYPE_OFF] = adv->auth_type;
		buf[5] = (uint8_t)(adv->interval_cs / 100);
		memcpy(buf + len - VRRP_V2_AUTH_LEN, adv->auth_data,
		       VRRP_V2_AUTH_LEN);
	} else {
		put16(buf + 4, adv->interval_cs);
	}
	put16(buf + 6, 0);
	put16(buf + 6, vrrp_csum(buf, len, form_sum(form, ip, len)));
	return (int)len;
}
