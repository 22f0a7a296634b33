/* SPDX-License-Identifier: ISC */
/* vipd: command line, configuration test, daemonisation and pid file. */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "ctl/ctl_proto.h"
#include "agent/daemon.h"
#include "agent/privs.h"
#include "agent/health.h"
#include "agent/trackers.h"
#include "lib/cmdline.h"
#include "lib/log.h"
#include "lib/cred.h"
#include "agent/vipd.h"

#define VIPD_CONF_DEFAULT	"/etc/vipd/vipd.conf"
#define VIPD_CONF_KEEPALIVED	"/etc/keepalived/keepalived.conf"
#define VIPD_PID_DEFAULT	"/run/vipd.pid"

struct options {
	const char *conf;
	const char *pidfile;
	const char *vrrp_pidfile;	/* keepalived's -r: same process here */
	const char *sock;
	bool foreground;
	bool log_console;
	bool detail;
	bool test;
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: vipd [-nlDtv] [-f FILE] [-p PIDFILE] [-s SOCKET]\n"
	    "  -f, --use-file FILE    configuration (default %s,\n"
	    "                         else %s)\n"
	    "  -n, --dont-fork        stay in the foreground\n"
	    "  -l, --log-console      log to stderr instead of syslog\n"
	    "  -D, --log-detail       verbose logging; with -t, print the "
	    "parsed configuration\n"
	    "  -t, --config-test      check the configuration and exit\n"
	    "  -p, --pid FILE         pid file (default %s)\n"
	    "  -s, --socket PATH      control socket (default %s)\n"
	    "  -v, --version          print the version and exit\n"
	    "  -h, --help             this text\n"
	    "keepalived compatibility: -P/--vrrp, -R/--dont-respawn and\n"
	    "-B/--no_bfd are accepted and change nothing; -r/--vrrp_pid FILE\n"
	    "also receives vipd's pid; -C/--check (LVS) is refused.\n",
	    VIPD_CONF_DEFAULT, VIPD_CONF_KEEPALIVED, VIPD_PID_DEFAULT,
	    CTL_SOCKET_PATH);
}

static void
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "use-file", required_argument, NULL, 'f' },
		{ "dont-fork", no_argument, NULL, 'n' },
		{ "log-console", no_argument, NULL, 'l' },
		{ "log-detail", no_argument, NULL, 'D' },
		{ "config-test", no_argument, NULL, 't' },
		{ "pid", required_argument, NULL, 'p' },
		{ "socket", required_argument, NULL, 's' },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "vrrp", no_argument, NULL, 'P' },
		{ "dont-respawn", no_argument, NULL, 'R' },
		{ "no_bfd", no_argument, NULL, 'B' },
		{ "vrrp_pid", required_argument, NULL, 'r' },
		{ "check", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "f:nlDtp:s:vhPRBr:C", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f': o->conf = optarg; break;
		case 'n': o->foreground = true; break;
		case 'l': o->log_console = true; break;
		case 'D': o->detail = true; break;
		case 't': o->test = true; break;
		case 'p': o->pidfile = optarg; break;
		case 's': o->sock = optarg; break;
		case 'P': case 'R': case 'B':
			break;	/* vipd is only VRRP, in one process */
		case 'r': o->vrrp_pidfile = optarg; break;
		case 'C':
			fprintf(stderr, "vipd: -C/--check: LVS health checkers "
			    "are not supported; vipd runs VRRP only\n");
			exit(2);
		case 'v':
			printf("vipd %s\n", VIPD_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vipd: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		exit(2);
	}
	if (o->conf == NULL)
		o->conf = access(VIPD_CONF_DEFAULT, F_OK) == 0 ?
		    VIPD_CONF_DEFAULT : VIPD_CONF_KEEPALIVED;
}

/* Load the configuration, printing every error and warning. */
static struct conf *
load_conf(const char *path)
{
	struct conf_diag d = { 0 };
	struct conf *c;
	size_t i;

	c = conf_load(path, &d);
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
	struct options o = { .pidfile = VIPD_PID_DEFAULT,
	    .sock = CTL_SOCKET_PATH };
	struct vipd v = { 0 };
	struct conf *conf;
	int pidfd, vpidfd = -1, rc = 1;

	parse_args(argc, argv, &o);
	if ((conf = load_conf(o.conf)) == NULL)
		return 1;
	if (o.test) {
		int bad = check_script_user(o.conf, conf);

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
	if (vipd_setup(&v, conf, o.sock) == 0 && vipd_privs_drop(&v) == 0) {
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
