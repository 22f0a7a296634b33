/* SPDX-License-Identifier: ISC */
/* vipctl's side of the control socket: one request, one response. */
#ifndef VIPCTL_CLIENT_H
#define VIPCTL_CLIENT_H

#include <stddef.h>

#include <jansson.h>

#include "ctl/ctl_proto.h"

#define VIPCTL_TIMEOUT_MS	5000		/* the whole exchange */
#define VIPCTL_MAX_RESPONSE	(16 * 1024 * 1024)

/*
 * Connect to path, send req and read one response, within
 * VIPCTL_TIMEOUT_MS. Returns 0 with *result (a new reference), or 1 with a
 * one-line reason in err (size errlen): "cannot reach vipd at PATH: ...",
 * a timeout, or the daemon's error message.
 */
int vipctl_call(const char *path, const struct ctl_request *req,
    json_t **result, char *err, size_t errlen);

#endif
