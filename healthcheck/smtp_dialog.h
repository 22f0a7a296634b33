/* SPDX-License-Identifier: ISC */
/* SMTP probe dialogue: a pure state machine fed replies and events, returning the next action. */
#ifndef VIPD_HC_SMTP_DIALOG_H
#define VIPD_HC_SMTP_DIALOG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "healthcheck/hc.h"
#include "healthcheck/smtp_reply.h"
#include "healthcheck/tls.h"

#define HC_SMTP_NAME_MAX	256	/* host names, addresses; NUL included */
#define HC_SMTP_CMD_MAX		512	/* RFC 5321 command line limit */
#define HC_SMTP_RESULT_TEXT_MAX	256
#define HC_SMTP_REASON_MAX	320

/*
 * What to probe and how. Fill with hc_smtp_conf_defaults, then override;
 * hc_smtp_conf_check must accept it before a dialogue or probe starts.
 */
struct hc_smtp_conf {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t addr[16];		/* network order; IPv4 uses 4 bytes */
	uint16_t port;			/* host order */
	char helo_name[HC_SMTP_NAME_MAX]; /* EHLO argument */
	bool starttls;			/* use STARTTLS when offered */
	bool tls_required;		/* no STARTTLS or broken TLS = FAILED
					 * (implies starttls) */
	bool tls_verify;		/* verify the chain (tls_ca_file) */
	char tls_ca_file[PATH_MAX];	/* PEM bundle; "" = system store */
	char tls_server_name[HC_SMTP_NAME_MAX]; /* certificate name to
					 * verify and SNI; "" = no name check,
					 * SNI = the greeting's host name */
	int tls_days_warn;		/* days left below this: DEGRADED */
	int tls_days_crit;		/* below this: FAILED if tls_required,
					 * else DEGRADED (0: expired) */
	char mail_from[HC_SMTP_NAME_MAX]; /* "" = null sender <> */
	char rcpt_to[HC_SMTP_NAME_MAX];	/* "" = no MAIL/RCPT/RSET step */
	uint32_t step_timeout_ms;	/* per step (connect, each reply,
					 * handshake) */
	uint32_t timeout_ms;		/* whole probe */
};

/*
 * Defaults: 127.0.0.1:25, EHLO helo_name (the caller passes the host
 * name; NULL or "" = "localhost"), STARTTLS if offered, no verification,
 * warn below 14 days, crit below 0, no transaction, 2 s per step, 5 s in
 * all.
 */
void hc_smtp_conf_defaults(struct hc_smtp_conf *, const char *helo_name);

/*
 * NULL if conf can be used, else a static message naming the bad field
 * (e.g. a CR/LF or space in a name, which would let a name inject SMTP
 * commands).
 */
const char *hc_smtp_conf_check(const struct hc_smtp_conf *);

enum hc_smtp_step {
	HC_SMTP_STEP_CONNECT,
	HC_SMTP_STEP_GREETING,
	HC_SMTP_STEP_EHLO,
	HC_SMTP_STEP_STARTTLS,
	HC_SMTP_STEP_TLS,
	HC_SMTP_STEP_EHLO2,		/* EHLO again after the handshake */
	HC_SMTP_STEP_MAIL,
	HC_SMTP_STEP_RCPT,
	HC_SMTP_STEP_RSET,
	HC_SMTP_STEP_QUIT,
	HC_SMTP_STEP__MAX
};

/* "connect", "greeting", "ehlo", ... "quit"; "?" out of range. */
const char *hc_smtp_step_name(enum hc_smtp_step);

/*
 * The verdict: what the probe's one completion funnel hands over.
 * For HC_OK, step is HC_SMTP_STEP_QUIT, code 0 and text "". Otherwise
 * step/code/text describe the failure (or, for HC_DEGRADED, the first
 * degradation); code is the server's reply code, or 0 when the problem
 * was not a reply (timeout, refused, EOF, TLS, protocol error).
 */
struct hc_smtp_result {
	enum hc_class cls;
	enum hc_smtp_step step;
	int code;
	char text[HC_SMTP_RESULT_TEXT_MAX]; /* reply text or error, e.g.
					 * "timeout after 2000 ms waiting for
					 * greeting" */
	uint64_t latency_us;		/* connect start to verdict (set by
					 * the probe driver; 0 here) */
	char banner_host[HC_SMTP_NAME_MAX]; /* first word after 220 */
	bool tls;			/* a TLS handshake completed */
	int tls_days_left;		/* HC_TLS_DAYS_UNKNOWN if no cert */
	/*
	 * One line for logs and state-transition reasons:
	 * "smtp: 421 from 127.0.0.1:25 at greeting",
	 * "smtp: timeout from [2001:db8::1]:25 at rcpt",
	 * "smtp: ok from 127.0.0.1:25".
	 */
	char reason[HC_SMTP_REASON_MAX];
};

enum hc_smtp_act_type {
	HC_SMTP_ACT_WAIT,		/* nothing to do: wait for a reply */
	HC_SMTP_ACT_SEND,		/* write line[0..len) (CRLF included) */
	HC_SMTP_ACT_START_TLS,		/* drop buffered input, handshake */
	HC_SMTP_ACT_CLOSE,		/* done: the result is final */
};

struct hc_smtp_action {
	enum hc_smtp_act_type type;
	size_t len;
	char line[HC_SMTP_CMD_MAX];
};

/*
 * The dialogue: CONNECT, GREETING (220), EHLO (250), [STARTTLS (220), TLS
 * handshake, EHLO (250)], [MAIL (250), RCPT (250/251), RSET (250)], QUIT.
 * It never sends before the greeting and never pipelines: one command,
 * then its reply. Once the verdict is known the dialogue says QUIT when
 * the session still allows it (not after a 421, EOF, timeout, protocol
 * error or broken handshake); the reply to QUIT, its absence, a timeout
 * or EOF then only close the session.
 * Optional TLS (starttls without tls_required): a 454/501 to STARTTLS, a
 * failed verification or a short-lived certificate make it DEGRADED but
 * the dialogue goes on, so a worse failure later still shows.
 */
struct hc_smtp_dialog {
	const struct hc_smtp_conf *conf; /* must outlive the dialogue */
	enum hc_smtp_step step;
	bool decided;			/* verdict final (QUIT or CLOSE) */
	bool degraded;			/* res holds the first degradation */
	bool failed;
	char kind[64];			/* reason word: code, "timeout"... */
	struct hc_smtp_result res;
};

/* Start at CONNECT. Returns 0, or -1 if conf fails hc_smtp_conf_check. */
int hc_smtp_dialog_start(struct hc_smtp_dialog *,
    const struct hc_smtp_conf *);

/*
 * Events. Each fills *act with what the driver must do next. After
 * HC_SMTP_ACT_CLOSE no further event may be fed.
 */
void hc_smtp_dialog_on_connected(struct hc_smtp_dialog *,
    struct hc_smtp_action *act);
void hc_smtp_dialog_on_reply(struct hc_smtp_dialog *,
    const struct hc_smtp_reply *, struct hc_smtp_action *act);
void hc_smtp_dialog_on_tls_done(struct hc_smtp_dialog *,
    const struct hc_tls_result *, struct hc_smtp_action *act);
/* mid_reply: part of a reply had arrived when the connection closed. */
void hc_smtp_dialog_on_eof(struct hc_smtp_dialog *, bool mid_reply,
    struct hc_smtp_action *act);
/* overall: the whole-probe timeout fired, not the step timeout. */
void hc_smtp_dialog_on_timeout(struct hc_smtp_dialog *, bool overall,
    struct hc_smtp_action *act);
/*
 * Any other failure: connect errors, I/O errors, protocol errors. kind is
 * the short word for the reason ("connection refused", "protocol error"),
 * text the detail for result.text.
 */
void hc_smtp_dialog_on_error(struct hc_smtp_dialog *, const char *kind,
    const char *text, struct hc_smtp_action *act);

/* True once the verdict can no longer change (latency stops here). */
bool hc_smtp_dialog_decided(const struct hc_smtp_dialog *);

/* The verdict; final once decided. */
const struct hc_smtp_result *hc_smtp_dialog_result(
    const struct hc_smtp_dialog *);

#endif
