/* SPDX-License-Identifier: ISC */
/* Routes, rules and static addresses that vipd installs and removes. */
#ifndef VIPD_ROUTES_H
#define VIPD_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "conf/conf.h"
#include "netlink/nl_route.h"

struct vipd;

/*
 * One set: an instance's virtual_routes and virtual_rules (installed while
 * Master), or the static_ipaddress, static_routes and static_rules (from
 * start to stop). vipd removes only what it installed itself: routes and
 * rules carry protocol NL_PROTO_VIPD and deletes name it, so a route set
 * by hand is never the one removed, whatever its prefix; a static address
 * is added exclusively (NLM_F_EXCL), so one that existed is left alone.
 */
struct vipd_routes;

/* A set over the configuration's arrays (kept, not copied); NULL: ENOMEM. */
struct vipd_routes *vipd_routes_new(const char *who,
    const struct conf_vip *addrs, size_t naddrs,
    const struct conf_route *routes, size_t nroutes,
    const struct conf_rule *rules, size_t nrules);
void vipd_routes_free(struct vipd_routes *r);

/* Whether the set is empty (nothing to do, nothing to show). */
bool vipd_routes_empty(const struct vipd_routes *r);

/*
 * Install addresses, then routes, then rules. recheck: also those vipd
 * believes installed or saw as someone else's (after a VIP was removed
 * under us the kernel flushes the routes using it as source); otherwise
 * only those not installed yet, or that failed.
 */
void vipd_routes_up(struct vipd *v, struct vipd_routes *r, bool recheck);

/* Remove what this set installed: rules, routes, then addresses. */
void vipd_routes_down(struct vipd *v, struct vipd_routes *r);

/*
 * At start, before any transition: remove the routes and rules of this set
 * that an earlier vipd left behind (vipd's protocol; nothing else matches).
 */
void vipd_routes_sweep(struct vipd *v, struct vipd_routes *r);

/*
 * A reload: the new set over the new configuration's arrays, taking over
 * what old installed where the new set has the very same line; the rest of
 * old's is removed (the old configuration must still be alive), old is
 * freed, and with up the new set is installed. NULL (logged) if out of
 * memory, after removing all of old's.
 */
struct vipd_routes *vipd_routes_reload(struct vipd *v, struct vipd_routes *old,
    const char *who, const struct conf_vip *addrs, size_t naddrs,
    const struct conf_route *routes, size_t nroutes,
    const struct conf_rule *rules, size_t nrules, bool up);

/* The set as a JSON array of {"kind", "line", "state"} for vipctl status. */
json_t *vipd_routes_json(const struct vipd_routes *r);

/* A configured address's options for the netlink request. */
void vipd_addr_opts(const struct conf_vip *cv, struct nl_addr_opts *o);

#endif
