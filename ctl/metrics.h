/* SPDX-License-Identifier: ISC */
/* Prometheus text exposition of vipd's status, shared by vipctl and vipd (pure). */
#ifndef VIPD_CTL_METRICS_H
#define VIPD_CTL_METRICS_H

#include <stddef.h>

#include <jansson.h>

/* The Content-Type of what ctl_metrics_render writes. */
#define CTL_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/*
 * Render status (the result object of the "status" command) in the
 * Prometheus text format 0.0.4: families named vipd_*, counters ending in
 * _total, durations in _seconds, each family's HELP and TYPE once. Members
 * missing from status are left out, never guessed. Returns a malloc'd,
 * NUL-terminated text (its length in *len if len is not NULL), or NULL on
 * ENOMEM.
 */
char *ctl_metrics_render(const json_t *status, size_t *len);

#endif
