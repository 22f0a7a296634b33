/* SPDX-License-Identifier: ISC */
/* Pure: rise/fall hysteresis of a health check's verdicts. */

#include "healthcheck/hyst.h"

bool
hc_hyst_feed(bool *known, bool *ok, unsigned *streak, bool pass,
    unsigned rise, unsigned fall)
{
	if (!*known) {
		*known = true;
		*ok = pass;
		*streak = 0;
		return true;
	}
	if (pass == *ok) {
		*streak = 0;
		return false;
	}
	if (++*streak < (pass ? rise : fall))
		return false;
	*ok = pass;
	*streak = 0;
	return true;
}
