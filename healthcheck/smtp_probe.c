/* SPDX-License-Identifier: ISC */
/* SMTP health probe: drives the dialogue over a non-blocking socket (and TLS) in the event loop. */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "healthcheck/smtp_probe.h"

/*
 * Modelled on relayd's check_tcp: a non-blocking connect, every step
 * re-armed with a timeout, and one completion funnel (finish) that every
 * path ends in. Functions that can end the probe return -1 once it has
 * been freed; callers must then return without touching it.
 */
struct hc_smtp_probe {
	struct loop *loop;
	struct hc_smtp_conf conf;	/* a copy: a reload may free the
					 * caller's while we run */
	struct hc_tls_ctx *tls_ctx;
	struct hc_tls_conn *tls;	/* set from START_TLS on */
	int fd;
	bool fd_added;
	bool connected;
	bool handshaking;
	bool want_write;		/* TLS asked for writability */
	uint32_t events;		/* current epoll interest */
	struct hc_smtp_dialog dlg;
	struct loop_timer step_timer, total_timer;
	uint64_t start, decided_at;
	char early_err[128];		/* connect failed before the loop ran */
	char in[HC_SMTP_REPLY_MAX];
	size_t inlen;
	char out[HC_SMTP_CMD_MAX];
	size_t outlen, outoff;
	void (*done)(const struct hc_smtp_result *, void *);
	void *arg;
};

static void
release(struct hc_smtp_probe *p)
{
	loop_timer_cancel(p->loop, &p->step_timer);
	loop_timer_cancel(p->loop, &p->total_timer);
	if (p->tls != NULL) {
		hc_tls_close_notify(p->tls);
		hc_tls_conn_free(p->tls);
	}
	if (p->fd_added)
		loop_del_fd(p->loop, p->fd);
	if (p->fd >= 0)
		close(p->fd);
	free(p);
}

void
hc_smtp_probe_cancel(struct hc_smtp_probe *p)
{
	if (p != NULL)
		release(p);
}

/* The completion funnel: release everything, then report once. */
static int
finish(struct hc_smtp_probe *p)
{
	struct hc_smtp_result res = *hc_smtp_dialog_result(&p->dlg);
	void (*done)(const struct hc_smtp_result *, void *) = p->done;
	void *arg = p->arg;
	uint64_t at = p->decided_at != 0 ? p->decided_at : loop_now();

	res.latency_us = at > p->start ? at - p->start : 1;
	release(p);
	done(&res, arg);
	return -1;
}

static void
set_events(struct hc_smtp_probe *p, uint32_t ev)
{
	if (ev != p->events && loop_mod_fd(p->loop, p->fd, ev) == 0)
		p->events = ev;
}

/* Interest once connected: always readable, writable while needed. */
static void
update_events(struct hc_smtp_probe *p)
{
	uint32_t ev = EPOLLIN;

	if (p->outoff < p->outlen || p->want_write)
		ev |= EPOLLOUT;
	set_events(p, ev);
}

static void
arm_step(struct hc_smtp_probe *p)
{
	loop_timer_set(p->loop, &p->step_timer,
	    loop_now() + (uint64_t)p->conf.step_timeout_ms * 1000u);
}

static int start_tls(struct hc_smtp_probe *);
static int flush_out(struct hc_smtp_probe *);

/* Carry out what the dialogue asked for. */
static int
apply(struct hc_smtp_probe *p, const struct hc_smtp_action *a)
{
	if (p->decided_at == 0 && hc_smtp_dialog_decided(&p->dlg))
		p->decided_at = loop_now();
	switch (a->type) {
	case HC_SMTP_ACT_WAIT:
		arm_step(p);
		update_events(p);
		return 0;
	case HC_SMTP_ACT_SEND:
		memcpy(p->out, a->line, a->len);
		p->outlen = a->len;
		p->outoff = 0;
		arm_step(p);
		return flush_out(p);
	case HC_SMTP_ACT_START_TLS:
		arm_step(p);
		return start_tls(p);
	case HC_SMTP_ACT_CLOSE:
	default:
		return finish(p);
	}
}

static int
fail(struct hc_smtp_probe *p, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct hc_smtp_probe *p, const char *kind, const char *fmt, ...)
{
	struct hc_smtp_action act;
	char text[HC_SMTP_RESULT_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	hc_smtp_dialog_on_error(&p->dlg, kind, text, &act);
	return apply(p, &act);
}

/* strerror, starting lowercase: "connection refused". */
static int
fail_errno(struct hc_smtp_probe *p, int err)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "%s", strerror(err));
	msg[0] = (char)tolower((unsigned char)msg[0]);
	return fail(p, msg, "%s", msg);
}

static int
on_eof(struct hc_smtp_probe *p)
{
	struct hc_smtp_action act;

	hc_smtp_dialog_on_eof(&p->dlg, p->inlen > 0, &act);
	return apply(p, &act);
}

static int
flush_out(struct hc_smtp_probe *p)
{
	char err[HC_TLS_TEXT_MAX];
	size_t n;
	ssize_t w;

	while (p->outoff < p->outlen) {
		size_t left = p->outlen - p->outoff;

		if (p->tls == NULL) {
			w = send(p->fd, p->out + p->outoff, left,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0 && errno == EAGAIN)
				break;
			if (w < 0)
				return fail_errno(p, errno);
			p->outoff += (size_t)w;
			continue;
		}
		switch (hc_tls_write(p->tls, p->out + p->outoff, left, &n,
		    err, sizeof(err))) {
		case HC_TLS_IO_OK:
			p->outoff += n;
			p->want_write = false;
			continue;
		case HC_TLS_IO_WANT_WRITE:
			p->want_write = true;
			break;
		case HC_TLS_IO_WANT_READ:
			break;
		case HC_TLS_IO_EOF:
			return on_eof(p);
		default:
			return fail(p, "TLS error", "%s", err);
		}
		break;
	}
	update_events(p);
	return 0;
}

/* Feed every complete reply in the buffer to the dialogue. */
static int
process_input(struct hc_smtp_probe *p)
{
	struct hc_smtp_reply rep;
	struct hc_smtp_action act;
	size_t used;
	int r;

	while (p->inlen > 0) {
		r = hc_smtp_reply_parse(p->in, p->inlen, &rep, &used);
		if (r == 0)
			return 0;
		if (r < 0)
			return fail(p, "protocol error", "protocol error: %s",
			    hc_smtp_reply_strerror(rep.err));
		p->inlen -= used;
		memmove(p->in, p->in + used, p->inlen);
		hc_smtp_dialog_on_reply(&p->dlg, &rep, &act);
		if (act.type == HC_SMTP_ACT_SEND && p->inlen > 0) {
			/* No pipelining: nothing may come before our command. */
			if (p->dlg.step != HC_SMTP_STEP_QUIT)
				return fail(p, "protocol error",
				    "unsolicited data after a reply");
			p->inlen = 0;
		}
		if (act.type == HC_SMTP_ACT_START_TLS)
			p->inlen = 0;	/* RFC 3207 §4.2: STARTTLS injection */
		if (apply(p, &act) < 0)
			return -1;
	}
	return 0;
}

enum rd { RD_OK, RD_AGAIN, RD_EOF, RD_ERR };

static enum rd
read_some(struct hc_smtp_probe *p, size_t *n, char *err, size_t errlen)
{
	char *buf = p->in + p->inlen;
	size_t len = sizeof(p->in) - p->inlen;
	ssize_t r;

	if (p->tls != NULL) {
		switch (hc_tls_read(p->tls, buf, len, n, err, errlen)) {
		case HC_TLS_IO_OK:
			p->want_write = false;
			return RD_OK;
		case HC_TLS_IO_WANT_WRITE:
			p->want_write = true;
			return RD_AGAIN;
		case HC_TLS_IO_WANT_READ:
			return RD_AGAIN;
		case HC_TLS_IO_EOF:
			return RD_EOF;
		default:
			return RD_ERR;
		}
	}
	do {
		r = read(p->fd, buf, len);
	} while (r < 0 && errno == EINTR);
	if (r > 0) {
		*n = (size_t)r;
		return RD_OK;
	}
	if (r == 0)
		return RD_EOF;
	if (errno == EAGAIN)
		return RD_AGAIN;
	snprintf(err, errlen, "%s", strerror(errno));
	err[0] = (char)tolower((unsigned char)err[0]);
	return RD_ERR;
}

static int
do_read(struct hc_smtp_probe *p)
{
	char err[HC_TLS_TEXT_MAX];
	size_t n = 0;

	/* A START_TLS action in process_input hands over to the handshake. */
	while (!p->handshaking) {
		/* Cannot happen: the parser rejects replies that fill it. */
		if (p->inlen == sizeof(p->in))
			return fail(p, "protocol error", "reply too long");
		switch (read_some(p, &n, err, sizeof(err))) {
		case RD_AGAIN:
			update_events(p);
			return 0;
		case RD_EOF:
			return on_eof(p);
		case RD_ERR:
			return fail(p, p->tls != NULL ? "TLS error" : err,
			    "%s", err);
		case RD_OK:
			break;
		}
		p->inlen += n;
		if (process_input(p) < 0)
			return -1;
	}
	return 0;
}

static int
tls_done(struct hc_smtp_probe *p, const struct hc_tls_result *tr)
{
	struct hc_smtp_action act;

	p->handshaking = false;
	p->want_write = false;
	hc_smtp_dialog_on_tls_done(&p->dlg, tr, &act);
	return apply(p, &act);
}

static int
do_handshake(struct hc_smtp_probe *p)
{
	struct hc_tls_result tr;

	memset(&tr, 0, sizeof(tr));
	tr.days_left = HC_TLS_DAYS_UNKNOWN;
	switch (hc_tls_handshake(p->tls, tr.text, sizeof(tr.text))) {
	case HC_TLS_IO_WANT_READ:
		set_events(p, EPOLLIN);
		return 0;
	case HC_TLS_IO_WANT_WRITE:
		set_events(p, EPOLLIN | EPOLLOUT);
		return 0;
	case HC_TLS_IO_OK:
		hc_tls_conn_result(p->tls, &tr);
		return tls_done(p, &tr);
	default:
		return tls_done(p, &tr);
	}
}

static int
start_tls(struct hc_smtp_probe *p)
{
	struct hc_tls_result tr;
	const char *name = p->conf.tls_server_name;
	const char *sni = name[0] != '\0' ? name :
	    hc_smtp_dialog_result(&p->dlg)->banner_host;

	memset(&tr, 0, sizeof(tr));
	tr.days_left = HC_TLS_DAYS_UNKNOWN;
	p->tls = hc_tls_conn_new(p->tls_ctx, p->fd, sni, name, tr.text,
	    sizeof(tr.text));
	if (p->tls == NULL)
		return tls_done(p, &tr);
	p->handshaking = true;
	return do_handshake(p);
}

static int
on_connect(struct hc_smtp_probe *p)
{
	struct hc_smtp_action act;
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err != 0)
		return fail_errno(p, err);
	p->connected = true;
	hc_smtp_dialog_on_connected(&p->dlg, &act);
	return apply(p, &act);
}

static void
fd_cb(int fd, uint32_t events, void *arg)
{
	struct hc_smtp_probe *p = arg;

	(void)fd;
	if (!p->connected) {
		on_connect(p);
		return;
	}
	if (p->handshaking) {
		do_handshake(p);
		return;
	}
	if ((events & EPOLLOUT) && flush_out(p) < 0)
		return;
	do_read(p);
}

static void
step_timeout(struct loop_timer *t, uint64_t now, void *arg)
{
	struct hc_smtp_probe *p = arg;
	struct hc_smtp_action act;

	(void)t;
	(void)now;
	if (p->early_err[0] != '\0') {
		fail(p, p->early_err, "%s", p->early_err);
		return;
	}
	hc_smtp_dialog_on_timeout(&p->dlg, false, &act);
	apply(p, &act);
}

static void
total_timeout(struct loop_timer *t, uint64_t now, void *arg)
{
	struct hc_smtp_probe *p = arg;
	struct hc_smtp_action act;

	(void)t;
	(void)now;
	hc_smtp_dialog_on_timeout(&p->dlg, true, &act);
	apply(p, &act);
}

/* Returns 0 (connecting, or failed: early_err set), -1 on local errors. */
static int
connect_start(struct hc_smtp_probe *p)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t slen;

	memset(&ss, 0, sizeof(ss));
	if (p->conf.family == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(p->conf.port);
		memcpy(&sin6->sin6_addr, p->conf.addr, 16);
		slen = sizeof(*sin6);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(p->conf.port);
		memcpy(&sin->sin_addr, p->conf.addr, 4);
		slen = sizeof(*sin);
	}
	p->fd = socket(p->conf.family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (p->fd < 0)
		return -1;
	if (connect(p->fd, (struct sockaddr *)&ss, slen) < 0 &&
	    errno != EINPROGRESS) {
		snprintf(p->early_err, sizeof(p->early_err), "%s",
		    strerror(errno));
		p->early_err[0] = (char)tolower((unsigned char)p->early_err[0]);
		return 0;
	}
	/* Even an immediate success is seen as writability: one path. */
	if (loop_add_fd(p->loop, p->fd, EPOLLOUT, fd_cb, p) < 0)
		return -1;
	p->fd_added = true;
	p->events = EPOLLOUT;
	return 0;
}

struct hc_smtp_probe *
hc_smtp_probe_start(struct loop *l, const struct hc_smtp_conf *conf,
    struct hc_tls_ctx *tls, uint64_t now,
    void (*done)(const struct hc_smtp_result *, void *), void *arg)
{
	struct hc_smtp_probe *p;
	uint64_t step = (uint64_t)conf->step_timeout_ms * 1000u;
	int saved;

	if (hc_smtp_conf_check(conf) != NULL || done == NULL ||
	    (tls == NULL && (conf->starttls || conf->tls_required))) {
		errno = EINVAL;
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->loop = l;
	p->conf = *conf;
	p->tls_ctx = tls;
	p->fd = -1;
	p->start = now;
	p->done = done;
	p->arg = arg;
	hc_smtp_dialog_start(&p->dlg, &p->conf);
	loop_timer_init(&p->step_timer, step_timeout, p);
	loop_timer_init(&p->total_timer, total_timeout, p);
	if (connect_start(p) < 0 ||
	    loop_timer_set(l, &p->step_timer,
	    p->early_err[0] != '\0' ? now : now + step) < 0 ||
	    loop_timer_set(l, &p->total_timer,
	    now + (uint64_t)conf->timeout_ms * 1000u) < 0)
		goto fail;
	return p;
fail:
	saved = errno;
	release(p);
	errno = saved;
	return NULL;
}
