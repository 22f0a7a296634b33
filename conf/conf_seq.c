/* SPDX-License-Identifier: ISC */
/*
 * keepalived's line generators (see conf_pre.c): "~SEQ(VAR, [START,]
 * [STEP,] END) text" and "~SEQx(...)", "~LST(VAR, v1, v2) text" and
 * "~LST({A,B}, {a1,b1}, {a2,b2}) text".  Each reads text again, through the
 * whole preprocessor, once per value, with the variables defined.
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"

#define LINE_MAX_LEN	CONF_PRE_LINE_MAX
#define EXPAND_MAX	100000	/* logical lines made by expansion, per load */

/* Whether the budget of expanded lines allows one more. */
static bool
expand_ok(struct conf_parser *p)
{
	if (p->pre.expanded++ < EXPAND_MAX)
		return true;
	if (p->pre.expanded == EXPAND_MAX + 1)
		conf_perr(p, "~SEQ/~LST: more than %d lines generated",
		    EXPAND_MAX);
	return false;
}

/* One number of ~SEQ's list: 0 ok. */
static int
seq_num(const char **sp, long *out)
{
	char *e;

	*out = strtol(*sp, &e, 0);
	if (e == *sp)
		return -1;
	*sp = e + strspn(e, " \t");
	return 0;
}

static int
seq_args(const char *a, long *start, long *step, long *end)
{
	long n[3];
	int k = 0;

	for (;;) {
		if (k == 3 || seq_num(&a, &n[k++]) < 0)
			return -1;
		if (*a == ')')
			break;
		if (*a++ != ',')
			return -1;
		a += strspn(a, " \t");
	}
	if (k == 1) {
		*end = n[0];
		*step = n[0] < 1 ? -1 : 1;
		*start = n[0] < 0 ? -1 : 1;
	} else if (k == 2) {
		*start = n[0];
		*end = n[1];
		*step = n[0] <= n[1] ? 1 : -1;
	} else {
		*start = n[0];
		*step = n[1];
		*end = n[2];
		if (n[1] == 0 || (n[0] < n[2] && n[1] < 0) ||
		    (n[0] > n[2] && n[1] > 0))
			return -1;
	}
	return 0;
}

int
conf_pre_seq(struct conf_parser *p, struct conf_text *t, const char *s, size_t len,
    int depth)
{
	char buf[LINE_MAX_LEN + 1], val[24];
	const char *a, *var, *close;
	bool hex = len > 4 && s[4] == 'x';
	long start, step, end, v;
	size_t vlen;

	if (len > LINE_MAX_LEN)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	a = buf + 4 + hex;
	a += strspn(a, " \t");
	if (*a++ != '(')
		return -1;
	a += strspn(a, " \t");
	var = a;
	vlen = strcspn(a, " \t,)");
	a += vlen;
	a += strspn(a, " \t");
	if (vlen == 0 || *a != ',' || (close = strchr(a, ')')) == NULL)
		return -1;
	a++;
	a += strspn(a, " \t");
	if (seq_args(a, &start, &step, &end) < 0)
		return -1;
	if (hex && (start < 0 || end < 0)) {
		conf_perr(p, "~SEQx: only positive numbers can be in hex");
		return 0;
	}
	close++;
	close += strspn(close, " \t");
	for (v = start; step > 0 ? v <= end : v >= end;) {
		if (!expand_ok(p))
			break;
		snprintf(val, sizeof(val), hex ? "%lx" : "%ld", v);
		if (conf_pre_def_set(p, var, vlen, val, strlen(val)) == NULL) {
			conf_perr(p, "out of memory");
			break;
		}
		conf_pre_text(p, t, close, strlen(close), depth + 1);
		if (__builtin_add_overflow(v, step, &v))
			break;
	}
	return 0;
}

/*
 * The items of one ~LST set ("a" or "{a, b}"), cut in place; *@sp ends up
 * after the set, *@endc is the character after it (',', ')' or NUL).
 * Returns the number of items, or -1 if malformed.
 */
static int
lst_items(char **sp, char **items, int max, bool braced, char *endc)
{
	char *s = *sp, *e, c;
	int n = 0;

	for (;;) {
		s += strspn(s, " \t");
		if (n == max)
			return -1;
		items[n++] = s;
		e = s + strcspn(s, " \t,})");
		s = e + strspn(e, " \t");
		c = *s;
		*e = '\0';
		if (c != '\0')
			s++;
		if (braced && c == ',')
			continue;
		if (braced && c != '}')
			return -1;
		if (braced) {
			s += strspn(s, " \t");
			if ((c = *s) != '\0')
				s++;
		}
		*endc = c;
		*sp = s;
		return n;
	}
}

#define LST_VARS	16

int
conf_pre_lst(struct conf_parser *p, struct conf_text *t, const char *s, size_t len,
    int depth)
{
	char buf[LINE_MAX_LEN + 1], *a, *vars[LST_VARS], *vals[LST_VARS];
	char *text, c;
	int nv, n, i;
	bool braced;

	if (len > LINE_MAX_LEN)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if ((text = strchr(buf, ')')) == NULL ||
	    (text = strdup(text + 1 + strspn(text + 1, " \t"))) == NULL)
		return -1;
	a = buf + 4;
	a += strspn(a, " \t");
	if (*a++ != '(')
		goto bad;
	a += strspn(a, " \t");
	braced = *a == '{';
	a += braced;
	if ((nv = lst_items(&a, vars, LST_VARS, braced, &c)) < 1 || c != ',')
		goto bad;
	for (;;) {
		a += strspn(a, " \t");
		braced = *a == '{';
		a += braced;
		if ((n = lst_items(&a, vals, nv, braced, &c)) < 0)
			goto bad;
		if (!expand_ok(p))
			break;
		for (i = 0; i < nv; i++)
			if (conf_pre_def_set(p, vars[i], strlen(vars[i]), i < n ?
			    vals[i] : "", i < n ? strlen(vals[i]) : 0) == NULL) {
				conf_perr(p, "out of memory");
				c = ')';
				break;
			}
		if (i == nv)
			conf_pre_text(p, t, text, strlen(text), depth + 1);
		if (c == ')')
			break;
		if (c != ',')
			goto bad;
	}
	free(text);
	return 0;
bad:
	free(text);
	return -1;
}

