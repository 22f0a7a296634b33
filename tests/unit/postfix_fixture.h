/* SPDX-License-Identifier: ISC */
/* Shared fixtures for the Postfix unit tests: queue directories, a loop guard. */
#ifndef VIPD_TESTS_POSTFIX_FIXTURE_H
#define VIPD_TESTS_POSTFIX_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/loop.h"

#define S(x)	(x), strlen(x)

static inline void
mkd(const char *root, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(mkdir(p, 0700), 0);
}

/* A queue directory with all its subdirectories, no files. */
static inline void
make_dirs(char *root)
{
	static const char *const dirs[] = { "maildrop", "incoming", "active",
	    "deferred", "deferred/8", "deferred/F", "hold", "corrupt", "defer",
	    "defer/8", "bounce", "trace", "flush", "pid" };
	size_t i;

	strcpy(root, "/tmp/test_pfq.XXXXXX");
	assert_non_null(mkdtemp(root));
	assert_int_equal(chmod(root, 0755), 0);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		mkd(root, dirs[i]);
}

static inline void
rm_tree(const char *root)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

/* Stops the loop: a timer that bounds a test's run. */
static inline void
guard(struct loop_timer *t, uint64_t now, void *arg)
{
	(void)t;
	(void)now;
	loop_stop(arg);
}

/* "qmgr stopped while mail arrives": a fresh incoming file must trip. */
#endif
