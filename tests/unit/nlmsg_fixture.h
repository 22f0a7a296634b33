/* SPDX-License-Identifier: ISC */
/* Shared by the netlink message tests: a hand-written message writer and recording callbacks. */
#ifndef VIPD_NLMSG_FIXTURE_H
#define VIPD_NLMSG_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "netlink/nl_msg.h"

/* Host-order integers as byte lists, for golden messages. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define H16(x) ((x) & 0xff), (((x) >> 8) & 0xff)
#define H32(x) H16((x) & 0xffff), H16(((x) >> 16) & 0xffff)
#else
#define H16(x) (((x) >> 8) & 0xff), ((x) & 0xff)
#define H32(x) H16(((x) >> 16) & 0xffff), H16((x) & 0xffff)
#endif

#define SEQ 0x01020304u
#define BUFSZ 512

/* ---- an independent little message writer for parser inputs ---------- */

struct mb {
	_Alignas(4) uint8_t b[BUFSZ];
	size_t len;	/* end of the buffer so far */
	size_t start;	/* start of the open message */
};

static inline void
mb_bytes(struct mb *m, const void *p, size_t n)
{
	assert_true(m->len + n <= BUFSZ);
	memcpy(m->b + m->len, p, n);
	m->len += n;
	while (m->len % 4)
		m->b[m->len++] = 0;
}

static inline void
mb_begin(struct mb *m, uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr h = { 0, type, flags, seq, 0 };

	m->start = m->len;
	mb_bytes(m, &h, sizeof(h));
}

static inline void
mb_end(struct mb *m)
{
	uint32_t n = (uint32_t)(m->len - m->start);

	memcpy(m->b + m->start, &n, sizeof(n));
}

static inline void
mb_attr(struct mb *m, uint16_t type, const void *p, size_t n)
{
	struct nlattr a = { (uint16_t)(sizeof(a) + n), type };

	mb_bytes(m, &a, sizeof(a));
	if (n > 0)
		mb_bytes(m, p, n);
}

static inline void
mb_link(struct mb *m, uint16_t type, int index, unsigned flags,
	const char *name, const uint8_t *mac, size_t maclen)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_type = 1,
				 .ifi_index = index, .ifi_flags = flags };
	uint32_t mtu = 1500;

	mb_begin(m, type, 0, 0);
	mb_bytes(m, &ifi, sizeof(ifi));
	mb_attr(m, IFLA_MTU, &mtu, sizeof(mtu));
	mb_attr(m, 999, "xyz", 3);	/* unknown: skipped */
	if (name != NULL)
		mb_attr(m, IFLA_IFNAME, name, strlen(name) + 1);
	if (mac != NULL)
		mb_attr(m, IFLA_ADDRESS, mac, maclen);
	mb_end(m);
}

static inline void
mb_ifa(struct mb *m, uint16_t type, uint32_t seq, int family,
       uint8_t plen, uint8_t flags, uint32_t index)
{
	struct ifaddrmsg ifa = { (uint8_t)family, plen, flags, RT_SCOPE_LINK,
				 index };

	mb_begin(m, type, 0, seq);
	mb_bytes(m, &ifa, sizeof(ifa));
}

/* An RTM_NEWADDR for vip4 on ifindex 2, left open for more attributes. */
static inline void
mb_err(struct mb *m, uint32_t seq, int error)
{
	struct nlmsgerr e = { .error = error };

	mb_begin(m, NLMSG_ERROR, 0, seq);
	mb_bytes(m, &e, sizeof(e));
	mb_end(m);
}

/* ---- recording callbacks ----------------------------------------------- */

struct rec {
	int nev, nctl;
	struct nl_event ev[8];
	struct nl_ctl ctl[8];
	char order[16];
};

static inline void
rec_event(const struct nl_event *ev, void *arg)
{
	struct rec *r = arg;

	assert_true(r->nev < 8);
	r->order[r->nev + r->nctl] = 'e';
	r->ev[r->nev++] = *ev;
}

static inline void
rec_ctl(const struct nl_ctl *c, void *arg)
{
	struct rec *r = arg;

	assert_true(r->nctl < 8);
	r->order[r->nev + r->nctl] = 'c';
	r->ctl[r->nctl++] = *c;
}

static const struct nl_msg_ops rec_ops = { rec_event, rec_ctl };

static inline int
parse(const void *b, size_t len, struct rec *r)
{
	memset(r, 0, sizeof(*r));
	return nl_msg_parse(b, len, &rec_ops, r);
}

/* ---- builders: golden bytes and capacity ------------------------------- */


static inline void
expect_bad(struct mb *m)
{
	struct rec r;

	assert_int_equal(parse(m->b, m->len, &r), -1);
	assert_int_equal(r.nev + r.nctl, 0);
	memset(m, 0, sizeof(*m));
}

#endif
