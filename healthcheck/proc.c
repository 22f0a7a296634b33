/* SPDX-License-Identifier: ISC */
/* vrrp_track_process: kernel process events (proc connector), matching (pure), quorum with delays. */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "healthcheck/proc.h"
#include "lib/loop.h"

#define COMM_LEN	15	/* TASK_COMM_LEN without the NUL */
#define CMDLINE_MAX	4096
#define RCVBUF		(1 << 20)

/* Pure ------------------------------------------------------------------ */

static bool
one_event(const struct proc_event *pe, struct hc_proc_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	switch (pe->what) {
	case PROC_EVENT_FORK:
		if (pe->event_data.fork.child_pid !=
		    pe->event_data.fork.child_tgid)
			return false;	/* a new thread */
		ev->type = HC_PROC_FORK;
		ev->pid = pe->event_data.fork.child_tgid;
		ev->ppid = pe->event_data.fork.parent_tgid;
		return true;
	case PROC_EVENT_EXEC:
		ev->type = HC_PROC_EXEC;
		ev->pid = pe->event_data.exec.process_tgid;
		return true;
	case PROC_EVENT_COMM:
		if (pe->event_data.comm.process_pid !=
		    pe->event_data.comm.process_tgid)
			return false;	/* a thread renamed itself */
		ev->type = HC_PROC_COMM;
		ev->pid = pe->event_data.comm.process_tgid;
		memcpy(ev->comm, pe->event_data.comm.comm, COMM_LEN);
		return true;
	case PROC_EVENT_EXIT:
		if (pe->event_data.exit.process_pid !=
		    pe->event_data.exit.process_tgid)
			return false;
		ev->type = HC_PROC_EXIT;
		ev->pid = pe->event_data.exit.process_tgid;
		return true;
	default:
		return false;
	}
}

size_t
hc_proc_parse(const void *buf, size_t len, struct hc_proc_event *ev,
    size_t max)
{
	const struct nlmsghdr *nlh = buf;
	const struct cn_msg *cn;
	struct proc_event pe;
	size_t n = 0, plen;
	int rem = len > INT32_MAX ? INT32_MAX : (int)len;

	for (; n < max && mnl_nlmsg_ok(nlh, rem);
	    nlh = mnl_nlmsg_next(nlh, &rem)) {
		if (nlh->nlmsg_type != NLMSG_DONE)
			continue;	/* the connector sends NLMSG_DONE */
		plen = mnl_nlmsg_get_payload_len(nlh);
		if (plen < sizeof(*cn))
			continue;
		cn = mnl_nlmsg_get_payload(nlh);
		if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC ||
		    cn->len > plen - sizeof(*cn) || cn->len < sizeof(pe))
			continue;
		memcpy(&pe, cn->data, sizeof(pe));	/* may be unaligned */
		if (one_event(&pe, &ev[n]))
			n++;
	}
	return n;
}

static bool
param_eq(const char *want, const char *have, bool prefix)
{
	return prefix ? strncmp(want, have, strlen(want)) == 0 :
	    strcmp(want, have) == 0;
}

bool
hc_proc_match(const struct hc_proc_spec *s, const char *comm,
    const char *cmdline, size_t cmdlen)
{
	char buf[CMDLINE_MAX + 1];
	const char *w, *end, *p = s->params;
	unsigned i;

	if (!s->full_command)
		return strncmp(s->name, comm, COMM_LEN) == 0 &&
		    (strlen(s->name) <= COMM_LEN || strlen(comm) == COMM_LEN);
	/* cmdline: NUL-separated words; the last may lack its NUL. */
	if (cmdlen == 0)
		return false;
	if (cmdlen > CMDLINE_MAX)
		cmdlen = CMDLINE_MAX;
	memcpy(buf, cmdline, cmdlen);
	if (buf[cmdlen - 1] != '\0')
		buf[cmdlen++] = '\0';
	end = buf + cmdlen;
	if (strcmp(buf, s->name) != 0)
		return false;
	w = buf + strlen(buf) + 1;
	for (i = 0; i < s->nparams; i++, p += strlen(p) + 1) {
		if (w >= end)
			return false;
		if (!param_eq(p, w, s->match == HC_PROC_MATCH_INITIAL &&
		    i + 1 == s->nparams))
			return false;
		w += strlen(w) + 1;
	}
	return s->match != HC_PROC_MATCH_EXACT || w >= end;
}

bool
hc_proc_quorum(const struct hc_proc_spec *s, size_t n)
{
	return n >= s->quorum && n <= s->quorum_max;
}

/* The tracker ------------------------------------------------------------ */

struct hc_proc {
	struct loop *loop;
	const struct hc_proc_spec *spec;	/* = &own */
	struct hc_proc_spec own;	/* strings copied: a reload frees the
					 * configuration they came from */
	struct mnl_socket *nl;
	hc_proc_cb cb;
	void *arg;
	pid_t *pids;		/* the matching processes */
	size_t npids, cap;
	bool reported, ok;	/* the verdict last given */
	struct loop_timer delay;
};

static bool
has_pid(const struct hc_proc *t, pid_t pid, size_t *at)
{
	size_t i;

	for (i = 0; i < t->npids; i++)
		if (t->pids[i] == pid) {
			*at = i;
			return true;
		}
	return false;
}

static void
set_pid(struct hc_proc *t, pid_t pid, bool match)
{
	size_t at;
	pid_t *np;

	if (has_pid(t, pid, &at)) {
		if (!match)
			t->pids[at] = t->pids[--t->npids];
		return;
	}
	if (!match)
		return;
	if (t->npids == t->cap) {
		np = reallocarray(t->pids, t->cap ? t->cap * 2 : 8,
		    sizeof(*np));
		if (np == NULL)
			return;	/* counted low: fails safe */
		t->pids = np;
		t->cap = t->cap ? t->cap * 2 : 8;
	}
	t->pids[t->npids++] = pid;
}

static ssize_t
read_small(int dirfd, const char *name, char *buf, size_t cap)
{
	ssize_t n;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, cap);
	close(fd);
	return n;
}

/* Whether the running process pid matches; false if it is gone. */
static bool
pid_matches(const struct hc_proc *t, pid_t pid)
{
	char path[32], comm[32], cmd[CMDLINE_MAX];
	ssize_t n, cn = 0;
	int dfd;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return false;
	n = read_small(dfd, "comm", comm, sizeof(comm) - 1);
	if (t->spec->full_command)
		cn = read_small(dfd, "cmdline", cmd, sizeof(cmd));
	close(dfd);
	if (n <= 0 || cn < 0)
		return false;
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
	return hc_proc_match(t->spec, comm, cmd, (size_t)cn);
}

static void
report(struct hc_proc *t, bool ok)
{
	char reason[160];

	t->reported = true;
	t->ok = ok;
	snprintf(reason, sizeof(reason), "%zu process%s named %.64s "
	    "(quorum %u)", t->npids, t->npids == 1 ? "" : "es", t->spec->name,
	    t->spec->quorum);
	t->cb(ok, t->npids, reason, t->arg);
}

static void
on_delay(struct loop_timer *tm, uint64_t now, void *arg)
{
	struct hc_proc *t = arg;

	(void)tm;
	(void)now;
	report(t, hc_proc_quorum(t->spec, t->npids));
}

/* The count changed: report now, or once the delay has passed. */
static void
evaluate(struct hc_proc *t)
{
	bool ok = hc_proc_quorum(t->spec, t->npids);
	uint64_t d = ok ? t->spec->fork_delay_us : t->spec->terminate_delay_us;

	if (!t->reported || (ok != t->ok && d == 0)) {
		loop_timer_cancel(t->loop, &t->delay);
		report(t, ok);
	} else if (ok == t->ok) {
		loop_timer_cancel(t->loop, &t->delay);	/* a bounce */
	} else if (t->delay.when == 0) {
		loop_timer_set(t->loop, &t->delay, loop_now() + d);
	}
}

/* At start, and after the kernel dropped events (ENOBUFS) only. */
static void
scan(struct hc_proc *t)
{
	struct dirent *de;
	DIR *d = opendir("/proc");
	char *end;
	long pid;

	t->npids = 0;
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, &end, 10);
		if (*end == '\0' && pid > 0 && pid_matches(t, (pid_t)pid))
			set_pid(t, (pid_t)pid, true);
	}
	closedir(d);
}

static void
apply(struct hc_proc *t, const struct hc_proc_event *ev)
{
	size_t at;

	switch (ev->type) {
	case HC_PROC_FORK:
		if (has_pid(t, ev->ppid, &at))
			set_pid(t, ev->pid, true);
		break;
	case HC_PROC_EXEC:
	case HC_PROC_COMM:
		set_pid(t, ev->pid, pid_matches(t, ev->pid));
		break;
	case HC_PROC_EXIT:
		set_pid(t, ev->pid, false);
		break;
	}
}

static void
on_events(int fd, uint32_t events, void *arg)
{
	struct hc_proc *t = arg;
	char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct hc_proc_event ev[64];
	size_t i, n;
	ssize_t r;
	int rounds = 16;

	(void)fd;
	(void)events;
	while (rounds-- > 0) {
		r = mnl_socket_recvfrom(t->nl, buf, sizeof(buf));
		if (r < 0 && errno == ENOBUFS) {
			scan(t);	/* events were lost */
			continue;
		}
		if (r <= 0)
			break;
		n = hc_proc_parse(buf, (size_t)r, ev, 64);
		for (i = 0; i < n; i++)
			apply(t, &ev[i]);
	}
	evaluate(t);
}

/*
 * The proc connector's kernel socket lives in the initial network
 * namespace only (elsewhere, talking to it is ECONNREFUSED); a vipd in
 * another one (ip netns exec, a container sharing the host's pids) opens
 * its socket in that of init, or else of the first ancestor it may enter.
 */
static struct mnl_socket *
open_in_netns(int self, pid_t pid)
{
	struct mnl_socket *nl = NULL;
	char path[64];
	int ns, e;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if ((ns = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	if (setns(ns, CLONE_NEWNET) == 0) {
		nl = mnl_socket_open2(NETLINK_CONNECTOR, SOCK_NONBLOCK |
		    SOCK_CLOEXEC);
		e = errno;
		if (setns(self, CLONE_NEWNET) < 0)
			abort();	/* we would run in the wrong namespace */
		errno = e;
	}
	e = errno;
	close(ns);
	errno = e;
	return nl;
}

/* The parent of pid, from /proc/PID/stat; 0 if unknown. */
static pid_t
parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;
	long pp = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || sscanf(p + 1, " %*c %ld",
	    &pp) != 1)
		return 0;
	return (pid_t)pp;
}

static int
listen_events(struct mnl_socket *nl)
{
	char buf[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(int))]
	    __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct cn_msg *cn;
	int op = PROC_CN_MCAST_LISTEN, rcv = RCVBUF;

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_pid = mnl_socket_get_portid(nl);
	cn = mnl_nlmsg_put_extra_header(nlh, sizeof(*cn) + sizeof(op));
	cn->id.idx = CN_IDX_PROC;
	cn->id.val = CN_VAL_PROC;
	cn->len = sizeof(op);
	memcpy(cn->data, &op, sizeof(op));
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &rcv,
	    sizeof(rcv));
	return mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0 ? -1 : 0;
}

static int
subscribe(struct mnl_socket *nl)
{
	if (mnl_socket_bind(nl, CN_IDX_PROC, MNL_SOCKET_AUTOPID) < 0)
		return -1;
	return listen_events(nl);
}

/* Subscribed; -1 with errno, ECONNREFUSED: no connector there. */
static struct mnl_socket *
try_subscribe(struct mnl_socket *nl)
{
	int e;

	if (nl == NULL || subscribe(nl) == 0)
		return nl;
	e = errno;
	mnl_socket_close(nl);
	errno = e;
	return NULL;
}

/* Here, or where init or an ancestor lives when here has no connector. */
static struct mnl_socket *
open_connector(void)
{
	struct mnl_socket *nl;
	pid_t pid = getppid();
	bool perm;
	int self, i;

	nl = try_subscribe(mnl_socket_open2(NETLINK_CONNECTOR,
	    SOCK_NONBLOCK | SOCK_CLOEXEC));
	if (nl != NULL || errno != ECONNREFUSED)
		return nl;
	if ((self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	nl = try_subscribe(open_in_netns(self, 1));
	perm = nl == NULL && errno == EPERM;
	for (i = 0; nl == NULL && pid > 1 && i < 32; i++) {
		nl = try_subscribe(open_in_netns(self, pid));
		perm |= nl == NULL && errno == EPERM;
		pid = parent_of(pid);
	}
	close(self);
	if (nl == NULL)		/* EPERM: we may no longer change namespace */
		errno = perm ? EPERM : ECONNREFUSED;
	return nl;
}

struct hc_proc *
hc_proc_start(struct loop *l, const struct hc_proc_spec *spec, hc_proc_cb cb,
    void *arg)
{
	struct hc_proc *t = calloc(1, sizeof(*t));
	int e;

	if (t == NULL)
		return NULL;
	t->loop = l;
	t->own = *spec;
	t->own.name = strdup(spec->name);
	t->own.params = malloc(spec->params_len + 1);
	if (t->own.name == NULL || t->own.params == NULL) {
		free((char *)t->own.name);
		free((char *)t->own.params);
		free(t);
		errno = ENOMEM;
		return NULL;
	}
	memcpy((char *)t->own.params, spec->params, spec->params_len);
	t->spec = &t->own;
	t->cb = cb;
	t->arg = arg;
	loop_timer_init(&t->delay, on_delay, t);
	/* Listen first, then scan: no process slips between the two. */
	if ((t->nl = open_connector()) == NULL ||
	    loop_add_fd(l, mnl_socket_get_fd(t->nl), EPOLLIN, on_events,
	    t) < 0) {
		e = errno;
		if (t->nl != NULL)
			mnl_socket_close(t->nl);
		free((char *)t->own.name);
		free((char *)t->own.params);
		free(t);
		errno = e;
		return NULL;
	}
	scan(t);
	evaluate(t);
	return t;
}

size_t
hc_proc_count(const struct hc_proc *t)
{
	return t->npids;
}

void
hc_proc_stop(struct hc_proc *t)
{
	if (t == NULL)
		return;
	loop_timer_cancel(t->loop, &t->delay);
	loop_del_fd(t->loop, mnl_socket_get_fd(t->nl));
	mnl_socket_close(t->nl);
	free(t->pids);
	free((char *)t->own.name);
	free((char *)t->own.params);
	free(t);
}
