/* SPDX-License-Identifier: ISC */
/* Pure sync-group rules (keepalived's vrrp_sync_group): who follows whom. */

#include "vrrp/sync.h"

enum vrrp_state
vrrp_sync_state(const struct vrrp_sync_member *m, size_t n)
{
	bool master = false, backup = false;
	size_t i;

	for (i = 0; i < n; i++) {
		if (m[i].state == VRRP_STATE_FAULT)
			return VRRP_STATE_FAULT;
		master |= m[i].state == VRRP_STATE_MASTER;
		backup |= m[i].state == VRRP_STATE_BACKUP;
	}
	return master ? VRRP_STATE_MASTER : backup ? VRRP_STATE_BACKUP :
	    VRRP_STATE_INIT;
}

/* Every member but @who is MASTER or a BACKUP that wants to be. */
static bool
all_want_master(const struct vrrp_sync_member *m, size_t n, size_t who)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (i != who && m[i].state != VRRP_STATE_MASTER &&
		    !(m[i].state == VRRP_STATE_BACKUP && m[i].want_master))
			return false;
	return true;
}

/* Tell every member in state @in (but @skip, if < n) to do @c. */
static size_t
order(const struct vrrp_sync_member *m, size_t n, size_t skip,
    enum vrrp_state in, enum vrrp_sync_cmd c, enum vrrp_sync_cmd *cmd)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (i != skip && m[i].state == in) {
			cmd[i] = c;
			k++;
		}
	return k;
}

/*
 * While a member is faulted every member goes (or stays) in FAULT; once
 * none is, those the group held there are let go.  Returns whether the
 * group is faulted; *k counts the commands given.
 */
static bool
faults(const struct vrrp_sync_member *m, size_t n, enum vrrp_sync_cmd *cmd,
    size_t *k)
{
	bool any = false;
	size_t i;

	for (i = 0; i < n; i++)
		any |= m[i].faulted;
	for (i = 0; i < n; i++) {
		if (any && m[i].state != VRRP_STATE_FAULT)
			cmd[i] = VRRP_SYNC_FAULT;
		else if (!any && m[i].state == VRRP_STATE_FAULT &&
		    !m[i].faulted)
			cmd[i] = VRRP_SYNC_RELEASE;
		else
			continue;
		(*k)++;
	}
	return any;
}

size_t
vrrp_sync_decide(const struct vrrp_sync_member *m, size_t n, size_t who,
    enum vrrp_state from, enum vrrp_sync_cmd *cmd)
{
	enum vrrp_state to;
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		cmd[i] = VRRP_SYNC_NONE;
	if (who >= n)
		return 0;
	to = m[who].state;
	if (faults(m, n, cmd, &k) || k > 0)
		return k;
	if (to == VRRP_STATE_MASTER && from != VRRP_STATE_MASTER)
		return order(m, n, who, VRRP_STATE_BACKUP, VRRP_SYNC_MASTER,
		    cmd);
	if (to == VRRP_STATE_BACKUP && from == VRRP_STATE_BACKUP &&
	    m[who].want_master) {
		if (!all_want_master(m, n, who))
			return 0;
		return order(m, n, n, VRRP_STATE_BACKUP, VRRP_SYNC_MASTER,
		    cmd);
	}
	if (to == VRRP_STATE_BACKUP && from == VRRP_STATE_MASTER)
		return order(m, n, who, VRRP_STATE_MASTER, VRRP_SYNC_BACKUP,
		    cmd);
	return 0;
}

const char *
vrrp_sync_cmd_name(enum vrrp_sync_cmd c)
{
	switch (c) {
	case VRRP_SYNC_NONE: return "none";
	case VRRP_SYNC_MASTER: return "MASTER";
	case VRRP_SYNC_BACKUP: return "BACKUP";
	case VRRP_SYNC_FAULT: return "FAULT";
	case VRRP_SYNC_RELEASE: return "RELEASE";
	}
	return "unknown";
}
