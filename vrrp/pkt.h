/* SPDX-License-Identifier: ISC */
/* VRRP v2/v3 advertisement codec: validation, decode, encode, checksums (pure). */
#ifndef VRRP_PKT_H
#define VRRP_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define VRRP_PROTO 112
#define VRRP_TTL 255            /* sent, and required on receive */
#define VRRP_HDR_LEN 8          /* fixed part shared by v2 and v3 */
#define VRRP_MAX_ADDRS 255
#define VRRP_V2_AUTH_LEN 8
#define VRRP_PKT_MAX (8 + 16 * 255 + 8)   /* largest VRRP payload */

enum vrrp_pkt_err {
	VRRP_PKT_OK = 0,
	VRRP_PKT_ERR_IP_SHORT,      /* fewer bytes than an IPv4 header */
	VRRP_PKT_ERR_IP_HEADER,     /* IP version != 4, IHL < 5 or IHL*4 > len */
	VRRP_PKT_ERR_IP_LENGTH,     /* IPv4 tot_len != bytes received */
	VRRP_PKT_ERR_IP_FRAGMENT,   /* MF set or fragment offset != 0 */
	VRRP_PKT_ERR_PROTO,         /* IP protocol != 112 */
	VRRP_PKT_ERR_TTL,           /* TTL / hop limit != 255 */
	VRRP_PKT_ERR_SHORT,         /* VRRP part shorter than 8 bytes */
	VRRP_PKT_ERR_VERSION,       /* version nibble not 2 or 3 */
	VRRP_PKT_ERR_TYPE,          /* type nibble != 1 */
	VRRP_PKT_ERR_NADDR,         /* address count 0 */
	VRRP_PKT_ERR_LENGTH,        /* length != 16+4n (v2), 8+4n / 8+16n (v3) */
	VRRP_PKT_ERR_INTERVAL,      /* advert interval 0 (after masking) */
	VRRP_PKT_ERR_FAMILY,        /* v2 over IPv6, or bad ipinfo family */
	VRRP_PKT_ERR_CHECKSUM,      /* no accepted checksum form matched */
	VRRP_PKT_ERR_V6_LINKLOCAL,  /* v3/IPv6: source not in fe80::/10 */
	VRRP_PKT_ERR__MAX
};

/* Short, stable, lowercase description ("bad checksum"); never NULL. */
const char *vrrp_pkt_strerror(enum vrrp_pkt_err err);

/* Stable snake_case key for JSON counters ("checksum"); never NULL. */
const char *vrrp_pkt_errname(enum vrrp_pkt_err err);

enum vrrp_csum_form {           /* which checksum form matched / to send */
	VRRP_CSUM_V2,           /* v2: message only, no pseudo-header */
	VRRP_CSUM_PSEUDO,       /* v3: pseudo-header with the real IP dst */
	VRRP_CSUM_PSEUDO_MCAST, /* v3/IPv4: pseudo-header, dst 224.0.0.18
				 * (keepalived old_unicast_checksum, FRR) */
	VRRP_CSUM_MSG_ONLY,     /* v3/IPv4: message only (RFC 9568) */
};

/* Stable snake_case key of a checksum form ("pseudo_mcast"); never NULL. */
const char *vrrp_csum_form_name(enum vrrp_csum_form form);

struct vrrp_adv {                   /* host order, decoded */
	uint8_t version;            /* 2 or 3 */
	uint8_t type;               /* always 1 once decoded */
	uint8_t vrid;
	uint8_t priority;
	uint8_t naddr;
	uint16_t interval_cs;       /* v3: Max Adver Int (12 bits, reserved
				     * bits masked); v2: Adver Int s * 100 */
	uint8_t auth_type;          /* v2 only */
	uint8_t auth_data[VRRP_V2_AUTH_LEN]; /* v2 only */
	int family;                 /* AF_INET or AF_INET6 */
	const uint8_t *addrs;       /* naddr addresses of 4 or 16 bytes,
				     * network order, into the input buffer */
	enum vrrp_csum_form csum_form; /* form that matched */
};

struct vrrp_ipinfo {                /* the IP-level facts around a payload */
	int family;                 /* AF_INET / AF_INET6 */
	uint8_t src[16], dst[16];   /* first 4 bytes used for IPv4 */
	int ttl;                    /* TTL or hop limit; -1 if unknown */
};

/*
 * Decode a whole IPv4 datagram as a raw IPPROTO_VRRP socket returns it (IP
 * header and options included), then its payload with vrrp_pkt_decode().
 *
 * check_ttl: the multicast-mode checks: TTL (hop limit) 255 and, for
 *      v3/IPv6, a link-local source. Pass false for unicast peers, which
 *      may be routed and send from a global address (as keepalived does).
 * ip:  zeroed with ttl -1, then filled (src, dst, ttl) once the header
 *      passed the version/IHL checks, so drops can be logged with a source.
 * adv: zeroed; on error, vrid is the VRID byte if the VRRP part had >= 2
 *      bytes and version the version nibble if it had >= 1 byte (else 0), so
 *      the caller can attribute the drop to an instance. The VRRP part is
 *      only located for errors from IP_LENGTH onwards, except PROTO (not
 *      VRRP) and non-first fragments (no VRRP header there).
 * Returns VRRP_PKT_OK or the first failed check.
 */
enum vrrp_pkt_err vrrp_pkt_decode_ip4(const uint8_t *buf, size_t len,
				      bool check_ttl, struct vrrp_ipinfo *ip,
				      struct vrrp_adv *adv);

/*
 * Decode and validate a VRRP payload (no IP header). ip gives family,
 * src, dst and ttl (for IPv6 from IPV6_PKTINFO/IPV6_HOPLIMIT cmsgs); a
 * family other than AF_INET/AF_INET6 (or ip NULL) is a caller bug and
 * yields VRRP_PKT_ERR_FAMILY before any other check.
 *
 * Checks in order: TTL (if check_ttl and ip->ttl >= 0), size >= 8, version
 * 2 or 3, type 1, count != 0, exact length, interval != 0, family (v2 only
 * over IPv4), checksum, and for v3/IPv6 a link-local source (if check_ttl). Accepted
 * checksums: v2: VRRP_CSUM_V2; v3/IPv6: PSEUDO; v3/IPv4: PSEUDO (real dst),
 * then PSEUDO_MCAST, then MSG_ONLY; the first that matches is reported in
 * adv->csum_form. Both ones'-complement zeros (0x0000, 0xffff) are accepted
 * in the checksum field. VRID, priority, auth type, interval and address
 * list are not judged against any configuration: that is the caller's job.
 *
 * adv: zeroed, then filled; adv->addrs points into buf. On error only
 * version and vrid are meaningful (see vrrp_pkt_decode_ip4()).
 * Returns VRRP_PKT_OK or the first failed check.
 */
enum vrrp_pkt_err vrrp_pkt_decode(const uint8_t *buf, size_t len,
				  const struct vrrp_ipinfo *ip, bool check_ttl,
				  struct vrrp_adv *adv);

/*
 * Encode adv (version, vrid, priority, naddr, addrs, interval_cs, family and
 * for v2 auth_type/auth_data; type and csum_form are ignored) into buf of
 * capacity cap, with the checksum in form `form`.
 *
 * Rules: naddr >= 1 and addrs non-NULL. v2: family AF_INET, form
 * VRRP_CSUM_V2, interval_cs a whole number of seconds in 100..25500.
 * v3: interval_cs 1..4095; AF_INET with PSEUDO, PSEUDO_MCAST or MSG_ONLY,
 * AF_INET6 with PSEUDO only. ip (src/dst) is required for the PSEUDO forms
 * and may be NULL otherwise; when given, ip->family must equal adv->family.
 * addrs may overlap buf.
 * Returns the payload length, or -1 if cap is too small or a field, form or
 * family is out of range (buf is then unspecified).
 */
int vrrp_pkt_encode(uint8_t *buf, size_t cap, const struct vrrp_adv *adv,
		    const struct vrrp_ipinfo *ip, enum vrrp_csum_form form);

/*
 * RFC 1071 Internet checksum over data (16-bit big-endian words; an odd
 * final byte is padded with zero) plus initial_sum, a partial sum such as
 * vrrp_csum_pseudo() or vrrp_csum_partial() returns (0 for none).
 * Returns the folded, complemented 16-bit checksum as a host integer: store
 * it big-endian (p[0] = c >> 8, p[1] = c & 0xff) in a field that was zero
 * while summing. Over data that already holds a correct checksum it
 * returns 0. It never returns 0xffff for non-empty nonzero input.
 */
uint16_t vrrp_csum(const void *data, size_t len, uint32_t initial_sum);

/*
 * Partial (uncomplemented) ones'-complement sum of data added to sum,
 * folded to 16 bits, for chaining into vrrp_csum(). Every chained piece but
 * the last must have an even length.
 */
uint32_t vrrp_csum_partial(const void *data, size_t len, uint32_t sum);

/*
 * Partial sum of a pseudo-header for vrrp_csum(). AF_INET6: src(16) dst(16)
 * len(32) zero(24) proto(8) (RFC 8200); otherwise IPv4: src(4) dst(4) 0
 * proto len(16). Also serves ICMPv6 (proto 58) for the NA code.
 */
uint32_t vrrp_csum_pseudo(int family, const uint8_t *src, const uint8_t *dst,
			  uint32_t len, uint8_t proto);

/*
 * Compare two addresses of the family's length (16 for AF_INET6, else 4) as
 * unsigned big-endian numbers. Returns -1, 0 or 1.
 */
int vrrp_addr_cmp(int family, const uint8_t *a, const uint8_t *b);

#endif
