/* SPDX-License-Identifier: ISC */
/* track_file: the number in a file (pure parsing, keepalived's weighting) and an inotify watch. */
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "healthcheck/trackfile.h"
#include "lib/loop.h"

#define VALUE_MIN	(-254)
#define VALUE_MAX	253
#define READ_MAX	64	/* a number; the rest is ignored */

int
hc_trackfile_parse(const char *buf, size_t len, int64_t *value)
{
	char tmp[READ_MAX + 1];
	long long v;

	if (len > READ_MAX)
		len = READ_MAX;
	memcpy(tmp, buf, len);
	tmp[len] = '\0';
	errno = 0;
	v = strtoll(tmp, NULL, 0);
	if (errno != 0 || v < INT32_MIN || v > (long long)INT32_MAX + 1)
		return -1;
	*value = v;
	return 0;
}

int
hc_trackfile_effect(int64_t value, int weight, bool reverse, bool *fault)
{
	int64_t r;

	if (weight == 0) {
		*fault = (value != 0) != reverse;
		return 0;
	}
	r = value * weight * (reverse ? -1 : 1);
	if (r <= VALUE_MIN)
		r = VALUE_MIN;
	else if (r > VALUE_MAX)
		r = VALUE_MAX;
	*fault = r == VALUE_MIN;
	return (int)r;
}

struct hc_trackfile {
	struct loop *loop;
	char path[4096];
	const char *base;	/* the name inside its directory */
	int fd;
	hc_trackfile_cb cb;
	void *arg;
};

static void
read_value(struct hc_trackfile *t)
{
	char buf[READ_MAX], reason[320];
	int64_t v = 0;
	ssize_t n = 0;
	int fd;

	fd = open(t->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 && errno != ENOENT) {
		snprintf(reason, sizeof(reason), "%.200s: %s", t->path,
		    strerror(errno));
		t->cb(0, reason, t->arg);
		return;
	}
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf));
		close(fd);
	}
	if (fd < 0)
		snprintf(reason, sizeof(reason), "%.200s is missing: 0", t->path);
	else if (n < 0 || hc_trackfile_parse(buf, (size_t)n, &v) < 0) {
		/* keepalived keeps the previous value */
		return;
	} else
		snprintf(reason, sizeof(reason), "%.200s holds %lld", t->path,
		    (long long)v);
	t->cb(v, reason, t->arg);
}

static void
on_inotify(int fd, uint32_t events, void *arg)
{
	struct hc_trackfile *t = arg;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	bool ours = false;
	ssize_t n;
	char *p;

	(void)events;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			if ((ev->mask & IN_Q_OVERFLOW) || (ev->len > 0 &&
			    !strcmp(ev->name, t->base)))
				ours = true;
		}
	}
	if (ours)
		read_value(t);
}

static int
init_file(const char *path, bool overwrite, int32_t value)
{
	char buf[32];
	int fd, n;

	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ?
	    O_TRUNC : O_EXCL), 0644);
	if (fd < 0)
		return errno == EEXIST ? 0 : -1;
	n = snprintf(buf, sizeof(buf), "%d\n", (int)value);
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	return close(fd);
}

struct hc_trackfile *
hc_trackfile_start(struct loop *l, const char *path, bool init, bool overwrite,
    int32_t init_value, hc_trackfile_cb cb, void *arg)
{
	struct hc_trackfile *t;
	char dir[4096];
	char *slash;

	if (path[0] != '/' || strlen(path) >= sizeof(t->path)) {
		errno = EINVAL;
		return NULL;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->loop = l;
	t->cb = cb;
	t->arg = arg;
	snprintf(t->path, sizeof(t->path), "%s", path);
	t->base = strrchr(t->path, '/') + 1;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	slash[slash == dir ? 1 : 0] = '\0';
	if (init && init_file(path, overwrite, init_value) < 0) {
		free(t);
		return NULL;
	}
	t->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (t->fd < 0 || inotify_add_watch(t->fd, dir, IN_CLOSE_WRITE |
	    IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM |
	    IN_ONLYDIR) < 0 ||
	    loop_add_fd(l, t->fd, EPOLLIN, on_inotify, t) < 0) {
		int e = errno;

		if (t->fd >= 0)
			close(t->fd);
		free(t);
		errno = e;
		return NULL;
	}
	read_value(t);
	return t;
}

void
hc_trackfile_stop(struct hc_trackfile *t)
{
	if (t == NULL)
		return;
	loop_del_fd(t->loop, t->fd);
	close(t->fd);
	free(t);
}
