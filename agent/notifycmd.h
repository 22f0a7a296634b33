/* SPDX-License-Identifier: ISC */
/* Notify commands into argv, with keepalived's PATH lookup of bare names. */
#ifndef VIPD_NOTIFYCMD_H
#define VIPD_NOTIFYCMD_H

#include <stddef.h>

/*
 * Split @cmd (see cmdline_split); a first word without '/' is looked up
 * on $PATH (else the usual system directories), once, as keepalived does,
 * and replaced by the executable found.  0, or -1 with @why set.
 */
int vipd_notify_argv(const char *cmd, char ***argv, char *why, size_t len);

#endif
