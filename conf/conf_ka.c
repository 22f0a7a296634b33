/* SPDX-License-Identifier: ISC */
/*
 * keepalived 2.2.7's vocabulary: the answer for every keyword of its VRRP,
 * global_defs and top-level grammar that is not a vipd keyword (those are
 * in the keyword tables, with their handlers, and take precedence).  The
 * list was made from keepalived 2.2.7's install_keyword() calls; the test
 * tests/config/keywords.sh walks it (tests/config/keepalived-2.2.7.keywords)
 * and fails on any "unknown keyword".
 */

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"
#include "conf/conf_lex.h"

/*
 * Each is:
 *  ACCEPT  taken without a message: vipd always behaves as it asks;
 *  WARN    taken and ignored, with a warning that says why it changes
 *          nothing here (e-mail alerts, SNMP, tuning of processes that
 *          vipd does not have);
 *  DESIGN  an error: a feature vipd leaves out on purpose (LVS, BFD, ...),
 *          with the reason;
 *  YET     an error: a feature vipd does not have yet; ignoring it would
 *          change what the host does;
 *  SAY     an error with the whole message in the text.
 * vipd.conf(5) lists this table; keep the two in step.
 */
enum ka_action { KA_ACCEPT, KA_WARN, KA_DESIGN, KA_YET, KA_SAY };

#define T	(1u << CONF_BLK_TOP)
#define G	(1u << CONF_BLK_GLOBAL)
#define I	(1u << CONF_BLK_INSTANCE)
#define S	(1u << CONF_BLK_SYNC)

struct ka_kw {
	const char *name;
	unsigned blocks;
	enum ka_action action;
	const char *text;
};

#define EMAIL	"vipd does not send email alerts (use notify scripts)"
#define SNMP	"vipd has no SNMP support (vipctl status --json gives the " \
	"same facts)"
#define DBUS	"vipd has no DBus interface (vipctl does what it offers)"
#define LVS	"LVS load balancing; vipd does VRRP failover only"
#define LVSW	"it tunes keepalived's LVS checker, which vipd does not have"
#define BFD	"BFD; vipd's health sources are its Postfix checks"
#define BFDW	"it tunes keepalived's BFD process, which vipd does not have"
#define PROC	"vipd runs as one process, named vipd"
#define NLBUF	"vipd sizes its netlink and socket buffers itself"
#define FW	"vipd installs no firewall rules: it always accepts traffic " \
	"to the VIP, which mail needs"
#define RELOAD	"a keepalived reload setting; vipd checks a new "\
	"configuration itself before it takes it (SIGHUP)"
#define VMAC	"virtual MAC interfaces"
#define GARPX	"GARP on other interfaces"
#define FIFOP	"priority-change lines in notify FIFOs; the state lines work"

static const struct ka_kw ka_table[] = {
	/* Top level. */
	{ "virtual_server", T, KA_DESIGN, LVS },
	{ "virtual_server_group", T, KA_DESIGN, LVS },
	{ "SSL", T, KA_DESIGN, LVS },
	{ "bfd_instance", T, KA_DESIGN, BFD },
	{ "net_namespace_ipvs", T, KA_WARN, LVSW },
	{ "namespace_with_ipsets", T, KA_WARN, FW },
	{ "net_namespace", T, KA_DESIGN, "run vipd inside the namespace "
	    "(ip netns exec NAME vipd)" },
	{ "use_pid_dir", T, KA_WARN, "vipd's pid file is set with -p" },
	{ "instance", T, KA_WARN, "it names keepalived's pid and data files; "
	    "vipd's are set with -p and -s" },
	{ "child_wait_time", T, KA_WARN, PROC },
	{ "linkbeat_use_polling", T | I, KA_WARN, "vipd follows link state "
	    "by netlink events, never by polling" },
	{ "linkbeat_interfaces", T, KA_WARN, "vipd follows link state by "
	    "netlink events, never by polling" },
	{ "track_group", T, KA_YET, "track groups" },
	{ "static_track_group", T, KA_YET, "track groups" },
	{ "garp_group", T, KA_YET, GARPX },
	{ "interface_up_down_delays", T, KA_YET, "interface up/down delays" },
	/* Keyword-table entries, once vipd has them, take precedence. */

	/* global_defs. */
	{ "process_names", G, KA_WARN, PROC },
	{ "process_name", G, KA_WARN, PROC },
	{ "vrrp_process_name", G, KA_WARN, PROC },
	{ "checker_process_name", G, KA_WARN, PROC },
	{ "lvs_process_name", G, KA_WARN, PROC },
	{ "bfd_process_name", G, KA_WARN, PROC },
	{ "notification_email", G, KA_WARN, EMAIL },
	{ "notification_email_from", G, KA_WARN, EMAIL },
	{ "smtp_server", G, KA_WARN, EMAIL },
	{ "smtp_helo_name", G, KA_WARN, EMAIL },
	{ "smtp_connect_timeout", G, KA_WARN, EMAIL },
	{ "smtp_alert", G | I | S, KA_WARN, EMAIL },
	{ "smtp_alert_vrrp", G, KA_WARN, EMAIL },
	{ "smtp_alert_checker", G, KA_WARN, EMAIL },
	{ "no_email_faults", G, KA_WARN, EMAIL },
	{ "no_checker_emails", G, KA_WARN, EMAIL },
	{ "startup_script", G, KA_YET, "start-up and shut-down scripts" },
	{ "startup_script_timeout", G, KA_YET, "start-up and shut-down "
	    "scripts" },
	{ "shutdown_script", G, KA_YET, "start-up and shut-down scripts" },
	{ "shutdown_script_timeout", G, KA_YET, "start-up and shut-down "
	    "scripts" },
	{ "min_auto_priority_delay", G, KA_WARN, "vipd takes its real-time "
	    "priority at start (see vrrp_rt_priority), not after delays" },
	{ "checker_log_all_failures", G, KA_WARN, LVSW },
	{ "dynamic_interfaces", G, KA_YET, "interfaces that appear after "
	    "start" },
	{ "default_interface", G, KA_YET, "a default interface; give each "
	    "instance its interface" },
	{ "disable_local_igmp", G, KA_YET, "IGMP control" },
	{ "lvs_id", G, KA_WARN, LVSW },
	{ "lvs_timeouts", G, KA_WARN, LVSW },
	{ "lvs_flush", G, KA_WARN, LVSW },
	{ "lvs_flush_on_stop", G, KA_WARN, LVSW },
	{ "lvs_flush_onstop", G, KA_WARN, LVSW },
	{ "lvs_sync_daemon", G, KA_DESIGN, LVS },
	{ "lvs_notify_fifo", G, KA_WARN, LVSW },
	{ "lvs_notify_fifo_script", G, KA_WARN, LVSW },
	{ "checker_priority", G, KA_WARN, LVSW },
	{ "checker_no_swap", G, KA_WARN, LVSW },
	{ "checker_rt_priority", G, KA_WARN, LVSW },
	{ "checker_cpu_affinity", G, KA_WARN, LVSW },
	{ "checker_rlimit_rttime", G, KA_WARN, LVSW },
	{ "checker_rlimit_rtime", G, KA_WARN, LVSW },
	{ "lvs_netlink_cmd_rcv_bufs", G, KA_WARN, LVSW },
	{ "lvs_netlink_cmd_rcv_bufs_force", G, KA_WARN, LVSW },
	{ "lvs_netlink_monitor_rcv_bufs", G, KA_WARN, LVSW },
	{ "lvs_netlink_monitor_rcv_bufs_force", G, KA_WARN, LVSW },
	{ "rs_init_notifies", G, KA_WARN, LVSW },
	{ "nftables_ipvs", G, KA_WARN, LVSW },
	{ "nftables_ipvs_priority", G, KA_WARN, LVSW },
	{ "nftables_ipvs_start_fwmark", G, KA_WARN, LVSW },
	{ "bfd_priority", G, KA_WARN, BFDW },
	{ "bfd_no_swap", G, KA_WARN, BFDW },
	{ "bfd_rt_priority", G, KA_WARN, BFDW },
	{ "bfd_cpu_affinity", G, KA_WARN, BFDW },
	{ "bfd_rlimit_rttime", G, KA_WARN, BFDW },
	{ "bfd_rlimit_rtime", G, KA_WARN, BFDW },
	{ "vrrp_down_timer_adverts", G, KA_YET, "a changed Master_Down "
	    "timer" },
	{ "vrrp_min_garp", G, KA_SAY, "\"vrrp_min_garp\" is not supported: "
	    "use vrrp_garp_master_repeat 1 and vrrp_garp_master_delay 0" },
	{ "vrrp_garp_extra_if", G, KA_YET, GARPX },
	{ "vrrp_vmac_garp_intvl", G, KA_YET, GARPX },
	{ "vrrp_iptables", G, KA_WARN, FW },
	{ "vrrp_ipsets", G, KA_WARN, FW },
	{ "nftables", G, KA_WARN, FW },
	{ "nftables_priority", G, KA_WARN, FW },
	{ "nftables_ifindex", G, KA_WARN, FW },
	{ "nftables_counters", G, KA_WARN, FW },
	{ "vrrp_cpu_affinity", G, KA_WARN, "vipd's loop is one light "
	    "thread; pin it with systemd's CPUAffinity= if you must" },
	{ "vrrp_notify_priority_changes", G, KA_YET, FIFOP },
	{ "fifo_write_vrrp_states_on_reload", G, KA_YET, FIFOP },
	{ "snmp_socket", G, KA_WARN, SNMP },
	{ "enable_traps", G, KA_WARN, SNMP },
	{ "enable_snmp_vrrp", G, KA_WARN, SNMP },
	{ "enable_snmp_keepalived", G, KA_WARN, SNMP },
	{ "enable_snmp_checker", G, KA_WARN, SNMP },
	{ "enable_snmp_rfc", G, KA_WARN, SNMP },
	{ "enable_snmp_rfcv2", G, KA_WARN, SNMP },
	{ "enable_snmp_rfcv3", G, KA_WARN, SNMP },
	{ "enable_dbus", G, KA_WARN, DBUS },
	{ "dbus_service_name", G, KA_WARN, DBUS },
	{ "vrrp_netlink_cmd_rcv_bufs", G, KA_WARN, NLBUF },
	{ "vrrp_netlink_cmd_rcv_bufs_force", G, KA_WARN, NLBUF },
	{ "vrrp_netlink_monitor_rcv_bufs", G, KA_WARN, NLBUF },
	{ "vrrp_netlink_monitor_rcv_bufs_force", G, KA_WARN, NLBUF },
	{ "process_monitor_rcv_bufs", G, KA_WARN, NLBUF },
	{ "process_monitor_rcv_bufs_force", G, KA_WARN, NLBUF },
	{ "vrrp_rx_bufs_policy", G, KA_WARN, NLBUF },
	{ "vrrp_rx_bufs_multiplier", G, KA_WARN, NLBUF },
	{ "log_unknown_vrids", G, KA_WARN, "vipd counts adverts for VRIDs "
	    "it does not run (vipctl status: drops_unknown_vrid) instead" },
	{ "vmac_prefix", G, KA_YET, VMAC },
	{ "vmac_addr_prefix", G, KA_YET, VMAC },
	{ "random_seed", G, KA_WARN, "vipd has no $_RANDOM" },
	{ "reload_check_config", G, KA_WARN, RELOAD },
	{ "reload_time_file", G, KA_WARN, RELOAD },
	{ "reload_repeat", G, KA_WARN, RELOAD },
	{ "reload_file", G, KA_WARN, RELOAD },
	{ "include_check", G, KA_WARN, RELOAD },
	{ "config_save_dir", G, KA_WARN, RELOAD },
	{ "tmp_config_directory", G, KA_WARN, "vipd keeps no copy of its "
	    "configuration" },
	{ "data_use_instance", G, KA_WARN, "vipd writes no data files "
	    "(vipctl status gives the data)" },

	/* vrrp_instance. */
	{ "use_vmac_addr", I, KA_YET, VMAC },
	{ "use_ipvlan", I, KA_YET, VMAC },
	{ "unicast_fault_no_peer", I, KA_ACCEPT, "vipd never falls back to "
	    "multicast" },
	{ "old_unicast_checksum", I, KA_YET, "keepalived's pre-1.3.6 unicast "
	    "checksum" },
	{ "native_ipv6", I, KA_YET, "native_ipv6" },
	{ "vrf", I, KA_YET, "VRFs" },
	{ "track_bfd", I | S, KA_DESIGN, BFD },
	{ "mcast_dst_ip", I, KA_YET, "VRRP groups other than 224.0.0.18 and "
	    "ff02::12" },
	{ "track_src_ip", I, KA_YET, "tracking the source address" },
	{ "promote_secondaries", I, KA_YET, "promote_secondaries" },
	{ "no_accept", I, KA_SAY, "\"no_accept\" is refused: mail needs the "
	    "VIP to accept traffic (vipd always runs in Accept_Mode)" },
	{ "skip_check_adv_addr", I, KA_SAY, "\"skip_check_adv_addr\" is not "
	    "supported per instance: use vrrp_skip_check_adv_addr in "
	    "global_defs" },
	{ "debug", I, KA_WARN, "use vipd -D for detailed logs" },
	{ "notify_deleted", I | S, KA_YET, "notify_deleted" },
	{ "notify_master_rx_lower_pri", I, KA_YET, "notify_master_rx_lower_pri" },
	{ "notify_priority_changes", I | S, KA_YET, FIFOP },
	{ "lvs_sync_daemon_interface", I, KA_DESIGN, LVS },
	{ "down_timer_adverts", I, KA_YET, "a changed Master_Down timer" },
	{ "garp_extra_if", I, KA_YET, GARPX },
	{ "vmac_garp_intvl", I, KA_YET, GARPX },
	{ "kernel_rx_buf_size", I, KA_WARN, NLBUF },
	{ NULL, 0, KA_ACCEPT, NULL },
};

static const struct ka_kw *
ka_find(enum conf_blk b, const char *name)
{
	const struct ka_kw *t;

	for (t = ka_table; t->name != NULL; t++)
		if ((t->blocks & (1u << b)) && !strcmp(t->name, name))
			return t;
	return NULL;
}

static void
ka_report(struct conf_parser *p, const struct ka_kw *ka)
{
	switch (ka->action) {
	case KA_ACCEPT:
		break;
	case KA_WARN:
		conf_pwarn(p, "\"%s\" is ignored: %s", ka->name, ka->text);
		break;
	case KA_DESIGN:
		conf_perr(p, "\"%s\" is refused by design: %s", ka->name,
		    ka->text);
		break;
	case KA_YET:
		conf_perr(p, "\"%s\" (%s) is not supported yet by vipd",
		    ka->name, ka->text);
		break;
	case KA_SAY:
		conf_perr(p, "%s", ka->text);
		break;
	}
}

bool
conf_ka_known(const char *name)
{
	const struct ka_kw *t;

	for (t = ka_table; t->name != NULL; t++)
		if (!strcmp(t->name, name))
			return true;
	return false;
}

void
conf_kw_unknown(struct conf_parser *p, enum conf_blk b, const char *kw)
{
	static const enum conf_blk blks[] = { CONF_BLK_TOP, CONF_BLK_GLOBAL,
	    CONF_BLK_INSTANCE, CONF_BLK_AUTH, CONF_BLK_SMTP_CHECK,
	    CONF_BLK_POSTFIX_CHECK, CONF_BLK_SYNC };
	const struct ka_kw *ka = ka_find(b, kw);
	char r[CONF_REPR_MAX];
	size_t i, idx;

	for (i = 0; i < sizeof(blks) / sizeof(blks[0]) && ka == NULL; i++)
		if (blks[i] != b && conf_kw_find(blks[i], kw, &idx) != NULL) {
			conf_perr(p, "\"%s\" is not valid in %s (it belongs in "
			    "%s)", kw, conf_kw_blk_name(b),
			    conf_kw_blk_name(blks[i]));
			return;
		}
	if (ka != NULL)
		ka_report(p, ka);
	else if (conf_ka_known(kw))
		conf_perr(p, "\"%s\" is not valid in %s", kw,
		    conf_kw_blk_name(b));
	else if (kw[0] == '$')
		conf_perr(p, "\"%s\": no such definition (define it first "
		    "with $NAME=value at the start of a line)",
		    CONF_REPR(r, kw));
	else if (kw[0] == '~')
		conf_perr(p, "\"%s\": only ~SEQ and ~LST lines are known",
		    CONF_REPR(r, kw));
	else
		conf_perr(p, "unknown keyword \"%s\" in %s", CONF_REPR(r, kw),
		    conf_kw_blk_name(b));
}
