/* SPDX-License-Identifier: ISC */
/* Inside the canonical dump: shared by conf_print.c and conf_print_checks.c. */

#ifndef VIPD_CONF_PRINT_H
#define VIPD_CONF_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "conf/conf.h"

/* A duration in keepalived's seconds notation ("0.01", "3"). */
void conf_pr_us(FILE *out, uint64_t us);
/* A word, quoted if keepalived's lexer would split it. */
void conf_pr_word(FILE *out, const char *s);
/* An address in its text form ("?" if it has none). */
void conf_pr_addr(FILE *out, int family, const uint8_t *addr);
/* "on" or "off". */
const char *conf_pr_onoff(bool b);
/* "INDENT KW VALUE\n", VALUE quoted if needed; nothing if VALUE is "". */
void conf_pr_opt(FILE *out, const char *indent, const char *kw,
    const char *s);
/* One smtp_check, postfix_check, vrrp_script or tracker block. */
void conf_pr_check(FILE *out, const struct conf_check *ch);

#endif
