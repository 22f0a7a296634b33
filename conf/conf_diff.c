/* SPDX-License-Identifier: ISC */
/* Comparing two configurations' instances and checks, for a reload (pure). */
#include <string.h>

#include "conf/conf_diff.h"

static bool
same_vips(const struct conf_vip *a, size_t na, const struct conf_vip *b,
    size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (a[i].family != b[i].family || a[i].prefixlen !=
		    b[i].prefixlen || memcmp(a[i].addr, b[i].addr, 16) != 0 ||
		    strcmp(a[i].dev, b[i].dev) != 0)
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
	    strcmp(a->interface, b->interface) == 0;
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

	for (i = 0; i < n; i++)
		if (set[i].family == v->family && set[i].prefixlen ==
		    v->prefixlen && strcmp(set[i].dev, v->dev) == 0 &&
		    memcmp(set[i].addr, v->addr, 16) == 0)
			return true;
	return false;
}

