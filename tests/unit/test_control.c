/* SPDX-License-Identifier: ISC */
/* Unit tests: the control socket server, driven by a poll(2) loop shim. */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "agent/control.h"
#include "ctl/ctl_proto.h"

/* A poll loop shim ------------------------------------------------- */

#define SHIM_FDS 64

struct shim_fd {
	bool used;
	int fd;
	uint32_t events;
	unsigned gen;
	void (*cb)(int fd, uint32_t events, void *arg);
	void *arg;
};

struct shim {
	struct shim_fd fds[SHIM_FDS];
	unsigned gen;
	bool fail_add;
};

static struct shim_fd *
shim_find(struct shim *s, int fd)
{
	for (int i = 0; i < SHIM_FDS; i++)
		if (s->fds[i].used && s->fds[i].fd == fd)
			return &s->fds[i];
	return NULL;
}

static int
shim_add(void *loop, int fd, uint32_t events,
    void (*cb)(int fd, uint32_t events, void *arg), void *arg)
{
	struct shim *s = loop;

	if (s->fail_add) {
		errno = ENOSPC;
		return -1;
	}
	assert_null(shim_find(s, fd));
	for (int i = 0; i < SHIM_FDS; i++) {
		if (!s->fds[i].used) {
			s->fds[i] = (struct shim_fd){ true, fd, events,
			    ++s->gen, cb, arg };
			return 0;
		}
	}
	errno = ENOSPC;
	return -1;
}

static int
shim_mod(void *loop, int fd, uint32_t events)
{
	struct shim_fd *f = shim_find(loop, fd);

	assert_non_null(f);
	f->events = events;
	return 0;
}

static int
shim_del(void *loop, int fd)
{
	struct shim_fd *f = shim_find(loop, fd);

	assert_non_null(f);
	f->used = false;
	return 0;
}

static int
shim_count(const struct shim *s)
{
	int n = 0;

	for (int i = 0; i < SHIM_FDS; i++)
		n += s->fds[i].used;
	return n;
}

/* One poll round; callbacks may delete (and re-add) any fd. */
static void
shim_run(struct shim *s, int timeout_ms)
{
	struct pollfd pfd[SHIM_FDS];
	int slot[SHIM_FDS];
	unsigned gen[SHIM_FDS];
	int n = 0;

	for (int i = 0; i < SHIM_FDS; i++) {
		if (!s->fds[i].used)
			continue;
		pfd[n] = (struct pollfd){ s->fds[i].fd,
		    (short)s->fds[i].events, 0 };
		slot[n] = i;
		gen[n++] = s->fds[i].gen;
	}
	if (poll(pfd, (nfds_t)n, timeout_ms) <= 0)
		return;
	for (int k = 0; k < n; k++) {
		struct shim_fd *f = &s->fds[slot[k]];

		if (pfd[k].revents == 0 || !f->used || f->gen != gen[k])
			continue;
		f->cb(f->fd, (uint32_t)pfd[k].revents, f->arg);
	}
}

static const struct ctl_server_ops *
shim_ops(struct shim *s, struct ctl_server_ops *ops)
{
	*ops = (struct ctl_server_ops){ .loop = s, .add = shim_add,
	    .mod = shim_mod, .del = shim_del };
	return ops;
}

/* Fixture ---------------------------------------------------------- */

struct fx {
	char dir[64];
	char path[128];
	struct shim shim;
	struct ctl_server *srv;
	int calls;
};

static json_t *
handler(const struct ctl_request *req, void *arg, char *err, size_t errlen)
{
	struct fx *fx = arg;
	json_t *r;
	char *big;

	fx->calls++;
	if (req->cmd == CTL_CMD_STATUS)
		return json_pack("{s:i,s:i}", "pid", 1, "calls", fx->calls);
	if (strcmp(req->instance, "VI_9") == 0) {
		snprintf(err, errlen, "unknown instance '%s'", req->instance);
		return NULL;
	}
	if (strcmp(req->instance, "array") == 0)
		return json_array();
	if (strcmp(req->instance, "big") == 0) {
		big = malloc(100001);
		assert_non_null(big);
		memset(big, 'b', 100000);
		big[100000] = '\0';
		r = json_pack("{s:i,s:s}", "n", fx->calls, "big", big);
		free(big);
		return r;
	}
	return NULL;	/* no message: the server says "internal error" */
}

static struct ctl_server *
open_server(struct fx *fx, struct shim *s)
{
	struct ctl_server_ops ops;
	struct ctl_handler h = { handler, fx };

	return ctl_server_open(fx->path, shim_ops(s, &ops), &h);
}

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/test_control.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	/* The server creates the missing "run" directory itself. */
	snprintf(fx->path, sizeof(fx->path), "%s/run/vipd.sock", fx->dir);
	fx->srv = open_server(fx, &fx->shim);
	assert_non_null(fx->srv);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[160];

	ctl_server_close(fx->srv);
	assert_int_equal(shim_count(&fx->shim), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

/* Client helpers --------------------------------------------------- */

static int
client(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	strcpy(sun.sun_path, path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

static void
send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		assert_true(n > 0);
		buf += n;
		len -= (size_t)n;
	}
}

/*
 * Run the loop until the client has read a full line (returned, malloc'd)
 * or the end of the stream (NULL).
 */
static char *
recv_line(struct fx *fx, int fd, struct ctl_buf *in)
{
	char buf[65536];
	const char *line;
	size_t len;

	for (int i = 0; i < 2000; i++) {
		if (ctl_buf_pop(in, &line, &len) == 1)
			return strndup(line, len);
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0 || (n == -1 && errno == ECONNRESET))
			return NULL;
		if (n > 0) {
			assert_int_equal(ctl_buf_append(in, buf, (size_t)n), 0);
			continue;
		}
		assert_int_equal(errno, EAGAIN);
		shim_run(&fx->shim, 5);
	}
	fail_msg("no answer from the server");
	return NULL;
}

/* A client and what it has read but not consumed yet. */
struct cl {
	int fd;
	struct ctl_buf in;
};

static struct cl *
cl_open(const char *path)
{
	struct cl *c = malloc(sizeof(*c));

	assert_non_null(c);
	c->fd = client(path);
	ctl_buf_init(&c->in, 1 << 20);
	return c;
}

static void
cl_close(struct cl *c)
{
	close(c->fd);
	ctl_buf_free(&c->in);
	free(c);
}

static void
cl_send(struct cl *c, const char *s)
{
	send_all(c->fd, s, strlen(s));
}

static void
expect(struct fx *fx, struct cl *c, const char *want)
{
	char *got = recv_line(fx, c->fd, &c->in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
expect_eof(struct fx *fx, struct cl *c)
{
	assert_null(recv_line(fx, c->fd, &c->in));
	assert_int_equal(ctl_buf_pending(&c->in), 0);
}

static void
settle(struct fx *fx)
{
	for (int i = 0; i < 20; i++)
		shim_run(&fx->shim, 2);
}

#define STATUS "{\"command\":\"status\"}\n"

/* Tests ------------------------------------------------------------ */

static void
test_open(void **state)
{
	struct fx *fx = *state;
	struct stat st;
	char dir[160];

	assert_int_equal(stat(fx->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	snprintf(dir, sizeof(dir), "%s/run", fx->dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	/* The listening fd is registered, non-blocking and close-on-exec. */
	assert_true(ctl_server_fd(fx->srv) >= 0);
	assert_int_equal(shim_count(&fx->shim), 1);
	assert_non_null(shim_find(&fx->shim, ctl_server_fd(fx->srv)));
	assert_true(fcntl(ctl_server_fd(fx->srv), F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(ctl_server_fd(fx->srv), F_GETFD) & FD_CLOEXEC);
	assert_int_equal(ctl_server_nconns(fx->srv), 0);
}

static void
test_status(void **state)
{
	struct fx *fx = *state;
	struct cl *c = cl_open(fx->path);

	cl_send(c, STATUS);
	expect(fx, c, "{\"ok\":true,\"result\":{\"pid\":1,\"calls\":1}}");
	assert_int_equal(ctl_server_nconns(fx->srv), 1);
	/* The connection stays open for more requests. */
	cl_send(c, STATUS);
	expect(fx, c, "{\"ok\":true,\"result\":{\"pid\":1,\"calls\":2}}");
	cl_close(c);
	settle(fx);
	assert_int_equal(ctl_server_nconns(fx->srv), 0);
	assert_int_equal(shim_count(&fx->shim), 1);
}

static void
test_bad_requests(void **state)
{
	struct fx *fx = *state;
	struct cl *c = cl_open(fx->path);

	/* Every error is answered, in order, and the connection survives. */
	cl_send(c, "garbage\n[]\n{\"command\":\"reboot\"}\n"
	    "{\"command\":\"explain\",\"instance\":\"VI_9\"}\n"
	    "{\"command\":\"explain\",\"instance\":\"array\"}\n"
	    "{\"command\":\"explain\"}\n" STATUS);
	expect(fx, c, "{\"ok\":false,\"error\":\"invalid JSON at column 7: "
	    "invalid token near 'garbage'\"}");
	expect(fx, c, "{\"ok\":false,\"error\":\"request must be an object, "
	    "not an array\"}");
	expect(fx, c, "{\"ok\":false,\"error\":\"unknown command "
	    "'reboot'\"}");
	expect(fx, c, "{\"ok\":false,\"error\":\"unknown instance "
	    "'VI_9'\"}");
	expect(fx, c, "{\"ok\":false,\"error\":\"internal error: result not "
	    "an object\"}");
	expect(fx, c, "{\"ok\":false,\"error\":\"internal error\"}");
	expect(fx, c, "{\"ok\":true,\"result\":{\"pid\":1,\"calls\":4}}");
	assert_int_equal(ctl_buf_pending(&c->in), 0);
	cl_close(c);
}

static void
test_overlong(void **state)
{
	struct fx *fx = *state;
	struct cl *c = cl_open(fx->path);
	char *big = malloc(70000);

	assert_non_null(big);
	memset(big, ' ', 70000);
	cl_send(c, STATUS);
	send_all(c->fd, big, 70000);
	free(big);
	expect(fx, c, "{\"ok\":true,\"result\":{\"pid\":1,\"calls\":1}}");
	expect(fx, c, "{\"ok\":false,\"error\":\"request too long "
	    "(limit 65536 bytes)\"}");
	expect_eof(fx, c);
	cl_close(c);
	settle(fx);
	assert_int_equal(ctl_server_nconns(fx->srv), 0);
	assert_int_equal(fx->calls, 1);
}

static void
test_eof(void **state)
{
	struct fx *fx = *state;
	struct cl *c = cl_open(fx->path);

	/* A half-closed client still gets its answer, then EOF. */
	cl_send(c, STATUS);
	shutdown(c->fd, SHUT_WR);
	expect(fx, c, "{\"ok\":true,\"result\":{\"pid\":1,\"calls\":1}}");
	expect_eof(fx, c);
	cl_close(c);

	/* A request without its newline is not run. */
	c = cl_open(fx->path);
	send_all(c->fd, STATUS, strlen(STATUS) - 1);
	shutdown(c->fd, SHUT_WR);
	expect(fx, c, "{\"ok\":false,\"error\":\"request not terminated by "
	    "a newline\"}");
	expect_eof(fx, c);
	cl_close(c);
	settle(fx);
	assert_int_equal(ctl_server_nconns(fx->srv), 0);
	assert_int_equal(fx->calls, 1);
}

/* 40 answers of 100 kB each: far more than the socket buffers hold. */
static void
test_backpressure(void **state)
{
	struct fx *fx = *state;
	struct cl *c = cl_open(fx->path);

	for (int i = 0; i < 40; i++)
		cl_send(c, "{\"command\":\"explain\",\"instance\":\"big\"}\n");
	settle(fx);
	/* Unread answers hold the server back from running more requests. */
	assert_true(fx->calls < 40);
	for (int i = 1; i <= 40; i++) {
		char *line = recv_line(fx, c->fd, &c->in);
		json_t *res = NULL;
		char err[64];

		assert_non_null(line);
		assert_int_equal(ctl_response_parse(line, strlen(line), &res,
		    err, sizeof(err)), CTL_RESP_OK);
		assert_int_equal(json_integer_value(json_object_get(res, "n")),
		    i);
		assert_int_equal(json_string_length(json_object_get(res, "big")),
		    100000);
		json_decref(res);
		free(line);
	}
	assert_int_equal(fx->calls, 40);
	cl_close(c);
}

static void
test_conn_limit(void **state)
{
	struct fx *fx = *state;
	struct cl *c[CTL_MAX_CONNS], *extra;

	/* Connect one at a time: a blocking connect waits on the backlog. */
	for (int i = 0; i < CTL_MAX_CONNS; i++) {
		c[i] = cl_open(fx->path);
		shim_run(&fx->shim, 50);
	}
	settle(fx);
	assert_int_equal(ctl_server_nconns(fx->srv), CTL_MAX_CONNS);
	extra = cl_open(fx->path);
	expect(fx, extra, "{\"ok\":false,\"error\":\"too many connections\"}");
	expect_eof(fx, extra);
	cl_close(extra);
	assert_int_equal(ctl_server_nconns(fx->srv), CTL_MAX_CONNS);
	/* The others still work; closing one makes room again. */
	cl_send(c[7], STATUS);
	expect(fx, c[7], "{\"ok\":true,\"result\":{\"pid\":1,\"calls\":1}}");
	cl_close(c[0]);
	settle(fx);
	assert_int_equal(ctl_server_nconns(fx->srv), CTL_MAX_CONNS - 1);
	c[0] = cl_open(fx->path);
	cl_send(c[0], STATUS);
	expect(fx, c[0], "{\"ok\":true,\"result\":{\"pid\":1,\"calls\":2}}");
	/* Closing the server with clients connected frees them all. */
	ctl_server_close(fx->srv);
	fx->srv = NULL;
	for (int i = 0; i < CTL_MAX_CONNS; i++) {
		expect_eof(fx, c[i]);
		cl_close(c[i]);
	}
}

static void
test_in_use(void **state)
{
	struct fx *fx = *state;
	struct shim other = { 0 };
	struct cl *c;

	/* A live server keeps its socket. */
	errno = 0;
	assert_null(open_server(fx, &other));
	assert_int_equal(errno, EADDRINUSE);
	assert_int_equal(shim_count(&other), 0);
	c = cl_open(fx->path);
	cl_send(c, STATUS);
	expect(fx, c, "{\"ok\":true,\"result\":{\"pid\":1,\"calls\":1}}");
	cl_close(c);
}

static void
test_stale(void **state)
{
	struct fx *fx = *state;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct shim other = { 0 };
	struct ctl_server *srv;
	struct stat st;
	struct cl *c;
	int fd;

	/* A server that died without unlinking its socket. */
	ctl_server_close(fx->srv);
	fx->srv = NULL;
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(sun.sun_path, fx->path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	assert_int_equal(stat(fx->path, &st), 0);
	fx->srv = open_server(fx, &fx->shim);
	assert_non_null(fx->srv);
	c = cl_open(fx->path);
	cl_send(c, STATUS);
	expect(fx, c, "{\"ok\":true,\"result\":{\"pid\":1,\"calls\":1}}");
	cl_close(c);

	/* Anything listening counts as alive, even if not a vipd. */
	ctl_server_close(fx->srv);
	fx->srv = NULL;
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(fd, 1), 0);
	errno = 0;
	assert_null(open_server(fx, &other));
	assert_int_equal(errno, EADDRINUSE);
	close(fd);
	unlink(fx->path);
	fx->srv = srv = open_server(fx, &fx->shim);
	assert_non_null(srv);
}

static void
test_not_socket(void **state)
{
	struct fx *fx = *state;
	struct shim other = { 0 };
	struct stat st;
	int fd;

	ctl_server_close(fx->srv);
	fx->srv = NULL;
	fd = open(fx->path, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);
	errno = 0;
	assert_null(open_server(fx, &other));
	assert_int_equal(errno, EEXIST);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	unlink(fx->path);
	fx->srv = open_server(fx, &fx->shim);
	assert_non_null(fx->srv);
}

static void
test_close_unlink(void **state)
{
	struct fx *fx = *state;
	struct stat st;
	int fd;

	ctl_server_close(fx->srv);
	fx->srv = NULL;
	assert_int_equal(stat(fx->path, &st), -1);
	assert_int_equal(errno, ENOENT);

	/* A file that replaced our socket is not ours to remove. */
	fx->srv = open_server(fx, &fx->shim);
	assert_non_null(fx->srv);
	assert_int_equal(unlink(fx->path), 0);
	fd = open(fx->path, O_CREAT | O_WRONLY, 0644);
	close(fd);
	ctl_server_close(fx->srv);
	fx->srv = NULL;
	assert_int_equal(stat(fx->path, &st), 0);
	unlink(fx->path);
	ctl_server_close(NULL);
}

static void
test_open_errors(void **state)
{
	struct fx *fx = *state;
	struct ctl_server_ops ops;
	struct shim other = { 0 };
	struct ctl_handler h = { handler, fx };
	struct ctl_handler none = { NULL, NULL };
	char longpath[200], missing[160];

	shim_ops(&other, &ops);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	errno = 0;
	assert_null(ctl_server_open(longpath, &ops, &h));
	assert_int_equal(errno, ENAMETOOLONG);
	errno = 0;
	assert_null(ctl_server_open("", &ops, &h));
	assert_int_equal(errno, EINVAL);
	assert_null(ctl_server_open(fx->path, NULL, &h));
	assert_null(ctl_server_open(fx->path, &ops, &none));
	assert_int_equal(errno, EINVAL);

	/* Only the last directory is created. */
	snprintf(missing, sizeof(missing), "%s/a/b/vipd.sock", fx->dir);
	errno = 0;
	assert_null(ctl_server_open(missing, &ops, &h));
	assert_int_equal(errno, ENOENT);

	/* The loop refusing the fd undoes everything. */
	snprintf(missing, sizeof(missing), "%s/other.sock", fx->dir);
	other.fail_add = true;
	errno = 0;
	assert_null(ctl_server_open(missing, &ops, &h));
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(access(missing, F_OK), -1);
}

/* A client that is neither root nor the daemon's uid is turned away. */
static void
test_peer_uid(void **state)
{
	struct fx *fx = *state;
	const char *want = "{\"ok\":false,\"error\":\"permission denied\"}\n";
	int status = -1;
	pid_t pid;

	if (geteuid() != 0)
		skip();
	assert_int_equal(chmod(fx->dir, 0755), 0);
	assert_int_equal(chmod(fx->path, 0666), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* No cmocka here: a failure must only set the exit code. */
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		char buf[128] = "";
		ssize_t n, got = 0;
		int fd;

		if (setgid(65534) == -1 || setuid(65534) == -1)
			_exit(2);
		strcpy(sun.sun_path, fx->path);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
			_exit(3);
		(void)!send(fd, STATUS, strlen(STATUS), MSG_NOSIGNAL);
		while ((n = read(fd, buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
			got += n;
		_exit(strcmp(buf, want) == 0 ? 0 : 1);
	}
	for (int i = 0; i < 2000 && waitpid(pid, &status, WNOHANG) == 0; i++)
		shim_run(&fx->shim, 5);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(fx->calls, 0);
	assert_int_equal(ctl_server_nconns(fx->srv), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_overlong, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backpressure, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_conn_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_in_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_socket, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_close_unlink, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_peer_uid, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
