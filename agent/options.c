/* SPDX-License-Identifier: ISC */
/*
 * vipd's command line.  Besides its own options it takes every option of
 * keepalived 2.2.7 (keepalived --help, keepalived(8)), so that unit files
 * written for keepalived start vipd: each one works, is accepted with a
 * warning saying why it changes nothing here, or is refused with a one-line
 * reason (exit status 2).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "ctl/ctl_proto.h"
#include "agent/options.h"
#include "agent/vipd.h"

#define VIPD_CONF_DEFAULT	"/etc/vipd/vipd.conf"
#define VIPD_CONF_KEEPALIVED	"/etc/keepalived/keepalived.conf"
#define VIPD_PID_DEFAULT	"/run/vipd.pid"

/* Long options without a short one. */
enum { OPT_SIGNUM = 256, OPT_ALL, OPT_NAMESPACE };

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: vipd [-nlDtvdemG] [-f FILE] [-p PIDFILE] [-s SOCKET] "
	    "[-i ID] [-S FACILITY]\n"
	    "  -f, --use-file FILE        configuration (default %s,\n"
	    "                             else %s)\n"
	    "  -n, --dont-fork            stay in the foreground\n"
	    "  -l, --log-console          log to stderr instead of syslog\n"
	    "  -D, --log-detail           verbose logging; with -t, print "
	    "the parsed configuration\n"
	    "  -S, --log-facility F       syslog facility: 0-7, local0-7, "
	    "user or daemon\n"
	    "  -G, --no-syslog            do not log to syslog\n"
	    "  -t, --config-test[=FILE]   check the configuration and exit "
	    "(messages to FILE)\n"
	    "  -i, --config-id ID         read \"@ID\" lines, skip \"@^ID\" "
	    "ones (default: host name)\n"
	    "  -e, --all-config           an include that matches no file is "
	    "an error\n"
	    "  -d, --dump-conf            log the configuration at start\n"
	    "  -u, --umask MASK           umask for the files vipd creates\n"
	    "  -m, --core-dump            allow a core dump on a crash\n"
	    "  -p, --pid FILE             pid file (default %s)\n"
	    "  -s, --socket PATH          control socket (default %s)\n"
	    "      --signum=NAME          print the number of signal STOP, "
	    "RELOAD, DATA or STATS\n"
	    "  -v, --version              print the version and exit\n"
	    "  -h, --help                 this text\n"
	    "The other options of keepalived 2.2.7 are accepted with a "
	    "warning or refused with\nthe reason; see vipd(8).\n",
	    VIPD_CONF_DEFAULT, VIPD_CONF_KEEPALIVED, VIPD_PID_DEFAULT,
	    CTL_SOCKET_PATH);
}

int
vipd_options_signum(const char *name, const char **why)
{
	*why = NULL;
	if (!strcmp(name, "STOP"))
		return SIGTERM;
	if (!strcmp(name, "RELOAD"))
		return SIGHUP;
	if (!strcmp(name, "DATA"))
		return SIGUSR1;		/* vipd.data, as keepalived.data */
	if (!strcmp(name, "STATS"))
		return SIGUSR2;		/* vipd.stats */
	if (!strcmp(name, "STATS_CLEAR") || !strcmp(name, "JSON"))
		*why = "vipd has no signal for it; vipctl status --json gives "
		    "the data";
	else
		*why = "unknown sigfunc";
	return -1;
}

static void
signum(const char *name)
{
	const char *why;
	int n = vipd_options_signum(name, &why);

	if (n < 0) {
		fprintf(stderr, "vipd: --signum=%s: %s\n", name, why);
		exit(1);
	}
	printf("%d\n", n);
	exit(0);
}

/* keepalived's -S: 0-7 (LOG_LOCAL0-7), local0-7, user or daemon. */
static int
facility(const char *s)
{
	static const int local[8] = { LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2,
	    LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7 };

	if (!strcmp(s, "user"))
		return LOG_USER;
	if (!strcmp(s, "daemon"))
		return LOG_DAEMON;
	if (!strncmp(s, "local", 5))
		s += 5;
	if (s[0] >= '0' && s[0] <= '7' && s[1] == '\0')
		return local[s[0] - '0'];
	return -1;
}

static void
refuse(const char *opt, const char *why)
{
	fprintf(stderr, "vipd: %s: %s\n", opt, why);
	exit(2);
}

static void
ignored(const char *opt, const char *why)
{
	fprintf(stderr, "vipd: warning: %s is ignored: %s\n", opt, why);
}

/* keepalived options that vipd takes and that change nothing here. */
static bool
keepalived_noop(int ch)
{
	switch (ch) {
	case 'P': case 'R': case 'B': case OPT_ALL:
		return true;	/* vipd is only VRRP, in one process */
	case 'X':
		ignored("-X/--release-vips", "vipd removes its VIPs whenever "
		    "it leaves MASTER");
		return true;
	case 'I':
		ignored("-I/--dont-release-ipvs", "vipd runs no LVS");
		return true;
	case 'c':
		ignored("-c/--checkers_pid", "vipd has no checker process");
		return true;
	case 'b':
		ignored("-b/--bfd_pid", "vipd has no BFD process");
		return true;
	case 'a':
		ignored("-a/--address-monitoring", "vipd logs the address "
		    "changes that concern its VIPs");
		return true;
	case 'x':
		ignored("-x/--snmp", "vipd has no SNMP support (vipctl status "
		    "--json gives the same facts)");
		return true;
	case 'A':
		ignored("-A/--snmp-agent-socket", "vipd has no SNMP support");
		return true;
	case 'M':
		ignored("-M/--core-dump-pattern", "vipd leaves the system's "
		    "core pattern alone (-m allows core dumps)");
		return true;
	default:
		return false;
	}
}

static void
keepalived_refused(int ch)
{
	switch (ch) {
	case 'C':
		refuse("-C/--check", "LVS health checkers are not supported; "
		    "vipd runs VRRP only");
		break;
	case 'T':
		refuse("-T/--genhash", "genhash is an LVS tool; use keepalived's "
		    "genhash");
		break;
	case 'V':
		refuse("-V/--dont-release-vrrp", "vipd always removes its VIPs "
		    "when it stops, so that no two hosts hold them");
		break;
	case OPT_NAMESPACE:
		refuse("--namespace", "run vipd inside the namespace (ip netns "
		    "exec NAME vipd); vipd's -s is its control socket");
		break;
	}
}

static const struct option longopts[] = {
	{ "use-file", required_argument, NULL, 'f' },
	{ "dont-fork", no_argument, NULL, 'n' },
	{ "log-console", no_argument, NULL, 'l' },
	{ "log-detail", no_argument, NULL, 'D' },
	{ "log-facility", required_argument, NULL, 'S' },
	{ "no-syslog", no_argument, NULL, 'G' },
	{ "config-test", optional_argument, NULL, 't' },
	{ "config-id", required_argument, NULL, 'i' },
	{ "all-config", no_argument, NULL, 'e' },
	{ "dump-conf", no_argument, NULL, 'd' },
	{ "umask", required_argument, NULL, 'u' },
	{ "core-dump", no_argument, NULL, 'm' },
	{ "core-dump-pattern", optional_argument, NULL, 'M' },
	{ "pid", required_argument, NULL, 'p' },
	{ "socket", required_argument, NULL, 's' },
	{ "version", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "signum", required_argument, NULL, OPT_SIGNUM },
	{ "vrrp", no_argument, NULL, 'P' },
	{ "check", no_argument, NULL, 'C' },
	{ "no_bfd", no_argument, NULL, 'B' },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "dont-respawn", no_argument, NULL, 'R' },
	{ "release-vips", no_argument, NULL, 'X' },
	{ "dont-release-vrrp", no_argument, NULL, 'V' },
	{ "dont-release-ipvs", no_argument, NULL, 'I' },
	{ "vrrp_pid", required_argument, NULL, 'r' },
	{ "checkers_pid", required_argument, NULL, 'c' },
	{ "bfd_pid", required_argument, NULL, 'b' },
	{ "genhash", no_argument, NULL, 'T' },
	{ "address-monitoring", no_argument, NULL, 'a' },
	{ "snmp", no_argument, NULL, 'x' },
	{ "snmp-agent-socket", required_argument, NULL, 'A' },
	{ "namespace", required_argument, NULL, OPT_NAMESPACE },
	{ NULL, 0, NULL, 0 },
};

static void
parse_umask(struct vipd_options *o, const char *s)
{
	char *e;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &e, 0);
	if (errno != 0 || *e != '\0' || e == s || v > 0777)
		refuse("-u/--umask", "MASK must be a number up to 0777");
	o->umask = (unsigned)v;
	o->has_umask = true;
}

/* One option of vipd's own; false if @ch is none of them. */
static bool
own_option(struct vipd_options *o, int ch)
{
	switch (ch) {
	case 'f': o->conf = optarg; break;
	case 'n': o->foreground = true; break;
	case 'l': o->log_console = true; break;
	case 'D': o->detail = true; break;
	case 't':
		o->test = true;
		if (optarg != NULL)
			o->test_log = optarg;
		break;
	case 'i': o->config_id = optarg; break;
	case 'e': o->all_config = true; break;
	case 'd': o->dump_conf = true; break;
	case 'm': o->core_dump = true; break;
	case 'G': o->no_syslog = true; break;
	case 'u': parse_umask(o, optarg); break;
	case 'p': o->pidfile = optarg; break;
	case 's': o->sock = optarg; break;
	case 'r': o->vrrp_pidfile = optarg; break;
	case 'S':
		if ((o->facility = facility(optarg)) < 0)
			refuse("-S/--log-facility", "FACILITY must be 0-7, "
			    "local0-7, user or daemon");
		break;
	case OPT_SIGNUM: signum(optarg); break;
	case 'v': printf("vipd %s\n", VIPD_VERSION); exit(0);
	case 'h': usage(stdout); exit(0);
	default: return false;
	}
	return true;
}

void
vipd_options_parse(int argc, char **argv, struct vipd_options *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->pidfile = VIPD_PID_DEFAULT;
	o->sock = CTL_SOCKET_PATH;
	o->facility = LOG_DAEMON;
	while ((ch = getopt_long(argc, argv,
	    "f:nlDS:Gt::i:edu:mM::p:s:vhPCBRXVIr:c:b:TaxA:", longopts,
	    NULL)) != -1) {
		if (own_option(o, ch) || keepalived_noop(ch))
			continue;
		keepalived_refused(ch);
		usage(stderr);
		exit(2);
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
