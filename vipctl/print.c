/* SPDX-License-Identifier: ISC */
/* vipctl output: the status table and plain JSON. */
#include <stdio.h>
#include <stddef.h>
#include <string.h>

#include <jansson.h>

#include "vipctl/print.h"

#define CELL_MAX	512	/* longest cell; longer ones end in "..." */
#define DROPS_MAX	64	/* drop reasons listed per instance */

enum col {
	COL_NAME, COL_IFACE, COL_VRID, COL_VER, COL_STATE, COL_PRIO,
	COL_MASTER, COL_VIPS, COL_INSTALLED, COL__MAX
};

static const char *const col_titles[COL__MAX] = {
	"INSTANCE", "IFACE", "VRID", "VER", "STATE", "PRIO(EFF)", "MASTER",
	"VIPS", "INSTALLED",
};

/* Single-value columns and the field they show. */
static const char *const col_fields[COL__MAX] = {
	[COL_NAME] = "name",
	[COL_IFACE] = "interface",
	[COL_VRID] = "vrid",
	[COL_VER] = "version",
	[COL_STATE] = "state",
	[COL_MASTER] = "master_address",
	[COL_INSTALLED] = "vips_installed",
};

/* Append s to buf (size bytes, NUL-terminated), marking truncation. */
static void
cat(char *buf, size_t size, const char *s)
{
	size_t used = strlen(buf);
	size_t n = strlen(s);

	if (used + n < size) {
		memcpy(buf + used, s, n + 1);
		return;
	}
	if (size < 4)
		return;
	memcpy(buf + used, s, size - 1 - used);
	buf[size - 1] = '\0';
	memcpy(buf + size - 4, "...", 3);
}

/* Copy s, replacing control characters: output goes to a terminal. */
static const char *
clean(const char *s, char *buf, size_t size)
{
	buf[0] = '\0';
	cat(buf, size, s);
	for (char *p = buf; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return buf;
}

/* Render a scalar: strings cleaned, yes/no for booleans, else "-". */
static const char *
scalar(const json_t *v, char *buf, size_t size)
{
	buf[0] = '\0';
	if (json_is_string(v)) {
		clean(json_string_value(v), buf, size);
	} else if (json_is_integer(v)) {
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
	} else if (json_is_real(v)) {
		snprintf(buf, size, "%g", json_real_value(v));
	} else if (json_is_boolean(v)) {
		cat(buf, size, json_is_true(v) ? "yes" : "no");
	} else {
		cat(buf, size, "-");
	}
	return buf;
}

static const char *
field(const json_t *obj, const char *key, char *buf, size_t size)
{
	return scalar(json_object_get(obj, key), buf, size);
}

/* The VIPs, comma-separated. */
static void
vips_cell(const json_t *v, char *buf, size_t size)
{
	char one[CELL_MAX];
	size_t i;
	json_t *e;

	if (!json_is_array(v) || json_array_size(v) == 0) {
		scalar(json_is_array(v) ? NULL : v, buf, size);
		return;
	}
	buf[0] = '\0';
	json_array_foreach(v, i, e) {
		if (i > 0)
			cat(buf, size, ",");
		cat(buf, size, scalar(e, one, sizeof(one)));
	}
}

static void
cell(const json_t *inst, enum col c, char *buf, size_t size)
{
	char a[CELL_MAX], b[CELL_MAX];

	switch (c) {
	case COL_PRIO:
		snprintf(buf, size, "%s(%s)",
		    field(inst, "priority", a, sizeof(a)),
		    field(inst, "effective_priority", b, sizeof(b)));
		break;
	case COL_VIPS:
		vips_cell(json_object_get(inst, "vips"), buf, size);
		break;
	default:
		field(inst, col_fields[c], buf, size);
		break;
	}
}

static void
print_row(FILE *out, const char *const cells[COL__MAX],
    const size_t width[COL__MAX])
{
	for (int c = 0; c < COL__MAX; c++) {
		if (c == COL__MAX - 1)
			fprintf(out, "%s\n", cells[c]);
		else
			fprintf(out, "%-*s  ", (int)width[c], cells[c]);
	}
}

/* Another virtual router on our VRID: its adverts are ignored. */
static void
print_collision(const json_t *col, FILE *out)
{
	char src[CELL_MAX], prio[CELL_MAX], addrs[CELL_MAX], n[CELL_MAX];
	char seen[CELL_MAX], last[CELL_MAX];

	if (!json_is_object(col))
		return;
	field(col, "source", src, sizeof(src));
	field(col, "priority", prio, sizeof(prio));
	vips_cell(json_object_get(col, "addresses"), addrs, sizeof(addrs));
	field(col, "address_count", n, sizeof(n));
	field(col, "adverts", seen, sizeof(seen));
	field(col, "last_seen", last, sizeof(last));
	fprintf(out, "  warning: VRID collision: %s (priority %s) advertises "
	    "%s (%s addresses), none of ours; %s adverts ignored, last %s\n",
	    src, prio, addrs, n, seen, last);
}

/* Conditions worth a line of their own, when the daemon reports them. */
static void
print_notes(const json_t *inst, FILE *out)
{
	const json_t *v;
	char buf[CELL_MAX];

	v = json_object_get(inst, "fault_reason");
	if (json_is_string(v) && json_string_length(v) > 0)
		fprintf(out, "  fault: %s\n", scalar(v, buf, sizeof(buf)));
	v = json_object_get(inst, "misconfigured_peer");
	if (json_is_string(v) && json_string_length(v) > 0)
		fprintf(out, "  warning: misconfigured peer %s\n",
		    scalar(v, buf, sizeof(buf)));
	print_collision(json_object_get(inst, "vrid_collision"), out);
	v = json_object_get(inst, "sync_group");
	if (json_is_string(v))
		fprintf(out, "  sync group: %s%s\n", scalar(v, buf, sizeof(buf)),
		    json_is_true(json_object_get(inst, "wants_master")) ?
		    " (wants MASTER, waiting for the other members)" : "");
}

/* "sync group MAIL: MASTER (VI_PUB MASTER, VI_INT MASTER)", last move. */
static void
print_groups(const json_t *groups, FILE *out)
{
	char name[CELL_MAX], st[CELL_MAX], mn[CELL_MAX], ms[CELL_MAX];
	char from[CELL_MAX], to[CELL_MAX], why[CELL_MAX], at[CELL_MAX];
	const json_t *g, *m, *last;
	size_t i, k;

	json_array_foreach(groups, i, g) {
		fprintf(out, "sync group %s: %s (",
		    field(g, "name", name, sizeof(name)),
		    field(g, "state", st, sizeof(st)));
		json_array_foreach(json_object_get(g, "members"), k, m)
			fprintf(out, "%s%s %s%s", k ? ", " : "",
			    field(m, "name", mn, sizeof(mn)),
			    field(m, "state", ms, sizeof(ms)),
			    json_is_true(json_object_get(m, "wants_master")) ?
			    " wants MASTER" : "");
		fprintf(out, ")\n");
		last = json_object_get(g, "last_transition");
		if (json_is_object(last))
			fprintf(out, "  last: %s -> %s at %s (%s)\n",
			    field(last, "from", from, sizeof(from)),
			    field(last, "to", to, sizeof(to)),
			    field(last, "at", at, sizeof(at)),
			    field(last, "reason", why, sizeof(why)));
	}
}

/* One line per tracked check: verdict, reason and what it measured. */
static void
print_check(const json_t *ck, FILE *out)
{
	char name[CELL_MAX], st[CELL_MAX], w[CELL_MAX], why[CELL_MAX];
	char a[CELL_MAX];
	const json_t *v;

	fprintf(out, "  check %s: %s (weight %s): %s",
	    field(ck, "name", name, sizeof(name)),
	    field(ck, "state", st, sizeof(st)),
	    field(ck, "weight", w, sizeof(w)),
	    field(ck, "reason", why, sizeof(why)));
	if (json_is_number(v = json_object_get(ck, "latency_ms")))
		fprintf(out, ", %.1f ms", json_number_value(v));
	if (json_is_string(v = json_object_get(ck, "banner_host")) &&
	    json_string_length(v) > 0)
		fprintf(out, ", banner %s", scalar(v, a, sizeof(a)));
	if (json_is_integer(v = json_object_get(ck, "tls_days_left")))
		fprintf(out, ", certificate %s days left",
		    scalar(v, a, sizeof(a)));
	if (json_is_object(v = json_object_get(ck, "queue"))) {
		const char *key;
		json_t *n;

		fprintf(out, "; queue");
		json_object_foreach((json_t *)v, key, n)
			fprintf(out, " %s %s", clean(key, a, sizeof(a)),
			    scalar(n, why, sizeof(why)));
		v = json_object_get(ck, "oldest_incoming_age_s");
		if (json_is_integer(v) && json_integer_value(v) >= 0)
			fprintf(out, ", oldest incoming %s s",
			    scalar(v, a, sizeof(a)));
		v = json_object_get(ck, "oldest_active_age_s");
		if (json_is_integer(v) && json_integer_value(v) >= 0)
			fprintf(out, ", oldest active %s s",
			    scalar(v, a, sizeof(a)));
		v = json_object_get(ck, "queue_pass_ms");
		if (json_is_number(v) && json_is_string(json_object_get(ck,
		    "queue_pass_at")))
			fprintf(out, "; last pass %s, %.0f ms in %s slices",
			    field(ck, "queue_pass_at", a, sizeof(a)),
			    json_number_value(v), field(ck, "queue_slices",
			    why, sizeof(why)));
	}
	if (json_is_string(v = json_object_get(ck, "master_poll")))
		fprintf(out, "; master polled every %s",
		    scalar(v, a, sizeof(a)));
	fputc('\n', out);
}

static void
print_health(const json_t *inst, FILE *out)
{
	const json_t *h = json_object_get(inst, "health");
	const json_t *checks = json_object_get(h, "checks"), *v;
	char buf[CELL_MAX];
	size_t i;
	json_t *ck;

	if (!json_is_object(h))
		return;
	if (json_is_true(json_object_get(h, "maintenance")))
		fprintf(out, "  maintenance: on\n");
	if (json_is_string(v = json_object_get(h, "maintenance_note")))
		fprintf(out, "  maintenance: %s\n", scalar(v, buf,
		    sizeof(buf)));
	if (!json_is_array(checks) || json_array_size(checks) == 0) {
		fprintf(out, "  checks: none\n");
		return;
	}
	if (json_is_false(json_object_get(h, "ready")))
		fprintf(out, "  checks: waiting for a first verdict\n");
	json_array_foreach(checks, i, ck)
		print_check(ck, out);
}

static void
print_last(const json_t *inst, FILE *out)
{
	const json_t *t = json_object_get(inst, "last_transition");
	char from[CELL_MAX], to[CELL_MAX], at[CELL_MAX], why[CELL_MAX];

	if (!json_is_object(t)) {
		fprintf(out, "  last: -\n");
		return;
	}
	fprintf(out, "  last: %s -> %s at %s",
	    field(t, "from", from, sizeof(from)),
	    field(t, "to", to, sizeof(to)),
	    field(t, "at", at, sizeof(at)));
	if (json_object_get(t, "reason") != NULL)
		fprintf(out, " (%s)", field(t, "reason", why, sizeof(why)));
	fputc('\n', out);
}

struct drop {
	const char *name;
	json_int_t count;
};

/* Non-zero drop counters, largest first (ties keep the daemon's order). */
static void
print_drops(const json_t *drops, FILE *out)
{
	struct drop d[DROPS_MAX];
	size_t n = 0, i, j;
	const char *key;
	json_t *v;
	char name[CELL_MAX];

	if (json_is_object(drops)) {
		json_object_foreach((json_t *)drops, key, v) {
			if (!json_is_integer(v) || json_integer_value(v) == 0 ||
			    n == DROPS_MAX)
				continue;
			for (j = n; j > 0 && d[j - 1].count < json_integer_value(v); j--)
				d[j] = d[j - 1];
			d[j] = (struct drop){ key, json_integer_value(v) };
			n++;
		}
	}
	fprintf(out, "drops: %s", n == 0 ? "none" : "");
	for (i = 0; i < n; i++)
		fprintf(out, "%s%s %" JSON_INTEGER_FORMAT, i > 0 ? ", " : "",
		    clean(d[i].name, name, sizeof(name)), d[i].count);
	fputc('\n', out);
}

static void
print_counters(const json_t *inst, FILE *out)
{
	const json_t *c = json_object_get(inst, "counters");
	const json_t *p0rx = json_object_get(c, "prio0_received");
	const json_t *p0tx = json_object_get(c, "prio0_sent");
	char a[CELL_MAX], b[CELL_MAX];

	fprintf(out, "  adverts rx %s", field(c, "adverts_received", a,
	    sizeof(a)));
	fprintf(out, " tx %s", field(c, "adverts_sent", a, sizeof(a)));
	if ((json_is_integer(p0rx) && json_integer_value(p0rx) != 0) ||
	    (json_is_integer(p0tx) && json_integer_value(p0tx) != 0))
		fprintf(out, ", prio0 rx %s tx %s", scalar(p0rx, a, sizeof(a)),
		    scalar(p0tx, b, sizeof(b)));
	fprintf(out, ", became master %s; ",
	    field(c, "became_master", a, sizeof(a)));
	print_drops(json_object_get(c, "drops"), out);
}

static void
print_table(const json_t *insts, FILE *out)
{
	char cells[COL__MAX][CELL_MAX];
	const char *row[COL__MAX];
	size_t width[COL__MAX];
	size_t i;
	json_t *inst;

	for (int c = 0; c < COL__MAX; c++)
		width[c] = strlen(col_titles[c]);
	json_array_foreach(insts, i, inst) {
		for (int c = 0; c < COL__MAX; c++) {
			cell(inst, (enum col)c, cells[c], CELL_MAX);
			if (strlen(cells[c]) > width[c])
				width[c] = strlen(cells[c]);
		}
	}
	print_row(out, col_titles, width);
	json_array_foreach(insts, i, inst) {
		for (int c = 0; c < COL__MAX; c++) {
			cell(inst, (enum col)c, cells[c], CELL_MAX);
			row[c] = cells[c];
		}
		print_row(out, row, width);
		print_notes(inst, out);
		print_last(inst, out);
		print_health(inst, out);
		print_counters(inst, out);
	}
}

/* Which file is running and since when; vipds before reload omit it. */
static void
print_config(const json_t *c, FILE *out)
{
	char file[CELL_MAX], at[CELL_MAX], n[CELL_MAX], bad[CELL_MAX];

	if (!json_is_object(c))
		return;
	fprintf(out, "configuration %s, loaded %s (reloads %s, refused %s)\n",
	    field(c, "file", file, sizeof(file)),
	    field(c, "loaded_at", at, sizeof(at)),
	    field(c, "reloads", n, sizeof(n)),
	    field(c, "reloads_refused", bad, sizeof(bad)));
}

/* reload's answer: what changed, or every error. 0 if reloaded. */
int
vipctl_print_reload(const json_t *r, FILE *out, FILE *err)
{
	static const char *const keys[] = { "added", "changed", "removed",
	    "unchanged" };
	char buf[CELL_MAX];
	const json_t *a;
	size_t i, k;
	json_t *e;

	json_array_foreach(json_object_get(r, "warnings"), i, e)
		fprintf(err, "%s\n", scalar(e, buf, sizeof(buf)));
	if (!json_is_true(json_object_get(r, "reloaded"))) {
		json_array_foreach(json_object_get(r, "errors"), i, e)
			fprintf(err, "%s\n", scalar(e, buf, sizeof(buf)));
		fprintf(err, "vipctl: reload refused; vipd keeps running the "
		    "previous configuration\n");
		return 1;
	}
	fprintf(out, "reloaded %s\n", field(r, "file", buf, sizeof(buf)));
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		a = json_object_get(r, keys[k]);
		if (!json_is_array(a) || json_array_size(a) == 0)
			continue;
		fprintf(out, "  %s:", keys[k]);
		json_array_foreach(a, i, e)
			fprintf(out, " %s", scalar(e, buf, sizeof(buf)));
		fputc('\n', out);
	}
	return 0;
}

void
vipctl_print_status(const json_t *status, FILE *out)
{
	const json_t *insts = json_object_get(status, "instances");
	char v[CELL_MAX], pid[CELL_MAX], rid[CELL_MAX], up[CELL_MAX];

	fprintf(out, "vipd %s (pid %s), router_id %s, up since %s\n",
	    field(status, "version", v, sizeof(v)),
	    field(status, "pid", pid, sizeof(pid)),
	    field(status, "router_id", rid, sizeof(rid)),
	    field(status, "started_at", up, sizeof(up)));
	print_config(json_object_get(status, "config"), out);
	if (!json_is_array(insts) || json_array_size(insts) == 0) {
		fprintf(out, "no instances\n");
		return;
	}
	print_table(insts, out);
	print_groups(json_object_get(status, "sync_groups"), out);
}

int
vipctl_print_json(const json_t *result, FILE *out)
{
	if (json_dumpf(result, out, JSON_INDENT(2)) == -1)
		return -1;
	return fputc('\n', out) == EOF ? -1 : 0;
}

void
vipctl_print_explain(const json_t *result, FILE *out)
{
	const json_t *insts = json_object_get(result, "instances");
	char buf[4096];
	size_t i;
	json_t *inst;

	json_array_foreach(insts, i, inst) {
		const json_t *t = json_object_get(inst, "priority");

		fprintf(out, "%s%s:\n", i > 0 ? "\n" : "",
		    field(inst, "name", buf, sizeof(buf)));
		/* The text is the daemon's own, line by line; keep newlines. */
		if (json_is_string(t)) {
			const char *p = json_string_value(t), *nl;

			while (*p != '\0') {
				nl = strchr(p, '\n');
				fprintf(out, "  %.*s\n", (int)(nl ? nl - p :
				    (ptrdiff_t)strlen(p)), p);
				if (nl == NULL)
					break;
				p = nl + 1;
			}
		}
		fprintf(out, "  %s\n", field(inst, "summary", buf,
		    sizeof(buf)));
		if (json_is_string(json_object_get(inst, "sync")))
			fprintf(out, "  %s\n", field(inst, "sync", buf,
			    sizeof(buf)));
	}
}

void
vipctl_print_maintenance(const json_t *result, FILE *out)
{
	const json_t *insts = json_object_get(result, "instances");
	char n[CELL_MAX], st[CELL_MAX], act[CELL_MAX];
	size_t i;
	json_t *inst;

	json_array_foreach(insts, i, inst)
		fprintf(out, "%s (%s): %s\n",
		    field(inst, "name", n, sizeof(n)),
		    field(inst, "state", st, sizeof(st)),
		    field(inst, "action", act, sizeof(act)));
}
