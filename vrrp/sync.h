/* SPDX-License-Identifier: ISC */
/* Pure sync-group rules (keepalived's vrrp_sync_group): who follows whom. */
#ifndef VIPD_VRRP_SYNC_H
#define VIPD_VRRP_SYNC_H

#include <stdbool.h>
#include <stddef.h>

#include "vrrp/fsm.h"

/* One member as its state machine stands. */
struct vrrp_sync_member {
	enum vrrp_state state;
	bool want_master;	/* fsm.want_master: its timer expired */
	/* A fault condition of its own (link down, ...), or of the group
	 * (a tracked interface of weight 0): not one the group put on it. */
	bool faulted;
};

/* What a member must be told (the caller feeds the matching event). */
enum vrrp_sync_cmd {
	VRRP_SYNC_NONE,
	VRRP_SYNC_MASTER,	/* VRRP_EV_SYNC_MASTER */
	VRRP_SYNC_BACKUP,	/* VRRP_EV_SYNC_BACKUP */
	VRRP_SYNC_FAULT,	/* VRRP_EV_FAULT */
	VRRP_SYNC_RELEASE,	/* leave FAULT (VRRP_EV_STARTUP) if it can */
};

/*
 * The group's state: FAULT if any member is in FAULT, else MASTER if any
 * is MASTER, else BACKUP if any is BACKUP, else INIT.
 */
enum vrrp_state vrrp_sync_state(const struct vrrp_sync_member *m, size_t n);

/*
 * Member @who has just moved from @from to m[who].state, or (from equal
 * to its state) just asked to become Master (m[who].want_master).  Fill
 * cmd[0..n-1] with what every member, @who included, must do:
 *  - any member faulted: every member not in FAULT goes FAULT;
 *  - none faulted: members in FAULT (the group's doing) are released;
 *  - @who became MASTER: the BACKUP members follow;
 *  - @who wants MASTER: only if every other member is MASTER or wants it
 *    too (keepalived prefers BACKUP to a group split across routers),
 *    then all the BACKUP members, @who included, go MASTER;
 *  - @who left MASTER for BACKUP: the MASTER members go BACKUP.
 * Returns the number of commands other than VRRP_SYNC_NONE.
 */
size_t vrrp_sync_decide(const struct vrrp_sync_member *m, size_t n,
    size_t who, enum vrrp_state from, enum vrrp_sync_cmd *cmd);

/* "MASTER" ... as vrrp_state_name; the command's name ("none", ...). */
const char *vrrp_sync_cmd_name(enum vrrp_sync_cmd);

#endif
