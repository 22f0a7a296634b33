/* SPDX-License-Identifier: ISC */
/* Route, rule and address-with-options requests over nl_exec(). */

#include <errno.h>
#include <stddef.h>

#include "netlink/nl.h"
#include "netlink/nl_route.h"

struct route_req {
	bool add;
	const struct nl_route *r;
	uint8_t proto;
};

static int
route_build(void *buf, size_t cap, uint32_t seq, const void *arg)
{
	const struct route_req *q = arg;

	return nl_msg_route(buf, cap, seq, q->add, q->r, q->proto);
}

int
nl_route_exec(struct nl *nl, bool add, const struct nl_route *r,
	      uint8_t proto)
{
	const struct route_req q = { add, r, proto };

	return nl_exec(nl, route_build, &q);
}

struct rule_req {
	bool add;
	const struct nl_rule *r;
	uint8_t proto;
};

static int
rule_build(void *buf, size_t cap, uint32_t seq, const void *arg)
{
	const struct rule_req *q = arg;

	return nl_msg_rule(buf, cap, seq, q->add, q->r, q->proto);
}

int
nl_rule_exec(struct nl *nl, bool add, const struct nl_rule *r,
	     uint8_t proto)
{
	const struct rule_req q = { add, r, proto };

	return nl_exec(nl, rule_build, &q);
}

struct addr_req {
	bool add;
	int ifindex;
	const struct nl_addr *a;
	uint32_t lifetime_s;
	const struct nl_addr_opts *o;
};

static int
addr_build(void *buf, size_t cap, uint32_t seq, const void *arg)
{
	const struct addr_req *q = arg;
	int len = q->add ? nl_msg_addr_new(buf, cap, seq, q->ifindex, q->a,
					   q->lifetime_s)
			 : nl_msg_addr_del(buf, cap, seq, q->ifindex, q->a);

	if (len < 0 || q->o == NULL)
		return len;
	return nl_msg_addr_opts(buf, cap, q->o);
}

int
nl_addr_exec(struct nl *nl, bool add, int ifindex, const struct nl_addr *a,
	     uint32_t lifetime_s, const struct nl_addr_opts *o)
{
	const struct addr_req q = { add, ifindex, a, lifetime_s, o };

	return nl_exec(nl, addr_build, &q);
}
