/* SPDX-License-Identifier: ISC */
/* SIGUSR1 and SIGUSR2: status and statistics dumps to files, never through a symlink. */
#ifndef VIPD_DUMP_H
#define VIPD_DUMP_H

#include "agent/vipd.h"

#define VIPD_DUMP_DATA	"vipd.data"	/* SIGUSR1: keepalived.data */
#define VIPD_DUMP_STATS	"vipd.stats"	/* SIGUSR2: keepalived.stats */

/*
 * Write what `vipctl status` shows (data) or the counters (stats), as
 * indented JSON, to v->dump_dir/NAME: a temporary file created with
 * O_EXCL|O_NOFOLLOW under a directory opened with O_NOFOLLOW, then
 * renamed over NAME, so a symlink planted there is replaced, never
 * followed. The directory must be root's and not writable by others.
 * Returns 0, or -1 after logging why.
 */
int vipd_dump_data(struct vipd *);
int vipd_dump_stats(struct vipd *);

#endif
