/* SPDX-License-Identifier: ISC */
/* Least privilege: after start-up vipd keeps only the capabilities it uses. */
#ifndef VIPD_PRIVS_H
#define VIPD_PRIVS_H

#include <stdbool.h>

#include "agent/vipd.h"

/*
 * Once sockets, the pid file and the control socket exist: keep only
 * CAP_NET_ADMIN (addresses), CAP_NET_RAW (VRRP, ARP and NA sockets) and
 * CAP_DAC_READ_SEARCH (Postfix's queue), plus CAP_SETUID, CAP_SETGID and
 * CAP_KILL when scripts run as another user, in the effective and
 * permitted sets; the inheritable and ambient sets are emptied. vipd stays
 * uid 0. With notify scripts the bounding set is left as it is, so a
 * script started as root gets root's capabilities back at execve (within
 * the bounding set, which the unit file limits), as keepalived users'
 * scripts expect; without any, the bounding set is cut to the kept set
 * as well. A no-op when vipd is not root. Returns 0, or -1 logged.
 */
int vipd_privs_drop(struct vipd *);

/* True if c configures scripts that vipd would start. */
bool vipd_privs_has_scripts(const struct conf *c);

struct cred;

/*
 * Why the running vipd cannot take configuration c with scripts running
 * with cred's ids (capabilities given up at start-up), or NULL if it can.
 */
const char *vipd_privs_reload_check(const struct vipd *,
    const struct conf *c, const struct cred *cred);

#endif
