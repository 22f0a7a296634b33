/* SPDX-License-Identifier: ISC */
/* SIGUSR1 and SIGUSR2: status and statistics dumps to files, never through a symlink. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "agent/dump.h"
#include "agent/notify.h"
#include "agent/status.h"

/* A directory others could write to would let them race the rename. */
static int
open_dir(const char *path)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		log_warn("dump: %s", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		log_warnx("dump: %s is not ours alone (uid %ld, mode %04o); "
		    "not writing there", path, (long)st.st_uid,
		    (unsigned)(st.st_mode & 07777));
		close(fd);
		return -1;
	}
	return fd;
}

static int
write_all(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, s, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
dump(struct vipd *v, const char *name, json_t *o)
{
	char tmp[64], *text;
	int dfd, fd = -1, rc = -1;

	if (o == NULL || (text = json_dumps(o, JSON_INDENT(2) |
	    JSON_SORT_KEYS)) == NULL) {
		json_decref(o);
		log_warnx("dump %s: out of memory", name);
		return -1;
	}
	json_decref(o);
	if ((dfd = open_dir(v->dump_dir)) < 0) {
		free(text);
		return -1;
	}
	snprintf(tmp, sizeof(tmp), ".%s.%ld", name, (long)getpid());
	/* A leftover (or planted) temporary name is removed, not opened. */
	if (unlinkat(dfd, tmp, 0) < 0 && errno != ENOENT)
		goto out;
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, text, strlen(text)) < 0 ||
	    write_all(fd, "\n", 1) < 0 || fsync(fd) < 0)
		goto out;
	if (renameat(dfd, tmp, dfd, name) < 0)
		goto out;
	rc = 0;
	log_info("dump: wrote %s/%s", v->dump_dir, name);
out:
	if (rc < 0) {
		log_warn("dump: %s/%s", v->dump_dir, name);
		unlinkat(dfd, tmp, 0);
	}
	if (fd >= 0)
		close(fd);
	close(dfd);
	free(text);
	return rc;
}

int
vipd_dump_data(struct vipd *v)
{
	return dump(v, VIPD_DUMP_DATA, vipd_status_json(v));
}

/* As status's counters, with the instance's name and state beside them. */
static json_t *
inst_stats(const struct vipd_instance *inst)
{
	json_t *o = vipd_counters_json(&inst->cnt);

	if (o != NULL) {
		json_object_set_new(o, "name", json_string(inst->conf->name));
		json_object_set_new(o, "state", json_string(
		    vrrp_state_name(inst->fsm.state)));
	}
	return o;
}

int
vipd_dump_stats(struct vipd *v)
{
	struct notify_stats ns = { 0 }, one;
	struct timespec now;
	char at[48];
	json_t *a = json_array();
	size_t i;

	/* Each instance has its own notify queue: the sums. */
	for (i = 0; i < v->ninsts; i++) {
		json_array_append_new(a, inst_stats(v->insts[i]));
		if (v->insts[i]->notify == NULL)
			continue;
		notify_get_stats(v->insts[i]->notify, &one);
		ns.runs += one.runs;
		ns.ok += one.ok;
		ns.failed += one.failed;
		ns.timeouts += one.timeouts;
		ns.dropped += one.dropped;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	return dump(v, VIPD_DUMP_STATS, json_pack("{s:s,s:i,s:o,"
	    "s:{s:I,s:I,s:I,s:I,s:I},s:{s:I,s:I}}",
	    "at", vipd_wall_str(&now, at, sizeof(at)), "pid", (int)getpid(),
	    "instances", a,
	    "notify", "runs", (json_int_t)ns.runs, "ok", (json_int_t)ns.ok,
	    "failed", (json_int_t)ns.failed, "timeouts",
	    (json_int_t)ns.timeouts, "dropped", (json_int_t)ns.dropped,
	    "reloads", "ok", (json_int_t)v->reloads, "refused",
	    (json_int_t)v->reloads_failed));
}
