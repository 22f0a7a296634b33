/* SPDX-License-Identifier: ISC */
/* keepalived's notify FIFOs: a line per state change, for a reader's script. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/loop.h"
#include "agent/fifo.h"

struct vipd_fifo {
	int fd[2];
	bool created[2];
	const char *path[2];	/* in struct conf, which outlives us */
	uint64_t dropped;
	struct log_ratelimit rl;
};

/* The owner asked for a FIFO vipd made (keepalived's [user [group]]). */
static void
fifo_chown(const struct conf_fifo *cf)
{
	struct passwd *pw;
	struct group *gr;
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;

	if (cf->user[0] == '\0')
		return;
	if ((pw = getpwnam(cf->user)) == NULL) {
		log_warnx("notify FIFO %s: no user %s", cf->path, cf->user);
		return;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (cf->group[0] != '\0') {
		if ((gr = getgrnam(cf->group)) == NULL) {
			log_warnx("notify FIFO %s: no group %s", cf->path,
			    cf->group);
			return;
		}
		gid = gr->gr_gid;
	}
	if (chown(cf->path, uid, gid) < 0)
		log_warn("notify FIFO %s: chown", cf->path);
}

static int
fifo_open_one(struct vipd_fifo *f, int k, const struct conf_fifo *cf)
{
	struct stat sb;

	if (mkfifo(cf->path, 0644) == 0) {
		f->created[k] = true;
		fifo_chown(cf);
	} else if (errno != EEXIST) {
		log_warn("notify FIFO %s: mkfifo", cf->path);
		return -1;
	}
	f->fd[k] = open(cf->path, O_RDWR | O_NONBLOCK | O_CLOEXEC |
	    O_NOFOLLOW);
	if (f->fd[k] < 0 || fstat(f->fd[k], &sb) < 0 || !S_ISFIFO(sb.st_mode)) {
		if (f->fd[k] >= 0)
			errno = EINVAL;
		log_warn("notify FIFO %s: not a FIFO vipd can open", cf->path);
		if (f->fd[k] >= 0)
			close(f->fd[k]);
		f->fd[k] = -1;
		if (f->created[k])
			unlink(cf->path);
		f->created[k] = false;
		return -1;
	}
	f->path[k] = cf->path;
	log_info("notify FIFO %s open", cf->path);
	return 0;
}

struct vipd_fifo *
vipd_fifo_open(const struct conf *c)
{
	struct vipd_fifo *f;
	int k, n = 0;

	if (c->fifo[0].path[0] == '\0' && c->fifo[1].path[0] == '\0')
		return NULL;
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		log_warn("notify FIFO");
		return NULL;
	}
	f->fd[0] = f->fd[1] = -1;
	f->rl.interval_us = 60000000;
	f->rl.burst = 1;
	for (k = 0; k < 2; k++) {
		if (c->fifo[k].path[0] == '\0' || (k == 1 &&
		    !strcmp(c->fifo[0].path, c->fifo[1].path)))
			continue;	/* the same FIFO gets each line once */
		if (fifo_open_one(f, k, &c->fifo[k]) == 0)
			n++;
	}
	if (n == 0) {
		free(f);
		return NULL;
	}
	return f;
}

void
vipd_fifo_state(struct vipd_fifo *f, const char *instance, const char *state,
    unsigned priority)
{
	char line[CONF_NAME_MAX + 64];
	uint64_t sup;
	int k, n;

	if (f == NULL)
		return;
	n = snprintf(line, sizeof(line), "INSTANCE \"%s\" %s %u\n", instance,
	    state, priority);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	for (k = 0; k < 2; k++) {
		if (f->fd[k] < 0)
			continue;
		/* Under PIPE_BUF: the line goes in whole or not at all. */
		if (write(f->fd[k], line, (size_t)n) == n)
			continue;
		f->dropped++;
		if (log_ratelimit_ok(&f->rl, loop_now(), &sup))
			log_warnx("notify FIFO %s: full or broken, line dropped "
			    "(%llu so far; is its reader running?)", f->path[k],
			    (unsigned long long)f->dropped);
	}
}

void
vipd_fifo_close(struct vipd_fifo *f)
{
	int k;

	if (f == NULL)
		return;
	for (k = 0; k < 2; k++) {
		/* Unlink first: a reader that reopens finds nothing. */
		if (f->created[k])
			unlink(f->path[k]);
		if (f->fd[k] >= 0)
			close(f->fd[k]);
	}
	free(f);
}
