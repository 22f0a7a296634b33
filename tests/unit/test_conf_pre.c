/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for keepalived's line preprocessor (conditional lines,
 * definitions, ~SEQ/~LST), "{" on the next line, and the checks that came
 * with the full keepalived vocabulary (strict mode, shared addresses).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <unistd.h>

#include "conf/conf.h"
#include "conf_fixture.h"

#define VI(body) "vrrp_instance VI_1 {\n interface eth0\n" \
	" virtual_router_id 51\n virtual_ipaddress {\n  192.0.2.1/24\n }\n" \
	body "}\n"

/* Load @text from a file with config id @id; messages must be @want. */
static struct conf *load_id(const char *text, const char *id,
			    const char *want)
{
	char path[] = "/tmp/test_conf_pre.XXXXXX";
	struct conf_load_opts o = { id, false };
	struct conf_diag d = { 0 };
	struct conf *c;
	char *got;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	c = conf_load_with(path, &o, &d);
	unlink(path);
	got = join_diag(&d);
	/* Messages name the temporary file: compare what follows it. */
	{
		char *p = got, *q = got;
		size_t n = strlen(path);

		while (*p != '\0') {
			if (!strncmp(p, path, n)) {
				*q++ = 'f';
				p += n;
			} else {
				*q++ = *p++;
			}
		}
		*q = '\0';
	}
	assert_string_equal(got, want);
	free(got);
	conf_diag_free(&d);
	return c;
}

static void test_conditional(void **state)
{
	const char *text =
		"global_defs {\n"
		"@mx1 router_id ONE\n"
		"@mx2 router_id TWO\n"
		"  @^mx1 vrrp_version 3\n"
		"@mx1\n"				/* nothing after the id */
		"}\n"
		VI("");
	struct conf *c;

	(void)state;
	c = load_id(text, "mx1", "");
	assert_non_null(c);
	assert_string_equal(c->router_id, "ONE");
	assert_int_equal(c->vrrp_version, 2);
	conf_free(c);
	c = load_id(text, "mx2", "");
	assert_non_null(c);
	assert_string_equal(c->router_id, "TWO");
	assert_int_equal(c->vrrp_version, 3);
	conf_free(c);
	c = load_id(text, NULL, "");		/* no id: only @^ lines */
	assert_non_null(c);
	assert_string_equal(c->router_id, "");
	assert_int_equal(c->vrrp_version, 3);
	conf_free(c);
	/* Without a file there is no id either. */
	c = parse_expect("@x router_id A\n" VI(""), "");
	assert_string_equal(c->router_id, "");
	conf_free(c);
}

static void test_definitions(void **state)
{
	struct conf *c;

	(void)state;
	c = parse_expect("$IF=eth1\n$ID = 77\n$VIP=192.0.2.9/24\n"
			 "$P=150\n$P=160\n"		/* redefined */
			 "vrrp_instance V_$ID {\n interface $IF\n"
			 " virtual_router_id ${ID}\n priority $P\n"
			 " virtual_ipaddress {\n  $VIP\n }\n"
			 " notify \"/bin/echo $UNDEFINED$IF\"\n}\n", "");
	assert_non_null(c);
	assert_string_equal(c->instances[0].name, "V_77");
	assert_string_equal(c->instances[0].interface, "eth1");
	assert_int_equal(c->instances[0].vrid, 77);
	assert_int_equal(c->instances[0].priority, 160);
	/* "$NAME" ends at a blank, ',', ')' or the end: as keepalived. */
	assert_string_equal(c->instances[0].notify,
			    "/bin/echo $UNDEFINED$IF");
	conf_free(c);

	/* Multi-line definition, a line of its own where it is used. */
	c = parse_expect("$BODY=interface eth2 \\\n"
			 "   virtual_router_id 5 \\\n"
			 "   virtual_ipaddress { \\\n 192.0.2.5 \\\n }\n"
			 "vrrp_instance A {\n$BODY\n}\n", "");
	assert_non_null(c);
	assert_string_equal(c->instances[0].interface, "eth2");
	assert_int_equal(c->instances[0].nvips, 1);
	conf_free(c);
	conf_free(parse_expect("$B=a \\\n b\nvrrp_instance A {\n"
			       " interface x$B\n}\n",
			       "t.conf:4: $B: a multi-line definition must "
			       "stand alone on its line\n"
			       "t.conf:3: vrrp_instance A: missing required "
			       "keyword \"interface\"\n"
			       "t.conf:3: vrrp_instance A: missing required "
			       "keyword \"virtual_router_id\"\n"
			       "t.conf:3: warning: vrrp_instance A: no virtual_ipaddress; "
			       "keepalived warns and runs it moving nothing, vipd leaves the "
			       "instance out\n"));
	/* Predefined names; $_RANDOM is refused. */
	/* Substituted '#' still starts a comment outside quotes. */
	c = parse_expect("global_defs {\n router_id \"a${_HASH}b${_BANG}\"\n}\n"
			 VI(""), "");
	assert_string_equal(c->router_id, "a#b!");
	conf_free(c);
	conf_free(parse_expect("global_defs {\n router_id $_RANDOM\n}\n"
			       VI(""),
			       "t.conf:2: $_RANDOM is not supported: vipd "
			       "reads the same configuration the same way "
			       "every time\n"
			       "t.conf:2: router_id: missing argument\n"));
	conf_free(parse_expect("$NOPE\n",
			       "t.conf:1: \"$NOPE\": no such definition (define "
			       "it first with $NAME=value at the start of a "
			       "line)\n"));
}

static void test_seq_lst(void **state)
{
	struct conf *c;
	size_t i;

	(void)state;
	c = parse_expect("$I=vrrp_instance S$N { \\\n interface eth0 \\\n"
			 " virtual_router_id $N \\\n virtual_ipaddress { \\\n"
			 "  192.0.2.${N} \\\n } \\\n }\n"
			 "~SEQ(N, 10, 5, 20) $I\n", "");
	assert_non_null(c);
	assert_int_equal(c->ninstances, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(c->instances[i].vrid, 10 + 5 * i);
	assert_string_equal(c->instances[2].name, "S20");
	conf_free(c);

	c = parse_expect("$I=vrrp_instance $NM { \\\n interface $IF \\\n"
			 " virtual_router_id $ID \\\n virtual_ipaddress { \\\n"
			 "  $A \\\n } \\\n }\n"
			 "~LST({NM,IF,ID,A}, {X,eth0,1,192.0.2.1}, "
			 "{Y,eth1,2,192.0.2.2}) $I\n", "");
	assert_non_null(c);
	assert_int_equal(c->ninstances, 2);
	assert_string_equal(c->instances[1].name, "Y");
	assert_string_equal(c->instances[1].interface, "eth1");
	conf_free(c);

	/* ~SEQx, and one-number and two-number forms. */
	c = parse_expect("~SEQx(H, 10, 11) $_HASH x$H\n"
			 "~SEQ(K, 3) $_HASH\n~SEQ(K, 3, 1) $_HASH\n" VI(""), "");
	conf_free(c);
	conf_free(parse_expect("~SEQ(N, 1, 0, 5) x\n~SEQ N\n~LST(A) x\n",
			       "t.conf:1: invalid ~SEQ specification\n"
			       "t.conf:2: invalid ~SEQ specification\n"
			       "t.conf:3: invalid ~LST specification\n"));
	/* Huge sequences stop at the budget instead of eating memory. */
	c = parse_expect("~SEQ(N, 1, 1000000000) $_HASH\n",
			 "t.conf:1: ~SEQ/~LST: more than 100000 lines "
			 "generated\n");
	conf_free(c);
}

static void test_brace_next_line(void **state)
{
	struct conf *c;

	(void)state;
	c = parse_expect("global_defs\n{\n router_id X\n}\n"
			 "vrrp_instance VI_1\n\n# a comment\n{ interface eth0\n"
			 " virtual_router_id 51\n virtual_ipaddress\n {\n"
			 "  192.0.2.1/24\n }\n}\n", "");
	assert_non_null(c);
	assert_string_equal(c->router_id, "X");
	assert_string_equal(c->instances[0].interface, "eth0");
	conf_free(c);
	/* A keyword that opens no block still refuses one. */
	conf_free(parse_expect(VI(" priority 5\n {\n }\n"),
			       "t.conf:7: priority: unexpected \"{\"\n"));
}

static void test_vocabulary(void **state)
{
	struct conf *c;

	(void)state;
	c = parse_expect(VI(" state SLAVE\n mcast_src_ip 192.0.2.7\n"
			    " nopreempt\n preempt\n"),
			 "t.conf:7: warning: state: unknown state \"SLAVE\", "
			 "BACKUP is used (as keepalived does)\n");
	assert_int_equal(c->instances[0].init_state, CONF_STATE_BACKUP);
	assert_true(c->instances[0].has_unicast_src);
	assert_false(c->instances[0].nopreempt);
	conf_free(c);
	c = parse_expect("global_defs {\n vrrp_rt_priority 30\n"
			 " vrrp_no_swap off\n vrrp_priority -5\n"
			 " max_auto_priority 2\n vrrp_startup_delay 1.5\n"
			 " umask 027\n}\n" VI(""), "");
	assert_int_equal(c->rt_priority, 30);	/* explicit beats max */
	assert_false(c->lock_memory);
	assert_int_equal(c->nice, -5);
	assert_int_equal(c->startup_delay_us, 1500000);
	assert_int_equal(c->umask, 027);
	conf_free(c);
	c = parse_expect("global_defs {\n max_auto_priority 0\n}\n" VI(""), "");
	assert_int_equal(c->rt_priority, 0);
	assert_true(c->lock_memory);
	conf_free(c);
	c = parse_expect(VI(""), "");
	assert_int_equal(c->rt_priority, CONF_RT_PRIORITY_DEFAULT);
	conf_free(c);
	conf_free(parse_expect("global_defs {\n vrrp_strict\n}\n"
			       VI(" accept\n priority 100\n"), ""));
	/* A bad group after a notify command leaves nothing half set. */
	conf_free(parse_expect(VI(" notify_master /bin/x root g\xff\n"),
			       "t.conf:7: notify_master: \"g\\xff\" is not "
			       "valid UTF-8\n"));
	conf_free(parse_expect("vrrp_instance \"A\xff\" {\n}\n",
			       "t.conf:1: vrrp_instance: \"A\\xff\" is not "
			       "valid UTF-8\n"));
	conf_free(parse_expect(VI("") "vrrp_instance VI_2 {\n interface eth1\n"
			       " virtual_router_id 52\n virtual_ipaddress {\n"
			       "  192.0.2.1/24\n }\n}\n",
			       "t.conf:12: vrrp_instance VI_2: 192.0.2.1 is "
			       "also an address of vrrp_instance VI_1 "
			       "(t.conf:5); two instances would fight over "
			       "it\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conditional),
		cmocka_unit_test(test_definitions),
		cmocka_unit_test(test_seq_lst),
		cmocka_unit_test(test_brace_next_line),
		cmocka_unit_test(test_vocabulary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
