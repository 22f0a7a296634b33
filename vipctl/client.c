/* SPDX-License-Identifier: ISC */
/* vipctl's side of the control socket: one request, one response. */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vipctl/client.h"




struct client {
	const char *path;
	int fd;
	uint64_t deadline;	/* CLOCK_MONOTONIC ms */
	char *err;		/* why the call failed */
	size_t errlen;
};

static void seterr(const struct client *, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
seterr(const struct client *cl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cl->err, cl->errlen, fmt, ap);
	va_end(ap);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Wait for events on the client's fd until its deadline. */
static int
wait_fd(const struct client *cl, short events)
{
	struct pollfd pfd = { .fd = cl->fd, .events = events };
	uint64_t now;
	int rc;

	for (;;) {
		now = now_ms();
		if (now >= cl->deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		rc = poll(&pfd, 1, (int)(cl->deadline - now));
		if (rc > 0)
			return 0;
		if (rc == -1 && errno != EINTR)
			return -1;
	}
}

static int
client_connect(struct client *cl)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (strlen(cl->path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, cl->path);
	cl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (cl->fd == -1)
		return -1;
	/* A full backlog gives EAGAIN here: retry until the deadline. */
	while (connect(cl->fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno != EAGAIN && errno != EINTR)
			return -1;
		if (now_ms() >= cl->deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		poll(NULL, 0, 10);
	}
	return 0;
}

static int
client_send(struct client *cl, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = send(cl->fd, buf, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EAGAIN) {
			if (wait_fd(cl, POLLOUT) == -1)
				return -1;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
report_io(const struct client *cl, const char *what)
{
	if (errno == ETIMEDOUT)
		seterr(cl, "no answer from vipd at %s within "
		    "%d s", cl->path, VIPCTL_TIMEOUT_MS / 1000);
	else
		seterr(cl, "%s vipd at %s: %s", what, cl->path,
		    strerror(errno));
}

/*
 * Read the response line and decode it. Returns 0 with *result, or 1
 * with the reason in cl->err.
 */
static int
client_receive(struct client *cl, json_t **result)
{
	struct ctl_buf in;
	char buf[65536], err[512];
	const char *line;
	size_t len;
	ssize_t n;
	int rc = 1;

	ctl_buf_init(&in, VIPCTL_MAX_RESPONSE);
	for (;;) {
		int got = ctl_buf_pop(&in, &line, &len);

		if (got == 1)
			break;
		if (got == -1) {
			seterr(cl, "response from vipd too long");
			goto out;
		}
		n = read(cl->fd, buf, sizeof(buf));
		if (n == -1 && errno == EAGAIN && wait_fd(cl, POLLIN) == 0)
			continue;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			report_io(cl, "reading from");
			goto out;
		}
		if (n == 0) {
			seterr(cl, "vipd closed the connection "
			    "without answering");
			goto out;
		}
		if (ctl_buf_append(&in, buf, (size_t)n) == -1) {
			seterr(cl, "%s", strerror(errno));
			goto out;
		}
	}
	switch (ctl_response_parse(line, len, result, err, sizeof(err))) {
	case CTL_RESP_OK:
		rc = 0;
		break;
	case CTL_RESP_ERROR:
		seterr(cl, "%s", err);
		break;
	default:
		seterr(cl, "invalid response from vipd: %s",
		    err);
		break;
	}
out:
	ctl_buf_free(&in);
	return rc;
}

int
vipctl_call(const char *path, const struct ctl_request *req, json_t **result,
    char *err, size_t errlen)
{
	struct client cl = { .path = path, .fd = -1, .err = err,
	    .errlen = errlen };
	char *line;
	int rc = 1;

	cl.deadline = now_ms() + VIPCTL_TIMEOUT_MS;
	if ((line = ctl_request_encode(req)) == NULL) {
		seterr(&cl, "cannot encode the request");
		return 1;
	}
	if (client_connect(&cl) == -1) {
		bool down = errno == ENOENT || errno == ECONNREFUSED;

		seterr(&cl, "cannot reach vipd at %s: %s%s",
		    path, strerror(errno), down ? " (is vipd running?)" : "");
		goto out;
	}
	if (client_send(&cl, line, strlen(line)) == -1) {
		report_io(&cl, "sending to");
		goto out;
	}
	rc = client_receive(&cl, result);
out:
	free(line);
	if (cl.fd >= 0)
		close(cl.fd);
	return rc;
}

