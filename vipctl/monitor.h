/* SPDX-License-Identifier: ISC */
/* vipctl's monitoring commands: check, metrics, history, watch. */
#ifndef VIPCTL_MONITOR_H
#define VIPCTL_MONITOR_H

/*
 * Each takes the socket path and the command's own argv (argv[0] is the
 * command name) and returns vipctl's exit code.
 */

/* A Nagios/Icinga plugin: one line, exit 0/1/2/3 (vipctl/nagios.h). */
int vipctl_check_main(const char *sock, int argc, char **argv);

/* The Prometheus text format on stdout; "vipd_up 0" if vipd is down. */
int vipctl_metrics_main(const char *sock, int argc, char **argv);

/* The recent transitions, check changes and peer problems. */
int vipctl_history_main(const char *sock, int argc, char **argv);

/* Follow new events as they happen, one line each, until interrupted. */
int vipctl_watch_main(const char *sock, int argc, char **argv);

#endif
