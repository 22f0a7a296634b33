/* SPDX-License-Identifier: ISC */
/* vipd: command line, configuration test, daemonisation and pid file. */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "ctl/ctl_proto.h"
#include "agent/daemon.h"
#include "agent/options.h"
#include "agent/privs.h"
#include "agent/sysopt.h"
#include "agent/notifycmd.h"
#include "agent/health.h"
#include "agent/trackers.h"
#include "lib/cmdline.h"
#include "lib/log.h"
#include "lib/cred.h"
#include "netlink/nl.h"
#include "agent/vipd.h"

/* -i ID, else keepalived's default: the host name up to its first dot. */
static void
config_id(const struct vipd_options *o, char *buf, size_t len)
{
	struct utsname u;

	if (o->config_id != NULL)
		snprintf(buf, len, "%s", o->config_id);
	else if (uname(&u) == 0)
		snprintf(buf, len, "%.*s", (int)strcspn(u.nodename, "."),
		    u.nodename);
	else
		buf[0] = '\0';
}

/* Load the configuration, printing every error and warning. */
static struct conf *
load_conf(const char *path, const struct conf_load_opts *lo)
{
	struct conf_diag d = { 0 };
	struct conf *c;
	size_t i;

	c = conf_load_with(path, lo, &d);
	for (i = 0; i < d.nmsgs; i++)
		fprintf(stderr, "%s\n", d.msgs[i].text);
	if (c == NULL && d.nerrors == 0)
		fprintf(stderr, "vipd: %s: %s\n", path, strerror(errno));
	conf_diag_free(&d);
	return c;
}

/* The notify scripts' user must exist, or vipd would refuse to start. */
static int
check_script_user(const char *path, const struct conf *conf)
{
	struct cred cred;
	char err[256];

	if (cred_resolve(conf->script_user, conf->script_group,
	    conf->enable_script_security, &cred, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", path, err);
		return 1;
	}
	cred_free(&cred);
	return 0;
}

/* Notify commands that cannot be found are errors here, as at start. */
static int
check_notify(const struct conf *conf)
{
	static const char *const kw[5] = { "notify_master", "notify_backup",
	    "notify_fault", "notify_stop", "notify" };
	const struct conf_instance *in;
	const char *cmd[5];
	char **argv, why[512];
	size_t i;
	int k, bad = 0;

	for (i = 0; i < conf->ninstances; i++) {
		in = &conf->instances[i];
		cmd[0] = in->notify_master;
		cmd[1] = in->notify_backup;
		cmd[2] = in->notify_fault;
		cmd[3] = in->notify_stop;
		cmd[4] = in->notify;
		for (k = 0; k < 5; k++) {
			if (cmd[k] == NULL)
				continue;
			if (vipd_notify_argv(cmd[k], &argv, why,
			    sizeof(why)) < 0) {
				fprintf(stderr, "%s:%d: vrrp_instance %s: %s: "
				    "%s\n", in->file, in->line, in->name,
				    kw[k], why);
				bad = 1;
				continue;
			}
			cmdline_free(argv);
		}
	}
	for (k = 0; k < 2; k++) {
		if (conf->fifo[k].script[0] == '\0')
			continue;
		if (vipd_notify_argv(conf->fifo[k].script, &argv, why,
		    sizeof(why)) < 0) {
			fprintf(stderr, "%s: %snotify_fifo_script: %s\n",
			    conf->files[0], k ? "vrrp_" : "", why);
			bad = 1;
			continue;
		}
		cmdline_free(argv);
	}
	return bad;
}

/*
 * A vrrp_script that cannot run (not found, not executable, unsafe under
 * enable_script_security) is said now; vipd would run with it failing.
 */
static void
check_scripts(const struct conf *conf)
{
	const struct conf_check *c;
	struct cred cred;
	char why[512], **argv;
	size_t i;

	for (i = 0; i < conf->nchecks; i++) {
		c = &conf->checks[i];
		if (c->type != CONF_CHECK_SCRIPT || !vipd_check_tracked(conf, i))
			continue;
		if (vipd_script_prepare(conf, c, &argv, &cred, why,
		    sizeof(why)) < 0) {
			fprintf(stderr, "%s:%d: warning: vrrp_script %s: %s; "
			    "the check will count as failing\n", c->file,
			    c->line, c->name, why);
			continue;
		}
		cmdline_free(argv);
		cred_free(&cred);
	}
}

/* An exclusive lock on the pid file keeps a second vipd out. */
static int
pidfile_open(const char *path)
{
	char buf[32];
	int fd, n;

	/* Never through a symlink: /run is root's, but a pid file given
	 * with -p may sit somewhere others can write. */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			errno = EEXIST;
		close(fd);
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, buf, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	return fd;
}

int
main(int argc, char **argv)
{
	struct vipd_options o;
	struct vipd v = { 0 };
	struct conf *conf;
	int pidfd, vpidfd = -1, rc = 1;

	vipd_options_parse(argc, argv, &o);
	if (o.test && o.test_log != NULL &&
	    freopen(o.test_log, "w", stderr) == NULL) {
		fprintf(stdout, "vipd: %s: %s\n", o.test_log, strerror(errno));
		return 1;
	}
	/* Kept in v: a reload reads the file the same way. */
	config_id(&o, v.config_id, sizeof(v.config_id));
	v.load_opts.config_id = v.config_id[0] != '\0' ? v.config_id : NULL;
	v.load_opts.all_config = o.all_config;
	if ((conf = load_conf(o.conf, &v.load_opts)) == NULL)
		return 1;
	if (o.test) {
		int bad = check_script_user(o.conf, conf) |
		    check_notify(conf);

		check_scripts(conf);

		if (o.detail && !bad)
			conf_print(stdout, conf);
		else if (!bad)
			conf_print_tracks(stdout, conf);
		conf_free(conf);
		return bad;
	}
	/* daemon() moves us to /: a reload must read the same file. */
	if (realpath(o.conf, v.conf_path) == NULL)
		snprintf(v.conf_path, sizeof(v.conf_path), "%s", o.conf);
	if (geteuid() != 0)
		fprintf(stderr, "vipd: warning: not running as root; raw "
		    "sockets and address changes will fail\n");
	log_set_syslog(o.facility, !o.no_syslog);
	log_init("vipd", o.log_console, o.detail);
	if (!o.foreground && daemon(0, 0) < 0)
		fatal("daemon");
	if ((pidfd = pidfile_open(o.pidfile)) < 0) {
		if (errno == EEXIST)
			fatalx("%s is locked: is another vipd running?",
			    o.pidfile);
		fatal("pid file %s", o.pidfile);
	}
	if (o.vrrp_pidfile != NULL &&
	    (vpidfd = pidfile_open(o.vrrp_pidfile)) < 0)
		fatal("pid file %s", o.vrrp_pidfile);
	log_info("vipd %s starting with %s (%zu instance%s)", VIPD_VERSION,
	    o.conf, conf->ninstances, conf->ninstances == 1 ? "" : "s");
	if (o.dump_conf)
		vipd_sys_dump_conf(conf);
	vipd_sys_apply(conf, &o);
	vipd_sys_startup_delay(conf);
	if (vipd_setup(&v, conf, o.sock) == 0 && vipd_privs_drop(&v) == 0) {
		/* After the drop: a thread keeps the capabilities it starts
		 * with. */
		if (nl_async_start(v.nl) < 0)
			log_warn("netlink sender thread; refreshing VIPs from "
			    "the event loop");
		if (loop_run(v.loop) == 0)
			rc = 0;
		else
			log_warn("event loop");
	}
	vipd_teardown(&v);
	unlink(o.pidfile);
	close(pidfd);
	if (vpidfd >= 0) {
		unlink(o.vrrp_pidfile);
		close(vpidfd);
	}
	log_info("vipd exiting");
	return rc;
}
