/* SPDX-License-Identifier: ISC */
/* Starting one notify script: fork, its own process group, the script user's ids, execve. */
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "lib/cred.h"
#include "lib/spawn.h"

#define SPAWN_CLOSE_MAX	65536	/* fds closed one by one without close_range */

/*
 * Everything the child needs, made before fork: between fork and execve
 * the child makes async-signal-safe calls only (the daemon may have
 * threads of its own one day, and malloc's locks would be copied).
 */
struct plan {
	char *const *argv, *const *envp;
	const struct cred *cred;	/* NULL: keep our ids */
	int nullfd, outfd, errfd;	/* all above 2, close-on-exec */
	int maxfd;			/* for the fallback close loop */
	struct sigaction dfl;
	sigset_t none;
};

/* Move fd off 0-2, where the child's dup2 calls could clobber it. */
static int
fd_above_stdio(int fd)
{
	int nfd, e;

	if (fd < 0 || fd > 2)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	e = errno;
	close(fd);
	errno = e;
	return nfd;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Close every fd above 2 but errfd, which execve closes (close-on-exec). */
static void
close_fds(const struct plan *p)
{
	int fd;

	if ((p->errfd == 3 || close_range(3, (unsigned)p->errfd - 1, 0) == 0) &&
	    close_range((unsigned)p->errfd + 1, ~0U, 0) == 0)
		return;
	for (fd = 3; fd < p->maxfd; fd++)	/* kernels before 5.9 */
		if (fd != p->errfd)
			close(fd);
}

static _Noreturn void
child(const struct plan *p)
{
	const struct cred *c = p->cred;
	ssize_t r;
	int sig, err;

	/* Ignored signals survive execve: reset them all. KILL, STOP and
	 * glibc's two internal ones refuse, harmlessly. */
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &p->dfl, NULL);
	if (setpgid(0, 0) < 0 || dup2(p->nullfd, 0) < 0 ||
	    dup2(p->outfd, 1) < 0 || dup2(p->outfd, 2) < 0)
		goto fail;
	/* Groups first: after setuid we could not change them any more. */
	if (c != NULL && (setgroups(c->ngroups, c->groups) < 0 ||
	    setgid(c->gid) < 0 || setuid(c->uid) < 0))
		goto fail;
	close_fds(p);
	/* The daemon blocks signals for signalfd: undo that too. */
	sigprocmask(SIG_SETMASK, &p->none, NULL);
	execve(p->argv[0], p->argv, p->envp);
fail:
	err = errno;
	r = write(p->errfd, &err, sizeof(err));
	(void)r;
	_exit(127);
}

/*
 * Fork and wait for the child's execve: EOF on rfd means it happened,
 * an int is the errno of what failed instead.
 */
static int
launch(const struct plan *p, int rfd, pid_t *pid)
{
	sigset_t all, old;
	int cerr = 0, err;
	ssize_t r;

	/* No handler of ours may run in the child before it resets them. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	if ((*pid = fork()) == 0)
		child(p);
	err = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(p->errfd);	/* ours: EOF must come from the child alone */
	if (*pid < 0)
		return err;
	while ((r = read(rfd, &cerr, sizeof(cerr))) < 0 && errno == EINTR)
		;
	if (r != (ssize_t)sizeof(cerr))
		return 0;
	while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
		;
	return cerr;
}

/* Our supplementary groups are c's, as sets. */
static bool
same_groups(const struct cred *c)
{
	gid_t g[256];
	int n = getgroups(256, g), i;
	size_t k;

	if (n < 0 || (size_t)n != c->ngroups)
		return false;
	for (i = 0; i < n; i++) {
		for (k = 0; k < c->ngroups && c->groups[k] != g[i]; k++)
			;
		if (k == c->ngroups)
			return false;
	}
	return true;
}

/*
 * Without root, scripts can only run as ourselves: keep our ids then.
 * Ids and groups that are ours already need no switch either: a vipd
 * that dropped CAP_SETGID (script_user root) could not call setgroups.
 */
static bool
must_switch(const struct cred *c)
{
	if (c == NULL)
		return false;
	if (c->uid == getuid() && c->uid == geteuid() &&
	    c->gid == getgid() && c->gid == getegid() && same_groups(c))
		return false;
	return geteuid() == 0 || c->uid != getuid() ||
	    c->uid != geteuid() || c->gid != getgid() || c->gid != getegid();
}

int
spawn_exec(char *const argv[], char *const envp[],
    const struct cred *cred, pid_t *pid, int *outfd)
{
	struct plan p = { .argv = argv, .envp = envp, .nullfd = -1 };
	int out[2] = { -1, -1 }, ep[2] = { -1, -1 }, err;
	struct rlimit rl;

	p.cred = must_switch(cred) ? cred : NULL;
	p.dfl.sa_handler = SIG_DFL;
	sigemptyset(&p.dfl.sa_mask);
	sigemptyset(&p.none);
	p.maxfd = getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < SPAWN_CLOSE_MAX ? (int)rl.rlim_cur : SPAWN_CLOSE_MAX;
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0 ||
	    (out[1] = fd_above_stdio(out[1])) < 0 ||
	    (ep[1] = fd_above_stdio(ep[1])) < 0 ||
	    (p.nullfd = fd_above_stdio(open("/dev/null",
	    O_RDONLY | O_CLOEXEC))) < 0 ||
	    fcntl(out[0], F_SETFL, O_NONBLOCK) < 0) {
		err = errno;
	} else {
		p.outfd = out[1];
		p.errfd = ep[1];
		err = launch(&p, ep[0], pid);
		ep[1] = -1;	/* launch closed it */
	}
	close_fd(&p.nullfd);
	close_fd(&out[1]);
	close_fd(&ep[0]);
	close_fd(&ep[1]);
	if (err != 0)
		close_fd(&out[0]);
	*outfd = out[0];
	return err;
}
