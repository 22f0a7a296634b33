/* SPDX-License-Identifier: ISC */
/* Comparing two configurations' instances and checks, for a reload (pure). */
#include <stddef.h>
#include <string.h>

#include "conf/conf_diff.h"

/*
 * Items the parser zeroes before filling (padding included) compare byte
 * for byte once their line numbers are cleared: every option counts.
 */
#define ITEM_MAX	512

_Static_assert(sizeof(struct conf_vip) <= ITEM_MAX &&
    sizeof(struct conf_route) <= ITEM_MAX &&
    sizeof(struct conf_rule) <= ITEM_MAX, "ITEM_MAX is too small");

static bool
same_item(const void *a, const void *b, size_t size, size_t line_off)
{
	unsigned char x[ITEM_MAX], y[ITEM_MAX];
	static const int zero;

	memcpy(x, a, size);
	memcpy(y, b, size);
	memcpy(x + line_off, &zero, sizeof(zero));
	memcpy(y + line_off, &zero, sizeof(zero));
	return memcmp(x, y, size) == 0;
}

#define SAME(a, b, type) \
	same_item((a), (b), sizeof(type), offsetof(type, line))

static bool
same_vips(const struct conf_vip *a, size_t na, const struct conf_vip *b,
    size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (!SAME(&a[i], &b[i], struct conf_vip))
			return false;
	return true;
}

bool
conf_same_routes(const struct conf_route *a, size_t na,
    const struct conf_rule *ra, size_t nra, const struct conf_route *b,
    size_t nb, const struct conf_rule *rb, size_t nrb)
{
	size_t i;

	if (na != nb || nra != nrb)
		return false;
	for (i = 0; i < na; i++)
		if (!SAME(&a[i], &b[i], struct conf_route))
			return false;
	for (i = 0; i < nra; i++)
		if (!SAME(&ra[i], &rb[i], struct conf_rule))
			return false;
	return true;
}

static bool
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool
same_tracks(const struct conf *ca, const struct conf_instance *a,
    const struct conf *cb, const struct conf_instance *b)
{
	size_t k;

	if (a->ntracks != b->ntracks || a->ntrack_ifs != b->ntrack_ifs ||
	    a->npeers != b->npeers)
		return false;
	for (k = 0; k < a->ntracks; k++)
		if (a->tracks[k].weight != b->tracks[k].weight ||
		    strcmp(ca->checks[a->tracks[k].check].name,
		    cb->checks[b->tracks[k].check].name) != 0)
			return false;
	for (k = 0; k < a->ntrack_ifs; k++)
		if (a->track_ifs[k].weight != b->track_ifs[k].weight ||
		    strcmp(a->track_ifs[k].name, b->track_ifs[k].name) != 0)
			return false;
	for (k = 0; k < a->npeers; k++)
		if (memcmp(a->peers[k].addr, b->peers[k].addr, 16) != 0)
			return false;
	return true;
}

/*
 * The parser zeroes each instance before filling it, so the scalar
 * settings compare byte for byte once pointers and line numbers are
 * cleared; a setting added later is then compared without a change here.
 */
static void
scalars(const struct conf_instance *in, struct conf_instance *out)
{
	memcpy(out, in, sizeof(*out));
	out->file = NULL;
	out->line = 0;
	out->vips = out->excluded = NULL;
	out->peers = NULL;
	out->track_ifs = NULL;
	out->tracks = NULL;
	out->notify_master = out->notify_backup = out->notify_fault = NULL;
	out->notify_stop = out->notify = NULL;
	out->routes = NULL;
	out->rules = NULL;
}

bool
conf_same_instance(const struct conf *ca, const struct conf_instance *a,
    const struct conf *cb, const struct conf_instance *b)
{
	struct conf_instance sa, sb;

	scalars(a, &sa);
	scalars(b, &sb);
	return memcmp(&sa, &sb, sizeof(sa)) == 0 &&
	    same_vips(a->vips, a->nvips, b->vips, b->nvips) &&
	    same_vips(a->excluded, a->nexcluded, b->excluded, b->nexcluded) &&
	    conf_same_routes(a->routes, a->nroutes, a->rules, a->nrules,
	    b->routes, b->nroutes, b->rules, b->nrules) &&
	    same_tracks(ca, a, cb, b) &&
	    same_str(a->notify_master, b->notify_master) &&
	    same_str(a->notify_backup, b->notify_backup) &&
	    same_str(a->notify_fault, b->notify_fault) &&
	    same_str(a->notify_stop, b->notify_stop) &&
	    same_str(a->notify, b->notify);
}

bool
conf_same_router(const struct conf_instance *a, const struct conf_instance *b)
{
	return strcmp(a->name, b->name) == 0 && a->vrid == b->vrid &&
	    a->family == b->family && a->version == b->version &&
	    strcmp(a->interface, b->interface) == 0 &&
	    /* Another VMAC is another interface: stop, then start anew. */
	    a->use_vmac == b->use_vmac && a->vmac_xmit_base ==
	    b->vmac_xmit_base && strcmp(a->vmac_name, b->vmac_name) == 0;
}

bool
conf_same_check(const struct conf_check *a, const struct conf_check *b)
{
	return strcmp(a->name, b->name) == 0 && a->type == b->type &&
	    a->interval_us == b->interval_us &&
	    a->timeout_us == b->timeout_us &&
	    a->step_timeout_us == b->step_timeout_us &&
	    a->rise == b->rise && a->fall == b->fall &&
	    memcmp(&a->smtp, &b->smtp, sizeof(a->smtp)) == 0 &&
	    memcmp(&a->postfix, &b->postfix, sizeof(a->postfix)) == 0 &&
	    memcmp(&a->script, &b->script, sizeof(a->script)) == 0 &&
	    memcmp(&a->tfile, &b->tfile, sizeof(a->tfile)) == 0 &&
	    memcmp(&a->process, &b->process, sizeof(a->process)) == 0 &&
	    (a->type == CONF_CHECK_SMTP || a->type == CONF_CHECK_POSTFIX ||
	    a->weight == b->weight);	/* a tracker's own weight counts */
}

bool
conf_has_vip(const struct conf_vip *set, size_t n, const struct conf_vip *v)
{
	size_t i;

	/* With its options: one whose label or peer changed goes and comes
	 * back, as the kernel cannot change them in place. */
	for (i = 0; i < n; i++)
		if (SAME(&set[i], v, struct conf_vip))
			return true;
	return false;
}

