/* SPDX-License-Identifier: ISC */
/* TLS client side for the SMTP probe: OpenSSL context, verify policy, non-blocking handshake and I/O. */
#ifndef VIPD_HC_TLS_H
#define VIPD_HC_TLS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* days_left when no certificate was seen or its date could not be read. */
#define HC_TLS_DAYS_UNKNOWN	INT_MIN
#define HC_TLS_TEXT_MAX		256

/*
 * What a finished handshake found; the SMTP dialogue grades it
 * (hc_smtp_dialog_on_tls_done). Plain data, so the dialogue stays pure.
 */
struct hc_tls_result {
	bool ok;		/* handshake completed */
	bool verify_checked;	/* the context asked for verification */
	bool verified;		/* chain (and name, if one was given) good */
	long verify_code;	/* X509_V_OK (0) or the X509_V_ERR_* found */
	/*
	 * Whole days until the peer certificate's notAfter, rounded down:
	 * 0 = expires within a day, -1 = expired less than a day ago.
	 * Measured even when verification is off.
	 */
	int days_left;
	char version[16];	/* "TLSv1.3"; empty if unknown */
	char text[HC_TLS_TEXT_MAX]; /* the error when !ok or !verified */
};

struct hc_tls_ctx;		/* SSL_CTX plus the verify policy */
struct hc_tls_conn;		/* one SSL session on a caller's fd */

/*
 * A client context: TLS 1.2 or newer. The handshake never aborts on a bad
 * certificate (SSL_VERIFY_NONE); when verify is true the chain is checked
 * against ca_file (a PEM bundle; NULL or "" = the system store) and the
 * outcome reported by hc_tls_conn_result, so the days left can always be
 * measured. Create one per configuration and share it across probes.
 * Returns NULL with a message in err (startup error) on failure.
 */
struct hc_tls_ctx *hc_tls_ctx_new(bool verify, const char *ca_file,
    char *err, size_t errlen);
void hc_tls_ctx_free(struct hc_tls_ctx *);

/*
 * Start a client session on the connected non-blocking socket fd (not
 * taken over: the caller still closes it). sni: name sent in the
 * ServerName extension (skipped when NULL, empty or an IP literal).
 * verify_name: DNS name the certificate must match when the context
 * verifies (NULL or "" = chain only). Returns NULL with a message in err.
 */
struct hc_tls_conn *hc_tls_conn_new(struct hc_tls_ctx *, int fd,
    const char *sni, const char *verify_name, char *err, size_t errlen);
void hc_tls_conn_free(struct hc_tls_conn *);

enum hc_tls_io {
	HC_TLS_IO_OK,
	HC_TLS_IO_WANT_READ,	/* call again when fd is readable */
	HC_TLS_IO_WANT_WRITE,	/* call again when fd is writable */
	HC_TLS_IO_EOF,		/* the peer closed the connection */
	HC_TLS_IO_ERROR,	/* err holds a one-line reason */
};

/* Drive the handshake one step; HC_TLS_IO_OK once it has completed. */
enum hc_tls_io hc_tls_handshake(struct hc_tls_conn *, char *err,
    size_t errlen);

/* After a completed handshake: protocol, verify outcome, days left. */
void hc_tls_conn_result(struct hc_tls_conn *, struct hc_tls_result *);

/*
 * Read or write up to len bytes; *n receives the count on HC_TLS_IO_OK.
 * After WANT_* retry the same call (same buffer and length for writes).
 */
enum hc_tls_io hc_tls_read(struct hc_tls_conn *, void *buf, size_t len,
    size_t *n, char *err, size_t errlen);
enum hc_tls_io hc_tls_write(struct hc_tls_conn *, const void *buf,
    size_t len, size_t *n, char *err, size_t errlen);

/* Send close_notify once, without waiting for the peer's (best effort). */
void hc_tls_close_notify(struct hc_tls_conn *);

#endif
