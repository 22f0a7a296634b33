/* SPDX-License-Identifier: ISC */
/* Pure: rise/fall hysteresis of a health check's verdicts. */
#ifndef VIPD_HC_HYST_H
#define VIPD_HC_HYST_H

#include <stdbool.h>

/*
 * Feed one run's result (pass) into a check's state: *known (has given a
 * first verdict), *ok (passing, after rise and fall) and *streak (runs in a
 * row against *ok). A passing check fails after `fall` failed runs in a
 * row, a failing one passes after `rise` good ones; the first run decides
 * at once. Returns true when *ok changed or the first verdict was given.
 */
bool hc_hyst_feed(bool *known, bool *ok, unsigned *streak, bool pass,
    unsigned rise, unsigned fall);

#endif
