/* SPDX-License-Identifier: ISC */
/* Control socket server: accepts vipctl connections and answers requests. */
#include <sys/epoll.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/control.h"
#include "ctl/ctl_proto.h"

#define CTL_READ_CHUNK	4096
#define CTL_READS_MAX	16		/* reads per wakeup, for fairness */
#define CTL_ACCEPTS_MAX	16		/* accepts per wakeup */
#define CTL_OUT_HIGH	(256 * 1024)	/* stop taking requests above this */

struct ctl_conn {
	LIST_ENTRY(ctl_conn) entry;
	struct ctl_server *srv;
	int fd;
	uint32_t events;	/* as registered */
	struct ctl_buf in;
	char *out;		/* responses not yet sent */
	size_t out_off, out_len, out_cap;
	bool eof;		/* the client will send nothing more */
	bool closing;		/* close once the output is sent */
	bool privileged;	/* root or our uid: every command */
};

struct ctl_server {
	struct ctl_server_ops ops;
	struct ctl_handler handler;
	int fd;
	int spare_fd;		/* given up to shed a client at EMFILE */
	uid_t euid;
	gid_t group;		/* the read-only group, or (gid_t)-1 */
	dev_t dev;		/* the socket file we created */
	ino_t ino;
	size_t nconns;
	LIST_HEAD(, ctl_conn) conns;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static void conn_cb(int fd, uint32_t events, void *arg);

static void
conn_free(struct ctl_conn *c)
{
	struct ctl_server *srv = c->srv;
	int saved = errno;

	LIST_REMOVE(c, entry);
	srv->nconns--;
	srv->ops.del(srv->ops.loop, c->fd);
	close(c->fd);
	ctl_buf_free(&c->in);
	free(c->out);
	free(c);
	errno = saved;
}

/* Queue line (consumed) for sending; NULL means out of memory. */
static int
conn_queue(struct ctl_conn *c, char *line)
{
	size_t n;

	if (line == NULL)
		return -1;
	n = strlen(line);
	if (c->out_off > 0) {
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	if (c->out_len + n > c->out_cap) {
		size_t cap = c->out_len + n + 1024;
		char *p = realloc(c->out, cap);

		if (p == NULL) {
			free(line);
			return -1;
		}
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, line, n);
	c->out_len += n;
	free(line);
	return 0;
}

static char *
conn_answer(struct ctl_conn *c, const char *line, size_t len)
{
	struct ctl_handler *h = &c->srv->handler;
	struct ctl_request req;
	char err[256] = "";
	json_t *result;

	if (ctl_request_parse(line, len, &req, err, sizeof(err)) == -1)
		return ctl_response_error(err);
	if (!c->privileged && !ctl_cmd_readonly(req.cmd)) {
		snprintf(err, sizeof(err), "%s: permission denied: only root "
		    "may change vipd; the %s group may only read",
		    ctl_cmd_name(req.cmd), CTL_GROUP);
		return ctl_response_error(err);
	}
	result = h->fn(&req, h->arg, err, sizeof(err));
	if (result == NULL)
		return ctl_response_error(err[0] != '\0' ? err : "internal error");
	if (!json_is_object(result)) {
		json_decref(result);
		return ctl_response_error("internal error: result not an object");
	}
	return ctl_response_ok(result);
}

static bool
out_full(const struct ctl_conn *c)
{
	return c->out_len - c->out_off >= CTL_OUT_HIGH;
}

/*
 * Answer the complete lines buffered while the output has room. Returns 1
 * if it stopped for room (lines may remain), 0 when done, -1 on ENOMEM.
 */
static int
conn_process(struct ctl_conn *c)
{
	const char *line;
	size_t len;
	int rc;

	while (!c->closing) {
		if (out_full(c))
			return 1;
		rc = ctl_buf_pop(&c->in, &line, &len);
		if (rc == 0)
			break;
		if (rc == -1) {
			char msg[64];

			snprintf(msg, sizeof(msg),
			    "request too long (limit %d bytes)", CTL_MAX_LINE);
			c->closing = true;
			return conn_queue(c, ctl_response_error(msg));
		}
		if (conn_queue(c, conn_answer(c, line, len)) == -1)
			return -1;
	}
	if (!c->closing && c->eof) {
		c->closing = true;
		if (ctl_buf_pending(&c->in) > 0)
			return conn_queue(c, ctl_response_error(
			    "request not terminated by a newline"));
	}
	return 0;
}

/* Read what is there; -1 on a connection error. */
static int
conn_read(struct ctl_conn *c)
{
	char buf[CTL_READ_CHUNK];
	ssize_t n;

	for (int i = 0; i < CTL_READS_MAX; i++) {
		if (c->closing || c->eof || out_full(c))
			return 0;
		n = read(c->fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return errno == EAGAIN ? 0 : -1;
		if (n == 0)
			c->eof = true;
		else if (ctl_buf_append(&c->in, buf, (size_t)n) == -1)
			return -1;
		if (conn_process(c) == -1)
			return -1;
	}
	return 0;
}

/* Send queued output; -1 on a connection error. */
static int
conn_flush(struct ctl_conn *c)
{
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return errno == EAGAIN ? 0 : -1;
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	return 0;
}

/* Answer and send until done or the socket is full; -1 on an error. */
static int
conn_pump(struct ctl_conn *c)
{
	int more;

	do {
		if ((more = conn_process(c)) == -1 || conn_flush(c) == -1)
			return -1;
	} while (more == 1 && c->out_off == c->out_len);
	return 0;
}

/* Register the events the connection now needs, or close it. */
static void
conn_update(struct ctl_conn *c)
{
	bool pending = c->out_off < c->out_len;
	uint32_t ev = 0;

	if (c->closing && !pending) {
		conn_free(c);
		return;
	}
	if (!c->closing && !c->eof && !out_full(c))
		ev |= EPOLLIN;
	if (pending)
		ev |= EPOLLOUT;
	if (ev != c->events) {
		if (c->srv->ops.mod(c->srv->ops.loop, c->fd, ev) == -1) {
			conn_free(c);
			return;
		}
		c->events = ev;
	}
}

static void
conn_cb(int fd, uint32_t events, void *arg)
{
	struct ctl_conn *c = arg;

	(void)fd;
	if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && conn_read(c) == -1)
		goto fail;
	if (conn_pump(c) == -1)
		goto fail;
	conn_update(c);
	return;
fail:
	conn_free(c);
}

/* Best effort: tell a refused client why, then hang up. */
static void
refuse(int fd, const char *msg)
{
	char *line = ctl_response_error(msg);

	if (line != NULL) {
		(void)!send(fd, line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT);
		free(line);
	}
	close(fd);
}

/*
 * Whoever could connect passed the socket file's mode: root, our uid, or
 * a member of CTL_GROUP (0660 root:vipd). Only the first two may change
 * anything; a group member reads. Anyone else is refused.
 */
static const char *
conn_check(const struct ctl_server *srv, int fd, bool *privileged)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (srv->nconns >= CTL_MAX_CONNS)
		return "too many connections";
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    len != sizeof(cred))
		return "cannot identify peer";
	*privileged = cred.uid == 0 || cred.uid == srv->euid;
	if (!*privileged && srv->group == (gid_t)-1)
		return "permission denied";
	return NULL;
}

static void
conn_new(struct ctl_server *srv, int fd)
{
	struct ctl_conn *c;
	const char *why;
	bool privileged = false;

	if ((why = conn_check(srv, fd, &privileged)) != NULL) {
		refuse(fd, why);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		refuse(fd, "out of memory");
		return;
	}
	c->srv = srv;
	c->fd = fd;
	c->privileged = privileged;
	c->events = EPOLLIN;
	ctl_buf_init(&c->in, CTL_MAX_LINE);
	if (srv->ops.add(srv->ops.loop, fd, EPOLLIN, conn_cb, c) == -1) {
		refuse(fd, "internal error");
		free(c);
		return;
	}
	LIST_INSERT_HEAD(&srv->conns, c, entry);
	srv->nconns++;
}

/* Out of fds: free the spare to accept and shed one client, not spin. */
static void
accept_shed(struct ctl_server *srv)
{
	int fd;

	if (srv->spare_fd < 0)
		return;
	close(srv->spare_fd);
	fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd >= 0)
		refuse(fd, "out of file descriptors");
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void
listen_cb(int fd, uint32_t events, void *arg)
{
	struct ctl_server *srv = arg;
	int cfd;

	(void)events;
	for (int i = 0; i < CTL_ACCEPTS_MAX; i++) {
		cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd >= 0) {
			conn_new(srv, cfd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EMFILE || errno == ENFILE)
			accept_shed(srv);
		return;
	}
}

/*
 * Create the directory holding path (0755) if it is missing. An existing
 * one must be a real directory (not a symlink) owned by root or us, and
 * writable by no one else unless sticky: otherwise another user could
 * swap our socket for theirs (ENOTDIR, EPERM).
 */
static int
make_parent(const char *path, uid_t euid)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;
	char *slash;

	strcpy(dir, path);	/* the caller checked the length */
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) == 0)
		return chmod(dir, 0755);	/* whatever the umask */
	if (errno != EEXIST || lstat(dir, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	if ((st.st_uid != 0 && st.st_uid != euid) ||
	    ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

/*
 * bind failed with EADDRINUSE: remove the socket file if no one answers
 * on it. Returns 0 if the path may be bound again, else -1 with errno.
 */
static int
remove_stale(const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, rc;

	if (lstat(sun->sun_path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	if (rc == 0 || errno == EAGAIN) {
		close(fd);
		errno = EADDRINUSE;	/* a live daemon: its backlog at worst */
		return -1;
	}
	rc = errno;
	close(fd);
	if (rc != ECONNREFUSED) {
		errno = rc;
		return -1;
	}
	if (unlink(sun->sun_path) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

/*
 * Bind with mode 0600, or 0660 when CTL_GROUP exists (umask), replacing a
 * stale socket file once.
 */
static int
bind_socket(int fd, const struct sockaddr_un *sun, bool group)
{
	mode_t old;
	int rc, tries = 0;

	for (;;) {
		old = umask(group ? 0117 : 0177);
		rc = bind(fd, (const struct sockaddr *)sun, sizeof(*sun));
		umask(old);
		if (rc == 0 || errno != EADDRINUSE || tries++ > 0)
			return rc;
		if (remove_stale(sun) == -1)
			return -1;
	}
}

static int
open_socket(struct ctl_server *srv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;

	strcpy(sun.sun_path, srv->path);
	if (make_parent(srv->path, srv->euid) == -1)
		return -1;
	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (srv->fd == -1)
		return -1;
	if (bind_socket(srv->fd, &sun, srv->group != (gid_t)-1) == -1)
		return -1;
	/* Until this chown the socket is root's group: closed, not open. */
	if (srv->group != (gid_t)-1 &&
	    chown(srv->path, (uid_t)-1, srv->group) == -1) {
		int saved = errno;

		unlink(srv->path);
		errno = saved;
		return -1;
	}
	if (stat(srv->path, &st) == 0) {
		srv->dev = st.st_dev;
		srv->ino = st.st_ino;
	}
	if (listen(srv->fd, CTL_MAX_CONNS) == -1) {
		int saved = errno;

		unlink(srv->path);
		errno = saved;
		return -1;
	}
	return 0;
}

struct ctl_server *
ctl_server_open(const char *path, const struct ctl_server_ops *ops,
    const struct ctl_handler *handler)
{
	return ctl_server_open_group(path, ops, handler, (gid_t)-1);
}

struct ctl_server *
ctl_server_open_group(const char *path, const struct ctl_server_ops *ops,
    const struct ctl_handler *handler, gid_t group)
{
	struct ctl_server *srv;
	int saved;

	if (path == NULL || path[0] == '\0' || ops == NULL ||
	    handler == NULL || handler->fn == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return NULL;
	srv->fd = srv->spare_fd = -1;
	if (strlen(path) >= sizeof(srv->path)) {
		free(srv);
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(srv->path, path);
	srv->ops = *ops;
	srv->handler = *handler;
	srv->euid = geteuid();
	srv->group = group;
	LIST_INIT(&srv->conns);
	if (open_socket(srv) == -1)
		goto fail;
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (srv->ops.add(srv->ops.loop, srv->fd, EPOLLIN, listen_cb, srv) == -1) {
		saved = errno;
		unlink(srv->path);
		errno = saved;
		goto fail;
	}
	return srv;
fail:
	saved = errno;
	if (srv->fd >= 0)
		close(srv->fd);
	if (srv->spare_fd >= 0)
		close(srv->spare_fd);
	free(srv);
	errno = saved;
	return NULL;
}

int
ctl_server_fd(const struct ctl_server *srv)
{
	return srv->fd;
}

size_t
ctl_server_nconns(const struct ctl_server *srv)
{
	return srv->nconns;
}

void
ctl_server_close(struct ctl_server *srv)
{
	struct stat st;

	if (srv == NULL)
		return;
	while (!LIST_EMPTY(&srv->conns))
		conn_free(LIST_FIRST(&srv->conns));
	srv->ops.del(srv->ops.loop, srv->fd);
	close(srv->fd);
	if (srv->spare_fd >= 0)
		close(srv->spare_fd);
	/* A newer daemon may own the path by now: leave its socket alone. */
	if (lstat(srv->path, &st) == 0 && st.st_dev == srv->dev &&
	    st.st_ino == srv->ino)
		unlink(srv->path);
	free(srv);
}
