/* SPDX-License-Identifier: ISC */
/* vipd's command line: its own options and every option of keepalived 2.2.7. */
#ifndef VIPD_OPTIONS_H
#define VIPD_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

struct vipd_options {
	const char *conf;
	const char *pidfile;
	const char *vrrp_pidfile;	/* keepalived's -r: same process here */
	const char *sock;
	const char *config_id;		/* -i; else the short host name */
	const char *test_log;		/* -t=FILE: the test's messages */
	bool foreground;
	bool log_console;
	bool detail;
	bool test;
	bool dump_conf;			/* -d */
	bool all_config;		/* -e: a pattern without files is an error */
	bool core_dump;			/* -m */
	bool no_syslog;			/* -G */
	int facility;			/* -S; LOG_DAEMON by default */
	bool has_umask;			/* -u, which beats the configuration's */
	unsigned umask;
};

/*
 * Parse argv into @o (defaults filled in).  Prints and exits for -h, -v,
 * --signum and bad usage (status 2; 1 for an unknown --signum, as
 * keepalived); warns on stderr about keepalived options that change nothing.
 */
void vipd_options_parse(int argc, char **argv, struct vipd_options *o);

/*
 * The number keepalived 2.2.7's --signum=NAME prints, for the signals vipd
 * handles (STOP, RELOAD, DATA, STATS); -1 with *@why set for the others.
 * Pure.
 */
int vipd_options_signum(const char *name, const char **why);

#endif
