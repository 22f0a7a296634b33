/* SPDX-License-Identifier: ISC */
/* Control socket server: accepts vipctl connections and answers requests. */
#ifndef VIPD_CONTROL_H
#define VIPD_CONTROL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "ctl/ctl_proto.h"

#define CTL_MAX_CONNS	32	/* connections beyond this are refused */

/*
 * How the server registers its fds in the daemon's event loop; the server
 * never blocks and owns no loop. Events are EPOLLIN/EPOLLOUT; callbacks get
 * what fired (EPOLLHUP and EPOLLERR included). The loop must be
 * level-triggered and must let a callback delete fds, its own included.
 *
 * add:  start watching fd; returns 0 or -1 with errno.
 * mod:  change the events of a watched fd (the callback stays).
 * del:  stop watching fd; called before the fd is closed.
 */
struct ctl_server_ops {
	void *loop;
	int (*add)(void *loop, int fd, uint32_t events,
	    void (*cb)(int fd, uint32_t events, void *arg), void *arg);
	int (*mod)(void *loop, int fd, uint32_t events);
	int (*del)(void *loop, int fd);
};

/*
 * Answers one request: returns the result object (a new reference), or
 * NULL with a one-line message in err (size errlen) that the client is
 * sent as the error. It must not close the server.
 */
struct ctl_handler {
	json_t *(*fn)(const struct ctl_request *req, void *arg, char *err,
	    size_t errlen);
	void *arg;
};

struct ctl_server;

/*
 * Listen on the AF_UNIX stream socket path. The parent directory is
 * created (0755) if missing; an existing one that is a symlink, is owned
 * by another user, or is writable by others without the sticky bit is
 * refused (ENOTDIR, EPERM). A socket file left at path is removed only if
 * nothing answers on it: if another daemon listens there, this fails with
 * EADDRINUSE; a path that is not a socket fails with EEXIST. The socket is
 * created with mode 0600. The listening fd is registered through ops at
 * once (do not add it yourself); *ops and *handler are copied.
 *
 * Clients must be root or have the daemon's effective uid (SO_PEERCRED);
 * others, and connections beyond CTL_MAX_CONNS, get an error response and
 * are closed. A request line over CTL_MAX_LINE bytes gets an error
 * response, then the connection is closed.
 *
 * Returns the server, or NULL with errno.
 */
struct ctl_server *ctl_server_open(const char *path,
    const struct ctl_server_ops *ops, const struct ctl_handler *handler);

/*
 * As ctl_server_open, but the socket is mode 0660 with group group, and
 * its members (who pass that mode) may use the read-only commands
 * (ctl_cmd_readonly); the others answer them "permission denied". group
 * (gid_t)-1 is ctl_server_open.
 */
struct ctl_server *ctl_server_open_group(const char *path,
    const struct ctl_server_ops *ops, const struct ctl_handler *handler,
    gid_t group);

/* The listening fd (already registered through ops). */
int ctl_server_fd(const struct ctl_server *srv);

/* Number of open client connections. */
size_t ctl_server_nconns(const struct ctl_server *srv);

/*
 * Close every connection and the listening socket, unlink path (unless it
 * was replaced by another socket meanwhile) and free srv. NULL is a no-op.
 */
void ctl_server_close(struct ctl_server *srv);

#endif
