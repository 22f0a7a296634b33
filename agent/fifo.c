/* SPDX-License-Identifier: ISC */
/* keepalived's notify FIFOs: a line per state change, for a reader's script. */
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cmdline.h"
#include "lib/cred.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/spawn.h"
#include "agent/fifo.h"
#include "agent/notifycmd.h"

/* A notify_fifo_script: started once, reads the FIFO until vipd stops. */
struct fifo_reader {
	pid_t pid;
	int pidfd, outfd;
	const char *cmd;
};

struct vipd_fifo {
	struct loop *loop;
	int fd[2];
	bool created[2];
	const char *path[2];	/* in struct conf, which outlives us */
	struct fifo_reader reader[2];
	uint64_t dropped;
	struct log_ratelimit rl;
};

static void
reader_forget(struct vipd_fifo *f, struct fifo_reader *r)
{
	if (r->pidfd >= 0) {
		loop_del_fd(f->loop, r->pidfd);
		close(r->pidfd);
	}
	if (r->outfd >= 0) {
		loop_del_fd(f->loop, r->outfd);
		close(r->outfd);
	}
	r->pidfd = r->outfd = -1;
	r->pid = 0;
}

/* The reader's output goes to the log (it has nowhere else to go). */
static void
on_reader_output(int fd, uint32_t events, void *arg)
{
	char buf[512];
	ssize_t n;

	(void)events;
	(void)arg;
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		log_info("notify_fifo_script: %s", buf);
	}
}

static void
on_reader_exit(int fd, uint32_t events, void *arg)
{
	struct vipd_fifo *f = arg;
	siginfo_t si = { 0 };
	int k;

	(void)events;
	for (k = 0; k < 2 && f->reader[k].pidfd != fd; k++)
		;
	if (k == 2 || waitid(P_PIDFD, (id_t)fd, &si, WEXITED | WNOHANG) < 0)
		return;
	log_warnx("notify_fifo_script \"%s\" for %s %s %d; the FIFO keeps "
	    "its lines for the next reader", f->reader[k].cmd, f->path[k],
	    si.si_code == CLD_EXITED ? "exited with status" :
	    "was killed by signal", si.si_status);
	reader_forget(f, &f->reader[k]);
}

/* Start @cmd with the FIFO's path as its last argument, as keepalived. */
static void
reader_start(struct vipd_fifo *f, int k, const struct conf *c,
    const char *cmd)
{
	static char *const envp[] = { "PATH=/usr/local/sbin:/usr/local/bin:"
	    "/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	struct fifo_reader *r = &f->reader[k];
	char **argv = NULL, **full = NULL, why[512];
	char *tail[] = { (char *)f->path[k], NULL };
	struct cred cred;
	int err;

	memset(&cred, 0, sizeof(cred));
	if (vipd_notify_argv(cmd, &argv, why, sizeof(why)) < 0 ||
	    (full = cmdline_concat(argv, tail)) == NULL ||
	    cred_resolve(c->script_user, c->script_group,
	    c->enable_script_security, &cred, why, sizeof(why)) < 0) {
		log_warnx("notify_fifo_script \"%s\": %s", cmd, full == NULL &&
		    argv != NULL ? "out of memory" : why);
		goto out;
	}
	if ((err = spawn_exec(full, envp, &cred, &r->pid, &r->outfd)) != 0) {
		errno = err;
		log_warn("notify_fifo_script \"%s\"", cmd);
		goto out;
	}
	r->cmd = cmd;
	r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	if (r->pidfd < 0 || loop_add_fd(f->loop, r->pidfd, EPOLLIN,
	    on_reader_exit, f) < 0 || loop_add_fd(f->loop, r->outfd, EPOLLIN,
	    on_reader_output, f) < 0)
		log_warn("notify_fifo_script \"%s\": not watched", cmd);
	else
		log_info("notify_fifo_script \"%s\" started (pid %ld)", cmd,
		    (long)r->pid);
out:
	cred_free(&cred);
	cmdline_free(argv);
	cmdline_free(full);
}

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
vipd_fifo_open(const struct conf *c, struct loop *loop)
{
	struct vipd_fifo *f;
	int k, n = 0;

	if (c->fifo[0].path[0] == '\0' && c->fifo[1].path[0] == '\0')
		return NULL;
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		log_warn("notify FIFO");
		return NULL;
	}
	f->loop = loop;
	f->fd[0] = f->fd[1] = -1;
	for (k = 0; k < 2; k++)
		f->reader[k].pidfd = f->reader[k].outfd = -1;
	f->rl.interval_us = 60000000;
	f->rl.burst = 1;
	for (k = 0; k < 2; k++) {
		if (c->fifo[k].path[0] == '\0' || (k == 1 &&
		    !strcmp(c->fifo[0].path, c->fifo[1].path)))
			continue;	/* the same FIFO gets each line once */
		if (fifo_open_one(f, k, &c->fifo[k]) < 0)
			continue;
		n++;
		if (c->fifo[k].script[0] != '\0')
			reader_start(f, k, c, c->fifo[k].script);
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
		/* The reader sees the end of the FIFO; make sure it goes. */
		if (f->reader[k].pid > 0)
			kill(-f->reader[k].pid, SIGTERM);
		reader_forget(f, &f->reader[k]);
	}
	free(f);
}
