/* SPDX-License-Identifier: ISC */
/* Root-only test of vrrp/sock.c and vrrp/announce.c in two netns. */
/*
 * Built by `make build/san/socktest` and run by the system tier
 * (tests/system/test_kernel.py); by hand, as root, run build/san/socktest
 * from the repository top.
 * It creates namespaces vipd-sock-PID-a and vipd-sock-PID-b joined by a
 * veth pair with DAD off:
 *   A: va 02:00:00:00:00:0a  192.0.2.1/24, 192.0.2.3/24, 2001:db8::a/64
 *   B: vb 02:00:00:00:00:0b  192.0.2.2/24
 * runs the checks (TAP-style output) and deletes both namespaces on every
 * exit path. SIGINT/SIGTERM/SIGHUP are held until cleanup is done
 * (every wait is bounded), so an interrupt cannot leak namespaces; only
 * SIGKILL can, and the names carry the PID for `ip netns del`.
 * Exit status: 0 all passed, 1 a check failed, 77 not root (skip).
 *
 * The sockets are opened after setns() into each namespace and keep that
 * namespace afterwards, so one process drives both ends.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vrrp/announce.h"
#include "vrrp/arp.h"
#include "vrrp/sock.h"

#define WAIT_MS 2000

struct end {
	char ns[64];
	int nsfd;
	int ifindex;
	uint8_t ip4[4];
	uint8_t lla[16];
	uint8_t mac[6];
	int fd4, fd6, ann, snarp, snip6;
};

struct st {
	int n, fails;
	int home;
	struct end a, b;
};

static const uint8_t grp4[4] = { 224, 0, 0, 18 };
static const uint8_t grp6[16] = { 0xff, 0x02, [15] = 0x12 };
/* Extra addresses on A, to prove the source is the one asked for. */
static const uint8_t alt4[4] = { 192, 0, 2, 3 };
static const uint8_t alt6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x0a };

static void __attribute__((format(printf, 3, 4)))
check(struct st *t, int ok, const char *fmt, ...)
{
	va_list ap;

	t->n++;
	if (!ok)
		t->fails++;
	printf("%s %d - ", ok ? "ok" : "not ok", t->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* For messages: call first, then why(rc), as argument order is unspecified. */
static const char *
why(int rc)
{
	return rc < 0 ? strerror(errno) : "ok";
}

/* Run a command without a shell; returns its exit status or -1. */
static int
run(const char *arg0, ...)
{
	const char *argv[24];
	va_list ap;
	size_t i = 0;
	pid_t pid;
	int status;

	argv[i++] = arg0;
	va_start(ap, arg0);
	while (i < 23 && (argv[i] = va_arg(ap, const char *)) != NULL)
		i++;
	va_end(ap);
	argv[i] = NULL;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp(arg0, (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int
writefile(const char *path, const char *s)
{
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		rc = -1;
	close(fd);
	return rc;
}

static int
readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* Find the link-local address of ifname in the current netns. */
static int
find_lla(const char *ifname, uint8_t out[16])
{
	struct ifaddrs *ifa, *i;
	int found = 0;

	if (getifaddrs(&ifa) < 0)
		return 0;
	for (i = ifa; i != NULL && !found; i = i->ifa_next) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)i->ifa_addr;

		if (s6 == NULL || s6->sin6_family != AF_INET6 ||
		    strcmp(i->ifa_name, ifname) != 0 ||
		    !IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr))
			continue;
		memcpy(out, &s6->sin6_addr, 16);
		found = 1;
	}
	freeifaddrs(ifa);
	return found;
}

static int
sniffer(int ifindex, int proto)
{
	struct sockaddr_ll sll;
	int fd;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    htons(proto));
	if (fd < 0)
		return -1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(proto);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Inside e's namespace: wait for the link-local, open every socket. */
static int
open_end(struct st *t, struct end *e, const char *ifname)
{
	int i;

	if (setns(e->nsfd, CLONE_NEWNET) < 0)
		return -1;
	e->ifindex = (int)if_nametoindex(ifname);
	for (i = 0; i < 50 && !find_lla(ifname, e->lla); i++)
		poll(NULL, 0, 100);
	check(t, e->ifindex > 0 && i < 50, "%s: %s up with a link-local",
	      e->ns, ifname);
	e->fd4 = vrrp_sock_open4(ifname, e->ifindex);
	check(t, e->fd4 >= 0, "%s: vrrp_sock_open4 (%s)", e->ns, why(e->fd4));
	e->fd6 = vrrp_sock_open6(ifname, e->ifindex);
	check(t, e->fd6 >= 0, "%s: vrrp_sock_open6 (%s)", e->ns, why(e->fd6));
	e->ann = vrrp_announce_open(e->ifindex);
	check(t, e->ann >= 0, "%s: vrrp_announce_open (%s)", e->ns,
	      why(e->ann));
	e->snarp = sniffer(e->ifindex, ETH_P_ARP);
	e->snip6 = sniffer(e->ifindex, ETH_P_IPV6);
	check(t, e->snarp >= 0 && e->snip6 >= 0, "%s: sniffers", e->ns);
	return setns(t->home, CLONE_NEWNET);
}

static int
setup_ns(struct st *t)
{
	char path[128];

	if (run("ip", "netns", "add", t->a.ns, NULL) != 0 ||
	    run("ip", "netns", "add", t->b.ns, NULL) != 0)
		return -1;
	if (run("ip", "-n", t->a.ns, "link", "add", "va", "address",
		"02:00:00:00:00:0a", "type", "veth", "peer", "name", "vb",
		"address", "02:00:00:00:00:0b", "netns", t->b.ns, NULL) != 0)
		return -1;
	snprintf(path, sizeof(path), "/run/netns/%s", t->a.ns);
	t->a.nsfd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/run/netns/%s", t->b.ns);
	t->b.nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (t->a.nsfd < 0 || t->b.nsfd < 0)
		return -1;
	/* /proc/sys/net follows the caller's netns. No DAD: LLAs usable now. */
	if (setns(t->a.nsfd, CLONE_NEWNET) < 0 ||
	    writefile("/proc/sys/net/ipv6/conf/va/accept_dad", "0") < 0 ||
	    setns(t->b.nsfd, CLONE_NEWNET) < 0 ||
	    writefile("/proc/sys/net/ipv6/conf/vb/accept_dad", "0") < 0 ||
	    setns(t->home, CLONE_NEWNET) < 0)
		return -1;
	if (run("ip", "-n", t->a.ns, "addr", "add", "192.0.2.1/24", "dev",
		"va", NULL) != 0 ||
	    run("ip", "-n", t->a.ns, "addr", "add", "192.0.2.3/24", "dev",
		"va", NULL) != 0 ||
	    run("ip", "-n", t->a.ns, "addr", "add", "2001:db8::a/64", "dev",
		"va", "nodad", NULL) != 0 ||
	    run("ip", "-n", t->b.ns, "addr", "add", "192.0.2.2/24", "dev",
		"vb", NULL) != 0 ||
	    run("ip", "-n", t->a.ns, "link", "set", "va", "up", NULL) != 0 ||
	    run("ip", "-n", t->b.ns, "link", "set", "vb", "up", NULL) != 0)
		return -1;
	if (open_end(t, &t->a, "va") < 0 || open_end(t, &t->b, "vb") < 0)
		return -1;
	return 0;
}

static void
close_end(struct end *e)
{
	int *fds[] = { &e->fd4, &e->fd6, &e->ann, &e->snarp, &e->snip6,
		       &e->nsfd };
	size_t i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

/* Receive the next datagram on fd within WAIT_MS; -1 on timeout. */
static ssize_t
recv_wait(int fd, int family, uint8_t *buf, size_t cap,
	  struct vrrp_rxmeta *m)
{
	if (!readable(fd, WAIT_MS)) {
		errno = ETIMEDOUT;
		return -1;
	}
	return vrrp_sock_recv(fd, family, buf, cap, m);
}

static int
drained(int fd, int family)
{
	struct vrrp_rxmeta m;
	uint8_t buf[256];

	poll(NULL, 0, 100);
	return vrrp_sock_recv(fd, family, buf, sizeof(buf), &m) < 0 &&
	       errno == EAGAIN;
}

/* src -> dst over IPv4; the receiver checks the header and metadata. */
static void
v4_one(struct st *t, struct end *s, const uint8_t *src, struct end *r,
       const uint8_t *dst, const char *what)
{
	/* VRRPv2 advert, VRID 1, prio 100, 192.0.2.100; checksum irrelevant. */
	static const uint8_t adv[] = { 0x21, 1, 100, 1, 0, 1, 0x12, 0x34,
				       192, 0, 2, 100, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct vrrp_rxmeta m;
	uint8_t buf[256];
	ssize_t n;
	int rc;

	rc = vrrp_sock_send(s->fd4, AF_INET, s->ifindex, src, dst, adv,
			    sizeof(adv));
	check(t, rc == 0, "v4 %s: send (%s)", what, why(rc));
	n = recv_wait(r->fd4, AF_INET, buf, sizeof(buf), &m);
	check(t, n == 20 + (ssize_t)sizeof(adv), "v4 %s: received %zd bytes",
	      what, n);
	if (n != 20 + (ssize_t)sizeof(adv))
		return;
	check(t, buf[0] == 0x45 && buf[9] == 112, "v4 %s: IPv4, proto 112",
	      what);
	check(t, buf[8] == 255, "v4 %s: TTL %d == 255", what, buf[8]);
	check(t, !memcmp(buf + 12, src, 4) && !memcmp(buf + 16, dst, 4),
	      "v4 %s: header src/dst", what);
	check(t, !memcmp(buf + 20, adv, sizeof(adv)), "v4 %s: payload", what);
	check(t, m.family == AF_INET && m.ifindex == r->ifindex &&
		 !memcmp(m.src, src, 4) && !memcmp(m.dst, dst, 4) &&
		 m.hoplimit == -1,
	      "v4 %s: meta ifindex %d src/dst hoplimit %d", what, m.ifindex,
	      m.hoplimit);
}

static void
v6_one(struct st *t, struct end *s, const uint8_t *src, struct end *r,
       const uint8_t *dst, const char *what)
{
	/* v3 advert with a wrong checksum (0xdead): the kernel must pass it. */
	uint8_t adv[24] = { 0x31, 1, 100, 1, 0, 100, 0xde, 0xad };
	struct vrrp_rxmeta m;
	uint8_t buf[256];
	ssize_t n;
	int rc;

	memcpy(adv + 8, s->lla, 16);
	rc = vrrp_sock_send(s->fd6, AF_INET6, s->ifindex, src, dst, adv,
			    sizeof(adv));
	check(t, rc == 0, "v6 %s: send (%s)", what, why(rc));
	n = recv_wait(r->fd6, AF_INET6, buf, sizeof(buf), &m);
	check(t, n == (ssize_t)sizeof(adv), "v6 %s: received %zd bytes", what,
	      n);
	if (n != (ssize_t)sizeof(adv))
		return;
	check(t, !memcmp(buf, adv, sizeof(adv)),
	      "v6 %s: payload intact, bad checksum not dropped", what);
	check(t, m.hoplimit == 255, "v6 %s: hop limit %d == 255", what,
	      m.hoplimit);
	check(t, m.family == AF_INET6 && m.ifindex == r->ifindex &&
		 !memcmp(m.src, src, 16) && !memcmp(m.dst, dst, 16),
	      "v6 %s: meta ifindex %d src/dst", what, m.ifindex);
}

static void
test_v4(struct st *t)
{
	uint8_t big[64] = { 0x21 }, buf[16];
	struct vrrp_rxmeta m;
	ssize_t n;

	v4_one(t, &t->a, t->a.ip4, &t->b, grp4, "A->group");
	/* B answers; A's first datagram must be B's, not its own. */
	v4_one(t, &t->b, t->b.ip4, &t->a, grp4,
	       "B->group, A gets B's not its own");
	check(t, drained(t->a.fd4, AF_INET), "v4: A has nothing else queued");
	check(t, drained(t->b.fd4, AF_INET), "v4: B did not get its own");
	v4_one(t, &t->a, t->a.ip4, &t->b, t->b.ip4, "A->B unicast");
	/* The kernel would pick 192.0.2.1; the source must be forced. */
	v4_one(t, &t->a, alt4, &t->b, grp4, "A->group from secondary");
	vrrp_sock_send(t->a.fd4, AF_INET, t->a.ifindex, t->a.ip4, grp4, big,
		       sizeof(big));
	n = recv_wait(t->b.fd4, AF_INET, buf, sizeof(buf), &m);
	check(t, n == -1 && errno == EMSGSIZE, "v4: truncated -> EMSGSIZE");
	check(t, drained(t->b.fd4, AF_INET), "v4: truncated one consumed");
}

static void
test_v6(struct st *t)
{
	v6_one(t, &t->a, t->a.lla, &t->b, grp6, "A->group");
	v6_one(t, &t->b, t->b.lla, &t->a, grp6,
	       "B->group, A gets B's not its own");
	check(t, drained(t->a.fd6, AF_INET6), "v6: A has nothing else queued");
	check(t, drained(t->b.fd6, AF_INET6), "v6: B did not get its own");
	v6_one(t, &t->a, t->a.lla, &t->b, t->b.lla, "A->B unicast link-local");
	/* Link-scoped dst: the kernel would pick the link-local. */
	v6_one(t, &t->a, alt6, &t->b, grp6, "A->group from 2001:db8::a");
}

/* Wait for frame (len bytes) on a sniffer, skipping other traffic. */
static int
sniff_frame(int fd, const uint8_t *frame, size_t len)
{
	uint8_t buf[2048];
	ssize_t n;

	while (readable(fd, WAIT_MS)) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n >= (ssize_t)len && !memcmp(buf, frame, len))
			return 1;
	}
	return 0;
}

static void
test_announce(struct st *t)
{
	static const uint8_t vip4[4] = { 192, 0, 2, 5 };
	static const uint8_t vip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 5 };
	uint8_t f[128];
	int len, rc;

	len = vrrp_arp_build(f, sizeof(f), t->a.mac, vip4);
	rc = vrrp_announce_send(t->a.ann, t->a.ifindex, f, (size_t)len);
	check(t, rc == 0, "garp: send (%s)", why(rc));
	check(t, sniff_frame(t->b.snarp, f, (size_t)len),
	      "garp: B saw the exact frame");
	len = vrrp_na_build(f, sizeof(f), t->a.mac, vip6);
	rc = vrrp_announce_send(t->a.ann, t->a.ifindex, f, (size_t)len);
	check(t, rc == 0, "na: send (%s)", why(rc));
	check(t, sniff_frame(t->b.snip6, f, (size_t)len),
	      "na: B saw the exact frame");
	check(t, recv(t->a.ann, f, sizeof(f), 0) < 0 && errno == EAGAIN,
	      "announce socket receives nothing");
}

static void
test_errors(struct st *t)
{
	static const uint8_t z[16];
	struct vrrp_rxmeta m;
	uint8_t f[8] = { 0 };

	errno = 0;
	check(t, vrrp_sock_open4("", 1) < 0 && errno == EINVAL, "open4 \"\"");
	check(t, vrrp_sock_open4("a-name-far-too-long", 1) < 0 &&
		 errno == EINVAL, "open4 long name");
	check(t, vrrp_sock_open6("va", 0) < 0 && errno == EINVAL,
	      "open6 ifindex 0");
	check(t, vrrp_sock_open4(NULL, 1) < 0 && errno == EINVAL,
	      "open4 NULL");
	check(t, vrrp_sock_open4("vipdnosuch0", 1) < 0 && errno == ENODEV,
	      "open4 missing interface -> ENODEV");
	check(t, vrrp_sock_send(t->a.fd4, AF_UNIX, 1, z, z, f, 1) < 0 &&
		 errno == EAFNOSUPPORT, "send AF_UNIX");
	check(t, vrrp_sock_send(t->a.fd4, AF_INET, 1, NULL, z, f, 1) < 0 &&
		 errno == EINVAL, "send NULL src");
	check(t, vrrp_sock_recv(t->a.fd4, AF_UNIX, f, 8, &m) < 0 &&
		 errno == EAFNOSUPPORT && m.hoplimit == -1, "recv AF_UNIX");
	check(t, vrrp_sock_recv(t->a.fd4, AF_INET, f, 8, NULL) < 0 &&
		 errno == EINVAL, "recv NULL meta");
	check(t, vrrp_announce_open(0) < 0 && errno == EINVAL,
	      "announce_open 0");
	check(t, vrrp_announce_send(t->a.ann, t->a.ifindex, f, sizeof(f)) < 0 &&
		 errno == EINVAL, "announce_send short frame");
}

static void
init_end(struct end *e, const char *tag, uint8_t host)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->ns, sizeof(e->ns), "vipd-sock-%ld-%s", (long)getpid(),
		 tag);
	e->nsfd = e->fd4 = e->fd6 = e->ann = e->snarp = e->snip6 = -1;
	e->ip4[0] = 192;
	e->ip4[2] = 2;
	e->ip4[3] = host;
	e->mac[0] = 0x02;
	e->mac[5] = host == 1 ? 0x0a : 0x0b;
}

int
main(void)
{
	struct st t;
	sigset_t hold, pend;
	int rc, intr;

	if (geteuid() != 0) {
		fprintf(stderr, "socktest: needs root (netns, raw sockets)\n");
		return 77;
	}
	sigemptyset(&hold);
	sigaddset(&hold, SIGINT);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGHUP);
	sigprocmask(SIG_BLOCK, &hold, NULL);
	memset(&t, 0, sizeof(t));
	init_end(&t.a, "a", 1);
	init_end(&t.b, "b", 2);
	t.home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	printf("# namespaces %s %s\n", t.a.ns, t.b.ns);
	rc = t.home < 0 ? -1 : setup_ns(&t);
	if (rc < 0)
		check(&t, 0, "setup (%s)", why(rc));
	else {
		test_v4(&t);
		test_v6(&t);
		test_announce(&t);
		test_errors(&t);
	}
	if (t.home >= 0)
		setns(t.home, CLONE_NEWNET);
	close_end(&t.a);
	close_end(&t.b);
	run("ip", "netns", "del", t.a.ns, NULL);
	run("ip", "netns", "del", t.b.ns, NULL);
	sigpending(&pend);
	intr = sigismember(&pend, SIGINT) || sigismember(&pend, SIGTERM) ||
	       sigismember(&pend, SIGHUP);
	printf("# %d checks, %d failed%s\n", t.n, t.fails,
	       intr ? " (interrupted)" : "");
	return t.fails == 0 && t.n > 0 && !intr ? 0 : 1;
}
