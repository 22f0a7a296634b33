/* SPDX-License-Identifier: ISC */
/* TLS client side for the SMTP probe: OpenSSL context, verify policy, non-blocking handshake and I/O. */
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "healthcheck/tls.h"

struct hc_tls_ctx {
	SSL_CTX *ctx;
	bool verify;
};

struct hc_tls_conn {
	SSL *ssl;
	bool verify;
	bool fatal;		/* no SSL_shutdown after a fatal error */
};

/* The oldest queued OpenSSL error as one short line, then clear the queue. */
static void
ssl_errmsg(const char *what, char *err, size_t errlen)
{
	unsigned long e = ERR_peek_error();
	const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;

	if (reason != NULL)
		snprintf(err, errlen, "%s: %s", what, reason);
	else if (e != 0)
		snprintf(err, errlen, "%s: error %lx", what, e);
	else
		snprintf(err, errlen, "%s", what);
	ERR_clear_error();
}

struct hc_tls_ctx *
hc_tls_ctx_new(bool verify, const char *ca_file, char *err, size_t errlen)
{
	struct hc_tls_ctx *t;

	ERR_clear_error();
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->verify = verify;
	if ((t->ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		ssl_errmsg("SSL_CTX_new", err, errlen);
		goto fail;
	}
	if (!SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION)) {
		ssl_errmsg("TLS 1.2 minimum", err, errlen);
		goto fail;
	}
	/* Never abort the handshake: verify, record, let the dialogue grade. */
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_mode(t->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE);
	/* A close without close_notify is an EOF to us, not a TLS error. */
	SSL_CTX_set_options(t->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	if (verify) {
		int ok = ca_file != NULL && ca_file[0] != '\0' ?
		    SSL_CTX_load_verify_locations(t->ctx, ca_file, NULL) :
		    SSL_CTX_set_default_verify_paths(t->ctx);

		if (!ok) {
			ssl_errmsg(ca_file != NULL && ca_file[0] != '\0' ?
			    ca_file : "default CA store", err, errlen);
			goto fail;
		}
	}
	return t;
fail:
	hc_tls_ctx_free(t);
	return NULL;
}

void
hc_tls_ctx_free(struct hc_tls_ctx *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

/* SNI must be a DNS name (RFC 6066 §3): never an address literal. */
static bool
is_ip_literal(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1;
}

static int
conn_setup(struct hc_tls_conn *c, int fd, const char *sni,
    const char *verify_name, char *err, size_t errlen)
{
	if (!SSL_set_fd(c->ssl, fd)) {
		ssl_errmsg("SSL_set_fd", err, errlen);
		return -1;
	}
	if (sni != NULL && sni[0] != '\0' && !is_ip_literal(sni) &&
	    !SSL_set_tlsext_host_name(c->ssl, sni)) {
		ssl_errmsg("SNI", err, errlen);
		return -1;
	}
	if (c->verify && verify_name != NULL && verify_name[0] != '\0') {
		/* Host names only: no partial wildcards like "mx*.example". */
		SSL_set_hostflags(c->ssl,
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		if (!SSL_set1_host(c->ssl, verify_name)) {
			ssl_errmsg("verify name", err, errlen);
			return -1;
		}
	}
	SSL_set_connect_state(c->ssl);
	return 0;
}

struct hc_tls_conn *
hc_tls_conn_new(struct hc_tls_ctx *t, int fd, const char *sni,
    const char *verify_name, char *err, size_t errlen)
{
	struct hc_tls_conn *c;

	ERR_clear_error();
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->verify = t->verify;
	if ((c->ssl = SSL_new(t->ctx)) == NULL) {
		ssl_errmsg("SSL_new", err, errlen);
		goto fail;
	}
	if (conn_setup(c, fd, sni, verify_name, err, errlen) < 0)
		goto fail;
	return c;
fail:
	hc_tls_conn_free(c);
	return NULL;
}

void
hc_tls_conn_free(struct hc_tls_conn *c)
{
	if (c == NULL)
		return;
	SSL_free(c->ssl);
	free(c);
}

/* Map an SSL_* return value to the loop's view. */
static enum hc_tls_io
io_status(struct hc_tls_conn *c, int ret, const char *what, char *err,
    size_t errlen)
{
	int saved = errno;

	c->fatal = true;	/* unless it turns out to be WANT_* */
	switch (SSL_get_error(c->ssl, ret)) {
	case SSL_ERROR_NONE:
		c->fatal = false;
		return HC_TLS_IO_OK;
	case SSL_ERROR_WANT_READ:
		c->fatal = false;
		return HC_TLS_IO_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		c->fatal = false;
		return HC_TLS_IO_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		c->fatal = false;	/* a clean close_notify */
		snprintf(err, errlen, "%s: connection closed", what);
		return HC_TLS_IO_EOF;
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() != 0)
			break;
		/* OpenSSL 3 reports a bare EOF as an SSL error; older, here. */
		if (saved == 0) {
			snprintf(err, errlen, "%s: connection closed", what);
			return HC_TLS_IO_EOF;
		}
		snprintf(err, errlen, "%s: %s", what, strerror(saved));
		ERR_clear_error();
		return HC_TLS_IO_ERROR;
	default:
		break;
	}
	ssl_errmsg(what, err, errlen);
	return HC_TLS_IO_ERROR;
}

enum hc_tls_io
hc_tls_handshake(struct hc_tls_conn *c, char *err, size_t errlen)
{
	int ret;

	ERR_clear_error();
	errno = 0;
	ret = SSL_do_handshake(c->ssl);
	if (ret == 1)
		return HC_TLS_IO_OK;
	return io_status(c, ret, "handshake", err, errlen);
}

/*
 * Whole days from now to notAfter, rounded down (ASN1_TIME_diff rounds
 * towards zero and gives day and second parts of the same sign).
 */
static int
days_left(X509 *cert)
{
	const ASN1_TIME *na = X509_get0_notAfter(cert);
	int day = 0, sec = 0;

	if (na == NULL || !ASN1_TIME_diff(&day, &sec, NULL, na))
		return HC_TLS_DAYS_UNKNOWN;
	return sec < 0 ? day - 1 : day;
}

void
hc_tls_conn_result(struct hc_tls_conn *c, struct hc_tls_result *r)
{
	X509 *cert;
	bool have_cert = false;
	long v;

	memset(r, 0, sizeof(*r));
	r->ok = true;
	r->days_left = HC_TLS_DAYS_UNKNOWN;
	snprintf(r->version, sizeof(r->version), "%s",
	    SSL_get_version(c->ssl));
	if ((cert = SSL_get1_peer_certificate(c->ssl)) != NULL) {
		have_cert = true;
		r->days_left = days_left(cert);
		X509_free(cert);
	}
	ERR_clear_error();
	if (!c->verify)
		return;
	r->verify_checked = true;
	v = have_cert ? SSL_get_verify_result(c->ssl) :
	    X509_V_ERR_UNSPECIFIED;
	r->verify_code = v;
	r->verified = v == X509_V_OK;
	if (!r->verified)
		snprintf(r->text, sizeof(r->text),
		    "certificate verify failed: %s", have_cert ?
		    X509_verify_cert_error_string(v) : "no peer certificate");
}

enum hc_tls_io
hc_tls_read(struct hc_tls_conn *c, void *buf, size_t len, size_t *n,
    char *err, size_t errlen)
{
	int ret;

	*n = 0;
	ERR_clear_error();
	errno = 0;
	ret = SSL_read_ex(c->ssl, buf, len, n);
	if (ret == 1)
		return HC_TLS_IO_OK;
	return io_status(c, ret, "TLS read", err, errlen);
}

enum hc_tls_io
hc_tls_write(struct hc_tls_conn *c, const void *buf, size_t len, size_t *n,
    char *err, size_t errlen)
{
	int ret;

	*n = 0;
	ERR_clear_error();
	errno = 0;
	ret = SSL_write_ex(c->ssl, buf, len, n);
	if (ret == 1)
		return HC_TLS_IO_OK;
	return io_status(c, ret, "TLS write", err, errlen);
}

void
hc_tls_close_notify(struct hc_tls_conn *c)
{
	ERR_clear_error();
	if (!c->fatal && SSL_is_init_finished(c->ssl))
		(void)SSL_shutdown(c->ssl);
	ERR_clear_error();
}
