/* SPDX-License-Identifier: ISC */
/* Comparing two configurations' instances and checks, for a reload (pure). */
#ifndef VIPD_CONF_DIFF_H
#define VIPD_CONF_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/conf.h"

/*
 * The same virtual router on the wire (name, VRID, family, version and
 * interface): everything else about it can change in place.
 */
bool conf_same_router(const struct conf_instance *a,
    const struct conf_instance *b);

/*
 * Every setting of a (in configuration ca) equals b's (in cb); where they
 * are written (file, line) does not count, and tracked checks compare by
 * name and weight. A setting this does not know compares byte for byte.
 */
bool conf_same_instance(const struct conf *ca, const struct conf_instance *a,
    const struct conf *cb, const struct conf_instance *b);

/* A check probes the same thing the same way (its weight aside). */
bool conf_same_check(const struct conf_check *a, const struct conf_check *b);

/* The same routes and rules, in the same order, every option alike. */
bool conf_same_routes(const struct conf_route *a, size_t na,
    const struct conf_rule *ra, size_t nra, const struct conf_route *b,
    size_t nb, const struct conf_rule *rb, size_t nrb);

/* v (address, prefix length, device and every option) is in set[0..n). */
bool conf_has_vip(const struct conf_vip *set, size_t n,
    const struct conf_vip *v);

#endif
