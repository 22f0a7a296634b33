/* SPDX-License-Identifier: ISC */
/* Interfaces: link state, primary address, VRRP and ARP sockets, receive demultiplexing. */
#include <sys/epoll.h>

#include <errno.h>
#include <linux/if_addr.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/health.h"
#include "agent/iface.h"
#include "agent/instance.h"
#include "agent/vmac.h"
#include "netlink/nl.h"
#include "vrrp/announce.h"
#include "vrrp/sock.h"

struct vipd_iface *
vipd_iface_find(struct vipd *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->nifaces; i++)
		if (strcmp(v->ifaces[i].name, name) == 0)
			return &v->ifaces[i];
	return NULL;
}

struct vipd_iface *
vipd_iface_get(struct vipd *v, const char *name)
{
	struct vipd_iface *ifp;
	size_t i;

	for (i = 0; i < v->nifaces; i++)
		if (strcmp(v->ifaces[i].name, name) == 0)
			return &v->ifaces[i];
	/* Instances point into this array: callers add every interface
	 * before creating instances. */
	ifp = reallocarray(v->ifaces, v->nifaces + 1, sizeof(*ifp));
	if (ifp == NULL)
		return NULL;
	v->ifaces = ifp;
	ifp = &v->ifaces[v->nifaces++];
	memset(ifp, 0, sizeof(*ifp));
	snprintf(ifp->name, sizeof(ifp->name), "%s", name);
	ifp->vipd = v;
	ifp->af[0].fd = -1;
	ifp->af[1].fd = -1;
	ifp->pktfd = -1;
	ifp->rl.interval_us = 10000000;
	ifp->rl.burst = 3;
	return ifp;
}

/*
 * Our VIPs never count as the primary address. As many as configured: a
 * fixed list would overflow with many VIPs. -1 if out of memory.
 */
static int
vip_exclusions(struct vipd *v, struct nl_addr **out, size_t *n)
{
	size_t i, k, total = 0;

	*out = NULL;
	*n = 0;
	for (i = 0; i < v->conf->ninstances; i++)
		total += v->conf->instances[i].nvips;
	if (total == 0)
		return 0;
	if ((*out = calloc(total, sizeof(**out))) == NULL)
		return -1;
	for (i = 0; i < v->conf->ninstances; i++) {
		const struct conf_instance *c = &v->conf->instances[i];

		for (k = 0; k < c->nvips; k++, (*n)++) {
			(*out)[*n].family = c->vips[k].family;
			memcpy((*out)[*n].addr, c->vips[k].addr, 16);
			(*out)[*n].prefixlen = c->vips[k].prefixlen;
		}
	}
	return 0;
}

/* The advert source of each family, from one dump of this link each. */
static void
refresh_src(struct vipd *v, struct vipd_iface *ifp)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	struct nl_addr *excl, prim;
	size_t nexcl;
	int i;

	if (vip_exclusions(v, &excl, &nexcl) < 0) {
		/* Keep the sources we have rather than risk taking a VIP. */
		log_warn("%s: address refresh", ifp->name);
		return;
	}
	for (i = 0; i < 2; i++) {
		struct vipd_iface_af *af = &ifp->af[i];

		af->has_src = nl_addr_primary(v->nl, ifp->ifindex, fams[i],
		    excl, nexcl, &prim) == 0;
		if (af->has_src)
			memcpy(af->src, prim.addr, 16);
	}
	free(excl);
}

/*
 * Address events of links we do not use are dropped in the kernel. Set
 * before a dump, so that no change after the dump goes unseen.
 */
static void
update_filter(struct vipd *v)
{
	int *idx = calloc(v->nifaces + 1, sizeof(*idx));
	size_t i, n = 0;

	if (idx == NULL) {
		log_warn("netlink filter");
		return;
	}
	for (i = 0; i < v->nifaces; i++)
		if (v->ifaces[i].ifindex > 0)
			idx[n++] = v->ifaces[i].ifindex;
	if (nl_monitor_filter(v->nl, idx, n) < 0)
		log_warn("netlink filter");
	free(idx);
}

void
vipd_iface_refresh(struct vipd *v, struct vipd_iface *ifp)
{
	struct nl_event link;
	int old = ifp->ifindex;

	if (nl_link_get(v->nl, ifp->name, &link) < 0) {
		ifp->ifindex = 0;
		ifp->up = false;
		ifp->af[0].has_src = ifp->af[1].has_src = false;
		if (old != 0)
			update_filter(v);
		return;
	}
	ifp->ifindex = link.ifindex;
	ifp->up = link.up;
	if (link.has_mac)
		memcpy(ifp->mac, link.mac, 6);
	if (ifp->ifindex != old)
		update_filter(v);
	refresh_src(v, ifp);
}

static struct vipd_instance *
find_instance(struct vipd *v, struct vipd_iface *ifp, uint8_t vrid, int family)
{
	size_t i;

	for (i = 0; i < v->ninsts; i++) {
		struct vipd_instance *inst = v->insts[i];

		if (inst->xif == ifp && inst->conf->vrid == vrid &&
		    inst->conf->family == family)
			return inst;
	}
	return NULL;
}

static void
rx_drop(struct vipd_iface *ifp, enum vrrp_pkt_err err, uint64_t now)
{
	uint64_t missed;

	ifp->drops_undecodable++;
	if (log_ratelimit_ok(&ifp->rl, now, &missed))
		log_warnx("%s: dropped VRRP packet: %s%s", ifp->name,
		    vrrp_pkt_strerror(err), missed ? " (more suppressed)" :
		    "");
}

/*
 * The TTL is checked per instance, after the VRID is known: unicast
 * peers may be routed (keepalived does not check it there either).
 */
static void
rx_one(struct vipd_iface *ifp, int family, const uint8_t *buf, size_t len,
    const struct vrrp_rxmeta *meta, uint64_t now)
{
	struct vrrp_ipinfo ip = { 0 };
	struct vrrp_adv adv = { 0 };
	struct vipd_instance *inst;
	enum vrrp_pkt_err err;

	if (family == AF_INET) {
		err = vrrp_pkt_decode_ip4(buf, len, false, &ip, &adv);
	} else {
		ip.family = AF_INET6;
		memcpy(ip.src, meta->src, 16);
		memcpy(ip.dst, meta->dst, 16);
		ip.ttl = meta->hoplimit;
		err = vrrp_pkt_decode(buf, len, &ip, false, &adv);
		if (len >= 2)
			adv.vrid = buf[1];
	}
	inst = find_instance(ifp->vipd, ifp, adv.vrid, family);
	if (err != VRRP_PKT_OK) {
		if (inst != NULL)
			vipd_instance_drop(inst, (int)err, &ip, now);
		else
			rx_drop(ifp, err, now);
		return;
	}
	if (inst == NULL) {
		/* Other virtual routers on the segment are normal. */
		ifp->drops_unknown_vrid++;
		return;
	}
	vipd_instance_rx(inst, &adv, &ip, now);
}

static void
rx_cb(int fd, uint32_t events, void *arg)
{
	struct vipd_iface *ifp = arg;
	struct vrrp_rxmeta meta;
	uint8_t buf[4096];
	int family = fd == ifp->af[1].fd ? AF_INET6 : AF_INET;
	int budget = 64;	/* let timers run under a flood */
	uint64_t missed;
	ssize_t n;

	(void)events;
	while (budget-- > 0) {
		n = vrrp_sock_recv(fd, family, buf, sizeof(buf), &meta);
		if (n < 0 && errno == EMSGSIZE) {
			/* Larger than any VRRP packet can be. */
			rx_drop(ifp, VRRP_PKT_ERR_LENGTH, loop_now());
			continue;
		}
		if (n < 0) {
			/* A persistent error comes back on every wakeup. */
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR &&
			    log_ratelimit_ok(&ifp->rl, loop_now(), &missed))
				log_warn("%s: recv%s", ifp->name, missed ?
				    " (more suppressed)" : "");
			return;
		}
		rx_one(ifp, family, buf, (size_t)n, &meta, loop_now());
	}
}

static int
open_vrrp(struct vipd *v, struct vipd_iface *ifp, int family)
{
	struct vipd_iface_af *af = &ifp->af[vipd_afi(family)];

	if (af->fd >= 0)
		return 0;
	af->fd = family == AF_INET ? vrrp_sock_open4(ifp->name, ifp->ifindex) :
	    vrrp_sock_open6(ifp->name, ifp->ifindex);
	if (af->fd < 0)
		return -1;
	/* A socket the loop does not watch would leave the instance deaf. */
	if (loop_add_fd(v->loop, af->fd, EPOLLIN, rx_cb, ifp) < 0) {
		int saved = errno;

		close(af->fd);
		af->fd = -1;
		errno = saved;
		return -1;
	}
	return 0;
}

int
vipd_iface_open(struct vipd *v, struct vipd_iface *ifp)
{
	size_t i;

	if (ifp->ifindex <= 0) {
		errno = ENODEV;
		return -1;
	}
	for (i = 0; i < v->conf->ninstances; i++) {
		const struct conf_instance *c = &v->conf->instances[i];

		if (strcmp(vipd_vmac_xmit_ifname(c), ifp->name) == 0 &&
		    open_vrrp(v, ifp, c->family) < 0)
			return -1;
	}
	if (ifp->pktfd < 0) {
		ifp->pktfd = vrrp_announce_open(ifp->ifindex);
		if (ifp->pktfd < 0)
			return -1;
	}
	return 0;
}

void
vipd_iface_close(struct vipd *v, struct vipd_iface *ifp)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (ifp->af[i].fd >= 0) {
			loop_del_fd(v->loop, ifp->af[i].fd);
			close(ifp->af[i].fd);
			ifp->af[i].fd = -1;
		}
	}
	if (ifp->pktfd >= 0) {
		close(ifp->pktfd);
		ifp->pktfd = -1;
	}
}

static void
reapply(struct vipd *v, uint64_t now)
{
	size_t i;

	for (i = 0; i < v->ninsts; i++) {
		vipd_instance_link(v->insts[i], now);
		vipd_health_apply(v->insts[i], now);
	}
}

/* The interface came back or was recreated: sockets follow its ifindex. */
static void
iface_changed(struct vipd *v, struct vipd_iface *ifp, uint64_t now)
{
	int old_ifindex = ifp->ifindex;

	vipd_vmac_setup(v);	/* a VMAC deleted, or its base back */
	vipd_iface_refresh(v, ifp);
	if (ifp->ifindex != old_ifindex) {
		vipd_iface_close(v, ifp);
		if (ifp->ifindex > 0 && vipd_iface_open(v, ifp) < 0)
			log_warn("%s: cannot open sockets", ifp->name);
	}
	/* Any instance may track this interface. */
	reapply(v, now);
}

/*
 * Whether an address event on ifp can change what the instances use: the
 * advert source of its family (lost, or none yet), or a unicast_src_ip.
 * Every other address, however busy the link, costs no request.
 */
static bool
addr_matters(const struct vipd *v, const struct vipd_iface *ifp,
    const struct nl_event *ev)
{
	const struct vipd_iface_af *af = &ifp->af[vipd_afi(ev->addr.family)];
	size_t i, alen = vipd_alen(ev->addr.family);

	if (!af->has_src)
		return ev->type == NL_EV_ADDR_NEW;
	if (memcmp(af->src, ev->addr.addr, alen) == 0)
		return ev->type == NL_EV_ADDR_DEL || (ev->addr_flags &
		    (IFA_F_TENTATIVE | IFA_F_DADFAILED)) != 0;
	for (i = 0; i < v->ninsts; i++) {
		const struct conf_instance *c = v->insts[i]->conf;

		if (v->insts[i]->base == ifp && c->has_unicast_src &&
		    c->family == ev->addr.family &&
		    memcmp(c->unicast_src, ev->addr.addr, alen) == 0)
			return true;
	}
	return false;
}

static void
addr_event(struct vipd *v, struct vipd_iface *ifp, const struct nl_event *ev,
    uint64_t now)
{
	size_t k;

	for (k = 0; k < v->ninsts; k++)
		vipd_vips_seen(v->insts[k], ev);
	if (ev->type == NL_EV_ADDR_DEL)
		for (k = 0; k < v->ninsts; k++)
			vipd_instance_addr_gone(v->insts[k], ev->ifindex,
			    &ev->addr, now);
	if (addr_matters(v, ifp, ev)) {
		refresh_src(v, ifp);
		reapply(v, now);
	}
}

void
vipd_iface_nl_event(const struct nl_event *ev, void *arg)
{
	struct vipd *v = arg;
	uint64_t now = loop_now();
	size_t i;

	for (i = 0; i < v->nifaces; i++) {
		struct vipd_iface *ifp = &v->ifaces[i];
		bool mine = ifp->ifindex == ev->ifindex ||
		    ((ev->type == NL_EV_LINK || ev->type == NL_EV_LINK_DEL) &&
		    strcmp(ifp->name, ev->ifname) == 0);

		if (!mine)
			continue;
		switch (ev->type) {
		case NL_EV_LINK:
		case NL_EV_LINK_DEL:
			if (ev->type == NL_EV_LINK && ifp->ifindex ==
			    ev->ifindex && ifp->up == ev->up)
				break;
			iface_changed(v, ifp, now);
			break;
		case NL_EV_ADDR_DEL:
		case NL_EV_ADDR_NEW:
			addr_event(v, ifp, ev, now);
			break;
		default:
			break;
		}
	}
}
