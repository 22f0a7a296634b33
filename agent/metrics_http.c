/* SPDX-License-Identifier: ISC */
/* metrics_listen: Prometheus /metrics served from the daemon's own loop. */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "agent/metrics_http.h"
#include "agent/status.h"
#include "agent/vipd.h"
#include "ctl/metrics.h"

#define HTTP_CONN_MAX		16	/* scrapers at once */
#define HTTP_CONN_TIMEOUT_S	10	/* idle or slow clients are dropped */

/*
 * libmicrohttpd is loaded only when metrics_listen is set: linked in, it
 * and the GnuTLS stack it needs (p11-kit, nettle, gmp, ...) cost 2.4 MiB
 * of resident memory in every vipd, most of which never serve /metrics.
 */
#define MHD_SONAME		"libmicrohttpd.so.12"
#define MHD_FUNCS(X) X(MHD_start_daemon) X(MHD_stop_daemon) \
	X(MHD_get_daemon_info) X(MHD_get_timeout) X(MHD_run) \
	X(MHD_create_response_from_buffer) X(MHD_add_response_header) \
	X(MHD_queue_response) X(MHD_destroy_response)

struct mhd_fn {
#define X(f)	__typeof__(f) *f;
	MHD_FUNCS(X)
#undef X
};

struct vipd_metrics_http {
	struct vipd *v;
	void *dl;			/* the dlopen'ed library */
	struct mhd_fn fn;
	struct MHD_Daemon *mhd;
	int epfd;
	struct loop_timer timer;	/* MHD's own timeouts */
};

static void
plan_timer(struct vipd_metrics_http *h)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (h->fn.MHD_get_timeout(h->mhd, &ms) == MHD_YES)
		loop_timer_set(h->v->loop, &h->timer, loop_now() + ms * 1000);
	else
		loop_timer_cancel(h->v->loop, &h->timer);
}

static void
run(struct vipd_metrics_http *h)
{
	/* External epoll mode: MHD_run polls with a zero timeout. */
	h->fn.MHD_run(h->mhd);
	plan_timer(h);
}

static void
fd_cb(int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	run(arg);
}

static void
timer_cb(struct loop_timer *t, uint64_t now, void *arg)
{
	(void)t;
	(void)now;
	run(arg);
}

static enum MHD_Result
reply(struct vipd_metrics_http *h, struct MHD_Connection *conn,
    unsigned code, const char *type,
    char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = h->fn.MHD_create_response_from_buffer(len, body, mode);
	if (r == NULL) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	h->fn.MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		h->fn.MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	rc = h->fn.MHD_queue_response(conn, code, r);
	h->fn.MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
on_request(void *arg, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **state)
{
	static char not_found[] = "vipd serves /metrics only\n";
	static char bad_method[] = "GET or HEAD only\n";
	struct vipd_metrics_http *h = arg;
	json_t *status;
	size_t len;
	char *text;

	(void)version;
	(void)upload;
	(void)state;
	if (*upload_size != 0) {
		*upload_size = 0;	/* a body is ignored */
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply(h, conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
		    bad_method, sizeof(bad_method) - 1, MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/metrics") != 0)
		return reply(h, conn, MHD_HTTP_NOT_FOUND, "text/plain", not_found,
		    sizeof(not_found) - 1, MHD_RESPMEM_PERSISTENT);
	status = vipd_status_json(h->v);
	text = status != NULL ? ctl_metrics_render(status, &len) : NULL;
	json_decref(status);
	if (text == NULL)
		return MHD_NO;
	return reply(h, conn, MHD_HTTP_OK, CTL_METRICS_CONTENT_TYPE, text, len,
	    MHD_RESPMEM_MUST_FREE);
}

static struct MHD_Daemon *
start(struct vipd_metrics_http *h)
{
	const struct conf *c = h->v->conf;
	struct sockaddr_storage ss = { 0 };
	unsigned flags = MHD_USE_EPOLL;

	if (c->metrics_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(c->metrics_port);
		memcpy(&s6->sin6_addr, c->metrics_addr, 16);
		flags |= MHD_USE_IPv6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(c->metrics_port);
		memcpy(&s4->sin_addr, c->metrics_addr, 4);
	}
	return h->fn.MHD_start_daemon(flags, c->metrics_port, NULL, NULL,
	    on_request, h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONN_MAX,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)4,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_CONN_TIMEOUT_S,
	    MHD_OPTION_END);
}

/* dlopen libmicrohttpd and find its functions; -1 with errno ELIBACC. */
static int
load(struct vipd_metrics_http *h)
{
	h->dl = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (h->dl == NULL) {
		log_warnx("metrics_listen: %s", dlerror());
		errno = ELIBACC;
		return -1;
	}
#define X(f)	if ((*(void **)&h->fn.f = dlsym(h->dl, #f)) == NULL) { \
		log_warnx("metrics_listen: %s: no %s", MHD_SONAME, #f); \
		errno = ELIBACC; \
		return -1; \
	}
	MHD_FUNCS(X)
#undef X
	return 0;
}

struct vipd_metrics_http *
vipd_metrics_http_open(struct vipd *v)
{
	struct vipd_metrics_http *h;
	const union MHD_DaemonInfo *info;
	int saved;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->v = v;
	h->epfd = -1;
	loop_timer_init(&h->timer, timer_cb, h);
	if (load(h) < 0)
		goto fail;
	/* MHD reports no errno: EADDRINUSE is the usual cause. */
	errno = 0;
	if ((h->mhd = start(h)) == NULL) {
		if (errno == 0)
			errno = EADDRINUSE;
		goto fail;
	}
	info = h->fn.MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (info == NULL) {
		errno = ENOTSUP;
		goto fail;
	}
	h->epfd = info->epoll_fd;
	if (loop_add_fd(v->loop, h->epfd, EPOLLIN, fd_cb, h) == -1)
		goto fail;
	plan_timer(h);
	return h;
fail:
	saved = errno;
	if (h->mhd != NULL)
		h->fn.MHD_stop_daemon(h->mhd);
	if (h->dl != NULL)
		dlclose(h->dl);
	free(h);
	errno = saved;
	return NULL;
}

void
vipd_metrics_http_close(struct vipd_metrics_http *h)
{
	if (h == NULL)
		return;
	loop_timer_cancel(h->v->loop, &h->timer);
	loop_del_fd(h->v->loop, h->epfd);
	h->fn.MHD_stop_daemon(h->mhd);
	dlclose(h->dl);
	free(h);
}
