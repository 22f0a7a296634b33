/* SPDX-License-Identifier: ISC */
/* vipctl output: the status table and plain JSON. */
#ifndef VIPCTL_PRINT_H
#define VIPCTL_PRINT_H

#include <stdio.h>

#include <jansson.h>

/*
 * Print a status result (see vipctl(8)) as a header line, then one table
 * row plus two detail lines per instance. Missing or mistyped fields print
 * as "-" and unknown ones are ignored, so any JSON value is accepted.
 * Control characters in strings print as '?'.
 */
void vipctl_print_status(const json_t *status, FILE *out);

/* Print any result as JSON indented by two spaces. Returns 0 or -1. */
int vipctl_print_json(const json_t *result, FILE *out);

/* explain's answer: each instance's reasoning, line by line. */
void vipctl_print_explain(const json_t *result, FILE *out);

/* maintenance's answer: one line per instance saying what it does now. */
void vipctl_print_maintenance(const json_t *result, FILE *out);

/*
 * reload's answer: the instances added, changed, removed and unchanged
 * on out; warnings, and when refused every error, on err. Returns 0 if
 * the configuration was reloaded, 1 if not.
 */
int vipctl_print_reload(const json_t *result, FILE *out, FILE *err);

#endif
