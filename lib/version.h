/* SPDX-License-Identifier: ISC */
/* The version vipd and vipctl report. */
#ifndef VIPD_VERSION_H
#define VIPD_VERSION_H

#define VIPD_VERSION "0.1.0"

#endif
