/* SPDX-License-Identifier: ISC */
/* Resumable walk of the Postfix message queues: a bounded slice of directory entries per call. */
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

/* hash_queue_depth is 1 by default; leave room, but bound the depth. */
#define QUEUE_DEPTH_MAX	8
/* Entries between two clock reads when a slice has a time budget. */
#define CLOCK_EVERY	16

/*
 * The walk is an explicit stack of open directories instead of recursion,
 * so that it can stop after any entry and pick up there on the next call.
 */
struct hc_queue_walk {
	int root;		/* queue_dir, open during a pass; else -1 */
	int q;			/* queue being walked; HC_QUEUE_COUNT: done */
	int depth;		/* open directories on the stack */
	bool running;		/* begun and neither done nor failed */
	DIR *stack[QUEUE_DEPTH_MAX + 1];
	size_t plen[QUEUE_DEPTH_MAX + 1]; /* path length for each level */
	size_t dirlen;		/* strlen(dir) */
	uint64_t first_us;	/* start of the pass's first slice */
	struct hc_queue_result res;
	char path[PATH_MAX];	/* directory being read, for the reason */
	char dir[PATH_MAX];
};

struct hc_queue_walk *
hc_queue_walk_new(const char *queue_dir)
{
	struct hc_queue_walk *w;
	size_t len = strlen(queue_dir);

	if (len >= PATH_MAX) {
		errno = EINVAL;
		return NULL;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	memcpy(w->dir, queue_dir, len + 1);
	w->dirlen = len;
	w->root = -1;
	return w;
}

/* Close everything a pass holds open. */
static void
walk_close(struct hc_queue_walk *w)
{
	while (w->depth > 0)
		closedir(w->stack[--w->depth]);
	if (w->root >= 0)
		close(w->root);
	w->root = -1;
	w->running = false;
}

void
hc_queue_walk_begin(struct hc_queue_walk *w)
{
	struct hc_queue_result *r = &w->res;

	walk_close(w);
	memset(r, 0, sizeof(*r));
	r->cls = HC_OK;
	r->oldest_incoming_age_s = -1;
	r->oldest_active_age_s = -1;
	w->q = 0;
	w->first_us = 0;
	memcpy(w->path, w->dir, w->dirlen + 1);
	w->running = true;
}

const struct hc_queue_result *
hc_queue_walk_result(const struct hc_queue_walk *w)
{
	return &w->res;
}

void
hc_queue_walk_free(struct hc_queue_walk *w)
{
	if (w == NULL)
		return;
	walk_close(w);
	free(w);
}

static int
walk_fail(struct hc_queue_walk *w)
{
	int saved = errno;

	w->res.cls = HC_FAILED;
	/* The path is cut so that the errno text always fits. */
	snprintf(w->res.reason, sizeof(w->res.reason), "queue: cannot read "
	    "%.190s: %s", w->path, strerror(saved));
	walk_close(w);
	errno = saved;
	return -1;
}

/*
 * Open dfd/name as the next level. Returns 1 if pushed, 0 if it vanished
 * below the queue level (a hashed directory removed meanwhile), -1.
 */
static int
walk_push(struct hc_queue_walk *w, int dfd, const char *name)
{
	size_t len = w->depth > 0 ? w->plen[w->depth - 1] : w->dirlen;
	int n, fd;
	DIR *d;

	n = snprintf(w->path + len, sizeof(w->path) - len, "/%s", name);
	if (n < 0 || (size_t)n >= sizeof(w->path) - len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT && w->depth > 0 ? 0 : -1;
	if ((d = fdopendir(fd)) == NULL) {
		n = errno;
		close(fd);
		errno = n;
		return -1;
	}
	w->stack[w->depth] = d;
	w->plen[w->depth++] = len + (size_t)n;
	return 1;
}

static void
walk_pop(struct hc_queue_walk *w)
{
	closedir(w->stack[--w->depth]);
	w->path[w->depth > 0 ? w->plen[w->depth - 1] : w->dirlen] = '\0';
	if (w->depth == 0)
		w->q++;
}

/* Arrival of dfd/name from its T record, else its mtime; false if gone. */
static bool
file_arrival(struct hc_queue_walk *w, int dfd, const char *name,
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
		w->res.no_arrival++;
		*arrival = (int64_t)st->st_mtim.tv_sec;
	}
	return true;
}

/* Age a complete incoming or active file against the oldest so far. */
static void
walk_age(struct hc_queue_walk *w, int dfd, const char *name,
    const struct stat *st)
{
	struct hc_queue_oldest *o =
	    &w->res.oldest[w->q == HC_QUEUE_INCOMING ? 0 : 1];
	int64_t arrival;

	if (!file_arrival(w, dfd, name, st, &arrival))
		return;
	if (!o->found || arrival < o->arrival) {
		o->found = true;
		o->arrival = arrival;
		o->dev = (uint64_t)st->st_dev;
		o->ino = (uint64_t)st->st_ino;
	}
	w->res.count[w->q]++;
}

static int
walk_entry(struct hc_queue_walk *w, const char *name)
{
	int dfd = dirfd(w->stack[w->depth - 1]);
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (S_ISDIR(st.st_mode))
		return w->depth <= QUEUE_DEPTH_MAX ?
		    (walk_push(w, dfd, name) < 0 ? -1 : 0) : 0;
	if (!S_ISREG(st.st_mode))
		return 0;
	if ((st.st_mode & 0733) != 0700)
		w->res.partial[w->q]++;
	else if (w->q == HC_QUEUE_INCOMING || w->q == HC_QUEUE_ACTIVE)
		walk_age(w, dfd, name, &st);
	else
		w->res.count[w->q]++;
	return 0;
}

/* The next entry of the pass: 1 looked at one, 0 the pass is done, -1. */
static int
walk_next(struct hc_queue_walk *w)
{
	struct dirent *de;

	for (;;) {
		if (w->depth == 0) {
			if (w->q == HC_QUEUE_COUNT)
				return 0;
			if (walk_push(w, w->root, hc_queue_dirname(w->q)) < 0)
				return -1;
		}
		errno = 0;
		if ((de = readdir(w->stack[w->depth - 1])) == NULL) {
			if (errno != 0)
				return -1;
			walk_pop(w);
			continue;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		return walk_entry(w, de->d_name) < 0 ? -1 : 1;
	}
}

static void
walk_done(struct hc_queue_walk *w, uint64_t now)
{
	walk_close(w);
	w->res.pass_us = now - w->first_us;
	clock_gettime(CLOCK_REALTIME, &w->res.finished);
}

int
hc_queue_walk_step(struct hc_queue_walk *w, unsigned max_entries,
    uint64_t budget_us, unsigned *entries)
{
	uint64_t start = loop_now(), now = start;
	unsigned n = 0;
	int rc = 1;

	if (entries != NULL)
		*entries = 0;
	if (!w->running) {
		errno = EINVAL;
		return -1;
	}
	if (w->res.slices++ == 0)
		w->first_us = start;
	if (w->root < 0 && (w->root = open(w->dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0)
		rc = -1;
	while (rc > 0 && n < max_entries) {
		if ((rc = walk_next(w)) <= 0)
			break;
		n++;
		if (budget_us != 0 && n % CLOCK_EVERY == 0 &&
		    (now = loop_now()) - start >= budget_us)
			break;
	}
	now = loop_now();
	w->res.latency_us += now - start;
	if (entries != NULL)
		*entries = n;
	if (rc < 0) {
		rc = walk_fail(w);
		w->res.pass_us = now - w->first_us;
		return rc;
	}
	if (rc == 0) {
		walk_done(w, now);
		return 1;
	}
	return 0;
}

int
hc_queue_scan(const char *queue_dir, int64_t now_wall,
    struct hc_queue_result *res)
{
	struct hc_queue_walk *w;
	int rc, saved;

	if ((w = hc_queue_walk_new(queue_dir)) == NULL) {
		saved = errno;
		memset(res, 0, sizeof(*res));
		res->cls = HC_FAILED;
		snprintf(res->reason, sizeof(res->reason), "queue: cannot "
		    "read %.190s: %s", queue_dir, strerror(saved));
		errno = saved;
		return -1;
	}
	hc_queue_walk_begin(w);
	while ((rc = hc_queue_walk_step(w, UINT_MAX, 0, NULL)) == 0)
		;
	saved = errno;
	*res = w->res;
	hc_queue_walk_free(w);
	if (rc < 0) {
		errno = saved;
		return -1;
	}
	if (res->oldest[0].found)
		res->oldest_incoming_age_s = now_wall > res->oldest[0].arrival ?
		    now_wall - res->oldest[0].arrival : 0;
	if (res->oldest[1].found)
		res->oldest_active_age_s = now_wall > res->oldest[1].arrival ?
		    now_wall - res->oldest[1].arrival : 0;
	return 0;
}
