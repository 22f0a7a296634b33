/* SPDX-License-Identifier: ISC */
/* use_vmac: the macvlans with the VRRP virtual MAC that carry instances' VIPs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/vmac.h"
#include "netlink/nl.h"

/*
 * One macvlan. The base's arp_ignore and arp_filter are saved by the
 * first entry on that base (saved_base), and put back at exit.
 */
struct vipd_vmac {
	char name[CONF_IFNAME_MAX];
	char base[CONF_IFNAME_MAX];
	int ifindex;
	bool ours;		/* created by vipd: deleted at exit */
	bool saved_base;
	int arp_ignore, arp_filter, arp_announce;	/* the base's, before;
							 * -1 unknown */
	char fault[96];		/* "" when usable */
	bool ll_added;		/* we put the base's link-local on it */
	struct nl_addr ll;
};

const char *
vipd_vmac_ifname(const struct conf_instance *c)
{
	return c->use_vmac ? c->vmac_name : c->interface;
}

const char *
vipd_vmac_xmit_ifname(const struct conf_instance *c)
{
	return c->use_vmac && !c->vmac_xmit_base ? c->vmac_name :
	    c->interface;
}

/* /proc/sys/net/<proto>/conf/<ifname>/<key>; -1 with errno. */
static int
sysctl_path(char *buf, size_t len, const char *proto, const char *ifname,
    const char *key)
{
	int n = snprintf(buf, len, "/proc/sys/net/%s/conf/%s/%s", proto,
	    ifname, key);

	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int
sysctl_get(const char *proto, const char *ifname, const char *key)
{
	char path[128], val[16] = { 0 };
	ssize_t n;
	int fd;

	if (sysctl_path(path, sizeof(path), proto, ifname, key) < 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, val, sizeof(val) - 1);
	close(fd);
	return n > 0 ? atoi(val) : -1;
}

static void
sysctl_set(const char *proto, const char *ifname, const char *key, int value)
{
	char path[128], val[16];
	int fd, n = snprintf(val, sizeof(val), "%d\n", value);

	if (sysctl_path(path, sizeof(path), proto, ifname, key) < 0 ||
	    (fd = open(path, O_WRONLY | O_CLOEXEC)) < 0) {
		log_warn("%s: cannot set %s", ifname, key);
		return;
	}
	if (write(fd, val, (size_t)n) != n)
		log_warn("%s: cannot set %s to %d", ifname, key, value);
	close(fd);
}

static struct vipd_vmac *
vmac_find(struct vipd *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->nvmacs; i++)
		if (strcmp(v->vmacs[i].name, name) == 0)
			return &v->vmacs[i];
	return NULL;
}

static bool
base_saved(const struct vipd *v, const char *base)
{
	size_t i;

	for (i = 0; i < v->nvmacs; i++)
		if (v->vmacs[i].saved_base && !strcmp(v->vmacs[i].base, base))
			return true;
	return false;
}

/*
 * As keepalived: the VMAC answers ARP only for its own addresses (the
 * VIPs) and accepts adverts though it has no address of its own; the
 * base stops answering ARP for addresses on the VMAC, so that the VIP is
 * only ever announced with the virtual MAC. No IPv6 link-local address
 * is generated on it (RFC 5798 7.4), and an IPv4 instance's VMAC does
 * no IPv6 at all: a Backup's VMAC, up with the same MAC as the Master's,
 * then sends nothing.
 * Beyond keepalived, the base's arp_announce becomes 2: replies from the
 * VIP (SMTP sessions) leave through the base, and an ARP request the
 * base sends for them would otherwise name the VIP as its sender and so
 * teach every neighbour the base's MAC for the VIP.
 */
static void
set_sysctls(struct vipd *v, struct vipd_vmac *m, int family)
{
	sysctl_set("ipv6", m->name, "addr_gen_mode", 1);
	if (family == AF_INET)
		sysctl_set("ipv6", m->name, "disable_ipv6", 1);
	sysctl_set("ipv4", m->name, "arp_ignore", 1);
	if (family != AF_INET)
		return;
	sysctl_set("ipv4", m->name, "accept_local", 1);
	sysctl_set("ipv4", m->name, "rp_filter", 0);
	sysctl_set("ipv4", m->name, "promote_secondaries", 1);
	/* Saved once per base; set again for a base that was recreated. */
	if (!base_saved(v, m->base)) {
		m->arp_ignore = sysctl_get("ipv4", m->base, "arp_ignore");
		m->arp_filter = sysctl_get("ipv4", m->base, "arp_filter");
		m->arp_announce = sysctl_get("ipv4", m->base, "arp_announce");
		m->saved_base = true;
	}
	if (sysctl_get("ipv4", m->base, "arp_ignore") != 1)
		sysctl_set("ipv4", m->base, "arp_ignore", 1);
	if (sysctl_get("ipv4", m->base, "arp_filter") != 1)
		sysctl_set("ipv4", m->base, "arp_filter", 1);
	if (sysctl_get("ipv4", m->base, "arp_announce") != 2)
		sysctl_set("ipv4", m->base, "arp_announce", 2);
}

/* 00-00-5E-00-01-VRID (IPv4), 00-00-5E-00-02-VRID (IPv6): RFC 5798 7.3. */
static void
virtual_mac(const struct conf_instance *c, uint8_t mac[6])
{
	mac[0] = 0x00;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = 0x00;
	mac[4] = c->family == AF_INET6 ? 0x02 : 0x01;
	mac[5] = c->vrid;
}

/* An existing link of the name: usable only if it is what we would make. */
static int
adopt(struct vipd_vmac *m, const struct nl_event *l, int base,
    const uint8_t mac[6])
{
	if (strcmp(l->kind, "macvlan") != 0 || l->link != base ||
	    !l->has_mac || memcmp(l->mac, mac, 6) != 0) {
		snprintf(m->fault, sizeof(m->fault), "%s exists and is not a "
		    "macvlan of %s with the virtual MAC", m->name, m->base);
		return -1;
	}
	m->ifindex = l->ifindex;
	return 0;
}

static int
create(struct vipd *v, struct vipd_vmac *m, const struct conf_instance *c)
{
	struct nl_event base, link;
	uint8_t mac[6];

	virtual_mac(c, mac);
	if (nl_link_get(v->nl, m->base, &base) < 0) {
		snprintf(m->fault, sizeof(m->fault), "interface %s not found",
		    m->base);
		return -1;
	}
	if (nl_link_get(v->nl, m->name, &link) == 0)
		return adopt(m, &link, base.ifindex, mac);
	if (nl_macvlan_add(v->nl, m->name, base.ifindex, mac,
	    NL_MACVLAN_PRIVATE) < 0 || nl_link_get(v->nl, m->name,
	    &link) < 0) {
		snprintf(m->fault, sizeof(m->fault), "cannot create macvlan "
		    "%s on %s: %s", m->name, m->base, strerror(errno));
		return -1;
	}
	m->ours = true;
	m->ifindex = link.ifindex;
	log_info("%s: created macvlan %s with MAC "
	    "%02x:%02x:%02x:%02x:%02x:%02x", m->base, m->name, mac[0], mac[1],
	    mac[2], mac[3], mac[4], mac[5]);
	return 0;
}

/*
 * IPv6 adverts leave the VMAC from the base's link-local address (as
 * keepalived does), which the kernel only lets a socket use when the
 * address is on the VMAC too. Not when the base sends them.
 */
static void
copy_link_local(struct vipd *v, struct vipd_vmac *m,
    const struct conf_instance *c)
{
	struct nl_event base;
	bool present = false;

	if (c->family != AF_INET6 || c->vmac_xmit_base)
		return;
	if (nl_link_get(v->nl, m->base, &base) < 0 ||
	    nl_addr_primary(v->nl, base.ifindex, AF_INET6, NULL, 0,
	    &m->ll) < 0) {
		log_warn("%s: no IPv6 link-local address on %s for %s",
		    c->name, m->base, m->name);
		return;
	}
	if (nl_addr_present(v->nl, m->ifindex, &m->ll, &present) == 0 &&
	    present)
		return;
	if (nl_addr_install(v->nl, m->ifindex, &m->ll, 0, false, 0) < 0)
		log_warn("%s: cannot add %s's link-local address to %s",
		    c->name, m->base, m->name);
	else
		m->ll_added = true;
}

static void
bring_up(struct vipd *v, struct vipd_vmac *m, const struct conf_instance *c)
{
	bool was_ours = m->ours;

	m->fault[0] = '\0';
	m->ll_added = false;
	if (create(v, m, c) < 0) {
		log_warnx("%s: use_vmac: %s", c->name, m->fault);
		return;
	}
	m->ours = m->ours || was_ours;
	set_sysctls(v, m, c->family);
	if (nl_link_set_up(v->nl, m->ifindex, true) < 0)
		log_warn("%s: cannot bring %s up", c->name, m->name);
	copy_link_local(v, m, c);
}

/*
 * A new VMAC is made; a known one only again when its link is gone
 * (deleted by hand, or with its base): keepalived recreates it too. One
 * that exists but is not ours stays a fault without a log line per call.
 */
static void
setup_one(struct vipd *v, const struct conf_instance *c)
{
	struct vipd_vmac *m = vmac_find(v, c->vmac_name);
	struct nl_event link;

	if (m != NULL) {
		if (nl_link_get(v->nl, m->name, &link) == 0 || errno != ENODEV)
			return;
		m->ifindex = 0;
		bring_up(v, m, c);
		return;
	}
	m = reallocarray(v->vmacs, v->nvmacs + 1, sizeof(*m));
	if (m == NULL) {
		log_warn("%s: use_vmac", c->vmac_name);
		return;
	}
	v->vmacs = m;
	m = &v->vmacs[v->nvmacs++];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", c->vmac_name);
	snprintf(m->base, sizeof(m->base), "%s", c->interface);
	m->arp_ignore = m->arp_filter = m->arp_announce = -1;
	bring_up(v, m, c);
}

void
vipd_vmac_setup(struct vipd *v)
{
	size_t i;

	for (i = 0; i < v->conf->ninstances; i++)
		if (v->conf->instances[i].use_vmac)
			setup_one(v, &v->conf->instances[i]);
}

const char *
vipd_vmac_fault(const struct vipd *v, const struct conf_instance *c)
{
	size_t i;

	if (!c->use_vmac)
		return NULL;
	for (i = 0; i < v->nvmacs; i++)
		if (strcmp(v->vmacs[i].name, c->vmac_name) == 0)
			return v->vmacs[i].fault[0] ? v->vmacs[i].fault : NULL;
	return NULL;
}

void
vipd_vmac_teardown(struct vipd *v)
{
	size_t i;

	for (i = 0; i < v->nvmacs; i++) {
		struct vipd_vmac *m = &v->vmacs[i];
		struct nl_event link;

		/* Only the link we made: the name may have been reused. */
		if (m->ours && nl_link_get(v->nl, m->name, &link) == 0 &&
		    link.ifindex == m->ifindex &&
		    nl_link_del(v->nl, m->ifindex) < 0)
			log_warn("cannot delete %s", m->name);
		else if (!m->ours && m->ll_added &&
		    nl_addr_del(v->nl, m->ifindex, &m->ll) < 0 &&
		    errno != EADDRNOTAVAIL && errno != ENODEV)
			log_warn("%s: cannot delete the link-local address",
			    m->name);
		if (m->saved_base && m->arp_ignore >= 0)
			sysctl_set("ipv4", m->base, "arp_ignore", m->arp_ignore);
		if (m->saved_base && m->arp_filter >= 0)
			sysctl_set("ipv4", m->base, "arp_filter", m->arp_filter);
		if (m->saved_base && m->arp_announce >= 0)
			sysctl_set("ipv4", m->base, "arp_announce",
			    m->arp_announce);
	}
	free(v->vmacs);
	v->vmacs = NULL;
	v->nvmacs = 0;
}
