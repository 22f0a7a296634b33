/* SPDX-License-Identifier: ISC */
/* SMTP probe against a scripted fake server (forked child on 127.0.0.1/::1): every verdict, TLS included. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "lib/loop.h"
#include "healthcheck/smtp_probe.h"

#define DAY	86400L
#define CN	"mx.example.test"
#define GREET	"220 " CN " ESMTP Postfix\r\n"
#define EHLO_PLAIN "250-" CN "\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n" \
		   "250 8BITMIME\r\n"
#define EHLO_TLS "250-" CN "\r\n250-PIPELINING\r\n250 STARTTLS\r\n"
#define RCPT	"postmaster@example.test"

/* One step of the fake server's script; a zeroed step ends it. */
struct step {
	const char *expect;	/* line the client must send (no CRLF) */
	const char *send;	/* then send this */
	const char *send2;	/* 30 ms later, send this too */
	unsigned flags;
};
#define S_QUIET	0x01	/* first: the client must stay silent 50 ms */
#define S_TLS	0x02	/* after sending: server side of the handshake */
#define S_CLOSE	0x04	/* after sending: hang up */
#define S_HANG	0x08	/* after sending: wait for EOF, no data allowed */
#define S_DRAIN	0x10	/* after sending: read and ignore until EOF */

struct cert {
	EVP_PKEY *key;
	X509 *x509;
	char path[64];		/* PEM copy, the trust anchor for verify */
};

struct fixture {
	struct hc_tls_ctx *tls;	/* no verification */
	struct cert valid, expired, soon;
};

/* Fake server (child process) ------------------------------------- */

struct sconn {
	int fd;
	SSL *ssl;
	char buf[2048];
	size_t len;
};

static ssize_t
s_read(struct sconn *s, char *b, size_t n)
{
	ssize_t r;

	if (s->ssl != NULL) {
		int k = SSL_read(s->ssl, b, (int)n);
		return k > 0 ? k : 0;
	}
	do {
		r = read(s->fd, b, n);
	} while (r < 0 && errno == EINTR);
	return r > 0 ? r : 0;
}

static void
s_write(struct sconn *s, const char *b)
{
	size_t n = strlen(b), off = 0;
	ssize_t w;

	if (s->ssl != NULL) {
		SSL_write(s->ssl, b, (int)n);
		return;
	}
	while (off < n && (w = write(s->fd, b + off, n - off)) > 0)
		off += (size_t)w;
}

/* The next line without CR/LF; -1 on EOF. */
static int
s_line(struct sconn *s, char *line, size_t max)
{
	for (;;) {
		char *lf = memchr(s->buf, '\n', s->len);
		ssize_t r;

		if (lf != NULL) {
			size_t n = (size_t)(lf - s->buf);
			size_t c = n > 0 && s->buf[n - 1] == '\r' ? n - 1 : n;

			c = c < max ? c : max - 1;
			memcpy(line, s->buf, c);
			line[c] = '\0';
			s->len -= n + 1;
			memmove(s->buf, lf + 1, s->len);
			return 0;
		}
		if (s->len == sizeof(s->buf) ||
		    (r = s_read(s, s->buf + s->len,
		    sizeof(s->buf) - s->len)) <= 0)
			return -1;
		s->len += (size_t)r;
	}
}

/* Wait for the client to hang up; -1 if it sent anything (unless drain). */
static int
s_wait_eof(struct sconn *s, bool drain)
{
	char b[512];

	if (s->len > 0 && !drain)
		return -1;
	while (s_read(s, b, sizeof(b)) > 0)
		if (!drain)
			return -1;
	return 0;
}

static int
s_start_tls(struct sconn *s, const struct cert *ct)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (ctx == NULL || !SSL_CTX_use_certificate(ctx, ct->x509) ||
	    !SSL_CTX_use_PrivateKey(ctx, ct->key) ||
	    (s->ssl = SSL_new(ctx)) == NULL || !SSL_set_fd(s->ssl, s->fd))
		return -1;
	return SSL_accept(s->ssl) == 1 ? 0 : -1;
}

/* Exit status: 0 if the client did exactly what the script expects. */
static int
serve(int lfd, const struct step *sc, const struct cert *ct)
{
	struct sconn s = { .fd = -1 };
	struct pollfd pfd;
	char line[1024];
	int i;

	if ((s.fd = accept(lfd, NULL, NULL)) < 0)
		return 99;
	for (i = 0; sc[i].expect || sc[i].send || sc[i].flags; i++) {
		const struct step *st = &sc[i];

		pfd.fd = s.fd;
		pfd.events = POLLIN;
		/* postscreen's pre-greet test: nothing before the 220. */
		if ((st->flags & S_QUIET) && poll(&pfd, 1, 50) != 0)
			return 40 + i;
		if (st->expect != NULL &&
		    (s_line(&s, line, sizeof(line)) < 0 ||
		    strcmp(line, st->expect) != 0)) {
			fprintf(stderr, "server: step %d: got \"%s\"\n", i,
			    line);
			return 10 + i;
		}
		if (st->send != NULL)
			s_write(&s, st->send);
		if (st->send2 != NULL) {
			usleep(30000);
			s_write(&s, st->send2);
		}
		if (st->flags & S_CLOSE)
			return 0;
		if (st->flags & (S_HANG | S_DRAIN))
			return s_wait_eof(&s, st->flags & S_DRAIN) ? 60 + i : 0;
		if ((st->flags & S_TLS) && s_start_tls(&s, ct) < 0)
			return 70 + i;
	}
	return s_wait_eof(&s, false) ? 90 : 0;
}

/* Client side: run the probe in a loop -------------------------------- */

struct run {
	struct loop *l;
	struct hc_smtp_result res;
	int calls;
};

static void
done_cb(const struct hc_smtp_result *r, void *arg)
{
	struct run *run = arg;

	run->res = *r;
	run->calls++;
	loop_stop(run->l);
}

static void
stop_cb(struct loop_timer *t, uint64_t now, void *arg)
{
	(void)t;
	(void)now;
	loop_stop(arg);
}

static void
probe_once(const struct hc_smtp_conf *c, struct hc_tls_ctx *tls,
    struct hc_smtp_result *out)
{
	struct run run = { 0 };
	struct loop_timer guard;

	run.l = loop_new();
	assert_non_null(run.l);
	loop_timer_init(&guard, stop_cb, run.l);
	loop_timer_set(run.l, &guard, loop_now() + 5000000);
	assert_non_null(hc_smtp_probe_start(run.l, c, tls, loop_now(),
	    done_cb, &run));
	/* Never synchronously, even when the connect fails at once. */
	assert_int_equal(run.calls, 0);
	assert_int_equal(loop_run(run.l), 0);
	assert_int_equal(run.calls, 1);
	loop_free(run.l);
	*out = run.res;
}

static int
listen_on(int family, uint16_t *port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t len = family == AF_INET6 ? sizeof(*sin6) : sizeof(*sin);
	int fd;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET6)
		sin6->sin6_addr = in6addr_loopback;
	else
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(family == AF_INET6 ? sin6->sin6_port : sin->sin_port);
	return fd;
}

/* Probe a forked server playing script; the server must be satisfied. */
static void
run_script(const struct step *script, struct hc_smtp_conf *c,
    struct hc_tls_ctx *tls, const struct cert *ct, struct hc_smtp_result *r)
{
	int lfd = listen_on(c->family, &c->port), st = 0;
	pid_t pid;

	assert_true(lfd >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(10);
		_exit(serve(lfd, script, ct));
	}
	close(lfd);
	probe_once(c, tls, r);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void
check(const struct hc_smtp_result *r, enum hc_class cls,
    enum hc_smtp_step step, int code, const char *text, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
check(const struct hc_smtp_result *r, enum hc_class cls,
    enum hc_smtp_step step, int code, const char *text, const char *fmt, ...)
{
	char reason[HC_SMTP_REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	assert_string_equal(r->reason, reason);
	assert_int_equal(r->cls, cls);
	assert_int_equal(r->step, step);
	assert_int_equal(r->code, code);
	assert_string_equal(r->text, text);
	assert_true(r->latency_us > 0);
}

static void
base_conf(struct hc_smtp_conf *c)
{
	hc_smtp_conf_defaults(c, "probe.test");
	c->step_timeout_ms = 1000;
	c->timeout_ms = 3000;
}

/* Plain sessions ---------------------------------------------------- */

static void
test_good_session(void **state)
{
	static const struct step sc[] = {
		{ .flags = S_QUIET, .send = GREET },
		{ "EHLO probe.test", EHLO_PLAIN, NULL, 0 },
		{ "MAIL FROM:<>", "250 2.1.0 Ok\r\n", NULL, 0 },
		{ "RCPT TO:<" RCPT ">", "250 2.1.5 Ok\r\n", NULL, 0 },
		{ "RSET", "250 2.0.0 Ok\r\n", NULL, 0 },
		{ "QUIT", "221 2.0.0 Bye\r\n", NULL, 0 },
		{ 0 }
	};
	struct fixture *f = *state;
	struct hc_smtp_conf c;
	struct hc_smtp_result r;

	base_conf(&c);
	strcpy(c.rcpt_to, RCPT);
	run_script(sc, &c, f->tls, NULL, &r);
	check(&r, HC_OK, HC_SMTP_STEP_QUIT, 0, "",
	    "smtp: ok from 127.0.0.1:%u", c.port);
	assert_string_equal(r.banner_host, CN);
	assert_false(r.tls);
	assert_int_equal(r.tls_days_left, HC_TLS_DAYS_UNKNOWN);
}

/* A multi-line greeting split inside a line; no reply to QUIT at all. */
static void
test_multiline_greeting(void **state)
{
	static const struct step sc[] = {
		{ .send = "220-mx2.example.test ESMTP\r\n220-wel",
		  .send2 = "come\r\n220 ready\r\n" },
		{ "EHLO probe.test", EHLO_PLAIN, NULL, 0 },
		{ "QUIT", NULL, NULL, S_CLOSE },
		{ 0 }
	};
	struct fixture *f = *state;
	struct hc_smtp_conf c;
	struct hc_smtp_result r;

	base_conf(&c);
	run_script(sc, &c, f->tls, NULL, &r);
	check(&r, HC_OK, HC_SMTP_STEP_QUIT, 0, "",
	    "smtp: ok from 127.0.0.1:%u", c.port);
	assert_string_equal(r.banner_host, "mx2.example.test");
}

static void
test_greeting_421(void **state)
{
	static const struct step sc[] = {
		{ .send = "421 4.3.2 Fault injected\r\n", .flags = S_CLOSE },
		{ 0 }
	};
	struct fixture *f = *state;
	struct hc_smtp_conf c;
	struct hc_smtp_result r;

	base_conf(&c);
	run_script(sc, &c, f->tls, NULL, &r);
	check(&r, HC_FAILED, HC_SMTP_STEP_GREETING, 421,
	    "4.3.2 Fault injected", "smtp: 421 from 127.0.0.1:%u at greeting",
	    c.port);
	assert_string_equal(r.banner_host, "");
}

static void
test_greeting_554(void **state)
{
	static const struct step sc[] = {
		{ .send = "554 5.7.1 <unknown[127.0.0.1]>: Client host "
		  "rejected: Access denied\r\n" },
		{ "QUIT", "221 2.0.0 Bye\r\n", NULL, 0 },
		{ 0 }
	};
	struct fixture *f = *state;
	struct hc_smtp_conf c;
	struct hc_smtp_result r;

	base_conf(&c);
	run_script(sc, &c, f->tls, NULL, &r);
	check(&r, HC_FAILED, HC_SMTP_STEP_GREETING, 554,
	    "5.7.1 <unknown[127.0.0.1]>: Client host rejected: Access denied",
	    "smtp: 554 from 127.0.0.1:%u at greeting", c.port);
}

/* Connect works, no banner: the step timeout, and no pre-greet talk. */
static void
test_no_banner(void **state)
{
	static const struct step sc[] = { { .flags = S_HANG }, { 0 } };
	struct fixture *f = *state;
	struct hc_smtp_conf c;
	struct hc_smtp_result r;

	base_conf(&c);
	c.step_timeout_ms = 100;
	run_script(sc, &c, f->tls, NULL, &r);
	check(&r, HC_FAILED, HC_SMTP_STEP_GREETING, 0,
	    "timeout after 100 ms waiting for greeting",
	    "smtp: timeout from 127.0.0.1:%u at greeting", c.port);
	assert_true(r.latency_us >= 100000);
	/* The whole-probe deadline, when it comes first. */
	c.step_timeout_ms = 2000;
	c.timeout_ms = 150;
	run_script(sc, &c, f->tls, NULL, &r);
	check(&r, HC_FAILED, HC_SMTP_STEP_GREETING, 0,
	    "overall timeout after 150 ms waiting for greeting",
	    "smtp: timeout from 127.0.0.1:%u at greeting", c.port);
}

static void
test_rcpt_refused(void **state)
{
	static const struct step sc[] = {
		{ .send = GREET },
		{ "EHLO probe.test", EHLO_PLAIN, NULL, 0 },
		{ "MAIL FROM:<probe@example.test>", "250 2.1.0 Ok\r\n", NULL,
		  0 },
		{ "RCPT TO:<nobody@example.test>", "550 5.1.1 "
		  "<nobody@example.test>: Recipient address rejected\r\n",
		  NULL, 0 },
		{ "QUIT", "221 2.0.0 Bye\r\n", NULL, 0 },
		{ 0 }
	};
	struct fixture *f = *state;
	struct hc_smtp_conf c;
	struct hc_smtp_result r;

	base_conf(&c);
	strcpy(c.mail_from, "probe@example.test");
	strcpy(c.rcpt_to, "nobody@example.test");
	run_script(sc, &c, f->tls, NULL, &r);
	check(&r, HC_FAILED, HC_SMTP_STEP_RCPT, 550,
	    "5.1.1 <nobody@example.test>: Recipient address rejected",
	    "smtp: 550 from 127.0.0.1:%u at rcpt", c.port);
	assert_string_equal(r.banner_host, CN);
}

/* Postfix with cleanup disabled: RCPT never answers. */
static void
test_rcpt_hangs(void **state)
{
	static const struct step sc[] = {
		{ .send = GREET },
		{ "EHLO probe.test", EHLO_PLAIN, NULL, 0 },
		{ "MAIL FROM:<>", "250 2.1.0 Ok\r\n", NULL, 0 },
		{ "RCPT TO:<" RCPT ">", NULL, NULL, S_HANG },
		{ 0 }
	};
	struct fixture *f = *state;
	struct hc_smtp_conf c;
	struct hc_smtp_result r;

	base_conf(&c);
	c.step_timeout_ms = 100;
	strcpy(c.rcpt_to, RCPT);
	run_script(sc, &c, f->tls, NULL, &r);
	check(&r, HC_FAILED, HC_SMTP_STEP_RCPT, 0,
	    "timeout after 100 ms waiting for RCPT reply",
	    "smtp: timeout from 127.0.0.1:%u at rcpt", c.port);
}

static void
test_starttls_not_offered(void **state)
{
	static const struct step sc[] = {
		{ .send = GREET },
		{ "EHLO probe.test", EHLO_PLAIN, NULL, 0 },
		{ "QUIT", "221 2.0.0 Bye\r\n", NULL, 0 },
		{ 0 }
	};
	struct fixture *f = *state;
	struct hc_smtp_conf c;
	struct hc_smtp_result r;

	base_conf(&c);
	c.tls_required = true;
	run_script(sc, &c, f->tls, NULL, &r);
	check(&r, HC_FAILED, HC_SMTP_STEP_EHLO, 0, "STARTTLS not offered",
	    "smtp: STARTTLS not offered from 127.0.0.1:%u at ehlo", c.port);
}

static void
test_starttls_454(void **state)
{
	static const struct step sc[] = {
		{ .send = GREET },
		{ "EHLO probe.test", EHLO_TLS, NULL, 0 },
		{ "STARTTLS", "454 4.7.0 TLS not available due to local "
		  "problem\r\n", NULL, 0 },
		{ "QUIT", "221 2.0.0 Bye\r\n", NULL, 0 },
		{ 0 }
	};
	struct fixture *f = *state;
	struct hc_smtp_conf c;
	struct hc_smtp_result r;

	base_conf(&c);
	c.tls_required = true;
	run_script(sc, &c, f->tls, NULL, &r);
	check(&r, HC_FAILED, HC_SMTP_STEP_STARTTLS, 454,
	    "4.7.0 TLS not available due to local problem",
	    "smtp: 454 from 127.0.0.1:%u at starttls", c.port);
	c.tls_required = false;
	run_script(sc, &c, f->tls, NULL, &r);
	check(&r, HC_DEGRADED, HC_SMTP_STEP_STARTTLS, 454,
	    "4.7.0 TLS not available due to local problem",
	    "smtp: 454 from 127.0.0.1:%u at starttls", c.port);
}

static void
test_broken_streams(void **state)
{
	static const struct step mid[] = {
		{ .send = "220-" CN "\r\n220 partial", .flags = S_CLOSE },
		{ 0 }
	};
	static const struct step bad[] = {
		{ .send = "hello\r\n", .flags = S_HANG }, { 0 }
	};
	static const struct step extra[] = {
		{ .send = GREET "250 unasked\r\n", .flags = S_HANG }, { 0 }
	};
	struct fixture *f = *state;
	struct hc_smtp_conf c;
	struct hc_smtp_result r;

	base_conf(&c);
	run_script(mid, &c, f->tls, NULL, &r);
	check(&r, HC_FAILED, HC_SMTP_STEP_GREETING, 0,
	    "connection closed mid-reply waiting for greeting",
	    "smtp: connection closed from 127.0.0.1:%u at greeting", c.port);
	run_script(bad, &c, f->tls, NULL, &r);
	check(&r, HC_FAILED, HC_SMTP_STEP_GREETING, 0,
	    "protocol error: bad reply code",
	    "smtp: protocol error from 127.0.0.1:%u at greeting", c.port);
	/* Data the client did not ask for: no command goes out. */
	run_script(extra, &c, f->tls, NULL, &r);
	check(&r, HC_FAILED, HC_SMTP_STEP_EHLO, 0,
	    "unsolicited data after a reply",
	    "smtp: protocol error from 127.0.0.1:%u at ehlo", c.port);
}

static void
test_refused(void **state)
{
	struct fixture *f = *state;
	struct hc_smtp_conf c;
	struct hc_smtp_result r;
	int fd;

	base_conf(&c);
	/* A port that was just free: nothing listens there now. */
	fd = listen_on(AF_INET, &c.port);
	assert_true(fd >= 0);
	close(fd);
	probe_once(&c, f->tls, &r);
	check(&r, HC_FAILED, HC_SMTP_STEP_CONNECT, 0, "connection refused",
	    "smtp: connection refused from 127.0.0.1:%u at connect", c.port);
}

static void
test_bad_start(void **state)
{
	struct loop *l = loop_new();
	struct hc_smtp_conf c;
	struct run run = { 0 };

	(void)state;
	base_conf(&c);
	strcpy(c.helo_name, "x y");
	errno = 0;
	assert_null(hc_smtp_probe_start(l, &c, NULL, loop_now(), done_cb,
	    &run));
	assert_int_equal(errno, EINVAL);
	base_conf(&c);
	errno = 0;
	/* STARTTLS wanted but no context. */
	assert_null(hc_smtp_probe_start(l, &c, NULL, loop_now(), done_cb,
	    &run));
	assert_int_equal(errno, EINVAL);
	loop_free(l);
	hc_smtp_probe_cancel(NULL);
}

static void
cancel_cb(struct loop_timer *t, uint64_t now, void *arg)
{
	struct hc_smtp_probe **pp = arg;

	(void)t;
	(void)now;
	hc_smtp_probe_cancel(*pp);
	*pp = NULL;
}

/* Cancelled mid-greeting: done never runs, the server sees EOF. */
static void
test_cancel(void **state)
{
	static const struct step sc[] = { { .flags = S_HANG }, { 0 } };
	struct fixture *f = *state;
	struct hc_smtp_conf c;
	struct run run = { 0 };
	struct loop_timer t1, t2;
	struct hc_smtp_probe *p;
	int lfd, st = 0;
	pid_t pid;

	base_conf(&c);
	lfd = listen_on(AF_INET, &c.port);
	assert_true(lfd >= 0);
	if ((pid = fork()) == 0) {
		alarm(10);
		_exit(serve(lfd, sc, NULL));
	}
	close(lfd);
	run.l = loop_new();
	p = hc_smtp_probe_start(run.l, &c, f->tls, loop_now(), done_cb, &run);
	assert_non_null(p);
	loop_timer_init(&t1, cancel_cb, &p);
	loop_timer_init(&t2, stop_cb, run.l);
	loop_timer_set(run.l, &t1, loop_now() + 50000);
	loop_timer_set(run.l, &t2, loop_now() + 300000);
	assert_int_equal(loop_run(run.l), 0);
	assert_null(p);
	assert_int_equal(run.calls, 0);
	loop_free(run.l);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void
test_ipv6(void **state)
{
	static const struct step sc[] = {
		{ .send = GREET },
		{ "EHLO probe.test", EHLO_PLAIN, NULL, 0 },
		{ "QUIT", "221 2.0.0 Bye\r\n", NULL, 0 },
		{ 0 }
	};
	struct fixture *f = *state;
	struct hc_smtp_conf c;
	struct hc_smtp_result r;
	uint16_t port;
	int fd = listen_on(AF_INET6, &port);

	if (fd < 0)
		skip();
	close(fd);
	base_conf(&c);
	c.family = AF_INET6;
	memcpy(c.addr, &in6addr_loopback, 16);
	run_script(sc, &c, f->tls, NULL, &r);
	check(&r, HC_OK, HC_SMTP_STEP_QUIT, 0, "",
	    "smtp: ok from [::1]:%u", c.port);
}

/* TLS ----------------------------------------------------------------- */

static const struct step tls_ok_script[] = {
	{ .send = GREET },
	{ "EHLO probe.test", EHLO_TLS, NULL, 0 },
	/* RFC 3207 injection: plaintext after the 220 must be dropped. */
	{ "STARTTLS", "220 2.0.0 Ready to start TLS\r\n550 5.0.0 injected\r\n",
	  NULL, S_TLS },
	{ "EHLO probe.test", EHLO_PLAIN, NULL, 0 },
	{ "QUIT", "221 2.0.0 Bye\r\n", NULL, 0 },
	{ 0 }
};

/* A verifying context trusting ct, run against tls_ok_script. */
static void
run_tls(const struct cert *ct, struct hc_smtp_conf *c, bool verify,
    struct hc_smtp_result *r)
{
	char err[256];
	struct hc_tls_ctx *t = hc_tls_ctx_new(verify, ct->path, err,
	    sizeof(err));

	assert_non_null(t);
	run_script(tls_ok_script, c, t, ct, r);
	hc_tls_ctx_free(t);
}

static void
test_tls_verified(void **state)
{
	struct fixture *f = *state;
	struct hc_smtp_conf c;
	struct hc_smtp_result r;

	base_conf(&c);
	c.tls_required = c.tls_verify = true;
	strcpy(c.tls_server_name, CN);
	run_tls(&f->valid, &c, true, &r);
	check(&r, HC_OK, HC_SMTP_STEP_QUIT, 0, "",
	    "smtp: ok from 127.0.0.1:%u", c.port);
	assert_true(r.tls);
	assert_int_equal(r.tls_days_left, 30);
	/* Without verification (SNI from the banner) as well. */
	base_conf(&c);
	run_script(tls_ok_script, &c, f->tls, &f->valid, &r);
	check(&r, HC_OK, HC_SMTP_STEP_QUIT, 0, "",
	    "smtp: ok from 127.0.0.1:%u", c.port);
	assert_int_equal(r.tls_days_left, 30);
}

static void
test_tls_expired(void **state)
{
	static const struct step sc[] = {
		{ .send = GREET },
		{ "EHLO probe.test", EHLO_TLS, NULL, 0 },
		{ "STARTTLS", "220 2.0.0 Ready\r\n", NULL, S_TLS },
		{ "QUIT", "221 2.0.0 Bye\r\n", NULL, 0 },
		{ 0 }
	};
	struct fixture *f = *state;
	struct hc_smtp_conf c;
	struct hc_smtp_result r;
	char err[256];
	struct hc_tls_ctx *t = hc_tls_ctx_new(true, f->expired.path, err,
	    sizeof(err));

	assert_non_null(t);
	base_conf(&c);
	c.tls_required = c.tls_verify = true;
	strcpy(c.tls_server_name, CN);
	run_script(sc, &c, t, &f->expired, &r);
	hc_tls_ctx_free(t);
	check(&r, HC_FAILED, HC_SMTP_STEP_TLS, 0,
	    "certificate verify failed: certificate has expired",
	    "smtp: certificate verify failed from 127.0.0.1:%u at tls", c.port);
	assert_int_equal(r.tls_days_left, -3);
	/* No verification: the date alone, graded by the thresholds. */
	run_script(sc, &c, f->tls, &f->expired, &r);
	check(&r, HC_FAILED, HC_SMTP_STEP_TLS, 0,
	    "certificate expired (days left: -3)",
	    "smtp: certificate expired from 127.0.0.1:%u at tls", c.port);
	base_conf(&c);
	run_script(tls_ok_script, &c, f->tls, &f->expired, &r);
	check(&r, HC_DEGRADED, HC_SMTP_STEP_TLS, 0,
	    "certificate expired (days left: -3)",
	    "smtp: certificate expired from 127.0.0.1:%u at tls", c.port);
}

static void
test_tls_name_and_soon(void **state)
{
	struct fixture *f = *state;
	struct hc_smtp_conf c;
	struct hc_smtp_result r;

	base_conf(&c);
	c.tls_verify = true;
	strcpy(c.tls_server_name, "other.example.test");
	run_tls(&f->valid, &c, true, &r);
	check(&r, HC_DEGRADED, HC_SMTP_STEP_TLS, 0,
	    "certificate verify failed: hostname mismatch",
	    "smtp: certificate verify failed from 127.0.0.1:%u at tls", c.port);
	base_conf(&c);
	run_tls(&f->soon, &c, false, &r);
	check(&r, HC_DEGRADED, HC_SMTP_STEP_TLS, 0,
	    "certificate expires in 5 days (days left: 5)",
	    "smtp: certificate expires in 5 days from 127.0.0.1:%u at tls",
	    c.port);
	assert_int_equal(r.tls_days_left, 5);
}

static void
test_tls_handshake_fails(void **state)
{
	static const struct step sc[] = {
		{ .send = GREET },
		{ "EHLO probe.test", EHLO_TLS, NULL, 0 },
		{ "STARTTLS", "220 2.0.0 Ready\r\n", "this is not TLS\r\n",
		  S_DRAIN },
		{ 0 }
	};
	struct fixture *f = *state;
	struct hc_smtp_conf c;
	struct hc_smtp_result r;
	char reason[HC_SMTP_REASON_MAX];

	base_conf(&c);
	c.tls_required = true;
	run_script(sc, &c, f->tls, NULL, &r);
	assert_int_equal(r.cls, HC_FAILED);
	assert_int_equal(r.step, HC_SMTP_STEP_TLS);
	assert_int_equal(r.code, 0);
	assert_memory_equal(r.text, "TLS handshake failed: ", 22);
	assert_true(strlen(r.text) > 22);
	snprintf(reason, sizeof(reason),
	    "smtp: TLS handshake failed from 127.0.0.1:%u at tls", c.port);
	assert_string_equal(r.reason, reason);
	assert_false(r.tls);
}

/* Fixture: three self-signed certificates for CN, made at run time. */

static int
make_cert(struct cert *ct, long not_before, long not_after)
{
	X509V3_CTX v3;
	X509_NAME *name;
	X509_EXTENSION *ext;
	FILE *fp;
	int fd;

	if ((ct->key = EVP_EC_gen("P-256")) == NULL ||
	    (ct->x509 = X509_new()) == NULL)
		return -1;
	X509_set_version(ct->x509, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(ct->x509), 1);
	X509_gmtime_adj(X509_getm_notBefore(ct->x509), not_before);
	X509_gmtime_adj(X509_getm_notAfter(ct->x509), not_after);
	X509_set_pubkey(ct->x509, ct->key);
	name = X509_get_subject_name(ct->x509);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)CN, -1, -1, 0);
	X509_set_issuer_name(ct->x509, name);
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, ct->x509, ct->x509, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, "DNS:" CN);
	if (ext == NULL || !X509_add_ext(ct->x509, ext, -1))
		return -1;
	X509_EXTENSION_free(ext);
	if (!X509_sign(ct->x509, ct->key, EVP_sha256()))
		return -1;
	strcpy(ct->path, "/tmp/test_smtp_probe.XXXXXX");
	if ((fd = mkstemp(ct->path)) < 0 || (fp = fdopen(fd, "w")) == NULL)
		return -1;
	PEM_write_X509(fp, ct->x509);
	return fclose(fp);
}

static void
free_cert(struct cert *ct)
{
	if (ct->path[0] != '\0')
		unlink(ct->path);
	X509_free(ct->x509);
	EVP_PKEY_free(ct->key);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	signal(SIGPIPE, SIG_IGN);
	if (f == NULL ||
	    (f->tls = hc_tls_ctx_new(false, NULL, err, sizeof(err))) == NULL ||
	    make_cert(&f->valid, -DAY, 30 * DAY + 3600) < 0 ||
	    make_cert(&f->expired, -10 * DAY, -2 * DAY - 3600) < 0 ||
	    make_cert(&f->soon, -DAY, 5 * DAY + 3600) < 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	hc_tls_ctx_free(f->tls);
	free_cert(&f->valid);
	free_cert(&f->expired);
	free_cert(&f->soon);
	free(f);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_session),
		cmocka_unit_test(test_multiline_greeting),
		cmocka_unit_test(test_greeting_421),
		cmocka_unit_test(test_greeting_554),
		cmocka_unit_test(test_no_banner),
		cmocka_unit_test(test_rcpt_refused),
		cmocka_unit_test(test_rcpt_hangs),
		cmocka_unit_test(test_starttls_not_offered),
		cmocka_unit_test(test_starttls_454),
		cmocka_unit_test(test_broken_streams),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_bad_start),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_tls_verified),
		cmocka_unit_test(test_tls_expired),
		cmocka_unit_test(test_tls_name_and_soon),
		cmocka_unit_test(test_tls_handshake_fails),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
