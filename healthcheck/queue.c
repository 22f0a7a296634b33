/* SPDX-License-Identifier: ISC */
/* Postfix queue check: count queue files and age the oldest incoming/active message. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/loop.h"
#include "healthcheck/queue.h"

/* Records looked at before giving up on finding T (C, T in practice). */
#define QREC_SCAN_MAX	4
/* Postfix refuses record lengths beyond an int: at most 5 varint bytes. */
#define QREC_LEN_BYTES	5
/* hash_queue_depth is 1 by default; leave room, but bound the recursion. */
#define QUEUE_DEPTH_MAX	8

static const char *const queue_dirs[HC_QUEUE_COUNT] = {
	[HC_QUEUE_MAILDROP] = "maildrop",
	[HC_QUEUE_INCOMING] = "incoming",
	[HC_QUEUE_ACTIVE] = "active",
	[HC_QUEUE_DEFERRED] = "deferred",
	[HC_QUEUE_HOLD] = "hold",
	[HC_QUEUE_CORRUPT] = "corrupt",
};

static const char *const qrec_errs[] = {
	[HC_QREC_OK] = "ok",
	[HC_QREC_TRUNCATED] = "truncated before the arrival time",
	[HC_QREC_NOTQUEUE] = "not a queue file",
	[HC_QREC_BADLEN] = "bad record length",
	[HC_QREC_NOTIME] = "no arrival time record",
	[HC_QREC_BADTIME] = "malformed arrival time",
};

const char *
hc_queue_dirname(enum hc_queue_id q)
{
	if ((size_t)q >= HC_QUEUE_COUNT)
		return NULL;
	return queue_dirs[q];
}

int
hc_queue_lookup(const char *name, size_t len)
{
	int q;

	for (q = 0; q < HC_QUEUE_COUNT; q++)
		if (strlen(queue_dirs[q]) == len &&
		    memcmp(queue_dirs[q], name, len) == 0)
			return q;
	return -1;
}

const char *
hc_qrec_strerror(enum hc_qrec_err e)
{
	if ((size_t)e >= sizeof(qrec_errs) / sizeof(qrec_errs[0]))
		return "unknown error";
	return qrec_errs[e];
}

/* Decimal digits at p[0..n) into *v; false if empty, non-digit or > max. */
static bool
parse_decimal(const uint8_t *p, size_t n, int64_t max, int64_t *v)
{
	size_t i;

	*v = 0;
	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		if (*v > (max - (p[i] - '0')) / 10)
			return false;
		*v = *v * 10 + (p[i] - '0');
	}
	return true;
}

/* "seconds" or "seconds microseconds". */
static enum hc_qrec_err
parse_time(const uint8_t *p, size_t n, int64_t *arrival)
{
	const uint8_t *sp = memchr(p, ' ', n);
	size_t secs_len = sp != NULL ? (size_t)(sp - p) : n;
	int64_t secs, usecs;

	if (!parse_decimal(p, secs_len, INT64_MAX, &secs))
		return HC_QREC_BADTIME;
	if (sp != NULL && !parse_decimal(sp + 1, n - secs_len - 1, 999999999,
	    &usecs))
		return HC_QREC_BADTIME;
	*arrival = secs;
	return HC_QREC_OK;
}

enum hc_qrec_err
hc_queue_record_arrival(const uint8_t *buf, size_t len, int64_t *arrival)
{
	size_t off = 0, rlen, i;
	int rec;
	uint8_t type;

	for (rec = 0; rec < QREC_SCAN_MAX; rec++) {
		if (off >= len)
			return HC_QREC_TRUNCATED;
		type = buf[off++];
		if (rec == 0 && type != 'C' && type != 'T')
			return HC_QREC_NOTQUEUE;
		for (rlen = 0, i = 0;; i++) {
			if (i == QREC_LEN_BYTES)
				return HC_QREC_BADLEN;
			if (off >= len)
				return HC_QREC_TRUNCATED;
			rlen |= (size_t)(buf[off] & 0x7f) << (7 * i);
			if ((buf[off++] & 0x80) == 0)
				break;
		}
		if (rlen > len - off)
			return HC_QREC_TRUNCATED;
		if (type == 'T')
			return parse_time(buf + off, rlen, arrival);
		off += rlen;
	}
	return HC_QREC_NOTIME;
}

void
hc_queue_limits_default(struct hc_queue_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
	lim->max_incoming_age_s = HC_QUEUE_DEF_INCOMING_AGE_S;
	lim->max_active_age_s = HC_QUEUE_DEF_ACTIVE_AGE_S;
}

static bool
over_age(int64_t age, uint32_t limit)
{
	return limit != 0 && age > (int64_t)limit;
}

static bool
over_count(uint32_t n, uint32_t limit)
{
	return limit != 0 && n > limit;
}

void
hc_queue_verdict(const struct hc_queue_limits *lim, struct hc_queue_result *r)
{
	const uint32_t *c = r->count;
	char *s = r->reason;
	size_t sz = sizeof(r->reason);

	if (r->cls == HC_FAILED)
		return;
	r->cls = HC_OK;
	if (over_age(r->oldest_incoming_age_s, lim->max_incoming_age_s)) {
		r->cls = HC_FAILED;
		snprintf(s, sz, "queue: oldest incoming message is %lld s old "
		    "(limit %u s)", (long long)r->oldest_incoming_age_s,
		    lim->max_incoming_age_s);
		return;
	}
	r->cls = HC_DEGRADED;
	if (over_age(r->oldest_active_age_s, lim->max_active_age_s))
		snprintf(s, sz, "queue: oldest active message is %lld s old "
		    "(limit %u s)", (long long)r->oldest_active_age_s,
		    lim->max_active_age_s);
	else if (over_count(c[HC_QUEUE_DEFERRED], lim->max_deferred))
		snprintf(s, sz, "queue: %u deferred messages (limit %u)",
		    c[HC_QUEUE_DEFERRED], lim->max_deferred);
	else if (over_count(c[HC_QUEUE_HOLD], lim->max_hold))
		snprintf(s, sz, "queue: %u held messages (limit %u)",
		    c[HC_QUEUE_HOLD], lim->max_hold);
	else if (over_count(c[HC_QUEUE_CORRUPT], lim->max_corrupt))
		snprintf(s, sz, "queue: %u corrupt files (limit %u)",
		    c[HC_QUEUE_CORRUPT], lim->max_corrupt);
	else {
		r->cls = HC_OK;
		snprintf(s, sz, "queue: maildrop %u, incoming %u, active %u, "
		    "deferred %u, hold %u, corrupt %u", c[HC_QUEUE_MAILDROP],
		    c[HC_QUEUE_INCOMING], c[HC_QUEUE_ACTIVE],
		    c[HC_QUEUE_DEFERRED], c[HC_QUEUE_HOLD],
		    c[HC_QUEUE_CORRUPT]);
	}
}

/* --- Directory walk --- */

struct walk {
	struct hc_queue_result *res;
	enum hc_queue_id q;
	bool ages;		/* incoming and active: read T records */
	int64_t oldest;		/* earliest arrival; INT64_MAX = none yet */
	char path[PATH_MAX];	/* directory being read, for the reason */
	size_t plen;
};

/* Arrival of dfd/name from its T record, else its mtime; false if gone. */
static bool
file_arrival(struct walk *w, int dfd, const char *name,
    const struct stat *st, int64_t *arrival)
{
	uint8_t buf[HC_QREC_READ_MAX];
	ssize_t n;
	int fd;

	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY);
	if (fd < 0 && errno == ENOENT)
		return false;	/* delivered or moved since readdir */
	n = fd >= 0 ? pread(fd, buf, sizeof(buf), 0) : -1;
	if (fd >= 0)
		close(fd);
	if (n < 0 || hc_queue_record_arrival(buf, (size_t)n, arrival) !=
	    HC_QREC_OK) {
		w->res->no_arrival++;
		*arrival = (int64_t)st->st_mtim.tv_sec;
	}
	return true;
}

static int walk_dir(struct walk *, int dfd, int depth);

/* Descend into dfd/name, keeping w->path in step. */
static int
walk_subdir(struct walk *w, int dfd, const char *name, int depth)
{
	size_t saved = w->plen;
	int fd, n, rc;

	n = snprintf(w->path + w->plen, sizeof(w->path) - w->plen, "/%s",
	    name);
	if (n < 0 || (size_t)n >= sizeof(w->path) - w->plen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	w->plen += (size_t)n;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		rc = errno == ENOENT && depth > 0 ? 0 : -1;
	else
		rc = walk_dir(w, fd, depth);
	if (rc == 0)
		w->path[w->plen = saved] = '\0';
	return rc;
}

static int
walk_entry(struct walk *w, int dfd, const char *name, int depth)
{
	struct stat st;
	int64_t arrival;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (S_ISDIR(st.st_mode))
		return depth < QUEUE_DEPTH_MAX ?
		    walk_subdir(w, dfd, name, depth + 1) : 0;
	if (!S_ISREG(st.st_mode))
		return 0;
	if ((st.st_mode & 0733) != 0700) {
		w->res->partial[w->q]++;
		return 0;
	}
	if (w->ages) {
		if (!file_arrival(w, dfd, name, &st, &arrival))
			return 0;
		if (arrival < w->oldest)
			w->oldest = arrival;
	}
	w->res->count[w->q]++;
	return 0;
}

/* Walk the directory open on dfd (consumed). */
static int
walk_dir(struct walk *w, int dfd, int depth)
{
	struct dirent *de;
	DIR *d;
	int rc = 0, saved;

	if ((d = fdopendir(dfd)) == NULL) {
		saved = errno;
		close(dfd);
		errno = saved;
		return -1;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			rc = errno != 0 ? -1 : 0;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((rc = walk_entry(w, dirfd(d), de->d_name, depth)) < 0)
			break;
	}
	saved = errno;
	closedir(d);
	errno = saved;
	return rc;
}

static void
scan_init(struct hc_queue_result *res)
{
	memset(res, 0, sizeof(*res));
	res->cls = HC_OK;
	res->oldest_incoming_age_s = -1;
	res->oldest_active_age_s = -1;
}

static int
scan_fail(struct hc_queue_result *res, const char *path, uint64_t start)
{
	int saved = errno;

	res->cls = HC_FAILED;
	/* The path is cut so that the errno text always fits. */
	snprintf(res->reason, sizeof(res->reason), "queue: cannot read %.190s: "
	    "%s", path, strerror(saved));
	res->latency_us = loop_now() - start;
	errno = saved;
	return -1;
}

int
hc_queue_scan(const char *queue_dir, int64_t now_wall,
    struct hc_queue_result *res)
{
	struct walk w = { .res = res };
	uint64_t start = loop_now();
	int root, q;

	scan_init(res);
	if ((root = open(queue_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return scan_fail(res, queue_dir, start);
	for (q = 0; q < HC_QUEUE_COUNT; q++) {
		w.q = (enum hc_queue_id)q;
		w.ages = q == HC_QUEUE_INCOMING || q == HC_QUEUE_ACTIVE;
		w.oldest = INT64_MAX;
		w.plen = (size_t)snprintf(w.path, sizeof(w.path), "%s",
		    queue_dir);
		if (w.plen >= sizeof(w.path) ||
		    walk_subdir(&w, root, queue_dirs[q], 0) < 0) {
			if (w.plen >= sizeof(w.path))
				errno = ENAMETOOLONG;
			close(root);
			return scan_fail(res, w.path, start);
		}
		if (w.oldest == INT64_MAX)
			continue;
		if (q == HC_QUEUE_INCOMING)
			res->oldest_incoming_age_s = now_wall > w.oldest ?
			    now_wall - w.oldest : 0;
		else
			res->oldest_active_age_s = now_wall > w.oldest ?
			    now_wall - w.oldest : 0;
	}
	close(root);
	res->latency_us = loop_now() - start;
	return 0;
}

/* --- Periodic check --- */

struct hc_queue {
	struct loop *loop;
	struct loop_timer timer;
	struct hc_queue_limits lim;
	uint64_t interval_us;
	void (*cb)(const struct hc_queue_result *, void *);
	void *arg;
	struct hc_queue_result res;
	char dir[PATH_MAX];
};

static void
queue_tick(struct loop_timer *t, uint64_t now, void *arg)
{
	struct hc_queue *hq = arg;
	struct timespec ts;

	(void)t;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (hc_queue_scan(hq->dir, (int64_t)ts.tv_sec, &hq->res) == 0)
		hc_queue_verdict(&hq->lim, &hq->res);
	loop_timer_set(hq->loop, &hq->timer, now + hq->interval_us);
	hq->cb(&hq->res, hq->arg);	/* last: cb may stop us */
}

struct hc_queue *
hc_queue_start(struct loop *l, const char *queue_dir,
    const struct hc_queue_limits *lim, uint64_t interval_us,
    void (*cb)(const struct hc_queue_result *, void *), void *arg)
{
	struct hc_queue *hq;

	if (strlen(queue_dir) >= PATH_MAX || interval_us == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((hq = calloc(1, sizeof(*hq))) == NULL)
		return NULL;
	hq->loop = l;
	hq->interval_us = interval_us;
	hq->cb = cb;
	hq->arg = arg;
	strcpy(hq->dir, queue_dir);
	if (lim != NULL)
		hq->lim = *lim;
	else
		hc_queue_limits_default(&hq->lim);
	loop_timer_init(&hq->timer, queue_tick, hq);
	if (loop_timer_set(l, &hq->timer, loop_now()) < 0) {
		free(hq);
		return NULL;
	}
	return hq;
}

void
hc_queue_stop(struct hc_queue *hq)
{
	if (hq == NULL)
		return;
	loop_timer_cancel(hq->loop, &hq->timer);
	free(hq);
}
