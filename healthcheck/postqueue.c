/* SPDX-License-Identifier: ISC */
/* `postqueue -j`: a lenient line parser (pure) and a non-blocking runner with a timeout. */
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/loop.h"
#include "healthcheck/postqueue.h"

/* Bytes read from the pipe per callback, so a big queue shares the loop. */
#define PQ_READ_PER_CB	(64 * 1024)

void
hc_pq_summary_init(struct hc_pq_summary *s)
{
	memset(s, 0, sizeof(*s));
}

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * After key (with its quotes) skip blanks, ':', blanks; NULL if the key
 * or the colon is missing. Returns where the value starts.
 */
static const char *
after_key(const char *line, size_t len, const char *key)
{
	const char *end = line + len, *p;

	if ((p = memmem(line, len, key, strlen(key))) == NULL)
		return NULL;
	for (p += strlen(key); p < end && is_ws(*p); p++)
		;
	if (p == end || *p != ':')
		return NULL;
	for (p++; p < end && is_ws(*p); p++)
		;
	return p;
}

/*
 * Fallback for lines jansson rejects: a raw '"' cannot occur inside a
 * JSON string, so the first "queue_name" token is the member itself.
 */
static bool
salvage(const char *line, size_t len, const char **qn, size_t *qlen,
    int64_t *arrival)
{
	const char *end = line + len, *p, *q;
	int64_t v = 0;

	for (p = line; p < end && is_ws(*p); p++)
		;
	if (p == end || *p != '{')
		return false;
	if ((p = after_key(line, len, "\"queue_name\"")) == NULL ||
	    p == end || *p != '"')
		return false;
	for (q = ++p; q < end && *q >= 'a' && *q <= 'z'; q++)
		;
	if (q == end || *q != '"')
		return false;
	*qn = p;
	*qlen = (size_t)(q - p);
	*arrival = 0;
	p = after_key(line, len, "\"arrival_time\"");
	for (; p != NULL && p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (INT64_MAX - 9) / 10)
			return true;	/* absurd: leave it unaged */
		v = v * 10 + (*p - '0');
	}
	*arrival = v;
	return true;
}

static void
account(struct hc_pq_summary *s, int q, int64_t arrival, int64_t size)
{
	s->messages++;
	if (arrival > 0 && (s->oldest_any == 0 || arrival < s->oldest_any))
		s->oldest_any = arrival;
	if (q < 0) {
		s->unknown_queue++;
		return;
	}
	s->count[q]++;
	if (size > 0)
		s->bytes[q] += (uint64_t)size;
	if (arrival > 0 && (s->oldest[q] == 0 || arrival < s->oldest[q]))
		s->oldest[q] = arrival;
}

static enum hc_pq_line
parse_fallback(struct hc_pq_summary *s, const char *line, size_t len)
{
	const char *qn;
	size_t qlen;
	int64_t arrival;
	int q;

	if (!salvage(line, len, &qn, &qlen, &arrival)) {
		s->broken++;
		return HC_PQ_LINE_BROKEN;
	}
	s->salvaged++;
	q = hc_queue_lookup(qn, qlen);
	account(s, q, arrival, 0);
	return q < 0 ? HC_PQ_LINE_UNKNOWN : HC_PQ_LINE_OK;
}

enum hc_pq_line
hc_pq_parse_line(struct hc_pq_summary *s, const char *line, size_t len)
{
	json_t *o, *qn, *at, *sz;
	int64_t arrival = 0, size = 0;
	size_t i;
	int q;

	for (i = 0; i < len && is_ws(line[i]); i++)
		;
	if (i == len)
		return HC_PQ_LINE_EMPTY;
	o = json_loadb(line, len, 0, NULL);
	if (o == NULL)
		return parse_fallback(s, line, len);
	qn = json_object_get(o, "queue_name");
	if (!json_is_object(o) || !json_is_string(qn)) {
		json_decref(o);
		s->broken++;
		return HC_PQ_LINE_BROKEN;
	}
	at = json_object_get(o, "arrival_time");
	sz = json_object_get(o, "message_size");
	if (json_is_integer(at))
		arrival = json_integer_value(at);
	if (json_is_integer(sz))
		size = json_integer_value(sz);
	q = hc_queue_lookup(json_string_value(qn), json_string_length(qn));
	account(s, q, arrival, size);
	json_decref(o);
	return q < 0 ? HC_PQ_LINE_UNKNOWN : HC_PQ_LINE_OK;
}

void
hc_pq_parser_init(struct hc_pq_parser *p)
{
	hc_pq_summary_init(&p->sum);
	p->len = 0;
	p->overlong = false;
}

void
hc_pq_parser_feed(struct hc_pq_parser *p, const char *data, size_t len)
{
	const char *nl;
	size_t n;

	while (len > 0) {
		nl = memchr(data, '\n', len);
		n = nl != NULL ? (size_t)(nl - data) : len;
		if (!p->overlong && n > sizeof(p->line) - p->len) {
			p->overlong = true;
			p->sum.broken++;
		}
		if (!p->overlong) {
			memcpy(p->line + p->len, data, n);
			p->len += n;
		}
		if (nl == NULL)
			return;
		if (!p->overlong)
			hc_pq_parse_line(&p->sum, p->line, p->len);
		p->len = 0;
		p->overlong = false;
		data += n + 1;
		len -= n + 1;
	}
}

void
hc_pq_parser_finish(struct hc_pq_parser *p)
{
	if (!p->overlong && p->len > 0)
		hc_pq_parse_line(&p->sum, p->line, p->len);
	p->len = 0;
	p->overlong = false;
}

/* --- Runner --- */

struct hc_postqueue {
	struct loop *loop;
	struct loop_timer timer;
	pid_t pid;
	int pidfd, outfd, errfd;
	bool exited, timed_out;
	uint64_t start, timeout_us;
	void (*done)(const struct hc_postqueue_result *, void *);
	void *arg;
	size_t errlen;
	char errbuf[sizeof(((struct hc_postqueue_result *)0)->stderr_line)];
	struct hc_postqueue_result res;
	struct hc_pq_parser parser;
};

static void
close_watch(struct hc_postqueue *pq, int *fd)
{
	if (*fd < 0)
		return;
	loop_del_fd(pq->loop, *fd);
	close(*fd);
	*fd = -1;
}

/* First stderr line, with anything unprintable made '?'. */
static void
stderr_line(struct hc_postqueue *pq)
{
	char *out = pq->res.stderr_line;
	size_t i;

	for (i = 0; i < pq->errlen && pq->errbuf[i] != '\n'; i++)
		out[i] = pq->errbuf[i] >= 0x20 && pq->errbuf[i] < 0x7f ?
		    pq->errbuf[i] : '?';
	out[i] = '\0';
}

static void
classify(struct hc_postqueue *pq)
{
	struct hc_postqueue_result *r = &pq->res;
	int st = r->status;
	const char *sep = r->stderr_line[0] != '\0' ? ": " : "";

	r->cls = HC_FAILED;
	if (pq->timed_out)
		snprintf(r->reason, sizeof(r->reason), "postqueue: timed out "
		    "after %llu ms", (unsigned long long)pq->timeout_us / 1000);
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		r->cls = HC_OK;
		snprintf(r->reason, sizeof(r->reason), "postqueue: %u "
		    "messages, %u broken lines", r->sum.messages,
		    r->sum.broken);
	} else if (WIFEXITED(st))
		snprintf(r->reason, sizeof(r->reason), "postqueue: exit %d%s%s",
		    WEXITSTATUS(st), sep, r->stderr_line);
	else
		snprintf(r->reason, sizeof(r->reason), "postqueue: killed by "
		    "signal %d%s%s", WTERMSIG(st), sep, r->stderr_line);
}

/* Once the child is reaped and both pipes are closed: report and free. */
static void
maybe_finish(struct hc_postqueue *pq)
{
	if (!pq->exited || pq->outfd >= 0 || pq->errfd >= 0)
		return;
	loop_timer_cancel(pq->loop, &pq->timer);
	hc_pq_parser_finish(&pq->parser);
	pq->res.sum = pq->parser.sum;
	pq->res.latency_us = loop_now() - pq->start;
	stderr_line(pq);
	classify(pq);
	pq->done(&pq->res, pq->arg);
	free(pq);
}

static void
out_ready(int fd, uint32_t events, void *arg)
{
	struct hc_postqueue *pq = arg;
	char buf[16384];
	size_t total = 0;
	ssize_t n;

	(void)events;
	while (total < PQ_READ_PER_CB) {
		if ((n = read(fd, buf, sizeof(buf))) > 0) {
			hc_pq_parser_feed(&pq->parser, buf, (size_t)n);
			total += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		close_watch(pq, &pq->outfd);	/* EOF or error */
		maybe_finish(pq);
		return;
	}
}

static void
err_ready(int fd, uint32_t events, void *arg)
{
	struct hc_postqueue *pq = arg;
	char buf[512];
	size_t room = sizeof(pq->errbuf) - 1 - pq->errlen, k;
	ssize_t n;

	(void)events;
	if ((n = read(fd, buf, sizeof(buf))) > 0) {
		k = (size_t)n < room ? (size_t)n : room;
		memcpy(pq->errbuf + pq->errlen, buf, k);
		pq->errlen += k;
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	close_watch(pq, &pq->errfd);
	maybe_finish(pq);
}

static void
pid_ready(int fd, uint32_t events, void *arg)
{
	struct hc_postqueue *pq = arg;
	int st;

	(void)fd;
	(void)events;
	if (waitpid(pq->pid, &st, WNOHANG) != pq->pid)
		return;
	pq->res.status = st;
	pq->exited = true;
	close_watch(pq, &pq->pidfd);
	maybe_finish(pq);
}

static void
pq_timeout(struct loop_timer *t, uint64_t now, void *arg)
{
	struct hc_postqueue *pq = arg;

	(void)t;
	(void)now;
	pq->timed_out = true;
	if (!pq->exited)
		syscall(SYS_pidfd_send_signal, pq->pidfd, SIGKILL, NULL, 0);
	/* Stop reading: a grandchild may hold the pipes open. */
	close_watch(pq, &pq->outfd);
	close_watch(pq, &pq->errfd);
	maybe_finish(pq);
}

/* posix_spawn argv with stdin /dev/null, stdout out, stderr err. */
static int
spawn(char *const argv[], int out, int err, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int rc;

	/* The loop blocks the signals it takes via signalfd: unblock them. */
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_adddup2(&fa, err, 2);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return 0;
}

/* A pipe whose read end (ours) is non-blocking; the child's end blocks. */
static int
make_pipe(int p[2])
{
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	return 0;
}

/* Pipes, spawn, pidfd; on failure everything opened is closed. */
static int
pq_launch(struct hc_postqueue *pq, char *const argv[])
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, rc = -1, saved;

	if (make_pipe(out) < 0 || make_pipe(err) < 0 ||
	    spawn(argv, out[1], err[1], &pq->pid) < 0)
		goto out;
	pq->outfd = out[0];
	pq->errfd = err[0];
	out[0] = err[0] = -1;
	if ((pq->pidfd = (int)syscall(SYS_pidfd_open, pq->pid, 0)) < 0 ||
	    loop_add_fd(pq->loop, pq->pidfd, EPOLLIN, pid_ready, pq) < 0 ||
	    loop_add_fd(pq->loop, pq->outfd, EPOLLIN, out_ready, pq) < 0 ||
	    loop_add_fd(pq->loop, pq->errfd, EPOLLIN, err_ready, pq) < 0 ||
	    loop_timer_set(pq->loop, &pq->timer,
	    pq->start + pq->timeout_us) < 0) {
		saved = errno;
		kill(pq->pid, SIGKILL);
		waitpid(pq->pid, NULL, 0);
		close_watch(pq, &pq->pidfd);
		close_watch(pq, &pq->outfd);
		close_watch(pq, &pq->errfd);
		errno = saved;
		goto out;
	}
	rc = 0;
out:
	saved = errno;
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	errno = saved;
	return rc;
}

struct hc_postqueue *
hc_postqueue_run_argv(struct loop *l, char *const argv[], uint64_t timeout_us,
    void (*done)(const struct hc_postqueue_result *, void *), void *arg)
{
	struct hc_postqueue *pq;

	if (argv == NULL || argv[0] == NULL || done == NULL ||
	    timeout_us == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((pq = calloc(1, sizeof(*pq))) == NULL)
		return NULL;
	pq->loop = l;
	pq->pidfd = pq->outfd = pq->errfd = -1;
	pq->start = loop_now();
	pq->timeout_us = timeout_us;
	pq->done = done;
	pq->arg = arg;
	pq->res.status = -1;
	hc_pq_parser_init(&pq->parser);
	loop_timer_init(&pq->timer, pq_timeout, pq);
	if (pq_launch(pq, argv) < 0) {
		free(pq);
		return NULL;
	}
	return pq;
}

struct hc_postqueue *
hc_postqueue_run(struct loop *l, const char *config_dir, uint64_t timeout_us,
    void (*done)(const struct hc_postqueue_result *, void *), void *arg)
{
	char *argv[] = { HC_POSTQUEUE_PATH, "-c", (char *)config_dir, "-j",
	    NULL };

	if (config_dir == NULL) {
		argv[1] = "-j";
		argv[2] = NULL;
	}
	return hc_postqueue_run_argv(l, argv, timeout_us, done, arg);
}

void
hc_postqueue_cancel(struct hc_postqueue *pq)
{
	if (pq == NULL)
		return;
	loop_timer_cancel(pq->loop, &pq->timer);
	if (!pq->exited) {
		syscall(SYS_pidfd_send_signal, pq->pidfd, SIGKILL, NULL, 0);
		waitpid(pq->pid, NULL, 0);
	}
	close_watch(pq, &pq->pidfd);
	close_watch(pq, &pq->outfd);
	close_watch(pq, &pq->errfd);
	free(pq);
}
