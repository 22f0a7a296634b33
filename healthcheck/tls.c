/* SPDX-License-Identifier: ISC */
/* TLS client side for the SMTP probe: OpenSSL context, verify policy, non-blocking handshake and I/O. */
#include <arpa/inet.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "healthcheck/tls.h"

/*
 * OpenSSL is loaded when the first TLS context is made (an smtp_check with
 * starttls), not linked: linked in, libssl and libcrypto put 1.7 MiB into
 * every vipd's resident memory, and most configurations never use TLS.
 * Every function is called through a table held by the context and copied
 * into each connection (no global); the macros below point the OpenSSL
 * names (and the header macros built on them, like SSL_CTX_set_mode) at a
 * local `fn`.
 */
#define TLS_SONAME	"libssl.so.3"
#define TLS_FUNCS(X) X(ERR_peek_error) X(ERR_reason_error_string) \
	 X(ERR_clear_error) X(SSL_CTX_new) X(TLS_client_method) X(SSL_CTX_ctrl) \
	 X(SSL_CTX_set_verify) X(SSL_CTX_set_options) \
	 X(SSL_CTX_load_verify_locations) X(SSL_CTX_set_default_verify_paths) \
	 X(SSL_CTX_free) X(SSL_set_fd) X(SSL_ctrl) X(SSL_set_hostflags) \
	 X(SSL_set1_host) X(SSL_set_connect_state) X(SSL_new) X(SSL_free) \
	 X(SSL_get_error) X(SSL_do_handshake) X(X509_get0_notAfter) \
	 X(ASN1_TIME_diff) X(SSL_get_version) X(SSL_get1_peer_certificate) \
	 X(X509_free) X(SSL_get_verify_result) X(X509_verify_cert_error_string) \
	 X(SSL_read_ex) X(SSL_write_ex) X(SSL_is_init_finished) X(SSL_shutdown)

struct tls_fn {
#define X(f)	__typeof__(f) *f;
	TLS_FUNCS(X)
#undef X
};

struct hc_tls_ctx {
	struct tls_fn fn;
	SSL_CTX *ctx;
	bool verify;
};

struct hc_tls_conn {
	struct tls_fn fn;
	SSL *ssl;
	bool verify;
	bool fatal;		/* no SSL_shutdown after a fatal error */
};

/* dlopen libssl (and with it libcrypto) and fill *tf; -1 with err set. */
static int
tls_load(struct tls_fn *tf, char *err, size_t errlen)
{
	void *dl;

	/* NODELETE: objects made by one context may outlive it. */
	dl = dlopen(TLS_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (dl == NULL) {
		snprintf(err, errlen, "TLS: %s", dlerror());
		return -1;
	}
#define X(f)	if ((*(void **)&tf->f = dlsym(dl, #f)) == NULL) { \
		snprintf(err, errlen, "TLS: %s has no %s", TLS_SONAME, #f); \
		dlclose(dl); \
		return -1; \
	}
	TLS_FUNCS(X)
#undef X
	/* The handle is dropped: NODELETE keeps the library mapped. */
	dlclose(dl);
	return 0;
}

/* From here on, OpenSSL names call through the table. */
#define ERR_peek_error	(fn->ERR_peek_error)
#define ERR_reason_error_string	(fn->ERR_reason_error_string)
#define ERR_clear_error	(fn->ERR_clear_error)
#define SSL_CTX_new	(fn->SSL_CTX_new)
#define TLS_client_method	(fn->TLS_client_method)
#define SSL_CTX_ctrl	(fn->SSL_CTX_ctrl)
#define SSL_CTX_set_verify	(fn->SSL_CTX_set_verify)
#define SSL_CTX_set_options	(fn->SSL_CTX_set_options)
#define SSL_CTX_load_verify_locations	(fn->SSL_CTX_load_verify_locations)
#define SSL_CTX_set_default_verify_paths	(fn->SSL_CTX_set_default_verify_paths)
#define SSL_CTX_free	(fn->SSL_CTX_free)
#define SSL_set_fd	(fn->SSL_set_fd)
#define SSL_ctrl	(fn->SSL_ctrl)
#define SSL_set_hostflags	(fn->SSL_set_hostflags)
#define SSL_set1_host	(fn->SSL_set1_host)
#define SSL_set_connect_state	(fn->SSL_set_connect_state)
#define SSL_new	(fn->SSL_new)
#define SSL_free	(fn->SSL_free)
#define SSL_get_error	(fn->SSL_get_error)
#define SSL_do_handshake	(fn->SSL_do_handshake)
#define X509_get0_notAfter	(fn->X509_get0_notAfter)
#define ASN1_TIME_diff	(fn->ASN1_TIME_diff)
#define SSL_get_version	(fn->SSL_get_version)
#define SSL_get1_peer_certificate	(fn->SSL_get1_peer_certificate)
#define X509_free	(fn->X509_free)
#define SSL_get_verify_result	(fn->SSL_get_verify_result)
#define X509_verify_cert_error_string	(fn->X509_verify_cert_error_string)
#define SSL_read_ex	(fn->SSL_read_ex)
#define SSL_write_ex	(fn->SSL_write_ex)
#define SSL_is_init_finished	(fn->SSL_is_init_finished)
#define SSL_shutdown	(fn->SSL_shutdown)

/* The oldest queued OpenSSL error as one short line, then clear the queue. */
static void
ssl_errmsg(const struct tls_fn *fn, const char *what, char *err,
    size_t errlen)
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
	const struct tls_fn *fn;
	struct hc_tls_ctx *t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (tls_load(&t->fn, err, errlen) < 0) {
		free(t);
		return NULL;
	}
	fn = &t->fn;
	ERR_clear_error();
	t->verify = verify;
	if ((t->ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		ssl_errmsg(fn, "SSL_CTX_new", err, errlen);
		goto fail;
	}
	if (!SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION)) {
		ssl_errmsg(fn, "TLS 1.2 minimum", err, errlen);
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
			ssl_errmsg(fn, ca_file != NULL && ca_file[0] != '\0' ?
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
	const struct tls_fn *fn;

	if (t == NULL)
		return;
	fn = &t->fn;
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
	const struct tls_fn *fn = &c->fn;

	if (!SSL_set_fd(c->ssl, fd)) {
		ssl_errmsg(fn, "SSL_set_fd", err, errlen);
		return -1;
	}
	if (sni != NULL && sni[0] != '\0' && !is_ip_literal(sni) &&
	    !SSL_set_tlsext_host_name(c->ssl, sni)) {
		ssl_errmsg(fn, "SNI", err, errlen);
		return -1;
	}
	if (c->verify && verify_name != NULL && verify_name[0] != '\0') {
		/* Host names only: no partial wildcards like "mx*.example". */
		SSL_set_hostflags(c->ssl,
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		if (!SSL_set1_host(c->ssl, verify_name)) {
			ssl_errmsg(fn, "verify name", err, errlen);
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
	const struct tls_fn *fn = &t->fn;
	struct hc_tls_conn *c;

	ERR_clear_error();
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->fn = t->fn;
	c->verify = t->verify;
	if ((c->ssl = SSL_new(t->ctx)) == NULL) {
		ssl_errmsg(fn, "SSL_new", err, errlen);
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
	const struct tls_fn *fn;

	if (c == NULL)
		return;
	fn = &c->fn;
	SSL_free(c->ssl);
	free(c);
}

/* Map an SSL_* return value to the loop's view. */
static enum hc_tls_io
io_status(struct hc_tls_conn *c, int ret, const char *what, char *err,
    size_t errlen)
{
	const struct tls_fn *fn = &c->fn;
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
	ssl_errmsg(fn, what, err, errlen);
	return HC_TLS_IO_ERROR;
}

enum hc_tls_io
hc_tls_handshake(struct hc_tls_conn *c, char *err, size_t errlen)
{
	const struct tls_fn *fn = &c->fn;
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
days_left(const struct tls_fn *fn, X509 *cert)
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
	const struct tls_fn *fn = &c->fn;
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
		r->days_left = days_left(fn, cert);
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
	const struct tls_fn *fn = &c->fn;
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
	const struct tls_fn *fn = &c->fn;
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
	const struct tls_fn *fn = &c->fn;

	ERR_clear_error();
	if (!c->fatal && SSL_is_init_finished(c->ssl))
		(void)SSL_shutdown(c->ssl);
	ERR_clear_error();
}
