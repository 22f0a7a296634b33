/* SPDX-License-Identifier: ISC */
/* track_file: the number in a file (pure parsing, keepalived's weighting) and an inotify watch. */
#ifndef VIPD_HC_TRACKFILE_H
#define VIPD_HC_TRACKFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;

/*
 * The number in a file's text as keepalived reads it (strtol base 0:
 * leading space, sign, 0x and 0 prefixes; anything after the number is
 * ignored; no number at all is 0). 0 with *value, or -1 when it is out of
 * the int32 range (keepalived then keeps the previous value).
 */
int hc_trackfile_parse(const char *buf, size_t len, int64_t *value);

/*
 * keepalived's effect of @value: with weight 0, *fault is whether the
 * value is non-zero (zero if reverse) and the result 0; else value times
 * weight (negated if reverse) kept within -254..253, where -254 is a fault.
 */
int hc_trackfile_effect(int64_t value, int weight, bool reverse, bool *fault);

struct hc_trackfile;

/* The file's value changed (or first read); missing is value 0. */
typedef void (*hc_trackfile_cb)(int64_t value, const char *reason, void *arg);

/*
 * Watch @path with inotify (its directory, so that creation, replacement
 * and removal are seen) and call cb with each new value, once at start.
 * init_file: write init_value first if the file is missing (or always,
 * with overwrite). NULL with errno on failure.
 */
struct hc_trackfile *hc_trackfile_start(struct loop *, const char *path,
    bool init_file, bool overwrite, int32_t init_value, hc_trackfile_cb cb,
    void *arg);
void hc_trackfile_stop(struct hc_trackfile *);

#endif
