/* SPDX-License-Identifier: ISC */
/* Unit tests for the pure SMTP probe dialogue: every step, verdict, reason and TLS grading rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <string.h>

#include "healthcheck/smtp_dialog.h"

#define EHLO_TLS "250-mx.example.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n"
#define EHLO_PLAIN "250-mx.example.test\r\n250 PIPELINING\r\n"

static void
feed(struct hc_smtp_dialog *d, const char *reply, struct hc_smtp_action *a)
{
	struct hc_smtp_reply r;
	size_t used;

	assert_int_equal(hc_smtp_reply_parse(reply, strlen(reply), &r, &used),
	    1);
	hc_smtp_dialog_on_reply(d, &r, a);
}

static void
expect_send(const struct hc_smtp_action *a, const char *line)
{
	assert_int_equal(a->type, HC_SMTP_ACT_SEND);
	assert_int_equal(a->len, strlen(line));
	assert_memory_equal(a->line, line, a->len);
}

static void
expect_result(const struct hc_smtp_dialog *d, enum hc_class cls,
    enum hc_smtp_step step, int code, const char *text, const char *reason)
{
	const struct hc_smtp_result *r = hc_smtp_dialog_result(d);

	assert_true(hc_smtp_dialog_decided(d));
	assert_int_equal(r->cls, cls);
	assert_int_equal(r->step, step);
	assert_int_equal(r->code, code);
	assert_string_equal(r->text, text);
	assert_string_equal(r->reason, reason);
	assert_int_equal(r->latency_us, 0);
}

static void
conf_init(struct hc_smtp_conf *c)
{
	hc_smtp_conf_defaults(c, "probe.test");
}

/* Start, connect and pass the greeting: the dialogue has sent EHLO. */
static void
begin(struct hc_smtp_dialog *d, const struct hc_smtp_conf *c,
    struct hc_smtp_action *a)
{
	assert_int_equal(hc_smtp_dialog_start(d, c), 0);
	assert_int_equal(d->step, HC_SMTP_STEP_CONNECT);
	hc_smtp_dialog_on_connected(d, a);
	assert_int_equal(a->type, HC_SMTP_ACT_WAIT);
	assert_false(hc_smtp_dialog_decided(d));
	feed(d, "220 mx.example.test ESMTP Postfix\r\n", a);
	expect_send(a, "EHLO probe.test\r\n");
	assert_string_equal(hc_smtp_dialog_result(d)->banner_host,
	    "mx.example.test");
}

/* After begin(): STARTTLS offered and accepted; now handshaking. */
static void
to_tls(struct hc_smtp_dialog *d, struct hc_smtp_action *a)
{
	feed(d, EHLO_TLS, a);
	expect_send(a, "STARTTLS\r\n");
	feed(d, "220 2.0.0 Ready to start TLS\r\n", a);
	assert_int_equal(a->type, HC_SMTP_ACT_START_TLS);
	assert_int_equal(d->step, HC_SMTP_STEP_TLS);
}

static struct hc_tls_result
tls_ok(int days)
{
	struct hc_tls_result t;

	memset(&t, 0, sizeof(t));
	t.ok = true;
	t.days_left = days;
	return t;
}

static void
test_defaults_and_check(void **state)
{
	struct hc_smtp_conf c;
	struct hc_smtp_dialog d;

	(void)state;
	hc_smtp_conf_defaults(&c, NULL);
	assert_int_equal(c.family, AF_INET);
	assert_memory_equal(c.addr, "\x7f\0\0\x01", 4);
	assert_int_equal(c.port, 25);
	assert_string_equal(c.helo_name, "localhost");
	assert_true(c.starttls);
	assert_false(c.tls_required);
	assert_false(c.tls_verify);
	assert_int_equal(c.tls_days_warn, 14);
	assert_int_equal(c.tls_days_crit, 0);
	assert_int_equal(c.step_timeout_ms, 2000);
	assert_int_equal(c.timeout_ms, 5000);
	assert_string_equal(c.rcpt_to, "");
	assert_null(hc_smtp_conf_check(&c));

	strcpy(c.helo_name, "a\r\nRCPT TO:<x>");
	assert_string_equal(hc_smtp_conf_check(&c), "bad helo name");
	assert_int_equal(hc_smtp_dialog_start(&d, &c), -1);
	c.helo_name[0] = '\0';
	assert_string_equal(hc_smtp_conf_check(&c), "bad helo name");
	conf_init(&c);
	strcpy(c.rcpt_to, "a b@example.test");
	assert_string_equal(hc_smtp_conf_check(&c), "bad rcpt to address");
	conf_init(&c);
	strcpy(c.mail_from, "a>@example.test");
	assert_string_equal(hc_smtp_conf_check(&c), "bad mail from address");
	conf_init(&c);
	strcpy(c.tls_server_name, "mx\n");
	assert_string_equal(hc_smtp_conf_check(&c), "bad tls server name");
	conf_init(&c);
	c.port = 0;
	assert_non_null(hc_smtp_conf_check(&c));
	conf_init(&c);
	c.family = AF_UNIX;
	assert_non_null(hc_smtp_conf_check(&c));
	conf_init(&c);
	c.step_timeout_ms = 0;
	assert_non_null(hc_smtp_conf_check(&c));
	conf_init(&c);
	memset(c.tls_ca_file, 'x', sizeof(c.tls_ca_file));
	assert_non_null(hc_smtp_conf_check(&c));
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(hc_smtp_step_name(HC_SMTP_STEP_CONNECT), "connect");
	assert_string_equal(hc_smtp_step_name(HC_SMTP_STEP_EHLO2), "ehlo2");
	assert_string_equal(hc_smtp_step_name(HC_SMTP_STEP_QUIT), "quit");
	assert_string_equal(hc_smtp_step_name(HC_SMTP_STEP__MAX), "?");
	assert_string_equal(hc_class_name(HC_DEGRADED), "degraded");
}

static void
test_ok_plain(void **state)
{
	struct hc_smtp_conf c;
	struct hc_smtp_dialog d;
	struct hc_smtp_action a;

	(void)state;
	conf_init(&c);
	begin(&d, &c, &a);
	feed(&d, EHLO_PLAIN, &a);
	expect_send(&a, "QUIT\r\n");
	expect_result(&d, HC_OK, HC_SMTP_STEP_QUIT, 0, "",
	    "smtp: ok from 127.0.0.1:25");
	assert_false(hc_smtp_dialog_result(&d)->tls);
	assert_int_equal(hc_smtp_dialog_result(&d)->tls_days_left,
	    HC_TLS_DAYS_UNKNOWN);
	feed(&d, "221 2.0.0 Bye\r\n", &a);
	assert_int_equal(a.type, HC_SMTP_ACT_CLOSE);
	expect_result(&d, HC_OK, HC_SMTP_STEP_QUIT, 0, "",
	    "smtp: ok from 127.0.0.1:25");
}

/* The reply to QUIT is optional: EOF, timeouts and odd replies keep OK. */
static void
test_quit_reply_optional(void **state)
{
	struct hc_smtp_conf c;
	struct hc_smtp_dialog d;
	struct hc_smtp_action a;
	int i;

	(void)state;
	conf_init(&c);
	for (i = 0; i < 5; i++) {
		begin(&d, &c, &a);
		feed(&d, EHLO_PLAIN, &a);
		expect_send(&a, "QUIT\r\n");
		if (i == 0)
			hc_smtp_dialog_on_eof(&d, false, &a);
		else if (i == 1)
			hc_smtp_dialog_on_timeout(&d, false, &a);
		else if (i == 2)
			hc_smtp_dialog_on_timeout(&d, true, &a);
		else if (i == 3)
			hc_smtp_dialog_on_error(&d, "protocol error", "x", &a);
		else
			feed(&d, "500 what\r\n", &a);
		assert_int_equal(a.type, HC_SMTP_ACT_CLOSE);
		expect_result(&d, HC_OK, HC_SMTP_STEP_QUIT, 0, "",
		    "smtp: ok from 127.0.0.1:25");
	}
}

static void
test_transaction(void **state)
{
	struct hc_smtp_conf c;
	struct hc_smtp_dialog d;
	struct hc_smtp_action a;

	(void)state;
	conf_init(&c);
	strcpy(c.rcpt_to, "postmaster@example.test");
	begin(&d, &c, &a);
	feed(&d, EHLO_PLAIN, &a);
	expect_send(&a, "MAIL FROM:<>\r\n");
	feed(&d, "250 2.1.0 Ok\r\n", &a);
	expect_send(&a, "RCPT TO:<postmaster@example.test>\r\n");
	feed(&d, "251 2.1.5 will forward\r\n", &a);
	expect_send(&a, "RSET\r\n");
	assert_false(hc_smtp_dialog_decided(&d));
	feed(&d, "250 2.0.0 Ok\r\n", &a);
	expect_send(&a, "QUIT\r\n");
	expect_result(&d, HC_OK, HC_SMTP_STEP_QUIT, 0, "",
	    "smtp: ok from 127.0.0.1:25");

	strcpy(c.mail_from, "probe@example.test");
	begin(&d, &c, &a);
	feed(&d, EHLO_PLAIN, &a);
	expect_send(&a, "MAIL FROM:<probe@example.test>\r\n");
}

static void
test_greeting_failures(void **state)
{
	struct hc_smtp_conf c;
	struct hc_smtp_dialog d;
	struct hc_smtp_action a;

	(void)state;
	conf_init(&c);
	/* 421: the server hangs up; no QUIT. */
	assert_int_equal(hc_smtp_dialog_start(&d, &c), 0);
	hc_smtp_dialog_on_connected(&d, &a);
	feed(&d, "421 4.3.2 Fault injected\r\n", &a);
	assert_int_equal(a.type, HC_SMTP_ACT_CLOSE);
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_GREETING, 421,
	    "4.3.2 Fault injected", "smtp: 421 from 127.0.0.1:25 at greeting");
	assert_string_equal(hc_smtp_dialog_result(&d)->banner_host, "");
	/* 554: RFC 5321 §3.1, the server waits for QUIT. */
	hc_smtp_dialog_start(&d, &c);
	hc_smtp_dialog_on_connected(&d, &a);
	feed(&d, "554 5.7.1 Client host rejected\r\n", &a);
	expect_send(&a, "QUIT\r\n");
	feed(&d, "221 2.0.0 Bye\r\n", &a);
	assert_int_equal(a.type, HC_SMTP_ACT_CLOSE);
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_GREETING, 554,
	    "5.7.1 Client host rejected",
	    "smtp: 554 from 127.0.0.1:25 at greeting");
	/* Table failure banner. */
	hc_smtp_dialog_start(&d, &c);
	hc_smtp_dialog_on_connected(&d, &a);
	feed(&d, "451 4.3.5 Server configuration error\r\n", &a);
	expect_send(&a, "QUIT\r\n");
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_GREETING, 451,
	    "4.3.5 Server configuration error",
	    "smtp: 451 from 127.0.0.1:25 at greeting");
}

static void
test_multiline_greeting_banner(void **state)
{
	struct hc_smtp_conf c;
	struct hc_smtp_dialog d;
	struct hc_smtp_action a;

	(void)state;
	conf_init(&c);
	hc_smtp_dialog_start(&d, &c);
	hc_smtp_dialog_on_connected(&d, &a);
	feed(&d, "220-mx2.example.test ESMTP\r\n220 hello\r\n", &a);
	expect_send(&a, "EHLO probe.test\r\n");
	assert_string_equal(hc_smtp_dialog_result(&d)->banner_host,
	    "mx2.example.test");
}

static void
test_command_failures(void **state)
{
	struct hc_smtp_conf c;
	struct hc_smtp_dialog d;
	struct hc_smtp_action a;

	(void)state;
	conf_init(&c);
	strcpy(c.rcpt_to, "nobody@example.test");
	begin(&d, &c, &a);
	feed(&d, "502 5.5.2 Error: command not recognized\r\n", &a);
	expect_send(&a, "QUIT\r\n");
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_EHLO, 502,
	    "5.5.2 Error: command not recognized",
	    "smtp: 502 from 127.0.0.1:25 at ehlo");

	begin(&d, &c, &a);
	feed(&d, EHLO_PLAIN, &a);
	feed(&d, "452 4.3.1 Insufficient system storage\r\n", &a);
	expect_send(&a, "QUIT\r\n");
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_MAIL, 452,
	    "4.3.1 Insufficient system storage",
	    "smtp: 452 from 127.0.0.1:25 at mail");

	begin(&d, &c, &a);
	feed(&d, EHLO_PLAIN, &a);
	feed(&d, "250 2.1.0 Ok\r\n", &a);
	feed(&d, "550 5.1.1 <nobody@example.test>: Recipient address "
	    "rejected\r\n", &a);
	expect_send(&a, "QUIT\r\n");
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_RCPT, 550,
	    "5.1.1 <nobody@example.test>: Recipient address rejected",
	    "smtp: 550 from 127.0.0.1:25 at rcpt");

	/* 421 at any step: close at once. */
	begin(&d, &c, &a);
	feed(&d, EHLO_PLAIN, &a);
	feed(&d, "250 2.1.0 Ok\r\n", &a);
	feed(&d, "421 4.7.0 too many connections\r\n", &a);
	assert_int_equal(a.type, HC_SMTP_ACT_CLOSE);
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_RCPT, 421,
	    "4.7.0 too many connections",
	    "smtp: 421 from 127.0.0.1:25 at rcpt");

	begin(&d, &c, &a);
	feed(&d, EHLO_PLAIN, &a);
	feed(&d, "250 2.1.0 Ok\r\n", &a);
	feed(&d, "250 2.1.5 Ok\r\n", &a);
	feed(&d, "500 no\r\n", &a);
	expect_send(&a, "QUIT\r\n");
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_RSET, 500, "no",
	    "smtp: 500 from 127.0.0.1:25 at rset");
}

static void
test_eof_timeout_error(void **state)
{
	struct hc_smtp_conf c;
	struct hc_smtp_dialog d;
	struct hc_smtp_action a;

	(void)state;
	conf_init(&c);
	hc_smtp_dialog_start(&d, &c);
	hc_smtp_dialog_on_connected(&d, &a);
	hc_smtp_dialog_on_eof(&d, false, &a);
	assert_int_equal(a.type, HC_SMTP_ACT_CLOSE);
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_GREETING, 0,
	    "connection closed waiting for greeting",
	    "smtp: connection closed from 127.0.0.1:25 at greeting");

	begin(&d, &c, &a);
	hc_smtp_dialog_on_eof(&d, true, &a);
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_EHLO, 0,
	    "connection closed mid-reply waiting for EHLO reply",
	    "smtp: connection closed from 127.0.0.1:25 at ehlo");

	hc_smtp_dialog_start(&d, &c);
	hc_smtp_dialog_on_connected(&d, &a);
	hc_smtp_dialog_on_timeout(&d, false, &a);
	assert_int_equal(a.type, HC_SMTP_ACT_CLOSE);
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_GREETING, 0,
	    "timeout after 2000 ms waiting for greeting",
	    "smtp: timeout from 127.0.0.1:25 at greeting");

	strcpy(c.rcpt_to, "postmaster@example.test");
	begin(&d, &c, &a);
	feed(&d, EHLO_PLAIN, &a);
	feed(&d, "250 2.1.0 Ok\r\n", &a);
	hc_smtp_dialog_on_timeout(&d, true, &a);
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_RCPT, 0,
	    "overall timeout after 5000 ms waiting for RCPT reply",
	    "smtp: timeout from 127.0.0.1:25 at rcpt");

	hc_smtp_dialog_start(&d, &c);
	hc_smtp_dialog_on_timeout(&d, false, &a);
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_CONNECT, 0,
	    "timeout after 2000 ms waiting for connect",
	    "smtp: timeout from 127.0.0.1:25 at connect");

	hc_smtp_dialog_start(&d, &c);
	hc_smtp_dialog_on_error(&d, "connection refused", "connection refused",
	    &a);
	assert_int_equal(a.type, HC_SMTP_ACT_CLOSE);
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_CONNECT, 0,
	    "connection refused",
	    "smtp: connection refused from 127.0.0.1:25 at connect");
}

static void
test_ipv6_reason(void **state)
{
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x25 };
	struct hc_smtp_conf c;
	struct hc_smtp_dialog d;
	struct hc_smtp_action a;

	(void)state;
	conf_init(&c);
	c.family = AF_INET6;
	memcpy(c.addr, a6, 16);
	c.port = 2525;
	hc_smtp_dialog_start(&d, &c);
	hc_smtp_dialog_on_connected(&d, &a);
	feed(&d, "421 4.3.2 busy\r\n", &a);
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_GREETING, 421,
	    "4.3.2 busy", "smtp: 421 from [2001:db8::25]:2525 at greeting");
}

static void
test_starttls_ok(void **state)
{
	struct hc_smtp_conf c;
	struct hc_smtp_dialog d;
	struct hc_smtp_action a;
	struct hc_tls_result t = tls_ok(100);

	(void)state;
	conf_init(&c);
	begin(&d, &c, &a);
	to_tls(&d, &a);
	hc_smtp_dialog_on_tls_done(&d, &t, &a);
	expect_send(&a, "EHLO probe.test\r\n");
	assert_int_equal(d.step, HC_SMTP_STEP_EHLO2);
	feed(&d, EHLO_PLAIN, &a);
	expect_send(&a, "QUIT\r\n");
	expect_result(&d, HC_OK, HC_SMTP_STEP_QUIT, 0, "",
	    "smtp: ok from 127.0.0.1:25");
	assert_true(hc_smtp_dialog_result(&d)->tls);
	assert_int_equal(hc_smtp_dialog_result(&d)->tls_days_left, 100);

	/* starttls off: an offered STARTTLS is not used. */
	c.starttls = false;
	begin(&d, &c, &a);
	feed(&d, EHLO_TLS, &a);
	expect_send(&a, "QUIT\r\n");
	expect_result(&d, HC_OK, HC_SMTP_STEP_QUIT, 0, "",
	    "smtp: ok from 127.0.0.1:25");
}

static void
test_starttls_refused(void **state)
{
	struct hc_smtp_conf c;
	struct hc_smtp_dialog d;
	struct hc_smtp_action a;

	(void)state;
	conf_init(&c);
	strcpy(c.rcpt_to, "postmaster@example.test");
	/* Optional: degraded, and the plaintext session goes on. */
	begin(&d, &c, &a);
	feed(&d, EHLO_TLS, &a);
	feed(&d, "454 4.7.0 TLS not available due to local problem\r\n", &a);
	expect_send(&a, "MAIL FROM:<>\r\n");
	feed(&d, "250 2.1.0 Ok\r\n", &a);
	feed(&d, "250 2.1.5 Ok\r\n", &a);
	feed(&d, "250 2.0.0 Ok\r\n", &a);
	expect_send(&a, "QUIT\r\n");
	expect_result(&d, HC_DEGRADED, HC_SMTP_STEP_STARTTLS, 454,
	    "4.7.0 TLS not available due to local problem",
	    "smtp: 454 from 127.0.0.1:25 at starttls");
	/* ... but a later failure wins. */
	begin(&d, &c, &a);
	feed(&d, EHLO_TLS, &a);
	feed(&d, "501 5.5.4 Syntax\r\n", &a);
	feed(&d, "250 2.1.0 Ok\r\n", &a);
	feed(&d, "550 5.1.1 unknown\r\n", &a);
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_RCPT, 550,
	    "5.1.1 unknown", "smtp: 550 from 127.0.0.1:25 at rcpt");
	/* Required: failed. */
	c.tls_required = true;
	begin(&d, &c, &a);
	feed(&d, EHLO_TLS, &a);
	feed(&d, "454 4.7.0 TLS not available\r\n", &a);
	expect_send(&a, "QUIT\r\n");
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_STARTTLS, 454,
	    "4.7.0 TLS not available",
	    "smtp: 454 from 127.0.0.1:25 at starttls");
	/* Required but not offered. */
	begin(&d, &c, &a);
	feed(&d, EHLO_PLAIN, &a);
	expect_send(&a, "QUIT\r\n");
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_EHLO, 0,
	    "STARTTLS not offered",
	    "smtp: STARTTLS not offered from 127.0.0.1:25 at ehlo");
	/* tls_required alone implies trying STARTTLS. */
	c.starttls = false;
	begin(&d, &c, &a);
	feed(&d, EHLO_TLS, &a);
	expect_send(&a, "STARTTLS\r\n");
}

static void
test_handshake_failed(void **state)
{
	struct hc_smtp_conf c;
	struct hc_smtp_dialog d;
	struct hc_smtp_action a;
	struct hc_tls_result t;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.days_left = HC_TLS_DAYS_UNKNOWN;
	strcpy(t.text, "handshake: wrong version number");
	conf_init(&c);
	begin(&d, &c, &a);
	to_tls(&d, &a);
	hc_smtp_dialog_on_tls_done(&d, &t, &a);
	assert_int_equal(a.type, HC_SMTP_ACT_CLOSE);
	expect_result(&d, HC_DEGRADED, HC_SMTP_STEP_TLS, 0,
	    "TLS handshake failed: handshake: wrong version number",
	    "smtp: TLS handshake failed from 127.0.0.1:25 at tls");
	assert_false(hc_smtp_dialog_result(&d)->tls);
	c.tls_required = true;
	begin(&d, &c, &a);
	to_tls(&d, &a);
	hc_smtp_dialog_on_tls_done(&d, &t, &a);
	assert_int_equal(a.type, HC_SMTP_ACT_CLOSE);
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_TLS, 0,
	    "TLS handshake failed: handshake: wrong version number",
	    "smtp: TLS handshake failed from 127.0.0.1:25 at tls");
}

static void
test_verify_failed(void **state)
{
	struct hc_smtp_conf c;
	struct hc_smtp_dialog d;
	struct hc_smtp_action a;
	struct hc_tls_result t = tls_ok(-3);

	(void)state;
	t.verify_checked = true;
	t.verify_code = 10;
	strcpy(t.text, "certificate verify failed: certificate has expired");
	conf_init(&c);
	c.tls_verify = c.tls_required = true;
	begin(&d, &c, &a);
	to_tls(&d, &a);
	hc_smtp_dialog_on_tls_done(&d, &t, &a);
	expect_send(&a, "QUIT\r\n");
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_TLS, 0,
	    "certificate verify failed: certificate has expired",
	    "smtp: certificate verify failed from 127.0.0.1:25 at tls");
	assert_int_equal(hc_smtp_dialog_result(&d)->tls_days_left, -3);
	/* Optional TLS: degraded, EHLO again, carry on. */
	c.tls_required = false;
	begin(&d, &c, &a);
	to_tls(&d, &a);
	hc_smtp_dialog_on_tls_done(&d, &t, &a);
	expect_send(&a, "EHLO probe.test\r\n");
	feed(&d, EHLO_PLAIN, &a);
	expect_send(&a, "QUIT\r\n");
	expect_result(&d, HC_DEGRADED, HC_SMTP_STEP_TLS, 0,
	    "certificate verify failed: certificate has expired",
	    "smtp: certificate verify failed from 127.0.0.1:25 at tls");
	/* verify_checked false: the verify outcome is not graded. */
	t.verify_checked = false;
	t.days_left = 200;
	begin(&d, &c, &a);
	to_tls(&d, &a);
	hc_smtp_dialog_on_tls_done(&d, &t, &a);
	feed(&d, EHLO_PLAIN, &a);
	expect_result(&d, HC_OK, HC_SMTP_STEP_QUIT, 0, "",
	    "smtp: ok from 127.0.0.1:25");
}

/* Run a handshake with days left; return the action after it. */
static void
days_case(struct hc_smtp_dialog *d, const struct hc_smtp_conf *c, int days,
    struct hc_smtp_action *a)
{
	struct hc_tls_result t = tls_ok(days);

	begin(d, c, a);
	to_tls(d, a);
	hc_smtp_dialog_on_tls_done(d, &t, a);
}

static void
test_days_left(void **state)
{
	struct hc_smtp_conf c;
	struct hc_smtp_dialog d;
	struct hc_smtp_action a;

	(void)state;
	conf_init(&c);
	days_case(&d, &c, 14, &a);
	expect_send(&a, "EHLO probe.test\r\n");
	feed(&d, EHLO_PLAIN, &a);
	expect_result(&d, HC_OK, HC_SMTP_STEP_QUIT, 0, "",
	    "smtp: ok from 127.0.0.1:25");

	days_case(&d, &c, 13, &a);
	expect_send(&a, "EHLO probe.test\r\n");
	feed(&d, EHLO_PLAIN, &a);
	expect_result(&d, HC_DEGRADED, HC_SMTP_STEP_TLS, 0,
	    "certificate expires in 13 days (days left: 13)",
	    "smtp: certificate expires in 13 days from 127.0.0.1:25 at tls");

	/* Expired: crit (0) applies; optional TLS only degrades. */
	days_case(&d, &c, -1, &a);
	expect_send(&a, "EHLO probe.test\r\n");
	feed(&d, EHLO_PLAIN, &a);
	expect_result(&d, HC_DEGRADED, HC_SMTP_STEP_TLS, 0,
	    "certificate expired (days left: -1)",
	    "smtp: certificate expired from 127.0.0.1:25 at tls");

	c.tls_required = true;
	days_case(&d, &c, 0, &a);
	expect_send(&a, "EHLO probe.test\r\n");
	feed(&d, EHLO_PLAIN, &a);
	expect_result(&d, HC_DEGRADED, HC_SMTP_STEP_TLS, 0,
	    "certificate expires in 0 days (days left: 0)",
	    "smtp: certificate expires in 0 days from 127.0.0.1:25 at tls");

	days_case(&d, &c, -1, &a);
	expect_send(&a, "QUIT\r\n");
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_TLS, 0,
	    "certificate expired (days left: -1)",
	    "smtp: certificate expired from 127.0.0.1:25 at tls");

	c.tls_days_crit = 7;
	days_case(&d, &c, 6, &a);
	expect_send(&a, "QUIT\r\n");
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_TLS, 0,
	    "certificate expires in 6 days (days left: 6)",
	    "smtp: certificate expires in 6 days from 127.0.0.1:25 at tls");

	/* No certificate date: nothing to grade. */
	days_case(&d, &c, HC_TLS_DAYS_UNKNOWN, &a);
	expect_send(&a, "EHLO probe.test\r\n");
}

static void
test_out_of_order_events(void **state)
{
	struct hc_smtp_conf c;
	struct hc_smtp_dialog d;
	struct hc_smtp_action a;
	struct hc_tls_result t = tls_ok(100);

	(void)state;
	conf_init(&c);
	/* A TLS result while no handshake runs. */
	begin(&d, &c, &a);
	hc_smtp_dialog_on_tls_done(&d, &t, &a);
	assert_int_equal(a.type, HC_SMTP_ACT_CLOSE);
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_EHLO, 0,
	    "TLS result at an unexpected point",
	    "smtp: protocol error from 127.0.0.1:25 at ehlo");
	/* A reply while handshaking. */
	begin(&d, &c, &a);
	to_tls(&d, &a);
	feed(&d, "250 x\r\n", &a);
	assert_int_equal(a.type, HC_SMTP_ACT_CLOSE);
	expect_result(&d, HC_FAILED, HC_SMTP_STEP_TLS, 0,
	    "reply at an unexpected point",
	    "smtp: protocol error from 127.0.0.1:25 at tls");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_check),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ok_plain),
		cmocka_unit_test(test_quit_reply_optional),
		cmocka_unit_test(test_transaction),
		cmocka_unit_test(test_greeting_failures),
		cmocka_unit_test(test_multiline_greeting_banner),
		cmocka_unit_test(test_command_failures),
		cmocka_unit_test(test_eof_timeout_error),
		cmocka_unit_test(test_ipv6_reason),
		cmocka_unit_test(test_starttls_ok),
		cmocka_unit_test(test_starttls_refused),
		cmocka_unit_test(test_handshake_failed),
		cmocka_unit_test(test_verify_failed),
		cmocka_unit_test(test_days_left),
		cmocka_unit_test(test_out_of_order_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
