/* SPDX-License-Identifier: ISC */
/* SMTP health probe: drives the dialogue over a non-blocking socket (and TLS) in the event loop. */
#ifndef VIPD_HC_SMTP_PROBE_H
#define VIPD_HC_SMTP_PROBE_H

#include <stdint.h>

#include "lib/loop.h"
#include "healthcheck/smtp_dialog.h"
#include "healthcheck/tls.h"

struct hc_smtp_probe;

/*
 * Start one probe of conf->addr:conf->port: a non-blocking TCP connect,
 * then the dialogue of smtp_dialog.h. Every step (connect, each reply,
 * the handshake) is bounded by conf->step_timeout_ms, the whole probe by
 * conf->timeout_ms; deadlines count from now (loop_now() µs).
 * conf is copied. tls is the shared context for STARTTLS, created from
 * conf->tls_verify/tls_ca_file with hc_tls_ctx_new; it must outlive the
 * probe and is required (non-NULL) when conf->starttls or
 * conf->tls_required is set.
 * done(result, arg) runs exactly once with the verdict, never before
 * this returns (even a connect refused at once is reported from the
 * loop). The probe has already released everything (socket, timers, TLS,
 * its own memory) when done runs, so done may free the caller's state or
 * start the next probe; it must not touch the finished probe's handle.
 * Returns the probe, or NULL with errno (EINVAL: conf fails
 * hc_smtp_conf_check or tls is missing; else a local resource error).
 * The process must ignore SIGPIPE (TLS writes use write(2)).
 */
struct hc_smtp_probe *hc_smtp_probe_start(struct loop *,
    const struct hc_smtp_conf *conf, struct hc_tls_ctx *tls, uint64_t now,
    void (*done)(const struct hc_smtp_result *, void *arg), void *arg);

/* Abort a running probe without calling done; releases everything. */
void hc_smtp_probe_cancel(struct hc_smtp_probe *);

#endif
