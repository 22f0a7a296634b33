/* SPDX-License-Identifier: ISC */
/* SMTP probe dialogue: a pure state machine fed replies and events, returning the next action. */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "healthcheck/smtp_dialog.h"

static const char *const step_names[HC_SMTP_STEP__MAX] = {
	[HC_SMTP_STEP_CONNECT] = "connect",
	[HC_SMTP_STEP_GREETING] = "greeting",
	[HC_SMTP_STEP_EHLO] = "ehlo",
	[HC_SMTP_STEP_STARTTLS] = "starttls",
	[HC_SMTP_STEP_TLS] = "tls",
	[HC_SMTP_STEP_EHLO2] = "ehlo2",
	[HC_SMTP_STEP_MAIL] = "mail",
	[HC_SMTP_STEP_RCPT] = "rcpt",
	[HC_SMTP_STEP_RSET] = "rset",
	[HC_SMTP_STEP_QUIT] = "quit",
};

/* What each step waits for, for "timeout ... waiting for X". */
static const char *const step_waits[HC_SMTP_STEP__MAX] = {
	[HC_SMTP_STEP_CONNECT] = "connect",
	[HC_SMTP_STEP_GREETING] = "greeting",
	[HC_SMTP_STEP_EHLO] = "EHLO reply",
	[HC_SMTP_STEP_STARTTLS] = "STARTTLS reply",
	[HC_SMTP_STEP_TLS] = "TLS handshake",
	[HC_SMTP_STEP_EHLO2] = "EHLO reply after STARTTLS",
	[HC_SMTP_STEP_MAIL] = "MAIL reply",
	[HC_SMTP_STEP_RCPT] = "RCPT reply",
	[HC_SMTP_STEP_RSET] = "RSET reply",
	[HC_SMTP_STEP_QUIT] = "QUIT reply",
};

const char *
hc_smtp_step_name(enum hc_smtp_step s)
{
	if ((unsigned)s >= HC_SMTP_STEP__MAX)
		return "?";
	return step_names[s];
}

void
hc_smtp_conf_defaults(struct hc_smtp_conf *c, const char *helo_name)
{
	static const uint8_t lo[4] = { 127, 0, 0, 1 };

	memset(c, 0, sizeof(*c));
	c->family = AF_INET;
	memcpy(c->addr, lo, sizeof(lo));
	c->port = 25;
	snprintf(c->helo_name, sizeof(c->helo_name), "%s",
	    helo_name != NULL && helo_name[0] != '\0' ? helo_name :
	    "localhost");
	c->starttls = true;
	c->tls_days_warn = 14;
	c->tls_days_crit = 0;
	c->step_timeout_ms = 2000;
	c->timeout_ms = 5000;
}

/* Visible ASCII only, bounded: no space, CR or LF to smuggle commands. */
static bool
name_ok(const char *s, size_t max, bool allow_empty, bool path)
{
	size_t n = strnlen(s, max);

	if (n == max || (n == 0 && !allow_empty))
		return false;
	for (; *s != '\0'; s++)
		if (*s <= 0x20 || *s >= 0x7f ||
		    (path && (*s == '<' || *s == '>')))
			return false;
	return true;
}

const char *
hc_smtp_conf_check(const struct hc_smtp_conf *c)
{
	if (c->family != AF_INET && c->family != AF_INET6)
		return "address family must be IPv4 or IPv6";
	if (c->port == 0)
		return "port must not be 0";
	if (!name_ok(c->helo_name, sizeof(c->helo_name), false, false))
		return "bad helo name";
	if (!name_ok(c->mail_from, sizeof(c->mail_from), true, true))
		return "bad mail from address";
	if (!name_ok(c->rcpt_to, sizeof(c->rcpt_to), true, true))
		return "bad rcpt to address";
	if (!name_ok(c->tls_server_name, sizeof(c->tls_server_name), true,
	    false))
		return "bad tls server name";
	if (strnlen(c->tls_ca_file, sizeof(c->tls_ca_file)) ==
	    sizeof(c->tls_ca_file))
		return "tls ca file name too long";
	if (c->step_timeout_ms == 0 || c->timeout_ms == 0)
		return "timeouts must be positive";
	return NULL;
}

int
hc_smtp_dialog_start(struct hc_smtp_dialog *d, const struct hc_smtp_conf *c)
{
	memset(d, 0, sizeof(*d));
	if (hc_smtp_conf_check(c) != NULL)
		return -1;
	d->conf = c;
	d->step = HC_SMTP_STEP_CONNECT;
	d->res.cls = HC_OK;
	d->res.step = HC_SMTP_STEP_CONNECT;
	d->res.tls_days_left = HC_TLS_DAYS_UNKNOWN;
	return 0;
}

bool
hc_smtp_dialog_decided(const struct hc_smtp_dialog *d)
{
	return d->decided;
}

const struct hc_smtp_result *
hc_smtp_dialog_result(const struct hc_smtp_dialog *d)
{
	return &d->res;
}

/* "127.0.0.1:25" or "[2001:db8::1]:25". */
static void
format_peer(const struct hc_smtp_conf *c, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(c->family, c->addr, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	if (c->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, (unsigned)c->port);
	else
		snprintf(buf, len, "%s:%u", a, (unsigned)c->port);
}

/* Fix the verdict and its one-line reason. */
static void
decide(struct hc_smtp_dialog *d)
{
	struct hc_smtp_result *r = &d->res;
	char peer[INET6_ADDRSTRLEN + 16];

	d->decided = true;
	format_peer(d->conf, peer, sizeof(peer));
	if (d->failed)
		r->cls = HC_FAILED;
	else if (d->degraded)
		r->cls = HC_DEGRADED;
	else
		r->cls = HC_OK;
	if (r->cls == HC_OK) {
		r->step = HC_SMTP_STEP_QUIT;
		r->code = 0;
		r->text[0] = '\0';
		snprintf(r->reason, sizeof(r->reason), "smtp: ok from %s",
		    peer);
	} else {
		snprintf(r->reason, sizeof(r->reason), "smtp: %s from %s at %s",
		    d->kind, peer, hc_smtp_step_name(r->step));
	}
}

/*
 * Record a problem at the current step. A failure replaces any earlier
 * degradation; a degradation never replaces anything.
 */
static void
record(struct hc_smtp_dialog *d, enum hc_class cls, int code,
    const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
record(struct hc_smtp_dialog *d, enum hc_class cls, int code,
    const char *kind, const char *fmt, ...)
{
	va_list ap;

	if (d->failed || (cls == HC_DEGRADED && d->degraded))
		return;
	if (cls == HC_FAILED)
		d->failed = true;
	else
		d->degraded = true;
	d->res.step = d->step;
	d->res.code = code;
	if (code != 0)
		snprintf(d->kind, sizeof(d->kind), "%d", code);
	else
		snprintf(d->kind, sizeof(d->kind), "%s", kind);
	va_start(ap, fmt);
	vsnprintf(d->res.text, sizeof(d->res.text), fmt, ap);
	va_end(ap);
}

static void
act_close(struct hc_smtp_dialog *d, struct hc_smtp_action *act)
{
	if (!d->decided)
		decide(d);
	act->type = HC_SMTP_ACT_CLOSE;
	act->len = 0;
	act->line[0] = '\0';
}

static void
act_send(struct hc_smtp_dialog *d, struct hc_smtp_action *act,
    enum hc_smtp_step next, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
act_send(struct hc_smtp_dialog *d, struct hc_smtp_action *act,
    enum hc_smtp_step next, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(act->line, sizeof(act->line), fmt, ap);
	va_end(ap);
	/* conf_check bounds every argument well below the line limit. */
	act->len = n > 0 && (size_t)n < sizeof(act->line) ? (size_t)n : 0;
	act->type = HC_SMTP_ACT_SEND;
	d->step = next;
}

/* The verdict is known and the session is sane: say goodbye. */
static void
act_quit(struct hc_smtp_dialog *d, struct hc_smtp_action *act)
{
	decide(d);
	act_send(d, act, HC_SMTP_STEP_QUIT, "QUIT\r\n");
}

/* A reply that fails the current step: 421 means the server hangs up. */
static void
reply_failed(struct hc_smtp_dialog *d, const struct hc_smtp_reply *r,
    struct hc_smtp_action *act)
{
	record(d, HC_FAILED, r->code, "", "%s", r->text);
	if (r->code == 421)
		act_close(d, act);
	else
		act_quit(d, act);
}

static void
begin_transaction(struct hc_smtp_dialog *d, struct hc_smtp_action *act)
{
	if (d->conf->rcpt_to[0] != '\0')
		act_send(d, act, HC_SMTP_STEP_MAIL, "MAIL FROM:<%s>\r\n",
		    d->conf->mail_from);
	else
		act_quit(d, act);
}

static void
after_ehlo(struct hc_smtp_dialog *d, const struct hc_smtp_reply *r,
    struct hc_smtp_action *act)
{
	const struct hc_smtp_conf *c = d->conf;

	if ((c->starttls || c->tls_required) &&
	    (r->ext & HC_SMTP_EXT_STARTTLS)) {
		act_send(d, act, HC_SMTP_STEP_STARTTLS, "STARTTLS\r\n");
	} else if (c->tls_required) {
		record(d, HC_FAILED, 0, "STARTTLS not offered",
		    "STARTTLS not offered");
		act_quit(d, act);
	} else {
		begin_transaction(d, act);
	}
}

/* A TLS problem: fatal only when TLS is required. */
static enum hc_class
tls_class(const struct hc_smtp_dialog *d)
{
	return d->conf->tls_required ? HC_FAILED : HC_DEGRADED;
}

static void
on_starttls_reply(struct hc_smtp_dialog *d, const struct hc_smtp_reply *r,
    struct hc_smtp_action *act)
{
	if (r->code == 220) {
		d->step = HC_SMTP_STEP_TLS;
		act->type = HC_SMTP_ACT_START_TLS;
		act->len = 0;
		return;
	}
	if (r->code == 421 || d->conf->tls_required) {
		reply_failed(d, r, act);
		return;
	}
	/* 454/501...: still a plaintext session; go on without TLS. */
	record(d, HC_DEGRADED, r->code, "", "%s", r->text);
	begin_transaction(d, act);
}

static void
save_banner(struct hc_smtp_dialog *d, const char *text)
{
	size_t n = strcspn(text, " ");

	if (n >= sizeof(d->res.banner_host))
		n = sizeof(d->res.banner_host) - 1;
	memcpy(d->res.banner_host, text, n);
	d->res.banner_host[n] = '\0';
}

void
hc_smtp_dialog_on_connected(struct hc_smtp_dialog *d,
    struct hc_smtp_action *act)
{
	/* Never talk first: postscreen drops clients that speak early. */
	d->step = HC_SMTP_STEP_GREETING;
	act->type = HC_SMTP_ACT_WAIT;
	act->len = 0;
}

void
hc_smtp_dialog_on_reply(struct hc_smtp_dialog *d,
    const struct hc_smtp_reply *r, struct hc_smtp_action *act)
{
	const struct hc_smtp_conf *c = d->conf;
	bool ok = r->code == 250;

	switch (d->step) {
	case HC_SMTP_STEP_GREETING:
		if ((ok = r->code == 220))
			save_banner(d, r->text);
		if (ok)
			act_send(d, act, HC_SMTP_STEP_EHLO, "EHLO %s\r\n",
			    c->helo_name);
		break;
	case HC_SMTP_STEP_EHLO:
		if (ok)
			after_ehlo(d, r, act);
		break;
	case HC_SMTP_STEP_STARTTLS:
		on_starttls_reply(d, r, act);
		return;
	case HC_SMTP_STEP_EHLO2:
		if (ok)
			begin_transaction(d, act);
		break;
	case HC_SMTP_STEP_MAIL:
		if (ok)
			act_send(d, act, HC_SMTP_STEP_RCPT,
			    "RCPT TO:<%s>\r\n", c->rcpt_to);
		break;
	case HC_SMTP_STEP_RCPT:
		if ((ok = r->code == 250 || r->code == 251))
			act_send(d, act, HC_SMTP_STEP_RSET, "RSET\r\n");
		break;
	case HC_SMTP_STEP_RSET:
		if (ok)
			act_quit(d, act);
		break;
	case HC_SMTP_STEP_QUIT:
		act_close(d, act);
		return;
	default:
		/* CONNECT, TLS: the driver feeds no replies there. */
		hc_smtp_dialog_on_error(d, "protocol error",
		    "reply at an unexpected point", act);
		return;
	}
	if (!ok)
		reply_failed(d, r, act);
}

/* Grade the certificate; returns false if the session cannot go on. */
static bool
grade_tls(struct hc_smtp_dialog *d, const struct hc_tls_result *t)
{
	const struct hc_smtp_conf *c = d->conf;
	int days = t->days_left;
	char what[64];

	if (t->verify_checked && !t->verified) {
		record(d, tls_class(d), 0, "certificate verify failed", "%s",
		    t->text);
		return !c->tls_required;
	}
	if (days == HC_TLS_DAYS_UNKNOWN)
		return true;
	if (days < 0)
		snprintf(what, sizeof(what), "certificate expired");
	else
		snprintf(what, sizeof(what), "certificate expires in %d days",
		    days);
	if (days < c->tls_days_crit) {
		record(d, tls_class(d), 0, what, "%s (days left: %d)", what,
		    days);
		return !c->tls_required;
	}
	if (days < c->tls_days_warn)
		record(d, HC_DEGRADED, 0, what, "%s (days left: %d)", what,
		    days);
	return true;
}

void
hc_smtp_dialog_on_tls_done(struct hc_smtp_dialog *d,
    const struct hc_tls_result *t, struct hc_smtp_action *act)
{
	if (d->step != HC_SMTP_STEP_TLS) {
		hc_smtp_dialog_on_error(d, "protocol error",
		    "TLS result at an unexpected point", act);
		return;
	}
	if (!t->ok) {
		/* The stream is in an unknown state: no QUIT possible. */
		record(d, tls_class(d), 0, "TLS handshake failed",
		    "TLS handshake failed: %s", t->text);
		act_close(d, act);
		return;
	}
	d->res.tls = true;
	d->res.tls_days_left = t->days_left;
	if (!grade_tls(d, t)) {
		act_quit(d, act);
		return;
	}
	/* RFC 3207: forget everything learnt before TLS; EHLO again. */
	act_send(d, act, HC_SMTP_STEP_EHLO2, "EHLO %s\r\n", d->conf->helo_name);
}

void
hc_smtp_dialog_on_eof(struct hc_smtp_dialog *d, bool mid_reply,
    struct hc_smtp_action *act)
{
	if (d->step != HC_SMTP_STEP_QUIT)
		record(d, HC_FAILED, 0, "connection closed",
		    "connection closed %swaiting for %s",
		    mid_reply ? "mid-reply " : "", step_waits[d->step]);
	act_close(d, act);
}

void
hc_smtp_dialog_on_timeout(struct hc_smtp_dialog *d, bool overall,
    struct hc_smtp_action *act)
{
	const struct hc_smtp_conf *c = d->conf;

	if (d->step != HC_SMTP_STEP_QUIT)
		record(d, HC_FAILED, 0, "timeout",
		    "%stimeout after %u ms waiting for %s",
		    overall ? "overall " : "",
		    overall ? c->timeout_ms : c->step_timeout_ms,
		    step_waits[d->step]);
	act_close(d, act);
}

void
hc_smtp_dialog_on_error(struct hc_smtp_dialog *d, const char *kind,
    const char *text, struct hc_smtp_action *act)
{
	if (d->step != HC_SMTP_STEP_QUIT)
		record(d, HC_FAILED, 0, kind, "%s", text);
	act_close(d, act);
}
