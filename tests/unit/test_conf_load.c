/* SPDX-License-Identifier: ISC */
/* Unit tests for the configuration loader (files, includes) and diagnostics. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "conf_fixture.h"

/* Loader --------------------------------------------------------------- */

static char tmpdir[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void rm_tmpdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
}

static struct conf *load_expect(const char *rel, const char *want)
{
	char path[256], *got, *w = NULL;
	struct conf_diag d = { 0 };
	struct conf *c;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	c = conf_load(path, &d);
	got = join_diag(&d);
	/* "@" in @want stands for the temporary directory */
	for (; *want != '\0'; want++) {
		char *t = NULL, ch[2] = { *want, '\0' };

		assert_true(asprintf(&t, "%s%s", w ? w : "",
				     *want == '@' ? tmpdir : ch) > 0);
		free(w);
		w = t;
	}
	assert_string_equal(got, w ? w : "");
	free(got);
	free(w);
	conf_diag_free(&d);
	return c;
}

static const char vi_a[] =
	"vrrp_instance A {\n interface eth0\n virtual_router_id 1\n"
	" virtual_ipaddress {\n  192.0.2.1\n }\n}\n";
static const char vi_b[] =
	"vrrp_instance B {\n interface eth0\n virtual_router_id 2\n"
	" virtual_ipaddress {\n  192.0.2.2\n }\n}\n";

static void test_load(void **state)
{
	struct conf *c;
	char path[300];
	int i;

	(void)state;
	strcpy(tmpdir, "/tmp/test_conf.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/conf.d", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/empty.d", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);

	put("main.conf", "global_defs {\n router_id x\n}\n"
	    "include conf.d/*.conf\n");
	put("conf.d/a.conf", vi_a);
	put("conf.d/b.conf", vi_b);
	put("conf.d/skip.txt", "garbage\n");
	c = load_expect("main.conf", "");
	assert_non_null(c);
	assert_int_equal(c->ninstances, 2);
	assert_string_equal(c->instances[0].name, "A");
	assert_string_equal(c->instances[1].name, "B");
	assert_int_equal(c->nfiles, 3);
	snprintf(path, sizeof(path), "%s/conf.d/b.conf", tmpdir);
	assert_string_equal(c->instances[1].file, path);
	assert_int_equal(c->instances[1].line, 1);
	conf_free(c);

	/* errors carry the included file's name and line */
	put("conf.d/b.conf", "vrrp_instance B {\n priority 0\n}\n");
	conf_free(load_expect("main.conf",
			      "@/conf.d/b.conf:2: priority: \"0\" is out of "
			      "range 1..255\n"
			      "@/conf.d/b.conf:1: vrrp_instance B: missing "
			      "required keyword \"interface\"\n"
			      "@/conf.d/b.conf:1: vrrp_instance B: missing "
			      "required keyword \"virtual_router_id\"\n"
			      "@/conf.d/b.conf:1: warning: vrrp_instance B: no virtual_ipaddress; "
			      "keepalived warns and runs it moving nothing, vipd leaves the "
			      "instance out\n"));
	put("conf.d/b.conf", vi_b);

	/* include inside a block, with braces and an absolute path */
	snprintf(path, sizeof(path), "vrrp_instance A {\n include "
		 "\"%s/part.inc\"\n virtual_ipaddress {\n 192.0.2.1\n"
		 " }\n}\n", tmpdir);
	put("inblock.conf", path);
	put("part.inc", "interface eth0\nvirtual_router_id x1\n");
	conf_free(load_expect("inblock.conf",
			      "@/part.inc:2: virtual_router_id: \"x1\" is not "
			      "a number\n"));
	put("part.inc", "interface eth0\nvirtual_router_id 5\n");
	c = load_expect("inblock.conf", "");
	assert_non_null(c);
	assert_int_equal(c->instances[0].vrid, 5);
	conf_free(c);

	/* brace globs, no match, a missing literal, a directory */
	put("brace.conf", "include conf.d/{a,b}.conf\n");
	c = load_expect("brace.conf", "");
	assert_non_null(c);
	assert_int_equal(c->ninstances, 2);
	conf_free(c);
	put("nomatch.conf", "include empty.d/*.conf\n");
	c = load_expect("nomatch.conf",
			"@/nomatch.conf:1: warning: include: no file matches "
			"\"@/empty.d/*.conf\"\n"
			"@/nomatch.conf: warning: no vrrp_instance defined\n");
	assert_non_null(c);
	conf_free(c);
	put("missing.conf", "include nothere.conf\n");
	assert_null(load_expect("missing.conf",
				"@/missing.conf:1: include: cannot read "
				"\"@/nothere.conf\": No such file or "
				"directory\n"));
	put("dir.conf", "include conf.d\n");
	assert_null(load_expect("dir.conf",
				"@/dir.conf:1: include: cannot read "
				"\"@/conf.d\": Is a directory\n"));
	assert_null(load_expect("absent.conf",
				"@/absent.conf: cannot read: No such file or "
				"directory\n"));
	assert_null(load_expect("conf.d",
				"@/conf.d: cannot read: Is a directory\n"));

	/* loops and depth */
	put("self.conf", "include self.conf\n");
	assert_null(load_expect("self.conf",
				"@/self.conf:1: include: \"@/self.conf\" "
				"includes itself\n"));
	for (i = 0; i < 10; i++) {
		char name[32], text[64];

		snprintf(name, sizeof(name), "d%d.conf", i);
		snprintf(text, sizeof(text), "include d%d.conf\n", i + 1);
		put(name, text);
	}
	put("d10.conf", vi_a);
	assert_null(load_expect("d0.conf",
				"@/d8.conf:1: include: nested more than 8 "
				"deep\n"));
	put("d2.conf", vi_a);
	c = load_expect("d0.conf", "");
	assert_non_null(c);
	assert_int_equal(c->nfiles, 3);
	conf_free(c);

	/* too many files, a file too large */
	snprintf(path, sizeof(path), "%s/many", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	for (i = 0; i < 257; i++) {
		char name[32];

		snprintf(name, sizeof(name), "many/%03d.conf", i);
		put(name, "");
	}
	put("many.conf", "include many/*.conf\n");
	assert_null(load_expect("many.conf",
				"@/many.conf:1: include: more than 256 "
				"files: \"@/many/255.conf\" and any file "
				"after it are not read\n"));
	snprintf(path, sizeof(path), "%s/huge.conf", tmpdir);
	put("huge.conf", "");
	assert_int_equal(truncate(path, CONF_FILE_MAX + 1), 0);
	assert_null(load_expect("huge.conf",
				"@/huge.conf: cannot read: larger than 16 "
				"MiB\n"));
	assert_null(load_expect("../../../dev/null",
				"@/../../../dev/null: cannot read: not a "
				"regular file\n"));

	/* the relative path is relative to the including file */
	put("conf.d/rel.conf", "include a.conf\n");
	put("rel.conf", "include conf.d/rel.conf\n");
	c = load_expect("rel.conf", "");
	assert_non_null(c);
	assert_int_equal(c->ninstances, 1);
	conf_free(c);

	rm_tmpdir();
}

static void test_load_relative_name(void **state)
{
	struct conf_diag d = { 0 };
	struct conf *c;
	char cwd[512];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	strcpy(tmpdir, "/tmp/test_conf.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	put("r.conf", "include s.conf\n");
	put("s.conf", "bogus\n");
	assert_int_equal(chdir(tmpdir), 0);
	c = conf_load("r.conf", &d);
	assert_null(c);
	assert_int_equal(d.nmsgs, 1);
	assert_string_equal(d.msgs[0].text,
			    "s.conf:1: unknown keyword \"bogus\" in top level");
	conf_diag_free(&d);
	assert_int_equal(chdir(cwd), 0);
	rm_tmpdir();
}

static void test_diag_append(void **state)
{
	struct conf_diag d = { 0 };
	struct conf *c;

	(void)state;
	c = conf_parse_buf("a.conf", "x\n", 2, &d);
	assert_null(c);
	c = conf_parse_buf("b.conf", seed_master, sizeof(seed_master) - 1, &d);
	assert_non_null(c);		/* earlier errors do not count */
	assert_int_equal(d.nerrors, 1);
	assert_int_equal(d.nwarnings, 1);
	assert_int_equal(d.nmsgs, 2);
	assert_int_equal(d.msgs[0].severity, CONF_SEV_ERROR);
	assert_int_equal(d.msgs[1].severity, CONF_SEV_WARNING);
	conf_free(c);
	conf_diag_free(&d);
	assert_int_equal(d.nmsgs, 0);
	conf_diag_free(NULL);
	conf_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_load_relative_name),
		cmocka_unit_test(test_diag_append),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
