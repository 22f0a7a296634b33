/* SPDX-License-Identifier: ISC */
/* metrics_listen: Prometheus /metrics served from the daemon's own loop. */
#ifndef VIPD_METRICS_HTTP_H
#define VIPD_METRICS_HTTP_H

struct vipd;
struct vipd_metrics_http;

/*
 * Listen on conf->metrics_* with libmicrohttpd in external-epoll mode: its
 * epoll fd joins vipd's loop, every socket is non-blocking and a request is
 * answered in one loop turn, so a slow or hostile scraper never delays an
 * advert. GET /metrics answers ctl_metrics_render of the status; anything
 * else 404 or 405. Returns NULL with errno (EADDRINUSE, ...) on failure.
 */
struct vipd_metrics_http *vipd_metrics_http_open(struct vipd *v);

/* Close the listener and every connection; NULL is a no-op. */
void vipd_metrics_http_close(struct vipd_metrics_http *);

#endif
