/* SPDX-License-Identifier: ISC */
/* Starting one script (notify or check): fork, its own process group, the script user's ids, execve. */
#ifndef VIPD_LIB_SPAWN_H
#define VIPD_LIB_SPAWN_H

#include <sys/types.h>

struct cred;

/*
 * Start argv[0] (an absolute path, no shell, no PATH search) with envp
 * only, in a new process group, with stdin on /dev/null, stdout and
 * stderr on one pipe, every signal's default disposition, an empty signal
 * mask and no fds beyond 0-2. cred: the ids to run with (setgroups,
 * setgid, setuid), or NULL to keep ours; a vipd that is not root keeps
 * its ids when cred names them anyway. Returns only once the child has
 * exec'd or failed to: 0 with *pid and *outfd (the pipe's read end,
 * non-blocking, close-on-exec; the caller closes it), or an errno value:
 * the child's (ENOENT, EACCES, ENOEXEC from execve; EPERM, EINVAL from
 * the id switch) or the parent's (EAGAIN from fork, EMFILE, ...). A
 * failed child is reaped.
 */
int spawn_exec(char *const argv[], char *const envp[],
    const struct cred *cred, pid_t *pid, int *outfd);

#endif
