/* SPDX-License-Identifier: ISC */
/* Health-check result classes shared by every check (Postfix liveness, queue, SMTP probe). */
#ifndef VIPD_HC_H
#define VIPD_HC_H

/* Worst last: a combined verdict is the maximum of its parts. */
enum hc_class { HC_OK, HC_DEGRADED, HC_FAILED };

/* "ok", "degraded", "failed"; "?" for a value out of range. */
static inline const char *
hc_class_name(enum hc_class c)
{
	switch (c) {
	case HC_OK:
		return "ok";
	case HC_DEGRADED:
		return "degraded";
	case HC_FAILED:
		return "failed";
	}
	return "?";
}

#endif
